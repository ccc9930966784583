"""Phones that are safe, forgiving and quick, in a real Chromium with touch: who sees a card,
consent for strengths, my data and leaving, edits that survive a dropped connection and a
reload, and tap-to-link. Every phone screen is saved at 360×740 in English and Dutch.

Every page is watched for console errors and CSP violations (``open_page`` fails the test).
"""

from __future__ import annotations

import re
import time

import pytest
from pages import facilitator, local, phone, screenshot, wait_live
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser

# The socket's own requests (polling and the WebSocket upgrade), not the vendored client script.
SOCKET_REQUESTS = re.compile(r"/socket\.io/\?")


# --- Helpers -----------------------------------------------------------------------------------


class Traffic:
    """Everything a page receives over its Socket.IO connection: WebSocket frames and the
    bodies of long-polling responses (the connection starts on polling)."""

    def __init__(self, page):
        self.frames: list[str] = []
        self._responses = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        page.on("response", lambda response: SOCKET_REQUESTS.search(response.url) and self._responses.append(response))

    def _frame(self, payload) -> None:
        self.frames.append(payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))

    def text(self) -> str:
        bodies = []
        for response in list(self._responses):
            try:
                bodies.append(response.text())
            except PlaywrightError:  # a poll cut short by the upgrade carries nothing
                pass
        return "\n".join(list(self.frames) + bodies)

    def wait_for(self, needle: str, page, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            assert time.monotonic() < deadline, f"{needle!r} never arrived"
            page.wait_for_timeout(100)


def join(open_page, server, workshop, name: str, record: bool = False):
    """A touch phone that joins through the join page; with ``record``, its socket traffic is kept."""
    traffic_of = Traffic if record else (lambda page: None)
    watched = phone(open_page, server, workshop, name, before_join=traffic_of)
    return watched, watched.traffic


def add_drive(page, text: str, visibility: str = "named") -> str:
    """Add a drive from the composer; returns its id once the server has it."""
    page.get_by_test_id("tab-drives").tap()
    page.get_by_test_id("drive-text").fill(text)
    page.get_by_test_id("drive-visibility").select_option(visibility)
    page.get_by_test_id("drive-add").tap()
    card = page.locator('[data-testid="my-card"]:not([data-pending])').filter(has_text=text)
    card.wait_for()
    return card.get_attribute("data-card-id")


def name_strength(page, colleague: str, text: str, signed: bool = False) -> None:
    page.get_by_test_id("tab-strengths").tap()
    page.get_by_test_id("colleague").filter(has_text=colleague).tap()
    page.get_by_test_id("strength-text").fill(text)
    if signed:
        page.get_by_test_id("strength-signed").check()
    page.get_by_test_id("strength-add").tap()
    page.get_by_test_id("strengths-given").locator('[data-testid="my-card"]:not([data-pending])').filter(
        has_text=text
    ).wait_for()


def go_offline(watched) -> None:
    watched.context.set_offline(True)
    watched.page.evaluate("window.dispatchEvent(new Event('offline'))")
    watched.page.wait_for_selector('[data-testid="connection"][data-status="offline"]', state="attached")


def settled(page) -> None:
    """Wait until the phone has delivered everything it kept (nothing marked unsent)."""
    wait_live(page)
    page.wait_for_function("() => !document.querySelector('[data-pending]')", timeout=15_000)


def start(workshop, phase: str = "drives"):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": phase})
    return fac


# --- Who sees a card ------------------------------------------------------------------------------


def test_a_facilitator_only_card_never_reaches_another_phone_nor_the_board(open_page, server, workshop):
    start(workshop)
    board = facilitator(open_page, server, workshop, "board")
    board_traffic = Traffic(board.page)
    board.page.reload()
    wait_live(board.page)
    anna = phone(open_page, server, workshop, "Anna").page
    bram, bram_traffic = join(open_page, server, workshop, "Bram", record=True)

    secret_id = add_drive(anna, "I am thinking about leaving", "facilitator")
    mine = anna.locator(f'[data-card-id="{secret_id}"]')
    assert mine.get_by_test_id("card-private").is_visible()
    assert mine.get_by_test_id("card-visibility").input_value() == "facilitator"
    # A shared card afterwards: once it has reached Bram and the board, so would the secret have.
    add_drive(anna, "Teaching newcomers", "named")
    bram_traffic.wait_for("Teaching newcomers", bram.page)
    board.page.get_by_test_id("card").filter(has_text="Teaching newcomers").wait_for()

    snapshot = workshop.snapshot()
    assert [d["visibility"] for d in snapshot["drives"] if d["id"] == secret_id] == ["facilitator"]
    for page, traffic in ((bram.page, bram_traffic), (board.page, board_traffic)):
        assert "I am thinking about leaving" not in page.content()
        assert secret_id not in page.content()
        received = traffic.text()
        assert "hidden_change" in received
        assert "I am thinking about leaving" not in received and secret_id not in received

    # Made public later, it arrives; made private again, it leaves every other screen.
    mine.get_by_test_id("card-visibility").select_option("named")
    board.page.get_by_test_id("card").filter(has_text="I am thinking about leaving").wait_for()
    mine.get_by_test_id("card-visibility").select_option("facilitator")
    board.page.get_by_test_id("card").filter(has_text="I am thinking about leaving").wait_for(state="detached")


def test_an_anonymous_drive_is_on_the_board_without_a_name(open_page, server, workshop):
    start(workshop)
    board = facilitator(open_page, server, workshop, "board").page
    anna = phone(open_page, server, workshop, "Anna").page
    card_id = add_drive(anna, "Being trusted with hard problems", "anonymous")
    add_drive(anna, "Coffee with customers", "named")

    anonymous = board.locator('[data-testid="person"][data-participant-id="anonymous"]')
    anonymous.get_by_test_id("card").filter(has_text="Being trusted with hard problems").wait_for()
    assert anonymous.get_by_test_id("person-name").text_content().strip() == "Anonymous"
    annas = board.get_by_test_id("person").filter(has=board.get_by_test_id("person-name").filter(has_text="Anna"))
    annas.get_by_test_id("card").filter(has_text="Coffee with customers").wait_for()
    assert "Being trusted" not in annas.text_content()
    # The group of anonymous drives comes after the people.
    assert board.get_by_test_id("person").last.get_attribute("data-participant-id") == "anonymous"
    # On Anna's own phone it is hers, and says who sees it.
    mine = anna.locator(f'[data-card-id="{card_id}"]')
    assert mine.get_by_test_id("card-visibility").input_value() == "anonymous"


# --- Consent for strengths ------------------------------------------------------------------------


def test_a_pending_strength_stays_private_until_accepted_and_is_gone_when_declined(open_page, server, workshop):
    start(workshop, "strengths")
    board = facilitator(open_page, server, workshop, "board").page
    anna = phone(open_page, server, workshop, "Anna").page
    bram = phone(open_page, server, workshop, "Bram").page
    cas, cas_traffic = join(open_page, server, workshop, "Cas", record=True)

    name_strength(anna, "Bram", "Calm when the servers are on fire")
    given = anna.get_by_test_id("strengths-given").get_by_test_id("my-card").filter(has_text="Calm when")
    assert given.get_by_test_id("card-status").text_content().startswith("Waiting for Bram")
    # Bram is asked, without who wrote it; the Strengths tab shows one answer is waiting.
    bram.get_by_test_id("strengths-badge").wait_for()
    bram.get_by_test_id("tab-strengths").tap()
    ask = bram.get_by_test_id("strengths-received").locator('[data-status="pending"]')
    assert ask.get_by_test_id("card-text").text_content() == "Calm when the servers are on fire"
    assert ask.get_by_test_id("strength-ask").text_content() == "Waiting for your answer"
    assert ask.get_by_test_id("card-meta").text_content() == "From a colleague"
    assert "Anna" not in bram.get_by_test_id("strengths-received").text_content()
    # Nobody else has it: not Cas's phone, not its socket, not the board.
    cas_traffic.wait_for("hidden_change", cas.page)
    assert "Calm when" not in cas.page.content() and "Calm when" not in cas_traffic.text()
    assert "Calm when" not in board.content()
    # A pending strength cannot be linked yet.
    bram.get_by_test_id("tab-links").tap()
    assert bram.get_by_test_id("link-card").filter(has_text="Calm when").count() == 0

    bram.get_by_test_id("tab-strengths").tap()
    ask.get_by_test_id("strength-edit").tap()
    ask.get_by_test_id("strength-respond-text").fill("Calm when things are on fire")
    ask.get_by_test_id("strength-accept-edited").tap()
    board.get_by_test_id("card").filter(has_text="Calm when things are on fire").wait_for()
    cas_traffic.wait_for("Calm when things are on fire", cas.page)
    # In Bram's own words it is his, no longer under Anna's name (she sees why).
    given.get_by_test_id("card-status").filter(has_text="Reworded by Bram: shown as their words").wait_for()
    accepted = [s for s in workshop.snapshot()["strengths"] if s["text"] == "Calm when things are on fire"]
    assert [(s["status"], s["signed"]) for s in accepted] == [("accepted", False)]

    name_strength(anna, "Bram", "Knows every customer by name")
    declined = (
        bram.get_by_test_id("strengths-received").locator('[data-status="pending"]').filter(has_text="Knows every")
    )
    declined.get_by_test_id("strength-decline").tap()
    bram.get_by_test_id("ask-yes").tap()
    declined.wait_for(state="detached")
    anna.get_by_test_id("strengths-given").get_by_test_id("my-card").filter(has_text="Knows every").wait_for(
        state="detached"
    )
    assert "Knows every" not in board.content() and "Knows every" not in cas_traffic.text()
    assert [s["text"] for s in workshop.snapshot()["strengths"]] == ["Calm when things are on fire"]


def test_a_signed_strength_shows_its_author_to_the_person(open_page, server, workshop):
    start(workshop, "strengths")
    anna = phone(open_page, server, workshop, "Anna").page
    bram = phone(open_page, server, workshop, "Bram").page
    name_strength(anna, "Bram", "Explains things patiently", signed=True)
    bram.get_by_test_id("tab-strengths").tap()
    ask = bram.get_by_test_id("strengths-received").locator('[data-status="pending"]')
    assert ask.get_by_test_id("card-meta").text_content() == "From Anna"
    ask.get_by_test_id("strength-accept").tap()
    accepted = bram.get_by_test_id("strengths-received").locator('[data-status="accepted"]')
    accepted.get_by_test_id("card-meta").filter(has_text="From Anna").wait_for()


# --- My data, and leaving ---------------------------------------------------------------------------


def test_the_me_screen_shows_everything_and_leaving_deletes_it(open_page, server, workshop):
    fac = start(workshop, "strengths")
    bram = workshop.participant("Bram")
    anna = phone(open_page, server, workshop, "Anna").page
    anna_id = workshop.snapshot()["participants"][-1]["id"]
    bram.call("add_card", {"kind": "strength", "text": "Sees what customers need", "about": anna_id})
    drive_id = add_drive(anna, "Making things simple", "facilitator")
    name_strength(anna, "Bram", "Never loses his temper")
    goal = workshop.snapshot()["goals"][0]
    assert fac.call("add_link", {"card_id": drive_id, "goal_id": goal["id"]})["ok"]

    anna.get_by_test_id("tab-me").tap()
    assert anna.get_by_test_id("me-data-name").text_content() == "Anna"
    assert (
        "Only you and the facilitator"
        in anna.get_by_test_id("me-drive").filter(has_text="Making things simple").text_content()
    )
    assert "Waiting for Bram" in anna.get_by_test_id("me-given-item").text_content()
    assert "Waiting for your answer" in anna.get_by_test_id("me-received-item").text_content()
    anna.get_by_test_id("me-link").filter(has_text=goal["text"]).wait_for()

    anna.get_by_test_id("leave").tap()
    anna.get_by_test_id("ask-yes").tap()
    anna.get_by_test_id("left-screen").wait_for()
    assert anna.get_by_test_id("left-title").text_content().strip() == "You left the workshop"
    snapshot = workshop.snapshot()
    assert [p["name"] for p in snapshot["participants"]] == ["Bram"]
    assert snapshot["drives"] == [] and snapshot["strengths"] == []
    assert drive_id not in str(snapshot)
    # Nothing is left on the phone either, and its identity is gone: a reload asks to join.
    assert anna.evaluate(f"() => Object.keys(localStorage).filter((k) => k.startsWith('wf:{workshop.code}:'))") == []
    bram.wait_for("participant_left")
    anna.reload()
    anna.wait_for_url(re.compile(rf"/j/{workshop.code}$"))


def test_the_facilitator_removes_a_person_and_sets_the_default_visibility(open_page, server, workshop):
    start(workshop)
    console = facilitator(open_page, server, workshop).page
    anna = phone(open_page, server, workshop, "Anna").page
    assert anna.get_by_test_id("drive-visibility").input_value() == "named"
    console.get_by_test_id("default-visibility").select_option("anonymous")
    anna.wait_for_function("() => document.querySelector('[data-testid=drive-visibility]').value === 'anonymous'")
    card_id = add_drive(anna, "Quiet focus time", "facilitator")
    row = console.locator(f'[data-testid="console-card"][data-card-id="{card_id}"]')
    assert row.get_by_test_id("card-flag").text_content() == "Only you see this"

    person = console.get_by_test_id("participant").filter(has_text="Anna")
    console.once("dialog", lambda dialog: dialog.accept())
    person.get_by_test_id("participant-remove").click()
    anna.get_by_test_id("left-screen").wait_for()
    assert "removed" in anna.get_by_test_id("left-title").text_content()
    person.wait_for(state="detached")
    assert workshop.snapshot()["participants"] == []


# --- A dropped connection and a reload ----------------------------------------------------------------


def test_edits_made_offline_and_across_a_reload_arrive_exactly_once(open_page, server, workshop):
    start(workshop, "linking")
    bram = workshop.participant("Bram")
    watched = phone(open_page, server, workshop, "Anna")
    page = watched.page
    anna_id = workshop.snapshot()["participants"][-1]["id"]
    strength = bram.call("add_card", {"kind": "strength", "text": "Keeps the team laughing", "about": anna_id})["card"]
    kept_id = add_drive(page, "Drawing the big picture")
    gone_id = add_drive(page, "Something I want to take back")
    page.get_by_test_id("strengths-badge").wait_for()
    goal = workshop.snapshot()["goals"][1]

    go_offline(watched)
    page.get_by_test_id("drive-text").fill("Written on the train")
    page.get_by_test_id("drive-add").tap()
    kept = page.locator(f'[data-card-id="{kept_id}"]')
    kept.get_by_test_id("card-edit").tap()
    kept.get_by_test_id("card-edit-text").fill("Drawing the big picture, then the details")
    kept.get_by_test_id("card-save").tap()
    kept.get_by_test_id("card-visibility").select_option("anonymous")
    page.locator(f'[data-card-id="{gone_id}"]').get_by_test_id("card-delete").tap()
    page.get_by_test_id("ask-yes").tap()
    page.get_by_test_id("tab-strengths").tap()
    page.get_by_test_id("strength-accept").tap()
    page.get_by_test_id("tab-links").tap()
    page.get_by_test_id("link-card").filter(has_text="Drawing the big picture").tap()
    page.get_by_test_id("link-goal").filter(has_text=goal["text"]).tap()
    page.locator('[data-testid="link-goal"][aria-pressed="true"]').wait_for()
    assert page.get_by_test_id("outbox-note").text_content().startswith("6 changes wait")
    assert page.locator("[data-pending]").count() >= 3

    # A reload while the server is still out of reach: everything is still on the phone.
    held = []
    page.route(SOCKET_REQUESTS, lambda route: held.append(route))
    watched.context.set_offline(False)
    page.reload()
    page.get_by_test_id("tab-links").tap()
    page.locator('[data-testid="my-link"][data-pending="true"]').wait_for()
    page.get_by_test_id("tab-drives").tap()
    page.locator('[data-testid="my-card"][data-pending="true"]').filter(has_text="Written on the train").wait_for()
    assert page.locator(f'[data-card-id="{gone_id}"]').count() == 0
    assert workshop.snapshot()["links"] == []  # nothing has left the phone yet

    page.unroute(SOCKET_REQUESTS)
    for route in held:
        try:
            route.continue_()
        except PlaywrightError:  # cut off by the reload
            pass
    settled(page)

    snapshot = workshop.snapshot()
    drives = {d["text"]: d for d in snapshot["drives"]}
    assert sorted(drives) == ["Drawing the big picture, then the details", "Written on the train"]
    assert drives["Drawing the big picture, then the details"]["visibility"] == "anonymous"
    assert [(s["id"], s["status"]) for s in snapshot["strengths"]] == [(strength["id"], "accepted")]
    assert [(l["card_id"], l["goal_id"]) for l in snapshot["links"]] == [(kept_id, goal["id"])]
    # The phone shows exactly the server's state.
    shown = page.get_by_test_id("my-drives").get_by_test_id("my-card")
    assert sorted(shown.evaluate_all("(cards) => cards.map((c) => c.dataset.cardId)")) == sorted(
        d["id"] for d in snapshot["drives"]
    )
    assert page.get_by_test_id("outbox-note").is_hidden()


# --- Tap-to-link --------------------------------------------------------------------------------------


def test_tap_a_card_then_a_goal_to_link_them_and_tap_again_to_undo(open_page, server, workshop):
    start(workshop, "linking")
    board = facilitator(open_page, server, workshop, "board").page
    bram = workshop.participant("Bram")
    page = phone(open_page, server, workshop, "Anna").page
    anna_id = workshop.snapshot()["participants"][-1]["id"]
    bram.call("add_card", {"kind": "strength", "text": "Waiting for my answer", "about": anna_id})
    drive_id = add_drive(page, "Untangling messy processes")

    page.get_by_test_id("tab-links").tap()
    page.get_by_test_id("link-card").filter(has_text="Untangling").wait_for()
    assert page.get_by_test_id("link-card").filter(has_text="Waiting for my answer").count() == 0
    page.get_by_test_id("link-card").filter(has_text="Untangling").tap()
    goal = page.get_by_test_id("link-goal").nth(1)
    goal.tap()
    page.locator('[data-testid="link-goal"][aria-pressed="true"]').wait_for()
    settled(page)
    links = workshop.snapshot()["links"]
    assert [(l["card_id"], l["created_by"]) for l in links] == [(drive_id, anna_id)]
    board.locator(f'path[data-card-id="{drive_id}"]').wait_for(state="attached")

    goal.tap()
    board.locator(f'path[data-card-id="{drive_id}"]').wait_for(state="detached")
    assert workshop.snapshot()["links"] == []


# --- Language, and every phone screen at 360×740 -----------------------------------------------------------


def test_the_phone_switches_language_and_keeps_it(open_page, server, new_workshop):
    workshop = new_workshop(language="nl")
    page = phone(open_page, server, workshop, "Sanne").page
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_test_id("tab-me").tap()
    page.get_by_test_id("lang-en").tap()
    page.wait_for_url(re.compile(r"lang=en"))
    wait_live(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_test_id("prompt").text_content() == "What moves you?"
    page.goto(local(server, workshop.urls["join"]))  # the choice is remembered without ?lang=
    wait_live(page)
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_phone_screen_at_360_by_740(open_page, server, new_workshop, language):
    words = {
        "en": (
            "Team day",
            ["Happy customers", "New onboarding", "Weekly customer calls"],
            ["Helping a customer who is stuck", "Making messy things simple", "Thinking about a new role"],
            "Asks the questions nobody else dares to",
            "Always brings good coffee",
            "Draws ideas so everyone gets them",
        ),
        "nl": (
            "Teamdag",
            ["Tevreden klanten", "Nieuwe inwerkperiode", "Wekelijkse klantgesprekken"],
            ["Een klant helpen die vastzit", "Rommelige dingen eenvoudig maken", "Nadenken over een nieuwe rol"],
            "Stelt de vragen die niemand anders durft",
            "Neemt altijd goede koffie mee",
            "Tekent ideeën zodat iedereen ze snapt",
        ),
    }[language]
    title, goal_texts, drive_texts, asks, received, given = words
    workshop = new_workshop(
        title=title,
        language=language,
        goals=[{"text": t, "kind": k} for t, k in zip(goal_texts, ["goal", "project", "activity"])],
    )
    start(workshop, "drives")
    bram = workshop.participant("Bram")
    watched = phone(open_page, server, workshop, "Anna")
    page = watched.page
    anna_id = workshop.snapshot()["participants"][-1]["id"]

    ids = [
        add_drive(page, text, visibility)
        for text, visibility in zip(drive_texts, ["named", "anonymous", "facilitator"])
    ]
    name_strength(page, "Bram", given, signed=True)
    accepted = bram.call("add_card", {"kind": "strength", "text": received, "about": anna_id})["card"]
    page.get_by_test_id("strengths-received").locator(f'[data-card-id="{accepted["id"]}"]').get_by_test_id(
        "strength-accept"
    ).tap()
    bram.call("add_card", {"kind": "strength", "text": asks, "about": anna_id, "signed": True})
    page.get_by_test_id("strengths-received").locator('[data-status="pending"]').wait_for()
    goals = workshop.snapshot()["goals"]
    page.get_by_test_id("tab-links").tap()
    page.locator(f'[data-testid="link-card"][data-card-id="{ids[0]}"]').tap()
    page.get_by_test_id("link-goal").filter(has_text=goals[0]["text"]).tap()
    settled(page)

    def shot(tab: str, name: str) -> None:
        page.get_by_test_id(f"tab-{tab}").tap()
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_function("() => !document.querySelector('[data-testid=toast]')")
        screenshot(page, f"phone-{name}-{language}")

    page.get_by_test_id("tab-drives").tap()
    page.get_by_test_id("drive-text").fill("")
    shot("drives", "drives")
    page.evaluate("() => document.querySelector('[data-testid=my-drives]').scrollIntoView()")
    screenshot(page, f"phone-drives-list-{language}")
    page.get_by_test_id("tab-strengths").tap()
    page.get_by_test_id("colleague").filter(has_text="Bram").tap()
    page.get_by_test_id("strength-text").fill(given)
    shot("strengths", "strengths")
    page.get_by_test_id("strength-text").fill("")
    page.get_by_test_id("strength-change").tap()
    page.evaluate("() => document.getElementById('received-title').scrollIntoView()")
    screenshot(page, f"phone-pending-{language}")
    page.get_by_test_id("tab-links").tap()
    page.locator(f'[data-testid="link-card"][data-card-id="{ids[0]}"][aria-pressed="true"]').wait_for()  # still picked
    shot("links", "links")
    shot("me", "me")
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    screenshot(page, f"phone-me-leave-{language}")

    go_offline(watched)
    page.get_by_test_id("tab-drives").tap()
    page.get_by_test_id("drive-text").fill(drive_texts[0] + "!")
    page.get_by_test_id("drive-add").tap()
    page.get_by_test_id("drive-text").fill(drive_texts[1] + "…")
    page.locator('[data-testid="my-card"][data-pending="true"]').wait_for()
    screenshot(page, f"phone-offline-{language}")
    page.evaluate("""() => {
        const title = document.querySelector('[data-testid=my-drives]').previousElementSibling;
        window.scrollTo(0, title.offsetTop - document.querySelector('.phone-top').offsetHeight - 12);
    }""")
    screenshot(page, f"phone-offline-list-{language}")
    watched.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    settled(page)

    page.get_by_test_id("tab-me").tap()
    page.get_by_test_id("leave").tap()
    page.get_by_test_id("ask-yes").tap()
    page.get_by_test_id("left-screen").wait_for()
    screenshot(page, f"phone-left-{language}")
