"""Phones in a room the facilitator runs, in a real Chromium with touch: the screen follows the
phase, the timer counts down (on a skewed clock too) and its lock stops changes without a loop,
"I'm done", the strength round, link types, +1 from colleagues, agreements, and the check-in
between workshops. The phone's room screens are saved at 360×740 in English and Dutch, each
checked with axe-core.

Every page is watched for console errors and CSP violations (``open_page`` fails the test).
"""

from __future__ import annotations

import re
import time

import pytest
import requests
from pages import local, phone, screenshot, serious_accessibility_violations, wait_live

pytestmark = pytest.mark.browser


# --- Helpers -----------------------------------------------------------------------------------


class Sent:
    """Everything a page sends over its Socket.IO connection (WebSocket frames and polling bodies)."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("websocket", lambda ws: ws.on("framesent", self._frame))
        page.on("request", self._request)

    def _frame(self, payload) -> None:
        self.messages.append(payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))

    def _request(self, request) -> None:
        if "/socket.io/" in request.url and request.method == "POST":
            self.messages.append(request.post_data or "")

    def count(self, needle: str) -> int:
        return sum(message.count(needle) for message in list(self.messages))


def add_drive(page, text: str) -> str:
    """Add a drive from the composer; returns its id once the server has it."""
    page.get_by_test_id("tab-drives").tap()
    page.get_by_test_id("drive-text").fill(text)
    page.get_by_test_id("drive-add").tap()
    card = page.locator('[data-testid="my-card"]:not([data-pending])').filter(has_text=text)
    card.wait_for()
    return card.get_attribute("data-card-id")


def settled(page) -> None:
    """Wait until the phone has delivered everything it kept (nothing marked unsent)."""
    wait_live(page)
    page.wait_for_function("() => !document.querySelector('[data-pending]')", timeout=15_000)


def shown_panel(page) -> str:
    """The screen the phone shows now (drives, strengths, links, agreements, me, checkin)."""
    return page.locator('[data-testid^="panel-"]:visible').first.get_attribute("data-testid").removeprefix("panel-")


def wait_panel(page, name: str) -> None:
    page.get_by_test_id(f"panel-{name}").wait_for()


def id_of(workshop, name: str) -> str:
    return next(p["id"] for p in workshop.snapshot()["participants"] if p["name"] == name)


def go_offline(watched) -> None:
    watched.context.set_offline(True)
    watched.page.evaluate("window.dispatchEvent(new Event('offline'))")
    watched.page.wait_for_selector('[data-testid="connection"][data-status="offline"]', state="attached")


def go_online(watched) -> None:
    watched.context.set_offline(False)
    watched.page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_live(watched.page)


# --- Phases: every phone follows the room ------------------------------------------------------------


def test_a_phase_change_moves_two_phones_and_a_late_joiner_lands_in_the_phase(open_page, server, workshop):
    fac = workshop.facilitator()
    anna = phone(open_page, server, workshop, "Anna").page
    bram = phone(open_page, server, workshop, "Bram").page
    for page in (anna, bram):
        assert shown_panel(page) == "drives"
        assert "While everyone joins" in page.get_by_test_id("phase-task").text_content()
        assert page.get_by_test_id("done-toggle").is_hidden()  # nothing to be done with while joining

    fac.call("set_phase", {"phase": "strengths"})
    for page in (anna, bram):
        wait_panel(page, "strengths")
        page.get_by_test_id("phase").filter(has_text="Strengths").wait_for()
        assert page.get_by_test_id("tab-strengths").get_attribute("aria-selected") == "true"

    fac.call("set_phase", {"phase": "linking"})
    wait_panel(anna, "links")
    wait_panel(bram, "links")
    # Anna may still look elsewhere; the bar says where the room is, and takes her there.
    anna.get_by_test_id("tab-drives").tap()
    bar = anna.get_by_test_id("phase-bar")
    assert "The room is now at: Linking" in bar.text_content()
    assert anna.get_by_test_id("done-toggle").is_hidden()
    anna.get_by_test_id("phase-go").tap()
    wait_panel(anna, "links")
    assert anna.get_by_test_id("phase-go").is_hidden()

    # Someone joining now starts where the room is.
    cas = phone(open_page, server, workshop, "Cas").page
    assert shown_panel(cas) == "links"
    assert cas.get_by_test_id("phase").text_content() == "Linking"

    # A phone that was away while the phase changed lands in the new phase when it comes back.
    bram_url = bram.url
    bram.goto("about:blank")
    fac.call("set_phase", {"phase": "agreements"})
    wait_panel(anna, "agreements")
    bram.goto(bram_url)
    wait_live(bram)
    wait_panel(bram, "agreements")
    assert "Now: agree who does what" in bram.get_by_test_id("phase-task").text_content()


# --- The timer and its lock ----------------------------------------------------------------------------


def test_the_timer_counts_down_on_a_skewed_clock_and_its_lock_stops_changes_without_a_loop(open_page, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    watched = open_page("phone")
    # This phone's clock runs an hour ahead: the countdown must follow the server's clock.
    watched.context.add_init_script("(() => { const real = Date.now; Date.now = () => real() + 3600 * 1000; })()")
    sent = Sent(watched.page)
    page = watched.page
    page.goto(local(server, workshop.urls["join"]))
    page.get_by_test_id("join-name").fill("Anna")
    page.get_by_test_id("join-name-submit").click()
    wait_live(page)

    assert fac.call("set_timer", {"seconds": 300, "lock": False})["ok"]
    page.get_by_test_id("timer").wait_for()
    assert re.fullmatch(r"[45]:\d\d", page.get_by_test_id("timer-text").text_content())
    assert page.get_by_test_id("timer").get_attribute("data-state") == "running"

    # A drive typed while the connection is down, then time runs out with input locked.
    go_offline(watched)
    page.get_by_test_id("drive-text").fill("Teaching newcomers")
    page.get_by_test_id("drive-add").tap()
    page.locator('[data-testid="my-card"][data-pending="true"]').wait_for()
    assert fac.call("set_timer", {"seconds": 1, "lock": True})["ok"]
    time.sleep(1.2)
    go_online(watched)

    # The server refuses it (`locked`): it leaves the outbox, says so once, and the text is back.
    page.get_by_test_id("toast").filter(has_text="Time is up: this was not saved. Your text is kept.").wait_for()
    page.locator('[data-testid="my-card"][data-pending="true"]').wait_for(state="detached")
    assert page.get_by_test_id("drive-text").input_value() == "Teaching newcomers"
    assert page.get_by_test_id("time-up").is_visible()
    assert page.get_by_test_id("timer-text").text_content() == "Time is up"
    assert page.get_by_test_id("timer").get_attribute("data-state") == "up"
    add = page.get_by_test_id("drive-add")
    assert add.is_disabled() and add.text_content().strip() == "Time is up"
    # Typing is never blocked: the text stays on the phone.
    page.get_by_test_id("drive-text").fill("Teaching newcomers, and learning from them")
    page.wait_for_timeout(4000)  # longer than the outbox's retry delay
    assert sent.count("Teaching newcomers") == 1
    assert page.evaluate(f"() => localStorage.getItem('wf:{workshop.code}:outbox')") is None
    assert workshop.snapshot()["drives"] == []
    assert page.get_by_test_id("toast").filter(has_text="Time is up").count() <= 2  # the moment, and the refusal

    # A new timer lifts the lock: the same words can be added now.
    assert fac.call("set_timer", {"seconds": 0, "lock": False})["ok"]
    page.get_by_test_id("time-up").wait_for(state="hidden")
    assert page.get_by_test_id("timer").is_hidden()
    add_drive(page, "Teaching newcomers, and learning from them")


def test_i_m_done_reaches_the_facilitator(open_page, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    page = phone(open_page, server, workshop, "Anna").page
    toggle = page.get_by_test_id("done-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.tap()
    updated = fac.wait_for(
        "participant_updated", lambda d: d["participant"]["name"] == "Anna" and d["participant"]["done"] == ["drives"]
    )
    assert updated["participant"]["id"] == id_of(workshop, "Anna")
    page.locator('[data-testid="done-toggle"][aria-pressed="true"]').wait_for()
    settled(page)

    toggle.tap()
    fac.wait_for("participant_updated", lambda d: d["participant"]["name"] == "Anna" and d["participant"]["done"] == [])
    page.locator('[data-testid="done-toggle"][aria-pressed="false"]').wait_for()

    # Done is per phase: in the next phase the toggle starts fresh.
    toggle.tap()
    fac.wait_for("participant_updated", lambda d: d["participant"]["done"] == ["drives"])
    fac.call("set_phase", {"phase": "strengths"})
    wait_panel(page, "strengths")
    assert page.get_by_test_id("done-toggle").get_attribute("aria-pressed") == "false"


# --- The strength round ------------------------------------------------------------------------------------


def test_the_strength_round_shows_whom_to_name_first_with_progress(open_page, server, workshop):
    fac = workshop.facilitator()
    workshop.participant("Bram")
    workshop.participant("Cas")
    fac.call("set_phase", {"phase": "strengths"})
    page = phone(open_page, server, workshop, "Anna").page
    assert page.get_by_test_id("strength-round").is_hidden()

    assert fac.call("assign_strength_round", {"per_person": 2})["ok"]
    page.get_by_test_id("strength-round").wait_for()
    # Round robin in joining order: Anna joined last and names Bram and Cas.
    assert page.get_by_test_id("strength-round-title").text_content() == "Name a strength of: Bram, Cas"
    assert page.get_by_test_id("strength-round-progress").text_content() == "0 of 2 done"
    assert page.get_by_test_id("round-colleague").all_text_contents() == ["BramTo do", "CasTo do"]
    assert page.get_by_test_id("colleague-search-label").text_content() == "Or someone else:"

    page.get_by_test_id("round-colleague").filter(has_text="Cas").tap()
    assert page.get_by_test_id("strength-about").text_content() == "Cas"
    page.get_by_test_id("strength-text").fill("Stays calm under pressure")
    page.get_by_test_id("strength-add").tap()
    page.get_by_test_id("strength-round-progress").filter(has_text="1 of 2 done").wait_for()
    cas = page.locator('[data-testid="round-colleague"][data-done="true"]')
    assert cas.text_content() == "Cas✓ Named"
    settled(page)
    assert [s["text"] for s in workshop.snapshot()["strengths"]] == ["Stays calm under pressure"]


# --- Link types and +1 ----------------------------------------------------------------------------------------


def test_tap_to_link_offers_the_type_and_my_link_shows_and_changes_it(open_page, server, workshop):
    workshop.facilitator().call("set_phase", {"phase": "linking"})
    page = phone(open_page, server, workshop, "Anna").page
    drive_id = add_drive(page, "Untangling messy processes")
    goal = workshop.snapshot()["goals"][1]

    page.get_by_test_id("tab-links").tap()
    page.get_by_test_id("link-card").filter(has_text="Untangling").tap()
    page.get_by_test_id("link-goal").filter(has_text=goal["text"]).tap()
    choice = page.get_by_test_id("link-type-choice")
    choice.wait_for()
    assert choice.get_by_test_id("link-type").all_text_contents() == [
        "It energises me",
        "I want to grow in this",
        "I already do this",
    ]
    assert choice.locator('[aria-pressed="true"]').get_attribute("data-type") == "energises"
    choice.locator('[data-type="grow"]').tap()
    choice.locator('[data-type="grow"][aria-pressed="true"]').wait_for()
    settled(page)
    assert [(l["card_id"], l["goal_id"], l["type"]) for l in workshop.snapshot()["links"]] == [
        (drive_id, goal["id"], "grow")
    ]

    # My link says how it relates, and can change it.
    mine = page.get_by_test_id("my-link")
    assert mine.get_by_test_id("my-link-type").input_value() == "grow"
    mine.get_by_test_id("my-link-type").select_option("already")
    settled(page)
    assert [l["type"] for l in workshop.snapshot()["links"]] == ["already"]
    choice.locator('[data-type="already"][aria-pressed="true"]').wait_for()
    # Picking another card puts the question away.
    page.get_by_test_id("link-card").filter(has_text="Untangling").tap()
    choice.wait_for(state="detached")


def test_a_colleague_gives_a_link_plus_one_from_a_second_phone(open_page, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "linking"})
    anna = phone(open_page, server, workshop, "Anna").page
    bram = phone(open_page, server, workshop, "Bram").page
    drive_id = add_drive(anna, "Coaching new colleagues")
    goal = workshop.snapshot()["goals"][0]
    assert fac.call("add_link", {"card_id": drive_id, "goal_id": goal["id"], "type": "already"})["ok"]
    assert anna.get_by_test_id("team-link").count() == 0  # my own links are not mine to +1

    bram.get_by_test_id("tab-links").tap()
    link = bram.get_by_test_id("team-link").filter(has_text="Coaching new colleagues")
    link.wait_for()
    assert link.get_by_test_id("link-type-label").text_content() == "I already do this"
    assert "Anna" in link.text_content() and goal["text"] in link.text_content()
    assert link.get_by_test_id("endorse-count").text_content() == "0"
    link.get_by_test_id("endorse").tap()
    link.locator('[data-testid="endorse"][aria-pressed="true"]').wait_for()
    assert link.get_by_test_id("endorse-count").text_content() == "1"
    settled(bram)
    assert [l["endorsements"] for l in workshop.snapshot()["links"]] == [[id_of(workshop, "Bram")]]

    anna.get_by_test_id("tab-links").tap()
    anna.get_by_test_id("my-link-endorsements").filter(has_text="1 colleague gave this +1").wait_for()

    link.get_by_test_id("endorse").tap()  # taken back
    link.locator('[data-testid="endorse"][aria-pressed="false"]').wait_for()
    anna.get_by_test_id("my-link-endorsements").wait_for(state="detached")
    settled(bram)
    assert [l["endorsements"] for l in workshop.snapshot()["links"]] == [[]]


# --- Agreements ------------------------------------------------------------------------------------------------


def test_an_agreement_made_on_the_phone_reaches_the_facilitator(open_page, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    page = phone(open_page, server, workshop, "Anna").page
    anna_id = id_of(workshop, "Anna")
    drive_id = add_drive(page, "Explaining things simply")
    goal = workshop.snapshot()["goals"][1]
    link_id = fac.call("add_link", {"card_id": drive_id, "goal_id": goal["id"]})["link"]["id"]
    fac.call("set_phase", {"phase": "agreements"})
    wait_panel(page, "agreements")

    item = page.locator(f'[data-testid="agreement-link"][data-link-id="{link_id}"]')
    item.get_by_test_id("agreement-none").wait_for()  # (the screen is drawn once its code has loaded)
    item.get_by_test_id("agreement-add").tap()
    form = item.get_by_test_id("agreement-form")
    assert form.get_by_test_id("agreement-owner").input_value() == anna_id  # me, unless I choose
    form.get_by_test_id("agreement-text").fill("I write the onboarding checklist")
    form.get_by_test_id("agreement-due").fill("2031-03-14")
    form.get_by_test_id("agreement-save").tap()
    saved = fac.wait_for("agreement_saved", lambda d: d["agreement"]["text"] == "I write the onboarding checklist")[
        "agreement"
    ]
    assert (saved["link_id"], saved["owner"], saved["due"], saved["done"]) == (link_id, anna_id, "2031-03-14", False)
    shown = item.get_by_test_id("agreement")
    assert re.fullmatch(
        r"Me \(Anna\)by (14 Mar 2031|Mar 14, 2031)", shown.get_by_test_id("agreement-meta").text_content()
    )
    settled(page)

    shown.get_by_test_id("agreement-done").tap()
    fac.wait_for("agreement_saved", lambda d: d["agreement"]["id"] == saved["id"] and d["agreement"]["done"] is True)
    shown.get_by_test_id("agreement-edit").tap()
    item.get_by_test_id("agreement-text").fill("I write and share the onboarding checklist")
    item.get_by_test_id("agreement-due").fill("")
    item.get_by_test_id("agreement-save").tap()
    edited = fac.wait_for("agreement_saved", lambda d: d["agreement"]["text"].startswith("I write and share"))[
        "agreement"
    ]
    assert (edited["id"], edited["due"], edited["done"]) == (saved["id"], None, True)

    item.get_by_test_id("agreement-delete").tap()
    page.get_by_test_id("ask-yes").tap()
    assert fac.wait_for("agreement_deleted")["id"] == saved["id"]
    item.get_by_test_id("agreement-none").wait_for()


# --- The check-in, between workshops ---------------------------------------------------------------------------


def test_a_check_in_answered_on_the_phone_is_in_the_facilitator_s_summary(open_page, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    page = phone(open_page, server, workshop, "Anna").page
    drive_id = add_drive(page, "Making complex things simple")
    goals = workshop.snapshot()["goals"]
    for goal in goals[:2]:
        assert fac.call("add_link", {"card_id": drive_id, "goal_id": goal["id"]})["ok"]
    fac.call("set_phase", {"phase": "closed"})
    page.get_by_test_id("closed-notice").wait_for()
    assert page.get_by_test_id("checkin-banner").is_hidden()

    assert fac.call("open_checkin")["ok"]
    wait_panel(page, "checkin")  # it opens by itself, even in a closed workshop
    page.get_by_test_id("checkin-progress").filter(has_text="0 of 2 links rated").wait_for()
    first = page.get_by_test_id("checkin-link").filter(has_text=goals[0]["text"])
    first.get_by_test_id("checkin-comment").fill("Still my favourite part of the week")
    first.locator('[data-testid="checkin-rate"][data-rating="4"]').tap()
    first.get_by_test_id("checkin-answer").filter(has_text="Saved: 4 of 5").wait_for()
    second = page.get_by_test_id("checkin-link").filter(has_text=goals[1]["text"])
    second.locator('[data-testid="checkin-rate"][data-rating="2"]').tap()
    second.get_by_test_id("checkin-answer").filter(has_text="Saved: 2 of 5").wait_for()
    page.get_by_test_id("checkin-progress").filter(has_text="All your links are rated").wait_for()
    # Answering again replaces the answer.
    second.locator('[data-testid="checkin-rate"][data-rating="3"]').tap()
    second.get_by_test_id("checkin-answer").filter(has_text="Saved: 3 of 5").wait_for()
    settled(page)

    r = requests.get(
        f"{server.url}/api/workshops/{workshop.code}/summary.json",
        headers={"Authorization": f"Bearer {workshop.token}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    ratings = {row["goal"]: row["ratings"] for row in r.json()["checkins"]}
    assert ratings == {
        goals[0]["text"]: [{"rating": 4, "comment": "Still my favourite part of the week"}],
        goals[1]["text"]: [{"rating": 3, "comment": None}],
    }

    # Back to the workshop, the banner leads to the check-in again; closing it puts it away.
    page.get_by_test_id("checkin-back").tap()
    page.get_by_test_id("checkin-banner").wait_for()
    page.get_by_test_id("checkin-open").tap()
    wait_panel(page, "checkin")
    assert fac.call("close_checkin")["ok"]
    page.get_by_test_id("panel-checkin").wait_for(state="hidden")
    assert page.get_by_test_id("checkin-banner").is_hidden()


# --- The room's phone screens at 360×740 ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_room_s_phone_screens_at_360_by_740(open_page, server, new_workshop, language):
    words = {
        "en": (
            "Team day",
            ["Happy customers", "New onboarding", "Weekly customer calls"],
            ["Helping a customer who is stuck", "Making messy things simple"],
            "Asks the questions nobody else dares to",
            "I run the first onboarding week",
            "Share what I learn in the team meeting",
        ),
        "nl": (
            "Teamdag",
            ["Tevreden klanten", "Nieuwe inwerkperiode", "Wekelijkse klantgesprekken"],
            ["Een klant helpen die vastzit", "Rommelige dingen eenvoudig maken"],
            "Stelt de vragen die niemand anders durft",
            "Ik begeleid de eerste inwerkweek",
            "Wat ik leer deel ik in het teamoverleg",
        ),
    }[language]
    title, goal_texts, drive_texts, strength, agreement, draft = words
    workshop = new_workshop(
        title=title,
        language=language,
        goals=[{"text": t, "kind": k} for t, k in zip(goal_texts, ["goal", "project", "activity"])],
    )
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    for name in ("Bram", "Cas", "Dewi"):
        workshop.participant(name)
    watched = phone(open_page, server, workshop, "Anna")
    page = watched.page
    page.goto(f"{page.url}?lang={language}")
    wait_live(page)
    assert page.locator("html").get_attribute("lang") == language

    def shot(name: str) -> None:
        page.wait_for_function("() => !document.querySelector('[data-testid=toast]')", timeout=15_000)
        screenshot(page, f"phone-{name}-{language}")
        assert serious_accessibility_violations(page) == [], name

    # Drives, with the phase's timer in the header.
    ids = [add_drive(page, text) for text in drive_texts]
    fac.call("set_timer", {"seconds": 7 * 60, "lock": True})
    page.get_by_test_id("timer").wait_for()
    page.get_by_test_id("drive-text").fill("")
    page.evaluate("() => window.scrollTo(0, 0)")
    shot("drives-timer")
    fac.call("set_timer", {"seconds": 1, "lock": True})
    page.get_by_test_id("time-up").wait_for()
    page.get_by_test_id("drive-text").fill(drive_texts[0] + "…")
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    shot("time-up")
    page.get_by_test_id("drive-text").fill("")

    # Strengths, with the colleagues of the strength round first.
    page.evaluate("() => document.activeElement.blur()")  # while typing, the screen would stay
    fac.call("set_timer", {"seconds": 0, "lock": False})
    fac.call("set_phase", {"phase": "strengths"})
    fac.call("assign_strength_round", {"per_person": 2})
    wait_panel(page, "strengths")
    page.get_by_test_id("strength-round").wait_for()
    page.get_by_test_id("round-colleague").first.tap()
    page.get_by_test_id("strength-text").fill(strength)
    page.get_by_test_id("strength-add").tap()
    page.locator('[data-testid="round-colleague"][data-done="true"]').wait_for()
    settled(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    shot("strengths-round")

    # Linking: the type of the link just made.
    fac.call("set_phase", {"phase": "linking"})
    wait_panel(page, "links")
    page.locator(f'[data-testid="link-card"][data-card-id="{ids[0]}"]').tap()
    page.get_by_test_id("link-goal").filter(has_text=goal_texts[1]).tap()
    choice = page.get_by_test_id("link-type-choice")
    choice.locator('[data-type="grow"]').tap()
    choice.locator('[data-type="grow"][aria-pressed="true"]').wait_for()
    settled(page)
    page.evaluate("""() => {
        const goal = document.querySelector('[data-testid=link-type-choice]').closest('li');
        window.scrollTo(0, goal.offsetTop - document.querySelector('.phone-top').offsetHeight - 60);
    }""")
    shot("link-type")

    # Agreements: one made, and the next being written.
    fac.call("set_phase", {"phase": "agreements"})
    wait_panel(page, "agreements")
    item = page.get_by_test_id("agreement-link").first
    item.get_by_test_id("agreement-add").tap()
    item.get_by_test_id("agreement-text").fill(agreement)
    item.get_by_test_id("agreement-due").fill("2031-03-14")
    item.get_by_test_id("agreement-save").tap()
    settled(page)
    item.get_by_test_id("agreement-add").tap()
    item.get_by_test_id("agreement-text").fill(draft)
    page.evaluate("() => document.activeElement.blur()")
    page.evaluate("() => window.scrollTo(0, 0)")
    shot("agreements")
    page.evaluate("() => document.querySelector('[data-testid=agreement-save]').scrollIntoView({block: 'end'})")
    page.evaluate("() => window.scrollBy(0, 90)")  # above the tab bar
    shot("agreements-form")
    item.get_by_test_id("agreement-cancel").tap()

    # The check-in, after the workshop: one link rated, one to go.
    drive_link = fac.call("add_link", {"card_id": ids[1], "goal_id": workshop.snapshot()["goals"][0]["id"]})
    assert drive_link["ok"]
    fac.call("set_phase", {"phase": "closed"})
    fac.call("open_checkin")
    wait_panel(page, "checkin")
    page.get_by_test_id("checkin-link").first.locator('[data-testid="checkin-rate"][data-rating="4"]').tap()
    page.get_by_test_id("checkin-answer").first.filter(has_text="4").wait_for()
    settled(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    shot("checkin")
