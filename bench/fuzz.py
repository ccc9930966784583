"""Fuzz the live protocol: many hypothesis-made events against a running app, and nothing breaks.

    .venv/bin/python bench/fuzz.py [--events 100000] [--procs 2] [--mode eventlet|gevent] [--seed 1]

Starts the app (its own SQLite file in a temporary folder), then a bystander workshop with its
facilitator, two phones and a few cards, links and an agreement, all of them listening. Each
generator process runs a workshop of its own (a console and two phones) and sends events made
by hypothesis: every client event and some unknown ones, with payloads that are random JSON or
objects of the protocol's field names filled with random JSON, the protocol's words, and real
ids of its own workshop and of the bystander's. Erasing events are in too: when the fuzzer
erases its own people or workshop, it builds a new room and goes on.

It prints events per second and the answers by error code, and fails (exit status 1) when any
event went unanswered or was answered ``internal``, a connection was dropped that nobody asked
to drop, the server logged a traceback or stopped, or the bystanders heard anything or their
workshop changed. The per-connection rate limit is raised for the run (the fuzzer is a fast
client, not a flood); the suite runs a sample of the same property (tests/test_attack.py).
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing as mp
import sys
import time
from pathlib import Path

import requests
import socketio
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import rss_mb, start_server

ROOT = Path(__file__).resolve().parent.parent
ERASING = {"leave_workshop", "delete_workshop", "remove_participant"}
FIELDS = [
    "id",
    "kind",
    "text",
    "about",
    "card_id",
    "goal_id",
    "phase",
    "visibility",
    "type",
    "name",
    "link_id",
    "answer",
    "rating",
    "seconds",
    "lock",
    "hidden",
    "done",
    "owner",
    "due",
    "endorsed",
    "per_person",
    "code",
    "signed",
    "prompt",
    "comment",
    "revealed",
    "locked",
    "confirm",
    "position",
    "default_visibility",
]
WORDS = [
    "drive",
    "strength",
    "goal",
    "project",
    "activity",
    "named",
    "anonymous",
    "facilitator",
    "energises",
    "grow",
    "already",
    "join",
    "drives",
    "strengths",
    "linking",
    "agreements",
    "closed",
    "accept",
    "decline",
    "nl",
    "en",
    "",
    " ",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "\u202e",
    "x" * 300,
    "2026-12-01",
]


def client_events() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from workshop.events import CLIENT_EVENTS

    return sorted(CLIENT_EVENTS)


class Room:
    """A workshop with its console and two phones, all connected; its ids for the fuzzer's payloads."""

    def __init__(self, url: str):
        self.url = url
        created = requests.post(
            url + "/api/workshops",
            json={
                "title": "Fuzz",
                "language": "en",
                "goals": [{"text": "Goal A", "kind": "goal"}, {"text": "Project B", "kind": "project"}],
            },
        ).json()
        self.code, self.token = created["code"], created["facilitator_token"]
        self.heard: list[str] = []
        self.console = self.connect("facilitator", "console", self.token)
        self.phones, self.people = [], []
        for name in ("Anna", "Bram"):
            person = requests.post(f"{url}/api/workshops/{self.code}/participants", json={"name": name}).json()
            self.people.append(person["participant_id"])
            self.phones.append(self.connect("participant", "phone", person["participant_token"]))
        card = self.phones[0].call("add_card", {"kind": "drive", "text": "Seed"}, timeout=10)["card"]
        strength = self.phones[1].call(
            "add_card", {"kind": "strength", "text": "Kind", "about": self.people[0]}, timeout=10
        )["card"]
        goal_ids = [
            g["id"]
            for g in requests.get(
                f"{url}/api/workshops/{self.code}", headers={"Authorization": f"Bearer {self.token}"}
            ).json()["goals"]
        ]
        link = self.console.call("add_link", {"card_id": card["id"], "goal_id": goal_ids[0]}, timeout=10)["link"]
        agreement = self.console.call("add_agreement", {"link_id": link["id"], "text": "Seed"}, timeout=10)
        self.ids = [
            self.code,
            card["id"],
            strength["id"],
            link["id"],
            agreement["agreement"]["id"],
            *goal_ids,
            *self.people,
        ]

    def connect(self, role: str, view: str, token: str) -> socketio.Client:
        client = socketio.Client(reconnection=False)

        @client.on("*")
        def heard(event, data=None):
            self.heard.append(event)

        client.connect(
            self.url,
            auth={"code": self.code, "role": role, "view": view, "token": token},
            transports=["websocket"],
            wait_timeout=10,
        )
        return client

    @property
    def clients(self) -> list[socketio.Client]:
        return [self.console, *self.phones]

    def close(self) -> None:
        for client in self.clients:
            if client.connected:
                client.disconnect()


def payloads(ids: list[str]):
    leaves = (
        st.none()
        | st.booleans()
        | st.integers(-(10**12), 10**12)
        | st.floats(allow_nan=False)
        | st.text(max_size=40)
        | st.sampled_from(WORDS)
        | st.sampled_from(ids)
    )
    json_values = st.recursive(
        leaves,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
        max_leaves=12,
    )
    return json_values | st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)


def fuzz_worker(url: str, events: int, worker_seed: int, bystander_ids: list[str], results) -> None:
    names = client_events() + ["no_such_event", "connect", "disconnect", "message"]
    room = Room(url)
    answers: collections.Counter = collections.Counter()
    problems: list[str] = []
    rebuilt = 0
    started = time.monotonic()

    @seed(worker_seed)
    @settings(
        max_examples=events,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def one(data):
        nonlocal room, rebuilt
        event = data.draw(st.sampled_from(names))
        payload = data.draw(payloads(room.ids + bystander_ids))
        sender = data.draw(st.sampled_from(room.clients))
        try:
            ack = sender.call(event, payload, timeout=10)
        except socketio.exceptions.TimeoutError:
            ack = "unanswered"
        except socketio.exceptions.BadNamespaceError:
            ack = "disconnected"
        if isinstance(ack, dict) and isinstance(ack.get("ok"), bool):
            code = "ok" if ack["ok"] else ack.get("error", {}).get("code", "?")
        else:
            code = f"bad answer: {ack!r}"[:80]
        answers[code] += 1
        if (code == "internal" or code.startswith("bad answer")) and len(problems) < 20:
            problems.append(f"{event} {payload!r:.200} -> {ack!r:.200}")
        erased = event in ERASING and code == "ok"
        if not erased and not all(c.connected for c in room.clients):
            problems.append(f"a connection dropped after {event} {payload!r:.200}")
        if erased or not all(c.connected for c in room.clients):
            room.close()
            room, rebuilt = Room(url), rebuilt + 1

    one()
    room.close()
    results.put({"answers": answers, "problems": problems, "rebuilt": rebuilt, "seconds": time.monotonic() - started})


def bystander_state(url: str, code: str, token: str) -> dict:
    return requests.get(f"{url}/api/workshops/{code}", headers={"Authorization": f"Bearer {token}"}).json()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    proc, url = start_server(args.mode, "app", event_rate=100_000)  # a fast client, not a flood
    log_path = Path(proc.log_path)
    try:
        bystanders = Room(url)
        before = bystander_state(url, bystanders.code, bystanders.token)
        heard_before = len(bystanders.heard)
        rss0 = rss_mb(proc.pid)
        ctx = mp.get_context("spawn")
        results = ctx.Queue()
        share = args.events // args.procs
        workers = [
            ctx.Process(target=fuzz_worker, args=(url, share, args.seed * 1000 + i, bystanders.ids, results))
            for i in range(args.procs)
        ]
        t0 = time.monotonic()
        for w in workers:
            w.start()
        outs = [results.get(timeout=3600) for _ in workers]
        elapsed = time.monotonic() - t0
        for w in workers:
            w.join(30)
        up = proc.poll() is None and requests.get(url + "/healthz", timeout=5).ok
        after = bystander_state(url, bystanders.code, bystanders.token)
        heard = [e for e in bystanders.heard[heard_before:] if e not in ("state", "presence")]
        rss1 = rss_mb(proc.pid)
        bystanders.close()
    finally:
        proc.terminate()
        proc.wait(10)
    log = log_path.read_text()
    answers = sum((o["answers"] for o in outs), collections.Counter())
    problems = [p for o in outs for p in o["problems"]]
    sent = sum(answers.values())
    print(
        f"{sent} events in {elapsed:.0f} s ({sent / elapsed:.0f}/s) from {args.procs} processes, "
        f"{args.mode}; rooms rebuilt after erasing: {sum(o['rebuilt'] for o in outs)}"
    )
    for code, n in answers.most_common():
        print(f"  {n:7d}  {code}")
    failures = []
    if problems:
        failures.append(f"{len(problems)} problems, e.g.:\n    " + "\n    ".join(problems[:10]))
    if answers.get("internal") or answers.get("unanswered"):
        failures.append(f"internal: {answers.get('internal', 0)}, unanswered: {answers.get('unanswered', 0)}")
    if "Traceback" in log:
        failures.append("the server logged a traceback:\n" + log[log.index("Traceback") :][:2000])
    if not up:
        failures.append("the server is down")
    if heard:
        failures.append(f"the bystanders heard {collections.Counter(heard)}")
    if before != after:
        failures.append("the bystanders' workshop changed")
    print(
        f"server up: {up}; bystanders heard: {len(heard)} events; bystanders' workshop unchanged: "
        f"{before == after}; server RSS {rss0:.0f} -> {rss1:.0f} MB"
    )
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("OK: every event answered, none internal, nobody else touched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
