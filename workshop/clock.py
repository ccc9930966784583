"""The one clock: every timestamp the app stores or sends, and every deadline it checks.

The store is given a clock when it opens (``Store(path, clock=...)``, the real one by default)
and everything else reads the time through it: the service for timers and write locks,
retention for its cutoff, and the store for the rows it stamps. Tests pass a ``FakeClock``
and move it instead of sleeping or patching.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def stamp(self) -> str:
        """Now as stored and sent: ISO 8601 with milliseconds and the UTC offset."""
        return stamp(self.now())


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class FakeClock(Clock):
    """A clock that moves only when told, or by ``tick`` after every reading.

    ``FakeClock()`` stands still at 2025-01-01 09:00 UTC; ``FakeClock(tick=0.001)`` moves one
    millisecond per reading, so "in the order it was made" is defined.
    """

    def __init__(self, start: datetime | None = None, tick: float = 0.0):
        self._now = start or datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime (UTC)")
        self._tick = timedelta(seconds=tick)

    def now(self) -> datetime:
        current = self._now
        self._now += self._tick
        return current

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime (UTC)")
        self._now = moment
