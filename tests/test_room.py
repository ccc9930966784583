"""Running the room over the live protocol: timer and lock, reveal, joining lock, the strength
round, moderation, presence and "done", link types and endorsements, agreements."""

import pytest
import requests
from inprocess import elapse


def test_a_timer_with_lock_stops_participants_when_it_ends(server, workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    ack = console.call("set_timer", {"seconds": 1, "lock": True})
    settings = anna.wait_for("settings_changed")
    assert (settings["timer_seconds"], settings["timer_lock"]) == (1, True)
    assert settings["timer_ends_at"] > settings["server_time"]
    assert anna.call("add_card", {"kind": "drive", "text": "Just in time"})["ok"] is True
    elapse(server, 1.2)
    late = anna.call("add_card", {"kind": "drive", "text": "Too late"})
    assert late["error"]["code"] == "locked"
    assert console.call("add_goal", {"text": "The facilitator still steers"})["ok"] is True
    console.call("set_timer", {"seconds": 0, "lock": False})
    assert anna.call("add_card", {"kind": "drive", "text": "Unlocked again"})["ok"] is True
    assert ack["timer_ends_at"] is not None


def test_a_timer_without_lock_only_counts_down(server, workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    console.call("set_timer", {"seconds": 1, "lock": False})
    elapse(server, 1.2)
    assert anna.call("add_card", {"kind": "drive", "text": "Still fine"})["ok"] is True


def test_reveal_is_a_setting_every_screen_follows(workshop):
    console, board = workshop.facilitator(), workshop.facilitator("board")
    assert board.state["workshop"]["revealed"] is True
    console.call("set_revealed", {"revealed": False})
    assert board.wait_for("settings_changed")["revealed"] is False
    assert workshop.participant("Late").state["workshop"]["revealed"] is False


def test_locked_joining_refuses_new_people_but_keeps_those_in(server, workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    console.call("set_joining_locked", {"locked": True})
    r = requests.post(f"{server.url}/api/workshops/{workshop.code}/participants", json={"name": "Bram"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "locked")
    assert requests.post(f"{server.url}/j/{workshop.code}", data={"name": "Bram"}).status_code == 403
    assert anna.call("add_card", {"kind": "drive", "text": "Still here"})["ok"] is True
    console.call("set_joining_locked", {"locked": False})
    assert workshop.api.join(workshop.code, "Bram")["participant_id"]


def test_the_strength_round_gives_everyone_colleagues_round_robin(workshop):
    console = workshop.facilitator()
    people = [workshop.participant(n) for n in ("Anna", "Bram", "Cas", "Dirk")]
    ack = console.call("assign_strength_round", {"per_person": 2})
    ids = [p.id for p in people]
    expected = [{"giver": ids[i], "receiver": ids[(i + k) % 4]} for i in range(4) for k in (1, 2)]
    assert ack["assignments"] == expected
    assert people[0].wait_for("assignments_changed")["assignments"] == expected[:2]  # only where Anna gives
    receivers = [a["receiver"] for a in expected]
    assert all(receivers.count(pid) == 2 for pid in ids)
    assert console.call("assign_strength_round", {"per_person": 4})["error"]["code"] == "invalid"
    assert people[0].call("assign_strength_round", {"per_person": 1})["error"]["code"] == "forbidden"


def test_a_hidden_card_leaves_the_team_but_not_its_person(workshop):
    console, board = workshop.facilitator(), workshop.facilitator("board")
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    card = anna.call("add_card", {"kind": "drive", "text": "Something to moderate"})["card"]
    hide = console.call("set_card_hidden", {"id": card["id"], "hidden": True})
    assert hide["card"]["hidden"] is True
    for client in (bram, board):
        assert client.wait_for("card_deleted", lambda d: d["version"] == hide["version"])["id"] == card["id"]
    assert anna.wait_for("card_saved", lambda d: d["version"] == hide["version"])["card"]["hidden"] is True
    assert workshop.participant("Cas").state["cards"] == []
    show = console.call("set_card_hidden", {"id": card["id"], "hidden": False})
    assert (
        bram.wait_for("card_saved", lambda d: d["version"] == show["version"])["card"]["text"]
        == "Something to moderate"
    )
    assert anna.call("set_card_hidden", {"id": card["id"], "hidden": True})["error"]["code"] == "forbidden"


def test_the_facilitator_renames_someone_and_names_stay_unique(workshop):
    console = workshop.facilitator()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    ack = console.call("rename_participant", {"id": bram.id, "name": "Bram K."})
    assert anna.wait_for("participant_updated")["participant"]["name"] == "Bram K."
    assert ack["participant"]["name"] == "Bram K."
    assert console.call("rename_participant", {"id": bram.id, "name": "ANNA"})["error"]["code"] == "conflict"
    assert anna.call("rename_participant", {"id": bram.id, "name": "Mallory"})["error"]["code"] == "forbidden"


@pytest.mark.live  # presence follows real connections
def test_done_and_presence_show_who_is_where(workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    bram = workshop.participant("Bram")
    assert console.wait_for("presence", lambda d: d["connected"] == [anna.id, bram.id])
    assert bram.state["connected"] == [anna.id, bram.id]
    ack = anna.call("set_done", {"phase": "drives", "done": True})
    assert console.wait_for("participant_updated")["participant"]["done"] == ["drives"]
    assert ack["participant"]["done"] == ["drives"]
    assert console.call("set_done", {"phase": "drives", "done": True})["error"]["code"] == "forbidden"
    bram.disconnect()
    assert console.wait_for("presence", lambda d: d["connected"] == [anna.id])


def test_link_types_and_endorsements(workshop):
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    card = anna.call("add_card", {"kind": "drive", "text": "Teaching"})["card"]
    goal = anna.state["goals"][0]["id"]
    link = anna.call("add_link", {"card_id": card["id"], "goal_id": goal, "type": "grow"})["link"]
    assert (link["type"], link["endorsements"]) == ("grow", [])
    assert bram.wait_for("link_saved")["link"]["type"] == "grow"

    changed = anna.call("edit_link", {"id": link["id"], "type": "already"})
    assert bram.wait_for("link_saved", lambda d: d["version"] == changed["version"])["link"]["type"] == "already"
    assert bram.call("edit_link", {"id": link["id"], "type": "grow"})["error"]["code"] == "forbidden"

    plus_one = bram.call("endorse_link", {"id": link["id"], "endorsed": True})
    assert plus_one["link"]["endorsements"] == [bram.id]
    assert anna.wait_for("link_saved", lambda d: d["version"] == plus_one["version"])["link"]["endorsements"] == [
        bram.id
    ]
    assert bram.call("endorse_link", {"id": link["id"], "endorsed": True}).get("replayed") is True
    assert anna.call("endorse_link", {"id": link["id"], "endorsed": True})["error"]["code"] == "forbidden"
    assert bram.call("endorse_link", {"id": link["id"], "endorsed": False})["link"]["endorsements"] == []
    assert anna.call("add_link", {"card_id": card["id"], "goal_id": goal, "type": "hope"})["error"]["code"] == "invalid"


def test_agreements_say_who_does_what_by_when(workshop):
    console = workshop.facilitator()
    anna, bram, cas = workshop.participant("Anna"), workshop.participant("Bram"), workshop.participant("Cas")
    card = anna.call("add_card", {"kind": "drive", "text": "Mentoring"})["card"]
    link = console.call("add_link", {"card_id": card["id"], "goal_id": console.state["goals"][1]["id"]})["link"]

    made = anna.call(
        "add_agreement",
        {"link_id": link["id"], "text": "Buddy for the next two hires", "owner": anna.id, "due": "2027-03-01"},
    )
    agreement = made["agreement"]
    assert (agreement["owner"], agreement["due"], agreement["done"]) == (anna.id, "2027-03-01", False)
    assert cas.wait_for("agreement_saved")["agreement"] == agreement
    assert bram.call("add_agreement", {"link_id": link["id"], "text": "Not mine"})["error"]["code"] == "forbidden"
    assert (
        anna.call("add_agreement", {"link_id": link["id"], "text": "x", "due": "next week"})["error"]["code"]
        == "invalid"
    )

    done = anna.call("edit_agreement", {"id": agreement["id"], "done": True, "due": None})
    assert (done["agreement"]["done"], done["agreement"]["due"]) == (True, None)
    assert done["agreement"]["text"] == "Buddy for the next two hires"
    assert bram.call("delete_agreement", {"id": agreement["id"]})["error"]["code"] == "forbidden"
    gone = console.call("delete_agreement", {"id": agreement["id"]})
    assert cas.wait_for("agreement_deleted") == {"version": gone["version"], "id": agreement["id"]}
    assert console.call("delete_agreement", {"id": agreement["id"]}).get("replayed") is True


def test_agreements_on_a_private_card_stay_private(workshop):
    console = workshop.facilitator()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    card = anna.call("add_card", {"kind": "drive", "text": "Private", "visibility": "facilitator"})["card"]
    link = anna.call("add_link", {"card_id": card["id"], "goal_id": anna.state["goals"][0]["id"]})["link"]
    made = console.call("add_agreement", {"link_id": link["id"], "text": "A quiet word"})
    assert bram.wait_for("hidden_change", lambda d: d["version"] == made["version"])
    assert "A quiet word" not in str(bram.events)
    assert workshop.participant("Cas").state["agreements"] == []


def test_the_facilitator_takes_part_as_a_participant(server, workshop):
    browser = requests.Session()
    browser.get(workshop.urls["facilitator"])
    r = browser.post(f"{server.url}/w/{workshop.code}/take-part", data={"name": "Manager"}, allow_redirects=False)
    assert (r.status_code, r.headers["Location"]) == (303, f"/w/{workshop.code}/phone")
    assert browser.get(server.url + r.headers["Location"]).status_code == 200
    assert [p["name"] for p in workshop.snapshot()["participants"]] == ["Manager"]
    stranger = requests.post(f"{server.url}/w/{workshop.code}/take-part", data={"name": "Eve"})
    assert stranger.status_code == 401


def test_a_phase_change_ends_the_timer_and_its_lock(server, workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    console.call("set_timer", {"seconds": 1, "lock": True})
    elapse(server, 1.2)
    assert anna.call("add_card", {"kind": "drive", "text": "Late"})["error"]["code"] == "locked"
    console.call("set_phase", {"phase": "strengths"})
    assert anna.call("sync")["state"]["workshop"]["timer_ends_at"] is None
    assert anna.call("add_card", {"kind": "drive", "text": "A new phase, a new clock"})["ok"] is True
