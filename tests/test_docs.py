"""docs/protocol.md documents every HTTP route and every Socket.IO event, on both sides."""

import re
from pathlib import Path

import pytest

from workshop import create_app, socketio

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
HEADINGS = set(re.findall(r"^### `([^`]+)`", PROTOCOL, flags=re.MULTILINE))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"DATABASE": str(tmp_path_factory.mktemp("docs") / "d.sqlite3"), "ASYNC_MODE": "threading"})


def routes(app) -> set[str]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.add(f"{method} {rule.rule}")
    return found


def test_every_http_route_is_documented(app):
    missing = sorted(routes(app) - HEADINGS)
    assert missing == []


def test_every_client_event_handler_is_documented(app):
    handlers = set(socketio.server.handlers["/"]) - {"connect", "disconnect", "*"}
    assert handlers, "no handlers registered"
    assert sorted(handlers - HEADINGS) == []


def test_the_answer_to_unknown_events_is_documented(app):
    assert "*" in socketio.server.handlers["/"]  # the catch-all that answers them
    assert "`unknown_event`" in PROTOCOL


#: How the server names the events it sends, each with events it must find (a pattern that finds
#: nothing, because the code moved on, fails here instead of passing quietly).
EMITTED = {
    r'(?:Change|_change)\(\s*"([a-z_]+)"': {"card_saved", "link_saved", "agreement_saved", "settings_changed"},
    r'emit\(\s*"([a-z_]+)"': {"state", "rejected", "workshop_deleted", "presence"},
    r'return\s+"([a-z_]+)",\s*\{': {"hidden_change"},  # a change's view for those who may not see it
}


def test_every_event_the_server_emits_is_documented():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "workshop").glob("*.py"))
    emitted = set()
    for pattern, sure in EMITTED.items():
        found = set(re.findall(pattern, source))
        assert sure <= found, (pattern, sorted(sure - found))
        emitted |= found
    assert sorted(emitted - HEADINGS) == []


def test_every_event_the_browser_knows_is_documented():
    names = set(re.findall(r':\s*"([a-z_]+)"', (ROOT / "static" / "js" / "events.js").read_text(encoding="utf-8")))
    assert "add_link" in names
    assert sorted(names - HEADINGS - {"connect", "disconnect", "connect_error"}) == []


def test_nothing_documented_is_missing_from_the_app(app):
    known = routes(app) | set(socketio.server.handlers["/"])
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "workshop").glob("*.py"))
    stale = [h for h in HEADINGS if h not in known and f'"{h}"' not in source]
    assert stale == []
