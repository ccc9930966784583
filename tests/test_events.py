"""Several real Socket.IO clients in one workshop: what each receives, and what others never do."""

import pytest
import socketio


@pytest.mark.live  # the protocol over real sockets
def test_connecting_sends_the_state_as_that_client_may_see_it(workshop):
    phone = workshop.participant("Anna")
    assert phone.state["version"] == 1
    assert phone.state["me"] == {"role": "participant", "id": phone.id, "view": "phone"}
    assert [p["name"] for p in phone.state["participants"]] == ["Anna"]
    assert phone.state["workshop"]["code"] == workshop.code
    assert phone.state["workshop"]["join_url"] == workshop.urls["join"]
    assert len(phone.state["workshop"]["prompts"]) == 11
    assert [g["kind"] for g in phone.state["goals"]] == ["goal", "project", "activity"]


@pytest.mark.live  # the protocol over real sockets
def test_a_drive_reaches_every_client_of_the_workshop_and_nobody_elses(new_workshop):
    ours, theirs = new_workshop(), new_workshop()
    console, board = ours.facilitator(), ours.facilitator("board")
    anna, bram = ours.participant("Anna"), ours.participant("Bram")
    stranger, stranger_console = theirs.participant("Anna"), theirs.facilitator()

    ack = anna.call("add_card", {"kind": "drive", "text": "Helping customers grow"})

    assert ack["ok"] is True
    for client in (console, board, anna, bram):
        saved = client.wait_for("card_saved")
        assert saved == {"version": ack["version"], "card": ack["card"]}
    bram.call("sync")  # a round trip: anything for the other workshop would have arrived by now
    for client in (stranger, stranger_console):  # only their own workshop's state and presence
        assert [n for n in client.names() if n not in ("state", "presence")] == []
        assert all(data["connected"] == [stranger.id] for data in client.received("presence"))


def test_a_new_participant_is_announced_to_everyone_already_there(workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    bram = workshop.participant("Bram")
    joined = anna.wait_for("participant_joined")
    assert joined["participant"]["name"] == "Bram"
    assert console.wait_for("participant_joined", lambda d: d["participant"]["name"] == "Bram")["version"] == 2
    assert bram.state["version"] == 2


def test_who_named_a_strength_is_seen_by_its_author_and_the_facilitator_only(workshop):
    console, board = workshop.facilitator(), workshop.facilitator("board")
    anna, bram, cas = workshop.participant("Anna"), workshop.participant("Bram"), workshop.participant("Cas")

    ack = anna.call("add_card", {"kind": "strength", "text": "Keeps calm under pressure", "about": bram.id})
    bram.call("respond_strength", {"id": ack["card"]["id"], "answer": "accept"})

    assert ack["card"]["author"] == anna.id
    assert anna.wait_for("card_saved")["card"]["author"] == anna.id
    assert console.wait_for("card_saved")["card"]["author"] == anna.id
    for client in (bram, cas, board):
        card = client.wait_for("card_saved", lambda d: d["card"]["status"] == "accepted")["card"]
        assert card["author"] is None
        assert card["about"] == bram.id
    fresh = workshop.participant("Dirk")
    assert [c["author"] for c in fresh.state["cards"]] == [None]


def test_links_are_made_and_removed_live(workshop):
    console = workshop.facilitator()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    card = anna.call("add_card", {"kind": "drive", "text": "Teaching"})["card"]
    goal = anna.state["goals"][0]

    link = console.call("add_link", {"card_id": card["id"], "goal_id": goal["id"]})["link"]
    assert bram.wait_for("link_saved")["link"] == link
    assert link["created_by"] is None

    again = anna.call("add_link", {"card_id": card["id"], "goal_id": goal["id"]})
    assert again["link"]["id"] == link["id"]
    assert again.get("replayed") is True

    removed = anna.call("delete_link", {"id": link["id"]})
    assert removed["ok"] is True
    assert bram.wait_for("link_deleted") == {"version": removed["version"], "id": link["id"]}
    assert workshop.snapshot()["links"] == []


def test_deleting_a_card_takes_its_links_along(workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    card = anna.call("add_card", {"kind": "drive", "text": "Craft"})["card"]
    link = anna.call("add_link", {"card_id": card["id"], "goal_id": anna.state["goals"][1]["id"]})["link"]
    ack = anna.call("delete_card", {"id": card["id"]})
    assert console.wait_for("card_deleted") == {"version": ack["version"], "id": card["id"], "link_ids": [link["id"]]}
    snap = workshop.snapshot()
    assert (snap["drives"], snap["links"]) == ([], [])


@pytest.mark.live  # the protocol over real sockets
def test_every_change_carries_the_next_version(workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    card = anna.call("add_card", {"kind": "drive", "text": "Order"})["card"]
    anna.call("edit_card", {"id": card["id"], "text": "Order and calm"})
    console.call("add_goal", {"text": "Fewer complaints", "kind": "goal"})
    console.call("set_phase", {"phase": "linking"})
    anna.call("delete_card", {"id": card["id"]})
    console.wait_for("card_deleted")  # Anna's answer may come before the console's broadcast
    versions = [data["version"] for name, data in console.events if name not in ("state", "presence")]
    assert versions == list(range(1, 7))  # Anna joining was version 1
    assert workshop.snapshot()["version"] == 6


def test_replaying_an_add_with_the_same_id_changes_nothing(workshop):
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    payload = {"id": "phone-made-id-0001", "kind": "drive", "text": "Music"}
    first = anna.call("add_card", payload)
    second = anna.call("add_card", payload)
    assert second["card"] == first["card"]
    assert second["version"] == first["version"]
    other = anna.call("add_card", {**payload, "text": "Something else"})
    assert other["error"]["code"] == "conflict"
    stolen = bram.call("add_card", payload)
    assert stolen["error"]["code"] == "conflict"
    bram.call("sync")
    assert len(bram.received("card_saved")) == 1
    assert len(workshop.snapshot()["drives"]) == 1


@pytest.mark.parametrize(
    "event, payload, code",
    [
        ("add_card", {"kind": "drive", "text": ""}, "invalid"),
        ("add_card", {"kind": "drive", "text": "x" * 281}, "invalid"),
        ("add_card", {"kind": "wish", "text": "x"}, "invalid"),
        ("add_card", {"kind": "drive", "text": "x", "extra": 1}, "invalid"),
        ("add_card", "just a string", "invalid"),
        ("add_card", {"kind": "strength", "text": "Calm"}, "invalid"),
        ("add_card", {"kind": "strength", "text": "Calm", "about": "nobody-here-123"}, "not_found"),
        ("edit_card", {"id": "no-such-card-1", "text": "x"}, "not_found"),
        ("add_link", {"card_id": "no-such-card-1", "goal_id": "no-such-goal-1"}, "not_found"),
        ("add_goal", {"text": "Mine now"}, "forbidden"),
        ("set_phase", {"phase": "closed"}, "forbidden"),
        ("delete_workshop", {"code": "AAAAAA"}, "forbidden"),
        ("sync", {"unexpected": True}, "invalid"),
    ],
)
def test_bad_input_is_answered_to_its_sender_only(workshop, event, payload, code):
    console = workshop.facilitator()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    before = workshop.snapshot()

    ack = anna.call(event, payload)

    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    assert ack["error"]["message"]
    assert anna.wait_for("rejected") == {"event": event, "error": ack["error"]}
    bram.call("sync")
    assert "rejected" not in bram.names() and "rejected" not in console.names()
    assert workshop.snapshot() == before


def test_a_participant_cannot_touch_another_persons_cards_or_links(workshop):
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    card = anna.call("add_card", {"kind": "drive", "text": "Mine"})["card"]
    link = anna.call("add_link", {"card_id": card["id"], "goal_id": anna.state["goals"][0]["id"]})["link"]
    assert bram.call("edit_card", {"id": card["id"], "text": "Yours"})["error"]["code"] == "forbidden"
    assert bram.call("delete_card", {"id": card["id"]})["error"]["code"] == "forbidden"
    assert bram.call("delete_link", {"id": link["id"]})["error"]["code"] == "forbidden"
    assert (
        bram.call("add_link", {"card_id": card["id"], "goal_id": anna.state["goals"][1]["id"]})["error"]["code"]
        == "forbidden"
    )
    snap = workshop.snapshot()
    assert [c["text"] for c in snap["drives"]] == ["Mine"]
    assert len(snap["links"]) == 1


def test_ids_from_another_workshop_are_not_found(new_workshop):
    ours, theirs = new_workshop(), new_workshop()
    anna = ours.participant("Anna")
    console = theirs.facilitator()
    card = anna.call("add_card", {"kind": "drive", "text": "Secret of ours"})["card"]
    their_goal = console.state["goals"][0]["id"]
    assert console.call("add_link", {"card_id": card["id"], "goal_id": their_goal})["error"]["code"] == "not_found"
    assert console.call("delete_card", {"id": card["id"]})["ok"] is True  # nothing there to delete
    assert [c["text"] for c in ours.snapshot()["drives"]] == ["Secret of ours"]


def test_in_a_closed_workshop_only_the_facilitator_changes_things(workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    console.call("set_phase", {"phase": "closed"})
    assert anna.wait_for("phase_changed")["phase"] == "closed"
    assert anna.call("add_card", {"kind": "drive", "text": "Late"})["error"]["code"] == "closed"
    assert console.call("set_phase", {"phase": "linking"})["ok"] is True


@pytest.mark.live  # the refusal over the real handshake
def test_a_connection_without_a_valid_identity_is_refused(server, workshop):
    attempts = [
        {"code": workshop.code, "role": "facilitator", "view": "console", "token": "not-a-token"},
        {"code": workshop.code, "role": "facilitator", "view": "console"},
        {"code": workshop.code, "role": "participant", "view": "console", "token": workshop.token},
        {"code": workshop.code, "role": "facilitator", "view": "phone", "token": workshop.token},
        {"code": "ZZZZZZ", "role": "facilitator", "view": "console", "token": workshop.token},
        "not even an object",
        None,
    ]
    for auth in attempts:
        sio = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            sio.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=5)
        sio.disconnect()


@pytest.mark.live  # the refusal over the real handshake
def test_a_participant_token_opens_only_its_own_workshop(server, new_workshop):
    ours, theirs = new_workshop(), new_workshop()
    ours.participant("Anna")
    token = ours.people["Anna"]["participant_token"]
    sio = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(
            server.url,
            auth={"code": theirs.code, "role": "participant", "view": "phone", "token": token},
            transports=["websocket"],
            wait_timeout=5,
        )


@pytest.mark.live  # the protocol over real sockets
def test_the_facilitator_erases_the_workshop_and_everyone_is_told(workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    assert console.call("delete_workshop", {"code": "WRONG1"})["error"]["code"] == "invalid"
    assert console.call("delete_workshop", {"code": workshop.code.lower()})["ok"] is True
    assert anna.wait_for("workshop_deleted") == {}
    r = workshop.api.http.get(
        f"{workshop.api.base}/api/workshops/{workshop.code}", headers={"Authorization": f"Bearer {workshop.token}"}
    )
    assert r.status_code == 404


def test_a_late_resend_never_brings_back_a_deleted_card_or_link(workshop):
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    console = workshop.facilitator()
    payload = {"id": "phone-made-id-0042", "kind": "drive", "text": "Resent too late"}
    card = anna.call("add_card", payload)["card"]
    link_payload = {"id": "phone-made-link-042", "card_id": card["id"], "goal_id": anna.state["goals"][0]["id"]}
    anna.call("add_link", link_payload)
    anna.call("delete_link", {"id": link_payload["id"]})
    again_link = anna.call("add_link", link_payload)
    assert (again_link["ok"], again_link.get("replayed")) == (True, True)
    console.call("delete_card", {"id": card["id"]})
    again = anna.call("add_card", payload)
    assert (again["ok"], again.get("replayed"), again["id"]) == (True, True, card["id"])
    snap = workshop.snapshot()
    assert (snap["drives"], snap["links"]) == ([], [])
    bram.call("sync")
    assert [n for n in bram.names() if n == "card_saved"] == ["card_saved"]  # only the first
