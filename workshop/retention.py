"""Retention: workshops are erased automatically once they have been closed, or without any
activity, for longer than the configured number of days (``--retention-days``; off when not set).

A follow-up starts from its original and shows what changed since, so a chain (an original and
its follow-ups) is erased together, once every workshop in it is past its time. A follow-up
that was kept on purpose when its original was erased stands on its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from .clock import stamp
from .live import close_workshop_rooms, socketio
from .shared import HEARTBEAT_SECONDS, SweepLock
from .store import Store

log = logging.getLogger(__name__)


class _LockLost(Exception):
    """The sweep's lock went to another process: this sweep stops, erasing nothing."""


def sweep(store: Store, days: float, now: bool = False, holding: Callable[[], bool] = lambda: True) -> int:
    """Erase the chains of workshops whose retention ran out (by the store's clock); returns how
    many workshops. ``now``: their connections are closed before this returns (an operator's
    command), not a moment later in the background. ``holding``: whether this process still
    holds the sweep's lock, asked inside the erasing transaction (the database's write lock
    held): a sweep never erases without it."""
    cutoff = stamp(store.clock.now() - timedelta(days=days))
    chains = store.expired_chains(cutoff)
    erased = [workshop_id for chain in chains for workshop_id in chain]
    if not erased:
        return 0
    try:
        with store.transaction(erasing=True) as tx:
            if not holding():
                raise _LockLost()
            for workshop_id in erased:
                tx.delete_workshop(workshop_id)
    except _LockLost:
        log.warning("retention: the sweep's lock went to another process; this sweep stopped")
        return 0
    for workshop_id in erased:
        close_workshop_rooms(workshop_id, now=now)
    log.info("retention: erased %d workshop(s) in %d chain(s)", len(erased), len(chains))  # counts only
    return len(erased)


class Sweeper:
    """Sweeps every ``interval`` seconds while it holds ``lock``.

    The loop is the lock's heartbeat: it takes or renews the lock every few seconds (well
    within the lock's time) and starts a sweep, in a task of its own, when one is due; while
    that sweep runs (waiting for another process's write, say) the loop goes on renewing, so
    the lock cannot run out under a long sweep and let a second process sweep alongside."""

    def __init__(
        self,
        store: Store,
        days: float,
        interval: float,
        lock: SweepLock,
        spawn: Callable[[Callable[[], None]], object],
        sleep: Callable[[float], None],
    ):
        self.store, self.days, self.interval, self.lock = store, days, interval, lock
        self.spawn, self.sleep = spawn, sleep
        self.sweeping = False
        self.due = 0.0

    def run(self, stop: threading.Event | None = None) -> None:
        pause = min(self.interval, HEARTBEAT_SECONDS, self.lock.ms / 3000) if self.lock.shared else self.interval
        while stop is None or not stop.is_set():
            if self.lock.hold() and not self.sweeping and time.monotonic() >= self.due:
                self.sweeping = True
                self.spawn(self._sweep)
            self.sleep(pause)

    def _sweep(self) -> None:
        try:
            sweep(self.store, self.days, holding=self.lock.hold)
            self.due = time.monotonic() + self.interval
        except Exception:  # a failed sweep must not end the loop; the next round tries again
            log.exception("retention sweep failed")
        finally:
            self.sweeping = False


def keep_sweeping(app) -> None:
    """A background task (socketio.start_background_task): sweep now, then every interval.

    With a message queue every process runs this, and only the one holding the sweep's lock
    (workshop/shared.py) sweeps; the others look again every few seconds, so one of them takes
    over soon after the sweeping process dies."""
    Sweeper(
        app.extensions["workshop_store"],
        float(app.config["RETENTION_DAYS"]),
        float(app.config.get("RETENTION_SWEEP_SECONDS") or 3600),
        SweepLock(app.config.get("MESSAGE_QUEUE")),
        socketio.start_background_task,
        socketio.sleep,
    ).run()
