"""In a real Chromium: the home page lists "Your workshops" in the browser that facilitates them
(and in no other), and the link map of the summary (on screen and on A4) keeps every label inside
its box, whatever the length or script of goals and names."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import requests
from pages import REVIEW, label_not_in_name, local, phone, screenshot, serious_accessibility_violations

pytestmark = pytest.mark.browser


def home(page, server):
    page.goto(server.url + "/")
    page.get_by_test_id("join-code").wait_for()
    return page


def test_your_workshops_shows_in_the_browser_that_made_them_and_nowhere_else(open_page, server, workshop):
    creator = open_page("laptop").page
    home(creator, server)
    assert creator.get_by_test_id("my-workshops").count() == 0  # a new browser: nothing to list
    creator.get_by_test_id("create-title").fill("Team North, spring day")
    creator.get_by_test_id("create-goals").fill("Grow sales in the north\nNew onboarding")
    creator.get_by_test_id("create-submit").click()
    creator.wait_for_url("**/facilitate")
    code = creator.get_by_test_id("workshop-code").text_content().strip()

    # The same browser signs in to an earlier workshop (one-time link), which has closed since;
    # Anna took part in it from her phone.
    anna = phone(open_page, server, workshop, "Anna").page
    creator.goto(local(server, workshop.signin_url()))
    workshop.facilitator().call("set_phase", {"phase": "closed"})

    home(creator, server)
    mine = creator.get_by_test_id("my-workshop")
    assert mine.count() == 2
    newest, closed = mine.nth(0), mine.nth(1)  # newest first
    assert newest.get_by_test_id("my-workshop-title").text_content() == "Team North, spring day"
    assert newest.get_by_test_id("my-workshop-code").text_content() == code
    assert newest.get_by_test_id("my-workshop-phase").text_content() == "Join"
    assert newest.get_by_test_id("my-workshop-summary").count() == 0
    assert closed.get_by_test_id("my-workshop-code").text_content() == workshop.code
    assert closed.get_by_test_id("my-workshop-phase").text_content() == "Closed"
    assert label_not_in_name(creator) == []
    assert serious_accessibility_violations(creator) == []
    # Every link is named by its visible word, described by its workshop's title.
    console_link = newest.get_by_role("link", name="Console", exact=True)
    assert console_link.get_attribute("aria-describedby") == f"mine-{code}"
    screenshot(creator, "home-your-workshops", full_page=True)

    closed.get_by_test_id("my-workshop-summary").click()
    creator.get_by_test_id("glance").wait_for()
    assert creator.url.endswith(f"/w/{workshop.code}/summary")
    home(creator, server)
    creator.get_by_test_id("my-workshop").nth(0).get_by_test_id("my-workshop-console").click()
    creator.wait_for_url(f"**/w/{code}/facilitate")
    creator.get_by_test_id("phase-stepper").wait_for()
    home(creator, server)
    creator.get_by_test_id("my-workshop").nth(0).get_by_test_id("my-workshop-board").click()
    creator.wait_for_url(f"**/w/{code}/board")

    creator.goto(server.url + "/?lang=nl")
    assert creator.get_by_test_id("my-workshop-phase").first.text_content() == "Aanmelden"
    assert label_not_in_name(creator) == []
    screenshot(creator, "home-your-workshops-nl", folder=REVIEW)

    # On a phone the code box stays first; the list follows it.
    small = open_page("phone").page
    small.context.add_cookies(creator.context.cookies())
    home(small, server)
    boxes = [small.locator(s).bounding_box() for s in (".join-panel", ".mine-panel", ".create-panel")]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    assert all(b["x"] + b["width"] <= 360 for b in boxes)
    screenshot(small, "home-your-workshops-phone", full_page=True, folder=REVIEW)

    # Another browser, and a participant's phone in the same workshop, see no trace of either.
    for other in (open_page("laptop").page, anna):
        home(other, server)
        assert other.get_by_test_id("my-workshops").count() == 0
        body = other.locator("body").inner_text()
        assert code not in body and workshop.code not in body and "Team North" not in body
        assert label_not_in_name(other) == []


# --- the link map -------------------------------------------------------------------------------

LONG_GOALS = [
    {"text": "W" * 280, "kind": "goal"},  # the widest letter, as long as a goal may be
    {"text": "Make the onboarding of every new colleague a warm, well-organised and memorable week", "kind": "project"},
    {"text": "顧客満足度を高めるための毎週の振り返りと改善活動を継続的に実施する" * 3, "kind": "activity"},
    {"text": "🚀🌍🎯 " * 40, "kind": "goal"},
    {"text": "Tidy", "kind": "activity"},
]
LONG_NAMES = ("Wilhelmina Maximiliane Wolkenstein-Wübbe", "Zoë", "Ångström-Ñúñez Émilie Øvergård")


def test_the_link_map_keeps_every_label_inside_at_any_length(open_page, server, new_workshop, tmp_path):
    w = new_workshop(title="A map with long words", goals=LONG_GOALS)
    console = w.facilitator()
    goals = [g["id"] for g in console.state["goals"]]
    texts = ["M" * 280, "Mentoring newcomers through their first hard weeks at work " * 4, "短" * 200, "Short"]
    for n, name in enumerate(LONG_NAMES):
        person = w.participant(name)
        for i, text in enumerate(texts):
            card = person.call("add_card", {"kind": "drive", "text": text[:270] + str(i)})["card"]
            # Twelve links on the first goal: a two-digit count must stay whole behind the cut.
            console.call("add_link", {"card_id": card["id"], "goal_id": goals[0]})
            if i % 2:
                console.call("add_link", {"card_id": card["id"], "goal_id": goals[1 + (i + n) % 3]})
    strength = w.participant("Zoë").call(
        "add_card", {"kind": "strength", "text": "W" * 280, "about": w.participant(LONG_NAMES[0]).id, "signed": True}
    )["card"]
    w.participant(LONG_NAMES[0]).call("respond_strength", {"id": strength["id"], "answer": "accept"})
    console.call("add_link", {"card_id": strength["id"], "goal_id": goals[2]})
    console.call("set_phase", {"phase": "closed"})

    page = open_page("laptop").page
    page.goto(local(server, w.signin_url()))
    page.goto(local(server, w.urls["summary"]))
    page.get_by_test_id("glance").wait_for()
    assert label_not_in_name(page) == []
    map_url = page.get_by_test_id("map-download").get_attribute("href")
    pdf = tmp_path / "summary.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    team_link = requests.post(
        f"{server.url}/api/workshops/{w.code}/team-link", headers={"Authorization": f"Bearer {w.token}"}
    )
    team = open_page("laptop").page
    team.goto(local(server, team_link.json()["url"]))
    team.get_by_test_id("glance").wait_for()
    assert label_not_in_name(team) == []

    # The map as Chromium draws it, measured with the font it really uses (getBBox ignores the
    # clip, so this measures the cut text itself, not the safety net).
    svg = page.request.get(server.url + map_url)  # with the page's cookie; the file is a download
    assert svg.status == 200
    page.set_content(svg.text())
    labels = page.evaluate(
        """() => {
            const svg = document.querySelector('svg');
            const width = svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll('text')].map((t) => {
                const box = t.getBBox();
                const frame = t.previousElementSibling;  // a goal's box, or a card's colour bar
                return {text: t.textContent, left: box.x, right: box.x + box.width, width,
                        frame: frame.tagName === 'rect' && frame.getAttribute('rx') ?
                            frame.x.baseVal.value + frame.width.baseVal.value : null};
            });
        }"""
    )
    goal_labels = [label for label in labels if label["frame"] is not None]
    card_labels = [label for label in labels if label["frame"] is None]
    assert len(goal_labels) == len(LONG_GOALS)
    assert len(card_labels) == len(LONG_NAMES) * len(texts) + 1
    for label in goal_labels:
        assert label["right"] <= label["frame"] - 4, label  # inside its box, with a little room
    for label in card_labels:
        assert label["right"] <= label["width"] - 4, label  # inside the map
    first = goal_labels[0]["text"]
    assert first.startswith("WWW") and first.endswith("… (12)"), first
    assert goal_labels[-1]["text"] == "Tidy (0)"
    assert any(label["text"].startswith("★ Wilhelmina") and ": WWW" in label["text"] for label in card_labels)
    assert any(label["text"] == "Zoë: Short3" for label in card_labels)
    # A long name is cut too, so that each card's own words still show behind it.
    assert any(label["text"].startswith("Wilhelmina") and ": Mentoring" in label["text"] for label in card_labels)
    # Cut, but not cut short: a long label fills most of its column.
    assert min(label["right"] for label in goal_labels[:2]) > goal_labels[0]["frame"] - 60
    screenshot(page, "link-map-long-labels", folder=REVIEW)

    # On paper: the page with the map, rendered to look at (test-results/screenshots/).
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:  # CI installs poppler-utils; locally this part may be skipped
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF is made but not rendered")
    subprocess.run([pdftoppm, "-png", "-r", "110", str(pdf), str(tmp_path / "page")], check=True)
    REVIEW.mkdir(parents=True, exist_ok=True)
    for number, png in enumerate(sorted(tmp_path.glob("page-*.png")), start=1):
        shutil.copy(png, REVIEW / f"summary-pdf-long-{number}.png")
