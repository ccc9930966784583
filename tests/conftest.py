"""Fixtures: a real server on a free port, real HTTP and Socket.IO clients against it.

The async server follows WORKSHOP_ASYNC_MODE (eventlet by default; CI runs gevent too).
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


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> LiveServer:
    live = LiveServer(tmp_path_factory.mktemp("live") / "workshops.sqlite3").start()
    yield live
    live.stop()


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
