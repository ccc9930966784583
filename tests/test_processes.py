"""Several app processes serving the same workshops over a real Redis (``WORKSHOP_MESSAGE_QUEUE``)
and one SQLite file (workshop/shared.py, workshop/live.py, workshop/store/).

Each test starts Debian's ``redis-server`` on a free port and ``python app.py`` twice on one
database; phones, boards and consoles connect to either process. Without redis-server the
tests are skipped, except in CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
import socketio
from helpers import Api, Client, LiveServer, RedisServer, Workshop, start_redis, wait_until

from workshop import shared
from workshop.store import Store, StoreBusy


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    """A Redis of the test's own: what other processes left in one would count in the next."""
    server = start_redis(tmp_path)
    yield server
    server.stop()


class Processes:
    """App processes on one database and one queue, with clients on any of them."""

    def __init__(self, folder: Path, redis: RedisServer, count: int, env: dict | None = None):
        self.db = folder / "workshops.sqlite3"
        env = {"WORKSHOP_MESSAGE_QUEUE": redis.url, "WORKSHOP_RATELIMIT_STORAGE_URI": redis.url, **(env or {})}
        self.servers: list[LiveServer] = []
        for number in range(count):
            server = LiveServer(self.db, env=env)
            server.log_path = folder / f"app{number}.log"
            self.servers.append(server.start())
        self.clients: list[Client] = []

    def workshop(self, **kwargs) -> Workshop:
        return Workshop(self.servers[0], Api(self.servers[0].url), self.clients, **kwargs)

    def on(self, number: int, workshop: Workshop) -> Workshop:
        """The same workshop, with its next clients connecting to process ``number``."""
        workshop.server = self.servers[number]
        return workshop

    def stop(self) -> None:
        for client in self.clients:
            client.disconnect()
        for server in self.servers:
            server.stop()


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> Iterator[Processes]:
    """Two processes on a Redis of their own, shared by the tests that leave both alive."""
    folder = tmp_path_factory.mktemp("pair")
    redis = start_redis(folder)
    processes = Processes(folder, redis, 2)
    yield processes
    processes.stop()
    redis.stop()


@pytest.fixture
def clients(pair) -> Iterator[list[Client]]:
    yield pair.clients
    for client in pair.clients:
        client.disconnect()
    pair.clients.clear()


def closed(client: Client, timeout: float = 5.0) -> bool:
    """Whether the server closed this client's connection (waiting for it up to ``timeout``)."""
    wait_until(lambda: not client.sio.connected, timeout, f"{client.name}'s connection closed")
    return True


def connect_refused(url: str, auth: dict) -> dict:
    """Connect where the server must refuse; returns the refusal's data."""
    sio = socketio.Client(reconnection=False)
    errors: list = []
    sio.on("connect_error", lambda data=None: errors.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
    assert errors, "refused without data"
    return errors[0]


def phone_auth(workshop: Workshop, name: str) -> dict:
    token = workshop.people[name]["participant_token"]
    return {"code": workshop.code, "role": "participant", "view": "phone", "token": token}


# --- rooms and broadcasts --------------------------------------------------------------------


@pytest.mark.live
def test_a_board_on_one_process_receives_every_card_sent_by_phones_on_the_other(pair, clients):
    workshop = pair.workshop()
    board, console = workshop.facilitator("board"), workshop.facilitator()
    pair.on(1, workshop)
    phones = [workshop.participant(name) for name in ("Anna", "Bram", "Cas")]

    sent = {
        phone.call("add_card", {"kind": "drive", "text": f"Drive {i}"})["card"]["id"]
        for phone in phones
        for i in range(5)
    }

    for screen in (board, console):
        wait_until(lambda s=screen: {d["card"]["id"] for d in s.received("card_saved")} >= sent, 5, "every card")
        assert len(screen.received("card_saved")) == len(sent)  # each once


@pytest.mark.live
def test_a_participants_own_view_reaches_their_phone_on_the_other_process_and_not_the_teams(pair, clients):
    workshop = pair.workshop()
    console = workshop.facilitator()
    anna_here = workshop.participant("Anna")  # process 0
    pair.on(1, workshop)
    anna_there, bram = workshop.participant("Anna"), workshop.participant("Bram")
    cas = pair.on(0, workshop).participant("Cas")

    card_id = anna_here.call("add_card", {"kind": "strength", "text": "Keeps calm", "about": bram.id})["card"]["id"]
    bram.call("respond_strength", {"id": card_id, "answer": "accept"})

    def accepted(data: dict) -> bool:
        return data["card"]["id"] == card_id and data["card"]["status"] == "accepted"

    # Anna named the strength: both her phones see her as its author.
    for phone in (anna_here, anna_there, console):
        assert phone.wait_for("card_saved", accepted)["card"]["author"] == anna_here.id
    # The team's view (no author) goes to everyone else, on either process.
    for phone in (bram, cas):
        assert phone.wait_for("card_saved", accepted)["card"]["author"] is None
    time.sleep(0.5)  # the team's message would have come with hers (one publish apart)
    for phone in (anna_here, anna_there):
        assert [d["card"]["author"] for d in phone.received("card_saved")] == [anna_here.id] * 2


@pytest.mark.live
def test_only_what_other_processes_need_passes_through_redis(redis_server, tmp_path):
    """A connection's own ``state`` and ``rejected`` stay in its process; a room broadcast is
    published. And messages between processes are not held to a client's size limit."""
    import json

    listener = redis_server.client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe("flask-socketio")
    processes = Processes(tmp_path, redis_server, 1)
    try:
        workshop = processes.workshop()
        console = workshop.facilitator()
        phone = workshop.participant("Anna")
        assert phone.received("state") and console.received("state")
        assert phone.call("no_such_event")["error"]["code"] == "unknown_event"  # "rejected", to it alone
        phone.call("add_card", {"kind": "drive", "text": "Walks the dog"})
        console.wait_for("card_saved")

        published: list[dict] = []
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            message = listener.get_message(timeout=0.1)
            if message:
                published.append(json.loads(message["data"]))
        events = {m.get("event") for m in published if m.get("method") == "emit"}
        assert "card_saved" in events  # the room broadcast goes through Redis
        assert not events & {"state", "rejected"}  # a message to one local connection does not
        assert "Walks the dog" in json.dumps([m for m in published if m.get("event") == "card_saved"])

        # Another process's message larger than any client may send still arrives.
        sender = shared.QueueManager(redis_server.url, write_only=True)
        big = {"text": "x" * 200_000}
        with sqlite3.connect(processes.db) as db:
            (workshop_id,) = db.execute("SELECT id FROM workshops WHERE code = ?", (workshop.code,)).fetchone()
        sender.emit("card_saved", big, room=f"team:{workshop_id}")
        assert phone.wait_for("card_saved", lambda data: data == big, timeout=5) == big
    finally:
        listener.close()
        processes.stop()


# --- presence --------------------------------------------------------------------------------


def connected_names(workshop: Workshop, ids: list[str]) -> set[str]:
    by_id = {person["participant_id"]: name for name, person in workshop.people.items()}
    return {by_id[i] for i in ids}


@pytest.mark.live
def test_presence_counts_phones_on_both_processes(pair, clients):
    workshop = pair.workshop()
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    bram = pair.on(1, workshop).participant("Bram")
    anna_again = workshop.participant("Anna")  # Anna's second phone, on process 1

    wait_until(
        lambda: connected_names(workshop, console.received("presence")[-1]["connected"]) == {"Anna", "Bram"},
        5,
        "Anna and Bram present",
    )
    assert connected_names(workshop, pair.on(0, workshop).participant("Cas").state["connected"]) == {
        "Anna",
        "Bram",
        "Cas",
    }
    anna.disconnect()  # her phone on process 1 is still there
    bram.disconnect()
    wait_until(
        lambda: connected_names(workshop, console.received("presence")[-1]["connected"]) == {"Anna", "Cas"},
        5,
        "Bram gone, Anna still there",
    )
    anna_again.disconnect()
    wait_until(
        lambda: connected_names(workshop, console.received("presence")[-1]["connected"]) == {"Cas"},
        5,
        "Anna gone once her last phone is",
    )


@pytest.mark.live
def test_a_killed_process_s_phones_stop_counting_and_count_again_when_they_reconnect(redis_server, tmp_path):
    processes = Processes(tmp_path, redis_server, 2)
    try:
        workshop = processes.workshop()
        console = workshop.facilitator()
        anna = workshop.participant("Anna")
        processes.on(1, workshop).participant("Bram")
        wait_until(
            lambda: connected_names(workshop, console.received("presence")[-1]["connected"]) == {"Anna", "Bram"},
            5,
            "both present",
        )

        processes.servers[1].stop(kill=True)  # SIGKILL: no disconnect handler runs there
        wait_until(
            lambda: connected_names(workshop, console.received("presence")[-1]["connected"]) == {"Anna"},
            shared.HOST_TTL_SECONDS + 2 * shared.HEARTBEAT_SECONDS + 2,
            "Bram's phone on the dead process dropped",
        )
        assert connected_names(workshop, anna.call("sync")["state"]["connected"]) == {"Anna"}

        processes.on(0, workshop).participant("Bram")  # his phone reconnects to the survivor
        wait_until(
            lambda: connected_names(workshop, console.received("presence")[-1]["connected"]) == {"Anna", "Bram"},
            5,
            "Bram back",
        )
    finally:
        processes.stop()


# --- closing connections everywhere ----------------------------------------------------------


@pytest.mark.live
def test_rotating_the_facilitator_key_on_one_process_closes_its_consoles_on_the_other(pair, clients):
    workshop = pair.workshop()
    old_console = pair.on(1, workshop).facilitator()
    old_board = workshop.facilitator("board")
    phone = workshop.participant("Anna")

    r = requests.post(
        f"{pair.servers[0].url}/api/workshops/{workshop.code}/facilitator-key",
        headers={"Authorization": f"Bearer {workshop.token}"},
    )
    assert r.status_code == 201, r.text
    workshop.token = r.json()["facilitator_token"]

    assert closed(old_console) and closed(old_board)
    new_console = workshop.facilitator()  # on process 1, with the new key
    new_console.call("sync")
    assert new_console.sio.connected and phone.sio.connected


@pytest.mark.live
def test_erasing_a_workshop_disconnects_everyone_on_every_process(pair, clients):
    workshop = pair.workshop()
    console = workshop.facilitator()
    here = workshop.participant("Anna")
    pair.on(1, workshop)
    there, board = workshop.participant("Bram"), workshop.facilitator("board")
    other = pair.workshop()  # another workshop on both processes: untouched
    pair.on(1, other)
    bystander = other.participant("Dirk")

    assert console.call("delete_workshop", {"code": workshop.code})["ok"] is True

    for client in (here, there, board, console):
        client.wait_for("workshop_deleted")
        assert closed(client)
    assert bystander.call("sync")["ok"] is True
    assert "workshop_deleted" not in bystander.names()


@pytest.mark.live
def test_removing_a_participant_closes_their_phones_on_every_process(pair, clients):
    workshop = pair.workshop()
    console = workshop.facilitator()
    anna_here = workshop.participant("Anna")
    anna_there, bram = pair.on(1, workshop).participant("Anna"), workshop.participant("Bram")

    assert console.call("remove_participant", {"id": anna_here.id})["ok"] is True

    assert closed(anna_here) and closed(anna_there)
    assert bram.call("sync")["ok"] is True


# --- connection caps -------------------------------------------------------------------------


@pytest.mark.live
def test_one_token_opens_at_most_eight_sockets_on_all_processes_together(pair, clients):
    workshop = pair.workshop()
    phones = [workshop.participant("Anna") for _ in range(4)]  # process 0
    pair.on(1, workshop)
    phones += [workshop.participant("Anna") for _ in range(4)]

    for server in pair.servers:
        refusal = connect_refused(server.url, phone_auth(workshop, "Anna"))
        assert refusal["data"]["code"] == "too_many_connections"
        assert refusal["data"]["message"]
    workshop.participant("Bram")  # another token: its own budget

    phones[0].disconnect()  # one closes on process 0: one may open on process 1
    wait_until(lambda: _connects(pair.servers[1].url, phone_auth(workshop, "Anna")), 5, "a ninth after one closed")


def _connects(url: str, auth: dict) -> bool:
    sio = socketio.Client(reconnection=False)
    try:
        sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
    except socketio.exceptions.ConnectionError:
        return False
    sio.disconnect()
    return True


def test_connection_caps_and_presence_count_every_process_while_it_lives(redis_server):
    """Two registries as two processes would hold them, on the real Redis: the caps add up
    across them, and a process that stops beating stops counting once its TTL has run out."""
    one = shared.RedisRegistry(redis_server.url, host="one")
    two = shared.RedisRegistry(redis_server.url, host="two")

    def conn(participant="p1", token="t1", address="10.0.0.1"):
        return shared.Connection("w1", participant, token, address)

    assert one.open("a", conn(), max_per_token=3, max_per_address=4) is True  # first phone of p1
    assert two.open("b", conn(), max_per_token=3, max_per_address=4) is False  # p1 already present
    assert two.open("c", conn(), max_per_token=3, max_per_address=4) is False
    with pytest.raises(shared.TooManyConnections) as caught:
        one.open("d", conn(), max_per_token=3, max_per_address=4)
    assert caught.value.which == "token"
    assert two.open("e", conn("p2", "t2"), max_per_token=3, max_per_address=4) is True
    with pytest.raises(shared.TooManyConnections) as caught:
        one.open("f", conn("p3", "t3"), max_per_token=3, max_per_address=4)
    assert caught.value.which == "address"
    assert one.open("g", conn("p3", "t3", "10.0.0.2"), max_per_token=3, max_per_address=4) is True
    assert one.connected("w1") == {"p1", "p2", "p3"}
    for key in (one._token_key("t1"), one._address_key("10.0.0.1")):
        assert 0 < redis_server.client.pttl(key) <= shared.COUNTS_TTL_SECONDS * 1000  # nothing kept for ever
    keys = list(redis_server.client.scan_iter("workshop:connections:*"))
    assert len(keys) == 5  # three tokens, two addresses: tagged alike by both processes
    assert not [key for key in keys if "10.0.0." in key or key.endswith(("t1", "t2", "t3"))]  # never plain

    assert two.close("b") == (conn(), False)  # p1 still has "a" and "c"
    assert two.close("c")[1] is False
    assert one.close("a")[1] is True  # p1's last phone

    # Process two dies (no more beats): once its key runs out, its phones no longer count.
    redis_server.client.delete("workshop:host:two")  # as the TTL would, 15 s later
    assert one.connected("w1") == {"p3"}
    assert one.reap() == {"w1"}  # the survivor that reaps it learns where presence changed
    assert one.reap() == set()  # once
    assert one.open("h", conn("p2", "t2", "10.0.0.1"), max_per_token=1, max_per_address=4) is True

    # Process two was only stalled: its next beat counts its connections again.
    two.beat()
    assert one.connected("w1") == {"p2", "p3"}
    with pytest.raises(shared.TooManyConnections):
        one.open("i", conn("p2", "t2", "10.0.0.9"), max_per_token=2, max_per_address=4)


def test_while_redis_is_away_connections_are_refused_and_the_counts_come_back_with_it(redis_server):
    """Redis stops: a new connection is refused (not left hanging), closes are kept, presence
    comes from this process. Back with its data, the kept closes are sent; back empty (a
    restart), the process writes its counts again from its own connections."""
    registry = shared.RedisRegistry(redis_server.url, host="one")
    other = shared.RedisRegistry(redis_server.url, host="two")

    def conn(participant="p1", token="t1", address="10.0.0.1"):
        return shared.Connection("w1", participant, token, address)

    def tokens_counted(token: str) -> int:
        return int(redis_server.client.hget(registry._token_key(token), "one") or 0)

    registry.open("a", conn(), max_per_token=5, max_per_address=9)
    registry.open("b", conn(), max_per_token=5, max_per_address=9)
    registry.open("c", conn("p2", "t2"), max_per_token=5, max_per_address=9)

    redis_server.pause(keep=True)  # away for a moment
    with pytest.raises(shared.SharedStateAway):
        registry.open("d", conn("p3", "t3"), max_per_token=5, max_per_address=9)
    assert registry.close("a") == (conn(), False)  # kept for later, no exception
    assert registry.connected("w1") == {"p1", "p2"}  # from this process's own connections
    with pytest.raises(redis.RedisError):
        registry.beat()  # what the heartbeat catches; it tries again at the next beat
    redis_server.start()
    assert registry.beat() == set()  # p1 still has "b": nobody's presence changed
    assert tokens_counted("t1") == 1  # the close sent now
    registry.open("d", conn("p3", "t3"), max_per_token=5, max_per_address=9)  # let in again

    redis_server.pause(keep=False)  # a restart: Redis comes back empty
    registry.close("b")
    redis_server.start()
    assert registry.beat() == {"w1"}
    assert tokens_counted("t1") == 0 and tokens_counted("t2") == tokens_counted("t3") == 1
    other.beat()
    assert other.connected("w1") == {"p2", "p3"}
    with pytest.raises(shared.TooManyConnections):
        other.open("e", conn("p2", "t2"), max_per_token=1, max_per_address=9)


@pytest.mark.live
def test_a_server_refuses_phones_as_busy_while_redis_is_away_and_counts_again_once_back(redis_server, tmp_path):
    processes = Processes(tmp_path, redis_server, 1)
    server = processes.servers[0]
    try:
        workshop = processes.workshop()
        console = workshop.facilitator()
        workshop.people["Bram"] = workshop.api.join(workshop.code, "Bram")
        anna = workshop.participant("Anna")

        redis_server.pause(keep=False)
        refusal = connect_refused(server.url, phone_auth(workshop, "Bram"))
        assert refusal["data"]["code"] == "busy"  # an answer, where it used to hang
        anna.disconnect()  # closed while Redis is away
        time.sleep(shared.HEARTBEAT_SECONDS + 1)  # a heartbeat or two fail meanwhile

        redis_server.start()  # back, empty
        wait_until(
            lambda: _connects(server.url, phone_auth(workshop, "Bram")),
            shared.HEARTBEAT_SECONDS * 2 + 2,
            "Bram let in once Redis is back",
        )
        workshop.participant("Bram")
        wait_until(
            lambda: connected_names(workshop, console.received("presence")[-1]["connected"]) == {"Bram"},
            5,
            "presence without Anna, closed during the outage",
        )
        counted = list(redis_server.client.scan_iter("workshop:connections:token:*"))
        assert len(counted) == 2  # the console's key and Bram's: written again by the process
        assert "Traceback" not in server.output()
        assert server.process is not None and server.process.poll() is None
    finally:
        processes.stop()


def test_without_a_queue_the_caps_and_presence_are_counted_in_memory():
    registry = shared.registry_for(None)
    assert registry.open("a", shared.Connection("w", "p", "t", "ip"), max_per_token=1, max_per_address=5)
    with pytest.raises(shared.TooManyConnections):
        registry.open("b", shared.Connection("w", "q", "t", "ip"), max_per_token=1, max_per_address=5)
    assert registry.connected("w") == {"p"}
    assert registry.close("a")[1] is True
    assert registry.connected("w") == set()


# --- the retention sweep's single runner -----------------------------------------------------


def test_the_sweep_lock_has_one_holder_and_passes_on_when_it_is_not_renewed(redis_server):
    first = shared.SweepLock(redis_server.url, host="first", seconds=0.5)
    second = shared.SweepLock(redis_server.url, host="second", seconds=0.5)

    assert first.hold() is True
    assert second.hold() is False
    for _ in range(4):  # the holder renews; the other never gets it meanwhile
        time.sleep(0.2)
        assert first.hold() is True
        assert second.hold() is False
    wait_until(second.hold, 2, "the lock passed on once its holder stopped renewing")
    assert first.hold() is False  # and the old holder does not take it back while it is held
    assert shared.SweepLock(None).hold() is True  # without a queue, every (single) process sweeps


def test_the_sweep_lock_is_renewed_while_a_sweep_runs_and_checked_before_it_erases(redis_server, tmp_path):
    """A sweep that waits for another process's write outlasts its lock's time several times
    over: the lock stays this process's all along (renewed by the sweeper's loop), and a sweep
    whose lock went elsewhere erases nothing."""
    from workshop import model, service
    from workshop.retention import Sweeper, sweep

    db = str(tmp_path / "workshops.sqlite3")
    store = Store(db, busy_deadline=10)
    workshop, _token = service.create_workshop(store, model.CreateWorkshop(title="Team day"))
    mine = shared.SweepLock(redis_server.url, host="mine", seconds=0.5)
    rival = shared.SweepLock(redis_server.url, host="rival", seconds=0.5)
    blocker = sqlite3.connect(db)
    blocker.execute("BEGIN IMMEDIATE")  # another process's write, held for a while
    stop = threading.Event()
    sweeper = Sweeper(store, 1e-9, 3600, mine, lambda work: threading.Thread(target=work).start(), time.sleep)
    loop = threading.Thread(target=sweeper.run, args=(stop,))
    loop.start()
    try:
        wait_until(lambda: sweeper.sweeping, 5, "a sweep started")
        for _ in range(15):  # 1.5 s: three times the lock's time, the sweep waiting all along
            time.sleep(0.1)
            assert rival.hold() is False
            assert redis_server.client.get(shared.SweepLock.KEY) == "mine"
        assert sweeper.sweeping and store.workshop_by_code(workshop["code"]) is not None
        blocker.rollback()
        wait_until(lambda: not sweeper.sweeping, 10, "the sweep done")
        assert store.workshop_by_code(workshop["code"]) is None
    finally:
        stop.set()
        loop.join(5)
        blocker.close()

    later, _ = service.create_workshop(store, model.CreateWorkshop(title="Team day"))
    assert sweep(store, 1e-9, holding=lambda: False) == 0  # the lock is someone else's now
    assert store.workshop_by_code(later["code"]) is not None
    store.close()


@pytest.mark.live
def test_the_retention_sweep_runs_in_one_process_and_another_takes_over_when_it_dies(redis_server, tmp_path):
    days = 3 / 86400  # a workshop idle for 3 s is past its time
    processes = Processes(
        tmp_path,
        redis_server,
        2,
        env={"WORKSHOP_RETENTION_DAYS": str(days), "WORKSHOP_RETENTION_SWEEP_SECONDS": "0.5"},
    )
    try:
        holder = wait_until(lambda: redis_server.client.get(shared.SweepLock.KEY), 10, "a sweeper")
        pids = {str(server.process.pid): server for server in processes.servers if server.process}
        sweeper = pids[holder.split(":")[-2]]
        for _ in range(10):  # one holder for as long as it lives
            time.sleep(0.2)
            assert redis_server.client.get(shared.SweepLock.KEY) == holder

        sweeper.stop(kill=True)
        survivor = next(server for server in processes.servers if server is not sweeper)
        new_holder = wait_until(
            lambda: (
                redis_server.client.get(shared.SweepLock.KEY) not in (None, holder)
                and redis_server.client.get(shared.SweepLock.KEY)
            ),
            shared.SWEEP_LOCK_SECONDS + 2 * shared.HEARTBEAT_SECONDS,
            "the survivor takes over",
        )
        assert new_holder.split(":")[-2] == str(survivor.process.pid)
        created = Api(survivor.url).create_workshop()
        wait_until(
            lambda: (
                requests.get(
                    f"{survivor.url}/api/workshops/{created['code']}",
                    headers={"Authorization": f"Bearer {created['facilitator_token']}"},
                ).status_code
                == 404
            ),
            15,
            "the survivor erased a workshop past its time",
        )
    finally:
        processes.stop()


# --- rate limits -----------------------------------------------------------------------------


@pytest.mark.live
def test_misses_are_counted_once_for_all_processes(redis_server, tmp_path):
    processes = Processes(tmp_path, redis_server, 2, env={"WORKSHOP_GUESS_LIMIT": "4 per minute"})
    try:
        one, two = (server.url for server in processes.servers)

        def miss(url: str) -> int:
            return requests.post(f"{url}/api/workshops/ZZZZZZ/participants", json={"name": "Anna"}).status_code

        assert [miss(url) for url in (one, two, one, two)] == [404] * 4
        assert miss(two) == 429
        assert miss(one) == 429
    finally:
        processes.stop()


# --- SQLite shared by processes --------------------------------------------------------------


def test_a_write_waits_for_another_processes_write_without_holding_up_the_rest(tmp_path):
    path = str(tmp_path / "w.sqlite3")
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    ours, theirs = Store(path, sleep=sleep), Store(path)
    with ours.transaction() as tx:
        workshop = tx.create_workshop("Day", "en", [], "h" * 64, "named", prompts=[])
    holding, release = threading.Event(), threading.Event()

    def hold_the_write_lock():
        with theirs.transaction() as tx:
            tx.update_workshop(workshop["id"], revealed=True)
            holding.set()
            release.wait(10)

    other = threading.Thread(target=hold_the_write_lock)
    other.start()
    holding.wait(5)
    written = threading.Event()

    def write():
        with ours.transaction() as tx:
            tx.update_workshop(workshop["id"], joining_locked=True)
        written.set()

    writer = threading.Thread(target=write)
    writer.start()
    wait_until(lambda: len(slept) >= 3, 5, "the write waiting, between tries")
    assert not written.is_set()
    assert ours.ping() and ours.workshop_by_code(workshop["code"]) is not None  # reads go on meanwhile
    release.set()
    writer.join(10)
    other.join(10)
    assert written.is_set()
    stored = ours.workshop_by_code(workshop["code"])
    assert stored is not None and stored["revealed"] and stored["joining_locked"]
    ours.close()
    theirs.close()


def test_a_write_that_waits_too_long_is_refused_as_busy(tmp_path):
    path = str(tmp_path / "w.sqlite3")
    ours = Store(path, busy_deadline=0.3)
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusy) as caught, ours.transaction() as tx:
            tx.create_workshop("Day", "en", [], "h" * 64, "named", prompts=[])
        assert time.monotonic() - started < 3
        assert (caught.value.code, caught.value.status) == ("busy", 503)
    finally:
        blocker.rollback()
        blocker.close()
    with ours.transaction() as tx:  # and once the other lets go, writing works
        tx.create_workshop("Day", "en", [], "h" * 64, "named", prompts=[])
    ours.close()


@pytest.mark.live
def test_a_server_waits_for_anothers_write_lock_and_keeps_answering_meanwhile(pair, clients):
    workshop = pair.workshop()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    blocker = sqlite3.connect(str(pair.db), timeout=5)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    answers: list[dict] = []
    writer = threading.Thread(target=lambda: answers.append(anna.call("add_card", {"kind": "drive", "text": "Hi"})))
    try:
        writer.start()
        time.sleep(0.3)  # the write is waiting by now
        assert answers == []
        started = time.monotonic()
        assert bram.call("sync")["ok"] is True  # the same process goes on answering
        assert requests.get(f"{pair.servers[0].url}/healthz", timeout=2).ok
        assert time.monotonic() - started < 1.0
    finally:
        blocker.rollback()
        blocker.close()
    writer.join(10)
    assert answers and answers[0]["ok"] is True
    assert bram.wait_for("card_saved")["card"]["id"] == answers[0]["card"]["id"]


def test_without_a_queue_the_caps_refuse_the_connection_one_too_many(tmp_path):
    """One process, no Redis: the caps are counted in its memory (the app in this process,
    whose test client does not pass on the refusal's data: the live test reads its code)."""
    from inprocess import InProcessServer

    server = InProcessServer(
        tmp_path / "w.sqlite3", config={"MAX_CONNECTIONS_PER_TOKEN": 2, "MAX_CONNECTIONS_PER_ADDRESS": 3}
    )
    made: list[Client] = []
    try:
        workshop = Workshop(server, Api(server.url), made)
        anna = [workshop.participant("Anna"), workshop.participant("Anna")]
        with pytest.raises(socketio.exceptions.ConnectionError):
            workshop.participant("Anna")  # a third with her token
        workshop.participant("Bram")  # the address's third
        with pytest.raises(socketio.exceptions.ConnectionError):
            workshop.participant("Cas")  # the address's fourth
        anna[0].disconnect()
        cas = workshop.participant("Cas")  # once one closed, the same token gets in
        ids = {workshop.people[name]["participant_id"]: name for name in workshop.people}
        assert {ids[i] for i in cas.state["connected"]} == {"Anna", "Bram", "Cas"}  # refusals left no trace
    finally:
        for client in made:
            client.disconnect()
        server.stop()
