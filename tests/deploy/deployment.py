"""The app as an operator runs it: Redis, several ``python app.py`` processes, nginx in front.

Every part is the real one, started here on free ports in a temporary directory: Debian's
``redis-server`` (no persistence), the app's processes (one database file, ``--proxies 1``,
``--message-queue redis://…``), and ``nginx`` with docs/nginx.conf as OPERATIONS.md documents
it (only its addresses, ports and certificate paths are replaced; TLS with a certificate made
here). Clients reach nginx from different loopback addresses (127.0.0.2, 127.0.0.3, … all
reach this machine on Linux), so nginx's sticky hash spreads them over the processes as it
spreads phones from different networks; which process served an address is read from nginx's
access log (``upstream=``).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import engineio
import requests
import socketio
from helpers import RedisServer, self_signed_certificate
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "docs" / "nginx.conf"
ASYNC_MODE = os.environ.get("WORKSHOP_ASYNC_MODE", "eventlet")
BINARIES = {"redis-server": "/usr/bin/redis-server", "nginx": "/usr/sbin/nginx", "openssl": "/usr/bin/openssl"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(ready, what: str, timeout: float = 30.0, process: subprocess.Popen | None = None, log=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode}): {log() if log else ''}")
        try:
            if ready():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s: {log() if log else ''}")


class AppProcess:
    """One ``python app.py`` of the deployment: loopback, its own port, the shared database."""

    def __init__(
        self, index: int, db: Path, public_url: str, queue: str | None, env: dict, workdir: Path, mode: str = ASYNC_MODE
    ):
        self.index = index
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.url = f"http://{self.address}"
        self.log_path = workdir / f"app{index}.log"
        self.args = [
            sys.executable,
            "app.py",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--db",
            str(db),
            "--public-url",
            public_url,
            "--async-mode",
            mode,
            "--proxies",
            "1",
        ]
        if queue:
            self.args += ["--message-queue", queue]
        self.env = env

    def start(self) -> AppProcess:
        self.log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            self.args, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT, env=self.env
        )
        return self

    def wait_ready(self) -> None:
        wait_until(
            lambda: requests.get(self.url + "/healthz", timeout=1).ok,
            f"app process {self.index}",
            process=self.process,
            log=self.output,
        )

    def kill(self) -> None:
        """``kill -9``: no goodbye to its clients, nothing flushed, nothing cleaned up in Redis."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log_file.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def make_certificate(workdir: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the clients verify against it: real TLS)."""
    return self_signed_certificate(workdir, BINARIES["openssl"])


def render_site(documented: str, upstreams: list[str], port: int, cert: Path, key: Path, access_log: Path) -> str:
    """docs/nginx.conf with this deployment's addresses, port, certificate and log path: nothing
    else changes. Each replaced line must be found as documented, so a changed document fails
    here instead of being tested in a shape it no longer has."""

    def once(text: str, old: str, new: str) -> str:
        assert text.count(old) == 1, f"docs/nginx.conf no longer has exactly one {old!r}"
        return text.replace(old, new)

    servers = re.findall(r"^( +)server 127\.0\.0\.1:\d+( [^;]*)?;\n", documented, flags=re.M)
    assert len(servers) == 2, "docs/nginx.conf's upstream should list two documented app processes"
    indent, options = servers[0]
    lines = "".join(f"{indent}server {address}{options};\n" for address in upstreams)
    site = re.sub(r"(^ +server 127\.0\.0\.1:\d+( [^;]*)?;\n)+", lambda _: lines, documented, count=1, flags=re.M)
    site = once(site, "listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    site = once(site, "/etc/letsencrypt/live/workshop.example.org/fullchain.pem", str(cert))
    site = once(site, "/etc/letsencrypt/live/workshop.example.org/privkey.pem", str(key))
    site = once(site, "/var/log/nginx/workshop.access.log", str(access_log))
    return site


class Nginx:
    """Debian's nginx as this user, in the foreground, with docs/nginx.conf inside ``http``."""

    def __init__(self, workdir: Path, upstreams: list[str]):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.access_log = workdir / "access.log"
        self.error_log = workdir / "error.log"
        self.upstreams = upstreams

    def start(self) -> Nginx:
        temp = self.workdir / "temp"
        temp.mkdir(parents=True, exist_ok=True)
        self.cert, key = make_certificate(self.workdir)
        site = self.workdir / "workshop.conf"
        site.write_text(render_site(NGINX_CONF.read_text(), self.upstreams, self.port, self.cert, key, self.access_log))
        # As root, nginx's workers would run as "nobody", who cannot enter pytest's private
        # temporary directories: they stay this user.
        user = "user root;\n" if os.geteuid() == 0 else ""
        main = self.workdir / "nginx.conf"
        main.write_text(
            f"{user}worker_processes 1;\n"
            "events { worker_connections 4096; }\n"
            "http {\n"
            + "".join(
                f"    {kind}_temp_path {temp / kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            )
            + f"    include {site};\n"
            "}\n"
        )
        self.process = subprocess.Popen(
            [
                BINARIES["nginx"],
                "-p",
                str(self.workdir),
                "-c",
                str(main),
                "-g",
                f"daemon off; pid {self.workdir / 'nginx.pid'}; error_log {self.error_log} info;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_until(
            lambda: socket.create_connection(("127.0.0.1", self.port), timeout=1).close() is None,
            "nginx",
            process=self.process,
            log=lambda: self.process.stderr.read().decode() if self.process.poll() is not None else self.errors(),
        )
        return self

    def errors(self) -> str:
        return self.error_log.read_text(errors="replace") if self.error_log.exists() else ""

    def log(self) -> str:
        return self.access_log.read_text(errors="replace")

    def log_lines(self, address: str | None = None) -> list[dict]:
        """The access log parsed: address, method, path, status, upstream (the last one tried)."""
        rows = []
        for line in self.log().splitlines():
            m = re.match(r'^(\S+) \[[^\]]*\] "(\S+) ([^"]*)" (\d+) \S+ \S+ upstream=(.*)$', line)
            assert m, f"an access log line not in the documented format: {line!r}"
            row = dict(zip(("address", "method", "path", "status", "upstream"), m.groups()))
            # "a, b" when the first one tried failed and the next answered
            row["tried"] = [u.strip() for u in row["upstream"].split(",") if u.strip() and u.strip() != "-"]
            row["upstream"] = row["tried"][-1] if row["tried"] else ""
            if address is None or row["address"] == address:
                rows.append(row)
        return rows

    def wait_logged(self, address: str, path: str) -> None:
        """Wait for ``address``'s request to ``path`` to be in the log (nginx writes the line
        once the response is sent: a moment after the client has it)."""
        wait_until(lambda: any(row["path"] == path for row in self.log_lines(address)), f"{path} in the log", timeout=5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process.stderr.close()


class SourceAddressAdapter(HTTPAdapter):
    """requests from one local address (as if the client sat on another network)."""

    def __init__(self, source: str, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def http_from(source: str, cert: Path) -> requests.Session:
    session = requests.Session()
    session.mount("https://", SourceAddressAdapter(source))
    session.verify = str(cert)
    session.trust_env = False  # REQUESTS_CA_BUNDLE or a proxy from the environment would win over verify
    return session


def _bound_engineio(source: str, cert: Path):
    """An Engine.IO client whose WebSocket also leaves from ``source`` (websocket-client has no
    such option; it takes a connected socket instead: a fresh one for every (re)connection)."""

    class Bound(engineio.Client):
        def _connect_websocket(self, url, headers, engineio_path):
            parts = urllib.parse.urlsplit(url)
            raw = socket.create_connection((parts.hostname, parts.port), timeout=10, source_address=(source, 0))
            context = ssl.create_default_context(cafile=str(cert))
            self.websocket_extra_options = {"socket": context.wrap_socket(raw, server_hostname=parts.hostname)}
            return super()._connect_websocket(url, headers, engineio_path)

    return Bound


class Phone:
    """A Socket.IO client as the browser's: long-polling first, then the WebSocket upgrade, and
    reconnecting by itself; from one source address, through nginx. Records what it receives."""

    def __init__(self, nginx: Nginx, source: str, auth: dict, name: str, reconnect: bool = True):
        self.name, self.source, self.auth = name, source, auth
        self.events: list[tuple[str, dict]] = []
        self._cond = threading.Condition()
        self.connects = 0
        client_class = type(
            "BoundClient",
            (socketio.Client,),
            {"_engineio_client_class": lambda _self: _bound_engineio(source, nginx.cert)},
        )
        self.sio = client_class(
            http_session=http_from(source, nginx.cert),
            reconnection=reconnect,
            reconnection_delay=0.2,
            reconnection_delay_max=1,
        )

        @self.sio.event
        def connect():
            with self._cond:
                self.connects += 1
                self._cond.notify_all()

        @self.sio.on("*")
        def record(event, data=None):
            with self._cond:
                self.events.append((event, data))
                self._cond.notify_all()

        self.sio.connect(nginx.url, auth=auth, wait_timeout=15)
        self.state = self.wait_for("state")
        # The client moves from long-polling to the WebSocket right after connecting; once, on a
        # loaded CI machine, the first event sent during that move got no answer within 10 s.
        # Tests act once the move is done (they check later that every client ended on it).
        # Waited out up to 30 s (a CI run under gevent once needed more than 10), and said plainly
        # when it never comes, rather than as a lost answer to the first event afterwards.
        deadline = time.monotonic() + 30
        while self.sio.transport() != "websocket" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.sio.transport() == "websocket", f"{name}: still on {self.sio.transport()} after 30 s"

    def call(self, event: str, payload: dict, timeout: float = 30) -> dict:
        # 30 s: on a CI machine running two test workers on two cores, the first event a freshly
        # started process answered (three nginx-fronted apps, Redis, browsers beside) twice took
        # more than 10 s. A lost answer still fails, only later.
        return self.sio.call(event, payload, timeout=timeout)

    def wait_for(self, event: str, where=lambda data: True, timeout: float = 15.0) -> dict:
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

    def wait_connects(self, n: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.connects < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{self.name}: connected {self.connects} times, not {n}, within {timeout}s")
                self._cond.wait(left)

    def received(self, event: str) -> list[dict]:
        with self._cond:
            return [data for name, data in self.events if name == event]

    def send_until_acked(self, event: str, payload: dict, timeout: float = 45.0) -> dict:
        """The phone's outbox: send, and on no acknowledgement (a dead connection, a timeout)
        send the same payload, with the same client-made id, again until it is acknowledged."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.sio.connected:
                time.sleep(0.1)
                continue
            try:
                return self.sio.call(event, payload, timeout=5)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                continue
        raise AssertionError(f"{self.name}: {event} {payload.get('id')} not acknowledged within {timeout}s")

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:
            pass


class Deployment:
    """Redis, ``processes`` app processes on one database, nginx in front; all started here."""

    def __init__(self, workdir: Path, processes: int = 2, env: dict | None = None):
        self.workdir = workdir
        self.db = workdir / "workshops.sqlite3"
        self.count = processes
        self.extra_env = env or {}
        self._probed: dict[str, str] = {}
        self._next_source = 2

    def start(self) -> Deployment:
        (self.workdir / "redis").mkdir(parents=True)
        self.redis = RedisServer(self.workdir / "redis")
        self.apps: list[AppProcess] = []
        env = {**os.environ, **self.extra_env}
        env.pop("WORKSHOP_TRANSPORT", None)
        # nginx's port first: it is the public URL the processes give out.
        self.nginx = Nginx(self.workdir / "nginx", [])
        for i in range(self.count):
            self.apps.append(AppProcess(i, self.db, self.nginx.url, self.redis.url, env, self.workdir))
        self.nginx.upstreams = [app.address for app in self.apps]
        # One process first (it makes the database's schema), then the others together.
        self.apps[0].start().wait_ready()
        for app in self.apps[1:]:
            app.start()
        for app in self.apps[1:]:
            app.wait_ready()
        self.nginx.start()
        return self

    def stop(self) -> None:
        for part in [getattr(self, "nginx", None), *getattr(self, "apps", []), getattr(self, "redis", None)]:
            try:
                if part is not None:
                    part.stop()
            except Exception:
                pass

    @property
    def url(self) -> str:
        return self.nginx.url

    def http(self, source: str = "127.0.0.1") -> requests.Session:
        return http_from(source, self.nginx.cert)

    def process_of(self, source: str) -> int:
        """Which app process nginx sends ``source``'s requests to (asked once, with /healthz)."""
        if source not in self._probed:
            before = len(self.nginx.log_lines(source))
            assert self.http(source).get(self.url + "/healthz", timeout=10).ok
            wait_until(lambda: len(self.nginx.log_lines(source)) > before, "the probe's access log line", timeout=5)
            lines = self.nginx.log_lines(source)
            self._probed[source] = lines[-1]["upstream"]
        return [app.address for app in self.apps].index(self._probed[source])

    def sources_on(self, index: int, count: int = 1) -> list[str]:
        """``count`` fresh client addresses that nginx pins to app process ``index``."""
        found: list[str] = []
        used = set(getattr(self, "_given", set()))
        for source in list(self._probed):
            if source not in used and len(found) < count and self.process_of(source) == index:
                found.append(source)
        while len(found) < count:
            assert self._next_source < 250, "no more loopback addresses to try"
            source = f"127.0.0.{self._next_source}"
            self._next_source += 1
            if self.process_of(source) == index:
                found.append(source)
        self._given = used | set(found)
        return found

    def upstreams_of(self, source: str, path_prefix: str = "/socket.io/") -> list[str]:
        """The processes that served ``source``'s requests under ``path_prefix``, in order."""
        return [row["upstream"] for row in self.nginx.log_lines(source) if row["path"].startswith(path_prefix)]

    def index_of(self, upstream: str) -> int:
        return [app.address for app in self.apps].index(upstream)


def missing_binaries() -> list[str]:
    """The programs the deployment needs that this machine lacks."""
    return [name for name, path in BINARIES.items() if not os.access(path, os.X_OK)]
