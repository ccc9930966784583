"""Credentials in a real Chromium (issue 10): what a browser's history keeps after signing in
with the one-time link, the projector's board opened with the board link, and a new secret key
made from the console. Screenshots of the console's new panels go to test-results/screenshots/."""

from __future__ import annotations

import re
import time

import requests
from pages import (
    REVIEW,
    drag,
    facilitator,
    local,
    remembering_laptop,
    screenshot,
    serious_accessibility_violations,
    set_phase,
    visited,
    wait_live,
)


def works_as_a_credential(server, url: str) -> bool:
    """Whether opening this URL in a fresh browser would sign it in to anything."""
    browser = requests.Session()
    r = browser.get(local(server, url), allow_redirects=False)
    return r.status_code == 303 and any(c.name.startswith(("wf_", "wb_", "wp_")) for c in browser.cookies)


def panel_screenshot(locator, name: str) -> None:
    REVIEW.mkdir(parents=True, exist_ok=True)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(REVIEW / f"{name}.png"), animations="disabled")


def test_no_url_in_the_browsers_history_holds_a_working_credential(browser, server, new_workshop, tmp_path):
    w = new_workshop(title="Quarterly planning")
    profile = tmp_path / "profile"
    with remembering_laptop(browser, profile) as (page, errors):
        # The facilitator opens the sign-in link the API gave (as if from a mail to themself).
        page.goto(local(server, w.urls["facilitator"]))
        page.wait_for_url(re.compile(rf"/w/{w.code}/facilitate$"))
        wait_live(page)
        # The board from the console, in this browser (its session): a window of its own.
        with page.expect_popup() as popup:
            page.get_by_test_id("open-board").click()
        wait_live(popup.value)

        # The console's new panels: a board link for another computer, a sign-in link on demand.
        page.get_by_test_id("board-key-create").click()
        page.wait_for_function("() => document.querySelector('[data-testid=board-key-url]').value.includes('key=')")
        panel_screenshot(page.get_by_test_id("board-key-panel"), "console-board-link")
        page.get_by_test_id("secret-link").locator("summary").click()
        page.get_by_test_id("signin-create").click()
        page.wait_for_function("() => document.querySelector('[data-testid=facilitator-link]').value.includes('key=')")
        panel_screenshot(page.get_by_test_id("secret-link"), "console-sign-in-and-key")
        screenshot(page, "console-credentials", folder=REVIEW)
        assert serious_accessibility_violations(page) == []
        shown_once = page.get_by_test_id("facilitator-link").input_value()
        page.reload()
        wait_live(page)
        assert page.get_by_test_id("signin-box").is_hidden()  # shown once: not after a reload
        assert works_as_a_credential(server, shown_once)  # unused, it still works (on purpose)
    assert errors == []

    urls = visited(profile)
    assert any(f"/w/{w.code}/facilitate?key=" in u for u in urls), urls  # the redirect's source is kept
    assert any(u.endswith(f"/w/{w.code}/board") for u in urls), urls
    for url in urls:
        assert w.token not in url, url
        assert not works_as_a_credential(server, url), url


def test_the_projector_opens_a_read_only_board_with_the_board_link(open_page, server, new_workshop):
    w = new_workshop(title="Projector")
    anna = w.participant("Anna")
    card = anna.call("add_card", {"kind": "drive", "text": "Sketching on whiteboards"})["card"]
    secret = anna.call("add_card", {"kind": "drive", "text": "Only for the facilitator", "visibility": "facilitator"})
    assert secret["ok"]
    console = facilitator(open_page, server, w).page
    set_phase(console, "linking")
    console.get_by_test_id("board-key-create").click()
    console.wait_for_function("() => document.querySelector('[data-testid=board-key-url]').value.includes('key=')")
    link = console.get_by_test_id("board-key-url").input_value()
    assert w.token not in link

    projector = open_page("board")
    board = projector.page
    board.goto(local(server, link))
    board.wait_for_url(re.compile(rf"/w/{w.code}/board$"))
    wait_live(board)
    assert board.get_by_test_id("board").get_attribute("data-screen") == "columns"
    cards = board.get_by_test_id("card")
    assert cards.count() == 1 and "Only for the facilitator" not in board.content()
    assert board.get_by_test_id("phase-hint").text_content() == "Link your cards to the goals on your phone."

    # Dragging, or a card then a goal, links nothing: the board only shows.
    goal = board.get_by_test_id("goal").nth(0)
    drag(board, board.locator(f'[data-card-id="{card["id"]}"]'), goal)
    board.locator(f'[data-card-id="{card["id"]}"]').click()
    goal.click()
    time.sleep(1.0)
    assert w.snapshot()["links"] == []
    assert board.locator('[data-testid="drag-ghost"]').count() == 0

    # A link made elsewhere shows, without a way to remove it from here.
    anna.call("add_link", {"card_id": card["id"], "goal_id": anna.state["goals"][0]["id"]})
    board.locator(f'path[data-card-id="{card["id"]}"]').wait_for(state="attached")
    assert board.get_by_test_id("chip-remove").count() == 0
    screenshot(board, "board-read-only", folder=REVIEW)

    # The facilitator renews the board link: this board is cut off, and its cookie opens nothing.
    console.get_by_test_id("board-key-create").click()
    board.wait_for_selector('[data-testid="connection"][data-status="offline"]', state="attached")
    assert projector.context.request.get(f"{server.url}/w/{w.code}/board").status == 401


def test_a_new_secret_key_from_the_console_keeps_this_browser_and_ends_the_others(open_page, server, new_workshop):
    w = new_workshop(title="Lost laptop")
    watched = facilitator(open_page, server, w)
    console = watched.page
    with console.expect_popup() as popup:
        console.get_by_test_id("open-board").click()
    board = popup.value
    wait_live(board)
    other = facilitator(open_page, server, w).page  # another device, signed in earlier

    board.evaluate("() => { window.beforeTheNewKey = true; }")
    console.get_by_test_id("secret-link").locator("summary").click()
    console.once("dialog", lambda dialog: dialog.accept())
    with console.expect_navigation():
        console.get_by_test_id("rotate-key").click()
    wait_live(console)
    console.get_by_test_id("toast").filter(has_text="New secret key made").wait_for()
    # This browser's board window reloads with the new cookie too.
    board.wait_for_function("() => !window.beforeTheNewKey")
    wait_live(board)

    assert (
        requests.get(f"{server.url}/api/workshops/{w.code}", headers={"Authorization": f"Bearer {w.token}"}).status_code
        == 401
    )
    other.wait_for_selector('[data-testid="connection"][data-status="offline"]', state="attached")
    assert other.context.request.get(f"{server.url}/w/{w.code}/facilitate").status == 401
