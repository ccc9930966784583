"""axe-core on every phone screen and the pages around it: no serious or critical violation."""

from __future__ import annotations

import pytest
from pages import phone, serious_accessibility_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_phone_screen_passes_axe(open_page, server, new_workshop, language):
    workshop = new_workshop(language=language)
    bram = workshop.participant("Bram")
    bram.call("add_card", {"kind": "strength", "text": "Good listener", "about": workshop.participant("Cas").id})
    page = phone(open_page, server, workshop, "Anna").page
    page.get_by_test_id("drive-text").fill("Helping people grow")
    page.get_by_test_id("drive-add").tap()
    page.get_by_test_id("my-card").first.wait_for()
    tabs = page.locator('[data-testid^="tab-"]')
    assert tabs.count() >= 3
    checked = []
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        tab.tap()
        name = tab.get_attribute("data-testid")
        page.locator(f'[data-testid="panel-{name.removeprefix("tab-")}"]').wait_for()
        assert serious_accessibility_violations(page) == [], name
        checked.append(name)
    assert {"tab-drives", "tab-strengths", "tab-links"} <= set(checked)


def test_the_home_and_join_pages_pass_axe(open_page, server, workshop):
    page = open_page("phone").page
    page.goto(server.url + "/")
    assert serious_accessibility_violations(page) == []
    page.goto(f"{server.url}/j/{workshop.code}")
    assert serious_accessibility_violations(page) == []
