"""Load a running workshop server with simulated phones and report board-update latency.

    .venv/bin/python bench/load.py [--url URL] [--workshops 1] [--phones 50] [--cards 5] [--rate 1.0]

Without --url it starts ``app.py`` itself on a free port with a throwaway database. Each phone is
a real Socket.IO client speaking the real protocol (join over REST, connect, ``add_card``); one
board per workshop measures the time from a phone sending a card to the board receiving it.
Prints latency percentiles, deliveries per second and lost deliveries. Bounded in count and time,
loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import socketio

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(async_mode: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    db = os.path.join(tempfile.mkdtemp(prefix="bench-"), "bench.sqlite3")
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port), "--db", db,
         "--public-url", url, "--async-mode", async_mode],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return proc, url


async def wait_ready(http: aiohttp.ClientSession, url: str) -> None:
    for _ in range(200):
        try:
            async with http.get(url + "/healthz") as r:
                if r.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run(args) -> dict:
    http = aiohttp.ClientSession()
    await wait_ready(http, args.url)
    sent: dict[str, float] = {}
    latencies: list[float] = []
    deliveries = 0
    clients: list[socketio.AsyncClient] = []

    async def connect(auth) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False, http_session=http)
        await client.connect(args.url, auth=auth, transports=["websocket"], wait_timeout=10)
        clients.append(client)
        return client

    phones = []
    for w in range(args.workshops):
        async with http.post(args.url + "/api/workshops", json={
            "title": f"Bench {w}", "language": "en",
            "goals": [{"text": f"Goal {i}", "kind": "goal"} for i in range(15)],
        }) as r:
            created = await r.json()
        code, token = created["code"], created["facilitator_token"]
        board = await connect({"code": code, "role": "facilitator", "view": "board", "token": token})

        @board.on("card_saved")
        async def on_board_card(data):
            start = sent.get(data["card"]["id"])
            if start is not None:
                latencies.append(time.perf_counter() - start)

        for p in range(args.phones):
            async with http.post(f"{args.url}/api/workshops/{code}/participants", json={"name": f"Phone {p}"}) as r:
                person = await r.json()
            phone = await connect({"code": code, "role": "participant", "view": "phone",
                                   "token": person["participant_token"]})

            @phone.on("card_saved")
            async def on_card(data):
                nonlocal deliveries
                deliveries += 1

            phones.append(phone)

    async def drive(phone: socketio.AsyncClient, index: int) -> None:
        await asyncio.sleep(random.random() / args.rate)
        for n in range(args.cards):
            card_id = f"bench-{index:04d}-{n:04d}-{random.getrandbits(32):08x}"
            sent[card_id] = time.perf_counter()
            ack = await phone.call("add_card", {"id": card_id, "kind": "drive", "text": f"Drive {n} of phone {index}"}, timeout=30)
            assert ack["ok"], ack
            await asyncio.sleep(1 / args.rate)

    expected = args.workshops * args.phones * args.cards * args.phones  # every card reaches every phone
    started = time.perf_counter()
    await asyncio.gather(*(drive(phone, i) for i, phone in enumerate(phones)))
    deadline = time.perf_counter() + 10
    while deliveries + len(latencies) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    for client in clients:
        await client.disconnect()
    await http.close()
    return {"latencies": latencies, "elapsed": elapsed, "expected_board": len(sent), "board": len(latencies),
            "deliveries": deliveries, "expected": expected}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--async-mode", default="eventlet", choices=("eventlet", "gevent"))
    parser.add_argument("--workshops", type=int, default=1)
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--cards", type=int, default=5, help="cards each phone adds")
    parser.add_argument("--rate", type=float, default=1.0, help="cards per second per phone")
    args = parser.parse_args()
    proc = None
    if not args.url:
        proc, args.url = start_server(args.async_mode)
    try:
        result = asyncio.run(run(args))
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)
    lat = [x * 1000 for x in result["latencies"]]
    print(f"server: {args.url} ({args.async_mode if proc else 'external'})")
    print(f"load: {args.workshops} workshop(s) x {args.phones} phones x {args.cards} cards at {args.rate}/s per phone")
    if lat:
        print(f"board-update latency ms: p50 {statistics.median(lat):.1f}  p95 {percentile(lat, 95):.1f}  "
              f"p99 {percentile(lat, 99):.1f}  max {max(lat):.1f}")
    print(f"board updates: {result['board']}/{result['expected_board']} (lost {result['expected_board'] - result['board']})")
    total = result["deliveries"] + result["board"]
    print(f"card deliveries to phones: {result['deliveries']}/{result['expected']} (lost {result['expected'] - result['deliveries']})")
    print(f"throughput: {total} deliveries in {result['elapsed']:.1f}s = {total / result['elapsed']:.0f}/s")


if __name__ == "__main__":
    main()
