"""The app's log: set up once at start (``--log-level``, ``--log-format text|json``), one line per
HTTP request and per live event, and ``tag()`` for correlating without revealing.

What a line may hold: route rules (``/w/<code>/board``, never the path itself), statuses, error
codes, durations, counts, and tags. Never a name, card text, token or join code: the libraries'
own request logs (Werkzeug, eventlet, gevent, Engine.IO) print paths and query strings, which
carry codes and keys, so they stay off.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any

#: Per process: a tag correlates lines of one run, and cannot be turned back into what it tags
#: (a join code has few enough values to be tried one by one against a plain hash).
_SECRET = os.urandom(32)

#: Loggers that would print request paths, query strings or payloads: warnings and errors only.
QUIET = (
    "werkzeug",
    "engineio",
    "engineio.server",
    "socketio",
    "socketio.server",
    "geventwebsocket",
    "geventwebsocket.handler",
    "eventlet",
    "eventlet.wsgi",
    "gevent",
    "urllib3",
    "flask-limiter",
    "limits",
)

requests_log = logging.getLogger("workshop.requests")
events_log = logging.getLogger("workshop.events")


def tag(value: object) -> str:
    """A short keyed hash (HMAC-SHA256, 8 hex characters) of ``value``: the same within this
    process, useless to anyone without its secret."""
    return hmac.new(_SECRET, str(value).encode("utf-8"), hashlib.sha256).hexdigest()[:8]


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class Text(logging.Formatter):
    """``time level logger message key=value …``"""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "fields", {})
        if fields:
            first, newline, rest = line.partition("\n")
            line = first + "".join(f" {k}={v}" for k, v in fields.items()) + newline + rest
        return line


def configure(level: str = "INFO", form: str = "text", stream=None) -> None:
    """The root logger writes to stderr (or ``stream``) at ``level``, as text or JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines() if form == "json" else Text())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)


def duration_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()`` reading)."""
    return round((time.perf_counter() - started) * 1000, 2)


def request_line(method: str, route: str, status: int, started: float, client: str) -> None:
    """One HTTP request: its route rule (never the path: it carries codes), status, duration."""
    requests_log.info(
        "%s %s %d",
        method,
        route,
        status,
        extra={
            "fields": {
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": duration_ms(started),
                "client": tag(client),
            }
        },
    )


def event_line(event: str, outcome: str, started: float, client: str | None) -> None:
    """One live event: its name, ``ok`` or the error code it was refused with, duration."""
    events_log.info(
        "%s %s",
        event,
        outcome,
        extra={
            "fields": {
                "event": event,
                "outcome": outcome,
                "duration_ms": duration_ms(started),
                "client": tag(client),
            }
        },
    )
