"""Real clients for a real server: the app in a subprocess, REST and Socket.IO clients against it.

``Api`` and ``Workshop`` work as well with the app in the test's own process (tests/inprocess.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
ASYNC_MODE = os.environ.get("WORKSHOP_ASYNC_MODE", "eventlet")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``python app.py`` in a subprocess, on its own port and database file."""

    def __init__(
        self,
        db_path: Path,
        port: int | None = None,
        env: dict | None = None,
        args: list[str] | None = None,
        public_url: bool = True,
    ):
        """``args``: more of app.py's flags; ``public_url=False`` leaves ``--public-url`` out (the
        server then says what it would tell phones by itself)."""
        self.db_path = db_path
        self.args = args or []
        self.public_url = public_url
        # The shared test server is hit by hundreds of tests from one address: generous limits
        # (the limits themselves are tested on a server of their own).
        self.env = {
            **os.environ,
            "WORKSHOP_CREATION_LIMIT": "100000 per hour",
            "WORKSHOP_GUESS_LIMIT": "100000 per minute",
            "WORKSHOP_EVENT_RATE": "1000",
            "WORKSHOP_MAX_CARDS_PER_PERSON": "100000",
            "WORKSHOP_MAX_CONNECTIONS_PER_ADDRESS": "100000",
            **(env or {}),
        }
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log_path = db_path.with_suffix(".log")

    def start(self) -> LiveServer:
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "app.py",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--db",
                str(self.db_path),
                *(["--public-url", self.url] if self.public_url else []),
                "--async-mode",
                ASYNC_MODE,
                *self.args,
            ],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=self.env,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(10)
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def connect(self, auth: dict, name: str = "", headers: dict | None = None) -> Client:
        return Client(self.url, auth, name, headers)


def run_app(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """``python app.py ARGS`` to its end (an operator's command, or a start that is refused)."""
    return subprocess.run(
        [sys.executable, "app.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


class Api:
    """A tiny REST client for one server."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests  # a connection per call: nothing left open when a test ends

    def create_workshop(self, title="Team day", language="en", goals=None) -> dict:
        goals = (
            goals
            if goals is not None
            else [
                {"text": "Grow sales in the north", "kind": "goal"},
                {"text": "New onboarding", "kind": "project"},
                {"text": "Weekly customer calls", "kind": "activity"},
            ]
        )
        r = self.http.post(self.base + "/api/workshops", json={"title": title, "language": language, "goals": goals})
        assert r.status_code == 201, r.text
        return r.json()

    def join(self, code: str, name: str) -> dict:
        r = self.http.post(f"{self.base}/api/workshops/{code}/participants", json={"name": name})
        assert r.status_code == 201, r.text
        return r.json()

    def workshop(self, code: str, token: str) -> dict:
        r = self.http.get(f"{self.base}/api/workshops/{code}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        return r.json()


class Client:
    """A connected Socket.IO client that records every event it receives.

    For the app in the test's own process (``base`` is an ``InProcessServer``'s url) it is an
    ``inprocess.InProcessClient``, which reads the same."""

    def __new__(cls, base: str, *args, **kwargs):
        if cls is Client:
            from inprocess import server_at

            app = server_at(base)
            if app is not None:
                return app.connect(*args, **kwargs)
        return super().__new__(cls)

    def __init__(self, base: str, auth: dict, name: str = "", headers: dict | None = None):
        self.name = name
        self.events: list[tuple[str, dict]] = []
        self._cond = threading.Condition()
        self.sio = socketio.Client(reconnection=False)

        @self.sio.on("*")
        def record(event, data=None):
            with self._cond:
                self.events.append((event, data))
                self._cond.notify_all()

        self.sio.connect(base, auth=auth, headers=headers or {}, transports=["websocket"], wait_timeout=10)
        self.state = self.wait_for("state")

    def call(self, event: str, payload=None) -> dict:
        return self.sio.call(event, payload if payload is not None else {}, timeout=10)

    def wait_for(self, event: str, where=lambda data: True, timeout: float = 5.0) -> dict:
        """The first received ``event`` whose payload satisfies ``where`` (waiting for it if needed)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for name, data in self.events:
                    if name == event and where(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{self.name}: no {event} within {timeout}s; got {[e for e, _ in self.events]}"
                    )
                self._cond.wait(left)

    def settle(self) -> None:
        """Wait until the server has done what it does a moment after answering (it closes
        connections half a second after the request that ends them)."""
        time.sleep(1.0)

    def received(self, event: str) -> list[dict]:
        with self._cond:
            return [data for name, data in self.events if name == event]

    def names(self) -> list[str]:
        with self._cond:
            return [name for name, _ in self.events]

    def disconnect(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
        # When the server cut the connection, the client library leaves its socket open: close it.
        ws = getattr(self.sio.eio, "ws", None)
        if ws is not None and ws.sock is not None:
            ws.shutdown()


class Workshop:
    """One workshop on the live server, with a way to connect its facilitator and phones."""

    def __init__(self, server: LiveServer, api: Api, clients: list, **kwargs):
        self.server, self.api, self._clients = server, api, clients
        created = api.create_workshop(**kwargs)
        self.code = created["code"]
        self.token = created["facilitator_token"]
        self.urls = created["urls"]
        self.people: dict[str, dict] = {}

    def _connect(self, auth: dict, name: str) -> Client:
        client = self.server.connect(auth, name)
        self._clients.append(client)
        return client

    def facilitator(self, view: str = "console") -> Client:
        return self._connect(
            {"code": self.code, "role": "facilitator", "view": view, "token": self.token}, "facilitator"
        )

    def participant(self, name: str) -> Client:
        """A phone: joins as ``name`` (once) and connects."""
        if name not in self.people:
            self.people[name] = self.api.join(self.code, name)
        person = self.people[name]
        client = self._connect(
            {"code": self.code, "role": "participant", "view": "phone", "token": person["participant_token"]}, name
        )
        client.id = person["participant_id"]
        return client

    def snapshot(self) -> dict:
        return self.api.workshop(self.code, self.token)

    def signin_url(self) -> str:
        """A fresh one-time sign-in link for a browser: each opens the console once (the one in
        ``urls["facilitator"]`` works once too, and only until a newer one is made)."""
        r = requests.post(
            f"{self.server.url}/api/workshops/{self.code}/signin-link",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert r.status_code == 201, r.text
        return r.json()["url"]


# --- Redis: the message queue of several processes ------------------------------------------

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def wait_until(condition: Callable[[], object], timeout: float, what: str):
    """Poll ``condition`` until it is true (returning it), or fail saying ``what`` did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(0.05)


class RedisServer:
    """``redis-server`` on a free port, in memory only, in a folder of its own."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        import redis

        self.client = redis.Redis.from_url(self.url, decode_responses=True)
        self.start()

    def start(self) -> None:
        """Start (again, on the same port: what a server started earlier saved, it loads)."""
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, 10, "redis-server answering")

    def _answers(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:
            return False

    def pause(self, keep: bool) -> None:
        """Stop the server for a while (``start`` again): with ``keep``, it saves its data first
        and the next one loads it (Redis away for a moment); without, everything is gone (a
        restart)."""
        if keep:
            self.client.save()
        self.process.terminate()
        self.process.wait(10)
        if not keep:
            (self.folder / "dump.rdb").unlink(missing_ok=True)
        self.client.connection_pool.disconnect()

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(10)


def start_redis(folder: Path) -> RedisServer:
    if not os.path.exists(REDIS_SERVER):
        message = f"Several processes need Redis: {REDIS_SERVER} is not installed (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return RedisServer(folder)


def self_signed_certificate(folder: Path, openssl: str = "openssl") -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert.pem, key.pem in ``folder``): the clients
    under test verify against it, so the TLS is real."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key
