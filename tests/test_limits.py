"""Limits that protect people, not punish them (issue 12): guessing is counted per person with a
ceiling per address, every route that names a code or a link is guess-limited, the caps refuse
with their own codes, and malformed or deeply nested input is ``invalid``, never a crash.

The app here has real limits (the shared servers have generous ones): ``create_app`` with Flask's
test client, one client per browser, ``REMOTE_ADDR`` for the address it comes from (a venue's
router: many browsers, one address)."""

from __future__ import annotations

import re
import time

import pytest
import requests
from helpers import Api, Workshop

from workshop import create_app
from workshop.limits import DEVICE_COOKIE, limiter

STRICT = {
    "GUESS_LIMIT": "30 per minute",
    "ADDRESS_GUESS_LIMIT": "300 per minute",
    "CREATION_LIMIT": "60 per hour",
    "EVENT_RATE": "1000",
}
VENUE = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
PAGE = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Sec-Fetch-Mode": "navigate"}


@pytest.fixture
def make_app(tmp_path):
    made = []

    def make(**config):
        app = create_app({"DATABASE": str(tmp_path / f"limits{len(made)}.sqlite3"), **STRICT, **config})
        limiter.reset()  # the limiter is one for the process: each app starts with full budgets
        made.append(app)
        return app

    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def browser(app, address=VENUE, cookies=True):
    """A browser (it keeps cookies) or, with ``cookies=False``, a script that keeps none."""
    client = app.test_client(use_cookies=cookies)
    client.environ_base["REMOTE_ADDR"] = address
    return client


def new_code(app, address=ELSEWHERE) -> str:
    r = browser(app, address).post("/api/workshops", json={"title": "Team day", "language": "en"})
    assert r.status_code == 201, r.text
    return r.json["code"]


def join_by_page(phone, code: str, name: str):
    """What a phone does after scanning the QR code: the join page, a name, the phone page."""
    page = phone.get(f"/j/{code}", headers=PAGE, follow_redirects=True)
    if page.status_code not in (200, 409):  # a full workshop still shows the form
        return page
    return phone.post(f"/j/{code}", data={"name": name}, headers=PAGE)


def unknown_codes():
    return (f"ZZZZ{a}{b}" for a in "23456789" for b in "ABCDEFGHJKMNPQRSTUVWXYZ")


# --- one person's misses never refuse someone else's join --------------------------------------


def test_one_browsers_misses_do_not_block_another_browser_at_the_same_address(make_app):
    app = make_app()
    code = new_code(app)
    guesser, neighbour = browser(app), browser(app)
    assert guesser.get("/").status_code == 200 and guesser.get_cookie(DEVICE_COOKIE) is not None
    for _ in range(40):  # hits never count, however many
        assert guesser.get(f"/j/{code}", headers=PAGE).status_code == 200
    guesses = unknown_codes()
    statuses = [guesser.post("/join", data={"code": next(guesses)}).status_code for _ in range(34)]
    assert statuses == [404] * 30 + [429] * 4
    assert guesser.post("/join", data={"code": code}).status_code == 429  # the guesser waits, even for a right code

    assert neighbour.get("/").status_code == 200
    r = neighbour.post("/join", data={"code": code})
    assert (r.status_code, r.headers["Location"]) == (303, f"/j/{code}")
    joined = join_by_page(neighbour, code, "Anna")
    assert (joined.status_code, joined.headers["Location"]) == (303, f"/w/{code}/phone")
    # And the API's join from that address is not refused either (another budget: no cookie).
    api = browser(app, cookies=False).post(f"/api/workshops/{code}/participants", json={"name": "Bram"})
    assert api.status_code == 201


def test_a_cookieless_script_does_not_block_a_fresh_phone_scanning_the_code(make_app):
    app = make_app()
    code = new_code(app)
    script = browser(app, cookies=False)
    guesses = unknown_codes()
    statuses = [script.get(f"/j/{next(guesses)}").status_code for _ in range(33)]
    assert statuses == [404] * 30 + [429] * 3
    r = script.post(f"/api/workshops/{next(guesses)}/participants", json={"name": "x"})
    assert (r.status_code, r.json["error"]["code"]) == (429, "rate_limited")

    phone = browser(app)
    first = phone.get(f"/j/{code}", headers=PAGE)  # a phone that never saw this site: no cookie
    assert (first.status_code, first.headers["Location"]) == (303, f"/j/{code}")
    assert re.match(r"^[A-Za-z0-9_-]{22}$", phone.get_cookie(DEVICE_COOKIE).value)
    given = [c for c in first.headers.getlist("Set-Cookie") if c.startswith(f"{DEVICE_COOKIE}=")]
    assert len(given) == 1 and "HttpOnly" in given[0] and "SameSite=Lax" in given[0]
    # A link with a query (the one-time sign-in link) comes back whole, not yet used.
    laptop = browser(app).get(f"/w/{code}/facilitate?key=one-time", headers=PAGE)
    assert (laptop.status_code, laptop.headers["Location"]) == (303, f"/w/{code}/facilitate?key=one-time")
    joined = join_by_page(phone, code, "Anna")
    assert (joined.status_code, joined.headers["Location"]) == (303, f"/w/{code}/phone")
    assert phone.get(f"/w/{code}/phone", headers=PAGE).status_code == 200
    # The script, still without a cookie, is still refused: the redirect is for a browser's page.
    assert script.get(f"/j/{code}").status_code == 429


def test_the_address_ceiling_stops_a_script_that_farms_device_ids(make_app):
    app = make_app(ADDRESS_GUESS_LIMIT="50 per minute")
    code = new_code(app)
    guesses, statuses = unknown_codes(), []
    for _ in range(4):  # a fresh device id every 20 guesses: each would have its own budget
        farmed = browser(app)
        farmed.get("/")
        statuses += [farmed.post("/join", data={"code": next(guesses)}).status_code for _ in range(20)]
    assert statuses == [404] * 50 + [429] * 30
    # The residual risk, documented: while a script guesses this hard, the address's joins wait.
    late = browser(app)
    late.get("/")
    assert late.post("/join", data={"code": code}).status_code == 429
    assert join_by_page(browser(app), code, "Anna").status_code == 429
    # Another address is not touched.
    assert join_by_page(browser(app, ELSEWHERE), code, "Anna").headers["Location"] == f"/w/{code}/phone"


# --- every route that names a code or a link -----------------------------------------------------


def test_every_route_that_names_a_code_or_a_link_is_guess_limited(make_app):
    app = make_app(GUESS_LIMIT="3 per minute", ADDRESS_GUESS_LIMIT="1000 per minute")
    routes = [
        rule
        for rule in app.url_map.iter_rules()
        if {"code", "token"} & set(rule.arguments) or rule.endpoint == "views.join_by_code"
    ]
    assert len(routes) >= 30  # the pages, the API's reads and writes, the team link's files, the QR code
    checked = set()
    for n, rule in enumerate(routes):
        path = rule.rule.replace("<code>", "ZZZZZZ").replace("<token>", "x" * 43)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            someone = browser(app, f"10.1.{n}.{len(checked) % 250}")
            someone.get("/")  # its device id first: each miss then spends its own budget
            data = {"code": "ZZZZZZ", "name": "Anna"} if not path.startswith("/api/") else None
            send = {"json": {"name": "Anna"}} if path.startswith("/api/") and method == "POST" else {"data": data}
            misses = [someone.open(path, method=method, **send).status_code for _ in range(3)]
            assert misses == [404] * 3, (method, rule.rule)
            refused = someone.open(path, method=method, **send)
            assert refused.status_code == 429, (method, rule.rule)
            if path.startswith("/api/"):
                assert refused.json["error"]["code"] == "rate_limited"
            checked.add((method, rule.rule))
    for expected in (
        ("GET", "/w/<code>/qr.svg"),
        ("GET", "/api/workshops/<code>/summary.csv"),
        ("GET", "/t/<token>/map.svg"),
        ("POST", "/w/<code>/take-part"),
        ("POST", "/join"),
    ):
        assert expected in checked


def test_misses_on_any_route_spend_one_budget(make_app):
    app = make_app(GUESS_LIMIT="4 per minute")
    code = new_code(app)
    guesser = browser(app)
    guesser.get("/")
    for path in ("/w/ZZZZZZ/qr.svg", "/api/workshops/ZZZZZZ", f"/t/{'x' * 43}/summary.md", "/w/ZZZZZZ/board"):
        assert guesser.get(path).status_code == 404
    assert guesser.get(f"/w/{code}/qr.svg").status_code == 429
    assert browser(app).get(f"/w/{code}/qr.svg").status_code == 200


def test_a_not_found_once_the_code_found_its_workshop_spends_nothing(make_app):
    """Only a code or a link that names no workshop is a miss. Over HTTP no route names a card or
    a goal; what can be missing once the workshop is found is the previous workshop or the
    person a follow-up's rejoin asks for: an API client asking that again and again is no
    guesser, and its budget (and its address's) stays whole."""
    app = make_app(GUESS_LIMIT="3 per minute", ADDRESS_GUESS_LIMIT="3 per minute")
    code = new_code(app)  # no follow-up: it has no previous workshop
    client = browser(app)
    client.get("/")
    for _ in range(10):
        r = client.post(f"/api/workshops/{code}/rejoin", headers=bearer("x" * 43))
        assert (r.status_code, r.json["error"]["message"]) == (404, "No such previous workshop.")
    assert [client.get("/w/ZZZZZZ/qr.svg").status_code for _ in range(4)] == [404, 404, 404, 429]


# --- caps ----------------------------------------------------------------------------------------


def test_a_full_workshop_refuses_another_participant_and_nothing_changes(make_app):
    app = make_app(MAX_PARTICIPANTS=2)
    created = browser(app).post("/api/workshops", json={"title": "Team day", "language": "en"}).json
    code, token = created["code"], created["facilitator_token"]
    for name in ("Anna", "Bram"):
        assert browser(app).post(f"/api/workshops/{code}/participants", json={"name": name}).status_code == 201
    before = browser(app).get(f"/api/workshops/{code}", headers=bearer(token)).json
    r = browser(app).post(f"/api/workshops/{code}/participants", json={"name": "Cas"})
    assert (r.status_code, r.json["error"]["code"]) == (409, "workshop_full")
    page = join_by_page(browser(app), code, "Cas")
    assert page.status_code == 409 and "This workshop is full" in page.text and 'value="Cas"' in page.text
    assert f"wp_{code}" not in page.headers.get("Set-Cookie", "")
    after = browser(app).get(f"/api/workshops/{code}", headers=bearer(token)).json
    assert after == before and [p["name"] for p in after["participants"]] == ["Anna", "Bram"]


def test_the_join_page_says_full_in_dutch(make_app):
    app = make_app(MAX_PARTICIPANTS=1)
    code = browser(app).post("/api/workshops", json={"title": "Teamdag", "language": "nl"}).json["code"]
    assert join_by_page(browser(app), code, "Anna").status_code == 303
    page = browser(app).get(f"/j/{code}", headers=PAGE)  # said before a name is typed
    assert page.status_code == 409 and "Deze workshop is vol" in page.text and "facilitator" in page.text
    page = browser(app).post(f"/j/{code}", data={"name": "Bram"}, headers=PAGE)
    assert page.status_code == 409 and "Deze workshop is vol" in page.text and 'value="Bram"' in page.text


def test_one_person_writes_at_most_so_many_cards_and_others_still_can(tmp_path, clients):
    from inprocess import InProcessServer

    server = InProcessServer(tmp_path / "cards.sqlite3", {"MAX_CARDS_PER_PERSON": 2})
    try:
        workshop = Workshop(server, Api(server.url), clients)
        anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
        assert anna.call("add_card", {"kind": "drive", "text": "Teaching"})["ok"] is True
        assert anna.call("add_card", {"kind": "strength", "text": "Calm", "about": bram.id})["ok"] is True
        refused = anna.call("add_card", {"kind": "drive", "text": "One too many"})
        assert refused == {"ok": False, "error": {"code": "too_many_cards", "message": refused["error"]["message"]}}
        assert "2 cards" in refused["error"]["message"]
        assert bram.call("add_card", {"kind": "drive", "text": "Order"})["ok"] is True
        drives = workshop.snapshot()["drives"]
        assert sorted(c["text"] for c in drives) == ["Order", "Teaching"]
    finally:
        server.stop()


def test_creating_workshops_is_one_budget_for_the_form_and_the_api(make_app):
    app = make_app(CREATION_LIMIT="3 per hour")
    facilitator = browser(app)
    assert facilitator.post("/api/workshops", json={"title": "One"}).status_code == 201
    assert facilitator.post("/workshops", data={"title": "Two"}).status_code == 303
    assert facilitator.post("/api/workshops", json={"title": "Three"}).status_code == 201
    assert facilitator.post("/workshops", data={"title": "Four"}).status_code == 429
    r = facilitator.post("/api/workshops", json={"title": "Four"})
    assert (r.status_code, r.json["error"]["code"]) == (429, "rate_limited")
    assert browser(app, ELSEWHERE).post("/workshops", data={"title": "Mine"}).status_code == 303


# --- malformed or deeply nested input ------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 60_000,
        b'{"title": ' + b"[" * 30_000 + b"]" * 30_000 + b"}",
        b'{"title": "Team day", "goals": [' + b"{" * 20 + b"}" * 20 + b"]}",
        b'{"title": "unfinished',
        b'{"title": "\xff\xfe"}',
    ],
    ids=["60k brackets", "deep value", "too deep", "broken", "not utf-8"],
)
def test_a_malformed_or_deeply_nested_body_is_invalid_not_a_crash(make_app, body):
    app = make_app()
    client = browser(app)
    r = client.post("/api/workshops", data=body, content_type="application/json")
    assert (r.status_code, r.json["error"]["code"]) == (400, "invalid")
    code = new_code(app)
    r = client.post(f"/api/workshops/{code}/participants", data=body, content_type="application/json")
    assert (r.status_code, r.json["error"]["code"]) == (400, "invalid")
    assert browser(app).post("/api/workshops", json={"title": "Still fine"}).status_code == 201


def test_a_malformed_form_post_is_refused_not_a_crash(make_app):
    app = make_app()
    code = new_code(app)
    client = browser(app)
    for path in ("/workshops", f"/j/{code}", "/join"):
        r = client.post(
            path, data=b"name=%ff%fe&title=" + b"%5B" * 5000, content_type="application/x-www-form-urlencoded"
        )
        assert r.status_code < 500, path


def test_a_deeply_nested_socket_payload_is_refused_and_the_server_goes_on(workshop):
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    raw = anna._client  # Flask-SocketIO's test client: the packet goes through the server's decoder as sent
    nested = "[" * 30_000 + "]" * 30_000
    raw.socketio.server._handle_eio_message(raw.eio_sid, '2["add_card",' + nested + "]")
    raw.socketio.server._handle_eio_message(raw.eio_sid, '2["add_card",{"kind":"drive","text":' + nested + "}]")
    raw.socketio.server._handle_eio_message(raw.eio_sid, "2" + nested)  # not even an event's shape
    rejected = anna.received("rejected")
    assert [(r["event"], r["error"]["code"]) for r in rejected] == [
        ("add_card", "invalid"),
        ("add_card", "invalid"),
        ("?", "unknown_event"),
    ]
    assert "nests too deeply" in rejected[0]["error"]["message"]
    assert anna.call("add_card", {"kind": "drive", "text": "Still here"})["ok"] is True
    assert bram.call("sync")["ok"] is True
    assert "Traceback" not in workshop.server.output()


@pytest.mark.live  # the transport a browser uses: long-polling first, then the upgrade
def test_a_client_on_polling_upgrades_to_a_websocket_through_the_bounded_decoder(live_server):
    """Engine.IO decodes its own messages with the server's JSON module too: the upgrade's probe
    ("2probe") is not JSON and must stay Engine.IO's, or every browser stays on long-polling."""
    import socketio

    api = Api(live_server.url)
    code = api.create_workshop()["code"]
    token = api.join(code, "Anna")["participant_token"]
    client = socketio.Client(reconnection=False)
    states = []
    client.on("state", states.append)
    client.connect(
        live_server.url,
        auth={"code": code, "role": "participant", "view": "phone", "token": token},
        transports=["polling", "websocket"],
        wait_timeout=10,
    )
    try:
        deadline = time.monotonic() + 10
        while client.transport() != "websocket" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.transport() == "websocket"
        assert client.call("sync", {}, timeout=5)["ok"]
        assert states and states[0]["workshop"]["code"] == code
    finally:
        client.disconnect()


@pytest.mark.live  # the payload as a real WebSocket frame, decoded by the real server
def test_a_deeply_nested_frame_over_a_real_socket_is_answered_invalid(live_server):
    import json

    import websocket

    api = Api(live_server.url)
    code = api.create_workshop()["code"]
    token = api.join(code, "Anna")["participant_token"]
    ws = websocket.create_connection(
        live_server.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket", timeout=10
    )
    try:
        assert ws.recv().startswith("0{")
        ws.send("40" + json.dumps({"code": code, "role": "participant", "view": "phone", "token": token}))

        def ack(number: int):
            while True:
                frame = ws.recv()
                if frame == "2":  # Engine.IO's ping
                    ws.send("3")
                elif frame.startswith(f"43{number}["):
                    return json.loads(frame[len(f"43{number}") :])[0]

        ws.send('421["add_card",' + "[" * 30_000 + "]" * 30_000 + "]")
        assert ack(1)["error"]["code"] == "invalid"
        ws.send('422["add_card",{"kind":"drive","text":"Still here"}]')
        assert ack(2)["ok"] is True
    finally:
        ws.close()
    assert requests.get(live_server.url + "/healthz").json() == {"ok": True}
    assert "Traceback" not in live_server.output()


@pytest.mark.live  # the crafted frame over a real WebSocket, while another phone keeps talking
def test_an_unterminated_string_full_of_escaped_quotes_is_invalid_and_others_are_answered(workshop):
    """An unterminated string of ``\\"`` as long as a frame may be (64 KB): a pattern that skipped
    strings by backtracking spent seconds on it, holding up every connection of the process. It
    is answered ``invalid`` and Bram's events, sent right after it, are answered meanwhile."""
    import json

    import websocket

    bram = workshop.participant("Bram")
    token = workshop.api.join(workshop.code, "Anna")["participant_token"]
    ws = websocket.create_connection(
        workshop.server.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket", timeout=10
    )
    try:
        assert ws.recv().startswith("0{")
        ws.send("40" + json.dumps({"code": workshop.code, "role": "participant", "view": "phone", "token": token}))
        head = '421["add_card","'
        # More brackets than the depth allows (fewer would not be looked at), all in the string.
        crafted = head + '\\"' * ((64 * 1024 - len(head) - 64) // 2) + "[" * 20
        assert 60_000 < len(crafted) < 64 * 1024
        for _ in range(3):
            ws.send(crafted)
        for _ in range(3):  # each answered while the crafted frames wait their turn
            assert bram.call("sync")["ok"] is True
        answered = []
        while len(answered) < 3:
            frame = ws.recv()
            if frame == "2":  # Engine.IO's ping
                ws.send("3")
            elif frame.startswith("431["):
                answered.append(json.loads(frame[len("431") :])[0])
        assert [a["error"]["code"] for a in answered] == ["invalid"] * 3
        ws.send('422["add_card",{"kind":"drive","text":"Still here"}]')
        while not (frame := ws.recv()).startswith("432["):
            if frame == "2":
                ws.send("3")
        assert json.loads(frame[len("432") :])[0]["ok"] is True
    finally:
        ws.close()
    assert "Traceback" not in workshop.server.output()


class Redis:
    """A real redis-server of the test's own on a free port, which the test may stop and start
    again on the same port (Redis going away and coming back)."""

    def __init__(self, folder):
        import redis
        from helpers import free_port

        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis.from_url(self.url)
        self.process = None
        self.start()

    def start(self) -> None:
        import subprocess
        import time

        import redis

        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, cwd=self.folder, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    """A real redis-server (skipped where Debian's is absent)."""
    import shutil

    pytest.importorskip("redis")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = Redis(tmp_path)
    yield server
    server.client.close()
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    return redis_server.url


def test_the_budgets_live_in_the_configured_storage(make_app, redis_url):
    """RATELIMIT_STORAGE_URI takes effect (the Limiter's constructor no longer names memory://,
    which Flask-Limiter preferred): several processes on one Redis share one budget."""
    import redis

    app = make_app(GUESS_LIMIT="3 per minute", RATELIMIT_STORAGE_URI=redis_url)
    assert type(limiter.storage).__name__ == "RedisStorage"
    script = browser(app, cookies=False)
    assert [script.get("/w/ZZZZZZ/board").status_code for _ in range(4)] == [404, 404, 404, 429]
    keys = [k.decode() for k in redis.Redis.from_url(redis_url).keys("*guesses*")]
    assert any(VENUE in k and "person" in k for k in keys) and any("address" in k for k in keys)


def test_the_limits_fail_open_while_redis_is_away_and_count_again_once_back(make_app, redis_server, caplog):
    """Redis stopped mid-test: guessing and creation are not counted, so joins, new workshops
    and pages are served (not 500), with one warning for the outage, no traceback; once Redis
    is back the budgets count again."""
    import logging

    app = make_app(GUESS_LIMIT="3 per minute", CREATION_LIMIT="3 per hour", RATELIMIT_STORAGE_URI=redis_server.url)
    code = new_code(app, VENUE)
    phone, script, facilitator = browser(app), browser(app, cookies=False), browser(app)
    phone.get("/")
    caplog.set_level(logging.INFO)

    redis_server.stop()
    assert [phone.get("/w/ZZZZZZ/qr.svg").status_code for _ in range(5)] == [404] * 5  # not counted
    joined = join_by_page(phone, code, "Anna")
    assert (joined.status_code, joined.headers["Location"]) == (303, f"/w/{code}/phone")
    assert phone.get(f"/w/{code}/phone", headers=PAGE).status_code == 200
    assert script.post(f"/api/workshops/{code}/participants", json={"name": "Bram"}).status_code == 201
    assert [facilitator.post("/api/workshops", json={"title": "T"}).status_code for _ in range(4)] == [201] * 4
    assert facilitator.post("/workshops", data={"title": "Form"}).status_code == 303
    assert browser(app).get(f"/j/{code}", headers=PAGE).status_code in (200, 303)
    outage = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.levelname) for r in outage] == [("workshop.limits", "WARNING")], outage
    assert "unreachable" in outage[0].getMessage() and outage[0].exc_info is None
    assert "Traceback" not in caplog.text

    redis_server.start()  # empty: the budgets start whole
    caplog.clear()
    assert [phone.get("/w/ZZZZZZ/qr.svg").status_code for _ in range(4)] == [404, 404, 404, 429]
    statuses = [facilitator.post("/api/workshops", json={"title": "T"}).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    back = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, "again" in r.getMessage()) for r in back] == [("workshop.limits", True)]
