"""Settings: one table (workshop/config.py), four sources, checked at start, documented once."""

from __future__ import annotations

import json
import re

import pytest
import requests
from helpers import ROOT, Client, LiveServer, run_app

from workshop import config as settings
from workshop import create_app

# --- the documented table is the code's table ---------------------------------------------------


def documented_settings() -> dict[str, tuple[str, str, str]]:
    """OPERATIONS.md's "Settings" table: key -> (environment variable, flag, default)."""
    text = (ROOT / "docs" / "OPERATIONS.md").read_text()
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.fullmatch(r"[A-Z_]+", cells[0]):
            rows[cells[0]] = (cells[1], cells[2], cells[3])
    return rows


def test_the_documented_settings_are_the_codes_settings():
    documented = documented_settings()
    in_code = {s.key: (s.env, s.option, settings.show(s.default)) for s in settings.SETTINGS}
    assert documented == in_code


def test_the_shared_table_of_settings_is_all_there():
    """The keys every part of the app reads, with the defaults they were agreed on."""
    assert settings.defaults() == {
        "HOST": "0.0.0.0",
        "PORT": 5000,
        "DATABASE": "instance/workshops.sqlite3",
        "PUBLIC_URL": None,
        "ASYNC_MODE": "eventlet",
        "PROXIES": 0,
        "ALLOWED_ORIGINS": [],
        "GUESS_LIMIT": "30 per minute",
        "ADDRESS_GUESS_LIMIT": "300 per minute",
        "CREATION_LIMIT": "60 per hour",
        "EVENT_RATE": 15,
        "MAX_PARTICIPANTS": 250,
        "MAX_CARDS_PER_PERSON": 200,
        "MAX_CONNECTIONS_PER_TOKEN": 8,
        "MAX_CONNECTIONS_PER_ADDRESS": 1000,
        "RETENTION_DAYS": None,
        "RETENTION_SWEEP_SECONDS": 3600,
        "MESSAGE_QUEUE": None,
        "SMTP_HOST": None,
        "SMTP_PORT": 587,
        "SMTP_USERNAME": None,
        "SMTP_PASSWORD": None,
        "SMTP_FROM": None,
        "SMTP_STARTTLS": True,
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "text",
        "SHOW_CODES": False,
        "MINIFY_SCRIPTS": True,
    }


def test_help_lists_every_flag_of_the_table():
    done = run_app("--help")
    assert done.returncode == 0, done.stderr
    for setting in settings.SETTINGS:
        assert setting.option in done.stdout
        assert setting.env in done.stdout
    for command in ("list", "sweep", "backup", "erase", "rotate-key", "digest", "serve"):
        assert command in done.stdout


# --- the sources, lowest to highest -------------------------------------------------------------


def test_file_then_environment_then_command_line(tmp_path):
    path = tmp_path / "workshop.toml"
    path.write_text(
        'port = 6001\nguess_limit = "5 per minute"\nallowed_origins = ["https://a.example.org"]\nSHOW_CODES = true\n'
    )
    environ = {"WORKSHOP_PORT": "6002", "WORKSHOP_EVENT_RATE": "20", "WORKSHOP_CONFIG": str(path)}

    from_file = settings.load(environ={"WORKSHOP_CONFIG": str(path)})
    assert (from_file["PORT"], from_file["GUESS_LIMIT"], from_file["SHOW_CODES"]) == (6001, "5 per minute", True)
    assert from_file["ALLOWED_ORIGINS"] == ["https://a.example.org"]
    assert from_file["EVENT_RATE"] == 15  # not in the file: the default

    from_environment = settings.load(environ=environ)
    assert (from_environment["PORT"], from_environment["EVENT_RATE"]) == (6002, 20)
    assert from_environment["GUESS_LIMIT"] == "5 per minute"  # the file still counts below it

    from_flags = settings.load(environ=environ, command_line={"PORT": "6003"})
    assert from_flags["PORT"] == 6003


def test_the_config_file_can_be_named_on_the_command_line(tmp_path):
    path = tmp_path / "elsewhere.toml"
    path.write_text("proxies = 2\n")
    assert settings.load(environ={}, config_path=str(path))["PROXIES"] == 2


def test_environment_lists_are_comma_separated_and_empty_means_unset():
    loaded = settings.load(
        environ={
            "WORKSHOP_ALLOWED_ORIGINS": "https://a.example.org, https://b.example.org",
            "WORKSHOP_GUESS_LIMIT": "",
            "WORKSHOP_MINIFY_SCRIPTS": "0",
            "WORKSHOP_DB": "/tmp/older-name.sqlite3",
            "WORKSHOP_CONFIG": "",
        }
    )
    assert loaded["ALLOWED_ORIGINS"] == ["https://a.example.org", "https://b.example.org"]
    assert loaded["GUESS_LIMIT"] == "30 per minute"
    assert loaded["MINIFY_SCRIPTS"] is False
    assert loaded["DATABASE"] == "/tmp/older-name.sqlite3"


def test_create_app_checks_what_it_is_given(tmp_path):
    with pytest.raises(settings.ConfigError, match="PROXIES"):
        create_app({"DATABASE": str(tmp_path / "a.sqlite3"), "ASYNC_MODE": "threading", "PROXIES": -1})
    app = create_app({"DATABASE": str(tmp_path / "a.sqlite3"), "ASYNC_MODE": "threading", "EVENT_RATE": "40"})
    assert app.config["EVENT_RATE"] == 40
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_a_tests_app_starts_from_the_defaults_and_any_other_from_the_environment(monkeypatch, tmp_path):
    (tmp_path / "empty.toml").write_text("")
    for name, value in {
        "WORKSHOP_CONFIG": str(tmp_path / "empty.toml"),
        "WORKSHOP_EVENT_RATE": "99",
        "WORKSHOP_DATABASE": str(tmp_path / "from-env.sqlite3"),
        "WORKSHOP_ASYNC_MODE": "threading",
    }.items():
        monkeypatch.setenv(name, value)
    tests_app = create_app({"DATABASE": str(tmp_path / "test.sqlite3"), "ASYNC_MODE": "threading"})
    assert tests_app.config["EVENT_RATE"] == 15
    operators_app = create_app()
    assert (operators_app.config["EVENT_RATE"], operators_app.config["DATABASE"]) == (
        99,
        str(tmp_path / "from-env.sqlite3"),
    )


# --- a wrong value: one line, the setting and its source, exit status 2 -------------------------

WRONG = [
    (["--port", "70000"], {}, "PORT (from --port)"),
    (["--port", "abc"], {}, "PORT (from --port)"),
    (["--async-mode", "twisted"], {}, "ASYNC_MODE (from --async-mode)"),
    ([], {"WORKSHOP_RETENTION_DAYS": "-3"}, "RETENTION_DAYS (from environment variable WORKSHOP_RETENTION_DAYS)"),
    ([], {"WORKSHOP_GUESS_LIMIT": "30 per fortnight"}, "GUESS_LIMIT (from environment variable WORKSHOP_GUESS_LIMIT)"),
    (["--creation-limit", "lots"], {}, "CREATION_LIMIT (from --creation-limit)"),
    (["--message-queue", "http://127.0.0.1:6379"], {}, "MESSAGE_QUEUE (from --message-queue)"),
    ([], {"WORKSHOP_PROXIES": "-1"}, "PROXIES (from environment variable WORKSHOP_PROXIES)"),
    (["--proxies", "two"], {}, "PROXIES (from --proxies)"),
    (["--log-format", "xml"], {}, "LOG_FORMAT (from --log-format)"),
    (["--allowed-origins", "intranet"], {}, "ALLOWED_ORIGINS (from --allowed-origins)"),
    ([], {"WORKSHOP_GUESS_LIMIT": "0 per minute"}, "GUESS_LIMIT (from environment variable WORKSHOP_GUESS_LIMIT)"),
    ([], {"WORKSHOP_RETENTION_DAYS": "nan"}, "RETENTION_DAYS (from environment variable WORKSHOP_RETENTION_DAYS)"),
    (["--retention-sweep-seconds", "0"], {}, "RETENTION_SWEEP_SECONDS (from --retention-sweep-seconds)"),
]


@pytest.mark.parametrize(
    ("args", "env", "named"), WRONG, ids=[w[2].split()[0] + "-" + str(i) for i, w in enumerate(WRONG)]
)
def test_a_wrong_setting_stops_the_start_with_one_line(tmp_path, args, env, named):
    done = run_app("--db", str(tmp_path / "never.sqlite3"), *args, env=env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert named in lines[0]
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "never.sqlite3").exists()


OUT_OF_BOUNDS = [
    ("GUESS_LIMIT", "0 per minute"),  # read, then every valid code refused (429)
    ("ADDRESS_GUESS_LIMIT", "300 per minute;0 per second"),  # every part counts
    ("CREATION_LIMIT", "0/hour"),
    ("GUESS_LIMIT", "1 per 2 years"),
    ("GUESS_LIMIT", "10000000000 per minute"),
    ("RETENTION_DAYS", "nan"),  # no comparison refuses nan: every sweep failed
    ("RETENTION_DAYS", "inf"),
    ("RETENTION_DAYS", "-inf"),
    ("RETENTION_DAYS", "1e308"),
    ("RETENTION_DAYS", "36501"),
    ("RETENTION_DAYS", "0"),
    ("RETENTION_SWEEP_SECONDS", "nan"),
    ("RETENTION_SWEEP_SECONDS", "0.01"),
    ("RETENTION_SWEEP_SECONDS", "86401"),
    ("EVENT_RATE", "1" + "0" * 400),
    ("MAX_PARTICIPANTS", "0"),
    ("MAX_CARDS_PER_PERSON", "1000001"),
    ("MAX_CONNECTIONS_PER_TOKEN", "0"),
    ("PROXIES", "11"),
]


@pytest.mark.parametrize(("key", "raw"), OUT_OF_BOUNDS, ids=[f"{k}={v[:20]}" for k, v in OUT_OF_BOUNDS])
def test_a_number_out_of_bounds_or_a_limit_that_allows_nothing_is_wrong(key, raw):
    with pytest.raises(settings.ConfigError, match=rf"^{key} \(from environment variable WORKSHOP_{key}\): "):
        settings.load(environ={f"WORKSHOP_{key}": raw})


def test_the_bounds_themselves_are_allowed():
    loaded = settings.load(
        environ={
            "WORKSHOP_GUESS_LIMIT": "1 per minute",
            "WORKSHOP_CREATION_LIMIT": "100 per day;1 per second",
            "WORKSHOP_RETENTION_DAYS": "36500",
            "WORKSHOP_RETENTION_SWEEP_SECONDS": "86400",
            "WORKSHOP_EVENT_RATE": "1",
            "WORKSHOP_PROXIES": "10",
        }
    )
    assert (loaded["RETENTION_DAYS"], loaded["RETENTION_SWEEP_SECONDS"], loaded["PROXIES"]) == (36500, 86400, 10)
    assert settings.load(environ={"WORKSHOP_RETENTION_DAYS": str(1 / 86400)})["RETENTION_DAYS"] == 1 / 86400


def test_a_wrong_config_file_names_itself(tmp_path):
    path = tmp_path / "workshop.toml"
    path.write_text("prot = 5000\n")
    done = run_app("--config", str(path))
    assert done.returncode == 2
    assert done.stderr.strip() == f"app.py: config file {path}: unknown setting 'prot'"

    path.write_text('port = "five thousand"\n')
    done = run_app(env={"WORKSHOP_CONFIG": str(path)})
    assert done.returncode == 2
    assert f"PORT (from {path})" in done.stderr and "Traceback" not in done.stderr

    done = run_app("--config", str(tmp_path / "missing.toml"))
    assert done.returncode == 2
    assert "no such file" in done.stderr


# --- trusted proxies: the client's address, for pages and for live connections ------------------


def client_tags(server: LiveServer) -> tuple[list[str], list[str]]:
    """The ``client`` tags of the request lines for the workshop page and of the live events,
    in order."""
    lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    pages = [line["client"] for line in lines if line.get("route") == "/j/<code>"]
    events = [line["client"] for line in lines if line.get("logger") == "workshop.events"]
    return pages, events


def visit(server: LiveServer, address: str | None) -> None:
    """A page and a live event, sent as if through a proxy that saw ``address`` (None: no proxy)."""
    headers = {"X-Forwarded-For": address} if address else {}
    created = requests.post(f"{server.url}/api/workshops", json={"title": "T", "language": "en", "goals": []}).json()
    requests.get(f"{server.url}/j/{created['code']}", headers=headers)
    auth = {"code": created["code"], "role": "facilitator", "view": "console", "token": created["facilitator_token"]}
    console = Client(server.url, auth, "console", headers=headers)
    try:
        console.call("set_phase", {"phase": "drives"})
    finally:
        console.disconnect()


@pytest.mark.live
@pytest.mark.parametrize("proxies", [1, 0])
def test_trusted_proxies_give_the_clients_address_to_pages_and_live_events(tmp_path, proxies):
    server = LiveServer(
        tmp_path / "proxied.sqlite3", args=["--log-format", "json"], env={"WORKSHOP_PROXIES": str(proxies)}
    ).start()
    try:
        for address in ("203.0.113.7", "198.51.100.9", None, "203.0.113.7"):
            visit(server, address)
    finally:
        server.stop()
    pages, events = client_tags(server)
    assert len(pages) == len(events) == 4
    # The same tag for the same address, page or live event: both saw the same remote_addr.
    assert pages == events
    if proxies:
        first, other, direct, first_again = pages
        assert first == first_again
        assert len({first, other, direct}) == 3
    else:  # the header is ignored: every request is the test's own address
        assert len(set(pages)) == 1


# --- allowed origins: the live connection's check stays on, and takes the listed sites -----------


def origin_connects(server: LiveServer, created: dict, origin: str) -> bool:
    import gc
    import warnings

    import socketio

    sio = socketio.Client(reconnection=False)
    auth = {"code": created["code"], "role": "facilitator", "view": "console", "token": created["facilitator_token"]}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            # long-polling: the WebSocket client library adds an Origin header of its own
            sio.connect(server.url, headers={"Origin": origin}, transports=["polling"], auth=auth, wait_timeout=5)
        return sio.connected
    except (socketio.exceptions.ConnectionError, ValueError):  # eventlet: 400; gevent: closed
        return False
    finally:
        sio.disconnect()
        gc.collect()


@pytest.mark.live
def test_allowed_origins_open_live_connections_and_others_stay_refused(tmp_path):
    server = LiveServer(
        tmp_path / "origins.sqlite3", args=["--allowed-origins", "https://intranet.example.org"]
    ).start()
    try:
        created = requests.post(f"{server.url}/api/workshops", json={"title": "T", "language": "en"}).json()
        assert origin_connects(server, created, "https://intranet.example.org")
        assert origin_connects(server, created, server.url)  # this site itself
        assert not origin_connects(server, created, "https://evil.example")
    finally:
        server.stop()
