"""Fixtures: the app (in this process, or a real server on a free port) and clients for it.

Tests marked ``live`` and the browser tests talk to ``python app.py`` over real sockets; its async
server follows WORKSHOP_ASYNC_MODE (eventlet by default; CI runs them under gevent too). The
others get the app in this process, through Flask's and Flask-SocketIO's test clients.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import ROOT, Api, Client, LiveServer, Workshop

# --- the test run writes no tracked file ----------------------------------------------------------
# docs/ is tracked (the README's screenshots among it): a test that writes there fails the run.
# tools/screenshots.py is the one writer of docs/screenshots/ (WORKSHOP_SCREENSHOTS).
DOCS = ROOT / "docs"


def _docs_files() -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in DOCS.rglob("*") if p.is_file()}


_DOCS_KEY = pytest.StashKey[dict]()


def pytest_sessionstart(session):
    session.config.stash[_DOCS_KEY] = _docs_files()


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get(_DOCS_KEY, None)
    if before is None:
        return
    allowed = os.environ.get("WORKSHOP_SCREENSHOTS")
    after = _docs_files()
    changed = sorted(
        str(p.relative_to(ROOT))
        for p in set(before) | set(after)
        if before.get(p) != after.get(p) and not (allowed and p.resolve().is_relative_to(Path(allowed).resolve()))
    )
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "the test run changed tracked files under docs/ (tests write to test-results/):"
        if reporter:
            reporter.ensure_newline()
            reporter.write_line(" ".join([message, *changed]), red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config, items):
    """The browser tests (tests/e2e) talk to the real server: they are ``live`` too, so that
    ``-m live`` selects every test of the transport (CI runs them again under gevent)."""
    for item in items:
        if "e2e" in item.path.parts or item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.live)


def on_live_server(node) -> bool:
    """Whether a test needs the real server: marked ``live`` (the transport is what it tests, or
    a browser reaches the app), or every test when WORKSHOP_TRANSPORT=live (the whole suite over
    sockets, as it ran before the in-process clients)."""
    return os.environ.get("WORKSHOP_TRANSPORT") == "live" or node.get_closest_marker("live") is not None


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> LiveServer:
    """``python app.py`` on a free port, shared by the session's live tests (each xdist worker
    has its own, on its own database)."""
    live = LiveServer(tmp_path_factory.mktemp("live") / "workshops.sqlite3").start()
    yield live
    live.stop()


@pytest.fixture
def server(request, tmp_path):
    """The app the test talks to: the shared live server for tests marked ``live``; else the app
    in this process, new for each test, on a database of its own (tests/inprocess.py)."""
    if on_live_server(request.node):
        yield request.getfixturevalue("live_server")
        return
    from inprocess import InProcessServer

    app = InProcessServer(tmp_path / "workshops.sqlite3")
    yield app
    app.stop()


@pytest.fixture
def api(server) -> Api:
    return Api(server.url)


@pytest.fixture
def clients():
    made: list[Client] = []
    yield made
    for client in made:
        client.disconnect()


@pytest.fixture
def new_workshop(server, api, clients):
    """Factory: ``new_workshop(title=..., goals=[...])`` → a Workshop on the live server."""

    def make(**kwargs) -> Workshop:
        return Workshop(server, api, clients, **kwargs)

    return make


@pytest.fixture
def workshop(new_workshop) -> Workshop:
    return new_workshop()
