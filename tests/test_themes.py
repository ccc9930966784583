"""Themes: the facilitator groups drives under a name, against the real server with real sockets.

Every event's way through and its refusals; the invariants the server keeps (no empty theme, no
facilitator-only or hidden drive in a theme, a strength never in one); what each screen receives
(a viewer who may not see a card never learns it is in a theme); linking a theme to a goal; a
restart keeps them.
"""

from __future__ import annotations

import json
import secrets

import pytest
from helpers import Api, LiveServer, Workshop

pytestmark = pytest.mark.live  # the protocol over real sockets, several clients at once


def new_id() -> str:
    return "theme-" + secrets.token_hex(6)


def everything(client) -> str:
    return json.dumps(client.events)


class Room:
    """A workshop with its console, the board, and Anna, Bram and Cas on their phones; Anna and
    Bram wrote named drives, Cas an anonymous one and one only the facilitator sees."""

    def __init__(self, workshop: Workshop):
        self.workshop = workshop
        self.console, self.board = workshop.facilitator(), workshop.facilitator("board")
        self.anna, self.bram, self.cas = (workshop.participant(n) for n in ("Anna", "Bram", "Cas"))
        self.phones = (self.anna, self.bram, self.cas)
        self.goals = [g["id"] for g in self.anna.state["goals"]]
        self.a1 = self.drive(self.anna, "Teaching others")
        self.a2 = self.drive(self.anna, "Building things")
        self.b1 = self.drive(self.bram, "Helping people learn")
        self.c1 = self.drive(self.cas, "Explaining ideas", "anonymous")
        self.private = self.drive(self.cas, "Worries at home", "facilitator")
        self.strength = self.anna.call("add_card", {"kind": "strength", "text": "Patient", "about": self.bram.id})[
            "card"
        ]
        self.bram.call("respond_strength", {"id": self.strength["id"], "answer": "accept"})

    @staticmethod
    def drive(phone, text, visibility="named") -> dict:
        return phone.call("add_card", {"kind": "drive", "text": text, "visibility": visibility})["card"]

    def everyone(self):
        return (self.console, self.board, *self.phones)

    def theme(self, name="Theme 1", cards=(), theme_id=None) -> dict:
        ack = self.console.call(
            "add_theme", {"id": theme_id or new_id(), "name": name, "card_ids": [c["id"] for c in cards]}
        )
        assert ack["ok"] is True, ack
        return ack

    def state(self, client) -> dict:
        return client.call("sync")["state"]


def heard(client, version: int) -> None:
    """Wait until the client received the change with this version."""
    deadline_events = ("theme_saved", "theme_deleted", "card_saved", "card_deleted", "link_saved", "hidden_change")
    for _ in range(2):
        for name in deadline_events:
            for data in client.received(name):
                if data.get("version") == version:
                    return
        client.call("sync")  # a round trip: whatever was sent before it has arrived
    raise AssertionError(f"{client.name} never heard version {version}")


def received_at(client, version: int) -> tuple[str, dict]:
    """The event (name, payload) the client received with this version."""
    heard(client, version)
    for name, data in list(client.events):
        if isinstance(data, dict) and data.get("version") == version and name not in ("state",):
            return name, data
    raise AssertionError(f"{client.name}: nothing at version {version}")


@pytest.fixture
def room(workshop) -> Room:
    return Room(workshop)


# --- add_theme ------------------------------------------------------------------------------


def test_a_theme_groups_drives_and_every_screen_sees_it(room):
    ack = room.theme("Sharing knowledge", [room.a1, room.b1, room.c1])

    theme = ack["theme"]
    assert theme["name"] == "Sharing knowledge"
    assert set(theme) == {"id", "name", "created_at"}
    assert [c["id"] for c in ack["cards"]] == [room.a1["id"], room.b1["id"], room.c1["id"]]
    assert all(c["theme_id"] == theme["id"] for c in ack["cards"])
    for client in room.everyone():
        name, saved = received_at(client, ack["version"])
        assert name == "theme_saved"
        assert saved["theme"] == theme
        assert {c["id"] for c in saved["cards"]} == {room.a1["id"], room.b1["id"], room.c1["id"]}
        state = room.state(client)
        assert state["themes"] == [theme]
        in_theme = {c["id"] for c in state["cards"] if c["theme_id"] == theme["id"]}
        assert in_theme == {room.a1["id"], room.b1["id"], room.c1["id"]}
    # The anonymous drive stays anonymous in the theme, for everyone but its person and the console.
    for client in (room.board, room.anna, room.bram):
        _, saved = received_at(client, ack["version"])
        anonymous = next(c for c in saved["cards"] if c["id"] == room.c1["id"])
        assert (anonymous["about"], anonymous["author"]) == (None, None)
        assert room.cas.id not in json.dumps(saved)
    _, own = received_at(room.cas, ack["version"])
    assert next(c for c in own["cards"] if c["id"] == room.c1["id"])["about"] == room.cas.id


def test_every_card_starts_in_no_theme_and_the_state_lists_themes_in_order(room):
    state = room.state(room.console)
    assert state["themes"] == []
    assert {c["theme_id"] for c in state["cards"]} == {None}
    first = room.theme("First", [room.a1])["theme"]
    second = room.theme("Second", [room.b1])["theme"]
    third = room.theme("Third", [room.a2])["theme"]
    for client in room.everyone():
        assert [t["id"] for t in room.state(client)["themes"]] == [first["id"], second["id"], third["id"]]


def test_a_card_already_in_a_theme_moves_and_an_emptied_theme_goes(room):
    old = room.theme("Old", [room.a1])["theme"]
    kept = room.theme("Kept", [room.a2, room.b1])["theme"]

    moved = room.theme("New", [room.a1, room.b1])

    for client in room.everyone():
        # The emptied theme goes just before the new one is saved.
        assert received_at(client, moved["version"] - 1) == (
            "theme_deleted",
            {"version": moved["version"] - 1, "id": old["id"], "card_ids": []},
        )
        state = room.state(client)
        assert [t["id"] for t in state["themes"]] == [kept["id"], moved["theme"]["id"]]
        theme_of = {c["id"]: c["theme_id"] for c in state["cards"]}
        assert theme_of[room.a1["id"]] == theme_of[room.b1["id"]] == moved["theme"]["id"]
        assert theme_of[room.a2["id"]] == kept["id"]


def test_replaying_add_theme_acks_the_theme_as_it_is(room):
    theme_id = new_id()
    first = room.theme("Learning", [room.a1], theme_id=theme_id)
    room.console.call("set_card_theme", {"id": room.b1["id"], "theme_id": theme_id})
    again = room.console.call("add_theme", {"id": theme_id, "name": "Other words", "card_ids": [room.a2["id"]]})
    assert again["ok"] is True and again.get("replayed") is True
    assert again["theme"] == first["theme"]
    assert {c["id"] for c in again["cards"]} == {room.a1["id"], room.b1["id"]}
    assert room.state(room.console)["version"] == again["version"]
    # A late resend after the theme was deleted does not bring it back.
    room.console.call("delete_theme", {"id": theme_id})
    late = room.console.call("add_theme", {"id": theme_id, "name": "Learning", "card_ids": [room.a1["id"]]})
    assert late["ok"] is True and late.get("replayed") is True
    assert room.state(room.console)["themes"] == []


def test_add_theme_is_all_or_nothing(room, new_workshop):
    other = new_workshop().participant("Dora")
    stranger = other.call("add_card", {"kind": "drive", "text": "Elsewhere"})["card"]
    before = room.state(room.console)
    for card_ids, code in (
        ([room.a1["id"], "no-such-card-1"], "not_found"),
        ([room.a1["id"], stranger["id"]], "not_found"),
        ([room.a1["id"], room.strength["id"]], "invalid"),
        ([room.a1["id"], room.private["id"]], "forbidden"),
    ):
        answer = room.console.call("add_theme", {"id": new_id(), "name": "Mixed", "card_ids": card_ids})
        assert answer["error"]["code"] == code, card_ids
    refused = room.console.call("add_theme", {"id": new_id(), "name": "Mixed", "card_ids": [room.private["id"]]})
    assert refused["error"]["message"] == "A drive only the facilitator sees cannot join a theme the room sees."
    after = room.state(room.console)
    assert (after["version"], after["themes"], after["cards"]) == (before["version"], [], before["cards"])


def test_only_the_facilitator_groups_and_only_while_open(room):
    theme = room.theme("Ours", [room.a1])["theme"]
    attempts = [
        ("add_theme", {"id": new_id(), "name": "Mine", "card_ids": [room.a2["id"]]}),
        ("edit_theme", {"id": theme["id"], "name": "Mine"}),
        ("delete_theme", {"id": theme["id"]}),
        ("set_card_theme", {"id": room.a2["id"], "theme_id": theme["id"]}),
        ("link_theme", {"theme_id": theme["id"], "goal_id": room.goals[0]}),
    ]
    for event, payload in attempts:
        for phone in room.phones:
            assert phone.call(event, payload)["error"]["code"] == "forbidden", (event, phone.name)
    room.console.call("set_phase", {"phase": "closed"})
    for event, payload in attempts:
        assert room.console.call(event, payload)["error"]["code"] == "closed", event
    room.console.call("set_phase", {"phase": "linking"})
    assert room.state(room.console)["themes"] == [theme]
    # The facilitator's board view may group too (the lead's board drags cards together).
    assert room.board.call("edit_theme", {"id": theme["id"], "name": "From the board"})["ok"] is True


def test_a_board_with_its_own_key_groups_nothing(server, room):
    made = Api(server.url).http.post(
        f"{server.url}/api/workshops/{room.workshop.code}/board-link",
        headers={"Authorization": f"Bearer {room.workshop.token}"},
    )
    key = made.json()["url"].split("key=")[1]
    board = server.connect({"code": room.workshop.code, "role": "board", "view": "board", "token": key}, "board")
    try:
        answer = board.call("add_theme", {"id": new_id(), "name": "Nope", "card_ids": [room.a1["id"]]})
        assert answer["error"]["code"] == "forbidden"
    finally:
        board.disconnect()


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "", "card_ids": ["x" * 10]},
        {"name": "   ", "card_ids": ["x" * 10]},
        {"name": "x" * 61, "card_ids": ["x" * 10]},
        {"name": "two\nlines", "card_ids": ["x" * 10]},
        {"name": "bidi \u202e trick", "card_ids": ["x" * 10]},
        {"name": "bell \x07", "card_ids": ["x" * 10]},
        {"name": 7, "card_ids": ["x" * 10]},
        {"name": "Fine", "card_ids": []},
        {"name": "Fine", "card_ids": ["x" * 10] * 201},
        {"name": "Fine", "card_ids": ["bad id!"]},
        {"name": "Fine", "card_ids": "x" * 10},
        {"name": "Fine"},
        {"name": "Fine", "card_ids": ["x" * 10], "extra": 1},
    ],
)
def test_hostile_add_theme_payloads_are_invalid(room, payload):
    answer = room.console.call("add_theme", {"id": new_id(), **payload})
    assert answer["error"]["code"] == "invalid"
    assert room.console.call("add_theme", {**payload, "id": "short"})["error"]["code"] == "invalid"
    assert room.state(room.console)["themes"] == []


def test_a_name_is_cleaned_like_a_title_and_its_markup_stays_text(room):
    ack = room.theme("  <b>Cafe\u0301</b> & co  ", [room.a1])
    assert ack["theme"]["name"] == "<b>Café</b> & co"  # trimmed, NFC; the client shows it as text
    assert room.theme("x" * 60, [room.a2])["theme"]["name"] == "x" * 60


def test_an_id_of_another_workshops_theme_is_a_conflict(room, new_workshop):
    elsewhere = new_workshop()
    their_console = elsewhere.facilitator()
    dora = elsewhere.participant("Dora")
    card = dora.call("add_card", {"kind": "drive", "text": "Hers"})["card"]
    theirs = new_id()
    assert their_console.call("add_theme", {"id": theirs, "name": "Theirs", "card_ids": [card["id"]]})["ok"]
    answer = room.console.call("add_theme", {"id": theirs, "name": "Ours", "card_ids": [room.a1["id"]]})
    assert answer["error"]["code"] == "conflict"
    for event, payload in (
        ("edit_theme", {"id": theirs, "name": "Renamed"}),
        ("set_card_theme", {"id": room.a1["id"], "theme_id": theirs}),
        ("link_theme", {"theme_id": theirs, "goal_id": room.goals[0]}),
    ):
        assert room.console.call(event, payload)["error"]["code"] == "not_found", event
    assert room.console.call("delete_theme", {"id": theirs}).get("replayed") is True
    assert [t["name"] for t in their_console.call("sync")["state"]["themes"]] == ["Theirs"]


# --- edit_theme, delete_theme ---------------------------------------------------------------


def test_renaming_a_theme_reaches_everyone(room):
    theme = room.theme("Draft", [room.a1, room.c1])["theme"]
    ack = room.console.call("edit_theme", {"id": theme["id"], "name": "Passing it on"})
    assert ack["theme"] == {**theme, "name": "Passing it on"}
    for client in room.everyone():
        assert received_at(client, ack["version"]) == (
            "theme_saved",
            {"version": ack["version"], "theme": ack["theme"], "cards": []},
        )
    same = room.console.call("edit_theme", {"id": theme["id"], "name": "Passing it on"})
    assert same.get("replayed") is True and same["version"] == ack["version"]
    assert room.console.call("edit_theme", {"id": theme["id"], "name": ""})["error"]["code"] == "invalid"


def test_deleting_a_theme_keeps_its_cards_in_no_theme(room):
    theme = room.theme("Gone soon", [room.a1, room.c1])["theme"]
    ack = room.console.call("delete_theme", {"id": theme["id"]})
    for client in room.everyone():
        name, data = received_at(client, ack["version"])
        assert (name, data["id"], sorted(data["card_ids"])) == (
            "theme_deleted",
            theme["id"],
            sorted([room.a1["id"], room.c1["id"]]),
        )
        state = room.state(client)
        assert state["themes"] == []
        assert {c["theme_id"] for c in state["cards"]} == {None}
        assert {room.a1["id"], room.c1["id"]} <= {c["id"] for c in state["cards"]}
    again = room.console.call("delete_theme", {"id": theme["id"]})
    assert again["ok"] is True and again.get("replayed") is True


# --- set_card_theme ---------------------------------------------------------------------------


def test_a_card_joins_moves_and_leaves_as_a_card_change(room):
    one = room.theme("One", [room.a1, room.b1])["theme"]
    two = room.theme("Two", [room.a2])["theme"]

    joined = room.console.call("set_card_theme", {"id": room.c1["id"], "theme_id": one["id"]})
    assert joined["card"]["theme_id"] == one["id"]
    for client in (room.board, room.anna):
        name, data = received_at(client, joined["version"])
        assert name == "card_saved"
        assert (data["card"]["id"], data["card"]["theme_id"], data["card"]["about"]) == (room.c1["id"], one["id"], None)

    moved = room.console.call("set_card_theme", {"id": room.a1["id"], "theme_id": two["id"]})
    assert moved["card"]["theme_id"] == two["id"]
    again = room.console.call("set_card_theme", {"id": room.a1["id"], "theme_id": two["id"]})
    assert again.get("replayed") is True

    left = room.console.call("set_card_theme", {"id": room.b1["id"], "theme_id": None})
    assert left["card"]["theme_id"] is None
    state = room.state(room.bram)
    assert [t["id"] for t in state["themes"]] == [one["id"], two["id"]]  # One keeps Cas's drive


def test_the_last_card_leaving_deletes_its_theme(room):
    theme = room.theme("Lonely", [room.a1])["theme"]
    left = room.console.call("set_card_theme", {"id": room.a1["id"], "theme_id": None})
    assert left["card"]["theme_id"] is None
    for client in room.everyone():
        assert received_at(client, left["version"] - 1) == (
            "theme_deleted",
            {"version": left["version"] - 1, "id": theme["id"], "card_ids": []},
        )
        assert room.state(client)["themes"] == []
    # Moving the last card elsewhere empties it too.
    first = room.theme("First", [room.a2])["theme"]
    second = room.theme("Second", [room.b1])["theme"]
    room.console.call("set_card_theme", {"id": room.a2["id"], "theme_id": second["id"]})
    assert [t["id"] for t in room.state(room.board)["themes"]] == [second["id"]]
    assert first["id"] not in [t["id"] for t in room.state(room.console)["themes"]]


def test_set_card_theme_refusals(room):
    theme = room.theme("Some", [room.a1])["theme"]
    cases = [
        ({"id": "no-such-card-1", "theme_id": theme["id"]}, "not_found"),
        ({"id": room.a2["id"], "theme_id": "no-such-theme"}, "not_found"),
        ({"id": room.strength["id"], "theme_id": theme["id"]}, "invalid"),
        ({"id": room.strength["id"], "theme_id": None}, "invalid"),
        ({"id": room.private["id"], "theme_id": theme["id"]}, "forbidden"),
        ({"id": room.a2["id"]}, "invalid"),  # theme_id must be said, null to leave
        ({"id": room.a2["id"], "theme_id": 5}, "invalid"),
    ]
    for payload, code in cases:
        assert room.console.call("set_card_theme", payload)["error"]["code"] == code, payload
    assert room.state(room.console)["themes"] == [theme]


# --- the invariants ---------------------------------------------------------------------------


def test_a_drive_made_facilitator_only_leaves_its_theme_unseen(room):
    theme = room.theme("Visible", [room.a1, room.b1])["theme"]
    made_private = room.anna.call("edit_card", {"id": room.a1["id"], "visibility": "facilitator"})
    assert made_private["card"]["theme_id"] is None
    for client in (room.board, room.bram, room.cas):
        name, data = received_at(client, made_private["version"])
        assert (name, data["id"]) == ("card_deleted", room.a1["id"])
        state = room.state(client)
        assert room.a1["id"] not in json.dumps(state)
        assert [t["id"] for t in state["themes"]] == [theme["id"]]
    console = room.state(room.console)
    assert next(c for c in console["cards"] if c["id"] == room.a1["id"])["theme_id"] is None
    # Shown again, it does not slip back into the theme.
    shown = room.anna.call("edit_card", {"id": room.a1["id"], "visibility": "named"})
    assert shown["card"]["theme_id"] is None


def test_a_theme_whose_last_drive_turns_private_goes(room):
    theme = room.theme("Fragile", [room.a1])["theme"]
    edit = room.anna.call("edit_card", {"id": room.a1["id"], "visibility": "facilitator"})
    assert edit["ok"] is True and edit["card"]["visibility"] == "facilitator"  # the ack is the edit's
    for client in room.everyone():
        assert received_at(client, edit["version"] - 1) == (
            "theme_deleted",
            {"version": edit["version"] - 1, "id": theme["id"], "card_ids": []},
        )
        assert room.state(client)["themes"] == []


def test_a_hidden_drive_leaves_its_theme(room):
    theme = room.theme("Moderated", [room.a1, room.b1])["theme"]
    hidden = room.console.call("set_card_hidden", {"id": room.a1["id"], "hidden": True})
    assert hidden["card"]["theme_id"] is None
    assert (
        room.console.call("set_card_theme", {"id": room.a1["id"], "theme_id": theme["id"]})["error"]["code"]
        == "forbidden"
    )
    hide_last = room.console.call("set_card_hidden", {"id": room.b1["id"], "hidden": True})
    assert hide_last["ok"] is True and hide_last["card"]["id"] == room.b1["id"]
    for client in room.everyone():
        assert room.state(client)["themes"] == []


def test_deleting_a_themes_last_card_deletes_the_theme(room):
    theme = room.theme("Brief", [room.b1])["theme"]
    ack = room.bram.call("delete_card", {"id": room.b1["id"]})
    assert (ack["ok"], ack["id"], ack["link_ids"]) == (True, room.b1["id"], [])  # the ack is the card's
    for client in room.everyone():
        assert received_at(client, ack["version"] - 1)[1]["id"] == theme["id"]
        assert room.state(client)["themes"] == []


@pytest.mark.parametrize("how", ["leaves", "is removed"])
def test_a_person_going_takes_their_cards_out_and_empties_themes(room, how):
    only_cas = room.theme("Only Cas", [room.c1])["theme"]
    shared = room.theme("Shared", [room.a1, room.b1])["theme"]
    if how == "leaves":
        gone = room.cas.call("leave_workshop", {})
    else:
        gone = room.console.call("remove_participant", {"id": room.cas.id})
    assert gone["ok"] is True and gone["id"] == room.cas.id  # the ack is participant_left
    for client in (room.console, room.board, room.anna, room.bram):
        client.wait_for("participant_left", lambda d: d["id"] == room.cas.id)
        state = room.state(client)
        assert [t["id"] for t in state["themes"]] == [shared["id"]]
        deleted = [d for d in client.received("theme_deleted") if d["id"] == only_cas["id"]]
        assert deleted == [{"version": gone["version"] - 1, "id": only_cas["id"], "card_ids": []}]


def test_strengths_never_carry_a_theme(room):
    for client in room.everyone():
        strength = next(c for c in room.state(client)["cards"] if c["id"] == room.strength["id"])
        assert strength["theme_id"] is None


# --- what each viewer learns --------------------------------------------------------------------


def test_nobody_learns_of_a_card_they_may_not_see_through_a_theme(room):
    ack = room.theme("Open", [room.a1, room.c1])
    theme_id = ack["theme"]["id"]
    room.console.call("set_card_theme", {"id": room.b1["id"], "theme_id": theme_id})
    room.console.call("link_theme", {"theme_id": theme_id, "goal_id": room.goals[0]})
    room.anna.call("edit_card", {"id": room.a1["id"], "visibility": "facilitator"})
    last = room.console.call("delete_theme", {"id": theme_id})
    for client in (room.board, room.anna, room.bram):
        heard(client, last["version"])
        received = everything(client)
        assert room.private["id"] not in received and "Worries at home" not in received
        deleted = client.received("theme_deleted")[-1]
        assert room.a1["id"] not in deleted["card_ids"]  # it left unseen; it is no longer theirs to know
    for client in (room.board, room.anna, room.bram):
        for name, data in client.events:
            if name in ("theme_saved", "card_saved") and isinstance(data, dict):
                assert room.cas.id not in json.dumps(data.get("cards", [])) + json.dumps(
                    data["card"] if name == "card_saved" and data["card"]["id"] == room.c1["id"] else {}
                )


def test_the_rest_api_carries_themes(room):
    theme = room.theme("In the API", [room.a1])["theme"]
    snap = room.workshop.snapshot()
    assert snap["themes"] == [theme]
    assert next(c for c in snap["drives"] if c["id"] == room.a1["id"])["theme_id"] == theme["id"]
    assert {c["theme_id"] for c in snap["strengths"]} == {None}


# --- link_theme -----------------------------------------------------------------------------------


def test_linking_a_theme_links_each_of_its_cards_and_nothing_else(room):
    theme = room.theme("Teach", [room.a1, room.b1, room.c1])["theme"]
    goal = room.goals[1]
    existing = room.anna.call("add_link", {"card_id": room.a1["id"], "goal_id": goal, "type": "grow"})["link"]

    ack = room.console.call("link_theme", {"theme_id": theme["id"], "goal_id": goal, "type": "already"})

    assert ack["ok"] is True
    made = ack["links"]
    assert sorted(l["card_id"] for l in made) == sorted([room.b1["id"], room.c1["id"]])
    assert all((l["goal_id"], l["type"], l["created_by"]) == (goal, "already", None) for l in made)
    for client in room.everyone():
        state = room.state(client)
        to_goal = {l["card_id"]: l for l in state["links"] if l["goal_id"] == goal}
        assert set(to_goal) == {room.a1["id"], room.b1["id"], room.c1["id"]}
        assert to_goal[room.a1["id"]]["id"] == existing["id"]  # kept as its person made it
        assert to_goal[room.a1["id"]]["type"] == "grow"
        linked_cards = {l["card_id"] for l in state["links"]}
        assert room.a2["id"] not in linked_cards and room.strength["id"] not in linked_cards
    for client in (room.board, room.bram):
        for link in made:
            assert client.wait_for("link_saved", lambda d, i=link["id"]: d["link"]["id"] == i)["link"] == link
    assert ack["version"] == room.state(room.console)["version"]

    again = room.console.call("link_theme", {"theme_id": theme["id"], "goal_id": goal})
    assert again["ok"] is True and again["links"] == []
    assert again["version"] == ack["version"]


def test_link_theme_refusals(room):
    theme = room.theme("T", [room.a1])["theme"]
    for payload, code in (
        ({"theme_id": "no-such-theme", "goal_id": room.goals[0]}, "not_found"),
        ({"theme_id": theme["id"], "goal_id": "no-such-goal"}, "not_found"),
        ({"theme_id": theme["id"], "goal_id": room.goals[0], "type": "loves"}, "invalid"),
        ({"theme_id": theme["id"]}, "invalid"),
    ):
        assert room.console.call("link_theme", payload)["error"]["code"] == code, payload
    assert room.state(room.console)["links"] == []


def test_an_anonymous_cards_link_from_a_theme_names_nobody(room):
    theme = room.theme("Anon", [room.c1])["theme"]
    ack = room.console.call("link_theme", {"theme_id": theme["id"], "goal_id": room.goals[0]})
    for client in (room.board, room.anna):
        link = client.wait_for("link_saved", lambda d: d["link"]["id"] == ack["links"][0]["id"])["link"]
        assert link["created_by"] is None
        assert room.cas.id not in json.dumps(link)


# --- the server restarts ------------------------------------------------------------------------


def test_themes_survive_a_restart(tmp_path, clients):
    live = LiveServer(tmp_path / "themes.sqlite3").start()
    try:
        workshop = Workshop(live, Api(live.url), clients)
        console, anna = workshop.facilitator(), workshop.participant("Anna")
        card = anna.call("add_card", {"kind": "drive", "text": "Kept"})["card"]
        theme = console.call("add_theme", {"id": new_id(), "name": "Kept theme", "card_ids": [card["id"]]})["theme"]
        for client in clients:
            client.disconnect()
        live.stop(kill=True)
        live.start()
        again = workshop.facilitator()
        assert again.state["themes"] == [theme]
        assert next(c for c in again.state["cards"] if c["id"] == card["id"])["theme_id"] == theme["id"]
    finally:
        live.stop()


# --- the summary ------------------------------------------------------------------------------------


def test_the_summary_page_exports_and_team_link_show_themes(room):
    import requests

    theme = room.theme("Passing it on", [room.a1, room.b1, room.c1])["theme"]
    room.console.call("link_theme", {"theme_id": theme["id"], "goal_id": room.goals[0]})
    base, code = room.workshop.server.url, room.workshop.code
    bearer = {"Authorization": f"Bearer {room.workshop.token}"}
    data = requests.get(f"{base}/api/workshops/{code}/summary.json", headers=bearer).json()
    assert data["themes"] == [
        {
            "id": theme["id"],
            "name": "Passing it on",
            "drives": 3,
            "people": ["Anna", "Bram", "Cas"],
            "anonymous": 0,
            "goals": [{"id": room.goals[0], "text": room.anna.state["goals"][0]["text"], "links": 3}],
        }
    ]
    csv_text = requests.get(f"{base}/api/workshops/{code}/themes.csv", headers=bearer).text
    assert csv_text.splitlines()[1].startswith("Passing it on,3,Anna | Bram | Cas,0,")
    assert "## Themes" in requests.get(f"{base}/api/workshops/{code}/summary.md", headers=bearer).text
    page = requests.get(f"{base}/w/{code}/summary", cookies={f"wf_{code}": room.workshop.token}).text
    assert 'data-testid="themes"' in page and "Passing it on" in page and "themes.csv" in page
    team_url = room.console.call("create_team_link", {})["url"]
    team = requests.get(team_url).text
    assert 'data-testid="themes"' in team and "themes.csv" not in team
    team_data = requests.get(team_url + "/summary.json").json()["themes"][0]
    assert (team_data["people"], team_data["anonymous"]) == (["Anna", "Bram"], 1)  # Cas's drive stays unnamed
    assert "Worries at home" not in team
