"""Limits that keep one noisy or hostile client from spoiling the room for everyone, without
punishing the people who share its address (a venue's router, a company's proxy).

HTTP, guessing: every request that names a join code or a team link (a ``<code>`` or ``<token>``
in its route, or the home page's code box) is guarded here, so no route can forget it. Only misses
count: a code or a team link that no workshop has, as the lookup that found nothing marks it
(``a_miss_when_not_found``, ``missed``). A hit never does, nor does any other 404 once the code
found its workshop (no such participant, previous workshop, or a workshop erased meanwhile). Misses are counted per *person* (the
address plus a random device id in the ``wd`` cookie) against ``GUESS_LIMIT``, and per address,
everyone behind it together, against ``ADDRESS_GUESS_LIMIT``: the ceiling for a script that farms
fresh device ids. A browser page asked for without a device id, when the cookie-less budget at its
address is spent (a script without cookies burned it), is sent back to the same URL with a fresh
device id of its own instead of being refused. docs/SECURITY.md explains the design and what is
left.

HTTP, creating: workshops created per address, the form and the API one budget (``CREATION_LIMIT``).

When the limits' storage (Redis, shared by several processes) cannot be reached, these limits
fail open: the request is served as if under budget, and the outage is logged once, as one
warning without a traceback, not on every request; once Redis answers again they count again.
Refusing every join and every new workshop while Redis is away would be the worse outage.

Socket: each connection has a token bucket; a client that keeps sending past it is cut off. The
Socket.IO server decodes payloads with ``BoundedJSON``: a payload nested too deeply or too large
reaches the handler as a refusal (``invalid``), never as a recursion error.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from flask import Flask, current_app, g, has_app_context, redirect, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem
from limits import parse_many as _parse_many
from werkzeug.wrappers import Response

from . import config as settings
from . import model


class _Limiter(Limiter):
    """Flask-Limiter with this app's default storage: ``RATELIMIT_STORAGE_URI`` from the config
    (Redis when several processes share the limits), else memory. The constructor names no
    storage: Flask-Limiter prefers the constructor's over the config's."""

    def init_app(self, app: Flask) -> None:
        if not app.config.get("RATELIMIT_STORAGE_URI"):  # unset, None or empty: memory
            app.config["RATELIMIT_STORAGE_URI"] = "memory://"
        # Its own decorators, should one be added, serve the request when the storage is away
        # (ours do the same through ``_counted``; these would log a traceback each time).
        app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
        super().init_app(app)


limiter = _Limiter(
    key_func=get_remote_address,
    default_limits=[],
    headers_enabled=True,
    strategy="moving-window",
)

log = logging.getLogger(__name__)

DEVICE_COOKIE = "wd"
DEVICE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365
_DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
#: The routes that tell whether a code exists without naming it in their path.
GUESSED_FIELDS = {"views.join_by_code": "code", "api.market_view": "key"}


def setting(key: str, config: Mapping[str, object] | None = None):
    """A limit from ``config`` (by default the current app's, none outside one); unset or empty,
    its default from the one table of settings, ``config.SETTINGS`` (no default is kept here)."""
    if config is None:
        config = current_app.config if has_app_context() else {}
    value = config.get(key)
    return settings.BY_KEY[key].default if value in (None, "") else value


def cap(key: str) -> int:
    """A numeric cap (``MAX_PARTICIPANTS``, ``MAX_CARDS_PER_PERSON``, ``MAX_CONNECTIONS_PER_*``)."""
    return int(setting(key))


def GUESSES() -> str:
    """Misses allowed per person: only an unknown code or link (404) counts."""
    return str(setting("GUESS_LIMIT"))


def ADDRESS_GUESSES() -> str:
    """Misses allowed per address, everyone behind it together: the ceiling for farmed device ids."""
    return str(setting("ADDRESS_GUESS_LIMIT"))


def CREATIONS() -> str:
    return str(setting("CREATION_LIMIT"))


# --- what a miss is -------------------------------------------------------------------------

P = ParamSpec("P")
T = TypeVar("T")


def missed() -> None:
    """This request's code or team link names no workshop: it is a miss (``count_miss``)."""
    g.unknown_code_or_link = True


def a_miss_when_not_found(lookup: Callable[P, T]) -> Callable[P, T]:
    """A lookup of the workshop a code or a team link names (``web.workshop_or_404``): when it
    finds none (404), the request is a miss. Only these lookups mark one, so a 404 that comes
    after the workshop was found spends no budget."""

    @functools.wraps(lookup)
    def find(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return lookup(*args, **kwargs)
        except model.WorkshopError as exc:
            if exc.status == 404:
                missed()
            raise

    return find


# --- guessing: per person, with a ceiling per address --------------------------------------


def names_a_code() -> bool:
    """Whether this request asks about a join code or a team link (then it is guess-limited)."""
    args = request.view_args or {}
    return "code" in args or "token" in args or request.endpoint in GUESSED_FIELDS


def device_id() -> str | None:
    """This browser's device id (``wd`` cookie), if it sent a well-formed one."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    return value if _DEVICE_ID.match(value) else None


Budget = list[tuple[RateLimitItem, tuple[str, ...]]]


@functools.lru_cache(maxsize=32)
def parse_many(limit: str) -> list[RateLimitItem]:
    """A rate in Flask-Limiter's notation, parsed once (it is asked on every guarded request)."""
    return _parse_many(limit)


def _budgets() -> tuple[Budget, Budget]:
    """This request's budgets of misses, (limit, identifiers) each: its person's, its address's."""
    address = get_remote_address() or "unknown"
    person: Budget = [(item, ("guesses", "person", address, device_id() or "-")) for item in parse_many(GUESSES())]
    ceiling: Budget = [(item, ("guesses", "address", address)) for item in parse_many(ADDRESS_GUESSES())]
    return person, ceiling


class _Outage:
    """Whether the limits' storage failed last time it was asked (one per process): the
    warning is logged when an outage starts, not on each request it lasts."""

    def __init__(self) -> None:
        self.down = False
        self.lock = threading.Lock()

    def failed(self, exc: Exception) -> None:
        with self.lock:
            started, self.down = not self.down, True
        if started:
            log.warning(
                "rate-limit storage unreachable (%s): guessing and creation limits are not counted until it is back",
                type(exc).__name__,
            )

    def answered(self) -> None:
        if not self.down:  # the usual case: no lock
            return
        with self.lock:
            ended, self.down = self.down, False
        if ended:
            log.warning("rate-limit storage reachable again: guessing and creation limits count again")


_outage = _Outage()


def _counted(call: Callable[[], bool]) -> bool:
    """Ask the limits' storage whether a budget still has room (``call``); when the storage
    cannot be reached, yes (fail open, see the module's docstring)."""
    try:
        room = call()
    except limiter.storage.base_exceptions as exc:  # Redis: redis.RedisError (refused, timed out)
        _outage.failed(exc)
        return True
    _outage.answered()
    return room


def _spent(budgets: Budget) -> bool:
    return not _counted(lambda: all(limiter.limiter.test(item, *keys) for item, keys in budgets))


def _is_page_visit() -> bool:
    """A browser opening a page (a QR code scanned, a link followed), not a script or a fetch."""
    if request.method not in ("GET", "HEAD"):
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is not None:
        return mode == "navigate"
    return "text/html" in request.headers.get("Accept", "")


def check_guess_budget() -> Response | None:
    """Before a request that names a code: refuse it (429 ``rate_limited``) when its person's or
    its address's budget of misses is spent. A page visit without a device id whose cookie-less
    budget is spent (but not its address's) is sent back with a device id of its own instead."""
    if not (limiter.enabled and names_a_code()):
        return None
    person, ceiling = _budgets()
    if _spent(ceiling):
        raise model.too_many_guesses()
    if not _spent(person):
        return None
    if device_id() is None and _is_page_visit():
        same = request.script_root + (request.full_path if request.query_string else request.path)
        response = redirect(same, 303)
        give_device_id(response)
        return response
    raise model.too_many_guesses()


def count_miss(response: Response) -> Response:
    """After a request whose code or team link named no workshop (``missed``): it spends the
    person's and the address's budget."""
    if limiter.enabled and g.get("unknown_code_or_link", False):
        person, ceiling = _budgets()
        _counted(lambda: all([limiter.limiter.hit(item, *keys) for item, keys in person + ceiling]))
    return response


def limit_creations(view: Callable[P, T]) -> Callable[P, T]:
    """A view that creates a workshop: ``CREATION_LIMIT`` per address, the home page's form and
    the API one budget, spent before the view runs (429 ``rate_limited`` when it is spent)."""

    @functools.wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
        if limiter.enabled:
            address = get_remote_address() or "unknown"
            budget = [(item, ("creations", address)) for item in parse_many(CREATIONS())]
            if not _counted(lambda: all([limiter.limiter.hit(item, *keys) for item, keys in budget])):
                raise model.too_many_creations()
        return view(*args, **kwargs)

    return guarded


def give_device_id(response: Response) -> Response:
    """A random device id for a browser that has none: no personal data, tied to no identity; it
    only gives this browser a budget of misses of its own (docs/SECURITY.md)."""
    response.set_cookie(
        DEVICE_COOKIE,
        secrets.token_urlsafe(16),
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure or str(current_app.config.get("PUBLIC_URL") or "").startswith("https:"),
        path="/",
    )
    return response


def offer_device_id(response: Response) -> Response:
    """Every page and redirect gives a browser without a device id one (not a refusal of a
    credential, 401/403: those pages set nothing)."""
    if request.endpoint == "static" or device_id() is not None or _gives_device_id(response):
        return response
    page = response.mimetype == "text/html" and response.status_code not in (401, 403)
    if page or 300 <= response.status_code < 400:
        give_device_id(response)
    return response


def _gives_device_id(response: Response) -> bool:
    return any(cookie.startswith(f"{DEVICE_COOKIE}=") for cookie in response.headers.getlist("Set-Cookie"))


def guard(blueprint) -> None:
    """Guard every request of the app (registered once, on the pages' blueprint)."""
    blueprint.before_app_request(check_guess_budget)
    blueprint.after_app_request(count_miss)
    blueprint.after_app_request(offer_device_id)


# --- the socket's JSON: bounded depth and size ---------------------------------------------

_EVENT_NAME = re.compile(r'^\[\s*("(?:[^"\\]|\\.){0,100}")')


class BoundedJSON:
    """``json`` for the Socket.IO server: a payload nested deeper than ``model.JSON_DEPTH_MAX`` is
    not parsed, nor one that is not JSON. An event's
    arrives at its handler as a ``model.Refused`` payload (answered ``invalid`` to the sender
    alone; one whose name cannot be read, as the unknown event ``?``); a connection's auth as one
    too (the connection is refused with ``invalid``). The server goes on serving everyone.
    Engine.IO's own text that is not JSON raises ``ValueError``, as it expects.

    No bound on size here: Engine.IO refuses a client's message over 64 KB before it is decoded
    (``max_http_buffer_size``), and python-socketio sets this module class-wide, so in a process
    that also runs Socket.IO *clients* (the tests') it decodes what the server sends them too,
    such as a large workshop's ``state``."""

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text, *args, **kwargs):
        if isinstance(text, bytes | bytearray):
            text = text.decode("utf-8", "replace")
        try:
            model.check_json_shape(text, max_chars=None)
            return json.loads(text, *args, **kwargs)
        except model.WorkshopError as exc:
            refused = model.Refused(exc.message)
        except (ValueError, RecursionError):
            if not text.lstrip().startswith(("[", "{")):
                # Not a Socket.IO payload: Engine.IO's own text (the upgrade's "probe") is decoded
                # with this module too, and it expects ValueError for text that is not JSON.
                raise ValueError("not JSON") from None
            refused = model.Refused("The payload is not valid JSON.")  # a broken event or auth
        if text.lstrip().startswith("{"):
            return refused  # a connection's auth
        named = _EVENT_NAME.match(text)
        return [json.loads(named.group(1)) if named else "?", refused]  # an event, answered alone


# --- the socket's event budget -------------------------------------------------------------


@dataclass
class Bucket:
    """Per-connection event budget: ``rate`` events a second, bursts up to ``burst``.

    ``take`` answers whether this event may run; ``flooding`` whether the client kept sending
    well past its budget in the last second (then it is disconnected).
    """

    rate: float
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
    """A new connection's budget: ``EVENT_RATE`` events a second, bursts of 40. A facilitator's
    console may paste a long list of goals at once: four times as much."""
    rate = float(setting("EVENT_RATE", config)) * (4 if facilitator else 1)
    return Bucket(rate=rate, burst=max(40.0 * (4 if facilitator else 1), rate * 2))
