"""The operator's command line (``python app.py COMMAND``) and what app.py says when it starts.

The commands run as real subprocesses on a real database; the workshops in it are made by the
app (in this process, or a live server where the transport matters)."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis
import requests
from helpers import Api, Client, LiveServer, Workshop, free_port, run_app


def db_args(server) -> list[str]:
    return ["--db", str(server.db_path)]


def test_list_shows_size_and_phase_but_no_personal_text(server, new_workshop):
    workshop = new_workshop(title="Quarterly offsite of the Zanzibar team")
    zelda = workshop.participant("Zelda Quixote-Marchbanks")
    workshop.participant("Ignatius Pemberton")
    zelda.call("add_card", {"kind": "drive", "text": "Untangling gnarly invoices", "prompt": 0})
    workshop.facilitator().call("set_phase", {"phase": "drives"})
    empty = new_workshop(title="Nobody came")

    done = run_app("list", *db_args(server))

    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()[1:-1]}
    assert rows[workshop.code][2:5] == ["2", "1", "drives"]  # people, cards, phase
    assert rows[empty.code][2:5] == ["0", "0", "join"]
    assert done.stdout.splitlines()[0].split() == [
        "code",
        "age_days",
        "people",
        "cards",
        "phase",
        "closed_days",
        "idle_days",
    ]
    for personal in ("Zanzibar", "Nobody came", "Zelda", "Quixote", "Ignatius", "gnarly invoices"):
        assert personal not in done.stdout + done.stderr


def test_sweep_erases_now_what_retention_allows(server, api):
    old_day = datetime.now(UTC) - timedelta(days=10)
    server.clock.set(old_day)
    old = api.create_workshop(title="Long ago")
    server.clock.set(datetime.now(UTC))
    fresh = api.create_workshop(title="Today")

    assert run_app("sweep", *db_args(server)).returncode == 2  # no retention: nothing to go by
    done = run_app("sweep", "--retention-days", "5", *db_args(server))

    assert done.returncode == 0, done.stderr
    assert "Erased 1 workshop(s)" in done.stdout
    listed = run_app("list", *db_args(server)).stdout
    assert fresh["code"] in listed and old["code"] not in listed


def test_backup_copies_the_database_and_never_overwrites(server, api, tmp_path):
    created = api.create_workshop()
    target = tmp_path / "copy.sqlite3"

    done = run_app("backup", str(target), *db_args(server))

    assert done.returncode == 0, done.stderr
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT code FROM workshops").fetchall() == [(created["code"],)]
    before = target.read_bytes()
    again = run_app("backup", str(target), *db_args(server))
    assert again.returncode == 1
    assert "exists" in again.stdout
    assert target.read_bytes() == before


def test_erase_removes_a_workshop_by_its_code(server, api, new_workshop):
    kept = new_workshop()
    gone = new_workshop()
    gone.participant("Anna")

    done = run_app("erase", gone.code.lower(), *db_args(server))

    assert done.returncode == 0, done.stderr
    assert "Erased 1 workshop(s)" in done.stdout
    r = requests.get(f"{server.url}/api/workshops/{gone.code}", headers={"Authorization": f"Bearer {gone.token}"})
    assert r.status_code == 404
    assert api.workshop(kept.code, kept.token)  # 200: the other workshop is untouched
    unknown = run_app("erase", gone.code, *db_args(server))
    assert (unknown.returncode, unknown.stdout.strip()) == (1, "No workshop has that code")


def test_rotate_key_ends_the_old_key_and_prints_a_one_time_link(server, api):
    created = api.create_workshop()
    code, old_key = created["code"], created["facilitator_token"]

    done = run_app("rotate-key", code, *db_args(server), "--public-url", server.url)

    assert done.returncode == 0, done.stderr
    assert old_key not in done.stdout
    r = requests.get(f"{server.url}/api/workshops/{code}", headers={"Authorization": f"Bearer {old_key}"})
    assert r.status_code == 401
    [link] = [word for word in done.stdout.split() if word.startswith(server.url)]
    assert link.startswith(f"{server.url}/w/{code}/facilitate?key=")
    browser = requests.Session()
    opened = browser.get(link, allow_redirects=False)
    assert opened.status_code == 303
    assert browser.get(server.url + opened.headers["Location"]).status_code == 200
    assert requests.get(link, allow_redirects=False).status_code == 401  # once only


def test_commands_need_an_existing_database(tmp_path):
    for command in (["list"], ["erase", "ABCDEF"], ["backup", str(tmp_path / "b.sqlite3")]):
        done = run_app(*command, "--db", str(tmp_path / "none.sqlite3"))
        assert done.returncode == 1
        assert "No database at" in done.stdout
    assert not (tmp_path / "none.sqlite3").exists()


# --- erase with a message queue: the servers' open clients are told ------------------------------


@pytest.fixture
def redis_url(tmp_path):
    """A real redis-server on a free port, for this test only."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


@pytest.mark.live
def test_erase_tells_open_phones_through_the_message_queue(tmp_path, redis_url):
    live = LiveServer(tmp_path / "queued.sqlite3", args=["--message-queue", redis_url]).start()
    clients: list[Client] = []
    try:
        workshop = Workshop(live, Api(live.url), clients)
        phone = workshop.participant("Anna")
        console = workshop.facilitator()

        done = run_app("erase", workshop.code, "--db", str(live.db_path), "--message-queue", redis_url)

        assert done.returncode == 0, done.stderr
        assert "told and closed through the message queue" in done.stdout
        phone.wait_for("workshop_deleted", timeout=10)
        console.wait_for("workshop_deleted", timeout=10)
        # and disconnected by the server, which frees their connection counts in Redis
        counts = redis.Redis.from_url(redis_url, decode_responses=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
            phone.sio.connected or console.sio.connected or list(counts.scan_iter("workshop:connections:*"))
        ):
            time.sleep(0.05)
        assert not phone.sio.connected and not console.sio.connected
        assert list(counts.scan_iter("workshop:connections:*")) == []
        counts.close()
    finally:
        for client in clients:
            client.disconnect()
        live.stop()


# --- a request that crashes the server's WSGI app -------------------------------------------------


@pytest.mark.live
@pytest.mark.parametrize("async_mode", ["eventlet", "gevent"])
def test_a_request_that_crashes_the_server_is_logged_without_the_request(tmp_path, monkeypatch, async_mode):
    """A websocket upgrade that gevent-websocket does not take (no ``Connection: upgrade``) makes
    Engine.IO's websocket layer fail inside the server; nothing of the request (its cookie, its
    query string, the client's address) may reach the output, and the server goes on."""
    import helpers

    monkeypatch.setattr(helpers, "ASYNC_MODE", async_mode)
    live = LiveServer(tmp_path / f"{async_mode}.sqlite3").start()
    try:
        answer = requests.get(
            f"{live.url}/socket.io/?EIO=4&transport=websocket&key=QUERY-SECRET-1",
            headers={"Cookie": "wk_p_ABCD=COOKIE-SECRET-2", "Upgrade": "websocket", "Connection": "keep-alive"},
            timeout=10,
        )
        assert answer.status_code in (400, 500)
        assert requests.get(f"{live.url}/healthz", timeout=5).ok  # still serving
    finally:
        live.stop()
    output = live.output()
    assert f"({async_mode})" in output
    for secret in ("QUERY-SECRET-1", "COOKIE-SECRET-2", "REMOTE_ADDR", "HTTP_HOST", "127.0.0.1', "):
        assert secret not in output
    if async_mode == "gevent":
        assert "a request failed: " in output  # logged, by its type (and traceback) alone


# --- a clear start ------------------------------------------------------------------------------


def test_a_port_in_use_is_one_line_and_exit_status_2(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        done = run_app("--host", "127.0.0.1", "--port", str(port), "--db", str(tmp_path / "d.sqlite3"), timeout=30)
    finally:
        taken.close()
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"Port {port} is in use: another program listens there (choose another with --port)"
    ]
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.live
def test_a_loopback_host_says_phones_cannot_reach_it(tmp_path):
    live = LiveServer(tmp_path / "loopback.sqlite3", public_url=False).start()
    live.stop()
    output = live.output()
    assert "phones on other devices cannot reach it" in output
    assert f"http://127.0.0.1:{live.port}/" in output  # the address it really has
    assert "Phones on the same network join at" not in output


@pytest.mark.live
def test_join_codes_are_printed_only_when_asked(tmp_path):
    db = tmp_path / "codes.sqlite3"
    first = LiveServer(db).start()
    try:
        code = Api(first.url).create_workshop()["code"]
    finally:
        first.stop()
    assert code not in first.output()

    shown = LiveServer(db, args=["--show-codes"]).start()
    shown.stop()
    assert f"Workshop {code}: facilitator" in shown.output()
