"""What the app's processes share when they run on a message queue (``MESSAGE_QUEUE``,
``redis://…``), and the same in one process's memory when they do not.

- ``QueueManager``: Flask-SocketIO's Redis queue, plus two messages every process acts on for
  its own connections: an emit to a room *except the members of other rooms* (a participant's
  phones get their own view on their room, and not the team's too, wherever they are
  connected), and *close a room*, disconnecting its members.
- ``Registry``: who is connected (presence) and how many sockets each identity token and each
  client address holds (the connection caps), counted across every live process.
- ``SweepLock``: the retention sweep's single runner.

What is in Redis (every key starts with ``workshop:``):

========================================  =========================================  ==========
key                                        value                                      lifetime
========================================  =========================================  ==========
``host:<host>``                            ``1``: this process is alive               PX 15 s,
                                                                                      renewed
                                                                                      every 5 s
``hosts``                                  set of every process's host id             until reaped
``presence:<workshop>``                    hash ``<host> <participant>`` → phones     per field
                                           that participant has open on that process
``workshops-of:<host>``                    set of workshops a process has phones in   until reaped
``connections:token:<tag of token>``       hash ``<host>`` → sockets open with it     per field;
                                                                                      a day after
                                                                                      the last
                                                                                      connect
``connections:address:<tag of address>``   hash ``<host>`` → sockets open from it     (the same)
``secret``                                 the key of the tags (random, set once)     as Redis
``retention-sweep``                        host id of the sweep's runner              PX 15 s,
                                                                                      renewed
========================================  =========================================  ==========

A count is only believed while its process's ``host:`` key lives: a process killed with -9
stops renewing it, and 15 s later its phones no longer count anywhere (the counting scripts
delete such fields as they pass). Within one more heartbeat a survivor notices the dead host,
takes it off ``hosts`` (one survivor wins the SREM) and has presence announced again in each
workshop the dead process had phones in. A process that finds its own key gone (Redis
restarted, or it stalled past the TTL) writes its counts again from its own connections.
While Redis does not answer, new connections are refused as ``busy`` (never let in uncounted)
and the heartbeat keeps trying; closes meanwhile are sent, or the counts written again, once it
answers (``RedisRegistry``).

Tokens and client addresses only appear as tags: HMAC-SHA256 keyed with ``secret``, which the
first process sets (SET NX) and every process reads, again whenever Redis lost its keys. A
client address has few enough values to be tried one by one against a plain hash; a keyed one
needs the secret too, so a key name copied into a log, a ticket or a ``SCAN`` listing says
nothing (whoever can read the secret from Redis itself can read the live messages as well:
docs/SECURITY.md). No name, text or code is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import socket
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from socketio import RedisManager

log = logging.getLogger(__name__)

PREFIX = "workshop:"
#: How long a process counts after its last heartbeat, and how often it beats.
HOST_TTL_SECONDS = 15.0
HEARTBEAT_SECONDS = 5.0
#: A token's or address's counts go a day after a connection last opened with it (those of a
#: process that died are otherwise only dropped when the next connection looks at them).
COUNTS_TTL_SECONDS = 24 * 3600
#: The retention sweep's lock: how long it holds without a renewal (renewed every heartbeat).
SWEEP_LOCK_SECONDS = 15.0

#: This process, as the keys name it: machine and process id (an operator can tell which one
#: holds the sweep), and a random part (process ids are reused).
HOST_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class QueueManager(RedisManager):
    """Flask-SocketIO's Redis queue, with two more messages that each process carries out for
    its own connections (python-socketio's own only know single sids and whole rooms).

    Messages between our processes are trusted and may be larger than a client's: they are
    read with the plain ``json`` module, not the server's ``BoundedJSON``. An emit to one of
    this process's own connections (``to=sid``: ``state``, ``rejected``) is sent straight to it
    and never published: only what several processes need passes through Redis.
    """

    def __init__(self, url: str, channel: str = "flask-socketio", write_only: bool = False):
        super().__init__(url, channel=channel, write_only=write_only, json=json)

    def set_server(self, server) -> None:
        super().set_server(server)
        self.json = json  # python-socketio would take the server's (client-bounded) module here

    def emit(self, event, data, namespace=None, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        room = to or room
        if isinstance(room, str) and room in self.rooms.get(namespace or "/", {}).get(None, {}):
            kwargs["ignore_queue"] = True  # a sid of this process (connected or connecting): only here
        return super().emit(event, data, namespace=namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs)

    def emit_skipping_rooms(self, event: str, data: Any, room: str, skip_rooms: Iterable[str]) -> None:
        """Emit ``data`` to ``room`` on every process, leaving out each process's members of
        ``skip_rooms`` (what ``skip_sid`` would do, if sids were known across processes)."""
        message = {
            "method": "emit",
            "event": event,
            "data": [data],
            "binary": False,
            "namespace": "/",
            "room": room,
            "skip_sid": None,
            "skip_rooms": list(skip_rooms),
            "callback": None,
            "host_id": self.host_id,
        }
        self._handle_emit(message)
        self._publish(message)

    def disconnect_room(self, room: str) -> None:
        """Disconnect every member of ``room``, on every process."""
        message = {"method": "close_room", "room": room, "namespace": "/", "disconnect": True, "host_id": self.host_id}
        self._handle_close_room(message)
        self._publish(message)

    def _handle_emit(self, message):
        namespace = message.get("namespace") or "/"
        room = message.get("room")
        if isinstance(room, str) and room not in self.rooms.get(namespace, {}):
            return  # nobody in it here: python-socketio would still decode and encode the message
        rooms = message.get("skip_rooms")
        if rooms:
            local = [sid for sid, _ in self.get_participants(namespace, rooms)]
            message = {**message, "skip_sid": local}
        super()._handle_emit(message)

    def _handle_close_room(self, message):
        if not message.get("disconnect"):
            return super()._handle_close_room(message)
        namespace = message.get("namespace") or "/"
        for sid in [sid for sid, _ in self.get_participants(namespace, message.get("room"))]:
            self.server.disconnect(sid, namespace=namespace, ignore_queue=True)
        return None


def queue_manager(url: str | None) -> QueueManager | None:
    """The Socket.IO client manager for ``MESSAGE_QUEUE`` (None: one process, in memory)."""
    if not url:
        return None
    return QueueManager(url)


class TooManyConnections(Exception):
    """A connection refused by a cap: ``which`` is "token" or "address"."""

    def __init__(self, which: str):
        super().__init__(which)
        self.which = which


@dataclass(frozen=True)
class Connection:
    """One open socket, as the registry counts it."""

    workshop_id: str
    participant_id: str | None
    token_hash: str
    address: str


class Registry:
    """Open connections: presence and the connection caps. In this process's memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, Connection] = {}
        self._tokens: Counter[str] = Counter()
        self._addresses: Counter[str] = Counter()
        self._people: Counter[tuple[str, str]] = Counter()

    def start(self, spawn: Callable, sleep: Callable, on_hosts_lost: Callable[[set[str]], None]) -> None:
        """Start what runs in the background (nothing, in memory)."""

    def open(self, sid: str, conn: Connection, max_per_token: int, max_per_address: int) -> bool:
        """Count a new connection, or raise ``TooManyConnections``. Returns whether it is its
        participant's first open connection (then presence changed)."""
        with self._lock:
            if self._tokens[conn.token_hash] >= max_per_token:
                raise TooManyConnections("token")
            if self._addresses[conn.address] >= max_per_address:
                raise TooManyConnections("address")
            self._open[sid] = conn
            self._tokens[conn.token_hash] += 1
            self._addresses[conn.address] += 1
            if conn.participant_id is None:
                return False
            self._people[conn.workshop_id, conn.participant_id] += 1
            return self._people[conn.workshop_id, conn.participant_id] == 1

    def close(self, sid: str) -> tuple[Connection | None, bool]:
        """Forget a closed connection; returns it and whether it was its participant's last."""
        with self._lock:
            conn = self._open.pop(sid, None)
            if conn is None:
                return None, False
            _decrement(self._tokens, conn.token_hash)
            _decrement(self._addresses, conn.address)
            if conn.participant_id is None:
                return conn, False
            return conn, _decrement(self._people, (conn.workshop_id, conn.participant_id)) == 0

    def connected(self, workshop_id: str) -> set[str]:
        """The participants of a workshop with at least one connection open."""
        with self._lock:
            return {pid for (wid, pid), n in self._people.items() if wid == workshop_id and n > 0}

    def local_connections(self) -> list[Connection]:
        with self._lock:
            return list(self._open.values())


def _decrement(counter: Counter, key) -> int:
    counter[key] -= 1
    left = counter[key]
    if left <= 0:
        del counter[key]
    return left


# Lua: runs atomically in Redis, so two processes never both let in the 9th connection.
_LUA_ALIVE = """
local alive = {}
local function is_alive(host)
  if alive[host] == nil then
    alive[host] = redis.call('EXISTS', ARGV[1] .. 'host:' .. host) == 1
  end
  return alive[host]
end
-- the sum of a hash's counts whose process lives; fields of dead processes are deleted
local function total(key, participant)
  local sum = 0
  local fields = redis.call('HGETALL', key)
  for i = 1, #fields, 2 do
    local host, who = string.match(fields[i], '^([^ ]+) ?(.*)$')
    if not is_alive(host) then
      redis.call('HDEL', key, fields[i])
    elseif participant == nil or who == participant then
      sum = sum + tonumber(fields[i + 1])
    end
  end
  return sum
end
local function decrement(key, field)
  if redis.call('HINCRBY', key, field, -1) <= 0 then redis.call('HDEL', key, field) end
end
"""

# KEYS: token, address, presence, workshops-of; ARGV: prefix, host, max per token, max per
# address, participant ('' for none), workshop, the counts' TTL in ms. Returns -1 / -2 when refused, else 1 for the
# participant's first connection anywhere, 0 otherwise.
_LUA_OPEN = (
    _LUA_ALIVE
    + """
if total(KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
if total(KEYS[2]) >= tonumber(ARGV[4]) then return -2 end
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
if ARGV[5] == '' then return 0 end
local before = total(KEYS[3], ARGV[5])
redis.call('HINCRBY', KEYS[3], ARGV[2] .. ' ' .. ARGV[5], 1)
redis.call('SADD', KEYS[4], ARGV[6])
if before == 0 then return 1 end
return 0
"""
)

# KEYS: token, address, presence; ARGV: prefix, host, participant ('' for none). Returns the
# participant's connections left anywhere (-1 without a participant).
_LUA_CLOSE = (
    _LUA_ALIVE
    + """
decrement(KEYS[1], ARGV[2])
decrement(KEYS[2], ARGV[2])
if ARGV[3] == '' then return -1 end
decrement(KEYS[3], ARGV[2] .. ' ' .. ARGV[3])
return total(KEYS[3], ARGV[3])
"""
)

# KEYS: presence; ARGV: prefix. The participants with a connection on a live process.
_LUA_CONNECTED = (
    _LUA_ALIVE
    + """
local people = {}
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local host, who = string.match(fields[i], '^([^ ]+) (.*)$')
  if not is_alive(host) then
    redis.call('HDEL', KEYS[1], fields[i])
  elseif tonumber(fields[i + 1]) > 0 then
    table.insert(people, who)
  end
end
return people
"""
)


class SharedStateAway(Exception):
    """Redis does not answer: a new connection cannot be counted against the caps, so it is
    refused (as ``busy``; the phone may try again) until the heartbeat finds Redis again."""


#: How long one call to Redis may take before it counts as away.
REDIS_TIMEOUT_SECONDS = 2.0


class RedisRegistry(Registry):
    """The same counts, shared by every process on the queue (keys: this module's docstring).

    While Redis is away (stopped, restarting, unreachable), new connections are refused as
    ``SharedStateAway`` rather than let in uncounted (the caps would be off for as long, and
    the counts of every process wrong afterwards); the connections already open stay, a close
    is kept to be sent later, and presence is answered from this process's own connections.
    The heartbeat keeps trying; once Redis answers, it sends the kept closes, or, if Redis lost
    this process's counts meanwhile (restarted, or away past the TTL), writes them again from
    its own connections, and presence is announced again.
    """

    def __init__(self, url: str, host: str | None = None) -> None:
        super().__init__()
        import redis  # only with a queue: without one the app needs no Redis client

        self.redis = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self._away_errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self.host = host or HOST_ID
        self._open_script = self.redis.register_script(_LUA_OPEN)
        self._close_script = self.redis.register_script(_LUA_CLOSE)
        self._connected_script = self.redis.register_script(_LUA_CONNECTED)
        self._away = False
        self._unsent: list[Connection] = []  # closes Redis did not take while it was away
        self._secret: bytes | None = None  # the tags' key, read from Redis (module docstring)
        try:
            self.beat()
        except self._away_errors:
            self._went_away()

    # keys
    SECRET_KEY = f"{PREFIX}secret"

    def _load_secret(self) -> None:
        """The tags' key: this process's if it is the first, else the one already there."""
        self.redis.set(self.SECRET_KEY, os.urandom(32).hex(), nx=True)
        self._secret = str(self.redis.get(self.SECRET_KEY)).encode()

    def _tag(self, kind: str, value: str) -> str:
        assert self._secret is not None, "loaded by the first beat, before anything is counted"
        return hmac.new(self._secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def _token_key(self, token_hash: str) -> str:
        return f"{PREFIX}connections:token:{self._tag('token', token_hash)}"

    def _address_key(self, address: str) -> str:
        return f"{PREFIX}connections:address:{self._tag('address', address)}"

    def _presence_key(self, workshop_id: str) -> str:
        return f"{PREFIX}presence:{workshop_id}"

    def _workshops_key(self, host: str) -> str:
        return f"{PREFIX}workshops-of:{host}"

    def _host_key(self, host: str) -> str:
        return f"{PREFIX}host:{host}"

    @property
    def away(self) -> bool:
        """Whether Redis stopped answering (until a heartbeat finds it again)."""
        return self._away

    def _went_away(self) -> None:
        if not self._away:  # one line for the outage, not one a beat
            log.warning("Redis does not answer: new connections are refused as busy until it does")
        self._away = True

    def start(self, spawn: Callable, sleep: Callable, on_presence_changed: Callable[[set[str]], None]) -> None:
        """Beat every few seconds; ``on_presence_changed`` gets the workshops whose presence may
        have changed: those of another process found dead, and this process's own once Redis
        answers again after an outage."""

        def keep_beating():
            while True:
                sleep(HEARTBEAT_SECONDS)
                try:
                    changed = self.beat()
                    changed |= self.reap()
                except self._away_errors:
                    self._went_away()  # the next beat tries again
                    continue
                except Exception:
                    log.exception("heartbeat failed")
                    continue
                if changed:
                    try:
                        on_presence_changed(changed)
                    except Exception:
                        log.exception("announcing presence failed")

        spawn(keep_beating)

    def beat(self) -> set[str]:
        """Say this process lives. If it had been given up for dead (or Redis lost its keys),
        count its connections again; after an outage, send the closes Redis missed. Returns
        the workshops whose presence may have changed meanwhile."""
        with self._lock:
            was = self.redis.set(self._host_key(self.host), 1, px=int(HOST_TTL_SECONDS * 1000), get=True)
            if was is None or self._secret is None:
                self._load_secret()  # Redis may have lost it with the rest: all read the new one
            # its key gone: given up for dead, or Redis restarted without its counts
            changed = self._restore() if was is None else self._send_unsent()
            if self._away:
                log.info("Redis answers again: connections are counted again")
                self._away = False
            return changed

    def _restore(self) -> set[str]:
        """Write this process's counts again from its own connections (under ``_lock``, held by
        the caller until the pipeline has run: a connection opened or closed meanwhile, its
        HINCRBY, would otherwise land between the snapshot and the HSETs, and be overwritten).
        The fields of connections closed while Redis was away go first."""
        conns = list(self._open.values())
        pipe = self.redis.pipeline(transaction=True)
        pipe.sadd(f"{PREFIX}hosts", self.host)
        for gone in self._unsent:
            pipe.hdel(self._token_key(gone.token_hash), self.host)
            pipe.hdel(self._address_key(gone.address), self.host)
            if gone.participant_id:
                pipe.hdel(self._presence_key(gone.workshop_id), f"{self.host} {gone.participant_id}")
        tokens = Counter(c.token_hash for c in conns)
        addresses = Counter(c.address for c in conns)
        people = Counter((c.workshop_id, c.participant_id) for c in conns if c.participant_id)
        ttl = int(COUNTS_TTL_SECONDS * 1000)
        for token_hash, n in tokens.items():
            pipe.hset(self._token_key(token_hash), self.host, n)
            pipe.pexpire(self._token_key(token_hash), ttl)
        for address, n in addresses.items():
            pipe.hset(self._address_key(address), self.host, n)
            pipe.pexpire(self._address_key(address), ttl)
        for (workshop_id, participant_id), n in people.items():
            pipe.hset(self._presence_key(workshop_id), f"{self.host} {participant_id}", n)
            pipe.sadd(self._workshops_key(self.host), workshop_id)
        pipe.execute()
        changed = {c.workshop_id for c in conns if c.participant_id}
        changed |= {c.workshop_id for c in self._unsent if c.participant_id}
        self._unsent.clear()
        return changed

    def _send_unsent(self) -> set[str]:
        """The closes Redis missed while away, one by one (each forgotten once sent)."""
        changed: set[str] = set()
        while self._unsent:
            if self._send_close(self._unsent[0]) == 0:
                changed.add(self._unsent[0].workshop_id)
            self._unsent.pop(0)
        return changed

    def _send_close(self, conn: Connection) -> int:
        left = self._close_script(
            keys=[
                self._token_key(conn.token_hash),
                self._address_key(conn.address),
                self._presence_key(conn.workshop_id),
            ],
            args=[PREFIX, self.host, conn.participant_id or ""],
        )
        return int(left)

    def reap(self) -> set[str]:
        """Take dead processes off the list; returns the workshops they had phones in (only
        the process that took a dead one off gets its workshops)."""
        lost: set[str] = set()
        for host in map(str, self.redis.smembers(f"{PREFIX}hosts")):  # str: decode_responses
            if host == self.host or self.redis.exists(self._host_key(host)):
                continue
            if self.redis.srem(f"{PREFIX}hosts", host):
                key = self._workshops_key(host)
                lost |= set(map(str, self.redis.smembers(key)))
                self.redis.delete(key)
        return lost

    def open(self, sid: str, conn: Connection, max_per_token: int, max_per_address: int) -> bool:
        # Held across the script, as beat holds it across a restore's pipeline: the two never
        # interleave, so a restore's HSET cannot overwrite this connection's HINCRBY.
        with self._lock:
            if self._away:  # not counted anywhere: refused until the heartbeat finds Redis
                raise SharedStateAway()
            try:
                answer = self._open_script(
                    keys=[
                        self._token_key(conn.token_hash),
                        self._address_key(conn.address),
                        self._presence_key(conn.workshop_id),
                        self._workshops_key(self.host),
                    ],
                    args=[
                        PREFIX,
                        self.host,
                        max_per_token,
                        max_per_address,
                        conn.participant_id or "",
                        conn.workshop_id,
                        int(COUNTS_TTL_SECONDS * 1000),
                    ],
                )
            except self._away_errors:
                self._went_away()
                raise SharedStateAway() from None
            if answer == -1:
                raise TooManyConnections("token")
            if answer == -2:
                raise TooManyConnections("address")
            self._open[sid] = conn
            return bool(answer == 1)

    def close(self, sid: str) -> tuple[Connection | None, bool]:
        """As ``Registry.close``; while Redis is away the close is kept for the heartbeat to
        send, and whether it was the participant's last is told then (presence)."""
        with self._lock:
            conn = self._open.pop(sid, None)
            if conn is None:
                return None, False
            if not self._away:
                try:
                    return conn, self._send_close(conn) == 0
                except self._away_errors:
                    self._went_away()
            self._unsent.append(conn)
            return conn, False

    def connected(self, workshop_id: str) -> set[str]:
        if not self._away:
            try:
                return set(self._connected_script(keys=[self._presence_key(workshop_id)], args=[PREFIX]))
            except self._away_errors:
                self._went_away()
        with self._lock:  # Redis away: who is connected here, until it answers again
            return {c.participant_id for c in self._open.values() if c.workshop_id == workshop_id and c.participant_id}


def registry_for(url: str | None) -> Registry:
    return RedisRegistry(url) if url else Registry()


class SweepLock:
    """Who runs the retention sweep: without a queue, this process; with one, the process that
    holds ``workshop:retention-sweep`` (SET NX PX, renewed by its holder every few seconds, also
    while a sweep runs: retention.Sweeper; when it dies, another takes over once the lock has
    run out)."""

    KEY = f"{PREFIX}retention-sweep"

    # Renew only while it is still ours (another may hold it since ours ran out).
    _RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

    def __init__(self, url: str | None, host: str | None = None, seconds: float = SWEEP_LOCK_SECONDS):
        self.host = host or HOST_ID
        self.ms = int(seconds * 1000)
        self.redis = None
        if url:
            import redis

            self.redis = redis.Redis.from_url(
                url,
                decode_responses=True,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            self._renew = self.redis.register_script(self._RENEW)
            self._away_errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._away = False

    @property
    def shared(self) -> bool:
        """Whether other processes may hold it (with a queue)."""
        return self.redis is not None

    def hold(self) -> bool:
        """Take or renew the lock; whether this process may sweep now (not while Redis does not
        answer: then nobody can know who holds it)."""
        if self.redis is None:
            return True
        try:
            if self._renew(keys=[self.KEY], args=[self.host, self.ms]):
                self._away = False
                return True
            taken = bool(self.redis.set(self.KEY, self.host, nx=True, px=self.ms))
        except self._away_errors:
            if not self._away:  # one line for the outage
                log.warning("Redis does not answer: no retention sweep until it does")
            self._away = True
            return False
        self._away = False
        return taken
