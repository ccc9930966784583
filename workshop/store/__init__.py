"""The only package that speaks SQL: the schema and its migrations, every read and every write.

One connection per process, used under one lock, in WAL mode. Reads are methods of the store;
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

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from ..clock import Clock
from .migrations import JOURNAL_SIZE_LIMIT, MIGRATIONS, ORIGIN_TABLES, TABLES
from .reads import Reads
from .transaction import Transaction, TransactionClosed

__all__ = [
    "JOURNAL_SIZE_LIMIT",
    "MIGRATIONS",
    "ORIGIN_TABLES",
    "TABLES",
    "Store",
    "Transaction",
    "TransactionClosed",
]


class Store(Reads):
    """The workshop database. Every method is safe to call from any green thread or thread."""

    def __init__(self, path: str, clock: Clock | None = None):
        #: The one clock: every stamp the store writes, and (through it) the service's time.
        self.clock = clock or Clock()
        if path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, timeout=5.0)
        conn.row_factory = sqlite3.Row
        self.db = sqlite_utils.Database(conn)
        # One lock: SQLite calls never yield to other green threads, but a transaction spans
        # several calls, and under real threads (tests) they must not interleave.
        self._lock = threading.RLock()
        self._current: Transaction | None = None
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # durable at each commit in WAL across app crashes
        self.db.execute("PRAGMA foreign_keys=ON")
        # Erasure is physical: deleted rows are overwritten with zeros in the database file, and
        # after each erasure the write-ahead log (which still holds the old pages) is
        # checkpointed and truncated (scrub). The limit keeps the log small between erasures.
        self.db.execute("PRAGMA secure_delete=ON")
        self.db.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
        self.migrate()

    def migrate(self) -> int:
        """Run the migrations not yet run; returns the schema version."""
        with self._lock:
            current = self._value("PRAGMA user_version")
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                with self.db.atomic():
                    for statement in script.split(";"):
                        if statement.strip():
                            self.db.conn.execute(statement)
                    self.db.conn.execute(f"PRAGMA user_version = {number}")
            return len(MIGRATIONS)

    @contextmanager
    def transaction(self, erasing: bool = False) -> Iterator[Transaction]:
        """One short transaction, committed on exit (so before any acknowledgement or broadcast),
        rolled back on an exception. With ``erasing``, it erases personal data: once committed,
        the write-ahead log is scrubbed, so the erased bytes are nowhere on the disk.

        Transactions do not nest: a use case opens one and passes it to its helpers.
        """
        with self._lock:
            if self._current is not None:
                raise RuntimeError("a transaction is already open: pass it on instead of opening another")
            tx = self._current = Transaction(self.db, self._lock, self.clock)
            try:
                with self.db.atomic():
                    yield tx
            finally:
                tx._close()
                self._current = None
            if erasing:
                self.scrub()

    def scrub(self) -> None:
        """After an erasure: copy the log into the database and truncate it to nothing.

        With ``secure_delete`` the database file no longer holds the erased bytes once the log's
        pages are written back; truncating the log removes its copies of the old pages. Called
        outside a transaction, right after the one that erased (so before it is acknowledged).
        """
        with self._lock:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self.db.close()
