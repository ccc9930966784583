"""Limits that keep one noisy or hostile client from spoiling the room for everyone.

HTTP: guessing join codes or team links is slowed per address (only misses count, so fifty
phones behind one venue router join freely); creating workshops is capped per address.
Socket: each connection has a token bucket; a client that keeps sending past it is cut off.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(
    key_func=get_remote_address,
    storage_uri="memory://",
    default_limits=[],
    headers_enabled=True,
    strategy="moving-window",
)


DEFAULT_GUESSES = "30 per minute"
DEFAULT_CREATIONS = "60 per hour"


def GUESSES() -> str:
    """Misses allowed per address: only an unknown code or link (404) counts."""
    return current_app.config.get("GUESS_LIMIT") or DEFAULT_GUESSES


def CREATIONS() -> str:
    return current_app.config.get("CREATION_LIMIT") or DEFAULT_CREATIONS


def only_misses(response) -> bool:
    return response.status_code == 404


@dataclass
class Bucket:
    """Per-connection event budget: ``rate`` events a second, bursts up to ``burst``.

    ``take`` answers whether this event may run; ``flooding`` whether the client kept sending
    well past its budget in the last second (then it is disconnected).
    """

    rate: float = 15.0
    burst: float = 40.0
    tokens: float = -1.0  # starts full
    stamp: float = field(default_factory=time.monotonic)
    refused: list = field(default_factory=list)

    def take(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if self.tokens < 0:
            self.tokens = self.burst
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused = [t for t in self.refused if now - t < 1.0] + [now]
        return False

    def flooding(self) -> bool:
        return len(self.refused) > 20


def bucket_for(config, facilitator: bool = False) -> Bucket:
    """A new connection's budget: ``EVENT_RATE`` events a second (default 15), bursts of 40.
    A facilitator's console may paste a long list of goals at once: four times as much."""
    rate = float(config.get("EVENT_RATE") or 15) * (4 if facilitator else 1)
    return Bucket(rate=rate, burst=max(40.0 * (4 if facilitator else 1), rate * 2))
