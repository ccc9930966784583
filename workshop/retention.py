"""Retention: closed workshops are erased automatically once they have been closed for longer
than the configured number of days (``--retention-days``; off when not set)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from .live import close_workshop_rooms, socketio
from .store import Store

log = logging.getLogger(__name__)


def sweep(store: Store, days: float, now: datetime | None = None) -> int:
    """Erase the closed workshops whose retention ran out; returns how many."""
    cutoff = ((now or datetime.now(timezone.utc)) - timedelta(days=days)).isoformat(timespec="milliseconds")
    expired = store.expired_workshops(cutoff)
    for workshop_id in expired:
        store.delete_workshop(workshop_id)
        close_workshop_rooms(workshop_id)
    if expired:
        log.info("retention: erased %d closed workshop(s)", len(expired))  # counts only, no names
    return len(expired)


def keep_sweeping(app) -> None:
    """A background task (socketio.start_background_task): sweep now, then every interval."""
    store = app.extensions["workshop_store"]
    days = float(app.config["RETENTION_DAYS"])
    interval = float(app.config.get("RETENTION_SWEEP_SECONDS") or 3600)
    while True:
        try:
            sweep(store, days)
        except Exception:  # a failed sweep must not end the loop; the next one tries again
            log.exception("retention sweep failed")
        socketio.sleep(interval)
