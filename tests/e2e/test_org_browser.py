"""Two teams meeting on an organisation page, in a real Chromium, in Dutch and English, on a laptop
and phones (390×844): the organiser creates the organisation from the home page and reads its
join code; Sales's facilitator joins with it in the console (Support joins over its socket);
Bram (Sales) answers Support's ask on his phone and Cas (Support, the ask's owner) refuses on
hers; the Sales console brokers Anna's offer for the same ask and Anna says yes: a match, marked
on the organisation page, whose counts the organiser sees (and nothing of who said what). Bram
opens the organisation page from his phone: his team marked, Support's ask and offers as its team
sees them.
"""

from __future__ import annotations

import json

import pytest
from helpers import wait_until
from pages import label_not_in_name, local, screenshot, serious_accessibility_violations, wait_live
from test_org import Team

pytestmark = pytest.mark.live

WORDS = {
    "en": {"locale": "en-US", "contribute": "I'd like to contribute", "tab": "Market"},
    "nl": {"locale": "nl-NL", "contribute": "Ik wil bijdragen", "tab": "Markt"},
}


def phone_of(open_, server, team: Team, name: str, locale: str):
    page = open_("phone", locale)
    token = team.workshop.people[name]["participant_token"]
    page.context.add_cookies([{"name": f"wp_{team.code}", "value": token, "url": server.url}])
    page.goto(f"{server.url}/w/{team.code}/phone")
    wait_live(page)
    page.get_by_test_id("tab-market").click()
    page.get_by_test_id("panel-market").wait_for()
    return page


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_two_teams_meet_on_an_organisation_page(browsers, server, new_workshop, lang):
    words = WORDS[lang]
    sales = Team(
        server,
        new_workshop,
        "Sales",
        "Onboarding new customers",
        ["Anna", "Bram"],
        ["Teaching", "Numbers"],
        language=lang,
    )
    support = Team(
        server, new_workshop, "Support", "Customer calls", ["Cas", "Dirk"], ["Listening", "Explaining"], language=lang
    )
    secret = support.drive("Dirk", "A drive only the facilitator sees", visibility="facilitator", offered=False)
    sales.console.call("set_phase", {"phase": "linking"})

    # The organiser, on a laptop: the home page's small form, then the organisation page.
    organiser = browsers("laptop", words["locale"])
    organiser.goto(server.url + "/")
    organiser.get_by_test_id("org-create-name").fill(f"Acme <b>{lang}</b>")
    organiser.get_by_test_id("org-create-submit").click()
    organiser.get_by_test_id("org-page").wait_for()
    assert organiser.get_by_test_id("org-name").text_content() == f"Acme <b>{lang}</b>"
    code = organiser.get_by_test_id("org-join-code")
    wait_until(lambda: code.text_content().strip(), 10, "the join code")
    join_code = code.text_content().strip()

    # Sales's facilitator joins in the console; Support joins over its socket.
    console = browsers("laptop", words["locale"])
    console.goto(local(server, sales.workshop.signin_url()))
    wait_live(console)
    console.get_by_test_id("org-join-code").fill(join_code.lower())
    console.get_by_test_id("org-join").click()
    console.get_by_test_id("across-org").wait_for()
    assert console.get_by_test_id("org-member").is_visible()
    support.join(join_code)
    organiser.locator("[data-testid=org-team]").nth(1).wait_for()
    assert organiser.locator("[data-testid=org-team]").count() == 2

    # Bram answers Support's ask from his phone with his offered drive.
    bram = phone_of(browsers, server, sales, "Bram", words["locale"])
    ask = bram.locator(f'[data-testid=across-ask][data-goal-id="{support.goal}"]')
    ask.wait_for()
    send = ask.get_by_test_id("across-ask-send")
    assert send.text_content().strip() == words["contribute"]
    assert ask.get_by_test_id("across-ask-card").input_value() == sales.cards["Bram"]["id"]
    assert serious_accessibility_violations(bram) == []
    assert label_not_in_name(bram) == []
    send.click()
    bram.locator('[data-testid=across-proposals] [data-testid=across-proposal][data-status="waiting"]').wait_for()

    # Cas, the ask's owner, sees it waiting (the tab's badge) and says no.
    cas = phone_of(browsers, server, support, "Cas", words["locale"])
    waiting = cas.locator("[data-testid=across-waiting] [data-testid=across-proposal]")
    waiting.wait_for()
    assert cas.get_by_test_id("market-badge").text_content() == "1"
    assert "Numbers" in waiting.text_content() and "Bram" in waiting.text_content()
    waiting.scroll_into_view_if_needed()
    screenshot(cas, f"org-phone-{lang}")
    waiting.get_by_test_id("across-decline").click()
    bram.locator('[data-testid=across-proposals] [data-testid=across-proposal][data-status="declined"]').wait_for()
    cas.get_by_test_id("market-badge").wait_for(state="hidden")

    # The Sales console brokers Anna's offer for Support's ask; Anna says yes: a match.
    brokered = console.locator(f'[data-testid=across-ask][data-goal-id="{support.goal}"]')
    brokered.get_by_test_id("across-ask-card").select_option(sales.cards["Anna"]["id"])
    brokered.get_by_test_id("across-ask-send").click()
    anna = sales.phones["Anna"]
    proposal = anna.wait_for("across_saved", lambda d: d["proposal"]["kind"] == "broker")["proposal"]
    assert proposal["waits_for_me"] is True
    assert anna.call("decide_across", {"id": proposal["id"], "answer": "accept"})["ok"] is True
    console.locator('[data-testid=across-proposals] [data-testid=across-proposal][data-status="accepted"]').wait_for()
    assert serious_accessibility_violations(console) == []
    assert label_not_in_name(console) == []
    console.get_by_test_id("across").scroll_into_view_if_needed()
    screenshot(console, f"org-console-{lang}")

    # The organiser: the match marked on Support's ask, the counts; no names of who said no.
    organiser.locator("[data-testid=org-ask] [data-testid=org-matched]").wait_for()
    wait_until(lambda: organiser.get_by_test_id("org-count-accepted").text_content() == "1", 10, "the count")
    assert organiser.get_by_test_id("org-count-declined").text_content() == "1"
    text = organiser.locator("main").text_content()
    assert secret["text"] not in text and sales.code not in text and support.code not in text
    assert serious_accessibility_violations(organiser) == []
    assert label_not_in_name(organiser) == []
    screenshot(organiser, f"org-page-{lang}", full_page=True)

    # Bram opens the organisation page from his phone: his team marked, Support's view.
    bram.get_by_test_id("across-org-link").click()
    bram.get_by_test_id("org-page").wait_for()
    bram.locator('[data-testid=org-team][data-ours="true"]').wait_for()
    assert bram.locator("[data-testid=org-organiser]").count() == 0
    offers = bram.locator('[data-testid=org-team][data-ours="false"] [data-testid=org-offer]').all_text_contents()
    assert any("Listening" in o for o in offers) and not any(secret["text"] in o for o in offers)
    assert join_code not in bram.content()
    assert serious_accessibility_violations(bram) == []
    screenshot(bram, f"org-page-phone-{lang}")
    assert json.dumps(proposal)  # the match stayed a match
