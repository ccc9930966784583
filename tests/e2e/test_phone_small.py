"""The phone on small screens and in a thumb's hands, in a real Chromium with touch: who will see the
next drive is always said before adding (and a private choice never sticks silently), adding says
so where the eyes are, Enter adds, every control fits at 320 px and is named by what it shows,
the questions that cannot be undone are asked in the page, and a closed workshop takes no typing.
Screens are saved at 320 and 390 px wide in English and Dutch.

Every page is watched for console errors and CSP violations (``open_page`` fails the test).
"""

from __future__ import annotations

import pytest
from pages import label_not_in_name, phone, screenshot, wait_live

pytestmark = pytest.mark.browser

SIZES = {320: {"width": 320, "height": 568}, 390: {"width": 390, "height": 844}}

# What is wrong with the layout now: tab labels that leave their tab or touch the next one, a
# button that sticks out of the screen or whose label sticks out of it, a page wider than the screen.
MISFITS = """() => {
    const found = [];
    const width = document.documentElement.clientWidth;
    const name = (el) => el.dataset.testid || el.textContent.trim().slice(0, 30);
    const labels = [...document.querySelectorAll(".tabbar .tab > span:not(.tab-badge)")];
    labels.forEach((label, i) => {
        const box = label.getBoundingClientRect();
        const tab = label.parentElement.getBoundingClientRect();
        if (box.left < tab.left - 0.5 || box.right > tab.right + 0.5) found.push(`tab label ${label.textContent} leaves its tab`);
        const next = labels[i + 1];
        if (next && next.getBoundingClientRect().left - box.right < 4) found.push(`tab labels ${label.textContent}|${next.textContent} touch`);
    });
    for (const button of document.querySelectorAll("button, .button")) {
        if (!button.getClientRects().length) continue;
        const box = button.getBoundingClientRect();
        if (box.left < -0.5 || box.right > width + 0.5) found.push(`${name(button)} sticks out of the screen`);
        if (button.scrollWidth > button.clientWidth + 1) found.push(`the label of ${name(button)} sticks out of it`);
    }
    if (document.documentElement.scrollWidth > width) found.push("the page is wider than the screen");
    return found;
}"""

# Whether an element is on screen and not under the sticky header or the tab bar.
IN_VIEW = """(el) => {
    const box = el.getBoundingClientRect();
    if (!box.height || box.top < 0 || box.bottom > window.innerHeight) return false;
    const hit = document.elementFromPoint(box.left + Math.min(20, box.width / 2), box.top + box.height / 2);
    return Boolean(hit && el.contains(hit));
}"""

WORDS = {
    "en": {
        "title": "Team day",
        "goals": ["Happy customers", "New onboarding", "Weekly customer calls"],
        "drives": ["Helping a customer who is stuck", "Thinking about a new role"],
        "colleague": "Explaining the product with drawings",
        "received": "Asks the questions nobody else dares to",
        "given": "Always brings good coffee",
    },
    "nl": {
        "title": "Teamdag",
        "goals": ["Tevreden klanten", "Nieuwe inwerkperiode", "Wekelijkse klantgesprekken"],
        "drives": ["Een klant helpen die vastzit", "Nadenken over een nieuwe rol"],
        "colleague": "Het product uitleggen met tekeningen",
        "received": "Stelt de vragen die niemand anders durft",
        "given": "Neemt altijd goede koffie mee",
    },
}


def join_at(open_page, server, workshop, name: str, width: int = 390, language: str | None = None):
    """A touch phone of ``width`` px that joined as ``name`` (in ``language``, else the workshop's)."""
    watched = phone(open_page, server, workshop, name)
    page = watched.page
    page.set_viewport_size(SIZES[width])
    if language:
        page.goto(f"{page.url}?lang={language}")
        wait_live(page)
    return watched


def settled(page) -> None:
    """Wait until the phone has delivered everything it kept (nothing marked unsent)."""
    wait_live(page)
    page.wait_for_function("() => !document.querySelector('[data-pending]')", timeout=15_000)


def my_card(page, text: str):
    return page.locator('[data-testid="my-card"]:not([data-pending])').filter(has_text=text)


def no_native_dialogs(page) -> list[str]:
    """Every native dialog (alert, confirm) the page opens from now on; each is dismissed."""
    opened: list[str] = []

    def record(dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


# --- Who sees the next drive ------------------------------------------------------------------------


def test_a_private_choice_is_said_before_every_drive_and_after_a_reload(open_page, server, workshop):
    """Point 6: "only the facilitator" stays for the next drives (undoing it by itself would put the
    next private thought on the projector by a slip), but never silently: right above "Add" the
    phone says who will see the next drive, a private composer looks private, adding says who sees
    the card, the card is marked, and after a reload all of it is still said."""
    workshop.facilitator().call("set_phase", {"phase": "drives"})
    page = join_at(open_page, server, workshop, "Anna", 320).page
    note = page.get_by_test_id("drive-visibility-hint")
    add = page.get_by_test_id("drive-add")
    composer = page.get_by_test_id("drive-form")
    assert note.text_content() == "Everyone sees it, with your name."

    page.get_by_test_id("drive-visibility").select_option("facilitator")
    page.get_by_test_id("drive-text").fill("I am thinking about leaving")

    def said_at_the_button() -> None:
        assert note.text_content() == "Only you and the facilitator see it. Not on the board."
        assert composer.get_attribute("data-visibility") == "facilitator"
        add.scroll_into_view_if_needed()
        assert note.evaluate(IN_VIEW) and add.evaluate(IN_VIEW)
        gap = add.bounding_box()["y"] - (note.bounding_box()["y"] + note.bounding_box()["height"])
        assert 0 <= gap <= 24  # the note is right above the button
        # It looks private: the dark of a private card, not the hint's grey.
        assert note.evaluate("(el) => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"

    said_at_the_button()
    screenshot(page, "phone-320-private-en")
    add.tap()
    added = page.get_by_test_id("drive-added")
    assert added.text_content() == "Added. Only you and the facilitator see it. Not on the board."
    assert added.evaluate(IN_VIEW)
    secret = my_card(page, "I am thinking about leaving")
    secret.wait_for()
    assert secret.get_by_test_id("card-private").is_visible()

    # The next drive is private too, and the phone says so before it is added.
    page.get_by_test_id("drive-text").fill("Still private")
    assert added.text_content() == ""  # the confirmation was for the card before
    said_at_the_button()

    # A reload keeps the choice (and the draft typed under it), and says it as loudly.
    page.reload()
    wait_live(page)
    assert page.get_by_test_id("drive-visibility").input_value() == "facilitator"
    assert page.get_by_test_id("drive-text").input_value() == "Still private"
    said_at_the_button()

    # Back to named: said at once, and the next card reaches the team with the name.
    page.get_by_test_id("drive-visibility").select_option("named")
    assert note.text_content() == "Everyone sees it, with your name."
    assert composer.get_attribute("data-visibility") == "named"
    page.get_by_test_id("drive-text").fill("Teaching newcomers")
    add.tap()
    assert added.text_content() == "Added. Everyone sees it, with your name."
    my_card(page, "Teaching newcomers").wait_for()
    settled(page)
    visibility = {d["text"]: d["visibility"] for d in workshop.snapshot()["drives"]}
    assert visibility == {"I am thinking about leaving": "facilitator", "Teaching newcomers": "named"}


# --- Adding: Enter, and a confirmation in view -----------------------------------------------------


@pytest.mark.parametrize("width", [320, 390])
def test_enter_adds_a_drive_and_the_confirmation_is_in_view(open_page, server, workshop, width):
    workshop.facilitator().call("set_phase", {"phase": "drives"})
    page = join_at(open_page, server, workshop, "Anna", width).page
    box = page.get_by_test_id("drive-text")
    for n in range(3):  # the list grows under the composer; the confirmation stays in view
        box.fill(f"Drive number {n}")
        box.press("Enter")
        assert box.input_value() == ""
        added = page.get_by_test_id("drive-added")
        assert added.text_content() == "Added. Everyone sees it, with your name."
        assert added.evaluate(IN_VIEW), f"the confirmation of drive {n} is out of view"
        my_card(page, f"Drive number {n}").wait_for()
    # Shift+Enter is a new line within the same card.
    box.fill("Two lines")
    box.press("Shift+Enter")
    box.type("in one card")
    assert box.input_value() == "Two lines\nin one card"
    box.press("Enter")
    my_card(page, "in one card").wait_for()
    settled(page)
    assert sorted(d["text"] for d in workshop.snapshot()["drives"]) == [
        "Drive number 0",
        "Drive number 1",
        "Drive number 2",
        "Two lines\nin one card",
    ]


# --- Every screen at 320 and 390 px, in both languages ----------------------------------------------


def every_screen(page, name: str, width: int, language: str) -> None:
    """Check the screen shown now (fit, label in name) and save it."""
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)))")
    assert page.evaluate(MISFITS) == [], (name, width, language)
    assert label_not_in_name(page) == [], (name, width, language)


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_phone_screen_fits_and_is_named_by_what_it_shows(open_page, server, new_workshop, language, width):
    words = WORDS[language]
    workshop = new_workshop(
        title=words["title"],
        language=language,
        goals=[{"text": t, "kind": k} for t, k in zip(words["goals"], ["goal", "project", "activity"])],
    )
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    bram = workshop.participant("Bram")
    workshop.participant("Cas")
    watched = join_at(open_page, server, workshop, "Anna", width, language)
    page = watched.page
    anna_id = next(p["id"] for p in workshop.snapshot()["participants"] if p["name"] == "Anna")

    # Drives: two of mine (one private), and a colleague's linked one for the +1.
    for text, visibility in zip(words["drives"], ["named", "facilitator"]):
        page.get_by_test_id("drive-visibility").select_option(visibility)
        page.get_by_test_id("drive-text").fill(text)
        page.get_by_test_id("drive-add").tap()
        my_card(page, text).wait_for()
    page.get_by_test_id("drive-visibility").select_option("named")
    bram_drive = bram.call("add_card", {"kind": "drive", "text": words["colleague"]})["card"]
    goals = workshop.snapshot()["goals"]
    assert fac.call("add_link", {"card_id": bram_drive["id"], "goal_id": goals[0]["id"]})["ok"]
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_function("() => !document.querySelector('[data-testid=toast]')", timeout=15_000)
    screenshot(page, f"phone-{width}-drives-{language}")
    every_screen(page, "drives", width, language)
    page.get_by_test_id("drive-text").fill(words["drives"][0])  # Add and Next, both enabled
    every_screen(page, "drives with a draft", width, language)
    page.get_by_test_id("drive-text").fill("")
    page.get_by_test_id("my-card").first.get_by_test_id("card-edit").tap()
    every_screen(page, "a drive being edited", width, language)
    page.get_by_test_id("card-cancel").tap()

    # Strengths: one waiting for my answer, one I gave.
    fac.call("set_phase", {"phase": "strengths"})
    page.get_by_test_id("panel-strengths").wait_for()
    bram.call("add_card", {"kind": "strength", "text": words["received"], "about": anna_id, "signed": True})
    page.get_by_test_id("colleague").filter(has_text="Bram").tap()
    page.get_by_test_id("strength-text").fill(words["given"])
    page.get_by_test_id("strength-add").tap()
    page.get_by_test_id("strengths-received").locator('[data-status="pending"]').wait_for()
    settled(page)
    page.get_by_test_id("colleague").filter(has_text="Cas").tap()
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.wait_for_function("() => !document.querySelector('[data-testid=toast]')", timeout=15_000)
    screenshot(page, f"phone-{width}-strengths-{language}")
    every_screen(page, "strengths", width, language)
    page.get_by_test_id("strength-change").tap()
    page.evaluate("() => document.getElementById('received-title').scrollIntoView()")
    screenshot(page, f"phone-{width}-strengths-received-{language}")
    every_screen(page, "strengths received", width, language)

    # Linking: a card picked and linked, the type offered, a colleague's link to +1.
    fac.call("set_phase", {"phase": "linking"})
    page.get_by_test_id("tab-links").tap()  # the phone follows the room, but not while a box has the focus
    page.get_by_test_id("link-card").first.tap()
    page.get_by_test_id("link-goal").filter(has_text=words["goals"][1]).tap()
    page.get_by_test_id("link-type-choice").wait_for()
    settled(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_function("() => !document.querySelector('[data-testid=toast]')", timeout=15_000)
    screenshot(page, f"phone-{width}-links-{language}")
    every_screen(page, "links", width, language)
    page.get_by_test_id("team-link").get_by_test_id("endorse").tap()
    page.locator('[data-testid="endorse"][aria-pressed="true"]').wait_for()
    every_screen(page, "links with a +1", width, language)

    # Agreements: one made, the form open for the next.
    fac.call("set_phase", {"phase": "agreements"})
    page.get_by_test_id("tab-agreements").tap()
    item = page.get_by_test_id("agreement-link").first
    item.get_by_test_id("agreement-add").tap()
    item.get_by_test_id("agreement-text").fill(words["given"])
    item.get_by_test_id("agreement-save").tap()
    settled(page)
    item.get_by_test_id("agreement-add").tap()
    every_screen(page, "agreements", width, language)
    item.get_by_test_id("agreement-cancel").tap()

    # Me, and the question before leaving.
    page.get_by_test_id("tab-me").tap()
    every_screen(page, "me", width, language)
    page.get_by_test_id("leave").tap()
    page.get_by_test_id("ask").wait_for()
    every_screen(page, "the question before leaving", width, language)
    page.keyboard.press("Escape")
    page.get_by_test_id("ask").wait_for(state="hidden")

    # The check-in, between workshops.
    fac.call("set_phase", {"phase": "closed"})
    assert fac.call("open_checkin")["ok"]
    page.get_by_test_id("checkin-link").first.wait_for()
    every_screen(page, "check-in", width, language)


def test_the_join_page_fits_at_320_and_names_its_button_by_its_label(open_page, server, workshop):
    page = open_page("phone").page
    page.set_viewport_size(SIZES[320])
    page.goto(server.url + f"/j/{workshop.code}")
    assert page.evaluate(MISFITS) == []
    assert label_not_in_name(page) == []


# --- Questions asked in the page -------------------------------------------------------------------


def test_declining_a_strength_is_asked_in_the_page_by_keyboard_and_touch(open_page, server, workshop):
    workshop.facilitator().call("set_phase", {"phase": "strengths"})
    bram = workshop.participant("Bram")
    page = join_at(open_page, server, workshop, "Anna", 320).page
    native = no_native_dialogs(page)
    anna_id = next(p["id"] for p in workshop.snapshot()["participants"] if p["name"] == "Anna")
    for text in ("Patient with every question", "Knows every customer by name"):
        bram.call("add_card", {"kind": "strength", "text": text, "about": anna_id})
    received = page.get_by_test_id("strengths-received")
    first = received.locator('[data-status="pending"]').filter(has_text="Patient")
    second = received.locator('[data-status="pending"]').filter(has_text="Knows every")
    second.wait_for()
    ask = page.get_by_test_id("ask")

    # Escape: nothing happens. The question and its buttons fit the phone.
    first.get_by_test_id("strength-decline").tap()
    ask.wait_for()
    assert page.get_by_test_id("ask-text").text_content() == "Decline this strength? It is deleted."
    assert page.get_by_test_id("ask-yes").text_content() == "Decline"
    assert page.get_by_test_id("ask-no").evaluate("(el) => el === document.activeElement")  # the safe answer first
    assert page.get_by_test_id("ask-yes").evaluate(IN_VIEW) and page.get_by_test_id("ask-no").evaluate(IN_VIEW)
    assert page.evaluate(MISFITS) == []
    screenshot(page, "phone-320-ask-decline-en")
    page.keyboard.press("Escape")
    ask.wait_for(state="hidden")
    # Cancel, by touch: nothing happens either.
    first.get_by_test_id("strength-decline").tap()
    page.get_by_test_id("ask-no").tap()
    ask.wait_for(state="hidden")
    assert first.is_visible()

    # Keyboard: Tab to "Decline", Enter.
    first.get_by_test_id("strength-decline").focus()
    page.keyboard.press("Enter")
    ask.wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    first.wait_for(state="detached")
    # Touch.
    second.get_by_test_id("strength-decline").tap()
    page.get_by_test_id("ask-yes").tap()
    second.wait_for(state="detached")
    settled(page)
    assert workshop.snapshot()["strengths"] == []
    assert native == []


def test_leaving_and_deleting_are_asked_in_the_page(open_page, server, new_workshop):
    workshop = new_workshop(language="nl")
    workshop.facilitator().call("set_phase", {"phase": "drives"})
    watched = join_at(open_page, server, workshop, "Anna", 320)
    page = watched.page
    native = no_native_dialogs(page)
    page.get_by_test_id("drive-text").fill("Iets wat weg mag")
    page.get_by_test_id("drive-add").tap()
    card = my_card(page, "Iets wat weg mag")
    card.wait_for()
    card.get_by_test_id("card-delete").tap()
    assert (
        page.get_by_test_id("ask-text").text_content() == "Deze kaart verwijderen? De koppelingen ervan verdwijnen ook."
    )
    page.get_by_test_id("ask-yes").tap()
    card.wait_for(state="detached")

    page.get_by_test_id("tab-me").tap()
    page.get_by_test_id("leave").tap()
    ask = page.get_by_test_id("ask")
    ask.wait_for()
    assert page.get_by_test_id("ask-yes").text_content() == page.get_by_test_id("leave").text_content()
    assert page.evaluate(MISFITS) == []
    screenshot(page, "phone-320-ask-leave-nl")
    page.get_by_test_id("ask-no").tap()
    ask.wait_for(state="hidden")
    assert [p["name"] for p in workshop.snapshot()["participants"]] == ["Anna"]
    page.get_by_test_id("leave").tap()
    page.get_by_test_id("ask-yes").tap()
    page.get_by_test_id("left-screen").wait_for()
    assert workshop.snapshot()["participants"] == []
    assert native == []


# --- A closed workshop -------------------------------------------------------------------------------


def test_a_closed_workshop_s_drive_box_takes_no_typing(open_page, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    page = join_at(open_page, server, workshop, "Anna", 390).page
    box = page.get_by_test_id("drive-text")
    box.fill("Typed before the close")
    fac.call("set_phase", {"phase": "closed"})
    page.get_by_test_id("closed-notice").wait_for()
    page.get_by_test_id("tab-drives").tap()
    assert not box.is_editable()
    box.click()
    page.keyboard.type(" and after")
    page.keyboard.press("Enter")
    assert box.input_value() == "Typed before the close"  # kept (to copy), not added, not changed
    assert page.get_by_test_id("drive-add").is_disabled()
    assert workshop.snapshot()["drives"] == []
    page.get_by_test_id("tab-strengths").tap()
    assert not page.get_by_test_id("strength-text").is_editable()
