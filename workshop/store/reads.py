"""Every read: SQLite rows into the shapes of workshop/rows.py.

``Reads`` is shared by the store (reads outside a transaction) and by a transaction (reads
inside it, which see its own writes). Each read takes the store's lock, so under real threads
it never interleaves with another thread's transaction; a read of several statements that must
agree (``snapshot``) runs in one read transaction of its own when it is not inside one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlite_utils

from ..clock import Clock
from ..rows import (
    Agreement,
    Ask,
    Assignment,
    Card,
    Checkin,
    CheckinAnswer,
    CheckinWithAnswers,
    Crossing,
    Device,
    Goal,
    Link,
    Member,
    Organisation,
    Origins,
    Participant,
    Proposal,
    SeatLink,
    Snapshot,
    Subscriber,
    Theme,
    Workshop,
)
from .migrations import TABLES

Params = Sequence[Any]

#: The tables whose ids a client may choose (a replayed creation brings its own id).
ID_TABLES = frozenset({"goals", "cards", "links", "agreements", "themes", "proposals", "crossings"})


def goal_row(row: sqlite3.Row) -> Goal:
    ask: Ask | None = None
    if row["ask_open"] is not None:
        ask = {
            "open": bool(row["ask_open"]),
            "text": row["ask_text"],
            "effort": row["ask_effort"],
            "owner_id": row["ask_owner"],
        }
    return {"id": row["id"], "kind": row["kind"], "text": row["text"], "position": row["position"], "ask": ask}


def participant_row(row: sqlite3.Row) -> Participant:
    return {"id": row["id"], "name": row["name"], "color": row["color"], "done": json.loads(row["done"])}


def card_row(row: sqlite3.Row) -> Card:
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
        "theme_id": row["theme_id"],
        "offered": bool(row["offered"]),
    }


def proposal_row(row: sqlite3.Row) -> Proposal:
    return {
        "id": row["id"],
        "goal_id": row["goal_id"],
        "card_id": row["card_id"],
        "kind": row["kind"],
        "type": row["type"],
        "note": row["note"],
        "made_by": row["made_by"],
        "status": row["status"],
        "created_at": row["created_at"],
        "decided_at": row["decided_at"],
        "link_id": row["link_id"],
        "decider": row["decided_by"],
    }


def theme_row(row: sqlite3.Row) -> Theme:
    return {"id": row["id"], "name": row["name"], "created_at": row["created_at"]}


def link_row(row: sqlite3.Row, endorsements: Sequence[str] = ()) -> Link:
    return {
        "id": row["id"],
        "card_id": row["card_id"],
        "goal_id": row["goal_id"],
        "type": row["type"],
        "endorsements": list(endorsements),
        "created_by": row["created_by"],
        "created_at": row["created_at"],
    }


def agreement_row(row: sqlite3.Row) -> Agreement:
    return {
        "id": row["id"],
        "link_id": row["link_id"],
        "text": row["text"],
        "owner": row["owner"],
        "due": row["due"],
        "done": bool(row["done"]),
        "created_at": row["created_at"],
    }


def workshop_row(row: sqlite3.Row) -> Workshop:
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
        "market_until": row["market_until"],
        "market_key": row["market_key_hash"] is not None,
        "organisation": (
            {"id": row["organisation_id"], "name": row["organisation_name"]}
            if "organisation_name" in row.keys() and row["organisation_id"] is not None  # noqa: SIM118 (a Row's "in" looks at values)
            else None
        ),
    }


def crossing_row(row: sqlite3.Row) -> Crossing:
    return {
        "id": row["id"],
        "organisation_id": row["organisation_id"],
        "workshop_id": row["workshop_id"],
        "goal_id": row["goal_id"],
        "card_workshop": row["card_workshop"],
        "card_id": row["card_id"],
        "kind": row["kind"],
        "type": row["type"],
        "note": row["note"],
        "made_in": row["made_in"],
        "made_by": row["made_by"],
        "status": row["status"],
        "decider": row["decided_by"],
        "created_at": row["created_at"],
        "decided_at": row["decided_at"],
    }


def organisation_row(row: sqlite3.Row) -> Organisation:
    return {"id": row["id"], "name": row["name"], "join_code": row["join_code"], "created_at": row["created_at"]}


#: A workshop with its organisation's name (the organisation is part of its settings).
WORKSHOP_WITH_ORGANISATION = (
    "SELECT w.*, o.name AS organisation_name FROM workshops w LEFT JOIN organisations o ON o.id = w.organisation_id"
)


def checkin_row(row: sqlite3.Row) -> Checkin:
    return {"id": row["id"], "opened_at": row["opened_at"], "closed_at": row["closed_at"]}


class Reads:
    """The read side of the database, over one connection guarded by one lock."""

    db: sqlite_utils.Database
    clock: Clock
    _lock: threading.RLock

    # --- plumbing -----------------------------------------------------------------------------

    def _one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self.db.conn.execute(sql, params).fetchone()
            return row

    def _all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.db.conn.execute(sql, params).fetchall()

    def _value(self, sql: str, params: Params = ()) -> Any:
        """The first column of a query that always returns a row (a count, an aggregate)."""
        row = self._one(sql, params)
        if row is None:
            raise LookupError(sql)
        return row[0]

    @contextmanager
    def _consistent(self) -> Iterator[None]:
        """Several reads that must agree: one read transaction (or the caller's transaction)."""
        with self._lock:
            if self.db.conn.in_transaction:
                yield
            else:
                with self.db.atomic():
                    yield

    def ping(self) -> bool:
        return bool(self._value("SELECT 1") == 1)

    def count_rows(self, workshop_id: str) -> int:
        """How many rows in the whole database still belong to this workshop (0 after erasure)."""
        with self._consistent():
            total = int(self._value("SELECT count(*) FROM workshops WHERE id = ?", (workshop_id,)))
            for table in TABLES[1:]:
                total += int(self._value(f"SELECT count(*) FROM {table} WHERE workshop_id = ?", (workshop_id,)))
            return total

    def id_taken(self, table: str, item_id: str) -> bool:
        """Whether an id a client chose is used already, in any workshop."""
        if table not in ID_TABLES:
            raise ValueError(f"no client-chosen ids in {table!r}")
        return self._one(f"SELECT 1 FROM {table} WHERE id = ?", (item_id,)) is not None

    # --- workshops ----------------------------------------------------------------------------

    def workshop(self, workshop_id: str) -> Workshop | None:
        row = self._one(f"{WORKSHOP_WITH_ORGANISATION} WHERE w.id = ?", (workshop_id,))
        return workshop_row(row) if row else None

    def recent_workshops(self, limit: int = 5) -> list[Workshop]:
        return [
            workshop_row(r) for r in self._all("SELECT * FROM workshops ORDER BY created_at DESC LIMIT ?", (limit,))
        ]

    def workshop_by_code(self, code: str) -> Workshop | None:
        row = self._one(f"{WORKSHOP_WITH_ORGANISATION} WHERE w.code = ?", (code,))
        return workshop_row(row) if row else None

    def workshop_by_facilitator(self, token_hash: str) -> Workshop | None:
        row = self._one("SELECT * FROM workshops WHERE facilitator_token_hash = ?", (token_hash,))
        return workshop_row(row) if row else None

    def workshop_by_team_token(self, token_hash: str) -> Workshop | None:
        row = self._one("SELECT * FROM workshops WHERE team_token_hash = ?", (token_hash,))
        return workshop_row(row) if row else None

    def workshop_by_market_key(self, token_hash: str) -> Workshop | None:
        row = self._one("SELECT * FROM workshops WHERE market_key_hash = ?", (token_hash,))
        return workshop_row(row) if row else None

    def workshop_by_board_token(self, token_hash: str) -> Workshop | None:
        row = self._one("SELECT * FROM workshops WHERE board_token_hash = ?", (token_hash,))
        return workshop_row(row) if row else None

    def _secret(self, column: str, workshop_id: str) -> str | None:
        if column not in ("board_token_hash", "signin_hash", "facilitator_token_hash"):
            raise ValueError(f"not a credential column: {column!r}")
        row = self._one(f"SELECT {column} FROM workshops WHERE id = ?", (workshop_id,))
        return row[0] if row else None

    def board_token_hash(self, workshop_id: str) -> str | None:
        return self._secret("board_token_hash", workshop_id)

    def signin_of(self, workshop_id: str) -> str | None:
        """The pending sign-in code: ``<sha256 of the code>:<the facilitator key, wrapped by it>``."""
        return self._secret("signin_hash", workshop_id)

    def facilitator_token_hash(self, workshop_id: str) -> str | None:
        return self._secret("facilitator_token_hash", workshop_id)

    def follow_up_ids(self, workshop_id: str) -> list[str]:
        """Every workshop that follows this one, directly or through other follow-ups."""
        rows = self._all(
            "WITH RECURSIVE chain(id) AS (SELECT id FROM workshops WHERE previous_id = ? "
            "UNION SELECT w.id FROM workshops w JOIN chain ON w.previous_id = chain.id) SELECT id FROM chain",
            (workshop_id,),
        )
        return [r[0] for r in rows]

    def follow_up_count(self, workshop_id: str) -> int:
        return len(self.follow_up_ids(workshop_id))

    def expired_chains(self, before: str) -> list[list[str]]:
        """Chains of workshops (an original and its follow-ups) whose retention ran out: every
        workshop in the chain was closed before ``before`` or has had no activity since then.
        Each chain is listed newest follow-up first, its original last."""
        rows = self._all("SELECT id, previous_id, phase, closed_at, last_active_at FROM workshops")
        previous = {r["id"]: r["previous_id"] for r in rows}

        def root(workshop_id: str) -> str:
            while previous.get(workshop_id) in previous:
                workshop_id = previous[workshop_id]
            return workshop_id

        chains: dict[str, list[sqlite3.Row]] = {}
        for row in rows:
            chains.setdefault(root(row["id"]), []).append(row)

        def expired(row: sqlite3.Row) -> bool:
            closed = row["phase"] == "closed" and row["closed_at"] is not None and row["closed_at"] < before
            return closed or (row["last_active_at"] or "") < before

        return [
            [r["id"] for r in sorted(members, key=lambda r: r["last_active_at"] or "", reverse=True)]
            for members in chains.values()
            if all(expired(r) for r in members)
        ]

    def seats_of(self, participant_id: str, earlier: bool) -> list[tuple[str, str]]:
        """A person's seats in other workshops of their chain, as ``(workshop_id, participant_id)``:
        in the follow-ups (seats copied from this one, and from those), and with ``earlier`` also
        in the workshops it follows and in their other follow-ups."""
        with self._consistent():
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

    def origins(self, workshop_id: str) -> Origins:
        """For a follow-up: which of its cards, links and agreements came from the previous workshop."""
        with self._consistent():
            cards, links, agreements = (
                {
                    r[0]: r[1]
                    for r in self._all(
                        f"SELECT id, origin_id FROM {table} WHERE workshop_id = ? AND origin_id IS NOT NULL",
                        (workshop_id,),
                    )
                }
                for table in ("cards", "links", "agreements")
            )
            return {"cards": cards, "links": links, "agreements": agreements}

    # --- participants -------------------------------------------------------------------------

    def participant(self, workshop_id: str, participant_id: str) -> Participant | None:
        row = self._one("SELECT * FROM participants WHERE workshop_id = ? AND id = ?", (workshop_id, participant_id))
        return participant_row(row) if row else None

    def participant_by_token(self, token_hash: str) -> tuple[Participant, Workshop] | None:
        """The participant holding this token, with their workshop."""
        with self._consistent():
            row = self._one("SELECT * FROM participants WHERE token_hash = ?", (token_hash,))
            workshop = self.workshop(row["workshop_id"]) if row else None
            return (participant_row(row), workshop) if row and workshop else None

    def participant_by_device(self, token_hash: str) -> tuple[Participant, Workshop] | None:
        """The participant whose seat a device holds with this token, with their workshop."""
        with self._consistent():
            row = self._one(
                "SELECT p.* FROM devices d JOIN participants p ON p.id = d.participant_id WHERE d.token_hash = ?",
                (token_hash,),
            )
            workshop = self.workshop(row["workshop_id"]) if row else None
            return (participant_row(row), workshop) if row and workshop else None

    def participant_token_hash(self, workshop_id: str, participant_id: str) -> str | None:
        """The hash of the token a person joined with (the device they joined on)."""
        row = self._one(
            "SELECT token_hash FROM participants WHERE workshop_id = ? AND id = ?", (workshop_id, participant_id)
        )
        return row[0] if row else None

    def joined_at(self, workshop_id: str, participant_id: str) -> str | None:
        """When a person joined (the device they joined on came then)."""
        row = self._one(
            "SELECT joined_at FROM participants WHERE workshop_id = ? AND id = ?", (workshop_id, participant_id)
        )
        return row[0] if row else None

    def devices_of(self, workshop_id: str, participant_id: str) -> list[tuple[Device, str]]:
        """The devices that hold a person's seat besides the one they joined with, oldest first,
        each with its token's hash (for the caller to tell which one asks, never to send)."""
        rows = self._all(
            "SELECT id, came_by, created_at, token_hash FROM devices WHERE workshop_id = ? AND participant_id = ? "
            "ORDER BY created_at, rowid",
            (workshop_id, participant_id),
        )
        return [
            ({"id": r["id"], "came_by": r["came_by"], "created_at": r["created_at"]}, r["token_hash"]) for r in rows
        ]

    def seat_link_of(self, workshop_id: str, participant_id: str) -> SeatLink | None:
        """A person's pending personal link (who made it, when), or None."""
        row = self._one(
            "SELECT seat_link_by, seat_link_at FROM participants "
            "WHERE workshop_id = ? AND id = ? AND seat_link_hash IS NOT NULL",
            (workshop_id, participant_id),
        )
        return {"by": row[0], "created_at": row[1]} if row else None

    def participant_names(self, workshop_id: str) -> dict[str, str]:
        """Every participant's name by id, in joining order (to refuse look-alike names)."""
        return {
            r[0]: r[1]
            for r in self._all("SELECT id, name FROM participants WHERE workshop_id = ? ORDER BY rowid", (workshop_id,))
        }

    def participant_ids_in_order(self, workshop_id: str) -> list[str]:
        return [
            r[0] for r in self._all("SELECT id FROM participants WHERE workshop_id = ? ORDER BY rowid", (workshop_id,))
        ]

    def name_taken(self, workshop_id: str, key: str, by_other_than: str | None = None) -> bool:
        """Whether someone (else) in the workshop has a name with this key (model.name_key)."""
        return (
            self._one(
                "SELECT 1 FROM participants WHERE workshop_id = ? AND name_key = ? AND id IS NOT ?",
                (workshop_id, key, by_other_than),
            )
            is not None
        )

    def assignments(self, workshop_id: str) -> list[Assignment]:
        return [
            {"giver": r["giver"], "receiver": r["receiver"]}
            for r in self._all(
                "SELECT giver, receiver FROM assignments WHERE workshop_id = ? ORDER BY position", (workshop_id,)
            )
        ]

    # --- goals, cards, links, agreements --------------------------------------------------------

    def goal(self, workshop_id: str, goal_id: str) -> Goal | None:
        row = self._one("SELECT * FROM goals WHERE workshop_id = ? AND id = ?", (workshop_id, goal_id))
        return goal_row(row) if row else None

    def count_goals(self, workshop_id: str) -> int:
        return int(self._value("SELECT count(*) FROM goals WHERE workshop_id = ?", (workshop_id,)))

    def count_cards_by(self, workshop_id: str, author: str) -> int:
        """The cards one participant wrote in a workshop (drives and strengths; deleted ones are gone)."""
        return int(
            self._value("SELECT count(*) FROM cards WHERE workshop_id = ? AND author = ?", (workshop_id, author))
        )

    def card(self, workshop_id: str, card_id: str) -> Card | None:
        """A card of this workshop (None for another workshop's: its id is then taken, see id_taken)."""
        row = self._one("SELECT * FROM cards WHERE workshop_id = ? AND id = ?", (workshop_id, card_id))
        return card_row(row) if row else None

    def link_ids_of_card(self, card_id: str) -> list[str]:
        return [r[0] for r in self._all("SELECT id FROM links WHERE card_id = ? ORDER BY id", (card_id,))]

    def is_buried(self, item_id: str) -> bool:
        """Whether this id was deleted (a late replay of its creation must not bring it back)."""
        return self._one("SELECT 1 FROM tombstones WHERE id = ?", (item_id,)) is not None

    def _endorsers(self, link_id: str) -> list[str]:
        return [
            r[0]
            for r in self._all(
                "SELECT participant_id FROM endorsements WHERE link_id = ? ORDER BY created_at, rowid", (link_id,)
            )
        ]

    def link(self, workshop_id: str, link_id: str) -> Link | None:
        with self._consistent():
            row = self._one("SELECT * FROM links WHERE workshop_id = ? AND id = ?", (workshop_id, link_id))
            return link_row(row, self._endorsers(link_id)) if row else None

    def link_between(self, card_id: str, goal_id: str) -> Link | None:
        with self._consistent():
            row = self._one("SELECT * FROM links WHERE card_id = ? AND goal_id = ?", (card_id, goal_id))
            return link_row(row, self._endorsers(row["id"])) if row else None

    def agreement(self, workshop_id: str, agreement_id: str) -> Agreement | None:
        row = self._one("SELECT * FROM agreements WHERE workshop_id = ? AND id = ?", (workshop_id, agreement_id))
        return agreement_row(row) if row else None

    # --- themes ---------------------------------------------------------------------------------

    def theme(self, workshop_id: str, theme_id: str) -> Theme | None:
        row = self._one("SELECT * FROM themes WHERE workshop_id = ? AND id = ?", (workshop_id, theme_id))
        return theme_row(row) if row else None

    def themes(self, workshop_id: str) -> list[Theme]:
        """A workshop's themes, oldest first."""
        return [
            theme_row(r)
            for r in self._all("SELECT * FROM themes WHERE workshop_id = ? ORDER BY created_at, rowid", (workshop_id,))
        ]

    def count_themes(self, workshop_id: str) -> int:
        return int(self._value("SELECT count(*) FROM themes WHERE workshop_id = ?", (workshop_id,)))

    def cards_of_theme(self, workshop_id: str, theme_id: str) -> list[Card]:
        """The cards grouped in a theme, oldest first."""
        return [
            card_row(r)
            for r in self._all(
                "SELECT * FROM cards WHERE workshop_id = ? AND theme_id = ? ORDER BY created_at, rowid",
                (workshop_id, theme_id),
            )
        ]

    # --- check-ins ------------------------------------------------------------------------------

    def checkin(self, checkin_id: str) -> Checkin | None:
        row = self._one("SELECT * FROM checkins WHERE id = ?", (checkin_id,))
        return checkin_row(row) if row else None

    def open_checkin_of(self, workshop_id: str) -> Checkin | None:
        row = self._one("SELECT * FROM checkins WHERE workshop_id = ? AND closed_at IS NULL", (workshop_id,))
        return checkin_row(row) if row else None

    def checkins(self, workshop_id: str) -> list[CheckinWithAnswers]:
        """Every check-in of a workshop, oldest first, with its answers."""
        with self._consistent():
            result: list[CheckinWithAnswers] = []
            for row in self._all(
                "SELECT * FROM checkins WHERE workshop_id = ? ORDER BY opened_at, rowid", (workshop_id,)
            ):
                answers: list[CheckinAnswer] = [
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
                result.append({**checkin_row(row), "answers": answers})
            return result

    # --- the marketplace ------------------------------------------------------------------------

    def proposal(self, workshop_id: str, proposal_id: str) -> Proposal | None:
        row = self._one("SELECT * FROM proposals WHERE workshop_id = ? AND id = ?", (workshop_id, proposal_id))
        return proposal_row(row) if row else None

    def proposals(self, workshop_id: str) -> list[Proposal]:
        """A workshop's proposals, oldest first."""
        return [
            proposal_row(r)
            for r in self._all(
                "SELECT * FROM proposals WHERE workshop_id = ? ORDER BY created_at, rowid", (workshop_id,)
            )
        ]

    def waiting_proposal_between(self, card_id: str, goal_id: str) -> Proposal | None:
        row = self._one(
            "SELECT * FROM proposals WHERE card_id = ? AND goal_id = ? AND status = 'waiting'", (card_id, goal_id)
        )
        return proposal_row(row) if row else None

    def open_markets(self, today: str) -> list[Workshop]:
        """The workshops whose marketplace is open on ``today`` (an ISO date) and not closed."""
        return [
            workshop_row(r)
            for r in self._all(
                "SELECT * FROM workshops WHERE market_until IS NOT NULL AND market_until >= ? AND phase != 'closed' "
                "ORDER BY created_at, rowid",
                (today,),
            )
        ]

    def digest_subscribers(self, workshop_id: str) -> list[Subscriber]:
        """Who in a workshop wants the weekly digest: the facilitator first (if they do), then each
        participant with an address, in joining order. Their addresses leave the store only here
        (for the digest) and to their own owner (``digest_email_of``)."""
        with self._consistent():
            subscribers: list[Subscriber] = []
            row = self._one(
                "SELECT digest_email, digest_sent_at, digest_told FROM workshops WHERE id = ? AND digest_email IS NOT NULL",
                (workshop_id,),
            )
            if row is not None:
                subscribers.append(
                    {
                        "workshop_id": workshop_id,
                        "participant_id": None,
                        "name": None,
                        "email": row[0],
                        "sent_at": row[1],
                        "told": json.loads(row[2]) if row[2] else [],
                    }
                )
            for r in self._all(
                "SELECT id, name, digest_email, digest_sent_at FROM participants "
                "WHERE workshop_id = ? AND digest_email IS NOT NULL ORDER BY rowid",
                (workshop_id,),
            ):
                subscribers.append(
                    {
                        "workshop_id": workshop_id,
                        "participant_id": r["id"],
                        "name": r["name"],
                        "email": r["digest_email"],
                        "sent_at": r["digest_sent_at"],
                        "told": [],
                    }
                )
            return subscribers

    def digest_email_of(self, workshop_id: str, participant_id: str | None) -> str | None:
        """One person's digest address (None: the facilitator's), for them alone."""
        if participant_id is None:
            row = self._one("SELECT digest_email FROM workshops WHERE id = ?", (workshop_id,))
        else:
            row = self._one(
                "SELECT digest_email FROM participants WHERE workshop_id = ? AND id = ?", (workshop_id, participant_id)
            )
        return row[0] if row else None

    # --- organisations: several teams, one marketplace ------------------------------------------

    def organisation(self, organisation_id: str) -> Organisation | None:
        row = self._one("SELECT * FROM organisations WHERE id = ?", (organisation_id,))
        return organisation_row(row) if row else None

    def organisation_by_join_code(self, join_code: str) -> Organisation | None:
        row = self._one("SELECT * FROM organisations WHERE join_code = ?", (join_code,))
        return organisation_row(row) if row else None

    def organiser_key_hash(self, organisation_id: str) -> str | None:
        row = self._one("SELECT key_hash FROM organisations WHERE id = ?", (organisation_id,))
        return row[0] if row else None

    def organiser_signin(self, organisation_id: str) -> str | None:
        row = self._one("SELECT signin FROM organisations WHERE id = ?", (organisation_id,))
        return row[0] if row else None

    def members(self, organisation_id: str) -> list[Member]:
        """The workshops in an organisation, in the order they joined it (their handles grow)."""
        return [
            {"id": r["id"], "team": r["org_team"], "title": r["title"]}
            for r in self._all(
                "SELECT id, org_team, title FROM workshops WHERE organisation_id = ? ORDER BY org_team_at, rowid",
                (organisation_id,),
            )
        ]

    def member_by_team(self, organisation_id: str, team: str) -> Member | None:
        row = self._one(
            "SELECT id, org_team, title FROM workshops WHERE organisation_id = ? AND org_team = ?",
            (organisation_id, team),
        )
        return {"id": row["id"], "team": row["org_team"], "title": row["title"]} if row else None

    def crossing(self, crossing_id: str) -> Crossing | None:
        row = self._one("SELECT * FROM crossings WHERE id = ?", (crossing_id,))
        return crossing_row(row) if row else None

    def crossings_of(self, workshop_id: str) -> list[Crossing]:
        """The cross-team proposals a workshop is part of (its ask's, its card's or its maker's
        team), oldest first."""
        return [
            crossing_row(r)
            for r in self._all(
                "SELECT * FROM crossings WHERE workshop_id = ?1 OR card_workshop = ?1 OR made_in = ?1 "
                "ORDER BY created_at, rowid",
                (workshop_id,),
            )
        ]

    def crossings_in(self, organisation_id: str) -> list[Crossing]:
        return [
            crossing_row(r)
            for r in self._all(
                "SELECT * FROM crossings WHERE organisation_id = ? ORDER BY created_at, rowid", (organisation_id,)
            )
        ]

    def crossings_touching(self, participant_id: str) -> list[Crossing]:
        """The cross-team proposals a person made, or on a card of theirs (or by them)."""
        return [
            crossing_row(r)
            for r in self._all(
                "SELECT * FROM crossings WHERE made_by = ?1 OR card_id IN "
                "(SELECT id FROM cards WHERE about = ?1 OR author = ?1) ORDER BY created_at, rowid",
                (participant_id,),
            )
        ]

    def open_crossing_between(self, card_id: str, goal_id: str) -> Crossing | None:
        """A cross-team proposal between this card and goal still waiting, or accepted (a match)."""
        row = self._one(
            "SELECT * FROM crossings WHERE card_id = ? AND goal_id = ? AND status IN ('waiting', 'accepted')",
            (card_id, goal_id),
        )
        return crossing_row(row) if row else None

    # --- the whole workshop ---------------------------------------------------------------------

    def snapshot(self, workshop_id: str) -> Snapshot | None:
        """Everything about a workshop, in one consistent read (the version matches the rows)."""
        with self._consistent():
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
                    goal_row(r)
                    for r in self._all("SELECT * FROM goals WHERE workshop_id = ? ORDER BY position, rowid", params)
                ],
                "participants": [
                    participant_row(r)
                    for r in self._all("SELECT * FROM participants WHERE workshop_id = ? ORDER BY rowid", params)
                ],
                "cards": [
                    card_row(r) for r in self._all("SELECT * FROM cards WHERE workshop_id = ? ORDER BY rowid", params)
                ],
                "links": [
                    link_row(r, endorsers.get(r["id"], ()))
                    for r in self._all("SELECT * FROM links WHERE workshop_id = ? ORDER BY rowid", params)
                ],
                "agreements": [
                    agreement_row(r)
                    for r in self._all("SELECT * FROM agreements WHERE workshop_id = ? ORDER BY rowid", params)
                ],
                "assignments": self.assignments(workshop_id),
                "themes": self.themes(workshop_id),
                "proposals": self.proposals(workshop_id),
            }
