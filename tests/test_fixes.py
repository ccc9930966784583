"""What a docs audit found: answers caches may keep, refusals that said the wrong thing,
team-link files that could be guessed at without limit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from helpers import Api, LiveServer


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# --- every answer with a credential or personal data is no-store ----------------------------


def test_every_answer_with_a_token_or_personal_data_is_no_store(server, workshop):
    base, code, key = server.url, workshop.code, workshop.token
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    anna.call("add_card", {"kind": "drive", "text": "Teaching"})
    answers: dict[str, requests.Response] = {}

    answers["API join"] = requests.post(f"{base}/api/workshops/{code}/participants", json={"name": "Bram"})
    assert answers["API join"].status_code == 201
    answers["page join"] = requests.post(f"{base}/j/{code}", data={"name": "Cas"}, allow_redirects=False)
    assert answers["page join"].status_code == 303
    answers["create from the home page"] = requests.post(
        f"{base}/workshops", data={"title": "Another", "language": "en"}, allow_redirects=False
    )
    browser = requests.Session()
    answers["sign-in link"] = browser.get(workshop.signin_url(), allow_redirects=False)
    answers["take part"] = browser.post(f"{base}/w/{code}/take-part", data={"name": "Manager"}, allow_redirects=False)
    board = requests.post(f"{base}/api/workshops/{code}/board-link", headers=bearer(key)).json()["url"]
    answers["board link"] = requests.get(board, allow_redirects=False)
    answers["team link made"] = requests.post(f"{base}/api/workshops/{code}/team-link", headers=bearer(key))
    team = answers["team link made"].json()["url"]
    for part in ("summary.json", "summary.md", "map.svg"):
        answers[f"team link's {part}"] = requests.get(f"{team}/{part}")
    answers["workshop"] = requests.get(f"{base}/api/workshops/{code}", headers=bearer(key))
    for export in (
        "summary.json",
        "summary.md",
        "summary.csv",
        "links.csv",
        "cards.csv",
        "map.svg",
        "marketplace.json",
        "marketplace.csv",
    ):
        answers[export] = requests.get(f"{base}/api/workshops/{code}/{export}", headers=bearer(key))

    console.call("set_phase", {"phase": "closed"})
    follow = requests.post(f"{base}/api/workshops/{code}/follow-up", headers=bearer(key)).json()
    answers["API rejoin"] = requests.post(
        f"{base}/api/workshops/{follow['code']}/rejoin", headers=bearer(workshop.people["Anna"]["participant_token"])
    )
    assert answers["API rejoin"].status_code == 201
    phone = requests.Session()
    phone.cookies.set(f"wp_{code}", answers["API join"].json()["participant_token"])
    answers["page rejoin"] = phone.get(f"{base}/j/{follow['code']}", allow_redirects=False)
    assert answers["page rejoin"].status_code == 303

    for what, r in answers.items():
        assert r.status_code < 400, (what, r.status_code)
    assert {what: r.headers.get("Cache-Control") for what, r in answers.items()} == {
        what: "no-store" for what in answers
    }


def test_the_qr_code_and_static_files_may_still_be_cached(server, workshop):
    qr = requests.get(f"{server.url}/w/{workshop.code}/qr.svg")
    assert qr.headers["Cache-Control"] == "private, max-age=300"
    script = requests.get(f"{server.url}/static/js/phone.js")
    assert script.status_code == 200 and script.headers.get("Cache-Control") != "no-store"


# --- the facilitator taking part: the refusal's own message, from this site only --------------


def _console(server, workshop) -> requests.Session:
    browser = requests.Session()
    assert browser.get(workshop.signin_url()).status_code == 200
    return browser


def _take_part(server, browser, workshop, name: str, **headers) -> requests.Response:
    return browser.post(
        f"{server.url}/w/{workshop.code}/take-part", data={"name": name}, headers=headers, allow_redirects=False
    )


def test_taking_part_says_why_it_was_refused(server, workshop):
    console = workshop.facilitator()
    browser = _console(server, workshop)
    workshop.participant("Anna")

    taken = _take_part(server, browser, workshop, "anna")
    assert taken.status_code == 409 and "Choose another first name to take part." in taken.text

    empty = _take_part(server, browser, workshop, " ")
    assert empty.status_code == 400 and "Type your first name (at most 40 characters)." in empty.text
    hidden = _take_part(server, browser, workshop, "Ma\u200bnager")
    assert hidden.status_code == 400 and "characters that do not show" in hidden.text

    console.call("set_joining_locked", {"locked": True})
    locked = _take_part(server, browser, workshop, "Manager")
    assert locked.status_code == 403 and "Joining is locked. Untick “Lock joining” in the console" in locked.text
    assert "Choose another first name" not in locked.text
    console.call("set_joining_locked", {"locked": False})

    console.call("set_phase", {"phase": "closed"})
    closed = _take_part(server, browser, workshop, "Manager")
    assert closed.status_code == 409 and "This workshop is closed" in closed.text
    assert "Choose another first name" not in closed.text
    assert [p["name"] for p in workshop.snapshot()["participants"]] == ["Anna"]


def test_taking_part_is_in_the_workshops_language(server, new_workshop):
    workshop = new_workshop(language="nl")
    console = workshop.facilitator()
    browser = _console(server, workshop)
    console.call("set_joining_locked", {"locked": True})
    locked = _take_part(server, browser, workshop, "Manager")
    assert locked.status_code == 403 and "Vink ‘Aanmelden sluiten’ uit in de console" in locked.text


def test_taking_part_is_refused_when_another_site_asks(server, workshop):
    browser = _console(server, workshop)
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        assert _take_part(server, browser, workshop, "Manager", **headers).status_code == 403
    assert workshop.snapshot()["participants"] == []
    same = _take_part(server, browser, workshop, "Manager", Origin=server.url, **{"Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 303


# --- joining while it is locked: the join form says so, with the typed name ------------------


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "Joining is locked right now. Ask the facilitator to let you in"),
        ("nl", "Aanmelden is nu gesloten. Vraag de facilitator"),
    ],
)
def test_joining_while_locked_says_so_and_keeps_the_name(server, new_workshop, language, says):
    workshop = new_workshop(language=language)
    console = workshop.facilitator()
    console.call("set_joining_locked", {"locked": True})
    r = requests.post(f"{server.url}/j/{workshop.code}", data={"name": "Bram"}, allow_redirects=False)
    assert r.status_code == 403
    assert says in r.text
    assert "facilitator of the workshop" not in r.text and "This page is for" not in r.text
    assert 'value="Bram"' in r.text and 'data-testid="name-form"' in r.text
    assert f"wp_{workshop.code}" not in r.headers.get("Set-Cookie", "")
    console.call("set_joining_locked", {"locked": False})
    assert (
        requests.post(f"{server.url}/j/{workshop.code}", data={"name": "Bram"}, allow_redirects=False).status_code
        == 303
    )


# --- every team-link route counts misses against the same per-address budget -------------------


@pytest.fixture
def strict_server(tmp_path):
    live = LiveServer(
        tmp_path / "strict.sqlite3",
        env={"WORKSHOP_CREATION_LIMIT": "", "WORKSHOP_GUESS_LIMIT": "", "WORKSHOP_EVENT_RATE": ""},
    ).start()
    yield live
    live.stop()


def test_guessing_a_team_link_is_cut_off_on_every_route(strict_server):
    base = strict_server.url
    created = Api(base).create_workshop()
    team = requests.post(
        f"{base}/api/workshops/{created['code']}/team-link", headers=bearer(created["facilitator_token"])
    ).json()["url"]
    parts = ("summary.json", "summary.md", "map.svg")
    for _ in range(15):  # hits never count
        assert [requests.get(f"{team}/{part}").status_code for part in parts] == [200, 200, 200]
    guesses = [f"{base}/t/{'x' * 43}{i:02d}/{part}" for i in range(10) for part in parts]
    assert [requests.get(url).status_code for url in guesses] == [404] * 30
    for part in parts:
        assert requests.get(f"{base}/t/{'y' * 45}/{part}").status_code == 429
    # one budget for all guessing: the team link's page and the join codes are spent too
    assert requests.get(f"{base}/t/{'y' * 45}").status_code == 429
    assert requests.post(f"{base}/join", data={"code": "ZZZZ99"}).status_code == 429


# --- what the code says about itself is true -------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "app.py", *sorted((ROOT / "workshop").rglob("*.py"))]


def test_the_code_cites_only_files_in_the_repository_and_no_issue_numbers():
    cited, issues = set(), []
    for source in SOURCES:
        text = source.read_text()
        # a document (FOO.md, docs/…) it names; "summary.md" and "/….md" are routes, not files
        cited |= {
            m for m in re.findall(r"(?<![\w/.])[\w./-]+\.md\b", text) if m != "summary.md" and not m.startswith("/")
        }
        cited |= set(re.findall(r"(?<![\w/.])docs/[\w./-]*\w", text))
        issues += [f"{source.name}: {m}" for m in re.findall(r"\bissue #?\d+", text, re.IGNORECASE)]
    assert sorted(c for c in cited if not (ROOT / c).exists()) == []
    assert issues == []


def test_app_py_says_idle_workshops_are_erased_too(tmp_path):
    usage = subprocess.run(
        [sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "closed, or idle, for this many days" in " ".join(usage.split())
    assert "threading" in usage
    doc = (ROOT / "app.py").read_text().split('"""')[1]
    assert "--retention-days" in doc and "eventlet|gevent|threading" in doc
    live = LiveServer(tmp_path / "retained.sqlite3", env={"WORKSHOP_RETENTION_DAYS": "30"}).start()
    live.stop()
    assert "Workshops closed, or idle, for 30 days are erased" in live.output()
