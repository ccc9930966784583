"""The adversary suite: generated insider histories against a live server, every message read.

``test_no_spy_learns_what_it_may_not`` runs 1,000 hypothesis-made histories (tests/histories.py
says what a history is and which spies listen); the rules come from tests/privacy_rules.py, and
docs/SECURITY.md's table is rendered from the same rules (checked here). The long run, 100,000
steps, is ``bench/adversary.py``.

The other tests show the leak finder at work on messages made by hand: a suite that passes
because its detector is blind would prove nothing.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import privacy_rules as rules
import pytest
from helpers import LiveServer
from histories import Adversary, Finder, Known, html_groups, json_groups, markdown_groups, svg_groups
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from inprocess import InProcessServer
from privacy_rules import Agreement, Card, Facts, Link, Viewer

ROOT = Path(__file__).resolve().parent.parent
#: Histories in the app in this process (every spy's messages as the app sends them), and on a
#: real server (the same spies over real sockets and HTTP: the transport adds no leak).
HISTORIES = int(os.environ.get("WORKSHOP_HISTORIES", "1000"))
LIVE_HISTORIES = int(os.environ.get("WORKSHOP_LIVE_HISTORIES", "100"))
STEPS = 12
#: The in-process histories run in this many tests, so that xdist's workers share them (each
#: part draws its own random histories).
PARTS = 4


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A server of its own: its workshops and their sockets stay out of the shared one."""
    live = LiveServer(tmp_path_factory.mktemp("adversary") / "workshops.sqlite3").start()
    yield live
    live.stop()


@pytest.fixture
def own_app(tmp_path):
    app = InProcessServer(tmp_path / "workshops.sqlite3")
    yield app
    app.stop()


def run_histories(server, count: int) -> None:
    class Histories(Adversary):
        server_url = server.url

    run_state_machine_as_test(
        Histories,
        settings=settings(
            max_examples=count,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    assert "Traceback" not in server.output()


@pytest.mark.parametrize("part", range(PARTS))
def test_no_spy_learns_what_it_may_not(own_app, part):
    run_histories(own_app, HISTORIES // PARTS + (part < HISTORIES % PARTS))


@pytest.mark.live  # every channel as it reaches a phone: real sockets, real HTTP
def test_no_spy_learns_what_it_may_not_over_real_sockets(own_server):
    run_histories(own_server, LIVE_HISTORIES)


def test_the_security_documents_table_is_rendered_from_the_rules():
    spec = importlib.util.spec_from_file_location("security_table", ROOT / "tools" / "security_table.py")
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    assert table.section((ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")) == table.render(), (
        "run .venv/bin/python tools/security_table.py --write"
    )


def test_every_cell_of_the_table_uses_the_words_the_oracle_reads():
    for item, cells in rules.RULES.items():
        assert len(cells) == len(rules.AUDIENCES), item
        for words in cells:
            assert set(words) <= set(rules.LEGEND), (item, words)


# --- the leak finder, on messages made by hand --------------------------------------------------
# Anna has an anonymous drive (with a link she made and an agreement she owns), a named drive,
# and an unsigned strength about her by Bram; Cas is a colleague.

ANNA, BRAM, CAS = "p-anna", "p-bram", "p-cas"
FACTS = Facts(
    code="ABCDEF",
    people={ANNA: "Anna01", BRAM: "Bram02", CAS: "Cas03"},
    cards={
        "c-anon": Card("drive", ANNA, ANNA, "driveanon", "anonymous", "accepted", False, False, False),
        "c-named": Card("drive", ANNA, ANNA, "drivenamed", "named", "accepted", False, False, False),
        "c-strength": Card("strength", ANNA, BRAM, "strengthkind", "named", "accepted", False, False, False),
    },
    links={"l-anon": Link("c-anon", ANNA, frozenset({CAS}))},
    agreements={"a-anon": Agreement("l-anon", "agreeplan", ANNA)},
)
KNOWN = {
    **{key: Known(key, "person", "id") for key in FACTS.people},
    **{name: Known(key, "person", "text") for key, name in FACTS.people.items()},
    **{key: Known(key, "card", "id") for key in FACTS.cards},
    **{card.text: Known(key, "card", "text") for key, card in FACTS.cards.items()},
    "l-anon": Known("l-anon", "link", "id"),
    "a-anon": Known("a-anon", "agreement", "id"),
    "agreeplan": Known("a-anon", "agreement", "text"),
    "ABCDEF": Known("code:ABCDEF", "code", "text"),
}


def leaks(groups, viewer: Viewer):
    allowed = rules.sight(FACTS, viewer)
    return Finder(KNOWN).find(groups, allowed, allowed.items, [FACTS], (viewer.column, "spy", "channel"), "")


def kinds(found) -> set:
    return {(leak.kind, leak.row, leak.relation) for leak in found}


CAS_PHONE = Viewer(rules.COLLEAGUE, CAS)
BOARD = Viewer(rules.BOARD)


def test_leaving_that_names_the_anonymous_is_a_tie():
    left = {"version": 9, "id": ANNA, "card_ids": ["c-anon", "c-named"], "link_ids": ["l-anon"]}
    assert kinds(leaks(json_groups(left), CAS_PHONE)) == {
        ("tie", rules.ANONYMOUS_DRIVE, "whose"),
        ("tie", rules.LINK_ROW, "whose"),
    }
    assert leaks(json_groups({"version": 9, "id": ANNA, "card_ids": ["c-named"]}), CAS_PHONE) == []


def test_the_person_may_see_their_anonymous_drive_with_their_name():
    card = {"card": {"id": "c-anon", "about": ANNA, "author": ANNA, "text": "driveanon"}}
    assert leaks(json_groups(card), Viewer(rules.COLLEAGUE, ANNA)) == []
    assert kinds(leaks(json_groups(card), BOARD)) == {("tie", rules.ANONYMOUS_DRIVE, "whose")}


def test_an_unsigned_strengths_author_is_a_tie_and_a_pair_names_it():
    card = {"id": "c-strength", "about": ANNA, "author": BRAM, "text": "strengthkind"}
    assert kinds(leaks(json_groups(card), CAS_PHONE)) == {("tie", rules.ACCEPTED_UNSIGNED, "author")}
    anna_phone = Viewer(rules.COLLEAGUE, ANNA)
    assert kinds(leaks(json_groups(card), anna_phone)) == {("tie", rules.ACCEPTED_UNSIGNED, "author")}
    assert leaks(json_groups(card), Viewer(rules.COLLEAGUE, BRAM)) == []
    pairs = {"assignments": [{"giver": BRAM, "receiver": ANNA}]}
    assert kinds(leaks(json_groups(pairs), BOARD)) == {("item", rules.PAIR_ROW, "")}


def test_an_owner_who_is_the_anonymous_person_is_a_tie_on_the_agreement():
    named = {"agreement": {"id": "a-anon", "link_id": "l-anon", "text": "agreeplan", "owner": ANNA}}
    assert ("tie", rules.AGREEMENT_ROW, "whose") in kinds(leaks(json_groups(named), BOARD))
    assert leaks(json_groups({"agreement": {**named["agreement"], "owner": None}}), BOARD) == []


def test_a_persons_record_owns_the_items_in_its_lists():
    summary = {"people": [{"id": ANNA, "name": "Anna01", "drives": [{"id": "c-anon", "text": "driveanon"}]}]}
    assert ("tie", rules.ANONYMOUS_DRIVE, "whose") in kinds(leaks(json_groups(summary), BOARD))


def test_documents_tie_a_line_to_its_heading_and_the_code_is_a_secret_there():
    team = Viewer(rules.TEAM_LINK)
    markdown = "## Per person\n\n### Anna01\n- Drives: drivenamed\n- Drives: driveanon\n\n## Drives\n- driveanon\n"
    assert kinds(leaks(markdown_groups(markdown), team)) == {("tie", rules.ANONYMOUS_DRIVE, "whose")}
    page = "<main><p>Code ABCDEF</p><article><h3>Anna01</h3><ul><li>driveanon</li></ul></article></main>"
    assert kinds(leaks(html_groups(page), team)) == {
        ("text", rules.CODE_ROW, ""),
        ("tie", rules.ANONYMOUS_DRIVE, "whose"),
    }
    svg = '<svg><text x="1">Anna01: driveanon</text><text x="2">Anonymous: driveanon</text></svg>'
    assert kinds(leaks(svg_groups(svg), team)) == {("tie", rules.ANONYMOUS_DRIVE, "whose")}


def test_the_marketplace_sees_no_strengths_and_names_only_with_drives():
    offers = {
        "offers": [{"person": "Anna01", "drive": "drivenamed"}, {"person": None, "drive": "driveanon"}],
        "strengths": [{"text": "strengthkind"}],
    }
    assert kinds(leaks(json_groups(offers), Viewer(rules.MARKETPLACE))) == {("text", rules.ACCEPTED_UNSIGNED, "")}


def test_someone_who_left_is_gone_for_everyone():
    after = rules.without(FACTS, {ANNA})
    assert "Anna01" not in rules.sight(after, BOARD).texts
    assert not set(after.cards) - {"c-strength"} and not after.agreements and not after.links


def test_a_field_names_no_one_beyond_its_own_relation():
    # Bram owns an agreement on the link of the unsigned strength he wrote: the team may tie him
    # to that card as its agreement's owner, never as its author.
    facts = Facts(
        FACTS.code,
        FACTS.people,
        FACTS.cards,
        links={"l-strength": Link("c-strength", None)},
        agreements={"a-strength": Agreement("l-strength", "agreecalls", BRAM)},
    )
    allowed = rules.sight(facts, BOARD)
    known = {
        **KNOWN,
        "l-strength": Known("l-strength", "link", "id"),
        "a-strength": Known("a-strength", "agreement", "id"),
        "agreecalls": Known("a-strength", "agreement", "text"),
    }
    finder = Finder(known)

    def found(message):
        return kinds(finder.find(json_groups(message), allowed, allowed.items, [facts], (rules.BOARD, "b", "c"), ""))

    agreement = {"id": "a-strength", "link_id": "l-strength", "text": "agreecalls", "owner": BRAM}
    assert found({"agreement": agreement}) == set()
    assert found({"card": {"id": "c-strength", "about": ANNA, "author": BRAM, "text": "strengthkind"}}) == {
        ("tie", rules.ACCEPTED_UNSIGNED, "author")
    }
