"""The only package that speaks SQL: the schema and its migrations, every read and every write.

One connection per process, used under one lock, in WAL mode. Several processes may share the
file (with a message queue): a write waits for another process's write without holding up this
process's other green threads (see ``Store.transaction``). Reads are methods of the store;
writes are methods of a transaction, and there is no other way to write::

    with store.transaction() as tx:          # committed on exit, before any acknowledgement
        card = tx.add_card(workshop_id, new)
        version = tx.bump_version(workshop_id)

    with store.transaction(erasing=True) as tx:   # committed, then scrubbed from the disk
        tx.delete_card(workshop_id, card_id)

Rows come back in the shapes of workshop/rows.py.

- ``migrations.py``: the schema, one step per release
- ``reads.py``: every read, and SQLite rows into those shapes
- ``transaction.py``: every write
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlite_utils

from ..clock import Clock
from ..model import WorkshopError
from .migrations import JOURNAL_SIZE_LIMIT, MIGRATIONS, ORIGIN_TABLES, TABLES
from .reads import Reads
from .transaction import Transaction, TransactionClosed

__all__ = [
    "JOURNAL_SIZE_LIMIT",
    "MIGRATIONS",
    "ORIGIN_TABLES",
    "TABLES",
    "Store",
    "StoreBusy",
    "Transaction",
    "TransactionClosed",
]


log = logging.getLogger(__name__)

#: How long one SQLite call may wait for another process's lock, blocking its event loop: short.
BUSY_TIMEOUT_SECONDS = 0.05
#: How long a write waits in all for another process's write (yielding between tries), then
#: gives up with ``busy``.
BUSY_DEADLINE_SECONDS = 5.0
#: The longest pause between two background tries of a scrub that could not finish.
SCRUB_RETRY_MAX_SECONDS = 5.0


def _in_a_thread(work: Callable[[], None]) -> None:
    """A daemon thread: under eventlet or gevent (app.py patches threading first) a green one."""
    threading.Thread(target=work, name="wal-scrub", daemon=True).start()


class StoreBusy(WorkshopError):
    """Another process held the database's write lock for longer than a write may wait."""

    def __init__(self) -> None:
        super().__init__("busy", "The server is busy. Try again in a moment.", 503)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


class Store(Reads):
    """The workshop database. Every method is safe to call from any green thread or thread.

    ``sleep`` is how a write waits between tries for another process's lock: ``time.sleep``,
    which yields to other green threads under eventlet or gevent (app.py patches it first) and
    only sleeps this thread otherwise. ``spawn`` runs a scrub that could not finish at once in
    the background (a daemon thread, green under eventlet or gevent).
    """

    def __init__(
        self,
        path: str,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
        busy_deadline: float = BUSY_DEADLINE_SECONDS,
        spawn: Callable[[Callable[[], None]], None] = _in_a_thread,
    ):
        #: The one clock: every stamp the store writes, and (through it) the service's time.
        self.clock = clock or Clock()
        self._sleep = sleep
        self._spawn = spawn
        self.busy_deadline = busy_deadline
        self._scrub_pending = False  # a scrub is being retried in the background
        if path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # A short busy timeout: SQLite's own wait blocks the whole event loop, so it is kept to a
        # moment and longer waits happen between tries, yielding (_begin_writing).
        conn = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS)
        conn.row_factory = sqlite3.Row
        self.db = sqlite_utils.Database(conn)
        # One lock: SQLite calls never yield to other green threads, but a transaction spans
        # several calls, and under real threads (tests) they must not interleave.
        self._lock = threading.RLock()
        self._current: Transaction | None = None
        self._retrying_while_busy(lambda: self.db.execute("PRAGMA journal_mode=WAL"))
        self.db.execute("PRAGMA synchronous=NORMAL")  # durable at each commit in WAL across app crashes
        self.db.execute("PRAGMA foreign_keys=ON")
        # Erasure is physical: deleted rows are overwritten with zeros in the database file, and
        # after each erasure the write-ahead log (which still holds the old pages) is
        # checkpointed and truncated (scrub). The limit keeps the log small between erasures.
        self.db.execute("PRAGMA secure_delete=ON")
        self.db.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
        self.migrate()

    def migrate(self) -> int:
        """Run the migrations not yet run; returns the schema version. Processes starting
        together take turns: each reads the version under the write lock."""
        self._begin_writing()
        try:
            current = self._value("PRAGMA user_version")
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                with self.db.atomic():  # a savepoint for each step
                    for statement in script.split(";"):
                        if statement.strip():
                            self.db.conn.execute(statement)
                    self.db.conn.execute(f"PRAGMA user_version = {number}")
            self.db.conn.execute("COMMIT")
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
            raise
        finally:
            self._lock.release()
        return len(MIGRATIONS)

    def _retrying_while_busy(self, attempt: Callable[[], object]) -> None:
        """Run ``attempt`` (under the lock) until another process's lock lets it through,
        sleeping between tries without the lock, up to the deadline; then ``StoreBusy``."""
        deadline = time.monotonic() + self.busy_deadline
        pause = 0.005
        while True:
            with self._lock:
                try:
                    attempt()
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
            if time.monotonic() >= deadline:
                raise StoreBusy()
            self._sleep(pause)
            pause = min(pause * 2, 0.1)

    def _begin_writing(self) -> None:
        """``BEGIN IMMEDIATE`` (the write lock, taken now, so no write fails half-way on another
        process's lock), waiting for it as long as the deadline allows; returns holding
        ``self._lock`` (the caller releases it after COMMIT or ROLLBACK).

        Between tries this process's lock is let go and the thread sleeps, so other green
        threads (reads, other workshops' events) go on meanwhile."""
        deadline = time.monotonic() + self.busy_deadline
        pause = 0.005
        while True:
            self._lock.acquire()
            if self._current is not None:
                self._lock.release()
                raise RuntimeError("a transaction is already open: pass it on instead of opening another")
            try:
                self.db.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                self._lock.release()
                if not _is_busy(exc):
                    raise
            except BaseException:
                self._lock.release()
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy()
            self._sleep(pause)
            pause = min(pause * 2, 0.1)

    @contextmanager
    def transaction(self, erasing: bool = False) -> Iterator[Transaction]:
        """One short transaction, committed on exit (so before any acknowledgement or broadcast),
        rolled back on an exception. With ``erasing``, it erases personal data: once committed,
        the write-ahead log is scrubbed, so the erased bytes are nowhere on the disk; an erasure
        that committed never fails: when the scrub cannot finish (another process keeps reading),
        it goes on in the background until it does (``scrub_soon``).

        Transactions do not nest: a use case opens one and passes it to its helpers.

        When another process holds the write lock, this waits for it (yielding, see
        ``_begin_writing``) for up to ``busy_deadline`` seconds, then raises ``StoreBusy``
        (``busy``, 503) rather than hang.
        """
        self._begin_writing()
        try:
            tx = self._current = Transaction(self.db, self._lock, self.clock)
            try:
                yield tx
                self.db.conn.execute("COMMIT")
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                raise
            finally:
                tx._close()
                self._current = None
        finally:
            self._lock.release()
        if erasing:
            try:
                self.scrub()
            except StoreBusy:  # committed: the request succeeds; the log is scrubbed later
                self.scrub_soon()

    def scrub_soon(self) -> None:
        """Scrub in the background, trying again (with growing pauses) until it succeeds. One
        at a time: a scrub that succeeds covers every erasure before it."""
        with self._lock:
            if self._scrub_pending:
                return
            self._scrub_pending = True
        log.warning("erasure committed; the write-ahead log is busy and is scrubbed in the background")

        def keep_trying() -> None:
            tries, pause = 0, 0.1
            try:
                while True:
                    self._sleep(pause)
                    tries += 1
                    try:
                        self.scrub()
                    except StoreBusy:
                        pause = min(pause * 2, SCRUB_RETRY_MAX_SECONDS)
                        continue
                    except sqlite3.ProgrammingError:  # the store was closed meanwhile
                        return
                    log.info("write-ahead log scrubbed after %d background tries", tries)  # counts only
                    return
            except Exception:
                log.exception("background scrub of the write-ahead log failed")
            finally:
                with self._lock:
                    self._scrub_pending = False

        self._spawn(keep_trying)

    def scrub(self) -> None:
        """After an erasure: copy the log into the database and truncate it to nothing.

        With ``secure_delete`` the database file no longer holds the erased bytes once the log's
        pages are written back; truncating the log removes its copies of the old pages. Called
        outside a transaction, right after the one that erased (so before it is acknowledged).
        While another process reads or writes, the checkpoint cannot finish: it is tried again
        (yielding between tries) until it does, or ``StoreBusy`` (after an erasing transaction,
        then ``scrub_soon``).
        """

        def checkpoint() -> None:
            busy, _, _ = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                raise sqlite3.OperationalError("database is busy")  # tried again

        self._retrying_while_busy(checkpoint)

    def close(self) -> None:
        with self._lock:
            self.db.close()
