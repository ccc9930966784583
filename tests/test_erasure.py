"""Erasure is physical: after each kind of erasure, the erased words are in no byte of the
database file or its write-ahead log (someone who later reads the server's disk finds nothing).

Each test writes unique marker words, checks that the disk holds them (so the scan can fail),
erases them the way a person or the facilitator would, and scans the files again.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest
import requests
from helpers import Api, Client, LiveServer, Workshop

# A server of its own, whose files on disk are read.
pytestmark = pytest.mark.live


def marker(what: str) -> str:
    return f"Erase{what}{secrets.token_hex(6)}"


def on_disk(db_path: Path, word: str) -> bool:
    """Whether the word is anywhere in the database file or its log, as written or case-folded
    (names are also kept folded, for uniqueness)."""
    needles = {word.encode(), word.casefold().encode()}
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        if path.exists():
            data = path.read_bytes()
            if any(needle in data for needle in needles):
                return True
    return False


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    """A server of its own, so that its files hold only what these tests wrote."""
    live = LiveServer(tmp_path_factory.mktemp("erasure") / "workshops.sqlite3").start()
    yield live
    live.stop()


@pytest.fixture
def room(disk, clients):
    return Workshop(disk, Api(disk.url), clients, title=marker("Title"))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def written_then_erased(disk: LiveServer, words: list[str], erase) -> None:
    for word in words:
        assert on_disk(disk.db_path, word), f"{word} was never written: the scan proves nothing"
    erase()
    for word in words:
        assert not on_disk(disk.db_path, word), f"{word} is still on the disk"


def test_a_deleted_card_is_gone_from_the_disk(disk, room):
    anna = room.participant(marker("Anna"))
    text = marker("Drive")
    card = anna.call("add_card", {"kind": "drive", "text": text})["card"]
    written_then_erased(disk, [text], lambda: anna.call("delete_card", {"id": card["id"]}))


def test_a_declined_strength_is_gone_from_the_disk(disk, room):
    anna, bram = room.participant(marker("Anna")), room.participant(marker("Bram"))
    text = marker("Strength")
    card = anna.call("add_card", {"kind": "strength", "text": text, "about": bram.id})["card"]
    written_then_erased(disk, [text], lambda: bram.call("respond_strength", {"id": card["id"], "answer": "decline"}))


def test_reworded_and_edited_words_are_gone_from_the_disk(disk, room):
    anna, bram = room.participant(marker("Anna")), room.participant(marker("Bram"))
    first, own = marker("Drive"), marker("Strength")
    drive = anna.call("add_card", {"kind": "drive", "text": first})["card"]
    written_then_erased(disk, [first], lambda: anna.call("edit_card", {"id": drive["id"], "text": marker("Again")}))
    strength = anna.call("add_card", {"kind": "strength", "text": own, "about": bram.id})["card"]
    written_then_erased(
        disk,
        [own],
        lambda: bram.call("respond_strength", {"id": strength["id"], "answer": "accept", "text": marker("Mine")}),
    )


def test_a_person_who_leaves_or_is_removed_is_gone_from_the_disk(disk, room):
    console = room.facilitator()
    for how in ("leave", "remove"):
        name, drive, given = marker("Name"), marker("Drive"), marker("Given")
        person, colleague = room.participant(name), room.participant(marker("Colleague"))
        person.call("add_card", {"kind": "drive", "text": drive})
        person.call("add_card", {"kind": "strength", "text": given, "about": colleague.id})
        if how == "leave":
            written_then_erased(disk, [name, drive, given], lambda person=person: person.call("leave_workshop", {}))
        else:
            written_then_erased(
                disk, [name, drive, given], lambda person=person: console.call("remove_participant", {"id": person.id})
            )


def test_a_renamed_person_and_changed_agreements_and_comments_leave_nothing(disk, room):
    console = room.facilitator()
    old_name = marker("Name")
    anna = room.participant(old_name)
    written_then_erased(
        disk, [old_name], lambda: console.call("rename_participant", {"id": anna.id, "name": marker("New")})
    )
    card = anna.call("add_card", {"kind": "drive", "text": marker("Drive")})["card"]
    link = anna.call("add_link", {"card_id": card["id"], "goal_id": anna.state["goals"][0]["id"]})["link"]
    said = marker("Agreement")
    agreement = anna.call("add_agreement", {"link_id": link["id"], "text": said})["agreement"]
    written_then_erased(disk, [said], lambda: anna.call("delete_agreement", {"id": agreement["id"]}))
    console.call("open_checkin", {})
    comment = marker("Comment")
    anna.call("answer_checkin", {"link_id": link["id"], "rating": 4, "comment": comment})
    written_then_erased(
        disk,
        [comment],
        lambda: anna.call("answer_checkin", {"link_id": link["id"], "rating": 3, "comment": marker("Later")}),
    )


def test_a_themes_old_name_and_a_deleted_or_emptied_theme_are_gone_from_the_disk(disk, room):
    console = room.facilitator()
    anna = room.participant(marker("Anna"))
    one, two = (anna.call("add_card", {"kind": "drive", "text": marker("Drive")})["card"] for _ in range(2))
    first, renamed, emptied = marker("Theme"), marker("Renamed"), marker("Emptied")
    theme = console.call("add_theme", {"id": "erase-" + secrets.token_hex(6), "name": first, "card_ids": [one["id"]]})
    theme_id = theme["theme"]["id"]
    written_then_erased(disk, [first], lambda: console.call("edit_theme", {"id": theme_id, "name": renamed}))
    written_then_erased(disk, [renamed], lambda: console.call("delete_theme", {"id": theme_id}))
    other = console.call("add_theme", {"id": "erase-" + secrets.token_hex(6), "name": emptied, "card_ids": [two["id"]]})
    # Its last card leaves: the theme goes with it, and so do its words.
    written_then_erased(disk, [emptied], lambda: console.call("set_card_theme", {"id": two["id"], "theme_id": None}))
    assert other["ok"] and console.call("sync")["state"]["themes"] == []


def test_an_erased_workshop_and_its_follow_ups_are_gone_from_the_disk(disk, room):
    console = room.facilitator()
    name, drive, goal = marker("Name"), marker("Drive"), marker("Goal")
    anna = room.participant(name)
    console.call("add_goal", {"text": goal})
    made = anna.call("add_card", {"kind": "drive", "text": drive})["card"]
    theme = marker("Theme")
    console.call("add_theme", {"id": "erase-" + secrets.token_hex(6), "name": theme, "card_ids": [made["id"]]})
    console.call("set_phase", {"phase": "closed"})
    follow = requests.post(
        f"{disk.url}/api/workshops/{room.code}/follow-up",
        headers=bearer(room.token),
        json={"title": marker("FollowUp")},
    ).json()
    title = room.api.workshop(room.code, room.token)["title"]
    follow_title = room.api.workshop(follow["code"], follow["facilitator_token"])["title"]
    written_then_erased(
        disk,
        [title, follow_title, name, drive, goal, theme],
        lambda: requests.delete(f"{disk.url}/api/workshops/{room.code}", headers=bearer(room.token)),
    )


def test_retention_erases_down_to_the_bytes(tmp_path):
    live = LiveServer(
        tmp_path / "retention.sqlite3",
        env={"WORKSHOP_RETENTION_DAYS": str(1 / 86400), "WORKSHOP_RETENTION_SWEEP_SECONDS": "0.2"},
    )
    live.start()
    try:
        title, name, drive = marker("Title"), marker("Name"), marker("Drive")
        created = Api(live.url).create_workshop(title=title)
        phone = Api(live.url).join(created["code"], name)
        console = Client(
            live.url,
            {"code": created["code"], "role": "facilitator", "view": "console", "token": created["facilitator_token"]},
            "console",
        )
        anna = Client(
            live.url,
            {"code": created["code"], "role": "participant", "view": "phone", "token": phone["participant_token"]},
            "anna",
        )
        try:
            anna.call("add_card", {"kind": "drive", "text": drive})
            assert all(on_disk(live.db_path, word) for word in (title, name, drive))
            console.wait_for("workshop_deleted", timeout=10)
        finally:
            console.disconnect()
            anna.disconnect()
        time.sleep(0.2)
        for word in (title, name, drive):
            assert not on_disk(live.db_path, word)
    finally:
        live.stop()


# --- the marketplace (issue 15) --------------------------------------------------------------------


def open_market(console) -> dict:
    """The workshop open as a marketplace for a week, its first goal asked (by the facilitator)."""
    from datetime import UTC, datetime, timedelta

    until = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
    assert console.call("open_market", {"until": until})["ok"] is True
    goals = console.call("sync")["state"]["goals"]
    return goals[0]


def a_proposal(client, goal_id, card_id, note) -> dict:
    ack = client.call(
        "propose", {"id": "erase-" + secrets.token_hex(6), "goal_id": goal_id, "card_id": card_id, "note": note}
    )
    assert ack["ok"] is True, ack
    return ack["proposal"]


def test_a_person_who_leaves_takes_their_marketplace_words_from_the_disk(disk, room):
    console = room.facilitator()
    goal = open_market(console)
    console.call("set_ask", {"goal_id": goal["id"], "open": True, "text": marker("Ask")})
    for how in ("leave", "remove"):
        person, colleague = room.participant(marker("Name")), room.participant(marker("Colleague"))
        address = marker("mail").lower() + "@example.org"
        person.call("set_digest", {"email": address})
        own = person.call("add_card", {"kind": "drive", "text": marker("Drive")})["card"]
        offered = colleague.call("add_card", {"kind": "drive", "text": marker("Other")})["card"]
        colleague.call("set_offer", {"card_id": offered["id"], "offered": True})
        person.call("set_offer", {"card_id": own["id"], "offered": True})
        answered, proposed, received = marker("Answer"), marker("Proposed"), marker("Received")
        a_proposal(person, goal["id"], own["id"], answered)  # an answer with their own card
        a_proposal(person, goal["id"], offered["id"], proposed)  # they propose a colleague's offer
        # A colleague's proposal of their card goes too (on a second goal, so the pair is free).
        second = console.call("add_goal", {"text": marker("Goal")})["goal"]
        console.call("set_ask", {"goal_id": second["id"], "open": True})
        a_proposal(colleague, second["id"], own["id"], received)

        def erase(person=person, how=how):
            if how == "leave":
                person.call("leave_workshop", {})
            else:
                console.call("remove_participant", {"id": person.id})

        written_then_erased(disk, [address, answered, proposed, received], erase)
        remaining = console.call("sync")["state"]["proposals"]
        assert remaining == []


def test_a_changed_or_stopped_digest_address_is_gone_from_the_disk(disk, room):
    console = room.facilitator()
    anna = room.participant(marker("Anna"))
    first, second = (marker("mail").lower() + "@example.org" for _ in range(2))
    anna.call("set_digest", {"email": first})
    written_then_erased(disk, [first], lambda: anna.call("set_digest", {"email": second}))
    written_then_erased(disk, [second], lambda: anna.call("set_digest", {"email": None}))
    lead = marker("lead").lower() + "@example.org"
    console.call("set_facilitator_digest", {"email": lead})
    written_then_erased(disk, [lead], lambda: console.call("set_facilitator_digest", {"email": None}))


def test_an_erased_workshop_takes_its_marketplace_from_the_disk(disk, room):
    console = room.facilitator()
    goal = open_market(console)
    ask, effort = marker("Ask"), marker("Effort")
    console.call("set_ask", {"goal_id": goal["id"], "open": True, "text": ask, "effort": effort})
    lead = marker("lead").lower() + "@example.org"
    console.call("set_facilitator_digest", {"email": lead})
    anna = room.participant(marker("Anna"))
    card = anna.call("add_card", {"kind": "drive", "text": marker("Drive")})["card"]
    note = marker("Note")
    a_proposal(anna, goal["id"], card["id"], note)
    written_then_erased(
        disk,
        [ask, effort, lead, note],
        lambda: requests.delete(f"{disk.url}/api/workshops/{room.code}", headers=bearer(room.token)),
    )


# --- several teams, one marketplace -------------------------------------------------------------


def two_teams(disk, clients):
    """Two workshops open as marketplaces, in one organisation (tests/test_org.py's teams)."""
    from test_org import Team, create_organisation

    def new_workshop(**kwargs):
        return Workshop(disk, Api(disk.url), clients, **kwargs)

    created = create_organisation(disk, marker("Org"))
    sales = Team(disk, new_workshop, marker("Sales"), "Onboarding", ["Anna", "Bram"], [marker("D"), marker("D")])
    support = Team(disk, new_workshop, marker("Support"), "Calls", ["Cas", "Dirk"], [marker("D"), marker("D")])
    sales.join(created["join_code"])
    support.join(created["join_code"])
    handles = {
        t["title"]: t["team"]
        for t in requests.get(
            f"{disk.url}/api/organisations/{created['id']}", headers=bearer(sales.workshop.token)
        ).json()["teams"]
    }
    return created, sales, support, handles


def across(client, organisation, goal_team, goal_id, card_team, card_id, note) -> dict:
    payload = {
        "id": "erase-" + secrets.token_hex(6),
        "organisation_id": organisation,
        "goal_workshop": goal_team,
        "goal_id": goal_id,
        "card_workshop": card_team,
        "card_id": card_id,
        "note": note,
    }
    ack = client.call("propose_across", payload)
    assert ack["ok"] is True, ack
    return ack["proposal"]


def test_a_person_who_leaves_takes_their_cross_team_words_from_the_disk(disk, clients):
    created, sales, support, handles = two_teams(disk, clients)
    s_sales, s_support = (
        handles[sales.console.state["workshop"]["title"]],
        handles[support.console.state["workshop"]["title"]],
    )
    bram, dirk = sales.phones["Bram"], support.phones["Dirk"]
    made, received = marker("Made"), marker("Received")
    # Bram answers Support's ask (his words); Dirk (Support) proposes Anna's offer for his team's
    # ask (his words). Each takes their own words with them when they leave.
    across(bram, created["id"], s_support, support.goal, s_sales, sales.cards["Bram"]["id"], made)
    anna_card = sales.cards["Anna"]["id"]
    across(dirk, created["id"], s_support, support.goal, s_sales, anna_card, received)

    def erase():
        assert bram.call("leave_workshop", {})["ok"] is True
        assert dirk.call("leave_workshop", {})["ok"] is True

    written_then_erased(disk, [made, received], erase)


def test_an_erased_workshop_takes_its_crossings_from_the_disk(disk, clients):
    created, sales, support, handles = two_teams(disk, clients)
    s_sales, s_support = (
        handles[sales.console.state["workshop"]["title"]],
        handles[support.console.state["workshop"]["title"]],
    )
    note = marker("Note")
    proposal = across(
        sales.phones["Bram"], created["id"], s_support, support.goal, s_sales, sales.cards["Bram"]["id"], note
    )
    assert support.phones["Cas"].call("decide_across", {"id": proposal["id"], "answer": "accept"})["ok"] is True
    written_then_erased(
        disk,
        [note, sales.cards["Bram"]["text"]],
        lambda: requests.delete(f"{disk.url}/api/workshops/{sales.code}", headers=bearer(sales.workshop.token)),
    )
    page = requests.get(f"{disk.url}/api/organisations/{created['id']}", headers=bearer(support.workshop.token))
    assert [t["title"] for t in page.json()["teams"]] == [support.console.state["workshop"]["title"]]
