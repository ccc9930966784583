"""The operator's commands (``python app.py COMMAND``), on the database the settings name.

They print no personal text: ``list`` shows each workshop's code (``erase`` and ``rotate-key``
need it), age, size and phase, never a title, a name or a card. Each returns the exit status.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from . import config as settings
from . import digest, model, service
from .live import close_workshop_rooms, socketio
from .retention import sweep
from .shared import QueueManager
from .store import Store

#: Each command: its help line, and the name of its one argument (if it takes one).
COMMANDS: dict[str, tuple[str, str | None]] = {
    "serve": ("run the server (what app.py does without a command)", None),
    "list": ("list the workshops: code, age, size, phase, days closed or idle (no names, no text)", None),
    "sweep": ("erase now what retention allows (needs --retention-days); prints how many", None),
    "backup": ("copy the database to FILE with SQLite's online backup (the app may keep running)", "FILE"),
    "erase": ("erase the workshop with this code, its follow-ups too; open phones are told", "CODE"),
    "rotate-key": ("give a workshop a new facilitator key; prints a one-time sign-in link", "CODE"),
    "digest": ("send the marketplace's weekly e-mail digests that are due (needs the SMTP settings)", None),
}


def database_path(config: Mapping[str, Any]) -> str:
    path = config["DATABASE"]
    return str(settings.ROOT / path) if path == settings.DEFAULT_DATABASE else path


def _reach_the_servers(config: Mapping[str, Any]) -> None:
    """Socket.IO for a command: with a message queue, what it emits and closes reaches every
    serving process's clients, published at once through a write-only ``QueueManager`` (this
    process serves nobody, and ends right after: nothing may be left to a background task);
    without one, emits find no one."""
    url = config.get("MESSAGE_QUEUE")
    queue = QueueManager(url, write_only=True) if url else None
    socketio.init_app(None, async_mode="threading", client_manager=queue)


def _open(config: Mapping[str, Any]) -> Store | None:
    path = database_path(config)
    if not os.path.exists(path):
        print(f"No database at {path} (choose one with --db)")
        return None
    return Store(path)


def _days(since: str | None, now: datetime) -> str:
    return "-" if not since else f"{(now - datetime.fromisoformat(since)).total_seconds() / 86400:.1f}"


def list_workshops(config: Mapping[str, Any]) -> int:
    """One line a workshop, newest first: no title, no name, no card text."""
    store = _open(config)
    if store is None:
        return 1
    now = store.clock.now()
    rows = []
    for workshop in store.recent_workshops(limit=1_000_000):
        snapshot = store.snapshot(workshop["id"])
        if snapshot is None:  # erased meanwhile
            continue
        rows.append(
            (
                workshop["code"],
                _days(workshop["created_at"], now),
                str(len(snapshot["participants"])),
                str(len(snapshot["cards"])),
                workshop["phase"],
                _days(workshop["closed_at"], now),
                _days(workshop["last_active_at"], now),
            )
        )
    header = ("code", "age_days", "people", "cards", "phase", "closed_days", "idle_days")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    print(f"{len(rows)} workshop(s)")
    return 0


def sweep_now(config: Mapping[str, Any]) -> int:
    days = config.get("RETENTION_DAYS")
    if days is None:
        print("sweep needs a retention: --retention-days N (or WORKSHOP_RETENTION_DAYS)")
        return 2
    store = _open(config)
    if store is None:
        return 1
    _reach_the_servers(config)
    erased = sweep(store, float(days), now=True)
    print(f"Erased {erased} workshop(s) closed, or idle, for {float(days):g} days")
    return 0


def backup(config: Mapping[str, Any], target: str) -> int:
    """SQLite's online backup: a consistent copy while the app writes. Never overwrites."""
    source = database_path(config)
    if not os.path.exists(source):
        print(f"No database at {source} (choose one with --db)")
        return 1
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # refuses an existing file
    except FileExistsError:
        print(f"{target} exists: choose a new file (a backup never overwrites one)")
        return 1
    except OSError as exc:
        print(f"Cannot write {target}: {exc.strerror}")
        return 1
    os.close(fd)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()
    print(f"Backed up {source} to {target}")
    return 0


def _facilitator_of(config: Mapping[str, Any], code: str) -> tuple[Store, model.Actor] | None:
    """The database and the facilitator of the workshop with ``code`` (what ``erase`` and
    ``rotate-key`` act as), or None once it has said why not (no database, no such code)."""
    store = _open(config)
    if store is None:
        return None
    workshop = store.workshop_by_code(model.normalize_code(code))
    if workshop is None:
        print("No workshop has that code")
        return None
    return store, model.Actor(workshop["id"], "facilitator")


def erase(config: Mapping[str, Any], code: str) -> int:
    """Erase a workshop and its follow-ups in one erasing transaction; with a message queue, the
    servers' open phones, boards and consoles of it are told (``workshop_deleted``) and closed,
    which frees their connection counts; without one they learn at their next step."""
    found = _facilitator_of(config, code)
    if found is None:
        return 1
    store, actor = found
    erased = service.delete_workshop(store, actor)
    print(f"Erased {len(erased)} workshop(s) (follow-ups included)")
    _reach_the_servers(config)
    for workshop_id in erased:
        close_workshop_rooms(workshop_id, now=True)  # workshop_deleted, then the sockets closed
    if config.get("MESSAGE_QUEUE"):
        print("Open phones, boards and consoles were told and closed through the message queue")
    else:
        print("Phones still open on it learn at their next step (no message queue to tell them now)")
    return 0


def rotate_key(config: Mapping[str, Any], code: str) -> int:
    """A new facilitator key (the old one stops working: cookie, bearer, a pending sign-in link);
    prints a one-time sign-in link for it, never the key."""
    found = _facilitator_of(config, code)
    if found is None:
        return 1
    store, actor = found
    token, _old = service.rotate_facilitator_key(store, actor)
    signin = service.create_signin(store, actor, token)
    base = (config.get("PUBLIC_URL") or f"http://{config['HOST']}:{config['PORT']}").rstrip("/")
    print("The old facilitator key no longer works. Open the console once with this link:")
    print(f"  {base}/w/{model.normalize_code(code)}/facilitate?key={signin}")
    print("Consoles already open with the old key stay open until they reload; restart the app to close them now.")
    return 0


def send_digests(config: Mapping[str, Any], store: Store | None = None) -> int:
    """Send the weekly digests that are due, each stamped as sent right after the SMTP server took
    it (a second run, or a run after a failure, sends nobody's twice). Prints counts, never an
    address or a name."""
    smtp = digest.smtp_settings(config)
    if isinstance(smtp, str):
        print(smtp)
        return 2 if config.get("SMTP_HOST") else 0  # half set up is a mistake; not set up is a choice
    store = store or _open(config)
    if store is None:
        return 1
    mails = digest.gather(store, store.clock, config.get("PUBLIC_URL"))
    if not mails:
        print("No digest is due (nobody subscribed to an open marketplace has news, or had theirs this week)")
        return 0

    sent: list[digest.Mail] = []

    def stamp(mail: digest.Mail) -> None:
        with store.transaction() as tx:
            tx.mark_digest_sent(mail.workshop_id, mail.participant_id, store.clock.stamp(), told=list(mail.told))
        sent.append(mail)

    try:
        digest.send(mails, smtp, store.clock.now(), on_sent=stamp)
    except digest.SendFailed as exc:
        print(exc)
        print(f"Sent {len(sent)} of {len(mails)} digest(s) before that; the others go at the next run")
        return 1
    refused = len(mails) - len(sent)
    print(f"Sent {len(sent)} digest(s)" + (f"; the SMTP server refused {refused} (see the log)" if refused else ""))
    return 0


def run(command: str, config: Mapping[str, Any], argument: str | None) -> int:
    if command == "list":
        return list_workshops(config)
    if command == "digest":
        return send_digests(config)
    if command == "sweep":
        return sweep_now(config)
    assert argument is not None
    if command == "backup":
        return backup(config, argument)
    if command == "erase":
        return erase(config, argument)
    if command == "rotate-key":
        return rotate_key(config, argument)
    raise ValueError(command)
