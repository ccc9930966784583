"""A participant's own board (view ``board`` with their token): the same sight as their phone,
the same permissions, live with everyone else's screens.

The generated histories (tests/test_adversary.py) listen on a participant's board too; these are
the examples, over real sockets and HTTP.
"""

from __future__ import annotations

import pytest
import requests
import socketio

pytestmark = pytest.mark.live


def own_board(workshop, name: str):
    """``name``'s board: joined once (through their phone), then connected with view ``board``."""
    phone = workshop.participant(name)
    token = workshop.people[name]["participant_token"]
    board = workshop._connect(
        {"code": workshop.code, "role": "participant", "view": "board", "token": token}, f"{name}'s board"
    )
    board.id = phone.id
    return phone, board


def test_a_participants_board_sees_what_their_phone_sees_and_no_more(workshop):
    anna_phone, anna_board = own_board(workshop, "Anna")
    bram = workshop.participant("Bram")
    mine = anna_phone.call("add_card", {"kind": "drive", "text": "Anna's own secret", "visibility": "facilitator"})
    theirs = bram.call("add_card", {"kind": "drive", "text": "Bram's own secret", "visibility": "facilitator"})
    masked = bram.call("add_card", {"kind": "drive", "text": "Bram, unnamed", "visibility": "anonymous"})
    assert mine["ok"] and theirs["ok"] and masked["ok"]

    # Live: her own private card reaches her board; Bram's never does, and his anonymous one comes without him.
    assert anna_board.wait_for("card_saved", lambda d: d["card"]["id"] == mine["card"]["id"])["card"]["text"] == (
        "Anna's own secret"
    )
    unnamed = anna_board.wait_for("card_saved", lambda d: d["card"]["id"] == masked["card"]["id"])["card"]
    assert unnamed["about"] is None and unnamed.get("author") is None
    state = anna_board.call("sync")["state"]
    phone_state = anna_phone.call("sync")["state"]
    assert state["me"] == {"role": "participant", "id": anna_phone.id, "view": "board"}
    texts = {c["text"] for c in state["cards"]}
    assert "Anna's own secret" in texts and "Bram, unnamed" in texts and "Bram's own secret" not in texts
    assert texts == {c["text"] for c in phone_state["cards"]}
    assert "Bram's own secret" not in str(anna_board.events)


def test_a_participant_links_only_their_own_cards_from_their_board(workshop):
    console = workshop.facilitator()
    anna_phone, anna_board = own_board(workshop, "Anna")
    bram = workshop.participant("Bram")
    goal = console.state["goals"][0]["id"]
    mine = anna_phone.call("add_card", {"kind": "drive", "text": "Teaching"})["card"]
    his = bram.call("add_card", {"kind": "drive", "text": "Selling"})["card"]

    refused = anna_board.call("add_link", {"card_id": his["id"], "goal_id": goal})
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    made = anna_board.call("add_link", {"card_id": mine["id"], "goal_id": goal})
    assert made["ok"], made
    for client in (console, bram, anna_phone):  # everyone's screens, her phone too
        assert client.wait_for("link_saved", lambda d: d["link"]["id"] == made["link"]["id"])
    assert anna_board.call("edit_link", {"id": made["link"]["id"], "type": "grow"})["link"]["type"] == "grow"

    # A +1 is for colleagues: Bram's link, not her own.
    his_link = bram.call("add_link", {"card_id": his["id"], "goal_id": goal})["link"]
    assert anna_board.call("endorse_link", {"id": made["link"]["id"], "endorsed": True})["ok"] is False
    endorsed = anna_board.call("endorse_link", {"id": his_link["id"], "endorsed": True})
    assert endorsed["ok"] and anna_phone.id in endorsed["link"]["endorsements"]
    assert anna_board.call("delete_link", {"id": his_link["id"]})["error"]["code"] == "forbidden"
    # Facilitator-only actions stay the facilitator's.
    for event, payload in [
        ("set_phase", {"phase": "closed"}),
        ("add_theme", {"id": "t1", "name": "Theme", "card_ids": [mine["id"], his["id"]]}),
        ("set_card_hidden", {"id": his["id"], "hidden": True}),
    ]:
        assert anna_board.call(event, payload)["ok"] is False, event


def test_the_board_page_is_a_participants_own_with_their_cookie(server, workshop):
    anna = workshop.api.join(workshop.code, "Anna")
    cookie = {f"wp_{workshop.code}": anna["participant_token"]}
    page = requests.get(f"{server.url}/w/{workshop.code}/board", cookies=cookie, allow_redirects=False)
    assert page.status_code == 200
    assert '"role": "participant"' in page.text and '"view": "board"' in page.text
    assert anna["participant_token"] not in page.text  # the page carries no key
    assert f"/w/{workshop.code}/phone" in page.text  # the way to their own cards
    # Without a seat: refused, as for the console.
    assert requests.get(f"{server.url}/w/{workshop.code}/board", allow_redirects=False).status_code in (401, 403)
    stale = {f"wp_{workshop.code}": "x" * 43}
    assert requests.get(f"{server.url}/w/{workshop.code}/board", cookies=stale).status_code in (401, 403)


def test_a_participant_cannot_ask_for_the_console_view(server, workshop):
    anna = workshop.api.join(workshop.code, "Anna")
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            server.url,
            auth={"code": workshop.code, "role": "participant", "view": "console", "token": anna["participant_token"]},
            transports=["websocket"],
            wait_timeout=5,
        )
