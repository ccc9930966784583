"""The app in the test's own process: Flask's and Flask-SocketIO's test clients instead of sockets.

Most tests ask the app something and check its answer: over a real socket that proves nothing
a test client does not, and costs a round trip per request and a handshake per connection.
``InProcessServer`` has what those tests use of ``LiveServer`` (``url``, ``db_path``, and
``connect()`` for a Socket.IO client); ``requests`` sent to its ``url`` are handed to the app
as WSGI calls (``WsgiAdapter``), so a test reads the same whichever server it gets.

Tests where the transport matters (reconnection, faults, limits, proxies, origins, eventlet and
gevent, the browser) are marked ``live`` and keep the real server (tests/conftest.py).
"""

from __future__ import annotations

import gzip
import http.client
import io
import itertools
import logging
import threading
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import brotli
import requests
import requests.adapters
import socketio
from flask_socketio.test_client import SocketIOTestClient
from requests.cookies import extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

from workshop import create_app
from workshop import socketio as app_socketio
from workshop.clock import FakeClock

#: Generous limits, as the shared live server has (the limits are tested on a server of their own).
LIMITS = {"CREATION_LIMIT": "100000 per hour", "GUESS_LIMIT": "100000 per minute", "EVENT_RATE": "1000"}

_numbers = itertools.count(1)
_routes: dict[str, WsgiAdapter] = {}
_servers: dict[str, InProcessServer] = {}


def server_at(url: str) -> InProcessServer | None:
    """The in-process server at ``url``, if it is one (``helpers.Client(url, ...)`` asks)."""
    return _servers.get(url.rstrip("/"))


class WsgiAdapter(requests.adapters.BaseAdapter):
    """A ``requests`` transport that calls a WSGI app instead of opening a connection."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):  # a file or generator (a streamed upload)
            body = b"".join(body) if not hasattr(body, "read") else body.read()
        builder = EnvironBuilder(
            path=url.path,
            query_string=url.query,
            method=request.method,
            headers=dict(request.headers),
            data=body,
            base_url=f"{url.scheme}://{url.netloc}",
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        app_iter, status, headers = run_wsgi_app(self.app, environ, buffered=True)
        try:
            content = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        return self.build_response(request, status, headers, content)

    def build_response(self, request, status: str, headers, content: bytes) -> requests.Response:
        response = requests.Response()
        code, _, reason = status.partition(" ")
        response.status_code, response.reason = int(code), reason
        joined: dict[str, str] = {}
        message = http.client.HTTPMessage()
        for name, value in headers:
            message[name] = value
            key = next((k for k in joined if k.lower() == name.lower()), name)
            joined[key] = f"{joined[key]}, {value}" if key in joined else value
        response.headers = CaseInsensitiveDict(joined)
        # As urllib3 does: the body decoded, the headers as sent.
        sent = content
        encoding = response.headers.get("Content-Encoding", "").lower()
        if encoding == "gzip":
            content = gzip.decompress(content)
        elif encoding == "br":
            content = brotli.decompress(content)
        elif encoding == "deflate":
            content = zlib.decompress(content)
        response._content, response._content_consumed = content, True
        response.encoding = get_encoding_from_headers(response.headers)
        response.url, response.request, response.connection = request.url, request, self
        response.raw = SimpleNamespace(  # read() gives the body as sent, as urllib3's does
            _original_response=SimpleNamespace(msg=message),
            read=io.BytesIO(sent).read,
            close=lambda: None,
            release_conn=lambda: None,
        )
        extract_cookies_to_jar(response.cookies, request, response.raw)
        return response

    def close(self):
        pass


_get_adapter = requests.Session.get_adapter


def _route(session, url):
    for prefix, adapter in _routes.items():
        if url.lower().startswith(prefix):
            return adapter
    return _get_adapter(session, url)


requests.Session.get_adapter = _route  # only URLs of an in-process server; every other URL as before

_connect = socketio.Client.connect


def _refuse_in_process(client, url, *args, **kwargs):
    """A raw ``socketio.Client`` cannot reach the app in this process: say so, rather than fail to
    resolve the name, which a test expecting a refused connection would take for one."""
    if server_at(url) is not None:
        raise RuntimeError(f"socketio.Client cannot reach {url} (the app in this process): mark the test live")
    return _connect(client, url, *args, **kwargs)


socketio.Client.connect = _refuse_in_process


class _Log(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter().format(record))


class _EngineSocket:
    """What the app reads of an Engine.IO socket for a test client: its session (the app keeps
    who is connected there), and ``close()`` for a disconnect made by the server."""

    def __init__(self):
        self.session: dict = {}
        self.closed = False

    def close(self, *args, **kwargs) -> None:
        self.closed = True


class _Sockets(dict):
    """Engine.IO's sockets, with one made on first use for each Socket.IO test client (the test
    client connects below Engine.IO, which would otherwise know no session for it)."""

    def __missing__(self, sid):
        if sid not in SocketIOTestClient.clients:
            raise KeyError(sid)
        socket = self[sid] = _EngineSocket()
        return socket


class InProcessServer:
    """``create_app()`` with a database of its own, reached at ``url`` through ``requests`` and
    ``connect()``: what the tests use of a ``LiveServer``, without a process or a socket."""

    def __init__(self, db_path: Path, config: dict | None = None):
        self.db_path = db_path
        #: The app's one clock: it starts at the wall clock's now (cookies and links expire as
        #: the tests' own time.time() expects) and moves a millisecond per reading, or when a test
        #: moves it (``elapse``), never by itself.
        self.clock = FakeClock(datetime.now(UTC), tick=0.001)
        self.url = f"http://app{next(_numbers)}.test"
        # What a server would print: every error the app logs, its traceback included.
        self.log = _Log()
        logging.getLogger().addHandler(self.log)
        self.app = create_app(
            {
                "DATABASE": str(db_path),
                "PUBLIC_URL": self.url,
                "ASYNC_MODE": "threading",
                "CLOCK": self.clock,
                **LIMITS,
                **(config or {}),
            }
        )
        _routes[self.url + "/"] = _routes[self.url] = WsgiAdapter(self.app)
        _servers[self.url] = self
        self.clients: list[InProcessClient] = []
        eio = app_socketio.server.eio
        eio.sockets = _Sockets(eio.sockets)
        # The app's background tasks (closing connections "a moment from now") wait for the test,
        # not for the wall clock: they run, without their sleep, when a client next looks.
        self._socketio = app_socketio
        self._pending: list[tuple] = []
        app_socketio.start_background_task = lambda target, *args, **kwargs: self._pending.append(
            (target, args, kwargs)
        )

    def connect(self, auth: dict, name: str = "", headers: dict | None = None) -> InProcessClient:
        return InProcessClient(self, auth, name, headers)

    def output(self) -> str:
        return "\n".join(self.log.lines)

    def settle(self) -> None:
        """Run the background tasks started so far (and those they start), their sleeps skipped:
        what a real server does a moment after answering, done now."""
        sleep = self._socketio.sleep
        self._socketio.sleep = lambda seconds=0: None
        try:
            while self._pending:
                target, args, kwargs = self._pending.pop(0)
                target(*args, **kwargs)
        finally:
            self._socketio.sleep = sleep

    def stop(self) -> None:
        logging.getLogger().removeHandler(self.log)
        self.settle()
        for client in self.clients:  # the test client keeps every client it made, class-wide
            SocketIOTestClient.clients.pop(client._client.eio_sid, None)
        vars(self._socketio).pop("start_background_task", None)
        _routes.pop(self.url + "/", None)
        _routes.pop(self.url, None)
        _servers.pop(self.url, None)


def elapse(server, seconds: float) -> None:
    """Let ``seconds`` pass for the app: its clock moves (in this process), or the test waits
    (a live server has the wall clock)."""
    clock = getattr(server, "clock", None)
    if clock is not None:
        clock.advance(seconds)
    else:
        time.sleep(seconds)


class _Connection:
    """What the tests use of ``socketio.Client``: ``connected``, ``emit``, ``call``, ``disconnect``."""

    def __init__(self, client: SocketIOTestClient, server: InProcessServer):
        self._client, self._server = client, server

    @property
    def connected(self) -> bool:
        self._server.settle()
        return self._client.is_connected()

    def emit(self, event: str, data=None, callback=None) -> None:
        ack = self._client.emit(event, data, callback=callback is not None)
        if callback is not None:
            callback(ack)

    def call(self, event: str, data=None, timeout: float | None = None):
        return self._client.emit(event, data, callback=True)

    def disconnect(self) -> None:
        if self._client.is_connected():
            self._client.disconnect()
        SocketIOTestClient.clients.pop(self._client.eio_sid, None)


class InProcessClient:
    """``helpers.Client`` on Flask-SocketIO's test client: events are handled in the caller's
    thread, so everything an event sends has arrived when ``call()`` returns; what background
    tasks send (a disconnect that waits a moment) arrives while ``wait_for`` waits."""

    def __init__(self, server: InProcessServer, auth: dict, name: str = "", headers: dict | None = None):
        self.name, self.server = name, server
        self._events: list[tuple[str, dict]] = []
        self._cond = threading.Condition()
        self._client = app_socketio.test_client(server.app, auth=auth, headers=headers)
        server.clients.append(self)
        self.sio = _Connection(self._client, server)
        if not self._client.is_connected():
            self._pull()
            raise socketio.exceptions.ConnectionError(f"{name}: connection refused: {self._events}")
        self.state = self.wait_for("state")

    @property
    def events(self) -> list[tuple[str, dict]]:
        """Every event received so far (a test reading them reads them all, as with a socket)."""
        self._pull()
        return self._events

    def settle(self) -> None:
        """Let the server finish what it does a moment after answering (``helpers.Client`` waits)."""
        self.server.settle()

    def _pull(self) -> None:
        self.server.settle()
        with self._cond:
            queue = self._client.queue  # appended to by other threads: taken one at a time
            while queue:
                message = queue.pop(0)
                args = message["args"]
                self._events.append((message["name"], args[0] if len(args) == 1 else (args or None)))

    def call(self, event: str, payload=None) -> dict:
        if not self._client.is_connected():
            raise socketio.exceptions.BadNamespaceError("/ is not a connected namespace.")
        ack = self._client.emit(event, payload if payload is not None else {}, callback=True)
        self._pull()
        return ack

    def wait_for(self, event: str, where=lambda data: True, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            self._pull()
            with self._cond:
                for name, data in self._events:
                    if name == event and where(data):
                        return data
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no {event} within {timeout}s; got {self.names()}")
            time.sleep(0.005)

    def received(self, event: str) -> list[dict]:
        self._pull()
        with self._cond:
            return [data for name, data in self._events if name == event]

    def names(self) -> list[str]:
        self._pull()
        with self._cond:
            return [name for name, _ in self._events]

    def disconnect(self) -> None:
        self.sio.disconnect()
