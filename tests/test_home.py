"""The home page's "Your workshops": the browser that holds a workshop's facilitator key, and no
one else, learns from the home page that the workshop exists.

Each browser is a ``requests.Session`` with its own cookies, against the real server: the creator,
a co-facilitator signed in with a one-time link, a stranger, a participant, the projector's PC
with the board link, a team member with the team link (who also knows the join code)."""

from __future__ import annotations

import html
import re

import pytest
import requests
from helpers import Client, run_app

pytestmark = pytest.mark.live

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def create(server, browser: requests.Session, title: str) -> str:
    """The home page's form, as a browser sends it: the workshop's code (the browser now holds its key)."""
    r = browser.post(
        server.url + "/workshops",
        data={"title": title, "language": "en", "goals": "Grow sales\nNew onboarding"},
        allow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return re.search(r"/w/([A-Z0-9]+)/facilitate$", r.headers["Location"]).group(1)


def key_of(browser: requests.Session, code: str) -> str:
    return browser.cookies.get(f"wf_{code}")


def listed(server, browser) -> dict[str, str]:
    """The workshops the home page lists for this browser: code → the list item's HTML."""
    page = browser.get(server.url + "/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"  # a personal page: no cache may keep it
    items = re.findall(
        r'<li class="mine-item" data-testid="my-workshop" data-code="([A-Z0-9]+)">(.*?)</li>', page.text, re.S
    )
    if not items:
        assert 'data-testid="my-workshops"' not in page.text
    return dict(items)


def home_text(server, browser) -> str:
    return browser.get(server.url + "/").text


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_the_creator_sees_their_workshop_and_nobody_else_learns_it_exists(server):
    creator = requests.Session()
    code = create(server, creator, "Team North <b>spring</b>")
    key = key_of(creator, code)

    mine = listed(server, creator)
    assert list(mine) == [code]
    item = mine[code]
    assert html.escape("Team North <b>spring</b>", quote=False) in item  # the title, as text
    assert "<b>spring</b>" not in item
    assert f'href="/w/{code}/facilitate"' in item and f'href="/w/{code}/board"' in item
    assert "/summary" not in item  # not closed yet
    assert ">Join<" in item  # the phase, in the console's words

    # Everyone else who knows of the workshop in some way: a stranger, a participant, the board's
    # PC, a team member with the team link. None of them holds the facilitator key.
    stranger = requests.Session()
    participant = requests.Session()
    assert participant.post(f"{server.url}/j/{code}", data={"name": "Anna"}).status_code == 200
    assert participant.cookies.get(f"wp_{code}")
    board_pc = requests.Session()
    board_link = requests.post(f"{server.url}/api/workshops/{code}/board-link", headers=bearer(key)).json()["url"]
    assert board_pc.get(board_link).status_code == 200
    assert board_pc.cookies.get(f"wb_{code}")
    console = Client(server.url, {"code": code, "role": "facilitator", "view": "console", "token": key})
    try:
        assert console.call("set_phase", {"phase": "closed"})["ok"]
    finally:
        console.disconnect()
    team = requests.Session()
    team_link = requests.post(f"{server.url}/api/workshops/{code}/team-link", headers=bearer(key)).json()["url"]
    assert team.get(team_link).status_code == 200
    for other in (stranger, participant, board_pc, team):
        text = home_text(server, other)
        assert code not in text and "Team North" not in text
        assert listed(server, other) == {}

    # Closed: the summary is one click away, in the creator's list only.
    assert f'href="/w/{code}/summary"' in listed(server, creator)[code]


def test_a_key_that_no_longer_opens_the_console_drops_the_workshop_from_the_list(server):
    creator = requests.Session()
    code = create(server, creator, "Rotated away")
    # A co-facilitator, signed in with a one-time link the creator's console made.
    made = creator.post(f"{server.url}/w/{code}/signin-link", headers=SAME_SITE)
    assert made.status_code == 200, made.text
    helper = requests.Session()
    assert helper.get(made.json()["url"]).status_code == 200
    assert list(listed(server, helper)) == [code]

    # The helper's console makes a new key: the helper keeps it, the creator's old one is dead.
    assert helper.post(f"{server.url}/w/{code}/facilitator-key", headers=SAME_SITE).status_code == 200
    assert list(listed(server, helper)) == [code]
    page = creator.get(server.url + "/")
    assert code not in page.text
    # ... and the browser is told to forget the dead key.
    assert re.search(rf"wf_{code}=;.*(Max-Age=0|expires=Thu, 01 Jan 1970)", page.headers["Set-Cookie"], re.I)
    assert key_of(creator, code) is None

    # The operator's rotate-key from the terminal: the helper's key goes the same way.
    done = run_app("rotate-key", code, "--db", str(server.db_path), "--public-url", server.url)
    assert done.returncode == 0, done.stderr
    assert listed(server, helper) == {}


def test_an_erased_workshop_is_gone_from_the_list(server):
    browser = requests.Session()
    kept = create(server, browser, "Kept")
    erased = create(server, browser, "Erased by its facilitator")
    by_operator = create(server, browser, "Erased by the operator")
    assert set(listed(server, browser)) == {kept, erased, by_operator}

    r = requests.delete(f"{server.url}/api/workshops/{erased}", headers=bearer(key_of(browser, erased)))
    assert r.status_code == 204
    assert run_app("erase", by_operator, "--db", str(server.db_path)).returncode == 0
    assert list(listed(server, browser)) == [kept]
    assert "Erased by" not in home_text(server, browser)


def test_newest_first_and_only_workshops_this_browser_facilitates(server):
    browser = requests.Session()
    first = create(server, browser, "First")
    second = create(server, browser, "Second")
    # Taking part in another facilitator's workshop (a participant cookie) lists nothing.
    other = create(server, requests.Session(), "Someone else's")
    assert browser.post(f"{server.url}/j/{other}", data={"name": "Bram"}).status_code == 200
    assert list(listed(server, browser)) == [second, first]


def test_made_up_cookies_name_no_workshop(server):
    owner = requests.Session()
    code = create(server, owner, "Guarded")
    anna = requests.post(f"{server.url}/api/workshops/{code}/participants", json={"name": "Anna"}).json()
    forger = requests.Session()
    # A participant's own key under the facilitator's cookie name; the real key under another
    # code's name or in lower case; garbage; and far more cookies than anyone holds.
    forger.cookies.set(f"wf_{code}", anna["participant_token"])
    forger.cookies.set("wf_ZZZZZZ", key_of(owner, code))
    forger.cookies.set(f"wf_{code.lower()}", key_of(owner, code))
    forger.cookies.set("wf_", "x" * 300)
    for i in range(100):
        forger.cookies.set(f"wf_A{i:05d}", "guess")
    page = forger.get(server.url + "/")
    assert page.status_code == 200
    assert code not in page.text and "Guarded" not in page.text
    assert listed(server, forger) == {}
