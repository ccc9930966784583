"""Every write, and the only way to make one: ``with store.transaction() as tx: tx.add_card(...)``.

A ``Transaction`` exists only inside its ``with`` block: the block commits on exit (so before
its caller acknowledges or broadcasts anything) and rolls back on an exception; a transaction
kept past its block refuses to write. It reads too (``Reads``), seeing its own writes.

One way to write: SQL through ``_execute`` (an insert through ``_insert``, which returns the
stored row in the same statement). Which columns a caller may change is an allow-list that
raises ``ValueError``, never an ``assert`` (``python -O`` drops those).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import sqlite_utils

from .. import model
from ..clock import Clock
from ..rows import (
    Agreement,
    Answer,
    Assignment,
    Card,
    Checkin,
    Crossing,
    Device,
    Goal,
    Link,
    NewAgreement,
    NewCard,
    NewGoal,
    NewProposal,
    Organisation,
    Participant,
    Proposal,
    Snapshot,
    Theme,
    Workshop,
)
from .migrations import ORIGIN_TABLES
from .reads import (
    Params,
    Reads,
    agreement_row,
    card_row,
    checkin_row,
    crossing_row,
    link_row,
    organisation_row,
    proposal_row,
    theme_row,
)

#: What a caller may change with the update methods, per table.
WORKSHOP_SETTINGS = frozenset(
    {"default_visibility", "timer_ends_at", "timer_seconds", "timer_lock", "revealed", "joining_locked"}
)
GOAL_FIELDS = frozenset({"text", "kind"})
CARD_FIELDS = frozenset({"text", "visibility", "status", "signed", "hidden", "reworded", "offered"})
AGREEMENT_FIELDS = frozenset({"text", "owner", "due", "done"})
FLAGS = frozenset({"signed", "hidden", "reworded", "done", "timer_lock", "revealed", "joining_locked", "offered"})
PROPOSAL_STATUSES = frozenset({"accepted", "declined", "withdrawn"})


def _assignments(fields: Mapping[str, Any], allowed: frozenset[str], table: str) -> tuple[str, list[Any]]:
    """``name = ?, …`` and the values, for the fields a caller may change (flags stored as 0/1)."""
    if not fields:
        raise ValueError(f"nothing to change in {table}")
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"{table} has no settable field(s) {sorted(unknown)}")
    values = [int(bool(v)) if name in FLAGS else v for name, v in fields.items()]
    return ", ".join(f"{name} = ?" for name in fields), values


class TransactionClosed(RuntimeError):
    """A write on a transaction whose ``with`` block has ended."""


class Transaction(Reads):
    """One open transaction on the store's connection (made by ``Store.transaction()``)."""

    def __init__(self, db: sqlite_utils.Database, lock: threading.RLock, clock: Clock):
        self.db, self._lock, self.clock = db, lock, clock
        self._open = True

    def _close(self) -> None:
        self._open = False

    # --- plumbing -----------------------------------------------------------------------------

    def _execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        if not self._open:
            raise TransactionClosed("this transaction has ended: write inside `with store.transaction()`")
        return self.db.conn.execute(sql, params)

    def _insert(self, table: str, row: Mapping[str, Any]) -> sqlite3.Row:
        """One row in, the stored row (with its defaults) back, in a single statement.

        (sqlite-utils' ``insert`` adds a schema lookup and a savepoint per call, which made a new
        card cost twice as long: bench/load.py, py-spy.)
        """
        columns, marks = ", ".join(row), ", ".join("?" * len(row))
        stored = self._execute(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING *", tuple(row.values()))
        return _must(stored.fetchone(), table)

    # --- workshops ----------------------------------------------------------------------------

    def create_workshop(
        self,
        title: str,
        language: str,
        goals: Iterable[NewGoal],
        token_hash: str,
        default_visibility: str,
        prompts: list[str],
        previous_id: str | None = None,
    ) -> Workshop:
        """A workshop with a fresh join code, and its goals in order."""
        code = model.new_code()
        while self.workshop_by_code(code) is not None:
            code = model.new_code()
        workshop_id, created = model.new_id(), self.clock.stamp()
        self._insert(
            "workshops",
            {
                "id": workshop_id,
                "code": code,
                "title": title,
                "language": language,
                "phase": "join",
                "version": 0,
                "prompts": json.dumps(prompts, ensure_ascii=False),
                "facilitator_token_hash": token_hash,
                "created_at": created,
                "last_active_at": created,
                "default_visibility": default_visibility,
                "previous_id": previous_id,
            },
        )
        for position, goal in enumerate(goals):
            self._insert(
                "goals",
                {
                    "id": model.new_id(),
                    "workshop_id": workshop_id,
                    "kind": goal["kind"],
                    "text": goal["text"],
                    "position": position,
                    "created_at": created,
                },
            )
        return _must(self.workshop(workshop_id), "workshop")

    def bump_version(self, workshop_id: str) -> int:
        """The workshop's next version, which every change carries (and its last activity)."""
        row = self._execute(
            "UPDATE workshops SET version = version + 1, last_active_at = ? WHERE id = ? RETURNING version",
            (self.clock.stamp(), workshop_id),
        ).fetchone()
        return int(_must(row, "workshop")[0])

    def set_phase(self, workshop_id: str, phase: str) -> None:
        """Closing stamps closed_at (the retention clock: the first closing counts), reopening clears it."""
        self._execute(
            "UPDATE workshops SET phase = ?, closed_at = CASE WHEN ? = 'closed' THEN coalesce(closed_at, ?) ELSE NULL END "
            "WHERE id = ?",
            (phase, phase, self.clock.stamp(), workshop_id),
        )

    def update_workshop(self, workshop_id: str, **fields: Any) -> None:
        """Change some of a workshop's settings (WORKSHOP_SETTINGS)."""
        assignments, values = _assignments(fields, WORKSHOP_SETTINGS, "workshops")
        self._execute(f"UPDATE workshops SET {assignments} WHERE id = ?", (*values, workshop_id))

    def delete_workshop(self, workshop_id: str) -> None:
        """Erase the workshop: the foreign keys cascade to every row about it, and follow-ups
        forget which of its rows theirs were copied from."""
        for table in ORIGIN_TABLES:
            self._execute(
                f"UPDATE {table} SET origin_id = NULL WHERE origin_id IN (SELECT id FROM {table} WHERE workshop_id = ?)",
                (workshop_id,),
            )
        self._execute("DELETE FROM workshops WHERE id = ?", (workshop_id,))

    def copy_into(self, workshop_id: str, carried: Snapshot) -> None:
        """Copy another workshop's rows into this (new) one, each remembering its origin.

        What is carried over is the caller's decision (model.carried_over); every row in
        ``carried`` must find the rows it refers to in it.
        """
        stamp = self.clock.stamp()
        ids: dict[str, str] = {}
        for goal in carried["goals"]:
            ids[goal["id"]] = model.new_id()
            self._insert(
                "goals",
                {
                    "id": ids[goal["id"]],
                    "workshop_id": workshop_id,
                    "kind": goal["kind"],
                    "text": goal["text"],
                    "position": goal["position"],
                    "created_at": stamp,
                    "origin_id": goal["id"],
                },
            )
        for person in carried["participants"]:
            ids[person["id"]] = model.new_id()
            self._insert(
                "participants",
                {
                    "id": ids[person["id"]],
                    "workshop_id": workshop_id,
                    "name": person["name"],
                    "name_key": model.name_key(person["name"]),
                    # Nobody holds this token: the person claims their seat by rejoining (rejoin()).
                    "token_hash": model.hash_token(model.new_token()),
                    "color": person["color"],
                    "joined_at": stamp,
                    "origin_id": person["id"],
                },
            )
        for card in carried["cards"]:
            ids[card["id"]] = model.new_id()
            self._insert(
                "cards",
                {
                    "id": ids[card["id"]],
                    "workshop_id": workshop_id,
                    "kind": card["kind"],
                    "about": ids[_must(card["about"], "card's person")],
                    "author": ids[_must(card["author"], "card's author")],
                    "text": card["text"],
                    "prompt": card["prompt"],
                    "visibility": card["visibility"],
                    "status": card["status"],
                    "signed": int(card["signed"]),
                    "reworded": int(card["reworded"]),
                    "hidden": int(card["hidden"]),
                    "created_at": stamp,
                    "updated_at": stamp,
                    "origin_id": card["id"],
                },
            )
        for link in carried["links"]:
            ids[link["id"]] = model.new_id()
            self._insert(
                "links",
                {
                    "id": ids[link["id"]],
                    "workshop_id": workshop_id,
                    "card_id": ids[link["card_id"]],
                    "goal_id": ids[link["goal_id"]],
                    "type": link["type"],
                    "created_by": ids.get(link["created_by"] or ""),
                    "created_at": stamp,
                    "origin_id": link["id"],
                },
            )
        for agreement in carried["agreements"]:
            self._insert(
                "agreements",
                {
                    "id": model.new_id(),
                    "workshop_id": workshop_id,
                    "link_id": ids[agreement["link_id"]],
                    "text": agreement["text"],
                    "owner": ids.get(agreement["owner"] or ""),
                    "due": agreement["due"],
                    "done": int(agreement["done"]),
                    "created_at": stamp,
                    "updated_at": stamp,
                    "origin_id": agreement["id"],
                },
            )

    # --- credentials ----------------------------------------------------------------------------

    def set_team_token(self, workshop_id: str, token_hash: str | None) -> None:
        self._execute("UPDATE workshops SET team_token_hash = ? WHERE id = ?", (token_hash, workshop_id))

    def set_board_token(self, workshop_id: str, token_hash: str | None) -> None:
        self._execute("UPDATE workshops SET board_token_hash = ? WHERE id = ?", (token_hash, workshop_id))

    def set_signin(self, workshop_id: str, value: str | None) -> None:
        """The pending sign-in code: ``<sha256 of the code>:<the facilitator key, wrapped by it>``."""
        self._execute("UPDATE workshops SET signin_hash = ? WHERE id = ?", (value, workshop_id))

    def take_signin(self, workshop_id: str, value: str) -> bool:
        """Use up the pending sign-in code, if it is still ``value``: true for the one caller who did."""
        row = self._execute(
            "UPDATE workshops SET signin_hash = NULL WHERE id = ? AND signin_hash = ? RETURNING id",
            (workshop_id, value),
        ).fetchone()
        return row is not None

    def set_facilitator_token(self, workshop_id: str, token_hash: str) -> None:
        """A new facilitator key: the old one (and any sign-in code made for it) stops working."""
        self._execute(
            "UPDATE workshops SET facilitator_token_hash = ?, signin_hash = NULL WHERE id = ?",
            (token_hash, workshop_id),
        )

    # --- participants -------------------------------------------------------------------------

    def add_participant(self, workshop_id: str, name: str, token_hash: str, color: int) -> Participant | None:
        """A new participant, or None when the name is taken (the same name_key)."""
        key = model.name_key(name)
        if self.name_taken(workshop_id, key):
            return None
        row = self._insert(
            "participants",
            {
                "id": model.new_id(),
                "workshop_id": workshop_id,
                "name": name,
                "name_key": key,
                "token_hash": token_hash,
                "color": color,
                "joined_at": self.clock.stamp(),
            },
        )
        return _must(self.participant(workshop_id, row["id"]), "participant")

    def rename_participant(self, workshop_id: str, participant_id: str, name: str) -> Participant | None:
        """Rename, or return None when the name is someone else's."""
        key = model.name_key(name)
        if self.name_taken(workshop_id, key, by_other_than=participant_id):
            return None
        self._execute("UPDATE participants SET name = ?, name_key = ? WHERE id = ?", (name, key, participant_id))
        return self.participant(workshop_id, participant_id)

    def set_done(self, workshop_id: str, participant_id: str, done: list[str]) -> Participant:
        self._execute("UPDATE participants SET done = ? WHERE id = ?", (json.dumps(done), participant_id))
        return _must(self.participant(workshop_id, participant_id), "participant")

    def rejoin(self, workshop_id: str, previous_participant_id: str, token_hash: str) -> Participant | None:
        """The person of a previous workshop takes their seat in this follow-up with a new token
        (an earlier token for the seat stops working)."""
        row = self._one(
            "SELECT id FROM participants WHERE workshop_id = ? AND origin_id = ?",
            (workshop_id, previous_participant_id),
        )
        if row is None:
            return None
        self._execute("UPDATE participants SET token_hash = ? WHERE id = ?", (token_hash, row[0]))
        return self.participant(workshop_id, row[0])

    # --- a seat on more devices ------------------------------------------------------

    def set_seat_link(self, workshop_id: str, participant_id: str, link_hash: str | None, by: str | None) -> None:
        """A person's personal link: a new one (its hash; ``by`` "link" or "facilitator")
        replaces a pending one; None stops it."""
        self._execute(
            "UPDATE participants SET seat_link_hash = ?, seat_link_by = ?, seat_link_at = ? "
            "WHERE workshop_id = ? AND id = ?",
            (
                link_hash,
                by if link_hash else None,
                self.clock.stamp() if link_hash else None,
                workshop_id,
                participant_id,
            ),
        )

    def take_seat_link(self, workshop_id: str, link_hash: str) -> tuple[str, str] | None:
        """Use up the personal link with this hash: the person it was for and who made it
        ("link" or "facilitator"), or None (no such link here). The transaction holds the
        write lock, so two browsers with the same link cannot both use it."""
        row = self._one(
            "SELECT id, seat_link_by FROM participants WHERE workshop_id = ? AND seat_link_hash = ?",
            (workshop_id, link_hash),
        )
        if row is None:
            return None
        self.set_seat_link(workshop_id, row[0], None, None)
        return row[0], row[1]

    def add_device(self, workshop_id: str, participant_id: str, token_hash: str, came_by: str) -> Device:
        row = self._insert(
            "devices",
            {
                "id": model.new_id(),
                "workshop_id": workshop_id,
                "participant_id": participant_id,
                "token_hash": token_hash,
                "came_by": came_by,
                "created_at": self.clock.stamp(),
            },
        )
        return {"id": row["id"], "came_by": row["came_by"], "created_at": row["created_at"]}

    def delete_devices(self, workshop_id: str, participant_id: str, device_id: str | None = None) -> list[str]:
        """Sign out one of a person's devices (``device_id``), or all of them; returns the hashes
        of the tokens that stopped working (whose connections the caller closes)."""
        rows = self._execute(
            "DELETE FROM devices WHERE workshop_id = ? AND participant_id = ? AND (? IS NULL OR id = ?) RETURNING token_hash",
            (workshop_id, participant_id, device_id, device_id),
        ).fetchall()
        return [r[0] for r in rows]

    def set_participant_token(self, workshop_id: str, participant_id: str, token_hash: str) -> None:
        """The token a person joined with is replaced (the device they joined on is signed out)."""
        self._execute(
            "UPDATE participants SET token_hash = ? WHERE workshop_id = ? AND id = ?",
            (token_hash, workshop_id, participant_id),
        )

    def replace_assignments(self, workshop_id: str, pairs: list[tuple[str, str]]) -> list[Assignment]:
        self._execute("DELETE FROM assignments WHERE workshop_id = ?", (workshop_id,))
        for position, (giver, receiver) in enumerate(pairs):
            self._insert(
                "assignments", {"workshop_id": workshop_id, "giver": giver, "receiver": receiver, "position": position}
            )
        return self.assignments(workshop_id)

    def delete_participant(self, workshop_id: str, participant_id: str) -> tuple[list[Card], list[Link]]:
        """Erase a person with every card by or about them and those cards' links. Returns the
        deleted cards and links (links they made elsewhere stay, unnamed)."""
        cards = [
            card_row(r)
            for r in self._all(
                "SELECT * FROM cards WHERE workshop_id = ? AND (about = ? OR author = ?) ORDER BY rowid",
                (workshop_id, participant_id, participant_id),
            )
        ]
        links = [
            link_row(r)
            for card in cards
            for r in self._all("SELECT * FROM links WHERE card_id = ? ORDER BY rowid", (card["id"],))
        ]
        self.bury(workshop_id, [c["id"] for c in cards] + [l["id"] for l in links])
        # Cross-team proposals they made: their note goes, what still waited is withdrawn (the
        # row, a match, stays unnamed: made_by is set null with the person). Those on their
        # cards go with the cards.
        self._execute(
            "UPDATE crossings SET note = NULL, decided_at = CASE status WHEN 'waiting' THEN ?1 ELSE decided_at END, "
            "status = CASE status WHEN 'waiting' THEN 'withdrawn' ELSE status END WHERE made_by = ?2",
            (self.clock.stamp(), participant_id),
        )
        self._execute("DELETE FROM participants WHERE workshop_id = ? AND id = ?", (workshop_id, participant_id))
        return cards, links

    # --- goals --------------------------------------------------------------------------------

    def add_goal(self, workshop_id: str, goal_id: str, text: str, kind: str) -> Goal:
        """A goal at the end of the list."""
        position = self._value(
            "SELECT coalesce(max(position), -1) + 1 FROM goals WHERE workshop_id = ?", (workshop_id,)
        )
        self._insert(
            "goals",
            {
                "id": goal_id,
                "workshop_id": workshop_id,
                "kind": kind,
                "text": text,
                "position": position,
                "created_at": self.clock.stamp(),
            },
        )
        return _must(self.goal(workshop_id, goal_id), "goal")

    def update_goal(self, workshop_id: str, goal_id: str, **fields: Any) -> Goal:
        """Change a goal's text or kind (GOAL_FIELDS)."""
        assignments, values = _assignments(fields, GOAL_FIELDS, "goals")
        self._execute(
            f"UPDATE goals SET {assignments} WHERE workshop_id = ? AND id = ?", (*values, workshop_id, goal_id)
        )
        return _must(self.goal(workshop_id, goal_id), "goal")

    def delete_goal(self, workshop_id: str, goal_id: str) -> list[str]:
        """Delete a goal; returns the ids of the links that went with it."""
        link_ids = [r[0] for r in self._all("SELECT id FROM links WHERE goal_id = ? ORDER BY id", (goal_id,))]
        self._execute("DELETE FROM goals WHERE workshop_id = ? AND id = ?", (workshop_id, goal_id))
        return link_ids

    # --- cards --------------------------------------------------------------------------------

    def add_card(self, workshop_id: str, card: NewCard) -> Card:
        stamp = self.clock.stamp()
        return card_row(
            self._insert(
                "cards",
                {
                    **card,
                    "workshop_id": workshop_id,
                    "signed": int(card["signed"]),
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
        )

    def update_card(self, workshop_id: str, card_id: str, **fields: Any) -> Card:
        """Change some of a card's text, visibility, status, signature or flags (CARD_FIELDS)."""
        assignments, values = _assignments(fields, CARD_FIELDS, "cards")
        row = self._execute(
            f"UPDATE cards SET {assignments}, updated_at = ? WHERE workshop_id = ? AND id = ? RETURNING *",
            (*values, self.clock.stamp(), workshop_id, card_id),
        ).fetchone()
        return card_row(_must(row, "card"))

    def delete_card(self, workshop_id: str, card_id: str) -> list[str]:
        """Delete a card (remembering its id and its links'); returns the ids of the links that went with it."""
        link_ids = self.link_ids_of_card(card_id)
        if self.card(workshop_id, card_id) is not None:
            self.bury(workshop_id, [card_id, *link_ids])
        self._execute("DELETE FROM cards WHERE workshop_id = ? AND id = ?", (workshop_id, card_id))
        return link_ids

    def bury(self, workshop_id: str, ids: list[str]) -> None:
        """Remember ids that were deleted, so they are never made again."""
        for item_id in ids:
            self._execute("INSERT OR IGNORE INTO tombstones (id, workshop_id) VALUES (?, ?)", (item_id, workshop_id))

    # --- themes -------------------------------------------------------------------------------

    def add_theme(self, workshop_id: str, theme_id: str, name: str) -> Theme:
        return theme_row(
            self._insert(
                "themes", {"id": theme_id, "workshop_id": workshop_id, "name": name, "created_at": self.clock.stamp()}
            )
        )

    def rename_theme(self, workshop_id: str, theme_id: str, name: str) -> Theme:
        row = self._execute(
            "UPDATE themes SET name = ? WHERE workshop_id = ? AND id = ? RETURNING *", (name, workshop_id, theme_id)
        ).fetchone()
        return theme_row(_must(row, "theme"))

    def delete_theme(self, workshop_id: str, theme_id: str) -> list[str]:
        """Delete a theme (remembering its id); returns the ids of the cards that were in it (now in none)."""
        card_ids = [
            r[0]
            for r in self._all(
                "SELECT id FROM cards WHERE workshop_id = ? AND theme_id = ? ORDER BY created_at, rowid",
                (workshop_id, theme_id),
            )
        ]
        if self.theme(workshop_id, theme_id) is not None:
            self.bury(workshop_id, [theme_id])
        self._execute(
            "UPDATE cards SET theme_id = NULL WHERE workshop_id = ? AND theme_id = ?", (workshop_id, theme_id)
        )
        self._execute("DELETE FROM themes WHERE workshop_id = ? AND id = ?", (workshop_id, theme_id))
        return card_ids

    def set_card_theme(self, workshop_id: str, card_id: str, theme_id: str | None) -> Card:
        """Put a card in a theme, or (None) in none. Not a change of the card's content: its
        ``updated_at`` stays."""
        row = self._execute(
            "UPDATE cards SET theme_id = ? WHERE workshop_id = ? AND id = ? RETURNING *",
            (theme_id, workshop_id, card_id),
        ).fetchone()
        return card_row(_must(row, "card"))

    def delete_empty_themes(self, workshop_id: str) -> list[str]:
        """Delete the themes no card is in any longer (remembering their ids); returns their ids."""
        ids = [
            r[0]
            for r in self._all(
                "SELECT id FROM themes t WHERE workshop_id = ? "
                "AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.theme_id = t.id) ORDER BY created_at, rowid",
                (workshop_id,),
            )
        ]
        if ids:
            self.bury(workshop_id, ids)
            marks = ", ".join("?" * len(ids))
            self._execute(f"DELETE FROM themes WHERE workshop_id = ? AND id IN ({marks})", (workshop_id, *ids))
        return ids

    # --- links --------------------------------------------------------------------------------

    def add_link(
        self,
        workshop_id: str,
        link_id: str,
        card_id: str,
        goal_id: str,
        created_by: str | None,
        link_type: str = "energises",
    ) -> Link:
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
        return _must(self.link(workshop_id, link_id), "link")

    def set_link_type(self, workshop_id: str, link_id: str, link_type: str) -> Link:
        self._execute("UPDATE links SET type = ? WHERE workshop_id = ? AND id = ?", (link_type, workshop_id, link_id))
        return _must(self.link(workshop_id, link_id), "link")

    def set_endorsement(self, workshop_id: str, link_id: str, participant_id: str, endorsed: bool) -> Link:
        if endorsed:
            self._execute(
                "INSERT OR IGNORE INTO endorsements (workshop_id, link_id, participant_id, created_at) VALUES (?, ?, ?, ?)",
                (workshop_id, link_id, participant_id, self.clock.stamp()),
            )
        else:
            self._execute(
                "DELETE FROM endorsements WHERE link_id = ? AND participant_id = ?", (link_id, participant_id)
            )
        return _must(self.link(workshop_id, link_id), "link")

    def delete_link(self, workshop_id: str, link_id: str) -> None:
        if self.link(workshop_id, link_id) is not None:
            self.bury(workshop_id, [link_id])
        self._execute("DELETE FROM links WHERE workshop_id = ? AND id = ?", (workshop_id, link_id))

    # --- agreements ---------------------------------------------------------------------------

    def add_agreement(self, workshop_id: str, agreement: NewAgreement) -> Agreement:
        stamp = self.clock.stamp()
        return agreement_row(
            self._insert(
                "agreements",
                {**agreement, "workshop_id": workshop_id, "done": 0, "created_at": stamp, "updated_at": stamp},
            )
        )

    def update_agreement(self, workshop_id: str, agreement_id: str, **fields: Any) -> Agreement:
        """Change some of an agreement's text, owner, date or done (AGREEMENT_FIELDS)."""
        assignments, values = _assignments(fields, AGREEMENT_FIELDS, "agreements")
        row = self._execute(
            f"UPDATE agreements SET {assignments}, updated_at = ? WHERE workshop_id = ? AND id = ? RETURNING *",
            (*values, self.clock.stamp(), workshop_id, agreement_id),
        ).fetchone()
        return agreement_row(_must(row, "agreement"))

    def delete_agreement(self, workshop_id: str, agreement_id: str) -> None:
        self._execute("DELETE FROM agreements WHERE workshop_id = ? AND id = ?", (workshop_id, agreement_id))

    # --- the marketplace ------------------------------------------------------------------------

    def set_market(self, workshop_id: str, until: str | None) -> None:
        """Open the marketplace until a day (ISO date), or close it (None)."""
        self._execute("UPDATE workshops SET market_until = ? WHERE id = ?", (until, workshop_id))

    def set_market_key(self, workshop_id: str, key_hash: str | None) -> None:
        self._execute("UPDATE workshops SET market_key_hash = ? WHERE id = ?", (key_hash, workshop_id))

    def set_ask(
        self,
        workshop_id: str,
        goal_id: str,
        is_open: bool,
        text: str | None,
        effort: str | None,
        owner: str | None,
    ) -> Goal:
        """List a goal for the marketplace (or change its ask)."""
        self._execute(
            "UPDATE goals SET ask_open = ?, ask_text = ?, ask_effort = ?, ask_owner = ? WHERE workshop_id = ? AND id = ?",
            (int(is_open), text, effort, owner, workshop_id, goal_id),
        )
        return _must(self.goal(workshop_id, goal_id), "goal")

    def add_proposal(self, workshop_id: str, proposal: NewProposal) -> Proposal:
        return proposal_row(
            self._insert(
                "proposals",
                {**proposal, "workshop_id": workshop_id, "status": "waiting", "created_at": self.clock.stamp()},
            )
        )

    def decide_proposal(
        self, workshop_id: str, proposal_id: str, status: str, decided_by: str | None, link_id: str | None = None
    ) -> Proposal:
        """A proposal accepted, declined or withdrawn (``decided_by``: who did, as ``decider``)."""
        if status not in PROPOSAL_STATUSES:
            raise ValueError(f"no such proposal status {status!r}")
        row = self._execute(
            "UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, link_id = ? "
            "WHERE workshop_id = ? AND id = ? RETURNING *",
            (status, decided_by, self.clock.stamp(), link_id, workshop_id, proposal_id),
        ).fetchone()
        return proposal_row(_must(row, "proposal"))

    # --- organisations: several teams, one marketplace ------------------------------------------

    def add_organisation(self, organisation_id: str, name: str, key_hash: str, join_code: str) -> Organisation:
        return organisation_row(
            self._insert(
                "organisations",
                {
                    "id": organisation_id,
                    "name": name,
                    "key_hash": key_hash,
                    "join_code": join_code,
                    "created_at": self.clock.stamp(),
                },
            )
        )

    def set_organiser_signin(self, organisation_id: str, signin: str | None) -> None:
        self._execute("UPDATE organisations SET signin = ? WHERE id = ?", (signin, organisation_id))

    def take_organiser_signin(self, organisation_id: str, signin: str) -> bool:
        """Use up a pending sign-in (once: whoever takes it first)."""
        cursor = self._execute(
            "UPDATE organisations SET signin = NULL WHERE id = ? AND signin = ?", (organisation_id, signin)
        )
        return cursor.rowcount == 1

    def set_join_code(self, organisation_id: str, join_code: str) -> None:
        self._execute("UPDATE organisations SET join_code = ? WHERE id = ?", (join_code, organisation_id))

    def set_organisation(self, workshop_id: str, organisation_id: str | None, team: str | None) -> None:
        """A workshop joins an organisation under a new handle, or leaves it (None)."""
        self._execute(
            "UPDATE workshops SET organisation_id = ?, org_team = ?, org_team_at = ? WHERE id = ?",
            (organisation_id, team, self.clock.stamp() if team else None, workshop_id),
        )

    def add_crossing(self, crossing: dict[str, Any]) -> Crossing:
        return crossing_row(
            self._insert("crossings", {**crossing, "status": "waiting", "created_at": self.clock.stamp()})
        )

    def decide_crossing(self, crossing_id: str, status: str, decided_by: str | None) -> Crossing:
        if status not in PROPOSAL_STATUSES:
            raise ValueError(f"no such proposal status {status!r}")
        row = self._execute(
            "UPDATE crossings SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? RETURNING *",
            (status, decided_by, self.clock.stamp(), crossing_id),
        ).fetchone()
        return crossing_row(_must(row, "crossing"))

    def withdraw_crossings_of(self, workshop_id: str) -> list[Crossing]:
        """A team leaves its organisation: every cross-team proposal of it still waiting is
        withdrawn. Returns them."""
        rows = self._execute(
            "UPDATE crossings SET status = 'withdrawn', decided_at = ?1 WHERE status = 'waiting' AND "
            "(workshop_id = ?2 OR card_workshop = ?2 OR made_in = ?2) RETURNING *",
            (self.clock.stamp(), workshop_id),
        ).fetchall()
        return [crossing_row(r) for r in rows]

    def set_digest_email(self, workshop_id: str, participant_id: str | None, email: str | None) -> None:
        """A person's address for the weekly digest (None: the facilitator's); None stops it."""
        if participant_id is None:
            self._execute("UPDATE workshops SET digest_email = ? WHERE id = ?", (email, workshop_id))
        else:
            self._execute(
                "UPDATE participants SET digest_email = ? WHERE workshop_id = ? AND id = ?",
                (email, workshop_id, participant_id),
            )

    def mark_digest_sent(
        self, workshop_id: str, participant_id: str | None, stamp: str, told: list[str] | None = None
    ) -> None:
        """When a person's digest (None: the facilitator's) was last sent; for the facilitator's,
        the matches it told of (the next tells only new ones)."""
        if participant_id is None:
            self._execute(
                "UPDATE workshops SET digest_sent_at = ?, digest_told = ? WHERE id = ?",
                (stamp, json.dumps(sorted(told or [])), workshop_id),
            )
        else:
            self._execute(
                "UPDATE participants SET digest_sent_at = ? WHERE workshop_id = ? AND id = ?",
                (stamp, workshop_id, participant_id),
            )

    # --- check-ins ------------------------------------------------------------------------------

    def open_checkin(self, workshop_id: str) -> Checkin:
        """A new check-in; an open one closes."""
        self.close_checkins(workshop_id)
        row = self._insert(
            "checkins",
            {"id": model.new_id(), "workshop_id": workshop_id, "opened_at": self.clock.stamp(), "closed_at": None},
        )
        return checkin_row(row)

    def close_checkins(self, workshop_id: str) -> None:
        self._execute(
            "UPDATE checkins SET closed_at = ? WHERE workshop_id = ? AND closed_at IS NULL",
            (self.clock.stamp(), workshop_id),
        )

    def answer_checkin(
        self, workshop_id: str, checkin_id: str, link_id: str, participant_id: str, rating: int, comment: str | None
    ) -> Answer:
        """A person's answer for one link (answering again replaces it)."""
        self._execute(
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


T = TypeVar("T")


def _must(value: T | None, what: str) -> T:
    """A row that must be there (it was just written, or the caller checked it)."""
    if value is None:
        raise LookupError(f"no {what}")
    return value
