"""A phone keeps only its person's own things, and forgets a workshop once its place there is gone.

In a real Chromium with touch: what the phone writes to localStorage never holds a colleague's
card (every write is watched, from the first page load); a phone closed while its person was
removed, or its workshop erased, forgets everything for that workshop when it is opened again
(the join page, or the "not found" page, tells it to); a live phone told that it left, was
removed, or that its workshop is gone, forgets at once; one that comes back online to a refused
connection does too. Also: the reducer for a person who left, a strength its person reworded as
its author sees it, and the console's offer to erase follow-ups with a workshop.

Screens are saved for review under test-results/screenshots/ (untracked).
"""

from __future__ import annotations

import re

import pytest
from pages import REVIEW, facilitator, local, phone, screenshot

pytestmark = pytest.mark.browser

# Every value written to localStorage, from the first script on each page (the page's CSP does
# not govern scripts Playwright adds through the DevTools protocol).
WATCH_WRITES = """
(() => {
  const write = Storage.prototype.setItem;
  window.__written = [];
  Storage.prototype.setItem = function (key, value) {
    window.__written.push(`${key}=${value}`);
    return write.call(this, key, value);
  };
})();
"""


# --- Helpers -----------------------------------------------------------------------------------


def kept(page, code: str) -> list[str]:
    """The localStorage keys the phone holds for this workshop."""
    return page.evaluate(f"() => Object.keys(localStorage).filter((k) => k.startsWith('wf:{code}:'))")


def stored(page) -> str:
    return page.evaluate("() => JSON.stringify(localStorage)")


def written(page) -> str:
    return "\n".join(page.evaluate("() => window.__written || []"))


def person_id(workshop, name: str) -> str:
    return next(p["id"] for p in workshop.snapshot()["participants"] if p["name"] == name)


def add_drive(page, text: str, visibility: str = "named") -> str:
    page.get_by_test_id("tab-drives").tap()
    page.get_by_test_id("drive-text").fill(text)
    page.get_by_test_id("drive-visibility").select_option(visibility)
    page.get_by_test_id("drive-add").tap()
    card = page.locator('[data-testid="my-card"]:not([data-pending])').filter(has_text=text)
    card.wait_for()
    return card.get_attribute("data-card-id")


def reopen(watched, url: str, expected_404: bool = False):
    """Open the phone's address again in a new tab of the same browser (cookies and storage kept),
    after the old tab was closed; its errors are watched like the first tab's."""
    page = watched.context.new_page()
    page.on("pageerror", lambda exc: watched.errors.append(f"pageerror: {exc}"))

    def console(msg):
        if msg.type == "error" and not (expected_404 and "status of 404" in msg.text):
            watched.errors.append(f"console: {msg.text}")

    page.on("console", console)
    watched.page = page
    page.goto(url)
    return page


def phone_with_colleagues(open_page, server, workshop):
    """Anna's phone (every storage write watched) in a room where Bram has shared a drive and
    named a strength of Anna's, and Anna has a drive, a strength for Bram and a draft of her own.
    Returns (watched, fac, bram, anna_id), once the phone has received the colleague's cards."""
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "strengths"})
    bram = workshop.participant("Bram")
    watched = phone(
        open_page, server, workshop, "Anna", before_join=lambda page: page.context.add_init_script(WATCH_WRITES)
    )
    page = watched.page
    anna_id = person_id(workshop, "Anna")
    assert bram.call("add_card", {"kind": "drive", "text": "Sailing on quiet lakes", "visibility": "named"})["ok"]
    assert bram.call("add_card", {"kind": "drive", "text": "A secret garden project", "visibility": "anonymous"})["ok"]
    assert bram.call(
        "add_card", {"kind": "strength", "text": "Stays calm under pressure", "about": anna_id, "signed": True}
    )["ok"]
    page.get_by_test_id("strengths-badge").wait_for()
    # The colleague's drives have reached the phone's state (the team's cards are in it).
    page.wait_for_function("() => document.querySelector('[data-testid=connection]').dataset.status === 'connected'")
    add_drive(page, "Drawing the big picture")
    page.get_by_test_id("tab-strengths").tap()
    page.get_by_test_id("colleague").filter(has_text="Bram").tap()
    page.get_by_test_id("strength-text").fill("Asks the right questions")
    page.get_by_test_id("strength-add").tap()
    page.get_by_test_id("strengths-given").locator('[data-testid="my-card"]:not([data-pending])').wait_for()
    page.get_by_test_id("tab-drives").tap()
    page.get_by_test_id("drive-text").fill("A thought for later")  # a draft, kept on the phone
    return watched, fac, bram, anna_id


COLLEAGUES_WORDS = ("Sailing on quiet lakes", "A secret garden project", "Stays calm under pressure", "Bram")


def assert_only_own_things_kept(page, code: str) -> None:
    everything = stored(page)
    assert "Drawing the big picture" in everything  # the person's own part of the state
    assert "Asks the right questions" in everything  # the strength she gave: her own words
    assert "A thought for later" in everything  # the draft
    for words in COLLEAGUES_WORDS:
        assert words not in everything, words
        assert words not in written(page), words  # not at any time, either
    assert kept(page, code)


# --- What the phone keeps -------------------------------------------------------------------------


def test_a_phone_closed_while_its_person_is_removed_forgets_the_workshop(open_page, server, workshop):
    watched, fac, bram, anna_id = phone_with_colleagues(open_page, server, workshop)
    page = watched.page
    phone_url = page.url
    # The colleague's cards are on the screen's state, never in storage.
    assert page.evaluate("() => document.body.textContent").count("Stays calm under pressure") >= 1
    assert_only_own_things_kept(page, workshop.code)

    page.close()
    assert fac.call("remove_participant", {"id": anna_id})["ok"]
    page = reopen(watched, phone_url)
    page.wait_for_url(re.compile(rf"/j/{workshop.code}$"))
    page.locator(f'[data-forget="{workshop.code}"]').wait_for(state="attached")
    page.wait_for_function(f"() => !Object.keys(localStorage).some((k) => k.startsWith('wf:{workshop.code}:'))")
    assert kept(page, workshop.code) == []
    assert not [c for c in watched.context.cookies() if c["name"] == f"wp_{workshop.code}"]
    page.get_by_test_id("join-name").wait_for()  # and it may join afresh
    screenshot(page, "join-after-removal-en", folder=REVIEW)


def test_a_phone_closed_while_its_workshop_is_erased_forgets_it(open_page, server, workshop):
    watched, fac, bram, anna_id = phone_with_colleagues(open_page, server, workshop)
    page = watched.page
    phone_url = page.url
    assert_only_own_things_kept(page, workshop.code)

    page.close()
    assert fac.call("delete_workshop", {"code": workshop.code})["ok"]
    page = reopen(watched, phone_url, expected_404=True)
    page.get_by_test_id("error-status").filter(has_text="404").wait_for()
    page.locator(f'[data-forget="{workshop.code}"]').wait_for(state="attached")
    page.wait_for_function(f"() => !Object.keys(localStorage).some((k) => k.startsWith('wf:{workshop.code}:'))")
    assert not [c for c in watched.context.cookies() if c["name"] == f"wp_{workshop.code}"]
    screenshot(page, "erased-workshop-en", folder=REVIEW)
    # Its join page says the same (and a code nobody ever had forgets nothing it should keep).
    assert page.goto(local(server, workshop.urls["join"])).status == 404
    page.locator(f'[data-forget="{workshop.code}"]').wait_for(state="attached")


def test_a_live_phone_forgets_when_it_is_removed(open_page, server, workshop):
    watched, fac, bram, anna_id = phone_with_colleagues(open_page, server, workshop)
    page = watched.page
    assert kept(page, workshop.code)
    assert fac.call("remove_participant", {"id": anna_id})["ok"]
    page.get_by_test_id("left-screen").wait_for()
    assert "removed" in page.get_by_test_id("left-title").text_content()
    assert kept(page, workshop.code) == []
    for words in COLLEAGUES_WORDS:
        assert words not in written(page), words


def test_a_live_phone_forgets_when_its_workshop_is_erased(open_page, server, workshop):
    watched, fac, bram, anna_id = phone_with_colleagues(open_page, server, workshop)
    page = watched.page
    assert kept(page, workshop.code)
    assert fac.call("delete_workshop", {"code": workshop.code})["ok"]
    page.get_by_test_id("left-screen").wait_for()
    assert page.get_by_test_id("left-title").text_content().strip() == "This workshop was deleted"
    assert page.get_by_test_id("join-again").is_hidden()
    assert kept(page, workshop.code) == []
    screenshot(page, "phone-deleted-en", folder=REVIEW)


def test_a_phone_back_online_after_its_removal_is_refused_and_forgets(open_page, server, workshop):
    watched, fac, bram, anna_id = phone_with_colleagues(open_page, server, workshop)
    page = watched.page
    watched.context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    page.wait_for_selector('[data-testid="connection"][data-status="offline"]', state="attached")
    assert fac.call("remove_participant", {"id": anna_id})["ok"]
    assert kept(page, workshop.code)

    watched.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_test_id("left-screen").wait_for()
    assert page.get_by_test_id("left-title").text_content().strip() == "You are no longer in this workshop"
    assert kept(page, workshop.code) == []
    screenshot(page, "phone-gone-en", folder=REVIEW)
    page.get_by_test_id("join-again").tap()
    page.locator(f'[data-forget="{workshop.code}"]').wait_for(state="attached")
    # The refused reconnection is the point here: the browser logs it (as a 400 under gevent).
    watched.errors[:] = [e for e in watched.errors if "400 (BAD REQUEST)" not in e]


def test_the_phone_leaving_clears_what_it_kept(open_page, server, workshop):
    watched, fac, bram, anna_id = phone_with_colleagues(open_page, server, workshop)
    page = watched.page
    page.get_by_test_id("tab-me").tap()
    page.get_by_test_id("leave").tap()
    page.get_by_test_id("ask-yes").tap()
    page.get_by_test_id("left-screen").wait_for()
    assert kept(page, workshop.code) == []


def test_a_dutch_phone_says_it_is_no_longer_in_the_workshop(open_page, server, new_workshop):
    workshop = new_workshop(language="nl")
    fac = workshop.facilitator()
    watched = phone(open_page, server, workshop, "Sanne")
    page = watched.page
    fac.call("delete_workshop", {"code": workshop.code})
    page.get_by_test_id("left-screen").wait_for()
    assert page.get_by_test_id("left-title").text_content().strip() == "Deze workshop is gewist"
    screenshot(page, "phone-deleted-nl", folder=REVIEW)


# --- The state after someone leaves -------------------------------------------------------------------


def test_the_state_forgets_a_person_who_left_everywhere(open_page, server, workshop):
    """participant_left strips the person from +1s, links they made, agreements they owned and
    the strength round (the server has dropped them there too)."""
    page = phone(open_page, server, workshop, "Anna").page
    result = page.evaluate("""async () => {
        const { applyChange, fromServer } = await import("/static/js/state.js");
        const state = fromServer({
          version: 4,
          participants: [{ id: "anna0001", name: "Anna" }, { id: "bram0001", name: "Bram" }],
          cards: [
            { id: "card-a01", kind: "drive", about: "anna0001", author: "anna0001", text: "Mine" },
            { id: "card-b01", kind: "drive", about: "bram0001", author: "bram0001", text: "His" },
            { id: "card-b02", kind: "strength", about: "anna0001", author: "bram0001", text: "Signed by him", signed: true },
          ],
          links: [
            { id: "link-a01", card_id: "card-a01", goal_id: "goal0001", created_by: "bram0001", endorsements: ["bram0001", "cas00001"] },
            { id: "link-b01", card_id: "card-b01", goal_id: "goal0001", created_by: "bram0001", endorsements: [] },
          ],
          agreements: [{ id: "agree001", link_id: "link-a01", text: "Demo", owner: "bram0001" }],
          assignments: [{ giver: "anna0001", receiver: "bram0001" }, { giver: "bram0001", receiver: "anna0001" }],
        });
        const next = applyChange(state, "participant_left", { version: 5, id: "bram0001", card_ids: ["card-b01"], link_ids: ["link-b01"] });
        return { people: next.participants.map((p) => p.id), cards: next.cards.map((c) => c.id), links: next.links,
                 agreements: next.agreements, assignments: next.assignments, version: next.version };
    }""")
    assert result["people"] == ["anna0001"]
    assert result["cards"] == ["card-a01"]
    assert result["links"] == [
        {
            "id": "link-a01",
            "card_id": "card-a01",
            "goal_id": "goal0001",
            "created_by": None,
            "endorsements": ["cas00001"],
        }
    ]
    assert [a["owner"] for a in result["agreements"]] == [None]
    assert result["assignments"] == []
    assert result["version"] == 5


# --- A reworded strength, as its author sees it ------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_strength_its_person_reworded_is_theirs_until_its_author_writes_anew(
    open_page, server, new_workshop, language
):
    workshop = new_workshop(language=language)
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "strengths"})
    bram = workshop.participant("Bram")
    page = phone(open_page, server, workshop, "Anna").page
    page.get_by_test_id("tab-strengths").tap()
    page.get_by_test_id("colleague").filter(has_text="Bram").tap()
    page.get_by_test_id("strength-text").fill("Explains things patiently")
    page.get_by_test_id("strength-signed").check()
    page.get_by_test_id("strength-add").tap()
    given = page.get_by_test_id("strengths-given").locator('[data-testid="my-card"]:not([data-pending])')
    given.wait_for()
    card_id = given.get_attribute("data-card-id")

    assert bram.call("respond_strength", {"id": card_id, "answer": "accept", "text": "Explains things very patiently"})[
        "ok"
    ]
    reworded = {
        "en": "Reworded by Bram: shown as their words, without your name",
        "nl": "Herschreven door Bram: getoond als diens eigen woorden, zonder jouw naam",
    }[language]
    given.get_by_test_id("card-status").filter(has_text=reworded).wait_for()
    assert given.get_by_test_id("card-text").text_content() == "Explains things very patiently"
    given.evaluate("(card) => card.scrollIntoView({block: 'center'})")
    screenshot(page, f"phone-reworded-{language}", folder=REVIEW)

    # Her name cannot go onto his words: the box is off until the text is hers again.
    given.get_by_test_id("card-edit").tap()
    box = given.get_by_test_id("card-edit-signed")
    assert box.is_disabled() and not box.is_checked()
    assert given.get_by_test_id("card-edit-signed-hint").is_visible()
    given.evaluate("(card) => card.scrollIntoView({block: 'center'})")
    screenshot(page, f"phone-reworded-edit-{language}", folder=REVIEW)
    given.get_by_test_id("card-edit-text").fill("Explains things patiently, and draws them too")
    assert box.is_enabled() and given.get_by_test_id("card-edit-signed-hint").is_hidden()
    box.check()
    given.get_by_test_id("card-save").tap()
    page.get_by_test_id("strengths-given").locator('[data-testid="my-card"]:not([data-pending])').get_by_test_id(
        "card-status"
    ).filter(has_text="Bram").wait_for()
    page.wait_for_function("() => !document.querySelector('[data-pending]')")
    card = next(s for s in workshop.snapshot()["strengths"] if s["id"] == card_id)
    assert (card["text"], card["status"], card["signed"], card.get("reworded")) == (
        "Explains things patiently, and draws them too",
        "pending",
        True,
        False,
    )


# --- Erasing follow-ups with their workshop ----------------------------------------------------------------


def start_follow_up(server, workshop) -> dict:
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "closed"})
    fac.disconnect()
    response = workshop.api.http.post(
        f"{server.url}/api/workshops/{workshop.code}/follow-up",
        headers={"Authorization": f"Bearer {workshop.token}"},
        json={},
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("erase_follow_ups", [True, False])
def test_the_console_offers_to_erase_the_follow_ups_too(open_page, server, new_workshop, erase_follow_ups):
    plain = new_workshop()
    console = facilitator(open_page, server, plain).page
    console.get_by_test_id("danger-zone").locator("summary").click()
    assert console.get_by_test_id("delete-follow-ups-field").is_hidden()  # nothing to offer

    workshop = new_workshop()
    follow_up = start_follow_up(server, workshop)
    console = facilitator(open_page, server, workshop).page
    console.get_by_test_id("danger-zone").locator("summary").click()
    field = console.get_by_test_id("delete-follow-ups-field")
    field.wait_for()
    assert field.text_content().strip() == "Also erase its follow-ups (1)"
    assert console.get_by_test_id("delete-follow-ups").is_checked()
    console.get_by_test_id("delete-code").fill(workshop.code)
    if erase_follow_ups:
        console.get_by_test_id("danger-zone").scroll_into_view_if_needed()
        screenshot(console, "console-delete-follow-ups", folder=REVIEW)
    else:
        console.get_by_test_id("delete-follow-ups").uncheck()
    console.get_by_test_id("delete-workshop").click()
    console.wait_for_url(f"{server.url}/")
    assert console.request.get(local(server, workshop.urls["join"])).status == 404
    follow_up_join = console.request.get(f"{server.url}/j/{follow_up['code']}")
    assert follow_up_join.status == (404 if erase_follow_ups else 200)
