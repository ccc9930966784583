"""Faults: the server killed at random moments, edits replayed, and clients racing on one pair.

Nothing acknowledged is lost, nothing is doubled, and every client ends with the server's board.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from helpers import Api, Client, LiveServer

# Faults of a real server: killed, restarted, raced.
pytestmark = pytest.mark.live


@pytest.fixture
def crashing(tmp_path):
    live = LiveServer(tmp_path / "crash.sqlite3").start()
    yield live
    live.stop()


def phone_of(server: LiveServer, code: str, token: str, name: str) -> Client:
    return Client(server.url, {"code": code, "role": "participant", "view": "phone", "token": token}, name)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_at_a_random_moment_loses_no_acknowledged_edit_and_doubles_none(crashing, seed):
    rng = random.Random(seed)
    api = Api(crashing.url)
    created = api.create_workshop()
    code, token = created["code"], created["facilitator_token"]
    people = [api.join(code, f"P{i}") for i in range(3)]
    acknowledged: list[str] = []
    sent: list[str] = []
    stop = threading.Event()

    def keep_writing(person, n):
        try:
            phone = phone_of(crashing, code, person["participant_token"], f"P{n}")
        except Exception:
            return
        i = 0
        while not stop.is_set():
            card_id = f"crash-{seed}-{n}-{i:05d}"
            sent.append(card_id)
            try:
                ack = phone.sio.call("add_card", {"id": card_id, "kind": "drive", "text": f"edit {card_id}"}, timeout=2)
            except Exception:
                break  # the server died under us: this one was never acknowledged
            if ack.get("ok"):
                acknowledged.append(card_id)
            i += 1
        phone.disconnect()

    writers = [threading.Thread(target=keep_writing, args=(p, n)) for n, p in enumerate(people)]
    for w in writers:
        w.start()
    # The kill comes at a random moment once the phones are writing (on a busy machine their
    # connecting alone may take longer than a random wait from the start).
    deadline = time.monotonic() + 20
    while not acknowledged and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(rng.uniform(0.0, 0.9))
    crashing.stop(kill=True)
    stop.set()
    for w in writers:
        w.join(10)
    crashing.start()

    stored = [c["id"] for c in api.workshop(code, token)["drives"]]
    assert acknowledged, "nothing was acknowledged before the kill"
    assert set(acknowledged) <= set(stored)  # nothing acknowledged is lost
    assert len(stored) == len(set(stored))  # nothing is doubled
    assert set(stored) <= set(sent)  # nothing appears that was not sent

    # Resending everything after the restart (a phone's outbox) changes nothing that was stored.
    phone = phone_of(crashing, code, people[0]["participant_token"], "P0")
    try:
        for card_id in sent:
            if card_id.startswith(f"crash-{seed}-0-"):
                assert phone.call("add_card", {"id": card_id, "kind": "drive", "text": f"edit {card_id}"})["ok"]
    finally:
        phone.disconnect()
    again = [c["id"] for c in api.workshop(code, token)["drives"]]
    assert len(again) == len(set(again))
    assert set(stored) <= set(again)


def test_every_edit_replayed_1_to_5_times_in_any_order_gives_the_same_state(new_workshop):
    """The same script of edits (with phone-made ids) applied once, and applied with every edit
    repeated 1-5 times and the repeats arriving late in random order: the same workshop."""

    def script(prefix, goals):
        """Ids are made on the phone; each workshop's run gets its own (ids are global)."""
        ops = []
        for i in range(6):
            ops.append(("add_card", {"id": f"{prefix}-card-{i:03d}", "kind": "drive", "text": f"Drive {i}"}))
        for i in range(6):
            ops.append(
                (
                    "add_link",
                    {
                        "id": f"{prefix}-link-{i:03d}",
                        "card_id": f"{prefix}-card-{i:03d}",
                        "goal_id": goals[i % len(goals)],
                    },
                )
            )
        ops += [
            ("delete_link", {"id": f"{prefix}-link-001"}),
            ("delete_card", {"id": f"{prefix}-card-002"}),
            ("set_done", {"phase": "drives", "done": True}),
        ]
        return ops

    def outcome(workshop, prefix):
        """The workshop in terms that do not depend on its own ids."""
        snap = workshop.snapshot()
        goal_index = {g["id"]: i for i, g in enumerate(snap["goals"])}
        strip = lambda item_id: item_id.removeprefix(prefix)  # noqa: E731
        return (
            sorted((strip(c["id"]), c["text"]) for c in snap["drives"]),
            sorted((strip(l["id"]), strip(l["card_id"]), goal_index[l["goal_id"]]) for l in snap["links"]),
            [p["done"] for p in snap["participants"]],
        )

    once = new_workshop()
    anna = once.participant("Anna")
    goals = [g["id"] for g in anna.state["goals"]]
    for event, payload in script(f"once{once.code}", goals):
        assert anna.call(event, payload)["ok"]
    expected = outcome(once, f"once{once.code}")

    rng = random.Random(7)
    for _ in range(3):
        twice = new_workshop()
        anna = twice.participant("Anna")
        goals = [g["id"] for g in anna.state["goals"]]
        prefix = f"again{twice.code}"
        ops = script(prefix, goals)
        schedule: list[tuple[int, tuple]] = []
        for position, op in enumerate(ops):
            schedule.append((position, op))
            for _ in range(rng.randint(0, 4)):  # late repeats, anywhere after the first
                schedule.append((rng.randint(position, len(ops) + 3) + rng.random(), op))
        schedule.sort(key=lambda item: item[0])
        for _, (event, payload) in schedule:
            assert anna.call(event, payload)["ok"], (event, payload)
        assert outcome(twice, prefix) == expected


def apply(state_links: dict, events: list[tuple[str, dict]], start_version: int) -> dict:
    """What a client's board shows after applying the link events it received, in version order."""
    links = dict(state_links)
    version = start_version
    for name, data in sorted((e for e in events if e[0] not in ("state", "presence")), key=lambda e: e[1]["version"]):
        assert data["version"] == version + 1, "a gap in versions"
        version = data["version"]
        if name == "link_saved":
            links[data["link"]["id"]] = (data["link"]["card_id"], data["link"]["goal_id"])
        elif name == "link_deleted":
            links.pop(data["id"], None)
    return links


def test_racing_link_and_unlink_of_one_pair_leaves_every_client_with_the_same_board(workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    watchers = [workshop.participant("Bram"), workshop.facilitator("board")]
    card = anna.call("add_card", {"kind": "drive", "text": "Contested"})["card"]
    goal = anna.state["goals"][0]["id"]
    starts = {
        id(w): (
            w.call("sync")["state"]["version"],
            {l["id"]: (l["card_id"], l["goal_id"]) for l in w.call("sync")["state"]["links"]},
        )
        for w in watchers
    }
    for w in watchers:
        w.events.clear()

    def race(client, rounds):
        for _ in range(rounds):
            ack = client.call("add_link", {"card_id": card["id"], "goal_id": goal})
            if ack.get("ok") and "link" in ack:
                client.call("delete_link", {"id": ack["link"]["id"]})

    racers = [threading.Thread(target=race, args=(c, 15)) for c in (console, anna)]
    for r in racers:
        r.start()
    for r in racers:
        r.join(30)
    final = workshop.snapshot()
    truth = {l["id"]: (l["card_id"], l["goal_id"]) for l in final["links"]}
    for w in watchers:
        w.wait_for("link_deleted", lambda d: d["version"] >= final["version"] - 1, timeout=5) if final[
            "version"
        ] else None
        deadline = time.monotonic() + 5
        while (
            time.monotonic() < deadline
            and max((d.get("version", 0) for _, d in w.events), default=0) < final["version"]
        ):
            time.sleep(0.05)
        version, links = starts[id(w)]
        assert apply(links, list(w.events), version) == truth
