"""A whole workshop on a live server, driven by python-socketio clients, and a restart in the middle."""

import pytest
import requests
from helpers import Api, Client, LiveServer

# A live server, as phones reach it: the whole workshop over real sockets, restarts.
pytestmark = pytest.mark.live


def test_a_whole_workshop_from_creation_to_summary(workshop):
    console, board = workshop.facilitator(), workshop.facilitator("board")
    anna, bram, cas = (workshop.participant(n) for n in ("Anna", "Bram", "Cas"))
    goals = {g["text"]: g["id"] for g in console.state["goals"]}

    console.call("set_phase", {"phase": "drives"})
    assert cas.wait_for("phase_changed")["phase"] == "drives"
    drives = {
        "Anna": anna.call("add_card", {"kind": "drive", "text": "Seeing customers succeed", "prompt": 0})["card"],
        "Bram": bram.call("add_card", {"kind": "drive", "text": "Building things that last", "prompt": 1})["card"],
        "Cas": cas.call("add_card", {"kind": "drive", "text": "Quiet, deep work", "prompt": 2})["card"],
    }

    console.call("set_phase", {"phase": "strengths"})
    strength = anna.call("add_card", {"kind": "strength", "text": "Explains clearly", "about": bram.id})["card"]
    assert strength["status"] == "pending"
    bram.wait_for("card_saved", lambda d: d["card"]["id"] == strength["id"])
    assert bram.call("respond_strength", {"id": strength["id"], "answer": "accept"})["card"]["status"] == "accepted"

    console.call("set_phase", {"phase": "linking"})
    anna.call("add_link", {"card_id": drives["Anna"]["id"], "goal_id": goals["Grow sales in the north"]})
    console.call("add_link", {"card_id": drives["Bram"]["id"], "goal_id": goals["New onboarding"]})
    bram.call("add_link", {"card_id": strength["id"], "goal_id": goals["New onboarding"]})
    console.call("set_phase", {"phase": "closed"})

    final = board.wait_for("phase_changed", lambda d: d["phase"] == "closed")
    board_state = board.call("sync")["state"]
    assert board_state["version"] == final["version"]
    assert len(board_state["links"]) == 3
    assert sorted(c["text"] for c in board_state["cards"]) == sorted(
        [d["text"] for d in drives.values()] + ["Explains clearly"]
    )

    summary = requests.get(
        f"{workshop.api.base}/api/workshops/{workshop.code}/summary.json",
        headers={"Authorization": f"Bearer {workshop.token}"},
    ).json()
    assert summary["totals"] == {
        "goals": 3,
        "goals_with_energy": 2,
        "open_goals": 1,
        "people": 3,
        "drives": 3,
        "strengths": 1,
        "links": 3,
        "unlinked_drives": 1,
    }
    by_goal = {g["text"]: g for g in summary["goals"]}
    assert by_goal["New onboarding"]["people"] == ["Bram"]
    assert [o["text"] for o in summary["open_goals"]] == ["Weekly customer calls"]
    assert summary["unlinked_drives"] == [
        {"id": drives["Cas"]["id"], "text": "Quiet, deep work", "person": "Cas", "visibility": "named", "hidden": False}
    ]
    people = {p["name"]: p for p in summary["people"]}
    assert people["Bram"]["strengths"][0]["goals"] == ["New onboarding"]

    markdown = requests.get(
        f"{workshop.api.base}/api/workshops/{workshop.code}/summary.md",
        headers={"Authorization": f"Bearer {workshop.token}"},
    ).text
    assert "Weekly customer calls" in markdown.split("## Goals with nobody")[1]


@pytest.fixture
def own_server(tmp_path):
    live = LiveServer(tmp_path / "restart.sqlite3").start()
    yield live
    live.stop()


def test_a_restart_keeps_every_workshop_and_phones_come_back_as_themselves(own_server):
    api = Api(own_server.url)
    created = api.create_workshop()
    anna_id = api.join(created["code"], "Anna")
    auth = {"code": created["code"], "role": "participant", "view": "phone", "token": anna_id["participant_token"]}
    anna = Client(own_server.url, auth, "Anna")
    card = anna.call("add_card", {"kind": "drive", "text": "Acknowledged before the crash"})
    assert card["ok"]
    anna.disconnect()

    own_server.stop(kill=True)  # no clean shutdown: what was acknowledged must already be on disk
    own_server.start()

    anna = Client(own_server.url, auth, "Anna")
    try:
        assert anna.state["me"]["id"] == anna_id["participant_id"]
        assert [c["text"] for c in anna.state["cards"]] == ["Acknowledged before the crash"]
        assert anna.state["version"] == card["version"]
    finally:
        anna.disconnect()
    assert api.workshop(created["code"], created["facilitator_token"])["drives"][0]["id"] == card["card"]["id"]


def test_the_server_prints_where_phones_can_reach_it(own_server):
    output = own_server.output()
    assert f"Phones on the same network join at {own_server.url}/" in output
    assert own_server.url in output
