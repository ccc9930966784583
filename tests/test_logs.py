"""The log an operator reads: every line JSON when asked, one line per request and per live event,
and never a name, card text, token or code — read whole, after a whole workshop."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from helpers import Api, LiveServer, Workshop

from workshop import logs

PEOPLE = ("Wilhelmina Thistlewood", "Bartholomew Quinzel", "Xiomara Featherstonehaugh")
GOALS = ["Vanquish the Ruritanian backlog", "Hexagonal onboarding voyage"]
DRIVES = {
    PEOPLE[0]: "Untangling marzipan-flavoured spreadsheets",
    PEOPLE[1]: "Coaching apprentices through their first zeppelin",
    PEOPLE[2]: "Quietly polishing obsidian reports",
}
STRENGTH = "Explains quaternions with pancakes"
AGREEMENT = "Thistlewood drafts the marzipan roadmap"
TITLE = "Offsite at Castle Grimsworth"


def post(url: str, token: str) -> dict:
    r = requests.post(url, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    return r.json()


def key_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["key"][0]


def run_a_whole_workshop(live: LiveServer) -> list[str]:
    """A workshop from creation to erasure, over the real server; returns every secret and every
    piece of personal text it used."""
    api, clients = Api(live.url), []
    try:
        workshop = Workshop(live, api, clients, title=TITLE, goals=[{"text": t, "kind": "goal"} for t in GOALS])
        secrets = [workshop.code, workshop.token, key_of(workshop.urls["facilitator"]), TITLE, *GOALS]
        console = workshop.facilitator()
        board = workshop.facilitator("board")
        phones = [workshop.participant(name) for name in PEOPLE]
        secrets += [person["participant_token"] for person in workshop.people.values()]
        goals = {g["text"]: g["id"] for g in console.state["goals"]}

        # a phone joins through the pages too: the join page, its form, the phone page
        browser = requests.Session()
        assert browser.get(f"{live.url}/j/{workshop.code}").status_code == 200
        browser.post(f"{live.url}/j/{workshop.code}", data={"name": "Peregrine Oddfellow"})
        assert browser.get(f"{live.url}/w/{workshop.code}/phone").status_code == 200
        secrets += ["Peregrine Oddfellow", *browser.cookies.values()]

        console.call("set_phase", {"phase": "drives"})
        cards = {
            name: phone.call("add_card", {"kind": "drive", "text": DRIVES[name], "prompt": 0})["card"]
            for name, phone in zip(PEOPLE, phones, strict=True)
        }
        console.call("set_phase", {"phase": "strengths"})
        strength = phones[0].call("add_card", {"kind": "strength", "text": STRENGTH, "about": phones[1].id})["card"]
        phones[1].wait_for("card_saved", lambda d: d["card"]["id"] == strength["id"])
        phones[1].call("respond_strength", {"id": strength["id"], "answer": "accept"})
        console.call("set_phase", {"phase": "linking"})
        link = phones[0].call("add_link", {"card_id": cards[PEOPLE[0]]["id"], "goal_id": goals[GOALS[0]]})["link"]
        console.call("add_link", {"card_id": strength["id"], "goal_id": goals[GOALS[1]]})
        console.call("set_phase", {"phase": "agreements"})
        console.call("add_agreement", {"link_id": link["id"], "text": AGREEMENT, "owner": phones[0].id})
        phones[2].call("add_card", {"kind": "drive", "text": "x" * 5000})  # refused: an error outcome
        console.call("set_phase", {"phase": "closed"})
        board.wait_for("phase_changed", lambda d: d["phase"] == "closed")

        bearer = {"Authorization": f"Bearer {workshop.token}"}
        for export in ("summary.json", "summary.md", "summary.csv", "map.svg"):
            assert requests.get(f"{live.url}/api/workshops/{workshop.code}/{export}", headers=bearer).ok
        team = post(f"{live.url}/api/workshops/{workshop.code}/team-link", workshop.token)["url"]
        secrets.append(urlsplit(team).path.rsplit("/", 1)[-1])
        assert requests.get(team).ok and requests.get(team + "/summary.json").ok
        signin = post(f"{live.url}/api/workshops/{workshop.code}/signin-link", workshop.token)["url"]
        secrets.append(key_of(signin))
        facilitator = requests.Session()
        assert facilitator.get(signin).ok
        assert facilitator.get(f"{live.url}/w/{workshop.code}/summary").ok
        secrets += facilitator.cookies.values()
        board_link = post(f"{live.url}/api/workshops/{workshop.code}/board-link", workshop.token)["url"]
        secrets.append(key_of(board_link))
        assert requests.get(board_link).ok
        assert requests.get(f"{live.url}/w/{workshop.code}/qr.svg").ok
        requests.get(f"{live.url}/w/ZZZZZZ/board")  # a miss, with a code that does not exist
        requests.get(f"{live.url}/t/not-a-real-team-link-token")

        erased = requests.delete(f"{live.url}/api/workshops/{workshop.code}", headers=bearer)
        assert erased.status_code == 204
        phones[0].wait_for("workshop_deleted")
    finally:
        for client in clients:
            client.disconnect()
    return secrets + list(PEOPLE) + list(DRIVES.values()) + [STRENGTH, AGREEMENT, "ZZZZZZ", "not-a-real-team-link"]


@pytest.mark.live
def test_the_whole_log_of_a_workshop_holds_nothing_personal(tmp_path):
    live = LiveServer(tmp_path / "logged.sqlite3", args=["--log-format", "json", "--log-level", "DEBUG"]).start()
    try:
        secrets = run_a_whole_workshop(live)
    finally:
        live.stop()
    log = live.output()

    leaked = [s for s in secrets if s and (s in log or s.lower() in log.lower())]
    assert leaked == []
    lines = [json.loads(line) for line in log.splitlines()]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    requests_ = [line for line in lines if line["logger"] == "workshop.requests"]
    assert all({"method", "route", "status", "duration_ms"} <= line.keys() for line in requests_)
    routes = {(line["route"], line["status"]) for line in requests_}
    assert {("/w/<code>/board", 404), ("/api/workshops/<code>", 204), ("/t/<token>", 200)} <= routes
    events = [line for line in lines if line["logger"] == "workshop.events"]
    outcomes = {(line["event"], line["outcome"]) for line in events}
    assert {("add_card", "ok"), ("add_agreement", "ok"), ("set_phase", "ok")} <= outcomes
    assert ("add_card", "ok") in outcomes and any(
        line["event"] == "add_card" and line["outcome"] != "ok" for line in events
    )
    assert all(isinstance(line["duration_ms"], float | int) for line in requests_ + events)


@pytest.mark.live
def test_the_retention_sweep_is_logged_with_its_counts(tmp_path):
    live = LiveServer(
        tmp_path / "swept.sqlite3",
        env={"WORKSHOP_RETENTION_DAYS": str(1 / 86400), "WORKSHOP_RETENTION_SWEEP_SECONDS": "0.2"},
    ).start()
    try:
        Api(live.url).create_workshop(title="Soon gone")
        deadline = time.monotonic() + 20
        while "erased 1 workshop" not in live.output() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        live.stop()
    swept = [line for line in live.output().splitlines() if "workshop.retention" in line]
    assert any("INFO" in line and "erased 1 workshop" in line for line in swept), live.output()


def test_tags_are_short_keyed_and_stable_within_a_process():
    assert logs.tag("ABC123") == logs.tag("ABC123")
    assert logs.tag("ABC123") != logs.tag("ABC124")
    assert len(logs.tag("ABC123")) == 8 and int(logs.tag("ABC123"), 16) >= 0
    assert logs.tag("ABC123") != hashlib.sha256(b"ABC123").hexdigest()[:8]  # keyed, not a plain hash


def test_text_lines_carry_their_fields():
    record = logging.LogRecord("workshop.requests", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
    record.fields = {"route": "/x", "status": 200}
    assert logs.Text().format(record).endswith("INFO workshop.requests GET /x route=/x status=200")
    assert json.loads(logs.JsonLines().format(record))["status"] == 200
