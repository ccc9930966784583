"""Credentials (issue 10): the board's own read-only key, the one-time sign-in link, and a new
facilitator key that ends the old one's sessions. Live server, real HTTP and Socket.IO clients."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import socketio
from helpers import Client
from inprocess import InProcessServer


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def key_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["key"][0]


def board_link(workshop) -> str:
    r = requests.post(f"{workshop.server.url}/api/workshops/{workshop.code}/board-link", headers=bearer(workshop.token))
    assert r.status_code == 201, r.text
    assert r.headers["Cache-Control"] == "no-store"
    return r.json()["url"]


def board_client(workshop, clients, key: str, name: str = "board") -> Client:
    """A board connected with the board's key, as the projector's browser does (its cookie)."""
    client = Client(
        workshop.server.url,
        {"code": workshop.code, "role": "board", "view": "board"},
        name,
        headers={"Cookie": f"wb_{workshop.code}={key}"},
    )
    clients.append(client)
    return client


def refused(server, auth: dict, headers: dict | None = None) -> bool:
    """Whether connecting with these credentials is refused (and no state arrives)."""
    if isinstance(server, InProcessServer):
        try:
            server.connect(auth, "refused?", headers).disconnect()
        except socketio.exceptions.ConnectionError:
            return True
        return False
    sio = socketio.Client(reconnection=False)
    states: list = []
    sio.on("state", states.append)
    try:
        sio.connect(server.url, auth=auth, headers=headers or {}, transports=["websocket"], wait_timeout=5)
    except socketio.exceptions.ConnectionError:
        return not sio.connected and states == []
    sio.disconnect()
    return False


def wait_disconnected(client: Client, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while client.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not client.sio.connected, f"{client.name} is still connected"


def still_connected(client: Client) -> bool:
    client.settle()  # past the moment the server closes the connections it closes
    return client.sio.connected and client.call("sync")["ok"] is True


# --- the board's own key ---------------------------------------------------------------------------


@pytest.fixture
def room(workshop):
    """A workshop with something of everything: a facilitator-only drive, an anonymous one, a
    named one with a link and an agreement, a pending strength, the strength round."""
    console = workshop.facilitator()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    goal = console.state["goals"][0]["id"]
    secret = anna.call(
        "add_card", {"kind": "drive", "text": "Only the facilitator knows", "visibility": "facilitator"}
    )["card"]
    anna.call("add_card", {"kind": "drive", "text": "Nobody knows whose", "visibility": "anonymous"})
    named = bram.call("add_card", {"kind": "drive", "text": "Coaching juniors"})["card"]
    pending = anna.call("add_card", {"kind": "strength", "text": "Calm under pressure", "about": bram.id})["card"]
    link = bram.call("add_link", {"card_id": named["id"], "goal_id": goal})["link"]
    agreement = console.call("add_agreement", {"link_id": link["id"], "text": "Pair up on Fridays"})["agreement"]
    console.call("assign_strength_round", {"per_person": 1})
    ids = {
        "goal": goal,
        "secret": secret["id"],
        "named": named["id"],
        "pending": pending["id"],
        "link": link["id"],
        "agreement": agreement["id"],
        "anna": anna.id,
        "bram": bram.id,
    }
    return workshop, console, ids


def test_the_board_link_sets_a_short_lived_cookie_and_leaves_a_clean_address(server, workshop):
    url = board_link(workshop)
    assert url.startswith(f"{server.url}/w/{workshop.code}/board?key=")
    assert workshop.token not in url
    projector = requests.Session()
    r = projector.get(url, allow_redirects=False)
    assert (r.status_code, r.headers["Location"]) == (303, f"/w/{workshop.code}/board")
    cookie = next(c for c in projector.cookies if c.name == f"wb_{workshop.code}")
    assert cookie.value == key_of(url) and cookie.has_nonstandard_attr("HttpOnly")
    assert 0 < cookie.expires - time.time() <= 24 * 3600 + 60  # a day, not the facilitator's two months
    assert not [c for c in projector.cookies if c.name.startswith("wf_")]
    page = projector.get(f"{server.url}/w/{workshop.code}/board")
    assert page.status_code == 200
    assert '"role": "board"' in page.text and key_of(url) not in page.text
    # The board's cookie opens nothing else of the facilitator's.
    for path in ("facilitate", "summary"):
        assert projector.get(f"{server.url}/w/{workshop.code}/{path}").status_code == 401
    assert projector.get(f"{server.url}/api/workshops/{workshop.code}/summary.json").status_code == 401
    assert requests.get(f"{server.url}/api/workshops/{workshop.code}", headers=bearer(key_of(url))).status_code == 401


def test_a_board_with_the_board_key_sees_exactly_the_teams_view(room, clients):
    workshop, console, ids = room
    team_board = workshop.facilitator("board")  # the facilitator's own board shows the team's view
    board = board_client(workshop, clients, key_of(board_link(workshop)))
    state = board.state
    assert state["me"] == {"role": "board", "id": None, "view": "board"}
    texts = {c["text"] for c in state["cards"]}
    assert "Only the facilitator knows" not in texts and "Calm under pressure" not in texts
    assert "Coaching juniors" in texts and "Nobody knows whose" in texts
    anonymous = next(c for c in state["cards"] if c["text"] == "Nobody knows whose")
    assert anonymous["about"] is None and anonymous["author"] is None
    assert state["workshop"]["team_link"] is None and state["workshop"]["board_link"] is None
    assert state["assignments"] == []

    def comparable(s):
        return {k: v for k, v in s.items() if k not in ("server_time", "me", "connected")}

    assert comparable(state) == comparable(team_board.call("sync")["state"])
    assert "Only the facilitator knows" not in json.dumps(board.events)

    # Live changes reach it as the team sees them.
    anna = workshop.participant("Anna")
    anna.call("add_card", {"kind": "drive", "text": "Another secret", "visibility": "facilitator"})
    hidden = board.wait_for("hidden_change")
    assert "Another secret" not in json.dumps(board.events) and hidden["version"] > state["version"]


def test_a_board_with_the_board_key_may_change_nothing(room, clients):
    workshop, console, ids = room
    from workshop.events import CLIENT_EVENTS

    board = board_client(workshop, clients, key_of(board_link(workshop)))
    before = workshop.snapshot()
    # Well-formed payloads that the facilitator could send: refused because of who sends them.
    payloads = {
        "add_card": {"kind": "drive", "text": "From the board"},
        "edit_card": {"id": ids["named"], "text": "Rewritten"},
        "respond_strength": {"id": ids["pending"], "answer": "decline"},
        "leave_workshop": {},
        "remove_participant": {"id": ids["anna"]},
        "set_default_visibility": {"visibility": "facilitator"},
        "set_timer": {"seconds": 60, "lock": True},
        "set_revealed": {"revealed": False},
        "set_joining_locked": {"locked": True},
        "assign_strength_round": {"per_person": 2},
        "set_card_hidden": {"id": ids["named"], "hidden": True},
        "rename_participant": {"id": ids["anna"], "name": "Mallory"},
        "set_done": {"phase": "join", "done": True},
        "edit_link": {"id": ids["link"], "type": "grow"},
        "endorse_link": {"id": ids["link"], "endorsed": True},
        "add_agreement": {"link_id": ids["link"], "text": "From the board"},
        "edit_agreement": {"id": ids["agreement"], "done": True},
        "delete_agreement": {"id": ids["agreement"]},
        "start_follow_up": {},
        "create_team_link": {},
        "revoke_team_link": {},
        "create_board_link": {},
        "revoke_board_link": {},
        "open_checkin": {},
        "close_checkin": {},
        "answer_checkin": {"link_id": ids["link"], "rating": 5},
        "delete_card": {"id": ids["named"]},
        "add_link": {"card_id": ids["named"], "goal_id": console.state["goals"][1]["id"]},
        "delete_link": {"id": ids["link"]},
        "add_goal": {"text": "From the board", "kind": "goal"},
        "edit_goal": {"id": ids["goal"], "text": "Rewritten"},
        "delete_goal": {"id": ids["goal"]},
        "set_phase": {"phase": "closed"},
        "delete_workshop": {"code": workshop.code},
    }
    writes = sorted(set(CLIENT_EVENTS) - {"sync"})
    assert len(writes) >= 30
    for event in writes:
        ack = board.call(event, payloads.get(event, {}))
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", (event, ack)
    assert board.call("sync")["ok"] is True
    assert workshop.snapshot() == before
    assert board.sio.connected  # refusals are answers, not a reason to hang up


def test_board_and_facilitator_credentials_do_not_stand_in_for_each_other(server, workshop, clients):
    key = key_of(board_link(workshop))
    code = workshop.code
    assert refused(server, {"code": code, "role": "facilitator", "view": "board", "token": key})
    assert refused(server, {"code": code, "role": "board", "view": "board", "token": workshop.token})
    assert refused(server, {"code": code, "role": "board", "view": "console", "token": key})
    other = workshop.api.create_workshop()
    assert refused(server, {"code": other["code"], "role": "board", "view": "board", "token": key})
    # The key itself (as scripts send it) works as the cookie does.
    client = Client(server.url, {"code": code, "role": "board", "view": "board", "token": key}, "script board")
    clients.append(client)
    assert client.state["me"]["role"] == "board"
    # The facilitator's own board (their cookie) keeps its hands: it may still link cards.
    facilitators_board = workshop.facilitator("board")
    card = workshop.participant("Anna").call("add_card", {"kind": "drive", "text": "Sketching"})["card"]
    ack = facilitators_board.call(
        "add_link", {"card_id": card["id"], "goal_id": facilitators_board.state["goals"][0]["id"]}
    )
    assert ack["ok"] is True


@pytest.mark.live  # the server closes real connections, a moment later
def test_renewing_the_board_link_disconnects_the_old_board_and_refuses_its_key(server, workshop, clients):
    first = key_of(board_link(workshop))
    old_board = board_client(workshop, clients, first, "old board")
    projector = requests.Session()
    projector.get(f"{server.url}/w/{workshop.code}/board?key={first}")
    console, facilitators_board = workshop.facilitator(), workshop.facilitator("board")
    phone = workshop.participant("Anna")

    second = key_of(board_link(workshop))
    wait_disconnected(old_board)
    auth = {"code": workshop.code, "role": "board", "view": "board"}
    assert refused(server, auth, {"Cookie": f"wb_{workshop.code}={first}"})
    page = projector.get(f"{server.url}/w/{workshop.code}/board")
    assert page.status_code == 401 and "no longer works" in page.text
    assert requests.get(f"{server.url}/w/{workshop.code}/board?key={first}", allow_redirects=False).status_code == 401
    new_board = board_client(workshop, clients, second, "new board")
    assert all(still_connected(c) for c in (console, facilitators_board, phone, new_board))

    # The console does the same over its socket, and learns whether a board link exists.
    ack = console.call("create_board_link")
    assert ack["ok"] is True and ack["url"].startswith(f"{server.url}/w/{workshop.code}/board?key=")
    wait_disconnected(new_board)
    third = board_client(workshop, clients, key_of(ack["url"]), "third board")
    assert console.call("sync")["state"]["workshop"]["board_link"] is True
    assert console.call("revoke_board_link") == {"ok": True}
    wait_disconnected(third)
    assert refused(server, {**auth, "token": key_of(ack["url"])})
    assert console.call("sync")["state"]["workshop"]["board_link"] is False
    assert all(still_connected(c) for c in (console, facilitators_board, phone))


def test_the_board_link_routes_take_the_facilitators_bearer_only(server, workshop):
    base = f"{server.url}/api/workshops/{workshop.code}/board-link"
    phone = workshop.api.join(workshop.code, "Anna")["participant_token"]
    signed_in = requests.Session()
    signed_in.get(workshop.urls["facilitator"])
    for method in ("post", "delete"):
        assert getattr(requests, method)(base).status_code == 401
        assert getattr(requests, method)(base, headers=bearer(phone)).status_code == 403
        assert getattr(signed_in, method)(base).status_code == 401  # the cookie does not do
    key = key_of(board_link(workshop))
    board = requests.Session()
    assert board.get(f"{server.url}/w/{workshop.code}/board?key={key}").status_code == 200
    assert requests.delete(base, headers=bearer(workshop.token)).status_code == 204
    assert board.get(f"{server.url}/w/{workshop.code}/board").status_code == 401


# --- the one-time sign-in link ------------------------------------------------------------------------


def test_the_sign_in_link_signs_in_once_and_leaves_a_clean_address(server, api):
    created = api.create_workshop()
    code, token, link = created["code"], created["facilitator_token"], created["urls"]["facilitator"]
    assert link.startswith(f"{server.url}/w/{code}/facilitate?key=") and token not in link
    laptop = requests.Session()
    r = laptop.get(link, allow_redirects=False)
    assert (r.status_code, r.headers["Location"]) == (303, f"/w/{code}/facilitate")
    cookie = next(c for c in laptop.cookies if c.name == f"wf_{code}")
    assert cookie.value == token and cookie.has_nonstandard_attr("HttpOnly")
    assert laptop.get(server.url + r.headers["Location"]).status_code == 200

    # Used up: another browser (or someone reading the history or a proxy's log) gets nothing.
    thief = requests.Session()
    again = thief.get(link, allow_redirects=False)
    assert again.status_code == 401 and "already used" in again.text
    assert not list(thief.cookies)
    # The browser that used it, going back to it, simply lands on its console.
    back = laptop.get(link, allow_redirects=False)
    assert (back.status_code, back.headers["Location"]) == (303, f"/w/{code}/facilitate")


def test_a_new_sign_in_link_replaces_an_unused_one(server, workshop):
    first = workshop.urls["facilitator"]
    second = workshop.signin_url()
    assert key_of(first) != key_of(second)
    assert requests.get(first, allow_redirects=False).status_code == 401
    browser = requests.Session()
    assert browser.get(second, allow_redirects=False).status_code == 303
    assert browser.get(f"{server.url}/w/{workshop.code}/facilitate").status_code == 200


def test_the_facilitator_key_no_longer_signs_in_from_a_url(server, workshop):
    for page in ("facilitate", "board"):
        browser = requests.Session()
        r = browser.get(f"{server.url}/w/{workshop.code}/{page}?key={workshop.token}", allow_redirects=False)
        assert r.status_code == 401, page
        assert not list(browser.cookies)
    # The key is for scripts: as a bearer it works.
    assert requests.get(f"{server.url}/w/{workshop.code}/facilitate", headers=bearer(workshop.token)).status_code == 200
    # And it never sits in a page or in the socket's state.
    browser = requests.Session()
    browser.get(workshop.urls["facilitator"])
    console = browser.get(f"{server.url}/w/{workshop.code}/facilitate")
    assert console.status_code == 200 and workshop.token not in console.text
    state = workshop.facilitator().state
    assert workshop.token not in json.dumps(state) and "key=" not in json.dumps(state)


def test_the_console_makes_sign_in_links_with_its_cookie(server, workshop):
    console = requests.Session()
    console.get(workshop.urls["facilitator"])
    made = console.post(f"{server.url}/w/{workshop.code}/signin-link", headers={"Origin": server.url})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    url = made.json()["url"]
    assert url.startswith(f"{server.url}/w/{workshop.code}/facilitate?key=") and workshop.token not in url
    phone = requests.Session()
    assert phone.get(url, allow_redirects=False).status_code == 303
    assert requests.get(url, allow_redirects=False).status_code == 401
    # Another site cannot make one with the facilitator's cookie; nobody can without it.
    assert (
        console.post(
            f"{server.url}/w/{workshop.code}/signin-link", headers={"Origin": "https://evil.example"}
        ).status_code
        == 403
    )
    assert (
        console.post(
            f"{server.url}/w/{workshop.code}/signin-link", headers={"Sec-Fetch-Site": "cross-site"}
        ).status_code
        == 403
    )
    assert requests.post(f"{server.url}/w/{workshop.code}/signin-link").status_code == 401


def test_a_follow_up_opens_with_a_sign_in_link(server, workshop):
    console = workshop.facilitator()
    console.call("set_phase", {"phase": "closed"})
    ack = console.call("start_follow_up", {})
    assert ack["ok"] is True
    link = ack["urls"]["facilitator"]
    assert link.startswith(f"{server.url}/w/{ack['code']}/facilitate?key=")
    browser = requests.Session()
    assert browser.get(link, allow_redirects=False).status_code == 303
    assert browser.get(f"{server.url}/w/{ack['code']}/facilitate").status_code == 200
    assert requests.get(link, allow_redirects=False).status_code == 401
    r = requests.post(f"{server.url}/api/workshops/{workshop.code}/follow-up", headers=bearer(workshop.token))
    assert r.status_code == 201
    body = r.json()
    assert body["facilitator_token"] not in body["urls"]["facilitator"]
    assert requests.get(body["urls"]["facilitator"], allow_redirects=False).status_code == 303


# --- a new facilitator key ------------------------------------------------------------------------------


@pytest.mark.live  # the server closes real connections, a moment later
def test_a_new_key_ends_every_session_of_the_old_one(server, workshop, clients):
    old = workshop.token
    code = workshop.code
    console, facilitators_board = workshop.facilitator(), workshop.facilitator("board")
    phone = workshop.participant("Anna")
    projector = board_client(workshop, clients, key_of(board_link(workshop)), "projector")
    laptop = requests.Session()
    laptop.get(workshop.urls["facilitator"])
    pending = workshop.signin_url()  # made with the old key, never used

    r = requests.post(f"{server.url}/api/workshops/{code}/facilitator-key", headers=bearer(old))
    assert r.status_code == 201 and r.headers["Cache-Control"] == "no-store"
    body = r.json()
    new = body["facilitator_token"]
    assert new != old and len(new) >= 43 and new not in body["urls"]["facilitator"]

    # Old bearer, old cookie, old sockets, old sign-in link: all gone.
    assert requests.get(f"{server.url}/api/workshops/{code}", headers=bearer(old)).status_code == 401
    assert laptop.get(f"{server.url}/w/{code}/facilitate").status_code == 401
    wait_disconnected(console)
    wait_disconnected(facilitators_board)
    assert refused(server, {"code": code, "role": "facilitator", "view": "console", "token": old})
    assert requests.get(pending, allow_redirects=False).status_code == 401
    assert requests.post(f"{server.url}/api/workshops/{code}/facilitator-key", headers=bearer(old)).status_code == 401
    # Phones and the board's own key were never the facilitator's: they stay.
    assert still_connected(phone) and still_connected(projector)

    # The new key works, and so does the sign-in link that came with it.
    workshop.token = new
    assert workshop.snapshot()["code"] == code
    assert workshop.facilitator().state["me"]["role"] == "facilitator"
    browser = requests.Session()
    assert browser.get(body["urls"]["facilitator"], allow_redirects=False).status_code == 303
    assert browser.get(f"{server.url}/w/{code}/facilitate").status_code == 200


def test_the_console_makes_a_new_key_with_its_cookie(server, workshop):
    code = workshop.code
    laptop, tablet = requests.Session(), requests.Session()
    laptop.get(workshop.urls["facilitator"])
    tablet.get(workshop.signin_url())
    console = workshop.facilitator()
    old = laptop.cookies.get(f"wf_{code}")

    # Another site cannot make the laptop rotate the key.
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        assert laptop.post(f"{server.url}/w/{code}/facilitator-key", headers=headers).status_code == 403
    assert laptop.cookies.get(f"wf_{code}") == old and tablet.get(f"{server.url}/w/{code}/facilitate").ok

    r = laptop.post(f"{server.url}/w/{code}/facilitator-key", headers={"Origin": server.url})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert old not in r.text
    new = laptop.cookies.get(f"wf_{code}")
    assert new and new != old and new not in r.text  # the new key goes to the cookie only
    assert laptop.get(f"{server.url}/w/{code}/facilitate").status_code == 200
    assert tablet.get(f"{server.url}/w/{code}/facilitate").status_code == 401
    assert requests.get(f"{server.url}/api/workshops/{code}", headers=bearer(old)).status_code == 401
    assert requests.get(f"{server.url}/api/workshops/{code}", headers=bearer(new)).status_code == 200
    wait_disconnected(console)
    assert requests.post(f"{server.url}/w/{code}/facilitator-key").status_code == 401
