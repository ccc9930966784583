"""A person's seat on more devices (issue 14): the personal link, made on the phone or reissued by
the facilitator, used once by another browser, which gets a device token of its own; signing
devices out; presence per device; erasure and logs. Real HTTP and Socket.IO clients."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
import requests
import segno
import socketio
from helpers import Api, Client, LiveServer, Workshop
from inprocess import InProcessServer, elapse
from test_erasure import on_disk

from workshop import model
from workshop.limits import limiter

# --- helpers -----------------------------------------------------------------------------------


def made_link(client, event: str = "create_seat_link", payload: dict | None = None) -> str:
    ack = client.call(event, payload or {})
    assert ack["ok"], ack
    return ack["url"]


def secret_of(url: str) -> str:
    return urlsplit(url).fragment


def open_link(workshop, url: str, cookie: str | None = None, headers: dict | None = None) -> requests.Response:
    """What the seat page's script does with a link: post its #fragment to the page's own URL."""
    parts = urlsplit(url)
    sent = {"Cookie": cookie} if cookie else {}
    return requests.post(
        f"{workshop.server.url}{parts.path}", json={"key": parts.fragment}, headers={**sent, **(headers or {})}
    )


def device_token(workshop, response: requests.Response) -> str:
    assert response.status_code == 200, response.text
    token = response.cookies.get(f"wp_{workshop.code}")
    assert token, "no participant cookie was set"
    return token


def device(workshop, clients, token: str, name: str = "laptop") -> Client:
    """A second device of a person, connected with its own token (as its browser's cookie)."""
    client = workshop.server.connect(
        {"code": workshop.code, "role": "participant", "view": "phone", "token": token}, name
    )
    clients.append(client)
    return client


def seat(client) -> dict:
    ack = client.call("my_seat")
    assert ack["ok"], ack
    return ack["seat"]


def refused(server, auth: dict) -> bool:
    """Whether connecting with these credentials is refused."""
    try:
        client = server.connect(auth, "refused?")
    except socketio.exceptions.ConnectionError:
        return True
    client.disconnect()
    return False


def participant_auth(workshop, token: str) -> dict:
    return {"code": workshop.code, "role": "participant", "view": "phone", "token": token}


def error_of(ack: dict) -> str:
    assert ack["ok"] is False, ack
    return ack["error"]["code"]


@pytest.fixture
def anna(workshop):
    return workshop.participant("Anna")


# --- the link: made, used once, refused after ----------------------------------------------------


def test_the_link_carries_its_secret_in_the_fragment_only(workshop, anna):
    url = made_link(anna)
    parts = urlsplit(url)
    assert (parts.path, parts.query) == (f"/w/{workshop.code}/seat", "")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", parts.fragment)
    assert url.startswith(workshop.server.url)
    # The page the link opens carries no secret, and nobody's identity.
    page = requests.get(f"{workshop.server.url}{parts.path}")
    assert page.status_code == 200
    assert parts.fragment not in page.text and f"wp_{workshop.code}" not in page.headers.get("Set-Cookie", "")
    assert page.headers["Cache-Control"] == "no-store"


def test_the_qr_code_is_the_link_itself_made_for_this_answer(anna):
    ack = anna.call("create_seat_link")
    expected = io.BytesIO()
    segno.make(ack["url"], error="m").save(
        expected, kind="svg", scale=6, border=4, dark="#000", light="#fff", xmldecl=False, svgns=True
    )
    assert ack["qr"] == expected.getvalue().decode()
    again = anna.call("create_seat_link")
    assert again["qr"] != ack["qr"] and again["url"] != ack["url"]


def test_a_link_opens_the_seat_once_on_another_device(workshop, anna, clients):
    card = anna.call("add_card", {"kind": "drive", "text": "Teaching newcomers"})
    url = made_link(anna)
    response = open_link(workshop, url)
    token = device_token(workshop, response)
    assert token != workshop.people["Anna"]["participant_token"]
    assert response.json()["next"] == f"/w/{workshop.code}/phone"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    laptop = device(workshop, clients, token)
    assert laptop.state["me"]["id"] == anna.id
    assert [c["text"] for c in laptop.state["cards"] if c["id"] == card["card"]["id"]] == ["Teaching newcomers"]
    # Used up: the same link admits nobody else (the history entry holds a dead link).
    again = open_link(workshop, url)
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "unauthorized"
    assert "used or replaced" in again.json()["error"]["message"]
    assert f"wp_{workshop.code}" not in again.cookies


def test_the_seat_lists_each_device_and_this_one(workshop, anna, clients):
    assert seat(anna)["devices"] == [
        {"id": "joined", "came_by": "joined", "created_at": seat(anna)["devices"][0]["created_at"], "this": True}
    ]
    laptop = device(workshop, clients, device_token(workshop, open_link(workshop, made_link(anna))))
    anna.wait_for("seat_changed")
    on_phone, on_laptop = seat(anna), seat(laptop)
    assert [(d["came_by"], d["this"]) for d in on_phone["devices"]] == [("joined", True), ("link", False)]
    assert [(d["came_by"], d["this"]) for d in on_laptop["devices"]] == [("joined", False), ("link", True)]
    assert on_phone["link"] is None  # used up
    # Nothing in it is a credential.
    assert set(on_phone["devices"][1]) == {"id", "came_by", "created_at", "this"}


def test_a_browser_already_in_that_seat_just_goes_on(workshop, anna):
    url = made_link(anna)
    phone_cookie = f"wp_{workshop.code}={workshop.people['Anna']['participant_token']}"
    response = open_link(workshop, url, cookie=phone_cookie)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert [d["came_by"] for d in seat(anna)["devices"]] == ["joined"]  # no second device for the same phone
    # Used all the same, and a reload of the page still goes on.
    assert open_link(workshop, url, cookie=phone_cookie).status_code == 200
    assert open_link(workshop, url).status_code == 401


def test_a_new_link_replaces_the_old_and_stop_ends_it(workshop, anna):
    old = made_link(anna)
    new = made_link(anna)
    assert open_link(workshop, old).status_code == 401
    assert seat(anna)["link"]["by"] == "link"
    assert anna.call("revoke_seat_link") == {"ok": True}
    assert seat(anna)["link"] is None
    assert open_link(workshop, new).status_code == 401
    assert len(anna.received("seat_changed")) >= 3


def test_a_link_has_no_time_limit_of_its_own(workshop, anna, server):
    url = made_link(anna)
    elapse(server, 60 * 60 * 24 * 30)  # a month later (the in-process app's clock; a live server waits 0 s)
    assert open_link(workshop, url).status_code == 200


def test_a_link_works_only_in_its_workshop(workshop, new_workshop, anna):
    other = new_workshop()
    url = made_link(anna)
    wrong = f"{other.server.url}/w/{other.code}/seat#{secret_of(url)}"
    assert open_link(other, wrong).status_code == 401
    assert open_link(workshop, url).status_code == 200


# --- the facilitator reissues ---------------------------------------------------------------------


def test_the_facilitator_reissues_a_link_and_the_person_sees_it(workshop, anna, clients):
    console = workshop.facilitator()
    mine = made_link(anna)
    ack = console.call("reissue_seat_link", {"participant_id": anna.id})
    assert ack["ok"] and ack["url"].startswith(f"{workshop.server.url}/w/{workshop.code}/seat#")
    assert "<svg" in ack["qr"]
    anna.wait_for("seat_changed")
    assert seat(anna)["link"]["by"] == "facilitator"
    assert open_link(workshop, mine).status_code == 401  # the person's own pending link is replaced
    laptop = device(workshop, clients, device_token(workshop, open_link(workshop, ack["url"])))
    assert [d["came_by"] for d in seat(laptop)["devices"]] == ["joined", "facilitator"]
    # The person can stop a link the facilitator made, too.
    again = console.call("reissue_seat_link", {"participant_id": anna.id})["url"]
    assert anna.call("revoke_seat_link")["ok"]
    assert open_link(workshop, again).status_code == 401


def test_reissuing_for_a_lost_phone_signs_out_every_device(workshop, anna, clients):
    anna.call("add_card", {"kind": "drive", "text": "Coaching"})
    laptop = device(workshop, clients, device_token(workshop, open_link(workshop, made_link(anna))))
    console = workshop.facilitator()
    url = console.call("reissue_seat_link", {"participant_id": anna.id, "sign_out_devices": True})["url"]
    for client in (anna, laptop):
        client.wait_for("signed_out")
        client.settle()
        assert not client.sio.connected
    assert refused(workshop.server, participant_auth(workshop, workshop.people["Anna"]["participant_token"]))
    # Only the new link gets them back, to the same seat with the same cards.
    back = device(workshop, clients, device_token(workshop, open_link(workshop, url)), "new phone")
    assert back.state["me"]["id"] == anna.id
    assert [c["text"] for c in back.state["cards"]] == ["Coaching"]
    assert [d["came_by"] for d in seat(back)["devices"]] == ["facilitator"]
    assert console.wait_for("presence", lambda p: anna.id in p["connected"])


def test_without_sign_out_the_other_devices_stay(workshop, anna, clients):
    console = workshop.facilitator()
    assert console.call("reissue_seat_link", {"participant_id": anna.id, "sign_out_devices": False})["ok"]
    anna.settle()
    assert anna.sio.connected and anna.call("sync")["ok"]
    assert not anna.received("signed_out")


# --- signing out a device -------------------------------------------------------------------------


def test_a_person_signs_out_another_device_and_its_socket_closes(workshop, anna, clients):
    token = device_token(workshop, open_link(workshop, made_link(anna)))
    laptop = device(workshop, clients, token)
    other_id = seat(anna)["devices"][1]["id"]
    assert anna.call("sign_out_device", {"id": other_id}) == {"ok": True}
    laptop.wait_for("signed_out")
    laptop.settle()
    assert not laptop.sio.connected
    assert refused(workshop.server, participant_auth(workshop, token))
    assert (
        requests.get(
            f"{workshop.server.url}/w/{workshop.code}/phone",
            headers={"Cookie": f"wp_{workshop.code}={token}"},
            allow_redirects=False,
        )
        .headers["Location"]
        .endswith(f"/j/{workshop.code}")
    )
    assert anna.sio.connected and [d["id"] for d in seat(anna)["devices"]] == ["joined"]


def test_the_laptop_signs_out_the_phone_the_person_joined_on(workshop, anna, clients):
    laptop = device(workshop, clients, device_token(workshop, open_link(workshop, made_link(anna))))
    assert error_of(laptop.call("sign_out_device", {"id": seat(laptop)["devices"][1]["id"]})) == "invalid"  # itself
    assert laptop.call("sign_out_device", {"id": "joined"}) == {"ok": True}
    anna.wait_for("signed_out")
    anna.settle()
    assert not anna.sio.connected
    assert refused(workshop.server, participant_auth(workshop, workshop.people["Anna"]["participant_token"]))
    assert laptop.sio.connected and laptop.call("sync")["ok"]
    assert [(d["came_by"], d["this"]) for d in seat(laptop)["devices"]] == [("link", True)]  # the phone is gone
    assert error_of(laptop.call("sign_out_device", {"id": "joined"})) == "not_found"


def test_a_person_cannot_sign_out_this_device_or_someone_elses(workshop, anna, clients):
    bram = workshop.participant("Bram")
    bram_laptop = device(workshop, clients, device_token(workshop, open_link(workshop, made_link(bram))), "bram laptop")
    brams_device = seat(bram)["devices"][1]["id"]
    assert error_of(anna.call("sign_out_device", {"id": "joined"})) == "invalid"
    assert error_of(anna.call("sign_out_device", {"id": brams_device})) == "not_found"
    assert error_of(anna.call("sign_out_device", {"id": "x" * 22})) == "not_found"
    bram_laptop.settle()
    assert bram_laptop.sio.connected and not bram_laptop.received("signed_out")


# --- who may --------------------------------------------------------------------------------------


def test_only_the_facilitator_reissues_and_only_a_participant_makes_their_own(workshop, anna, new_workshop):
    bram = workshop.participant("Bram")
    assert error_of(anna.call("reissue_seat_link", {"participant_id": bram.id})) == "forbidden"
    assert error_of(anna.call("reissue_seat_link", {"participant_id": anna.id})) == "forbidden"
    console = workshop.facilitator()
    for event in ("create_seat_link", "revoke_seat_link", "my_seat"):
        assert error_of(console.call(event)) == "forbidden"
    assert error_of(console.call("sign_out_device", {"id": "joined"})) == "forbidden"
    other = new_workshop()
    stranger = other.participant("Cleo")
    assert error_of(console.call("reissue_seat_link", {"participant_id": stranger.id})) == "not_found"
    assert error_of(console.call("reissue_seat_link", {"participant_id": "n" * 22})) == "not_found"
    assert not bram.received("seat_changed") and not stranger.received("seat_changed")


def test_a_board_key_opens_no_seat(workshop, anna):
    r = requests.post(
        f"{workshop.server.url}/api/workshops/{workshop.code}/board-link",
        headers={"Authorization": f"Bearer {workshop.token}"},
    )
    key = urlsplit(r.json()["url"]).query.split("=", 1)[1]
    board = workshop.server.connect(
        {"code": workshop.code, "role": "board", "view": "board"},
        "board",
        headers={"Cookie": f"wb_{workshop.code}={key}"},
    )
    try:
        for event, payload in (
            ("create_seat_link", {}),
            ("revoke_seat_link", {}),
            ("my_seat", {}),
            ("sign_out_device", {"id": "joined"}),
            ("reissue_seat_link", {"participant_id": anna.id}),
        ):
            assert error_of(board.call(event, payload)) == "forbidden", event
    finally:
        board.disconnect()
    assert seat(anna)["link"] is None


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("create_seat_link", {"participant_id": "x" * 22}),
        ("create_seat_link", []),
        ("revoke_seat_link", "now"),
        ("my_seat", {"all": True}),
        ("sign_out_device", {}),
        ("sign_out_device", {"id": 7}),
        ("sign_out_device", {"id": "../../etc"}),
        ("sign_out_device", {"id": "joined", "more": 1}),
        ("reissue_seat_link", {"participant_id": "<script>"}),
        ("reissue_seat_link", {"participant_id": "x" * 22, "sign_out_devices": "yes"}),
        ("reissue_seat_link", {"participant_id": "x" * 22, "sign_out_devices": 1}),
    ],
)
def test_hostile_payloads_are_refused_to_the_sender_only(workshop, anna, event, payload):
    console = workshop.facilitator()
    sender = console if event == "reissue_seat_link" else anna
    bystander = anna if sender is console else console
    assert error_of(sender.call(event, payload)) == "invalid"
    assert sender.wait_for("rejected")["event"] == event
    bystander.call("sync")
    assert not bystander.received("rejected") and not bystander.received("seat_changed")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"not json", "application/json"),
        (b'{"key": 5}', "application/json"),
        (b'{"key": ""}', "application/json"),
        (b'{"key": "' + b"k" * 201 + b'"}', "application/json"),
        (b'{"key": "k", "participant_id": "x"}', "application/json"),
        (b"[" * 40 + b"]" * 40, "application/json"),
        (b"key=abc", "application/x-www-form-urlencoded"),
    ],
)
def test_a_malformed_post_opens_nothing(workshop, anna, body, content_type):
    made_link(anna)
    r = requests.post(
        f"{workshop.server.url}/w/{workshop.code}/seat", data=body, headers={"Content-Type": content_type}
    )
    assert r.status_code == 400
    assert "Set-Cookie" not in r.headers or f"wp_{workshop.code}" not in r.headers["Set-Cookie"]
    assert seat(anna)["link"] is not None


def test_a_post_from_another_site_is_refused(workshop, anna):
    url = made_link(anna)
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        r = open_link(workshop, url, headers=headers)
        assert r.status_code == 403 and f"wp_{workshop.code}" not in r.cookies
    assert open_link(workshop, url).status_code == 200  # not spent by the refused attempts


def test_guessing_a_link_spends_the_guess_budget(tmp_path):
    server = InProcessServer(tmp_path / "guess.sqlite3", {"GUESS_LIMIT": "3 per minute"})
    limiter.reset()  # one limiter for the process: this app starts with full budgets
    try:
        clients: list = []
        workshop = Workshop(server, Api(server.url), clients)
        anna = workshop.participant("Anna")
        url = made_link(anna)
        guesser = requests.Session()
        guesser.get(f"{server.url}/")  # a device id, as a browser has
        guess = f"{server.url}/w/{workshop.code}/seat#{'g' * 43}"
        statuses = [
            guesser.post(f"{server.url}/w/{workshop.code}/seat", json={"key": secret_of(guess)}).status_code
            for _ in range(4)
        ]
        assert statuses == [401, 401, 401, 429]
        # Even the right key waits now, from this browser; the link itself is not spent.
        assert guesser.post(f"{server.url}/w/{workshop.code}/seat", json={"key": secret_of(url)}).status_code == 429
        assert open_link(workshop, url).status_code == 200
        for client in clients:
            client.disconnect()
    finally:
        server.stop()


# --- presence per device --------------------------------------------------------------------------


def test_a_person_with_two_devices_stays_present_until_both_are_gone(workshop, anna, clients):
    console = workshop.facilitator()
    laptop = device(workshop, clients, device_token(workshop, open_link(workshop, made_link(anna))))
    assert anna.id in console.call("sync")["state"]["connected"]
    presences = len(console.received("presence"))
    anna.disconnect()
    laptop.call("sync")
    assert anna.id in console.call("sync")["state"]["connected"]
    assert len(console.received("presence")) == presences  # nothing changed for anyone
    laptop.disconnect()
    console.wait_for("presence", lambda p: anna.id not in p["connected"])


def test_a_signed_out_device_no_longer_counts_as_present(workshop, anna, clients):
    console = workshop.facilitator()
    laptop = device(workshop, clients, device_token(workshop, open_link(workshop, made_link(anna))))
    anna.disconnect()
    assert laptop.call("sign_out_device", {"id": "joined"})["ok"]  # the lost phone, already offline
    other = device(workshop, clients, device_token(workshop, open_link(workshop, made_link(laptop))), "tablet")
    assert [d["this"] for d in seat(other)["devices"]] == [False, True]  # the laptop, the tablet
    assert other.call("sign_out_device", {"id": seat(other)["devices"][0]["id"]})["ok"]
    laptop.wait_for("signed_out")
    laptop.settle()
    assert not laptop.sio.connected
    assert anna.id in console.call("sync")["state"]["connected"]  # the tablet
    other.disconnect()
    console.wait_for("presence", lambda p: anna.id not in p["connected"])


# --- leaving, removal, erasure ---------------------------------------------------------------------


def test_leaving_or_removal_ends_the_link_and_every_device(workshop, anna, clients):
    laptop_token = device_token(workshop, open_link(workshop, made_link(anna)))
    laptop = device(workshop, clients, laptop_token)
    pending = made_link(anna)
    assert laptop.call("leave_workshop")["ok"]
    anna.settle()
    assert not anna.sio.connected and not laptop.sio.connected
    assert open_link(workshop, pending).status_code == 401
    assert refused(workshop.server, participant_auth(workshop, laptop_token))

    bram = workshop.participant("Bram")
    bram_pending = made_link(bram)
    bram_token = device_token(workshop, open_link(workshop, made_link(bram)))
    bram_pending = made_link(bram)
    assert workshop.facilitator().call("remove_participant", {"id": bram.id})["ok"]
    assert open_link(workshop, bram_pending).status_code == 401
    assert refused(workshop.server, participant_auth(workshop, bram_token))


@pytest.fixture
def own(tmp_path):
    """A server of its own (its disk and its log are read whole) with a workshop on it."""
    live = LiveServer(tmp_path / "own.sqlite3").start()
    clients: list = []
    try:
        yield live, Workshop(live, Api(live.url), clients), clients
    finally:
        for client in clients:
            client.disconnect()
        live.stop()


@pytest.mark.live
def test_erasure_leaves_no_link_or_device_hash_on_the_disk(own):
    disk, workshop, clients = own
    hashes = []
    for name, erase in (
        ("Anna", lambda p: p.call("leave_workshop")),
        ("Bram", lambda p: workshop.facilitator().call("remove_participant", {"id": p.id})),
        ("Cleo", lambda p: workshop.facilitator().call("delete_workshop", {"code": workshop.code})),
    ):
        person = workshop.participant(name)
        token = device_token(workshop, open_link(workshop, made_link(person)))
        pending = secret_of(made_link(person))
        hashes = [model.hash_token(token), model.hash_token(pending)]
        for word in hashes:
            assert on_disk(disk.db_path, word), f"{name}'s {word} was never written: the scan proves nothing"
        assert erase(person)["ok"]
        for word in hashes:
            assert not on_disk(disk.db_path, word), f"{name}'s seat is still on the disk"


@pytest.mark.live
def test_the_log_holds_no_link_or_device_token(own):
    live, workshop, clients = own
    anna = workshop.participant("Anna")
    secrets = []
    url = made_link(anna)
    token = device_token(workshop, open_link(workshop, url))
    laptop = device(workshop, clients, token)
    secrets += [secret_of(url), token, model.hash_token(token)]
    reissued = workshop.facilitator().call("reissue_seat_link", {"participant_id": anna.id})["url"]
    secrets.append(secret_of(reissued))
    requests.get(f"{live.url}/w/{workshop.code}/seat")
    assert open_link(workshop, url).status_code == 401
    assert laptop.call("sign_out_device", {"id": "joined"})["ok"]
    anna.wait_for("signed_out")
    output = live.output()
    assert "/seat" in output  # the requests are logged: the scan can see them
    for secret in secrets:
        assert secret not in output
