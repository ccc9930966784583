"""The pages in a real Chromium: a phone, the console and the board working on one live workshop.

Every page is watched for console errors and uncaught exceptions (CSP violations included):
``open_page`` fails the test when any appear.
"""

from __future__ import annotations

import pytest
from pages import HOSTILE, drag, facilitator, local, phone, screenshot, set_phase, touch_drag, wait_live

pytestmark = pytest.mark.browser

# --- Home and join -------------------------------------------------------------------------------


def test_a_phone_joins_from_the_home_page_with_the_code(open_page, server, workshop):
    watched = open_page("phone")
    page = watched.page
    page.goto(server.url + "/?lang=en")
    page.get_by_test_id("join-code").fill(workshop.code.lower())
    page.get_by_test_id("join-submit").click()
    page.get_by_test_id("join-name").fill("Anna")
    screenshot(page, "phone-join")
    page.get_by_test_id("join-name-submit").click()
    wait_live(page)
    assert page.get_by_test_id("me-name").text_content() == "You: Anna"
    assert page.get_by_test_id("prompt").text_content() == "What moves you?"


# --- Phone ---------------------------------------------------------------------------------------


def test_a_drive_is_added_edited_and_deleted_and_its_draft_survives_a_reload(open_page, server, workshop):
    page = phone(open_page, server, workshop, "Anna").page
    page.get_by_test_id("prompt-next").click()
    page.get_by_test_id("drive-text").fill("Helping customers who are stuck")
    page.reload()
    wait_live(page)
    assert page.get_by_test_id("drive-text").input_value() == "Helping customers who are stuck"
    assert page.get_by_test_id("prompt-count").text_content() == "Question 2 of 11"

    page.get_by_test_id("drive-add").click()
    card = page.locator('[data-testid="my-card"]:not([data-pending])')
    assert card.get_by_test_id("card-text").text_content() == "Helping customers who are stuck"
    assert "What gives meaning" in card.get_by_test_id("card-meta").text_content()
    assert page.get_by_test_id("drive-text").input_value() == ""
    assert workshop.snapshot()["drives"][0]["prompt"] == 1

    card.get_by_test_id("card-edit").click()
    card.get_by_test_id("card-edit-text").fill("Helping customers, and their smile after")
    card.get_by_test_id("card-save").click()
    page.wait_for_function("() => document.querySelector('[data-testid=card-text]')?.textContent.includes('smile')")
    screenshot(page, "phone-drives")

    card.get_by_test_id("card-delete").click()
    page.get_by_test_id("ask-yes").click()  # asked in the page
    page.get_by_test_id("my-drives-empty").wait_for()
    assert workshop.snapshot()["drives"] == []


def test_a_card_typed_while_offline_waits_on_the_phone_and_is_sent_on_reconnect(open_page, server, workshop):
    watched = phone(open_page, server, workshop, "Bram")
    page = watched.page
    watched.context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    page.wait_for_selector('[data-testid="connection"][data-status="offline"]', state="attached")
    page.get_by_test_id("drive-text").fill("Building things that last")
    page.get_by_test_id("drive-add").click()
    pending = page.locator('[data-testid="my-card"][data-pending="true"]')
    assert pending.get_by_test_id("card-text").text_content() == "Building things that last"
    watched.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector('[data-testid="my-card"]:not([data-pending])', timeout=20_000)
    assert [d["text"] for d in workshop.snapshot()["drives"]] == ["Building things that last"]
    # A reconnection attempt that falls in the offline window is expected here (the browser logs it).
    watched.errors[:] = [e for e in watched.errors if "ERR_INTERNET_DISCONNECTED" not in e]


def test_a_strength_named_by_a_colleague_reaches_that_person_without_the_author(open_page, server, workshop):
    anna = phone(open_page, server, workshop, "Anna").page
    bram = phone(open_page, server, workshop, "Bram").page
    anna.get_by_test_id("tab-strengths").click()
    anna.get_by_test_id("colleague-search").fill("br")
    anna.get_by_test_id("colleague").click()
    assert anna.get_by_test_id("strength-about").text_content() == "Bram"
    anna.get_by_test_id("strength-text").fill("Stays calm when it gets busy")
    anna.get_by_test_id("strength-add").click()
    given = anna.get_by_test_id("strengths-given").locator('[data-testid="my-card"]:not([data-pending])')
    assert given.get_by_test_id("card-meta").text_content() == "For Bram"

    bram.get_by_test_id("tab-strengths").click()
    received = bram.get_by_test_id("strengths-received").get_by_test_id("my-card")
    assert received.get_by_test_id("card-text").text_content() == "Stays calm when it gets busy"
    assert received.get_by_test_id("card-meta").text_content() == "From a colleague"
    assert "Anna" not in bram.get_by_test_id("strengths-received").text_content()
    screenshot(bram, "phone-strengths")


def test_participant_text_is_shown_as_text_everywhere(open_page, server, workshop):
    board = facilitator(open_page, server, workshop, "board")
    console = facilitator(open_page, server, workshop)
    set_phase(console.page, "drives")
    page = phone(open_page, server, workshop, "Eve").page
    page.get_by_test_id("drive-text").fill(HOSTILE)
    page.get_by_test_id("drive-add").click()
    for p in (page, console.page, board.page):
        p.get_by_text(HOSTILE).first.wait_for()
        assert p.evaluate("window.__pwned") is None
        assert p.locator("img[src=x]").count() == 0


# --- Console -------------------------------------------------------------------------------------


def test_the_phase_stepper_moves_every_screen(open_page, server, workshop):
    console = facilitator(open_page, server, workshop).page
    board = facilitator(open_page, server, workshop, "board").page
    anna = phone(open_page, server, workshop, "Anna").page
    assert board.get_by_test_id("join-screen").is_visible()
    board.get_by_test_id("joined-name").filter(has_text="Anna").wait_for()
    assert console.get_by_test_id("count-participants").text_content() == "1"
    set_phase(console, "linking")
    anna.wait_for_function("() => document.querySelector('[data-testid=phase]').textContent === 'Linking'")
    assert anna.get_by_test_id("panel-links").is_visible()
    board.get_by_test_id("live-board").wait_for()
    assert not board.get_by_test_id("join-screen").is_visible()


def test_the_console_adds_edits_and_deletes_goals(open_page, server, workshop):
    page = facilitator(open_page, server, workshop).page
    rows = page.get_by_test_id("goal-row")
    assert rows.count() == 3
    page.get_by_test_id("goal-add-kind").select_option("project")
    page.get_by_test_id("goal-add-text").fill("New intranet\nMentoring programme")
    page.get_by_test_id("goal-add").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=goal-row]').length === 5")
    assert [g["text"] for g in workshop.snapshot()["goals"]][-2:] == ["New intranet", "Mentoring programme"]

    row = rows.nth(3)
    row.get_by_test_id("goal-edit").click()
    row.get_by_test_id("goal-edit-text").fill("New intranet, with search")
    row.get_by_test_id("goal-edit-kind").select_option("goal")
    row.get_by_test_id("goal-save").click()
    row.get_by_test_id("goal-text").filter(has_text="with search").wait_for()
    assert workshop.snapshot()["goals"][3]["kind"] == "goal"

    page.once("dialog", lambda dialog: dialog.accept())
    rows.nth(4).get_by_test_id("goal-delete").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=goal-row]').length === 4")
    screenshot(page, "console")


def test_deleting_the_workshop_asks_for_the_code_and_goes_home(open_page, server, workshop):
    page = facilitator(open_page, server, workshop).page
    anna = phone(open_page, server, workshop, "Anna").page
    page.get_by_test_id("danger-zone").locator("summary").click()
    button = page.get_by_test_id("delete-workshop")
    page.get_by_test_id("delete-code").fill("WRONG1")
    assert button.is_disabled()
    page.get_by_test_id("delete-code").fill(workshop.code.lower())
    button.click()
    page.wait_for_url(server.url + "/")
    # The phone says so, and forgets what it kept for the workshop.
    anna.get_by_test_id("left-title").filter(has_text="This workshop was deleted").wait_for()
    assert anna.evaluate(f"() => Object.keys(localStorage).filter((k) => k.startsWith('wf:{workshop.code}:'))") == []


# --- Board ---------------------------------------------------------------------------------------


def _linking_workshop(new_workshop, workshop_people=("Anna", "Bram")):
    w = new_workshop(title="Board test")
    fac = w.facilitator()
    fac.call("set_phase", {"phase": "linking"})
    cards = {}
    for name in workshop_people:
        person = w.participant(name)
        ack = person.call("add_card", {"kind": "drive", "text": f"{name} likes building things"})
        cards[name] = ack["card"]["id"]
    return w, fac, cards


def test_dragging_a_card_onto_a_goal_links_them_with_mouse_and_touch(open_page, server, new_workshop, browser):
    w, fac, cards = _linking_workshop(new_workshop)
    board = facilitator(open_page, server, w, "board").page
    goals = board.get_by_test_id("goal")
    drag(board, board.locator(f'[data-card-id="{cards["Anna"]}"]'), goals.nth(0))
    board.locator(f'path[data-card-id="{cards["Anna"]}"]').wait_for(state="attached")
    assert goals.nth(0).get_attribute("data-energy") == "some"
    assert goals.nth(0).get_by_test_id("goal-link-count").text_content().startswith("1")

    touch = browser.new_context(viewport={"width": 1920, "height": 1080}, has_touch=True)
    try:
        page = touch.new_page()
        page.goto(local(server, w.signin_url()))
        page.goto(local(server, w.urls["board"]))
        wait_live(page)
        touch_drag(page, page.locator(f'[data-card-id="{cards["Bram"]}"]'), page.get_by_test_id("goal").nth(1))
        page.locator(f'path[data-card-id="{cards["Bram"]}"]').wait_for(state="attached")
    finally:
        touch.close()
    links = w.snapshot()["links"]
    assert sorted(l["card_id"] for l in links) == sorted(cards.values())
    board.locator(f'path[data-card-id="{cards["Bram"]}"]').wait_for(state="attached")


def test_a_link_is_removed_from_the_board_by_its_curve_or_its_chip(open_page, server, new_workshop):
    w, fac, cards = _linking_workshop(new_workshop)
    goal_ids = [g["id"] for g in fac.state["goals"]]
    fac.call("add_link", {"card_id": cards["Anna"], "goal_id": goal_ids[0]})
    fac.call("add_link", {"card_id": cards["Bram"], "goal_id": goal_ids[1]})
    board = facilitator(open_page, server, w, "board").page
    path = board.locator(f'path[data-card-id="{cards["Anna"]}"]')
    path.wait_for(state="attached")
    box = path.bounding_box()
    board.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    board.get_by_test_id("link-actions").wait_for()
    assert board.locator(".link.is-focus").count() == 1
    board.keyboard.press("Delete")
    path.wait_for(state="detached")

    chip = board.get_by_test_id("goal-link-chip")
    assert chip.count() == 1
    chip.get_by_test_id("chip-remove").click()
    chip.wait_for(state="detached")
    assert w.snapshot()["links"] == []


def test_a_link_made_on_the_phone_appears_on_the_board(open_page, server, new_workshop):
    w, fac, cards = _linking_workshop(new_workshop, ())
    board = facilitator(open_page, server, w, "board").page
    page = phone(open_page, server, w, "Chen").page
    page.get_by_test_id("tab-drives").click()
    page.get_by_test_id("drive-text").fill("Numbers that tell a story")
    page.get_by_test_id("drive-add").click()
    page.get_by_test_id("tab-links").click()
    page.get_by_test_id("link-card").click()
    page.get_by_test_id("link-goal").nth(2).click()
    page.locator('[data-testid="link-goal"][aria-pressed="true"]').wait_for()
    assert page.get_by_test_id("my-link").count() == 1
    board.locator("path[data-link-id]").wait_for(state="attached")
    assert board.get_by_test_id("goal").nth(2).get_attribute("data-energy") != "none"


# --- Summary -------------------------------------------------------------------------------------


def test_the_summary_opens_with_the_ten_second_answer(open_page, server, new_workshop):
    w, fac, cards = _linking_workshop(new_workshop)
    fac.call("add_link", {"card_id": cards["Anna"], "goal_id": fac.state["goals"][0]["id"]})
    watched = facilitator(open_page, server, w)
    page = watched.page
    page.goto(local(server, w.urls["summary"]))
    assert page.get_by_test_id("headline").text_content().strip() == "1 of 3 goals have energy behind them."
    assert "Bram likes building things" in page.get_by_test_id("unlinked-drives").text_content()
    page.emulate_media(media="print")
    assert not page.locator(".summary-nav").is_visible()
