"""A whole workshop in a real browser: the facilitator on a laptop, the board, and two touch phones."""

from __future__ import annotations

import re

import pytest
from pages import drag, screenshot, set_phase, wait_live

pytestmark = pytest.mark.browser


def test_a_facilitator_and_two_phones_run_a_whole_workshop(open_page, server):
    # The facilitator prepares the workshop on the home page.
    console = open_page("laptop").page
    console.goto(server.url + "/?lang=en")
    console.get_by_test_id("create-title").fill("Customer team, spring")
    console.get_by_test_id("create-language").select_option("en")
    console.get_by_test_id("create-goals").fill("- Happier customers\n- Grow in the north")
    console.get_by_test_id("create-projects").fill("New onboarding")
    console.get_by_test_id("create-submit").click()
    console.wait_for_url(re.compile(r"/w/[A-Z0-9]{6}/facilitate$"))
    wait_live(console)
    code = console.get_by_test_id("workshop-code").text_content().strip()
    # A one-time sign-in link for another device, made on demand (tests/e2e/test_credentials_browser.py uses one).
    console.get_by_test_id("secret-link").locator("summary").click()
    console.get_by_test_id("signin-create").click()
    secret = console.get_by_test_id("facilitator-link")
    secret.wait_for()
    assert secret.input_value().startswith(f"{server.url}/w/{code}/facilitate?key=")
    assert len(secret.input_value().split("key=")[1]) >= 43

    # The board, opened from the same browser (its cookie), shows the join screen.
    board = console.context.new_page()
    board.set_viewport_size({"width": 1920, "height": 1080})
    board.goto(f"{server.url}/w/{code}/board")
    wait_live(board)
    assert board.get_by_test_id("board-code").text_content().strip() == code

    # Two people join on their phones through the join link and appear on the board.
    phones = {}
    for name in ("Anna", "Bram"):
        page = open_page("phone").page
        page.goto(f"{server.url}/j/{code}")
        page.get_by_test_id("join-name").fill(name)
        page.get_by_test_id("join-name-submit").click()
        page.wait_for_url(re.compile(r"/phone$"))
        wait_live(page)
        phones[name] = page
        board.get_by_test_id("joined-name").filter(has_text=name).wait_for()
    screenshot(board, "board-join")

    # Drives: each names one, by touch.
    set_phase(console, "drives")
    for name, text in (("Anna", "Seeing a customer's problem solved"), ("Bram", "Teaching newcomers the ropes")):
        page = phones[name]
        page.get_by_test_id("phase").filter(has_text="Drives").wait_for()
        page.get_by_test_id("drive-text").fill(text)
        page.get_by_test_id("drive-add").tap()
        page.get_by_test_id("my-card").filter(has_text=text).wait_for()
        board.get_by_test_id("card").filter(has_text=text).wait_for()

    # Strengths: Anna names one of Bram's; Bram sees it, without who wrote it.
    set_phase(console, "strengths")
    anna = phones["Anna"]
    anna.get_by_test_id("tab-strengths").tap()
    anna.get_by_test_id("colleague").filter(has_text="Bram").tap()
    anna.get_by_test_id("strength-text").fill("Patient explainer")
    anna.get_by_test_id("strength-add").tap()
    phones["Bram"].get_by_test_id("tab-strengths").tap()
    phones["Bram"].get_by_test_id("strengths-received").get_by_text("Patient explainer").wait_for()

    # Linking: the facilitator drags Bram's drive onto "New onboarding" on the board.
    set_phase(console, "linking")
    card = board.get_by_test_id("card").filter(has_text="Teaching newcomers the ropes")
    goal = board.get_by_test_id("goal").filter(has_text="New onboarding")
    drag(board, card, goal)
    board.locator("path[data-link-id]").first.wait_for(state="attached")
    assert goal.get_by_test_id("goal-link-count").text_content().strip().startswith("1")
    # Every phone sees the link at once; Bram has it among his links.
    bram = phones["Bram"]
    bram.get_by_test_id("tab-links").tap()
    bram.get_by_test_id("my-link").filter(has_text="New onboarding").wait_for()
    console.get_by_test_id("count-links").filter(has_text="1").wait_for()
    board.mouse.move(960, 1070)  # off the cards: no hover highlight in the picture
    board.get_by_test_id("toast").first.wait_for(state="detached")
    screenshot(board, "board")
    screenshot(bram, "phone-links")

    # Close, and read the summary.
    set_phase(console, "closed")
    console.get_by_test_id("summary-link").click()
    console.wait_for_url(re.compile(r"/summary$"))
    goals_block = console.get_by_test_id("summary-goal").filter(has_text="New onboarding")
    assert "Bram" in goals_block.text_content()
    assert "Happier customers" in console.get_by_test_id("open-goals").text_content()
    assert "Seeing a customer's problem solved" in console.get_by_test_id("unlinked-drives").text_content()
