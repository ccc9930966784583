"""The marketplace (issue 15) over a simulated week, in a real Chromium, in Dutch and English: the
facilitator opens it on a laptop and lists two asks; on phones (390×844) a person finds an ask
through a suggestion with its reason and answers it, the ask's owner sees the count waiting for
her and accepts (a link is made); a colleague proposes an offer and its person declines (no link);
the facilitator brokers from a suggestion and the person says yes; the board shows the asks and
the offered cards; after its last day the market says it is closed.

The server's clock is moved day by day (the seat test's ClockedServer: app.py with the one clock
of workshop/clock.py running ahead); the browsers and the test stay in today.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from helpers import Api, Workshop, free_port, run_app, wait_until
from pages import REVIEW, label_not_in_name, local, screenshot, serious_accessibility_violations, wait_live
from test_seat_browser import ClockedServer

pytestmark = pytest.mark.live

DAY = 24 * 60 * 60
GOALS = [
    {"text": "Happier customers", "kind": "goal"},
    {"text": "New onboarding", "kind": "project"},
]
# What each language's screens say where the test reads words (everything else goes by handle).
WORDS = {
    "en": {"locale": "en-US", "tab": "Market", "contribute": "I'd like to contribute", "shares": "Shares:"},
    "nl": {"locale": "nl-NL", "tab": "Markt", "contribute": "Ik wil bijdragen", "shares": "Gedeelde woorden:"},
}


@pytest.fixture(scope="module")
def clocked(tmp_path_factory):
    server = ClockedServer(tmp_path_factory.mktemp("market"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def room(clocked):
    clients: list = []

    def make(**kwargs) -> Workshop:
        return Workshop(clocked, Api(clocked.url), clients, **kwargs)

    yield make
    for client in clients:
        client.disconnect()


def server_today(clocked) -> date:
    return (datetime.now(UTC) + timedelta(seconds=float(clocked.ahead.read_text()))).date()


def phone_of(open_, clocked, workshop, name: str, locale: str):
    """``name``'s phone: their cookie (as the join page set it), then the phone page."""
    page = open_("phone", locale)
    token = workshop.people[name]["participant_token"]
    page.context.add_cookies([{"name": f"wp_{workshop.code}", "value": token, "url": clocked.url}])
    page.goto(f"{clocked.url}/w/{workshop.code}/phone")
    wait_live(page)
    return page


def run_digest(clocked) -> dict[str, str]:
    """Run the digest command against the server's database, with a local SMTP server (aiosmtpd)
    started for it: each recipient's one mail, as text."""
    from aiosmtpd.controller import Controller
    from test_digest import SENDER, Inbox, mails_to

    box = Inbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {
            "WORKSHOP_SMTP_HOST": "127.0.0.1",
            "WORKSHOP_SMTP_PORT": str(port),
            "WORKSHOP_SMTP_FROM": SENDER,
            "WORKSHOP_SMTP_STARTTLS": "off",
        }
        done = run_app("digest", "--db", str(clocked.db_path), env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        controller.stop()
    return mails_to(box)


def market_tab(page):
    page.get_by_test_id("tab-market").click()
    page.get_by_test_id("panel-market").wait_for()


def ask_row(page, goal_id: str):
    return page.locator(f'[data-testid=ask-row][data-goal-id="{goal_id}"]')


def link_between(workshop, card_id: str, goal_id: str):
    return next((l for l in workshop.snapshot()["links"] if l["card_id"] == card_id and l["goal_id"] == goal_id), None)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_week_of_marketplace_with_consent(browsers, room, clocked, lang):
    words = WORDS[lang]
    workshop = room(title="Team day", language=lang, goals=GOALS)
    goals = {g["text"]: g["id"] for g in workshop.snapshot()["goals"]}
    happier, onboarding = goals["Happier customers"], goals["New onboarding"]
    anna, bram, chris = (workshop.participant(n) for n in ("Anna", "Bram", "Chris"))
    interviews = anna.call("add_card", {"kind": "drive", "text": "Running customer interviews"})["card"]["id"]
    welcoming = bram.call("add_card", {"kind": "drive", "text": "Welcoming newcomers to the team"})["card"]["id"]
    checklists = chris.call("add_card", {"kind": "drive", "text": "Designing checklists that work"})["card"]["id"]
    workshop.facilitator().call("set_phase", {"phase": "linking"})

    # Day 0, the laptop: the facilitator opens the marketplace for a week and lists two asks.
    console = browsers("laptop", words["locale"])
    console.goto(local(clocked, workshop.signin_url()))
    wait_live(console)
    until = (server_today(clocked) + timedelta(days=7)).isoformat()
    console.get_by_test_id("market-until").fill(until)
    console.get_by_test_id("market-open").click()
    console.wait_for_selector('[data-testid=market-panel][data-open="true"]')
    row = ask_row(console, onboarding)
    row.get_by_test_id("ask-open").check()
    row.get_by_test_id("ask-text-input").fill("A buddy for newcomers")
    row.get_by_test_id("ask-effort-input").fill("2 hours a week")
    row.get_by_test_id("ask-owner").select_option(anna.id)
    row.get_by_test_id("ask-save").click()
    console.wait_for_selector(f'[data-testid=ask-row][data-goal-id="{onboarding}"][data-open="true"]')
    row = ask_row(console, happier)
    row.get_by_test_id("ask-open").check()
    row.get_by_test_id("ask-text-input").fill("Monthly customer interviews")
    row.get_by_test_id("ask-save").click()
    console.wait_for_selector(f'[data-testid=ask-row][data-goal-id="{happier}"][data-open="true"]')
    asks = {g["id"]: g["ask"] for g in workshop.snapshot()["goals"]}
    assert asks[onboarding] == {
        "open": True,
        "text": "A buddy for newcomers",
        "effort": "2 hours a week",
        "owner_id": anna.id,
    }
    assert asks[happier]["owner_id"] is None

    # Day 1, Bram's phone: the Market tab, the asks with effort and owner, a suggestion with its
    # reason; he answers the onboarding ask with his drive ("I want to grow in this", a note).
    clocked.move_ahead(DAY)
    bram_phone = phone_of(browsers, clocked, workshop, "Bram", words["locale"])
    assert bram_phone.get_by_test_id("tab-market").text_content().strip() == words["tab"]
    market_tab(bram_phone)
    ask = bram_phone.locator(f'[data-testid=market-ask][data-goal-id="{onboarding}"]')
    assert "2 hours a week" in ask.get_by_test_id("ask-effort").text_content()
    assert "Anna" in ask.get_by_test_id("ask-owner").text_content()
    assert ask.get_by_test_id("ask-contribute").text_content().strip() == words["contribute"]
    bram_phone.get_by_test_id("market-suggest").click()
    suggestion = bram_phone.locator(
        f'[data-testid=market-suggestion][data-goal-id="{onboarding}"][data-card-id="{welcoming}"]'
    )
    reason = suggestion.get_by_test_id("suggestion-reason").text_content()
    assert reason.startswith(words["shares"]) and "newcomers" in reason
    suggestion.get_by_test_id("suggestion-use").click()
    form = ask.get_by_test_id("propose-form")
    assert form.get_by_test_id("propose-card").input_value() == welcoming
    form.get_by_test_id("propose-type").select_option("grow")
    form.get_by_test_id("propose-note").fill("I ran the buddy scheme <b>at my last job</b>")
    assert serious_accessibility_violations(bram_phone) == []
    assert label_not_in_name(bram_phone) == []
    form.get_by_test_id("propose-send").click()
    mine = bram_phone.locator('[data-testid=market-mine] [data-testid=market-proposal][data-kind="answer"]')
    mine.wait_for()
    assert mine.get_attribute("data-status") == "waiting"
    assert link_between(workshop, welcoming, onboarding) is None

    # In Me, Bram asks for the weekly e-mail: his address, seen by him alone.
    bram_phone.get_by_test_id("tab-me").click()
    bram_phone.get_by_test_id("digest-email").fill("bram@example.org")
    bram_phone.get_by_test_id("digest-save").click()
    bram_phone.wait_for_function(
        "() => document.querySelector('[data-testid=digest-state]')?.textContent?.includes('bram@example.org')"
    )
    assert bram_phone.get_by_test_id("digest-stop").is_visible()
    market_tab(bram_phone)

    # Anna's phone: one waits for her answer (the badge), the note as text; she says yes.
    anna_phone = phone_of(browsers, clocked, workshop, "Anna", words["locale"])
    badge = anna_phone.get_by_test_id("market-badge")
    badge.wait_for()
    assert badge.text_content() == "1"
    market_tab(anna_phone)
    waiting = anna_phone.locator("[data-testid=market-waiting] [data-testid=market-proposal]")
    assert waiting.count() == 1
    assert waiting.get_by_test_id("proposal-note").text_content() == "I ran the buddy scheme <b>at my last job</b>"
    screenshot(anna_phone, f"market-phone-{lang}")
    waiting.get_by_test_id("proposal-accept").click()
    link = wait_until(lambda: link_between(workshop, welcoming, onboarding), 10, "the accepted answer's link")
    assert link["type"] == "grow"
    bram_phone.wait_for_selector('[data-testid=market-mine] [data-testid=market-proposal][data-status="accepted"]')
    badge.wait_for(state="hidden")

    # Day 3: Anna changes the effort of her own ask and offers her drive; Chris offers his (on
    # his own phone: a socket). Bram proposes Chris's offer for the customers' ask; Chris says no: no link, Bram sees it.
    clocked.move_ahead(2 * DAY)
    own_ask = anna_phone.locator(f'[data-testid=market-ask][data-goal-id="{onboarding}"]')
    own_ask.get_by_test_id("ask-edit").click()
    own_ask.get_by_test_id("ask-edit-effort").fill("3 hours a week")
    own_ask.get_by_test_id("ask-edit-save").click()
    bram_phone.locator(
        f'[data-testid=market-ask][data-goal-id="{onboarding}"] [data-testid=ask-effort]', has_text="3 hours"
    ).wait_for()
    offer = anna_phone.locator(f'[data-testid=market-my-offer][data-card-id="{interviews}"]')
    offer.get_by_test_id("offer-toggle").click()
    anna_phone.wait_for_selector(f'[data-testid=market-my-offer][data-card-id="{interviews}"][data-offered="true"]')
    assert chris.call("set_offer", {"card_id": checklists, "offered": True})["ok"]
    theirs = bram_phone.locator(f'[data-testid=market-offer][data-card-id="{checklists}"]')
    theirs.get_by_test_id("offer-propose").click()
    theirs.get_by_test_id("propose-goal").select_option(happier)
    theirs.get_by_test_id("propose-send").click()
    proposed = chris.wait_for("proposal_saved", lambda d: d["proposal"]["card_id"] == checklists)["proposal"]
    assert proposed["kind"] == "propose" and proposed["status"] == "waiting"
    assert chris.call("decide_proposal", {"id": proposed["id"], "answer": "decline"})["ok"]
    bram_phone.wait_for_selector(
        f'[data-testid=market-mine] [data-testid=market-proposal][data-proposal-id="{proposed["id"]}"][data-status="declined"]'
    )
    assert link_between(workshop, checklists, happier) is None

    # Day 5, the laptop: suggestions with their reasons; the facilitator brokers Anna's drive for
    # the customers' ask; Anna sees it waiting for her and says yes.
    clocked.move_ahead(2 * DAY)
    console.get_by_test_id("broker-suggest").click()
    brokered = console.locator(
        f'[data-testid=broker-suggestion][data-goal-id="{happier}"][data-card-id="{interviews}"]'
    )
    reason = brokered.get_by_test_id("broker-reason").text_content()
    assert reason.startswith(words["shares"]) and "customer" in reason and "interviews" in reason
    waiting_people = console.get_by_test_id("waiting-people")
    brokered.get_by_test_id("broker-propose").click()
    waiting_people.locator(f'[data-testid=waiting-person][data-participant-id="{anna.id}"]').wait_for()
    assert serious_accessibility_violations(console) == []
    assert label_not_in_name(console) == []
    console.get_by_test_id("ask-list").scroll_into_view_if_needed()
    screenshot(console, f"market-console-{lang}")
    badge.wait_for()
    broker = anna_phone.locator('[data-testid=market-waiting] [data-testid=market-proposal][data-kind="broker"]')
    broker.wait_for()

    # Anna asks for the weekly e-mail on her phone too; the operator's weekly run of the digest
    # (`python app.py digest`, as cron would) brings her what waits for her, through a local SMTP server.
    anna_phone.get_by_test_id("tab-me").click()
    anna_phone.get_by_test_id("digest-email").fill("anna@example.org")
    anna_phone.get_by_test_id("digest-save").click()
    anna_phone.wait_for_function(
        "() => document.querySelector('[data-testid=digest-state]')?.textContent?.includes('anna@example.org')"
    )
    mails = run_digest(clocked)
    assert "anna@example.org" in mails, list(mails)
    for text in ("Running customer interviews", "Happier customers"):
        assert text in mails["anna@example.org"]
    assert all("anna@example.org" not in text for to, text in mails.items() if to != "anna@example.org")
    market_tab(anna_phone)
    broker.get_by_test_id("proposal-accept").click()
    wait_until(lambda: link_between(workshop, interviews, happier), 10, "the brokered match's link")
    console.wait_for_selector(
        '[data-testid=console-proposals] [data-testid=console-proposal][data-status="accepted"][data-kind="broker"]'
    )
    waiting_people.locator("[data-testid=waiting-person]").first.wait_for(state="detached")

    # The board: the asks under their goals (with the effort), the offered cards marked.
    board = browsers("laptop", words["locale"])
    board.context.add_cookies(console.context.cookies())
    board.goto(local(clocked, workshop.urls["board"]))
    wait_live(board)
    goal = board.locator(f'[data-testid=goal][data-goal-id="{onboarding}"]')
    assert "3 hours a week" in goal.get_by_test_id("goal-effort").text_content()
    assert "A buddy for newcomers" in goal.get_by_test_id("goal-ask").text_content()
    board.locator(f'[data-testid=card][data-card-id="{interviews}"] [data-testid=card-offered]').wait_for()
    assert board.locator(f'[data-testid=card][data-card-id="{welcoming}"] [data-testid=card-offered]').count() == 0
    screenshot(board, f"market-board-{lang}")

    assert "bram@example.org" not in console.content() + board.content() + anna_phone.content()

    # Day 8: past its last day, the market says it is closed and takes no proposal.
    clocked.move_ahead(3 * DAY)
    bram_phone.reload()
    wait_live(bram_phone)
    bram_phone.get_by_test_id("tab-me").click()
    bram_phone.wait_for_function(
        "() => document.querySelector('[data-testid=digest-state]')?.textContent?.includes('bram@example.org')"
    )
    assert bram_phone.get_by_test_id("digest-email").input_value() == "bram@example.org"
    market_tab(bram_phone)
    bram_phone.wait_for_selector("[data-testid=panel-market].is-closed")
    assert bram_phone.get_by_test_id("market-suggest").is_disabled()
    screenshot(bram_phone, f"market-phone-closed-{lang}", folder=REVIEW)
    assert re.search(r"\S", bram_phone.get_by_test_id("market-until").text_content())
