"""Retention: workshops are erased automatically once they have been closed, or without any
activity, for longer than the configured number of days (``--retention-days``; off when not set).

A follow-up starts from its original and shows what changed since, so a chain (an original and
its follow-ups) is erased together, once every workshop in it is past its time. A follow-up
that was kept on purpose when its original was erased stands on its own.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from .clock import stamp
from .live import close_workshop_rooms, socketio
from .shared import HEARTBEAT_SECONDS, SweepLock
from .store import Store

log = logging.getLogger(__name__)


def sweep(store: Store, days: float, now: bool = False) -> int:
    """Erase the chains of workshops whose retention ran out (by the store's clock); returns how
    many workshops. ``now``: their connections are closed before this returns (an operator's
    command), not a moment later in the background."""
    cutoff = stamp(store.clock.now() - timedelta(days=days))
    chains = store.expired_chains(cutoff)
    erased = [workshop_id for chain in chains for workshop_id in chain]
    if erased:
        with store.transaction(erasing=True) as tx:
            for workshop_id in erased:
                tx.delete_workshop(workshop_id)
        for workshop_id in erased:
            close_workshop_rooms(workshop_id, now=now)
        log.info("retention: erased %d workshop(s) in %d chain(s)", len(erased), len(chains))  # counts only
    return len(erased)


def keep_sweeping(app) -> None:
    """A background task (socketio.start_background_task): sweep now, then every interval.

    With a message queue every process runs this, and only the one holding the sweep's lock
    (workshop/shared.py) sweeps; the others look again every few seconds, so one of them takes
    over soon after the sweeping process dies."""
    store = app.extensions["workshop_store"]
    days = float(app.config["RETENTION_DAYS"])
    interval = float(app.config.get("RETENTION_SWEEP_SECONDS") or 3600)
    lock = SweepLock(app.config.get("MESSAGE_QUEUE"))
    pause = min(interval, HEARTBEAT_SECONDS) if lock.shared else interval
    due = 0.0
    while True:
        try:
            if lock.hold() and time.monotonic() >= due:
                sweep(store, days)
                due = time.monotonic() + interval
        except Exception:  # a failed sweep must not end the loop; the next one tries again
            log.exception("retention sweep failed")
        socketio.sleep(pause)
