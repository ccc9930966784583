"""Every setting in one table: its key, type, default, environment variable, command-line flag,
help and check. docs/OPERATIONS.md ("Settings") shows the same table (tests/test_config.py keeps
the two alike).

Sources, lowest to highest: the defaults here < ``instance/workshop.toml`` (another file with
``--config FILE`` or ``WORKSHOP_CONFIG``) < the environment (``WORKSHOP_<KEY>``) < the command
line < what ``create_app(test_config)`` is given. Each value is checked once, at start: a wrong one
raises ``ConfigError`` with one line naming the setting and where it came from.

No Flask here: app.py reads this table before it builds the app.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = ROOT / "instance" / "workshop.toml"
#: The default database, relative to the app's folder (a path given by the operator is relative to
#: where app.py is started, as any path on a command line).
DEFAULT_DATABASE = "instance/workshops.sqlite3"

ASYNC_MODES = ("eventlet", "gevent", "threading")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class ConfigError(ValueError):
    """A setting with a wrong value, an unknown setting or an unreadable config file: one line."""


# --- values: from text (environment, command line) and checked ---------------------------------


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value


def _whole(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None


def _number(value: Any) -> float:
    """A finite number: nan and inf are not (every comparison with nan is false, so no bound
    would refuse it, and a sweep every nan seconds fails every time)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"{value!r} is not yes or no (1/0, true/false, yes/no, on/off)")


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ValueError(f"{value!r} is not a list of text")


def _one_of(choices: tuple[str, ...], fold: Callable[[str], str] = str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = fold(_text(value).strip())
        if text not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return text

    return parse


def _between(low: float, high: float, above: bool = False) -> Callable[[Any], None]:
    """From ``low`` (or, ``above``, more than it) to ``high``: every number has a sane ceiling
    (1e308 days of retention overflows the date arithmetic; 10**400 events a second a float)."""

    def check(value: Any) -> None:
        shown = f"{value:g}" if isinstance(value, float) else str(value)[:20]  # a whole number may be huge
        if value < low or (above and value == low):
            raise ValueError(f"{shown} is not {'above' if above else 'at least'} {low:g}")
        if value > high:
            raise ValueError(f"{shown} is above {high:g}")

    return check


def _port(value: int) -> None:
    if not 1 <= value <= 65535:
        raise ValueError(f"{value} is not a port (1 to 65535)")


#: A rate's ceiling: how many, and over how long a window.
LIMIT_AMOUNT_MAX = 1_000_000_000
LIMIT_WINDOW_MAX = 366 * 24 * 60 * 60


def _limit(value: str) -> None:
    """A rate Flask-Limiter can read (every part of ``100 per day;10 per second``), each allowing
    at least one: ``0 per minute`` would be read, then refuse every valid code."""
    from limits import parse_many  # Flask-Limiter's own parser: what it accepts, this accepts

    try:
        items = parse_many(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a limit such as '30 per minute' or '60/hour'") from None
    for item in items:
        if not 1 <= item.amount <= LIMIT_AMOUNT_MAX:
            raise ValueError(f"{value!r} allows {item.amount}: a limit allows 1 to {LIMIT_AMOUNT_MAX}")
        if item.get_expiry() > LIMIT_WINDOW_MAX:
            raise ValueError(f"{value!r} counts over more than a year")


def _web_address(value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http:// or https:// address")


def _origins(value: list[str]) -> None:
    for origin in value:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ValueError(f"{origin!r} is not an origin such as https://workshop.example.org")


#: One plain address, ``local@domain.tld`` in ASCII: no name, no list, no spaces or brackets (a
#: digest goes to exactly one person), at most 254 characters (RFC 5321's path less its brackets).
MAIL_ADDRESS_MAX = 254
_MAIL_ADDRESS = re.compile(r"[^@\s,;:<>()\[\]\"\\]+@[^@\s,;:<>()\[\]\"\\.]+(\.[^@\s,;:<>()\[\]\"\\.]+)+")


def is_mail_address(value: object) -> bool:
    """One e-mail address a digest may be sent to (the sender's, or a subscriber's)."""
    return (
        isinstance(value, str)
        and len(value) <= MAIL_ADDRESS_MAX
        and value.isascii()  # an international address needs SMTPUTF8 from every relay on the way
        and value.isprintable()
        and bool(_MAIL_ADDRESS.fullmatch(value))
    )


def _mail_address(value: str) -> None:
    if not is_mail_address(value):
        raise ValueError(f"{value[:80]!r} is not one e-mail address such as workshop@example.org")


def _host(value: str) -> None:
    if not value.strip() or any(ch.isspace() or ch in "/@" for ch in value.strip()):
        raise ValueError(f"{value[:80]!r} is not a host name or address")


def _redis(value: str) -> None:
    if urlsplit(value).scheme not in ("redis", "rediss"):
        raise ValueError(f"{value!r} is not a redis:// address")


@dataclass(frozen=True)
class Setting:
    """One setting: ``parse`` turns text (or a TOML value) into its value, ``check`` refuses a
    wrong one (both raise ValueError with the reason). ``optional``: None (unset) is allowed."""

    key: str
    default: Any
    help: str
    parse: Callable[[Any], Any]
    check: Callable[[Any], None] | None = None
    optional: bool = False
    flag: str = ""
    metavar: str | None = None
    #: Older names still read (environment variable, flag), not shown in the table.
    old_env: str | None = None
    old_flag: str | None = None

    @property
    def env(self) -> str:
        return f"WORKSHOP_{self.key}"

    @property
    def option(self) -> str:
        return self.flag or "--" + self.key.lower().replace("_", "-")

    @property
    def switch(self) -> bool:
        """A yes/no setting: ``--show-codes`` / ``--no-show-codes`` on the command line."""
        return self.parse is _yes_no

    def value(self, raw: Any) -> Any:
        value = self.parse(raw)
        if self.check is not None:
            self.check(value)
        return value


#: Ceilings of the numeric settings (checked at start, like everything else).
PROXIES_MAX = 10
COUNT_MAX = 1_000_000  # events a second, people, cards, connections
RETENTION_DAYS_MAX = 36_500  # a hundred years
#: A sweep at most once a day; at least every tenth of a second (the tests sweep every 0.2 s).
SWEEP_SECONDS_MIN, SWEEP_SECONDS_MAX = 0.1, 86_400

SETTINGS: tuple[Setting, ...] = (
    Setting("HOST", "0.0.0.0", "the address app.py listens on (127.0.0.1: this computer only)", _text),
    Setting("PORT", 5000, "the port app.py listens on", _whole, _port),
    Setting(
        "DATABASE",
        DEFAULT_DATABASE,
        "the SQLite file (its folder is made if missing)",
        _text,
        flag="--db",
        metavar="PATH",
        old_env="WORKSHOP_DB",
        old_flag="--database",
    ),
    Setting(
        "PUBLIC_URL",
        None,
        "the address phones use, e.g. https://workshop.example.org (default: http://<LAN address>:<port>)",
        _text,
        _web_address,
        optional=True,
        metavar="URL",
    ),
    Setting(
        "ASYNC_MODE",
        "eventlet",
        "the server: eventlet, gevent, or threading (Werkzeug's development server)",
        _one_of(ASYNC_MODES, str.lower),
    ),
    Setting(
        "PROXIES",
        0,
        "trusted reverse proxies in front (their X-Forwarded-For/-Proto/-Host are believed)",
        _whole,
        _between(0, PROXIES_MAX),
        metavar="N",
    ),
    Setting(
        "ALLOWED_ORIGINS",
        [],
        "other origins allowed for Socket.IO and console POSTs (comma-separated)",
        _list,
        _origins,
        metavar="URLS",
    ),
    Setting("GUESS_LIMIT", "30 per minute", "misses (unknown code or link) per person", _text, _limit),
    Setting(
        "ADDRESS_GUESS_LIMIT",
        "300 per minute",
        "misses per client address, everyone behind it together",
        _text,
        _limit,
    ),
    Setting("CREATION_LIMIT", "60 per hour", "workshops created per address (form and API together)", _text, _limit),
    Setting(
        "EVENT_RATE",
        15,
        "live events a second per connection (a facilitator's: four times as many)",
        _whole,
        _between(1, COUNT_MAX),
    ),
    Setting("MAX_PARTICIPANTS", 250, "people per workshop", _whole, _between(1, COUNT_MAX)),
    Setting("MAX_CARDS_PER_PERSON", 200, "cards one person may write in one workshop", _whole, _between(1, COUNT_MAX)),
    Setting(
        "MAX_CONNECTIONS_PER_TOKEN",
        8,
        "open connections per identity (all processes together)",
        _whole,
        _between(1, COUNT_MAX),
    ),
    Setting(
        "MAX_CONNECTIONS_PER_ADDRESS",
        1000,
        "open connections per client address (a venue's router is one address)",
        _whole,
        _between(1, COUNT_MAX),
    ),
    Setting(
        "RETENTION_DAYS",
        None,
        "erase workshops closed, or idle, for this many days (default: keep them)",
        _number,
        _between(0, RETENTION_DAYS_MAX, above=True),
        optional=True,
        metavar="DAYS",
    ),
    Setting(
        "RETENTION_SWEEP_SECONDS",
        3600,
        "seconds between retention sweeps",
        _number,
        _between(SWEEP_SECONDS_MIN, SWEEP_SECONDS_MAX),
    ),
    Setting(
        "MESSAGE_QUEUE",
        None,
        "redis://host:port/db: Flask-SocketIO's queue and shared state, for several processes",
        _text,
        _redis,
        optional=True,
        metavar="URL",
    ),
    Setting(
        "SMTP_HOST",
        None,
        "the SMTP server that sends the marketplace's weekly digest (default: no digest is sent)",
        _text,
        _host,
        optional=True,
        metavar="HOST",
    ),
    Setting("SMTP_PORT", 587, "the SMTP server's port", _whole, _port),
    Setting(
        "SMTP_USERNAME", None, "the SMTP login's user name (default: no login)", _text, optional=True, metavar="NAME"
    ),
    Setting(
        "SMTP_PASSWORD",
        None,
        "the SMTP login's password (better in the environment or the config file: a flag shows in the process list)",
        _text,
        optional=True,
        metavar="PASSWORD",
    ),
    Setting(
        "SMTP_FROM",
        None,
        "the digest's sender address, e.g. workshop@example.org",
        _text,
        _mail_address,
        optional=True,
        metavar="ADDRESS",
    ),
    Setting(
        "SMTP_STARTTLS", True, "encrypt the SMTP connection with STARTTLS, the server's certificate checked", _yes_no
    ),
    Setting("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR", _one_of(LOG_LEVELS, str.upper)),
    Setting("LOG_FORMAT", "text", "text, or json (one JSON object a line)", _one_of(LOG_FORMATS, str.lower)),
    Setting("SHOW_CODES", False, "print the recent workshops' codes and links at start", _yes_no),
    Setting("MINIFY_SCRIPTS", True, "serve our scripts minified (off: as written, for reading them)", _yes_no),
)

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def defaults() -> dict[str, Any]:
    return {s.key: (list(s.default) if isinstance(s.default, list) else s.default) for s in SETTINGS}


def _take(setting: Setting, raw: Any, source: str) -> Any:
    try:
        return setting.value(raw)
    except ValueError as exc:
        raise ConfigError(f"{setting.key} (from {source}): {exc}") from None


def config_file(environ: Mapping[str, str], given: str | None = None) -> tuple[Path, bool]:
    """The config file to read, and whether it was asked for (then it must exist)."""
    chosen = given or environ.get("WORKSHOP_CONFIG") or None
    return (Path(chosen), True) if chosen else (DEFAULT_CONFIG_FILE, False)


def from_file(path: Path, required: bool) -> dict[str, Any]:
    """The settings in a TOML file: keys as in the table, in either case (``port = 5000``)."""
    if not path.exists():
        if required:
            raise ConfigError(f"config file {path}: no such file")
        return {}
    try:
        with open(path, "rb") as f:
            table = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    values = {}
    for name, raw in table.items():
        setting = BY_KEY.get(name.upper())
        if setting is None:
            raise ConfigError(f"config file {path}: unknown setting {name!r}")
        values[setting.key] = _take(setting, raw, str(path))
    return values


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """``WORKSHOP_<KEY>`` variables; an empty one counts as unset."""
    values = {}
    for setting in SETTINGS:
        for name in (setting.env, setting.old_env):
            if name and environ.get(name, "").strip():
                values[setting.key] = _take(setting, environ[name], f"environment variable {name}")
                break
    return values


def from_command_line(given: Mapping[str, Any]) -> dict[str, Any]:
    """What argparse collected (only the flags that were given), by key."""
    return {key: _take(BY_KEY[key], raw, BY_KEY[key].option) for key, raw in given.items()}


def from_code(given: Mapping[str, Any]) -> dict[str, Any]:
    """``create_app(test_config)``: settings among its keys are checked too (text converted, as from
    the environment); None leaves a required setting at its value. Other keys pass unchanged."""
    values = {}
    for key, raw in given.items():
        setting = BY_KEY.get(key)
        if setting is None:
            values[key] = raw
        elif raw is None:
            if setting.optional:
                values[key] = None
        else:
            values[key] = _take(setting, raw, "create_app()")
    return values


def load(
    environ: Mapping[str, str] | None = None,
    command_line: Mapping[str, Any] | None = None,
    config_path: str | None = None,
) -> dict[str, Any]:
    """Every setting, from all sources (see the module's docstring). Raises ConfigError."""
    environ = os.environ if environ is None else environ
    values = defaults()
    values.update(from_file(*config_file(environ, config_path)))
    values.update(from_environment(environ))
    values.update(from_command_line(command_line or {}))
    return values


def add_flags(parser: Any) -> None:
    """Every setting as a flag of an argparse parser; only flags given reach the namespace."""
    import argparse

    for setting in SETTINGS:
        shown = "" if setting.default in (None, []) else f" (default: {show(setting.default)})"
        names = [setting.option] + ([setting.old_flag] if setting.old_flag else [])
        common = {"dest": setting.key, "default": argparse.SUPPRESS, "help": f"{setting.help}{shown} [{setting.env}]"}
        if setting.switch:
            parser.add_argument(*names, action=argparse.BooleanOptionalAction, **common)
        else:
            numeric = setting.parse in (_whole, _number)
            metavar = setting.metavar or ("N" if numeric else setting.key.split("_")[-1])
            parser.add_argument(*names, metavar=metavar, **common)


def show(value: Any) -> str:
    """A value as the settings table shows it (docs/OPERATIONS.md)."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(value) if value else "none"
    return str(value)
