"""What each client may see of personal cards, checked on the wire: every event each client got."""

import json

import pytest
import socketio
from helpers import Client


def everything_received(client) -> str:
    return json.dumps(client.events)


def test_a_facilitator_only_drive_reaches_only_its_person_and_the_facilitator(workshop):
    console, board = workshop.facilitator(), workshop.facilitator("board")
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")

    ack = anna.call("add_card", {"kind": "drive", "text": "Money worries at home", "visibility": "facilitator"})

    card = ack["card"]
    assert card["visibility"] == "facilitator"
    assert console.wait_for("card_saved")["card"] == card
    assert anna.wait_for("card_saved")["card"] == card
    for client in (bram, board):
        assert client.wait_for("hidden_change") == {"version": ack["version"]}
        assert card["id"] not in everything_received(client)
        assert "Money worries" not in everything_received(client)
    late = workshop.participant("Cas")
    assert late.state["cards"] == []
    assert "Money worries" not in json.dumps(late.state)
    assert [c["text"] for c in workshop.snapshot()["drives"]] == ["Money worries at home"]


def test_an_anonymous_drive_and_its_links_do_not_tell_whose_they_are(workshop):
    board = workshop.facilitator("board")
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    card = anna.call("add_card", {"kind": "drive", "text": "Recognition", "visibility": "anonymous"})["card"]
    anna.call("add_link", {"card_id": card["id"], "goal_id": anna.state["goals"][0]["id"]})

    seen = board.wait_for("card_saved")["card"]
    assert (seen["about"], seen["author"], seen["text"]) == (None, None, "Recognition")
    assert board.wait_for("link_saved")["link"]["created_by"] is None
    assert bram.wait_for("link_saved")["link"]["created_by"] is None
    about_cards = [data for name, data in board.events if name in ("card_saved", "link_saved")]
    assert anna.id not in json.dumps(about_cards)
    assert anna.wait_for("link_saved")["link"]["created_by"] == anna.id


def test_changing_a_drives_visibility_adds_or_removes_it_on_other_screens(workshop):
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    card = anna.call("add_card", {"kind": "drive", "text": "Freedom"})["card"]
    link = anna.call("add_link", {"card_id": card["id"], "goal_id": anna.state["goals"][0]["id"]})["link"]

    hide = anna.call("edit_card", {"id": card["id"], "visibility": "facilitator"})
    assert bram.wait_for("card_deleted", lambda d: d["version"] == hide["version"]) == {
        "version": hide["version"],
        "id": card["id"],
        "link_ids": [link["id"]],
    }
    show = anna.call("edit_card", {"id": card["id"], "visibility": "named"})
    assert bram.wait_for("card_saved", lambda d: d["version"] == show["version"])["card"]["visibility"] == "named"
    assert len(bram.call("sync")["state"]["links"]) == 1


def test_a_strength_waits_for_its_persons_consent(workshop):
    console, board = workshop.facilitator(), workshop.facilitator("board")
    anna, bram, cas = workshop.participant("Anna"), workshop.participant("Bram"), workshop.participant("Cas")

    pending = anna.call("add_card", {"kind": "strength", "text": "Sees what others miss", "about": bram.id})["card"]

    assert pending["status"] == "pending"
    assert bram.wait_for("card_saved")["card"]["status"] == "pending"
    assert console.wait_for("card_saved")["card"]["status"] == "pending"
    for client in (cas, board):
        client.wait_for("hidden_change")
        assert "Sees what others miss" not in everything_received(client)
    goal = anna.state["goals"][0]["id"]
    assert bram.call("add_link", {"card_id": pending["id"], "goal_id": goal})["error"]["code"] == "forbidden"
    assert cas.call("respond_strength", {"id": pending["id"], "answer": "accept"})["error"]["code"] == "forbidden"
    assert anna.call("respond_strength", {"id": pending["id"], "answer": "accept"})["error"]["code"] == "forbidden"

    accepted = bram.call(
        "respond_strength", {"id": pending["id"], "answer": "accept", "text": "Notices what others miss"}
    )

    for client in (cas, board, anna):
        card = client.wait_for("card_saved", lambda d: d["version"] == accepted["version"])["card"]
        assert (card["status"], card["text"]) == ("accepted", "Notices what others miss")
    assert cas.wait_for("card_saved")["card"]["author"] is None


def test_a_declined_strength_is_gone_everywhere(workshop):
    console = workshop.facilitator()
    anna, bram, cas = workshop.participant("Anna"), workshop.participant("Bram"), workshop.participant("Cas")
    pending = anna.call("add_card", {"kind": "strength", "text": "Loud", "about": bram.id})["card"]

    declined = bram.call("respond_strength", {"id": pending["id"], "answer": "decline"})

    assert declined["ok"] is True
    for client in (anna, console):
        assert client.wait_for("card_deleted")["id"] == pending["id"]
    assert cas.wait_for("hidden_change", lambda d: d["version"] == declined["version"])
    assert "Loud" not in everything_received(cas)
    assert workshop.snapshot()["strengths"] == []
    again = bram.call("respond_strength", {"id": pending["id"], "answer": "decline"})
    assert again["ok"] is True and again.get("replayed") is True


def test_rewording_an_accepted_strength_asks_for_consent_again(workshop):
    anna, bram, cas = workshop.participant("Anna"), workshop.participant("Bram"), workshop.participant("Cas")
    card = anna.call("add_card", {"kind": "strength", "text": "Kind", "about": bram.id, "signed": True})["card"]
    bram.call("respond_strength", {"id": card["id"], "answer": "accept"})
    assert cas.wait_for("card_saved")["card"]["author"] == anna.id  # signed: the name is shown

    edit = anna.call("edit_card", {"id": card["id"], "text": "Kind, and sharp"})

    assert edit["card"]["status"] == "pending"
    assert cas.wait_for("card_deleted", lambda d: d["version"] == edit["version"])["id"] == card["id"]


@pytest.mark.live  # the protocol over real sockets
def test_versions_never_have_gaps_for_anyone(workshop):
    board = workshop.facilitator("board")
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    anna.call("add_card", {"kind": "drive", "text": "one", "visibility": "facilitator"})
    anna.call("add_card", {"kind": "strength", "text": "two", "about": bram.id})
    anna.call("add_card", {"kind": "drive", "text": "three"})
    last = anna.call("add_card", {"kind": "drive", "text": "four", "visibility": "anonymous"})
    board.wait_for("card_saved", lambda d: d["version"] == last["version"])
    versions = [data["version"] for name, data in board.events if name not in ("state", "presence")]
    assert versions == list(range(versions[0], last["version"] + 1))


@pytest.mark.live  # the protocol over real sockets
def test_leaving_erases_everything_by_and_about_the_person(server, workshop):
    console = workshop.facilitator()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    own = anna.call("add_card", {"kind": "drive", "text": "Mine"})["card"]
    given = anna.call("add_card", {"kind": "strength", "text": "Steady", "about": bram.id})["card"]
    bram_card = bram.call("add_card", {"kind": "drive", "text": "Bram's"})["card"]
    made = anna.call("add_link", {"card_id": own["id"], "goal_id": anna.state["goals"][0]["id"]})["link"]
    kept = console.call("add_link", {"card_id": bram_card["id"], "goal_id": anna.state["goals"][1]["id"]})["link"]

    left = anna.call("leave_workshop", {})

    assert left["ok"] is True
    gone = console.wait_for("participant_left")
    assert (gone["id"], gone["card_ids"], gone["link_ids"]) == (anna.id, [own["id"]], [made["id"]])
    # Bram saw both, but the strength without Anna's name: it goes on its own, not tied to her.
    assert bram.wait_for("card_deleted")["id"] == given["id"]
    assert bram.wait_for("participant_left")["card_ids"] == [own["id"]]
    assert console.wait_for("card_deleted")["id"] == given["id"]
    snap = workshop.snapshot()
    assert [p["name"] for p in snap["participants"]] == ["Bram"]
    assert [c["id"] for c in snap["drives"] + snap["strengths"]] == [bram_card["id"]]
    assert [l["id"] for l in snap["links"]] == [kept["id"]]
    with pytest.raises(socketio.exceptions.ConnectionError):
        Client(
            server.url,
            {
                "code": workshop.code,
                "role": "participant",
                "view": "phone",
                "token": workshop.people["Anna"]["participant_token"],
            },
        )
    assert workshop.api.join(workshop.code, "Anna")["participant_id"] != anna.id  # the name is free again


def test_only_the_facilitator_removes_someone_else(workshop):
    console = workshop.facilitator()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    assert anna.call("remove_participant", {"id": bram.id})["error"]["code"] == "forbidden"
    assert console.call("remove_participant", {"id": bram.id})["ok"] is True
    assert anna.wait_for("participant_left")["id"] == bram.id
    assert [p["name"] for p in workshop.snapshot()["participants"]] == ["Anna"]
    assert console.call("remove_participant", {"id": bram.id})["error"]["code"] == "not_found"


def test_the_default_visibility_applies_to_new_drives(new_workshop, api):
    workshop = new_workshop()
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    assert anna.state["workshop"]["default_visibility"] == "named"
    assert anna.call("set_default_visibility", {"visibility": "anonymous"})["error"]["code"] == "forbidden"
    changed = console.call("set_default_visibility", {"visibility": "anonymous"})
    settings = anna.wait_for("settings_changed")
    assert (settings["version"], settings["default_visibility"]) == (changed["version"], "anonymous")
    assert anna.call("add_card", {"kind": "drive", "text": "Quiet"})["card"]["visibility"] == "anonymous"
    assert (
        anna.call("add_card", {"kind": "drive", "text": "Loud", "visibility": "named"})["card"]["visibility"] == "named"
    )
    created = api.http.post(
        api.base + "/api/workshops", json={"title": "T", "default_visibility": "facilitator"}
    ).json()
    assert api.workshop(created["code"], created["facilitator_token"])["default_visibility"] == "facilitator"


def test_the_prompts_follow_the_language_a_person_chose(server, new_workshop):
    workshop = new_workshop(language="nl")
    dutch = workshop.participant("Anna")
    assert dutch.state["workshop"]["prompts"][0] == "Wat bezielt jou?"
    joined = workshop.api.join(workshop.code, "Bram")
    sio_client = Client(
        server.url,
        {"code": workshop.code, "role": "participant", "view": "phone", "token": joined["participant_token"]},
        "Bram",
        headers={"Cookie": "lang=en"},
    )
    try:
        assert sio_client.state["workshop"]["prompts"][0] == "What moves you?"
    finally:
        sio_client.disconnect()
