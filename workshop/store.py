"""The only module that speaks SQL: the schema, its migrations, and every read and write.

One connection per process, used under one lock, in WAL mode: every write is a short
transaction (``db.atomic()``) that is committed before its caller acknowledges or broadcasts it.
Functions return plain dicts shaped as the protocol documents them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from . import model
from .clock import Clock

# Each step runs once, in order; PRAGMA user_version records how many have run.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE workshops (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        language TEXT NOT NULL,
        phase TEXT NOT NULL DEFAULT 'join',
        version INTEGER NOT NULL DEFAULT 0,
        prompts TEXT NOT NULL,
        facilitator_token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE goals (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        position INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX goals_workshop ON goals(workshop_id, position);
    CREATE TABLE participants (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        color INTEGER NOT NULL,
        joined_at TEXT NOT NULL,
        UNIQUE (workshop_id, name_key)
    );
    CREATE TABLE cards (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        about TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        author TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        prompt INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX cards_workshop ON cards(workshop_id, created_at);
    CREATE TABLE links (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        goal_id TEXT NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        created_by TEXT REFERENCES participants(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        UNIQUE (card_id, goal_id)
    );
    CREATE INDEX links_workshop ON links(workshop_id, created_at);
    """,
    # Privacy: each drive's visibility, each strength's consent and signature (issue 3).
    """
    ALTER TABLE workshops ADD COLUMN default_visibility TEXT NOT NULL DEFAULT 'named';
    ALTER TABLE cards ADD COLUMN visibility TEXT NOT NULL DEFAULT 'named';
    ALTER TABLE cards ADD COLUMN status TEXT NOT NULL DEFAULT 'accepted';
    ALTER TABLE cards ADD COLUMN signed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX cards_about ON cards(about);
    CREATE INDEX cards_author ON cards(author);
    """,
    # Running the room (issue 4): timer, reveal, joining lock, moderation, "done", link types,
    # endorsements, the strength round's assignments, and agreements on links.
    """
    ALTER TABLE workshops ADD COLUMN timer_ends_at TEXT;
    ALTER TABLE workshops ADD COLUMN timer_seconds INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE workshops ADD COLUMN timer_lock INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE workshops ADD COLUMN revealed INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE workshops ADD COLUMN joining_locked INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cards ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE participants ADD COLUMN done TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE links ADD COLUMN type TEXT NOT NULL DEFAULT 'energises';
    CREATE TABLE endorsements (
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        link_id TEXT NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (link_id, participant_id)
    );
    CREATE INDEX endorsements_workshop ON endorsements(workshop_id);
    CREATE TABLE assignments (
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        giver TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        receiver TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (workshop_id, giver, receiver)
    );
    CREATE TABLE agreements (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        link_id TEXT NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        owner TEXT REFERENCES participants(id) ON DELETE SET NULL,
        due TEXT,
        done INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX agreements_workshop ON agreements(workshop_id, created_at);
    """,
    # Afterwards (issue 5): the team's read-only link, follow-ups that start from the last
    # workshop (origin ids point at the rows they were copied from), check-ins, retention.
    """
    ALTER TABLE workshops ADD COLUMN team_token_hash TEXT;
    ALTER TABLE workshops ADD COLUMN previous_id TEXT REFERENCES workshops(id) ON DELETE SET NULL;
    ALTER TABLE workshops ADD COLUMN closed_at TEXT;
    ALTER TABLE goals ADD COLUMN origin_id TEXT;
    ALTER TABLE participants ADD COLUMN origin_id TEXT;
    ALTER TABLE cards ADD COLUMN origin_id TEXT;
    ALTER TABLE links ADD COLUMN origin_id TEXT;
    ALTER TABLE agreements ADD COLUMN origin_id TEXT;
    CREATE INDEX workshops_team_token ON workshops(team_token_hash);
    CREATE INDEX workshops_previous ON workshops(previous_id);
    CREATE INDEX participants_origin ON participants(origin_id);
    CREATE TABLE checkins (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        opened_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE TABLE checkin_answers (
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        checkin_id TEXT NOT NULL REFERENCES checkins(id) ON DELETE CASCADE,
        link_id TEXT NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        rating INTEGER NOT NULL,
        comment TEXT,
        answered_at TEXT NOT NULL,
        PRIMARY KEY (checkin_id, link_id, participant_id)
    );
    """,
    # Ids of deleted cards and links, so a late replay of their creation (a phone that resends
    # after someone else deleted it) cannot bring them back.
    """
    CREATE TABLE tombstones (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE
    );
    CREATE INDEX tombstones_workshop ON tombstones(workshop_id);
    """,
    # Privacy against an insider (issue 10): retention counts from the last activity (a workshop
    # never closed expires too); a read-only board credential for the projector; a one-time
    # sign-in code for the facilitator's secret link; a strength reworded by its person is no
    # longer signed by its author.
    """
    ALTER TABLE workshops ADD COLUMN last_active_at TEXT;
    UPDATE workshops SET last_active_at = coalesce(closed_at, created_at);
    ALTER TABLE workshops ADD COLUMN board_token_hash TEXT;
    ALTER TABLE workshops ADD COLUMN signin_hash TEXT;
    CREATE INDEX workshops_board_token ON workshops(board_token_hash);
    CREATE INDEX workshops_signin ON workshops(signin_hash);
    ALTER TABLE cards ADD COLUMN reworded INTEGER NOT NULL DEFAULT 0;
    """,
]

#: Bytes the write-ahead log may keep after a checkpoint (it is truncated to this size).
JOURNAL_SIZE_LIMIT = 1024 * 1024

TABLES = (
    "workshops",
    "goals",
    "participants",
    "cards",
    "links",
    "endorsements",
    "assignments",
    "agreements",
    "checkins",
    "checkin_answers",
    "tombstones",
)
# Rows copied into a follow-up remember where they came from; erasing the original forgets that.
ORIGIN_TABLES = ("goals", "participants", "cards", "links", "agreements")


def _goal(row) -> dict:
    return {"id": row["id"], "kind": row["kind"], "text": row["text"], "position": row["position"]}


def _participant(row) -> dict:
    return {"id": row["id"], "name": row["name"], "color": row["color"], "done": json.loads(row["done"])}


def _card(row) -> dict:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "about": row["about"],
        "author": row["author"],
        "text": row["text"],
        "prompt": row["prompt"],
        "visibility": row["visibility"],
        "status": row["status"],
        "signed": bool(row["signed"]),
        "reworded": bool(row["reworded"]),
        "hidden": bool(row["hidden"]),
        "created_at": row["created_at"],
    }


def _link(row, endorsements=()) -> dict:
    return {
        "id": row["id"],
        "card_id": row["card_id"],
        "goal_id": row["goal_id"],
        "type": row["type"],
        "endorsements": list(endorsements),
        "created_by": row["created_by"],
        "created_at": row["created_at"],
    }


def _agreement(row) -> dict:
    return {
        "id": row["id"],
        "link_id": row["link_id"],
        "text": row["text"],
        "owner": row["owner"],
        "due": row["due"],
        "done": bool(row["done"]),
        "created_at": row["created_at"],
    }


def _workshop(row) -> dict:
    return {
        "id": row["id"],
        "code": row["code"],
        "title": row["title"],
        "language": row["language"],
        "phase": row["phase"],
        "version": row["version"],
        "prompts": json.loads(row["prompts"]),
        "default_visibility": row["default_visibility"],
        "timer_ends_at": row["timer_ends_at"],
        "timer_seconds": row["timer_seconds"],
        "timer_lock": bool(row["timer_lock"]),
        "revealed": bool(row["revealed"]),
        "joining_locked": bool(row["joining_locked"]),
        "team_link": row["team_token_hash"] is not None,
        "board_link": row["board_token_hash"] is not None,
        "previous_id": row["previous_id"],
        "closed_at": row["closed_at"],
        "created_at": row["created_at"],
        "last_active_at": row["last_active_at"],
    }


class Store:
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
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # durable at each commit in WAL across app crashes
        self.db.execute("PRAGMA foreign_keys=ON")
        # Erasure is physical: deleted rows are overwritten with zeros in the database file, and
        # after each erasure the write-ahead log (which still holds the old pages) is
        # checkpointed and truncated (scrub). The limit keeps the log small between erasures.
        self.db.execute("PRAGMA secure_delete=ON")
        self.db.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
        self.migrate()

    # --- plumbing -----------------------------------------------------------------------------

    def migrate(self) -> int:
        """Run the migrations not yet run; returns the schema version."""
        with self._lock:
            current = self.db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                with self.db.atomic():
                    for statement in script.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version = {number}")
            return len(MIGRATIONS)

    @contextmanager
    def atomic(self) -> Iterator[Store]:
        """One short transaction, committed on exit (so before any acknowledgement or broadcast)."""
        with self._lock, self.db.atomic():
            yield self

    @contextmanager
    def erasing(self) -> Iterator[Store]:
        """A transaction that erases personal data: committed, then scrubbed from the disk."""
        with self._lock:
            with self.atomic():
                yield self
            self.scrub()

    def _one(self, sql: str, params=()) -> sqlite3.Row | None:
        return self.db.conn.execute(sql, params).fetchone()

    def _all(self, sql: str, params=()) -> list:
        return self.db.conn.execute(sql, params).fetchall()

    def _insert(self, table: str, row: dict) -> sqlite3.Row:
        """One row in, the stored row (with its defaults) back, in a single statement.

        For the live write path: sqlite-utils' ``insert`` adds a schema lookup and a savepoint
        per call, which made a new card cost twice as long (bench/load.py, py-spy).
        """
        columns, marks = ", ".join(row), ", ".join("?" * len(row))
        return self._one(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING *", tuple(row.values()))

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

    def ping(self) -> bool:
        with self._lock:
            return self._one("SELECT 1")[0] == 1

    # --- workshops ----------------------------------------------------------------------------

    def create_workshop(
        self, title: str, language: str, goals: list[dict], token_hash: str, default_visibility: str = "named"
    ) -> dict:
        """Insert a workshop and its goals. Returns the workshop."""
        with self.atomic():
            code = model.new_code()
            while self._one("SELECT 1 FROM workshops WHERE code = ?", (code,)):
                code = model.new_code()
            workshop_id = model.new_id()
            created = self.clock.stamp()
            self.db["workshops"].insert(
                {
                    "id": workshop_id,
                    "code": code,
                    "title": title,
                    "language": language,
                    "phase": "join",
                    "version": 0,
                    "prompts": json.dumps(model.default_prompts(language), ensure_ascii=False),
                    "facilitator_token_hash": token_hash,
                    "created_at": created,
                    "last_active_at": created,
                    "default_visibility": default_visibility,
                }
            )
            for position, goal in enumerate(goals):
                self.db["goals"].insert(
                    {
                        "id": model.new_id(),
                        "workshop_id": workshop_id,
                        "kind": goal["kind"],
                        "text": goal["text"],
                        "position": position,
                        "created_at": created,
                    }
                )
            return self.workshop(workshop_id)

    def workshop(self, workshop_id: str) -> dict | None:
        with self._lock:
            row = self._one("SELECT * FROM workshops WHERE id = ?", (workshop_id,))
            return _workshop(row) if row else None

    def recent_workshops(self, limit: int = 5) -> list[dict]:
        with self._lock:
            rows = self._all("SELECT * FROM workshops ORDER BY created_at DESC LIMIT ?", (limit,))
            return [_workshop(r) for r in rows]

    def workshop_by_code(self, code: str) -> dict | None:
        with self._lock:
            row = self._one("SELECT * FROM workshops WHERE code = ?", (code,))
            return _workshop(row) if row else None

    def workshop_by_facilitator(self, token_hash: str) -> dict | None:
        with self._lock:
            row = self._one("SELECT * FROM workshops WHERE facilitator_token_hash = ?", (token_hash,))
            return _workshop(row) if row else None

    def bump_version(self, workshop_id: str) -> int:
        """Inside a transaction: the workshop's next version, which every change carries."""
        row = self._one(
            "UPDATE workshops SET version = version + 1, last_active_at = ? WHERE id = ? RETURNING version",
            (self.clock.stamp(), workshop_id),
        )
        return row[0]

    def set_phase(self, workshop_id: str, phase: str) -> None:
        """Inside a transaction; closing stamps closed_at (the retention clock), reopening clears it."""
        # A phase's timer ends with the phase: the next one starts without a clock (or a lock).
        self.db.execute(
            "UPDATE workshops SET phase = ?, closed_at = CASE WHEN ? = 'closed' THEN coalesce(closed_at, ?) ELSE NULL END, "
            "timer_ends_at = NULL, timer_seconds = 0, timer_lock = 0 WHERE id = ?",
            (phase, phase, self.clock.stamp(), workshop_id),
        )

    def set_default_visibility(self, workshop_id: str, visibility: str) -> None:
        self.update_workshop(workshop_id, default_visibility=visibility)

    def update_workshop(self, workshop_id: str, **fields) -> None:
        """Inside a transaction: change some of a workshop's settings."""
        allowed = {"default_visibility", "timer_ends_at", "timer_seconds", "timer_lock", "revealed", "joining_locked"}
        assert fields and set(fields) <= allowed, fields
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.db.execute(f"UPDATE workshops SET {assignments} WHERE id = ?", (*fields.values(), workshop_id))

    def delete_workshop(self, workshop_id: str) -> None:
        """Erase the workshop: the foreign keys cascade to every row about it, and follow-ups
        forget which of its rows theirs were copied from."""
        with self.atomic():
            for table in ORIGIN_TABLES:
                self.db.execute(
                    f"UPDATE {table} SET origin_id = NULL WHERE origin_id IN "
                    f"(SELECT id FROM {table} WHERE workshop_id = ?)",
                    (workshop_id,),
                )
            self.db.execute("DELETE FROM workshops WHERE id = ?", (workshop_id,))

    def follow_up_ids(self, workshop_id: str) -> list[str]:
        """Every workshop that follows this one, directly or through other follow-ups."""
        with self._lock:
            rows = self._all(
                "WITH RECURSIVE chain(id) AS (SELECT id FROM workshops WHERE previous_id = ? "
                "UNION SELECT w.id FROM workshops w JOIN chain ON w.previous_id = chain.id) SELECT id FROM chain",
                (workshop_id,),
            )
            return [r[0] for r in rows]

    def expired_chains(self, before: str) -> list[list[str]]:
        """Chains of workshops (an original and its follow-ups) whose retention ran out: every
        workshop in the chain was closed before ``before`` or has had no activity since then.
        Each chain is listed newest follow-up first, its original last."""
        with self._lock:
            rows = self._all("SELECT id, previous_id, phase, closed_at, last_active_at FROM workshops")
        previous = {r["id"]: r["previous_id"] for r in rows}

        def root(workshop_id: str) -> str:
            while previous.get(workshop_id) in previous:
                workshop_id = previous[workshop_id]
            return workshop_id

        chains: dict[str, list] = {}
        for row in rows:
            chains.setdefault(root(row["id"]), []).append(row)

        def expired(row) -> bool:
            closed = row["phase"] == "closed" and row["closed_at"] is not None and row["closed_at"] < before
            return closed or (row["last_active_at"] or "") < before

        return [
            [r["id"] for r in sorted(members, key=lambda r: r["last_active_at"] or "", reverse=True)]
            for members in chains.values()
            if all(expired(r) for r in members)
        ]

    def follow_up_count(self, workshop_id: str) -> int:
        return len(self.follow_up_ids(workshop_id))

    def seats_of(self, participant_id: str, earlier: bool) -> list[tuple[str, str]]:
        """A person's seats in other workshops of their chain, as ``(workshop_id, participant_id)``:
        in the follow-ups (seats copied from this one, and from those), and with ``earlier`` also
        in the workshops it follows and in their other follow-ups."""
        with self._lock:
            starts = [participant_id]
            if earlier:
                starts += [
                    r[0]
                    for r in self._all(
                        "WITH RECURSIVE seat(id, origin) AS (SELECT id, origin_id FROM participants WHERE id = ? "
                        "UNION SELECT p.id, p.origin_id FROM participants p JOIN seat ON p.id = seat.origin) "
                        "SELECT id FROM seat WHERE id != ?",
                        (participant_id, participant_id),
                    )
                ]
            seats: dict[tuple[str, str], None] = {}
            for start in starts:
                for row in self._all(
                    "WITH RECURSIVE seat(id) AS (SELECT ? UNION "
                    "SELECT p.id FROM participants p JOIN seat ON p.origin_id = seat.id) "
                    "SELECT p.workshop_id, p.id FROM participants p JOIN seat ON p.id = seat.id",
                    (start,),
                ):
                    seats.setdefault((row[0], row[1]))
            return [seat for seat in seats if seat[1] != participant_id]

    def create_follow_up(self, previous_id: str, title: str, token_hash: str) -> dict:
        """A new workshop that starts where ``previous_id`` ended: the same goals, the same people
        (who rejoin as themselves), their shared cards, links and agreements, each row remembering
        its origin so the follow-up's summary can show what changed."""
        with self.atomic():
            old = self.workshop(previous_id)
            snap = self.snapshot(previous_id)
            new = self.create_workshop(title, old["language"], [], token_hash, old["default_visibility"])
            wid, stamp = new["id"], self.clock.stamp()
            self.db.execute(
                "UPDATE workshops SET previous_id = ?, prompts = ? WHERE id = ?",
                (previous_id, json.dumps(old["prompts"], ensure_ascii=False), wid),
            )
            ids: dict[str, str] = {}
            for goal in snap["goals"]:
                ids[goal["id"]] = model.new_id()
                self.db["goals"].insert(
                    {
                        "id": ids[goal["id"]],
                        "workshop_id": wid,
                        "kind": goal["kind"],
                        "text": goal["text"],
                        "position": goal["position"],
                        "created_at": stamp,
                        "origin_id": goal["id"],
                    }
                )
            for person in snap["participants"]:
                ids[person["id"]] = model.new_id()
                self.db["participants"].insert(
                    {
                        "id": ids[person["id"]],
                        "workshop_id": wid,
                        "name": person["name"],
                        "name_key": model.name_key(person["name"]),
                        # Nobody holds this token: the person claims their seat by rejoining (rejoin()).
                        "token_hash": model.hash_token(model.new_token()),
                        "color": person["color"],
                        "joined_at": stamp,
                        "origin_id": person["id"],
                    }
                )
            for card in snap["cards"]:
                if card["status"] != "accepted":
                    continue
                ids[card["id"]] = model.new_id()
                self.db["cards"].insert(
                    {
                        "id": ids[card["id"]],
                        "workshop_id": wid,
                        "kind": card["kind"],
                        "about": ids[card["about"]],
                        "author": ids[card["author"]],
                        "text": card["text"],
                        "prompt": card["prompt"],
                        "visibility": card["visibility"],
                        "status": "accepted",
                        "signed": int(card["signed"]),
                        "reworded": int(card["reworded"]),
                        "hidden": int(card["hidden"]),
                        "created_at": stamp,
                        "updated_at": stamp,
                        "origin_id": card["id"],
                    }
                )
            for link in snap["links"]:
                if link["card_id"] not in ids:
                    continue
                ids[link["id"]] = model.new_id()
                self.db["links"].insert(
                    {
                        "id": ids[link["id"]],
                        "workshop_id": wid,
                        "card_id": ids[link["card_id"]],
                        "goal_id": ids[link["goal_id"]],
                        "type": link["type"],
                        "created_by": ids.get(link["created_by"]),
                        "created_at": stamp,
                        "origin_id": link["id"],
                    }
                )
            for agreement in snap["agreements"]:
                if agreement["link_id"] not in ids:
                    continue
                self.db["agreements"].insert(
                    {
                        "id": model.new_id(),
                        "workshop_id": wid,
                        "link_id": ids[agreement["link_id"]],
                        "text": agreement["text"],
                        "owner": ids.get(agreement["owner"]),
                        "due": agreement["due"],
                        "done": int(agreement["done"]),
                        "created_at": stamp,
                        "updated_at": stamp,
                        "origin_id": agreement["id"],
                    }
                )
            return self.workshop(wid)

    def rejoin(self, workshop_id: str, previous_participant_id: str, token_hash: str) -> dict | None:
        """Inside a transaction: the person of a previous workshop takes their seat in this
        follow-up with a new token (an earlier token for the seat stops working)."""
        row = self._one(
            "SELECT id FROM participants WHERE workshop_id = ? AND origin_id = ?",
            (workshop_id, previous_participant_id),
        )
        if row is None:
            return None
        self.db.execute("UPDATE participants SET token_hash = ? WHERE id = ?", (token_hash, row[0]))
        return self.participant(workshop_id, row[0])

    def origins(self, workshop_id: str) -> dict:
        """For a follow-up: which of its cards, links and agreements came from the previous workshop."""
        with self._lock:
            return {
                "cards": {
                    r[0]: r[1]
                    for r in self._all(
                        "SELECT id, origin_id FROM cards WHERE workshop_id = ? AND origin_id IS NOT NULL",
                        (workshop_id,),
                    )
                },
                "links": {
                    r[0]: r[1]
                    for r in self._all(
                        "SELECT id, origin_id FROM links WHERE workshop_id = ? AND origin_id IS NOT NULL",
                        (workshop_id,),
                    )
                },
                "agreements": {
                    r[0]: r[1]
                    for r in self._all(
                        "SELECT id, origin_id FROM agreements WHERE workshop_id = ? AND origin_id IS NOT NULL",
                        (workshop_id,),
                    )
                },
            }

    # --- check-ins ------------------------------------------------------------------------------

    def open_checkin(self, workshop_id: str) -> dict:
        self.db.execute(
            "UPDATE checkins SET closed_at = ? WHERE workshop_id = ? AND closed_at IS NULL",
            (self.clock.stamp(), workshop_id),
        )
        checkin = {"id": model.new_id(), "workshop_id": workshop_id, "opened_at": self.clock.stamp(), "closed_at": None}
        self.db["checkins"].insert(checkin)
        return self.checkin(checkin["id"])

    def close_checkins(self, workshop_id: str) -> None:
        self.db.execute(
            "UPDATE checkins SET closed_at = ? WHERE workshop_id = ? AND closed_at IS NULL",
            (self.clock.stamp(), workshop_id),
        )

    def checkin(self, checkin_id: str) -> dict | None:
        row = self._one("SELECT * FROM checkins WHERE id = ?", (checkin_id,))
        return {k: row[k] for k in ("id", "opened_at", "closed_at")} if row else None

    def open_checkin_of(self, workshop_id: str) -> dict | None:
        with self._lock:
            row = self._one("SELECT id FROM checkins WHERE workshop_id = ? AND closed_at IS NULL", (workshop_id,))
            return self.checkin(row[0]) if row else None

    def answer_checkin(
        self, workshop_id: str, checkin_id: str, link_id: str, participant_id: str, rating: int, comment: str | None
    ) -> dict:
        self.db.execute(
            "INSERT INTO checkin_answers (workshop_id, checkin_id, link_id, participant_id, rating, comment, answered_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (checkin_id, link_id, participant_id) "
            "DO UPDATE SET rating = excluded.rating, comment = excluded.comment, answered_at = excluded.answered_at",
            (workshop_id, checkin_id, link_id, participant_id, rating, comment, self.clock.stamp()),
        )
        return {
            "checkin_id": checkin_id,
            "link_id": link_id,
            "participant_id": participant_id,
            "rating": rating,
            "comment": comment,
        }

    def checkins(self, workshop_id: str) -> list[dict]:
        """Every check-in of a workshop, oldest first, with its answers."""
        with self._lock:
            result = []
            for row in self._all(
                "SELECT * FROM checkins WHERE workshop_id = ? ORDER BY opened_at, rowid", (workshop_id,)
            ):
                answers = [
                    {
                        "link_id": a["link_id"],
                        "participant_id": a["participant_id"],
                        "rating": a["rating"],
                        "comment": a["comment"],
                    }
                    for a in self._all(
                        "SELECT * FROM checkin_answers WHERE checkin_id = ? ORDER BY rowid", (row["id"],)
                    )
                ]
                result.append(
                    {"id": row["id"], "opened_at": row["opened_at"], "closed_at": row["closed_at"], "answers": answers}
                )
            return result

    # --- the team's read-only link -------------------------------------------------------------

    def set_team_token(self, workshop_id: str, token_hash: str | None) -> None:
        with self.atomic():
            self.db.execute("UPDATE workshops SET team_token_hash = ? WHERE id = ?", (token_hash, workshop_id))

    def workshop_by_team_token(self, token_hash: str) -> dict | None:
        with self._lock:
            row = self._one("SELECT * FROM workshops WHERE team_token_hash = ?", (token_hash,))
            return _workshop(row) if row else None

    # --- credentials: the board's key, the one-time sign-in code, the facilitator's key ------

    def set_board_token(self, workshop_id: str, token_hash: str | None) -> None:
        with self.atomic():
            self.db.execute("UPDATE workshops SET board_token_hash = ? WHERE id = ?", (token_hash, workshop_id))

    def workshop_by_board_token(self, token_hash: str) -> dict | None:
        with self._lock:
            row = self._one("SELECT * FROM workshops WHERE board_token_hash = ?", (token_hash,))
            return _workshop(row) if row else None

    def board_token_hash(self, workshop_id: str) -> str | None:
        with self._lock:
            row = self._one("SELECT board_token_hash FROM workshops WHERE id = ?", (workshop_id,))
            return row["board_token_hash"] if row else None

    def set_signin(self, workshop_id: str, value: str | None) -> None:
        """The pending sign-in code: ``<sha256 of the code>:<the facilitator key, wrapped by it>``."""
        with self.atomic():
            self.db.execute("UPDATE workshops SET signin_hash = ? WHERE id = ?", (value, workshop_id))

    def signin_of(self, workshop_id: str) -> str | None:
        with self._lock:
            row = self._one("SELECT signin_hash FROM workshops WHERE id = ?", (workshop_id,))
            return row["signin_hash"] if row else None

    def take_signin(self, workshop_id: str, value: str) -> bool:
        """Use up the pending sign-in code, if it is still ``value``: true for the one caller who did."""
        with self.atomic():
            row = self._one(
                "UPDATE workshops SET signin_hash = NULL WHERE id = ? AND signin_hash = ? RETURNING id",
                (workshop_id, value),
            )
            return row is not None

    def facilitator_token_hash(self, workshop_id: str) -> str | None:
        with self._lock:
            row = self._one("SELECT facilitator_token_hash FROM workshops WHERE id = ?", (workshop_id,))
            return row["facilitator_token_hash"] if row else None

    def set_facilitator_token(self, workshop_id: str, token_hash: str) -> None:
        """A new facilitator key: the old one (and any sign-in code made for it) stops working."""
        with self.atomic():
            self.db.execute(
                "UPDATE workshops SET facilitator_token_hash = ?, signin_hash = NULL WHERE id = ?",
                (token_hash, workshop_id),
            )

    def count_rows(self, workshop_id: str) -> int:
        """How many rows in the whole database still belong to this workshop (0 after erasure)."""
        with self._lock:
            total = self._one("SELECT count(*) FROM workshops WHERE id = ?", (workshop_id,))[0]
            for table in TABLES[1:]:
                total += self._one(f"SELECT count(*) FROM {table} WHERE workshop_id = ?", (workshop_id,))[0]
            return total

    # --- participants ---------------------------------------------------------------------

    def participant_names(self, workshop_id: str) -> dict[str, str]:
        """Every participant's name by id, in joining order (to refuse look-alike names)."""
        with self._lock:
            return {
                r[0]: r[1]
                for r in self._all(
                    "SELECT id, name FROM participants WHERE workshop_id = ? ORDER BY rowid", (workshop_id,)
                )
            }

    def add_participant(self, workshop_id: str, name: str, token_hash: str) -> dict | None:
        """Inside a transaction: insert a participant, or return None when the name is taken."""
        key = model.name_key(name)
        if self._one("SELECT 1 FROM participants WHERE workshop_id = ? AND name_key = ?", (workshop_id, key)):
            return None
        count = self._one("SELECT count(*) FROM participants WHERE workshop_id = ?", (workshop_id,))[0]
        participant_id = model.new_id()
        self.db["participants"].insert(
            {
                "id": participant_id,
                "workshop_id": workshop_id,
                "name": name,
                "name_key": key,
                "token_hash": token_hash,
                "color": count % model.PALETTE_SIZE,
                "joined_at": self.clock.stamp(),
            }
        )
        return self.participant(workshop_id, participant_id)

    def participant(self, workshop_id: str, participant_id: str) -> dict | None:
        with self._lock:
            row = self._one(
                "SELECT * FROM participants WHERE workshop_id = ? AND id = ?",
                (workshop_id, participant_id),
            )
            return _participant(row) if row else None

    def participant_by_token(self, token_hash: str) -> tuple[dict, dict] | None:
        """The participant holding this token, with their workshop."""
        with self._lock:
            row = self._one("SELECT * FROM participants WHERE token_hash = ?", (token_hash,))
            if row is None:
                return None
            return _participant(row), self.workshop(row["workshop_id"])

    def rename_participant(self, workshop_id: str, participant_id: str, name: str) -> dict | None:
        """Inside a transaction: rename, or return None when the name is someone else's."""
        key = model.name_key(name)
        if self._one(
            "SELECT 1 FROM participants WHERE workshop_id = ? AND name_key = ? AND id != ?",
            (workshop_id, key, participant_id),
        ):
            return None
        self.db.execute("UPDATE participants SET name = ?, name_key = ? WHERE id = ?", (name, key, participant_id))
        return self.participant(workshop_id, participant_id)

    def set_done(self, workshop_id: str, participant_id: str, done: list[str]) -> dict:
        self.db.execute("UPDATE participants SET done = ? WHERE id = ?", (json.dumps(done), participant_id))
        return self.participant(workshop_id, participant_id)

    def participant_ids_in_order(self, workshop_id: str) -> list[str]:
        with self._lock:
            return [
                r[0]
                for r in self._all("SELECT id FROM participants WHERE workshop_id = ? ORDER BY rowid", (workshop_id,))
            ]

    def replace_assignments(self, workshop_id: str, pairs: list[tuple[str, str]]) -> list[dict]:
        self.db.execute("DELETE FROM assignments WHERE workshop_id = ?", (workshop_id,))
        for position, (giver, receiver) in enumerate(pairs):
            self.db["assignments"].insert(
                {"workshop_id": workshop_id, "giver": giver, "receiver": receiver, "position": position}
            )
        return self.assignments(workshop_id)

    def assignments(self, workshop_id: str) -> list[dict]:
        return [
            {"giver": r["giver"], "receiver": r["receiver"]}
            for r in self._all(
                "SELECT giver, receiver FROM assignments WHERE workshop_id = ? ORDER BY position", (workshop_id,)
            )
        ]

    def delete_participant(self, workshop_id: str, participant_id: str) -> tuple[list[dict], list[dict]]:
        """Inside a transaction: erase a person with every card by or about them and those cards'
        links. Returns the deleted cards and links (links they made elsewhere stay, unnamed)."""
        cards = [
            _card(r)
            for r in self._all(
                "SELECT * FROM cards WHERE workshop_id = ? AND (about = ? OR author = ?) ORDER BY rowid",
                (workshop_id, participant_id, participant_id),
            )
        ]
        links = []
        for card in cards:
            links += [
                _link(r) for r in self._all("SELECT * FROM links WHERE card_id = ? ORDER BY rowid", (card["id"],))
            ]
        self.bury(workshop_id, [c["id"] for c in cards] + [l["id"] for l in links])
        self.db.execute("DELETE FROM participants WHERE workshop_id = ? AND id = ?", (workshop_id, participant_id))
        return cards, links

    # --- goals --------------------------------------------------------------------------------

    def goal(self, workshop_id: str, goal_id: str) -> dict | None:
        with self._lock:
            row = self._one("SELECT * FROM goals WHERE workshop_id = ? AND id = ?", (workshop_id, goal_id))
            return _goal(row) if row else None

    def goal_id_taken(self, goal_id: str) -> bool:
        with self._lock:
            return self._one("SELECT 1 FROM goals WHERE id = ?", (goal_id,)) is not None

    def count_goals(self, workshop_id: str) -> int:
        return self._one("SELECT count(*) FROM goals WHERE workshop_id = ?", (workshop_id,))[0]

    def add_goal(self, workshop_id: str, goal_id: str, text: str, kind: str) -> dict:
        position = self._one("SELECT coalesce(max(position), -1) + 1 FROM goals WHERE workshop_id = ?", (workshop_id,))[
            0
        ]
        self.db["goals"].insert(
            {
                "id": goal_id,
                "workshop_id": workshop_id,
                "kind": kind,
                "text": text,
                "position": position,
                "created_at": self.clock.stamp(),
            }
        )
        return self.goal(workshop_id, goal_id)

    def update_goal(self, workshop_id: str, goal_id: str, **fields) -> dict:
        self.db["goals"].update(goal_id, fields)
        return self.goal(workshop_id, goal_id)

    def delete_goal(self, workshop_id: str, goal_id: str) -> list[str]:
        """Delete a goal; returns the ids of the links that went with it."""
        link_ids = [r[0] for r in self._all("SELECT id FROM links WHERE goal_id = ? ORDER BY id", (goal_id,))]
        self.db.execute("DELETE FROM goals WHERE workshop_id = ? AND id = ?", (workshop_id, goal_id))
        return link_ids

    # --- cards --------------------------------------------------------------------------------

    def card(self, card_id: str) -> dict | None:
        """A card by id, with its workshop id (callers check it belongs to theirs)."""
        with self._lock:
            row = self._one("SELECT * FROM cards WHERE id = ?", (card_id,))
            return {**_card(row), "workshop_id": row["workshop_id"]} if row else None

    def add_card(self, workshop_id: str, card: dict) -> dict:
        stamp = self.clock.stamp()
        return _card(
            self._insert(
                "cards",
                {
                    "id": card["id"],
                    "workshop_id": workshop_id,
                    "kind": card["kind"],
                    "about": card["about"],
                    "author": card["author"],
                    "text": card["text"],
                    "prompt": card.get("prompt"),
                    "visibility": card.get("visibility", "named"),
                    "status": card.get("status", "accepted"),
                    "signed": int(bool(card.get("signed", False))),
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
        )

    def update_card_text(self, card_id: str, text: str) -> dict:
        return self.update_card(card_id, text=text)

    def update_card(self, card_id: str, **fields) -> dict:
        """Change some of a card's text, visibility, status or signature."""
        allowed = {"text", "visibility", "status", "signed", "hidden", "reworded"}
        assert fields and set(fields) <= allowed, fields
        for flag in ("signed", "hidden", "reworded"):
            if flag in fields:
                fields[flag] = int(bool(fields[flag]))
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.db.execute(
            f"UPDATE cards SET {assignments}, updated_at = ? WHERE id = ?",
            (*fields.values(), self.clock.stamp(), card_id),
        )
        return _card(self._one("SELECT * FROM cards WHERE id = ?", (card_id,)))

    def link_ids_of_card(self, card_id: str) -> list[str]:
        return [r[0] for r in self._all("SELECT id FROM links WHERE card_id = ? ORDER BY id", (card_id,))]

    def delete_card(self, card_id: str) -> list[str]:
        """Delete a card (remembering its id and its links'); returns the ids of the links that went with it."""
        link_ids = [r[0] for r in self._all("SELECT id FROM links WHERE card_id = ? ORDER BY id", (card_id,))]
        row = self._one("SELECT workshop_id FROM cards WHERE id = ?", (card_id,))
        if row is not None:
            self.bury(row[0], [card_id, *link_ids])
        self.db.execute("DELETE FROM cards WHERE id = ?", (card_id,))
        return link_ids

    def bury(self, workshop_id: str, ids: list[str]) -> None:
        """Inside a transaction: remember ids that were deleted, so they are never made again."""
        for item_id in ids:
            self.db.execute("INSERT OR IGNORE INTO tombstones (id, workshop_id) VALUES (?, ?)", (item_id, workshop_id))

    def is_buried(self, item_id: str) -> bool:
        return self._one("SELECT 1 FROM tombstones WHERE id = ?", (item_id,)) is not None

    # --- links --------------------------------------------------------------------------------

    def _endorsers(self, link_id: str) -> list[str]:
        return [
            r[0]
            for r in self._all(
                "SELECT participant_id FROM endorsements WHERE link_id = ? ORDER BY created_at, rowid", (link_id,)
            )
        ]

    def link(self, link_id: str) -> dict | None:
        with self._lock:
            row = self._one("SELECT * FROM links WHERE id = ?", (link_id,))
            if row is None:
                return None
            return {**_link(row, self._endorsers(link_id)), "workshop_id": row["workshop_id"]}

    def link_between(self, card_id: str, goal_id: str) -> dict | None:
        row = self._one("SELECT * FROM links WHERE card_id = ? AND goal_id = ?", (card_id, goal_id))
        return _link(row, self._endorsers(row["id"])) if row else None

    def set_link_type(self, link_id: str, link_type: str) -> dict:
        self.db.execute("UPDATE links SET type = ? WHERE id = ?", (link_type, link_id))
        link = self.link(link_id)
        link.pop("workshop_id")
        return link

    def set_endorsement(self, workshop_id: str, link_id: str, participant_id: str, endorsed: bool) -> dict:
        if endorsed:
            self.db.execute(
                "INSERT OR IGNORE INTO endorsements (workshop_id, link_id, participant_id, created_at) VALUES (?, ?, ?, ?)",
                (workshop_id, link_id, participant_id, self.clock.stamp()),
            )
        else:
            self.db.execute(
                "DELETE FROM endorsements WHERE link_id = ? AND participant_id = ?", (link_id, participant_id)
            )
        link = self.link(link_id)
        link.pop("workshop_id")
        return link

    # --- agreements ---------------------------------------------------------------------------

    def agreement(self, agreement_id: str) -> dict | None:
        with self._lock:
            row = self._one("SELECT * FROM agreements WHERE id = ?", (agreement_id,))
            return {**_agreement(row), "workshop_id": row["workshop_id"]} if row else None

    def add_agreement(self, workshop_id: str, agreement: dict) -> dict:
        stamp = self.clock.stamp()
        return _agreement(
            self._insert(
                "agreements",
                {**agreement, "workshop_id": workshop_id, "done": 0, "created_at": stamp, "updated_at": stamp},
            )
        )

    def update_agreement(self, agreement_id: str, **fields) -> dict:
        allowed = {"text", "owner", "due", "done"}
        assert fields and set(fields) <= allowed, fields
        if "done" in fields:
            fields["done"] = int(bool(fields["done"]))
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.db.execute(
            f"UPDATE agreements SET {assignments}, updated_at = ? WHERE id = ?",
            (*fields.values(), self.clock.stamp(), agreement_id),
        )
        return _agreement(self._one("SELECT * FROM agreements WHERE id = ?", (agreement_id,)))

    def delete_agreement(self, agreement_id: str) -> None:
        self.db.execute("DELETE FROM agreements WHERE id = ?", (agreement_id,))

    def add_link(
        self, workshop_id: str, link_id: str, card_id: str, goal_id: str, created_by, link_type: str = "energises"
    ) -> dict:
        return _link(
            self._insert(
                "links",
                {
                    "id": link_id,
                    "workshop_id": workshop_id,
                    "card_id": card_id,
                    "goal_id": goal_id,
                    "type": link_type,
                    "created_by": created_by,
                    "created_at": self.clock.stamp(),
                },
            )
        )

    def delete_link(self, link_id: str) -> None:
        row = self._one("SELECT workshop_id FROM links WHERE id = ?", (link_id,))
        if row is not None:
            self.bury(row[0], [link_id])
        self.db.execute("DELETE FROM links WHERE id = ?", (link_id,))

    # --- the whole workshop ---------------------------------------------------------------

    def snapshot(self, workshop_id: str) -> dict | None:
        """Everything about a workshop, in one consistent read (the version matches the rows)."""
        with self.atomic():
            workshop = self.workshop(workshop_id)
            if workshop is None:
                return None
            params = (workshop_id,)
            endorsers: dict[str, list[str]] = {}
            for r in self._all(
                "SELECT link_id, participant_id FROM endorsements WHERE workshop_id = ? ORDER BY created_at, rowid",
                params,
            ):
                endorsers.setdefault(r[0], []).append(r[1])
            return {
                "workshop": workshop,
                "goals": [
                    _goal(r)
                    for r in self._all("SELECT * FROM goals WHERE workshop_id = ? ORDER BY position, rowid", params)
                ],
                "participants": [
                    _participant(r)
                    for r in self._all("SELECT * FROM participants WHERE workshop_id = ? ORDER BY rowid", params)
                ],
                "cards": [
                    _card(r) for r in self._all("SELECT * FROM cards WHERE workshop_id = ? ORDER BY rowid", params)
                ],
                "links": [
                    _link(r, endorsers.get(r["id"], ()))
                    for r in self._all("SELECT * FROM links WHERE workshop_id = ? ORDER BY rowid", params)
                ],
                "agreements": [
                    _agreement(r)
                    for r in self._all("SELECT * FROM agreements WHERE workshop_id = ? ORDER BY rowid", params)
                ],
                "assignments": self.assignments(workshop_id),
            }
