"""Load a workshop server with many simulated phones; report latency, losses, throughput, CPU, memory.

    .venv/bin/python bench/load.py [--scenario one|many|join|soak|all] [--mode eventlet|gevent]
                                   [--runs 3] [--procs 2] [--soak-minutes 5] [--profile FILE.json]

Each phone is a real Socket.IO client speaking the real protocol (join over REST, connect with
its token, ``add_card``); one board per workshop measures the time from a phone sending a card
to the board receiving it (CLOCK_MONOTONIC is shared by the processes on one machine). The
phones run in several processes so the generator is not the bottleneck.

Every scenario also runs against **the bare reference** (bench/bare_server.py: only join and
broadcast) under the same load in the same run, and prints the app's p99 as a ratio of it.

Scenarios: ``one`` 1 workshop × 50 phones; ``many`` 20 workshops × 50 phones at about 3,300
deliveries a second; ``join`` 50 phones joining within 5 s (time to a live state); ``soak`` the
``one`` load for --soak-minutes (app only) with ten phones that keep reconnecting, reporting
memory growth per hour after warm-up. Loopback only, bounded in time.

``proxied`` (``proxied-many``): the ``one`` (``many``) load through nginx as OPERATIONS.md runs
it (docs/nginx.conf, TLS, Debian's nginx and redis-server started here) against the app and the bare
reference, each on 1 and on 2 processes on the Redis queue and on 1 process without a queue
(the baseline of what the queue costs); phones leave from several loopback addresses so the sticky hash
spreads them. Besides latency and losses it reports **server CPU-seconds per 1,000
deliveries**: the app (or bare) processes and Redis together, nginx apart, read from
/proc/<pid>/stat before and after the load (a figure that does not depend on how many cores the
generator leaves free). Not in ``all``: ``--scenario proxied --mode eventlet``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import random
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    # workshops, phones per workshop, cards per phone per second, seconds
    "one": (1, 50, 1.0, 40),
    "many": (20, 50, 0.068, 40),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(async_mode: str, target: str = "app", event_rate: int = 1000) -> tuple[subprocess.Popen, str]:
    """The app (or the bare reference) on a free port, its own database and log; waits until up."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "WORKSHOP_CREATION_LIMIT": "1000000 per hour",
        "WORKSHOP_GUESS_LIMIT": "1000000 per minute",
        "WORKSHOP_EVENT_RATE": str(event_rate),
    }
    if target == "bare":
        cmd = [sys.executable, "bench/bare_server.py", str(port), async_mode]
    else:
        db = os.path.join(tempfile.mkdtemp(prefix="bench-"), "bench.sqlite3")
        cmd = [
            sys.executable,
            "app.py",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            db,
            "--public-url",
            url,
            "--async-mode",
            async_mode,
        ]
    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - stays open for the server's life
        "w+", prefix=f"bench-{target}-", suffix=".log", delete=False
    )
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_file, env=env)
    proc.log_path = log_file.name
    pin(proc.pid, SERVER_CPUS)
    for _ in range(200):
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


# The server gets a core of its own and the generator the rest, so that neither's latency is the
# other's scheduling (on a machine with one core, everything shares it).
CPUS = sorted(os.sched_getaffinity(0))
SERVER_CPUS = CPUS[:1]
GENERATOR_CPUS = CPUS[1:] or CPUS


@contextlib.contextmanager
def app_server(url: str | None, async_mode: str = "eventlet"):
    """The app at ``url`` (a server already running), or one started for the bench on a free
    port and stopped afterwards; yields its address."""
    if url:
        yield url.rstrip("/")
        return
    proc, started = start_server(async_mode)
    try:
        yield started
    finally:
        proc.terminate()
        proc.wait(10)


def pin(pid: int, cpus: list[int]) -> None:
    os.sched_setaffinity(pid, set(cpus))


def tracebacks(proc: subprocess.Popen) -> int:
    return Path(proc.log_path).read_text(errors="replace").count("Traceback")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def log(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def prepare(url: str, target: str, workshops: int, phones: int, churners: int = 0, cafile=None) -> list[dict]:
    """Workshops with their board and phone credentials (over REST for the app)."""
    http = requests.Session()
    if cafile:
        http.verify, http.trust_env = cafile, False
    rooms = []
    for w in range(workshops):
        if target == "bare":
            code = f"room{w}"
            rooms.append(
                {
                    "code": code,
                    "board": {"code": code},
                    "phones": [{"code": code} for _ in range(phones)],
                    "churn": [{"code": code} for _ in range(churners)],
                }
            )
            continue
        created = http.post(
            url + "/api/workshops",
            json={
                "title": f"Bench {w}",
                "language": "en",
                "goals": [{"text": f"Goal {i}", "kind": "goal"} for i in range(15)],
            },
        ).json()
        code = created["code"]

        def join(p, code=code):
            person = http.post(f"{url}/api/workshops/{code}/participants", json={"name": f"Phone {p}"}).json()
            return {"code": code, "role": "participant", "view": "phone", "token": person["participant_token"]}

        with ThreadPoolExecutor(8) as pool:
            people = list(pool.map(join, range(phones + churners)))
        rooms.append(
            {
                "code": code,
                "board": {"code": code, "role": "facilitator", "view": "board", "token": created["facilitator_token"]},
                "phones": people[:phones],
                "churn": people[phones:],
            }
        )
    return rooms


def worker(url, rooms, rate, seconds, ready, go, done, results, keep=0, sources=None, cafile=None):
    """One generator process: its share of phones or the boards, sending and receiving."""
    pin(0, GENERATOR_CPUS)
    if not any(room.get("board") for room in rooms):
        os.nice(10)  # the boards' process goes first when a delivery wakes it: it holds the clock
    results.put(asyncio.run(_worker(url, rooms, rate, seconds, ready, go, done, keep, sources, cafile)))


def client_session(source: str | None = None, cafile: str | None = None) -> aiohttp.ClientSession:
    """Hundreds of sockets, no pool cap; from ``source`` (a loopback address: nginx's sticky hash
    puts each address on one app process) and trusting ``cafile`` (nginx's test certificate)."""
    connector = aiohttp.TCPConnector(
        limit=0,
        local_addr=(source, 0) if source else None,
        ssl=ssl.create_default_context(cafile=cafile) if cafile else True,
    )
    return aiohttp.ClientSession(connector=connector)


async def _worker(url, rooms, rate, seconds, ready, go, done, keep, sources=None, cafile=None):
    latencies, received, sent_per_room, errors = [], {}, {}, 0
    sessions = {source: client_session(source, cafile) for source in (sources or [None])}
    http = sessions[(sources or [None])[0]]
    clients = []

    async def connect(auth, source=None):
        session = sessions.get(source, http)
        client = socketio.AsyncClient(reconnection=False, http_session=session)
        await client.connect(url, auth=auth, transports=["websocket"], wait_timeout=30)
        clients.append(client)
        return client

    last_receipt = 0.0

    async def on_board(data):
        nonlocal last_receipt
        text = data["card"]["text"] or ""
        if text.startswith("t="):
            last_receipt = time.monotonic()
            latencies.append(last_receipt - float(text[2:].split()[0]))

    def counter(key):
        async def on_card(data):
            nonlocal last_receipt
            received[key] += 1
            last_receipt = time.monotonic()

        return on_card

    async def connect_phone(code, auth, source=None):
        phone = await connect(auth, source)
        received[id(phone)] = 0
        phone.on("card_saved", counter(id(phone)))
        return code, phone

    phones = []
    for room in rooms:
        code = room["code"]
        sent_per_room[code] = 0
        if room.get("board"):
            board = await connect(room["board"])
            board.on("card_saved", on_board)
        for i in range(0, len(room["phones"]), 25):  # connect in small batches, not one by one
            batch = room["phones"][i : i + 25]
            phones += await asyncio.gather(
                *(
                    connect_phone(code, auth, (sources or [None])[(i + j) % len(sources or [None])])
                    for j, auth in enumerate(batch)
                )
            )
    ready.set()
    while not go.is_set():
        await asyncio.sleep(0.01)

    async def drive(code, phone):
        nonlocal errors
        end = time.monotonic() + seconds
        first = random.expovariate(rate)  # a Poisson process per phone
        if first >= seconds:
            return
        await asyncio.sleep(first)
        n, mine = 0, []
        while time.monotonic() < end:
            try:
                ack = await phone.call(
                    "add_card",
                    {"id": f"b{random.getrandbits(64):016x}", "kind": "drive", "text": f"t={time.monotonic():.6f} {n}"},
                    timeout=30,
                )
                if ack.get("ok"):
                    sent_per_room[code] += 1
                    mine.append(ack["card"]["id"])
                    # a soak's room stays the size of a real one
                    if (
                        keep
                        and len(mine) > keep
                        and not (await phone.call("delete_card", {"id": mine.pop(0)}, timeout=30)).get("ok")
                    ):
                        errors += 1
                else:
                    errors += 1
            except Exception:
                errors += 1
            n += 1
            pause = random.expovariate(rate)
            if time.monotonic() + pause >= end:
                break  # no idle wait after the last card
            await asyncio.sleep(pause)

    async def churn(auth):
        """Connect, take the state, leave; again and again (a soak's phones that come and go)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            client = socketio.AsyncClient(reconnection=False, http_session=http)
            got = asyncio.Event()
            client.on("state", lambda data, got=got: got.set())
            try:
                await client.connect(url, auth=auth, transports=["websocket"], wait_timeout=30)
                await asyncio.wait_for(got.wait(), 30)
                await client.disconnect()
            except Exception:
                errors_box.append(1)
            await asyncio.sleep(random.uniform(0.5, 1.5))

    errors_box: list[int] = []
    churners = [auth for room in rooms if room.get("board") for auth in room.get("churn", [])]
    started = time.monotonic()
    await asyncio.gather(*(drive(code, phone) for code, phone in phones), *(churn(auth) for auth in churners))
    errors += len(errors_box)
    await asyncio.sleep(2)  # let the last broadcasts arrive
    out = {
        "latencies": latencies,
        "received": sum(received.values()),
        "sent": sent_per_room,
        "errors": errors,
        "started": started,
        "last_receipt": last_receipt,
    }
    done.set()  # the load is over: the main process reads the server's CPU and memory now
    await asyncio.gather(*(client.disconnect() for client in clients))
    for session in sessions.values():
        await session.close()
    return out


def run_load(
    url,
    target,
    pid,
    workshops,
    phones,
    rate,
    seconds,
    procs,
    profile=None,
    churners=0,
    sample_every=None,
    keep=0,
    sources=None,
    cafile=None,
    groups=None,
) -> dict:
    """The load against ``url``; ``pid`` is the server's process (its CPU and memory). Behind
    nginx, ``groups`` names every server-side process by part ({"app": [pids], "redis": …}),
    ``sources`` the loopback addresses the phones leave from, ``cafile`` the certificate."""
    t = time.monotonic()
    groups = groups or {"server": [pid]}
    rooms = prepare(url, target, workshops, phones, churners, cafile)
    log(f"{target}: {workshops * phones} phones joined in {time.monotonic() - t:.1f} s")
    # The boards live in a process of their own, as on a projector's laptop: their receipts never
    # queue behind the phones' traffic in one event loop. The phones are spread over the others.
    boards = [{**room, "phones": []} for room in rooms]
    if workshops >= procs:
        shares = [[{**room, "board": None} for room in rooms[i::procs]] for i in range(procs)]
    else:  # one big room: split its phones
        room = rooms[0]
        shares = [[{**room, "board": None, "phones": room["phones"][i::procs]}] for i in range(procs)]
    shares = [boards] + shares
    ctx = mp.get_context("spawn")
    results, go = ctx.Queue(), ctx.Event()
    readies, dones = [ctx.Event() for _ in shares], [ctx.Event() for _ in shares]
    workers = [
        ctx.Process(
            target=worker, args=(url, share, rate, seconds, readies[i], go, dones[i], results, keep, sources, cafile)
        )
        for i, share in enumerate(shares)
    ]
    for w in workers:
        w.start()
    for r in readies:
        r.wait(300)
    log(f"{target}: connected in {time.monotonic() - t:.1f} s")
    profiler = None
    if profile and target == "app":
        profiler = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--pid",
                str(pid),
                "--rate",
                "250",
                "--nonblocking",
                "--format",
                "speedscope",
                "--output",
                profile,
                "--duration",
                str(int(seconds) + 2),
            ],
            stdout=subprocess.DEVNULL,
        )
    cpu0 = {part: sum(cpu_seconds(p) for p in pids) for part, pids in groups.items()}
    rss0, t0 = rss_mb(pid), time.monotonic()
    go.set()
    rss_series = [(0.0, rss0)]  # (seconds into the load, MB)
    for d in dones:
        while not d.wait(sample_every or seconds + 180):
            rss_series.append((time.monotonic() - t0, rss_mb(pid)))
            if time.monotonic() - t0 > seconds + 180:
                break
    cpu1 = {part: sum(cpu_seconds(p) for p in pids) for part, pids in groups.items()}
    rss1, t1 = rss_mb(pid), time.monotonic()
    rss_series.append((t1 - t0, rss1))
    log(f"{target}: load done in {t1 - t0:.1f} s")
    outs = [results.get(timeout=180) for _ in workers]
    log(f"{target}: results in {time.monotonic() - t0:.1f} s")
    for w in workers:
        w.join(60)
    if profiler:
        profiler.wait(60)
    sent = {}
    for out in outs:
        for code, n in out["sent"].items():
            sent[code] = sent.get(code, 0) + n
    expected = sum(n * phones for n in sent.values())
    received = sum(o["received"] for o in outs)
    latencies = [x * 1000 for o in outs for x in o["latencies"]]
    deliveries = received + len(latencies)
    cpu = {part: cpu1[part] - cpu0[part] for part in groups}
    return {
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": max(latencies, default=float("nan")),
        "lost": expected - received,
        # over the load itself: from the first phone starting to the last delivery
        "deliveries_per_s": deliveries / (max(o["last_receipt"] for o in outs) - min(o["started"] for o in outs)),
        "errors": sum(o["errors"] for o in outs),
        "cpu_percent": 100 * sum(cpu.values()) / (t1 - t0),
        # CPU-seconds per 1,000 deliveries, per part of the server side and for all of it
        **{f"cpu_per_1000_{part}": 1000 * seconds_used / max(deliveries, 1) for part, seconds_used in cpu.items()},
        "rss_mb": rss1,
        "rss_growth_mb": rss1 - rss0,
        "cards": sum(sent.values()),
        "rss_series": rss_series,
    }


def run_join(url, target, phones=50, window=5.0) -> dict:
    """50 phones joining within `window` seconds: time from the join request to a live state."""

    async def one(i, delay):
        await asyncio.sleep(delay)
        t0 = time.monotonic()
        async with aiohttp.ClientSession() as http:
            if target == "bare":
                auth = {"code": "join"}
            else:
                async with http.post(f"{url}/api/workshops/{code}/participants", json={"name": f"Late {i}"}) as r:
                    person = await r.json()
                auth = {"code": code, "role": "participant", "view": "phone", "token": person["participant_token"]}
            client = socketio.AsyncClient(reconnection=False, http_session=http)
            got = asyncio.Event()
            client.on("state", lambda data: got.set())
            await client.connect(url, auth=auth, transports=["websocket"], wait_timeout=30)
            await asyncio.wait_for(got.wait(), 30)
            took = time.monotonic() - t0
            await client.disconnect()
            return took

    code = None
    if target != "bare":
        code = requests.post(url + "/api/workshops", json={"title": "Join", "language": "en"}).json()["code"]

    async def all_of():
        return await asyncio.gather(*(one(i, random.uniform(0, window)) for i in range(phones)))

    times = [t * 1000 for t in asyncio.run(all_of())]
    return {"p50": statistics.median(times), "p95": percentile(times, 95), "max": max(times)}


# --- behind nginx, on the Redis queue ------------------------------------------------------------

# The deployment the tests start (tests/deploy/deployment.py): Redis, app processes, and nginx with
# docs/nginx.conf as OPERATIONS.md documents it (TLS, the sticky hash, the masked access log).
sys.path[:0] = [str(ROOT / "tests" / "deploy"), str(ROOT / "tests")]
from deployment import AppProcess, Nginx, http_from, wait_until  # noqa: E402
from helpers import RedisServer  # noqa: E402

# What runs behind nginx: (label, target, processes, on the Redis queue)
PROXIED = [
    ("app x1, no queue", "app", 1, False),
    ("bare x1, no queue", "bare", 1, False),
    ("app x1, Redis queue", "app", 1, True),
    ("bare x1, Redis queue", "bare", 1, True),
    ("app x2, Redis queue", "app", 2, True),
    ("bare x2, Redis queue", "bare", 2, True),
]


class BareProcess:
    """bench/bare_server.py as one upstream of nginx (the reference, on the same queue)."""

    def __init__(self, index: int, queue: str | None, mode: str, workdir: Path):
        self.index, self.port = index, free_port()
        self.address, self.url = f"127.0.0.1:{self.port}", f"http://127.0.0.1:{self.port}"
        self.args = [sys.executable, "bench/bare_server.py", str(self.port), mode]
        if queue:
            self.args += ["--message-queue", queue]
        self.log_path = workdir / f"bare{index}.log"

    def start(self):
        self.log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(self.args, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT)
        return self

    def wait_ready(self) -> None:
        wait_until(lambda: requests.get(self.url + "/healthz", timeout=1).ok, "bare server", process=self.process)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.log_file.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


class Proxied:
    """nginx in front of ``processes`` app processes (or the bare reference), on Redis or not;
    every server-side process pinned to the server's core."""

    def __init__(self, mode: str, target: str, processes: int, queue: bool):
        self.mode, self.target, self.processes, self.queue = mode, target, processes, queue

    def start(self) -> Proxied:
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-deploy-"))
        if self.queue:
            (self.workdir / "redis").mkdir()
        self.redis = RedisServer(self.workdir / "redis") if self.queue else None
        queue = self.redis.url if self.redis else None
        self.nginx = Nginx(self.workdir / "nginx", [])
        env = {
            **os.environ,
            "WORKSHOP_CREATION_LIMIT": "1000000 per hour",
            "WORKSHOP_GUESS_LIMIT": "1000000 per minute",
            "WORKSHOP_ADDRESS_GUESS_LIMIT": "1000000 per minute",
            "WORKSHOP_EVENT_RATE": "1000",
        }
        db = self.workdir / "bench.sqlite3"
        self.servers = [
            AppProcess(i, db, self.nginx.url, queue, env, self.workdir, self.mode)
            if self.target == "app"
            else BareProcess(i, queue, self.mode, self.workdir)
            for i in range(self.processes)
        ]
        self.servers[0].start().wait_ready()  # the first makes the database's schema
        for server in self.servers[1:]:
            server.start()
        for server in self.servers[1:]:
            server.wait_ready()
        self.nginx.upstreams = [server.address for server in self.servers]
        self.nginx.start()
        for pids in self.pids().values():
            for pid in pids:
                pin(pid, SERVER_CPUS)
        self.sources = self.spread_sources()
        return self

    def pids(self) -> dict[str, list[int]]:
        groups = {self.target: [server.process.pid for server in self.servers]}
        if self.redis:
            groups["redis"] = [self.redis.process.pid]
        groups["nginx"] = [self.nginx.process.pid, *children(self.nginx.process.pid)]
        return groups

    def spread_sources(self, per_process: int = 4) -> list[str]:
        """Loopback addresses that nginx's hash spreads evenly: ``per_process`` on each process,
        interleaved, so that the phones (given addresses in turn) are spread evenly too."""
        found: dict[str, list[str]] = {server.address: [] for server in self.servers}
        for n in range(2, 250):
            source = f"127.0.0.{n}"
            assert http_from(source, self.nginx.cert).get(self.nginx.url + "/healthz", timeout=10).ok
            wait_until(lambda s=source: self.nginx.log_lines(s), "the probe's log line", timeout=5)
            upstream = self.nginx.log_lines(source)[-1]["upstream"]
            if len(found[upstream]) < per_process:
                found[upstream].append(source)
            if all(len(sources) == per_process for sources in found.values()):
                break
        return [source for group in zip(*found.values()) for source in group]

    def tracebacks(self) -> int:
        return sum(server.output().count("Traceback") for server in self.servers)

    def stop(self) -> None:
        for part in [self.nginx, *self.servers, *([self.redis] if self.redis else [])]:
            part.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def proxied(mode: str, scenario: str, runs: int, procs: int, seconds: float | None = None) -> None:
    """The load through nginx: the app on 1 and 2 processes on the Redis queue, the single process
    without a queue (the baseline of what the queue costs), and the bare reference on the queue."""
    w, p, rate, secs = SCENARIOS[scenario]
    secs = seconds or secs
    rows = {}
    for label, target, processes, queue in PROXIED:
        results = []
        for _ in range(runs):
            deployed = Proxied(mode, target, processes, queue).start()
            try:
                groups = deployed.pids()
                out = run_load(
                    deployed.nginx.url,
                    target,
                    groups[target][0],
                    w,
                    p,
                    rate,
                    secs,
                    procs,
                    sources=deployed.sources,
                    cafile=str(deployed.nginx.cert),
                    groups=groups,
                )
                out["cpu_per_1000_server"] = out[f"cpu_per_1000_{target}"] + out.get("cpu_per_1000_redis", 0.0)
                out["tracebacks"] = deployed.tracebacks()
                results.append(out)
            finally:
                deployed.stop()
            log(f"{label}: p99 {out['p99']:.1f} ms, lost {out['lost']}, {out['cpu_per_1000_server']:.3f} CPU-s/1000")
        rows[label] = median_of(results)
    print(
        f"[{mode}] {scenario} through nginx (TLS, docs/nginx.conf), {w} workshop(s) x {p} phones, "
        f"{rate:g} cards/s each, {secs:g} s, median of {runs}; CPU-seconds per 1,000 deliveries: server = app (or bare) processes + Redis, "
        "nginx apart"
    )
    header = f"{'':24} {'p50 ms':>7} {'p99 ms':>7} {'lost':>5} {'deliv/s':>8} {'server':>7} {'(app':>6} {'redis)':>7} {'nginx':>6} {'errors':>6} {'tb':>3}"
    print(f"[{mode}] {header}")
    for label, row in rows.items():
        own = row.get("cpu_per_1000_app", row.get("cpu_per_1000_bare", float("nan")))
        print(
            f"[{mode}] {label:24} {row['p50']:7.1f} {row['p99']:7.1f} {row['lost']:5.0f} {row['deliveries_per_s']:8.0f} "
            f"{row['cpu_per_1000_server']:7.3f} {own:6.3f} {row.get('cpu_per_1000_redis', 0.0):7.3f} "
            f"{row['cpu_per_1000_nginx']:6.3f} {row['errors']:6.0f} {row['tracebacks']:3.0f}"
        )
    base, bare_base, one, bare_one, two, bare_two = (rows[label] for label, *_ in PROXIED)

    def cpu(row):
        return row["cpu_per_1000_server"]

    print(
        f"[{mode}] the queue's cost, CPU per delivery: app x1 on Redis / app x1 without = "
        f"{cpu(one) / cpu(base):.2f} (target <= 1.5); app x2 on Redis / app x1 without = {cpu(two) / cpu(base):.2f}"
    )
    for label, app_row, bare_row in (
        ("x1 without a queue", base, bare_base),
        ("x1 on Redis", one, bare_one),
        ("x2 on Redis", two, bare_two),
    ):
        print(
            f"[{mode}] app / bare, {label}: p99 {app_row['p99'] / bare_row['p99']:.2f}, "
            f"CPU per delivery {cpu(app_row) / cpu(bare_row):.2f} (target on Redis <= 1.25)"
        )


def median_of(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], (int, float))}


def soak(mode: str, minutes: float, procs: int) -> None:
    """The one-room load for a long time, with ten more phones that keep coming and going; each
    phone keeps its last three cards (deleting the oldest), so the room stays the size of a real
    one. The app's memory is sampled every 30 s and its growth after the first tenth reported."""
    w, p, rate, _ = SCENARIOS["one"]
    seconds = minutes * 60
    proc, url = start_server(mode, "app")
    try:
        out = run_load(url, "app", proc.pid, w, p, rate, seconds, procs, churners=10, sample_every=30, keep=3)
    finally:
        proc.terminate()
        proc.wait(10)
    series = out["rss_series"]
    warm = next((point for point in series if point[0] >= seconds / 10), series[0])
    end = series[-1]
    per_hour = (end[1] - warm[1]) / ((end[0] - warm[0]) / 3600)
    print(
        f"[{mode}] soak: {minutes:g} min of the one-room load ({out['cards']} cards added, each phone keeping "
        f"its last 3) and 10 phones reconnecting "
        f"every ~1 s: lost {out['lost']}, errors {out['errors']}, p99 {out['p99']:.1f} ms, tracebacks "
        f"{tracebacks(proc)}; RSS {series[0][1]:.0f} MB at the start, {warm[1]:.1f} MB after warm-up "
        f"({warm[0] / 60:.0f} min), {end[1]:.1f} MB at the end -> {per_hour:+.1f} MB/hour "
        f"({100 * per_hour / warm[1]:+.1f}% an hour)"
    )
    print(f"[{mode}] soak: RSS every 30 s (MB): " + " ".join(f"{mb:.1f}" for _, mb in series))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", default="all", choices=("one", "many", "join", "soak", "proxied", "proxied-many", "all")
    )
    parser.add_argument("--mode", default="both", choices=("eventlet", "gevent", "both"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--soak-minutes", type=float, default=5)
    parser.add_argument("--seconds", type=float, help="the proxied scenarios' load time (default: the scenario's 40 s)")
    parser.add_argument(
        "--profile", metavar="FILE.json", help="record the app server with py-spy during the load (speedscope format)"
    )
    args = parser.parse_args()
    pin(0, GENERATOR_CPUS)  # this process only waits and samples: off the server's core
    modes = ("eventlet", "gevent") if args.mode == "both" else (args.mode,)
    scenarios = ("one", "many", "join") if args.scenario == "all" else (args.scenario,)
    print(
        f"median of {args.runs} runs; generator: {args.procs} phone processes + 1 for the boards; "
        f"machine: {os.cpu_count()} cores, server pinned to CPU {SERVER_CPUS}, generator to {GENERATOR_CPUS}"
    )
    for mode in modes:
        for scenario in scenarios:
            if scenario == "soak":
                soak(mode, args.soak_minutes, args.procs)
                continue
            if scenario.startswith("proxied"):
                proxied(mode, "many" if scenario == "proxied-many" else "one", args.runs, args.procs, args.seconds)
                continue
            rows = {}
            for target in ("bare", "app"):
                runs = []
                for _ in range(args.runs):
                    proc, url = start_server(mode, target)
                    try:
                        if scenario == "join":
                            runs.append(run_join(url, target))
                        else:
                            w, p, rate, secs = SCENARIOS[scenario]
                            runs.append(run_load(url, target, proc.pid, w, p, rate, secs, args.procs, args.profile))
                    finally:
                        proc.terminate()
                        proc.wait(10)
                    runs[-1]["tracebacks"] = tracebacks(proc)
                rows[target] = median_of(runs)
            app, bare = rows["app"], rows["bare"]
            if scenario == "join":
                print(
                    f"[{mode}] join: 50 phones within 5 s -> live state: app p50 {app['p50']:.0f} ms, "
                    f"p95 {app['p95']:.0f} ms, max {app['max']:.0f} ms | bare p95 {bare['p95']:.0f} ms"
                )
                continue
            print(
                f"[{mode}] {scenario}: app p50 {app['p50']:.1f} / p95 {app['p95']:.1f} / p99 {app['p99']:.1f} / "
                f"max {app['max']:.1f} ms, lost {app['lost']:.0f}, {app['deliveries_per_s']:.0f} deliveries/s, "
                f"server CPU {app['cpu_percent']:.0f}%, RSS {app['rss_mb']:.0f} MB (+{app['rss_growth_mb']:.1f}), "
                f"errors {app['errors']:.0f}, tracebacks in the server's log {app['tracebacks']:.0f}"
            )
            print(
                f"[{mode}] {scenario}: bare p50 {bare['p50']:.1f} / p95 {bare['p95']:.1f} / p99 {bare['p99']:.1f} / "
                f"max {bare['max']:.1f} ms, lost {bare['lost']:.0f}, {bare['deliveries_per_s']:.0f} deliveries/s, "
                f"CPU {bare['cpu_percent']:.0f}%  ->  app/bare p99 = {app['p99'] / bare['p99']:.2f}"
            )


if __name__ == "__main__":
    main()
