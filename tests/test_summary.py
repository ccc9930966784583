"""The workshop summary and its downloads (workshop/summary.py): a snapshot in, data or text out."""

from __future__ import annotations

import copy
import csv
import io
import re

import pytest

from workshop import model, summary

STAMP = "2025-03-01T10:00:00.000+00:00"
ANNA, BOB, CAROL = "anna-0001", "bob-00001", "carol-001"
GROW, SHIP, DEMO = "goal-grow", "goal-ship", "goal-demo"


def goal(goal_id, text, kind="goal", position=0) -> dict:
    return {"id": goal_id, "kind": kind, "text": text, "position": position}


def person(participant_id, name, color=0) -> dict:
    return {"id": participant_id, "name": name, "color": color}


def card(card_id, kind, about, author, text, prompt=None, visibility="named", status="accepted") -> dict:
    return {
        "id": card_id,
        "kind": kind,
        "about": about,
        "author": author,
        "text": text,
        "prompt": prompt,
        "visibility": visibility,
        "status": status,
        "signed": False,
        "hidden": False,
        "created_at": STAMP,
    }


def link(link_id, card_id, goal_id, created_by=None) -> dict:
    return {
        "id": link_id,
        "card_id": card_id,
        "goal_id": goal_id,
        "created_by": created_by,
        "type": "energises",
        "endorsements": [],
        "created_at": STAMP,
    }


def snapshot(goals=None, participants=None, cards=None, links=None, title="Team day") -> dict:
    """A snapshot shaped like Store.snapshot's."""
    return {
        "workshop": {
            "id": "workshop-1",
            "code": "ABC234",
            "title": title,
            "language": "en",
            "phase": "agreements",
            "version": 12,
            "prompts": ["What moves you?"],
            "created_at": STAMP,
        },
        "goals": goals if goals is not None else [],
        "participants": participants if participants is not None else [],
        "cards": cards if cards is not None else [],
        "links": links if links is not None else [],
    }


@pytest.fixture
def team() -> dict:
    """Three goals (Demo day has nobody), Anna, Bob and Carol; Carol's drive found no outlet.

    Anna's drive "Teaching" links to Grow (by Anna) and to Ship (by Carol); Bob's drive links to
    Ship (by the facilitator) and so does the strength Anna named for him (by Bob).
    """
    return snapshot(
        goals=[
            goal(GROW, "Grow the team", "goal", 0),
            goal(SHIP, "Ship v2", "project", 1),
            goal(DEMO, "Demo day", "activity", 2),
        ],
        participants=[person(ANNA, "Anna", 0), person(BOB, "Bob", 1), person(CAROL, "Carol", 2)],
        cards=[
            card("card-teach", "drive", ANNA, ANNA, "Teaching"),
            card("card-build", "drive", BOB, BOB, "Building things"),
            card("card-calm1", "strength", BOB, ANNA, "Calm"),
            card("card-trav1", "drive", CAROL, CAROL, "Travel"),
        ],
        links=[
            link("link-0001", "card-teach", GROW, ANNA),
            link("link-0002", "card-build", SHIP, None),
            link("link-0003", "card-calm1", SHIP, BOB),
            link("link-0004", "card-teach", SHIP, CAROL),
        ],
    )


# --- build -------------------------------------------------------------------------------------


def test_build_keeps_the_workshops_public_facts_only(team):
    assert {
        "code": "ABC234",
        "title": "Team day",
        "language": "en",
        "phase": "agreements",
        "created_at": STAMP,
    } == summary.build(team)["workshop"]


def test_build_lists_goals_in_snapshot_order(team):
    assert [(GROW, "goal", "Grow the team"), (SHIP, "project", "Ship v2"), (DEMO, "activity", "Demo day")] == [
        (g["id"], g["kind"], g["text"]) for g in summary.build(team)["goals"]
    ]


def test_build_gives_each_goal_its_links(team):
    grow = summary.build(team)["goals"][0]
    assert [
        {
            "card": {"id": "card-teach", "kind": "drive", "text": "Teaching", "visibility": "named", "hidden": False},
            "type": "energises",
            "endorsements": 0,
            "person": {"id": ANNA, "name": "Anna"},
            "linked_by": "Anna",
        }
    ] == grow["links"]


def test_the_links_of_a_goal_keep_their_order(team):
    ship = summary.build(team)["goals"][1]
    assert [("Building things", "Bob"), ("Calm", "Bob"), ("Teaching", "Anna")] == [
        (l["card"]["text"], l["person"]["name"]) for l in ship["links"]
    ]


def test_a_link_names_who_made_it(team):
    ship = summary.build(team)["goals"][1]
    assert [None, "Bob", "Carol"] == [l["linked_by"] for l in ship["links"]]


def test_a_strength_is_credited_to_the_person_it_is_about(team):
    calm = summary.build(team)["goals"][1]["links"][1]
    assert ({"id": BOB, "name": "Bob"}, "strength") == (calm["person"], calm["card"]["kind"])


def test_the_people_of_a_goal_are_named_once_in_order(team):
    assert [["Anna"], ["Bob", "Anna"], []] == [g["people"] for g in summary.build(team)["goals"]]


def test_open_goals_are_the_goals_with_nobody(team):
    assert [{"id": DEMO, "kind": "activity", "text": "Demo day"}] == summary.build(team)["open_goals"]


def test_unlinked_drives_are_drives_with_no_outlet(team):
    assert [
        {"id": "card-trav1", "text": "Travel", "person": "Carol", "visibility": "named", "hidden": False}
    ] == summary.build(team)["unlinked_drives"]


def test_an_unlinked_strength_is_not_an_unlinked_drive(team):
    team["links"] = [l for l in team["links"] if l["card_id"] != "card-calm1"]
    assert ["Travel"] == [d["text"] for d in summary.build(team)["unlinked_drives"]]


def test_totals(team):
    assert {
        "goals": 3,
        "goals_with_energy": 2,
        "open_goals": 1,
        "people": 3,
        "drives": 3,
        "strengths": 1,
        "links": 4,
        "unlinked_drives": 1,
    } == summary.build(team)["totals"]


def test_build_gives_each_person_their_drives_strengths_and_goals(team):
    anna, bob, carol = summary.build(team)["people"]
    assert {
        "id": ANNA,
        "name": "Anna",
        "drives": [
            {
                "id": "card-teach",
                "text": "Teaching",
                "visibility": "named",
                "hidden": False,
                "goals": ["Grow the team", "Ship v2"],
                "theme": None,
            }
        ],
        "strengths": [],
        "goals": ["Grow the team", "Ship v2"],
    } == anna
    assert {
        "id": BOB,
        "name": "Bob",
        "drives": [
            {
                "id": "card-build",
                "text": "Building things",
                "visibility": "named",
                "hidden": False,
                "goals": ["Ship v2"],
                "theme": None,
            }
        ],
        "strengths": [
            {
                "id": "card-calm1",
                "text": "Calm",
                "visibility": "named",
                "hidden": False,
                "goals": ["Ship v2"],
                "theme": None,
            }
        ],
        "goals": ["Ship v2"],
    } == bob
    assert {
        "id": CAROL,
        "name": "Carol",
        "drives": [
            {"id": "card-trav1", "text": "Travel", "visibility": "named", "hidden": False, "goals": [], "theme": None}
        ],
        "strengths": [],
        "goals": [],
    } == carol


def test_a_strength_is_listed_under_the_person_it_is_about_not_its_author(team):
    anna, bob, _ = summary.build(team)["people"]
    assert ([], ["Calm"]) == ([s["text"] for s in anna["strengths"]], [s["text"] for s in bob["strengths"]])


def test_build_of_an_empty_workshop():
    built = summary.build(snapshot())
    assert ([], [], [], []) == (built["goals"], built["people"], built["open_goals"], built["unlinked_drives"])
    assert {
        "goals": 0,
        "goals_with_energy": 0,
        "open_goals": 0,
        "people": 0,
        "drives": 0,
        "strengths": 0,
        "links": 0,
        "unlinked_drives": 0,
    } == built["totals"]


def test_build_ignores_a_link_to_a_card_that_is_gone(team):
    team["links"].append(link("link-ghost", "card-gone", DEMO))
    built = summary.build(team)
    assert (4, [DEMO]) == (built["totals"]["links"], [g["id"] for g in built["open_goals"]])


def test_build_ignores_a_link_to_a_goal_that_is_gone(team):
    team["links"].append(link("link-ghost", "card-trav1", "goal-gone"))
    built = summary.build(team)
    assert (4, ["Travel"]) == (built["totals"]["links"], [d["text"] for d in built["unlinked_drives"]])


def test_build_leaves_the_snapshot_alone(team):
    before = copy.deepcopy(team)
    summary.build(team)
    assert before == team


# --- Markdown ----------------------------------------------------------------------------------

EVIL_CARD = "# <script>alert(1)</script> [x](http://evil)"


def headings(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("#")]


def unescape(markdown: str) -> str:
    """Markdown's backslash escapes undone: what a reader sees as text."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_markdown_opens_with_the_title(team):
    assert "# Team day" == summary.to_markdown(summary.build(team)).splitlines()[0]


def test_markdown_states_the_totals(team):
    assert "2 of 3 goals have energy behind them; 1 of 3 drives found no outlet yet." in summary.to_markdown(
        summary.build(team)
    )


def test_markdown_has_the_documents_headings(team):
    assert [
        "# Team day",
        "## Per goal",
        "### Grow the team (goal)",
        "### Ship v2 (project)",
        "### Demo day (activity)",
        "## Per person",
        "### Anna",
        "### Bob",
        "### Carol",
        "## Goals with nobody",
        "## Drives with no outlet",
    ] == [unescape(h) for h in headings(summary.to_markdown(summary.build(team)))]


def test_markdown_lists_who_is_behind_a_goal(team):
    markdown = unescape(summary.to_markdown(summary.build(team)))
    assert "- **Bob**: Building things (drive)\n- **Bob**: Calm (strength)\n- **Anna**: Teaching (drive)" in markdown


def test_markdown_says_when_nobody_linked_a_goal(team):
    assert "### Demo day (activity)\n- _Nobody linked yet_" in unescape(summary.to_markdown(summary.build(team)))


def test_markdown_lists_each_persons_cards_and_goals(team):
    markdown = unescape(summary.to_markdown(summary.build(team)))
    assert "### Bob\n- Drives: Building things → Ship v2\n- Strengths: Calm → Ship v2" in markdown
    assert "### Carol\n- Drives: Travel → no goal yet" in markdown


def test_markdown_lists_open_goals_and_unlinked_drives(team):
    markdown = unescape(summary.to_markdown(summary.build(team)))
    assert "## Goals with nobody\n\n- Demo day\n" in markdown
    assert "## Drives with no outlet\n\n- **Carol**: Travel\n" in markdown


def test_markdown_says_none_when_nothing_is_open():
    markdown = summary.to_markdown(summary.build(snapshot()))
    assert "## Goals with nobody\n\n- _None_" in markdown
    assert "## Drives with no outlet\n\n- _None_" in markdown


def test_markdown_ends_with_a_newline(team):
    assert summary.to_markdown(summary.build(team)).endswith("\n")


@pytest.fixture
def evil() -> dict:
    """A workshop whose every piece of participant text tries to become Markdown or HTML."""
    return snapshot(
        title="# <img src=x onerror=alert(1)>",
        goals=[goal(GROW, "[click](http://evil)"), goal(DEMO, "<b>open</b> *now*", "activity", 1)],
        participants=[person(ANNA, "<b>Eve</b>"), person(BOB, "__Bob__ `x`")],
        cards=[
            card("card-evil", "drive", ANNA, ANNA, EVIL_CARD),
            card("card-more", "drive", BOB, BOB, "![img](http://evil/x.png) | --- |"),
        ],
        links=[link("link-0001", "card-evil", GROW, ANNA)],
    )


def test_markdown_escapes_a_card_so_it_makes_no_heading_tag_or_link(evil):
    markdown = summary.to_markdown(summary.build(evil))
    assert r"\# \<script\>alert\(1\)\</script\> \[x\]\(http://evil\)" in markdown


def test_markdown_has_no_raw_tag_from_participant_text(evil):
    markdown = summary.to_markdown(summary.build(evil))
    assert [] == re.findall(r"(?<!\\)<", markdown)


def test_markdown_has_no_link_from_participant_text(evil):
    markdown = summary.to_markdown(summary.build(evil))
    assert ("](" not in markdown) and ([] == re.findall(r"(?<!\\)\[", markdown))


def test_markdown_makes_no_heading_from_participant_text(evil):
    markdown = summary.to_markdown(summary.build(evil))
    assert [
        "# \\# \\<img src=x onerror=alert\\(1\\)\\>",
        "## Per goal",
        "### \\[click\\]\\(http://evil\\) (goal)",
        "### \\<b\\>open\\</b\\> \\*now\\* (activity)",
        "## Per person",
        "### \\<b\\>Eve\\</b\\>",
        "### \\_\\_Bob\\_\\_ \\`x\\`",
        "## Goals with nobody",
        "## Drives with no outlet",
    ] == headings(markdown)


def test_markdown_escaping_keeps_the_words(evil):
    markdown = unescape(summary.to_markdown(summary.build(evil)))
    assert EVIL_CARD in markdown and "![img](http://evil/x.png) | --- |" in markdown


def test_a_line_break_in_a_card_does_not_start_a_new_line(team):
    team["cards"][0]["text"] = "Teaching\n# Heading\n<script>x</script>"
    markdown = summary.to_markdown(summary.build(team))
    assert not any(line.startswith(("# Heading", "\\# Heading", "<")) for line in markdown.splitlines())
    assert "Teaching \\# Heading \\<script\\>x\\</script\\>" in markdown


NL = {
    "%(with)s of %(goals)s goals have energy behind them; %(drives)s of %(all)s drives found no outlet yet.": "%(with)s van %(goals)s doelen hebben energie; %(drives)s van %(all)s drijfveren nog zonder uitweg.",
    "Per goal": "Per doel",
    "Per person": "Per persoon",
    "Goals with nobody": "Doelen zonder iemand",
    "Drives with no outlet": "Drijfveren zonder uitweg",
    "Nobody linked yet": "Nog niemand gekoppeld",
    "Drives": "Drijfveren",
    "Strengths": "Krachten",
    "no goal yet": "nog geen doel",
    "None": "Geen",
    "Anonymous": "Anoniem",
    "goal": "doel",
    "project": "project",
    "activity": "activiteit",
    "drive": "drijfveer",
    "strength": "kracht",
}


def test_markdown_speaks_the_workshops_language(team):
    markdown = unescape(summary.to_markdown(summary.build(team), NL.get))
    assert "2 van 3 doelen hebben energie; 1 van 3 drijfveren nog zonder uitweg." in markdown
    assert ["## Per doel", "## Per persoon", "## Doelen zonder iemand", "## Drijfveren zonder uitweg"] == [
        h for h in headings(markdown) if h.startswith("## ")
    ]
    assert "### Demo day (activiteit)\n- _Nog niemand gekoppeld_" in markdown
    assert "- **Bob**: Calm (kracht)" in markdown
    assert "### Carol\n- Drijfveren: Travel → nog geen doel" in markdown


def test_markdown_translates_every_word_it_writes(team):
    asked = []

    def translate(text):
        asked.append(text)
        return NL[text]

    summary.to_markdown(summary.build(team), translate)
    assert set(asked) <= set(NL) and {"Per goal", "Per person", "Drives", "Strengths"} <= set(asked)


def test_markdown_without_a_translation_is_english(team):
    assert "## Per goal" in summary.to_markdown(summary.build(team))


# --- CSV ---------------------------------------------------------------------------------------


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_starts_with_the_header(team):
    assert ["goal_kind", "goal", "person", "card_kind", "card", "linked_by"] == rows(
        summary.to_csv(summary.build(team))
    )[0]


def test_csv_has_one_row_per_link_then_the_unlinked_cards(team):
    assert [
        ["goal", "Grow the team", "Anna", "drive", "Teaching", "Anna"],
        ["project", "Ship v2", "Bob", "drive", "Building things", ""],
        ["project", "Ship v2", "Bob", "strength", "Calm", "Bob"],
        ["project", "Ship v2", "Anna", "drive", "Teaching", "Carol"],
        ["", "", "Carol", "drive", "Travel", ""],
    ] == rows(summary.to_csv(summary.build(team)))[1:]


def test_csv_lists_an_unlinked_strength(team):
    team["links"] = [l for l in team["links"] if l["card_id"] != "card-calm1"]
    assert ["", "", "Bob", "strength", "Calm", ""] in rows(summary.to_csv(summary.build(team)))


def test_csv_of_an_empty_workshop_is_the_header():
    assert "goal_kind,goal,person,card_kind,card,linked_by\r\n" == summary.to_csv(summary.build(snapshot()))


def test_csv_lines_end_with_crlf(team):
    text = summary.to_csv(summary.build(team))
    assert text.count("\r\n") == len(rows(text)) and "\n" not in text.replace("\r\n", "")


def test_csv_keeps_commas_quotes_and_line_breaks_in_one_cell(team):
    team["cards"][3]["text"] = 'Travel, "far"\nand wide'
    assert ["", "", "Carol", "drive", 'Travel, "far"\nand wide', ""] == rows(summary.to_csv(summary.build(team)))[-1]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_neutralises_a_formula_in_a_card(team, start):
    team["cards"][0]["text"] = f'{start}HYPERLINK("http://evil","x")'
    assert f'\'{start}HYPERLINK("http://evil","x")' == rows(summary.to_csv(summary.build(team)))[1][4]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_neutralises_a_formula_in_every_column(start):
    evil = snapshot(
        goals=[goal(GROW, f"{start}goal")],
        participants=[person(ANNA, f"{start}Anna"), person(BOB, f"{start}Bob")],
        cards=[
            card("card-0001", "drive", ANNA, ANNA, f"{start}card"),
            card("card-0002", "strength", ANNA, BOB, f"{start}unlinked"),
        ],
        links=[link("link-0001", "card-0001", GROW, BOB)],
    )
    linked, unlinked = rows(summary.to_csv(summary.build(evil)))[1:]
    assert ["goal", f"'{start}goal", f"'{start}Anna", "drive", f"'{start}card", f"'{start}Bob"] == linked
    assert ["", "", f"'{start}Anna", "strength", f"'{start}unlinked", ""] == unlinked


@pytest.mark.parametrize("text", ["1+1=2", "e-mail me", "Anna@home", "'quoted'"])
def test_csv_leaves_ordinary_text_alone(team, text):
    team["cards"][0]["text"] = text
    assert text == rows(summary.to_csv(summary.build(team)))[1][4]


def test_the_teams_summary_keeps_every_privacy_choice(team):
    team["cards"].append(
        card("card-priv1", "drive", "anna-0001", "anna-0001", "Private matter", visibility="facilitator")
    )
    team["cards"].append(
        card("card-anon1", "drive", "bob-00001", "bob-00001", "Anonymous wish", visibility="anonymous")
    )
    team["cards"].append(card("card-pend1", "strength", "bob-00001", "anna-0001", "Not yet agreed", status="pending"))
    team_view = summary.build(team, model.TEAM)
    text = str(team_view)
    assert "Private matter" not in text and "Not yet agreed" not in text
    assert {
        "id": "card-anon1",
        "text": "Anonymous wish",
        "person": None,
        "visibility": "anonymous",
        "hidden": False,
    } in team_view["unlinked_drives"]
    facilitator_view = summary.build(team)
    assert "Private matter" in str(facilitator_view)
    assert "Not yet agreed" not in str(facilitator_view)  # not a result until its person agrees


# --- themes --------------------------------------------------------------------------------------


def theme(theme_id, name, created_at=STAMP) -> dict:
    return {"id": theme_id, "name": name, "created_at": created_at}


@pytest.fixture
def themed(team) -> dict:
    """The team with two themes: "Making" holds Anna's and Bob's drives and an anonymous one of
    Carol's; "Seeing" only Carol's named drive. Bob's strength is in none (strengths never are)."""
    team["themes"] = [theme("theme-make", "Making"), theme("theme-seen", "Seeing")]
    team["cards"].append(card("card-anon1", "drive", CAROL, CAROL, "Quiet work", visibility="anonymous"))
    for c in team["cards"]:
        c["theme_id"] = {
            "card-teach": "theme-make",
            "card-build": "theme-make",
            "card-anon1": "theme-make",
            "card-trav1": "theme-seen",
        }.get(c["id"])
    team["links"].append(link("link-0005", "card-anon1", SHIP, None))
    return team


def test_each_theme_counts_its_drives_people_anonymous_ones_and_goals(themed):
    making, seeing = summary.build(themed)["themes"]
    assert making == {
        "id": "theme-make",
        "name": "Making",
        "drives": 3,
        "people": ["Anna", "Bob", "Carol"],
        "anonymous": 0,  # the facilitator's summary knows whose Carol's anonymous drive is
        "goals": [{"id": GROW, "text": "Grow the team", "links": 1}, {"id": SHIP, "text": "Ship v2", "links": 3}],
    }
    assert seeing == {
        "id": "theme-seen",
        "name": "Seeing",
        "drives": 1,
        "people": ["Carol"],
        "anonymous": 0,
        "goals": [],
    }


def test_the_facilitators_summary_names_whose_anonymous_drive_is_in_a_theme_but_the_team_does_not(themed):
    facilitator = summary.build(themed)["themes"][0]
    team_view = summary.build(themed, model.TEAM)["themes"][0]
    assert facilitator["people"] == ["Anna", "Bob", "Carol"] and facilitator["anonymous"] == 0
    assert (team_view["drives"], team_view["people"], team_view["anonymous"]) == (3, ["Anna", "Bob"], 1)


def test_a_themes_people_are_sorted_and_named_once(themed):
    themed["cards"].append(card("card-more1", "drive", ANNA, ANNA, "Also teaching"))
    themed["cards"][-1]["theme_id"] = "theme-seen"
    themed["participants"][0]["name"] = "zoë"
    assert summary.build(themed)["themes"][1]["people"] == ["Carol", "zoë"]
    assert summary.build(themed)["themes"][0]["people"] == ["Bob", "Carol", "zoë"]


def test_the_team_never_counts_a_hidden_or_facilitator_only_card_in_a_theme(themed):
    # Not a state the server allows; the summary counts over what its reader sees all the same.
    themed["cards"][0]["visibility"] = "facilitator"
    themed["cards"][1]["hidden"] = True
    making = summary.build(themed, model.TEAM)["themes"][0]
    assert (making["drives"], making["people"], making["anonymous"]) == (1, [], 1)
    assert making["goals"] == [{"id": SHIP, "text": "Ship v2", "links": 1}]
    assert "Teaching" not in str(summary.build(themed, model.TEAM)["themes"])
    themed["cards"][-1]["theme_id"] = themed["cards"][3]["theme_id"] = None  # nothing seen is left in them
    themed["cards"][4]["theme_id"] = None
    assert [t["name"] for t in summary.build(themed, model.TEAM)["themes"]] == []
    assert [t["name"] for t in summary.build(themed)["themes"]] == ["Making"]


def test_a_cards_entry_names_its_theme(themed):
    anna = summary.build(themed)["people"][0]
    assert anna["drives"][0]["theme"] == "Making"
    bob = summary.build(themed)["people"][1]
    assert bob["strengths"][0]["theme"] is None
    assert summary.build(themed, model.TEAM)["anonymous"][0]["theme"] == "Making"


def test_a_summary_without_themes_has_an_empty_section(team):
    assert summary.build(team)["themes"] == []
    assert "## Themes" not in summary.to_markdown(summary.build(team))
    assert rows(summary.themes_csv(summary.build(team))) == [
        ["theme", "drives", "people", "anonymous", "goal", "links"]
    ]


def test_markdown_lists_each_theme(themed):
    text = summary.to_markdown(summary.build(themed, model.TEAM))
    block = text.split("## Themes\n", 1)[1].split("\n## ", 1)[0]
    assert "### Making (Drives: 3)" in block
    assert "- People: Anna, Bob, Anonymous × 1" in block
    assert "- Goals: Grow the team (1), Ship v2 (3)" in block
    assert "### Seeing (Drives: 1)\n- People: Carol\n- Goals: no goal yet" in block


def test_markdown_escapes_a_themes_name(themed):
    themed["themes"][0]["name"] = "# [click](http://evil) <b>"
    text = summary.to_markdown(summary.build(themed))
    assert "### \\# \\[click\\]\\(http://evil\\) \\<b\\>" in text


def test_the_themes_csv_has_a_row_per_theme_and_goal(themed):
    themed["themes"][1]["name"] = "=SUM(A1)"
    header, *body = rows(summary.themes_csv(summary.build(themed, model.TEAM)))
    assert header == ["theme", "drives", "people", "anonymous", "goal", "links"]
    assert body == [
        ["Making", "3", "Anna | Bob", "1", "Grow the team", "1"],
        ["Making", "3", "Anna | Bob", "1", "Ship v2", "3"],
        ["'=SUM(A1)", "1", "Carol", "0", "", ""],
    ]


def test_the_cards_csv_names_each_cards_theme(themed):
    header, *body = rows(summary.cards_csv(summary.build(themed)))
    assert header[-1] == "theme"
    by_card = {row[2]: row[-1] for row in body}
    assert (by_card["Teaching"], by_card["Travel"], by_card["Calm"]) == ("Making", "Seeing", "")


def test_the_summary_with_themes_keeps_its_documented_shape(themed):
    from workshop.schema import Summary

    data = summary.build(themed)
    Summary.model_validate({**data, "agreements": [], "changes": None, "checkins": []})
