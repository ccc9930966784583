"""Dutch first: a Dutch workshop speaks Dutch on every screen, and the home page follows the browser."""

from __future__ import annotations

import pytest
from pages import facilitator, phone, screenshot

pytestmark = pytest.mark.browser


def test_a_dutch_workshop_speaks_dutch_on_phone_console_and_board(open_page, server, new_workshop):
    workshop = new_workshop(
        title="Teamdag Noord",
        language="nl",
        goals=[{"text": "Tevreden klanten", "kind": "goal"}, {"text": "Nieuwe website", "kind": "project"}],
    )
    page = phone(open_page, server, workshop, "Sanne").page
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_test_id("prompt").text_content() == "Wat bezielt jou?"
    assert page.get_by_test_id("tab-drives").text_content().strip() != "My drives"
    page.get_by_test_id("drive-text").fill("Mensen verder helpen")
    page.get_by_test_id("drive-add").tap()
    page.get_by_test_id("my-card").filter(has_text="Mensen verder helpen").wait_for()
    screenshot(page, "phone-drives-nl")

    console = facilitator(open_page, server, workshop).page
    assert console.locator("html").get_attribute("lang") == "nl"
    assert console.get_by_test_id("phase-drives").text_content().strip().endswith("Drijfveren")
    board = facilitator(open_page, server, workshop, "board").page
    assert board.locator("html").get_attribute("lang") == "nl"
    screenshot(board, "board-join-nl")


def test_the_home_page_follows_the_browsers_language(open_page, server):
    dutch = open_page("phone", locale="nl-NL").page
    dutch.goto(server.url + "/")
    assert dutch.locator("html").get_attribute("lang") == "nl"
    screenshot(dutch, "home-nl")
    english = open_page("phone", locale="en-GB").page
    english.goto(server.url + "/")
    assert english.locator("html").get_attribute("lang") == "en"
