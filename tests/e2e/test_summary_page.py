"""The saved summary in a real Chromium: the facilitator's page, the team's read-only page, a
follow-up's page, and the same summary printed to A4 (Chromium's PDF, rendered to PNG).

Every workshop here is seeded through real Socket.IO clients, with every kind of card: named,
anonymous, facilitator-only, pending, declined and moderated; links, agreements, check-ins.
"""

from __future__ import annotations

import shutil
import subprocess
import typing

import pytest
import requests
from helpers import Client
from pages import local, screenshot, serious_accessibility_violations, shots

pytestmark = pytest.mark.browser

# Text that only the facilitator may read (facilitator-only, moderated) or nobody at all
# (a strength still waiting for consent, one that was declined).
FACILITATOR_ONLY = ("Money worries", "A calmer workload", "Moderated away")
NOBODY = ("Not agreed yet", "Said no to this")

GOALS = [
    {"text": "Grow sales in the north", "kind": "goal"},
    {"text": "New onboarding", "kind": "project"},
    {"text": "Weekly customer calls", "kind": "activity"},
    {"text": "Answer every ticket within a day", "kind": "goal"},
    {"text": "Tidy the shared drive", "kind": "activity"},
]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def seeded(new_workshop):
    """A closed workshop: four people, every kind of card, links, agreements and three check-ins."""
    w = new_workshop(title="Team day, spring", goals=GOALS)
    console = w.facilitator()
    anna, bram, zoe, daan = (w.participant(n) for n in ("Anna", "Bram", "Zoë", "Daan"))
    goals = {g["text"]: g["id"] for g in console.state["goals"]}

    def card(person, text, **extra):
        return person.call("add_card", {"kind": "drive", "text": text, **extra})["card"]

    def link(card_, goal):
        return console.call("add_link", {"card_id": card_["id"], "goal_id": goals[goal]})["link"]

    teaching = card(anna, "Teaching newcomers")
    card(anna, "Money worries", visibility="facilitator")
    travel = card(bram, "Travel")
    card(bram, "Building small tools")  # no outlet: an offer
    guides = card(zoe, "Writing clear guides", visibility="anonymous")
    customers = card(daan, "Talking to customers")
    calmer = card(daan, "A calmer workload", visibility="facilitator")
    calm = anna.call("add_card", {"kind": "strength", "text": "Calm under fire", "about": bram.id, "signed": True})[
        "card"
    ]
    bram.call("respond_strength", {"id": calm["id"], "answer": "accept"})
    anna.call("add_card", {"kind": "strength", "text": "Not agreed yet", "about": zoe.id})
    no = bram.call("add_card", {"kind": "strength", "text": "Said no to this", "about": anna.id})["card"]
    anna.call("respond_strength", {"id": no["id"], "answer": "decline"})
    hidden = card(bram, "Moderated away")
    console.call("set_card_hidden", {"id": hidden["id"], "hidden": True})

    links = {
        "teaching": link(teaching, "New onboarding"),
        "guides": link(guides, "New onboarding"),
        "travel": link(travel, "Grow sales in the north"),
        "customers": link(customers, "Weekly customer calls"),
        "customers-north": link(customers, "Grow sales in the north"),
        "calm": link(calm, "Weekly customer calls"),
        "calmer": link(calmer, "Answer every ticket within a day"),
    }
    agree = [
        (links["teaching"], "Buddy for the March hires", anna.id, "2027-03-01"),
        (links["travel"], "Join two sales trips", bram.id, "2027-04-15"),
        (links["guides"], "Share the guide template", None, None),
    ]
    for l, text, owner, due in agree:
        ack = console.call("add_agreement", {"link_id": l["id"], "text": text, "owner": owner, "due": due})
        assert ack["ok"], ack
    console.call("set_phase", {"phase": "closed"})

    # Three check-ins, weeks apart: does each link still energise its person?
    ratings = {
        anna: [
            (links["teaching"], 5, None),
            (links["teaching"], 4, None),
            (links["teaching"], 2, "Too many hires at once"),
        ],
        daan: [
            (links["customers"], 3, None),
            (links["customers"], 4, None),
            (links["customers"], 5, "Best part of my week"),
        ],
        bram: [(links["travel"], 4, None), None, (links["travel"], 4, None)],
    }
    for round_ in range(3):
        console.call("open_checkin")
        for person, answers in ratings.items():
            if answers[round_] is not None:
                l, rating, comment = answers[round_]
                payload = {"link_id": l["id"], "rating": rating} | ({"comment": comment} if comment else {})
                assert person.call("answer_checkin", payload)["ok"]
    console.call("close_checkin")

    w.clients = {"console": console, "anna": anna, "bram": bram, "zoe": zoe, "daan": daan}
    w.goals, w.links = goals, links
    return w


def facilitator_summary(open_page, server, w, url=None):
    """The facilitator's summary page in a laptop browser (a sign-in link sets the cookie)."""
    watched = open_page("laptop")
    page = watched.page
    page.goto(local(server, w.signin_url()))
    page.goto(local(server, url or w.urls["summary"]))
    page.get_by_test_id("glance").wait_for()
    return page


def team_url(server, w) -> str:
    r = requests.post(f"{server.url}/api/workshops/{w.code}/team-link", headers=bearer(w.token))
    assert r.status_code == 201, r.text
    return local(server, r.json()["url"])


def wait_for_map(page) -> None:
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=map-image]');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )


def words(text: str) -> str:
    return " ".join(text.split())


def text_of(page) -> str:
    return page.locator("body").inner_text()


# --- The facilitator's page -------------------------------------------------------------------


def test_the_facilitators_summary_opens_with_the_ten_second_answer(open_page, server, seeded):
    page = facilitator_summary(open_page, server, seeded)
    assert page.get_by_test_id("headline").text_content().strip() == "4 of 5 goals have energy behind them."
    open_goals = page.get_by_test_id("open-goals")
    assert "Tidy the shared drive" in open_goals.text_content()
    offers = page.get_by_test_id("unlinked-drives")
    assert "Building small tools" in offers.text_content() and "Bram" in offers.text_content()
    # A drive only the facilitator sees is an offer too, but marked as theirs alone.
    money = offers.locator("li", has_text="Money worries")
    assert "only you see this" in money.text_content()

    agreements = page.get_by_test_id("agreement")
    assert agreements.count() == 3
    buddy = agreements.filter(has_text="Buddy for the March hires")
    assert "Anna" in buddy.get_by_test_id("agreement-owner").text_content()
    assert buddy.get_by_test_id("agreement-due").get_attribute("datetime") == "2027-03-01"
    assert "New onboarding" in buddy.text_content()
    nobody = agreements.filter(has_text="Share the guide template")
    assert "nobody yet" in nobody.get_by_test_id("agreement-owner").text_content()

    # The link map is a picture that loads, with words for those who cannot see it.
    wait_for_map(page)
    image = page.get_by_test_id("map-image")
    assert image.evaluate("(img) => img.naturalWidth") > 0
    assert "4 of 5 goals" in image.get_attribute("alt")

    # Per goal and per person; facilitator-only cards marked; the console one click away.
    calmer = page.get_by_test_id("summary-goal").filter(has_text="Answer every ticket within a day")
    assert "A calmer workload" in calmer.text_content() and "only you see this" in calmer.text_content()
    zoe = page.get_by_test_id("summary-person").filter(has_text="Zoë")
    assert "Writing clear guides" in zoe.text_content() and "anonymous to the team" in zoe.text_content()
    assert page.get_by_test_id("back-to-console").is_visible()
    assert page.get_by_test_id("changes").count() == 0  # not a follow-up
    for secret in NOBODY:
        assert secret not in text_of(page)
    assert serious_accessibility_violations(page) == []


def test_the_check_in_trend_shows_each_links_ratings_in_order_in_words(open_page, server, seeded):
    page = facilitator_summary(open_page, server, seeded)
    rows = page.get_by_test_id("checkin-row")
    assert rows.count() == 3
    anna = rows.filter(has_text="Teaching newcomers")
    assert [words(r) for r in anna.get_by_test_id("checkin-rating").all_text_contents()] == [
        "5 very much",
        "4 quite a lot",
        "2 a little",
    ]
    assert "falling" in anna.get_by_test_id("checkin-trend").text_content()
    assert "Too many hires at once" in anna.text_content()  # comments: the facilitator's page only
    daan = rows.filter(has_text="Talking to customers")
    assert "rising" in daan.get_by_test_id("checkin-trend").text_content()
    bram = rows.filter(has_text="Travel")
    assert [words(r) for r in bram.get_by_test_id("checkin-rating").all_text_contents()] == [
        "4 quite a lot",
        "– no answer",
        "4 quite a lot",
    ]
    assert "steady" in bram.get_by_test_id("checkin-trend").text_content()


def test_every_download_answers(open_page, server, seeded):
    page = facilitator_summary(open_page, server, seeded)
    links = page.get_by_test_id("downloads").locator("a[download]")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) == 8
    for ending in (
        "summary.md",
        "summary.csv",
        "links.csv",
        "cards.csv",
        "summary.json",
        "map.svg",
        "marketplace.json",
        "marketplace.csv",
    ):
        assert any(h.endswith(ending) for h in hrefs), ending
    for href in hrefs:  # with the page's own cookie, as a click would
        r = page.request.get(local(server, server.url + href))
        assert r.status == 200, (href, r.status)
    assert page.get_by_test_id("map-download").get_attribute("href").endswith("map.svg")


def test_the_facilitators_summary_on_screen_and_on_a4(open_page, server, seeded, tmp_path):
    page = facilitator_summary(open_page, server, seeded)
    wait_for_map(page)
    screenshot(page, "summary", full_page=True)

    # On paper: no navigation, no buttons, no downloads (page.pdf prints with the print media).
    pdf = tmp_path / "summary.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    page.emulate_media(media="print")
    for chrome in (
        ".summary-nav",
        '[data-testid="downloads"]',
        '[data-testid="print"]',
        '[data-testid="map-download"]',
    ):
        assert not page.locator(chrome).is_visible(), chrome
    assert page.get_by_test_id("map-image").is_visible()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:  # CI installs poppler-utils; locally this part may be skipped
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF is made but not rendered")
    folder = shots()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("summary-pdf-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 2 <= len(pages) <= 8, len(pages)
    for number, png in enumerate(pages, start=1):
        shutil.copy(png, folder / f"summary-pdf-{number}.png")


# --- The team's page ---------------------------------------------------------------------------


def test_the_team_page_shows_only_what_the_team_may_see(open_page, server, seeded):
    url = team_url(server, seeded)
    watched = open_page("laptop")
    page = watched.page
    page.goto(url)
    wait_for_map(page)
    body = text_of(page)
    for secret in FACILITATOR_ONLY + NOBODY + ("only you see this", "Too many hires at once"):
        assert secret not in body, secret
    assert page.content().count("Money worries") == 0
    assert "read-only" in page.get_by_test_id("team-note").text_content()
    assert page.get_by_test_id("back-to-console").count() == 0
    assert "/facilitate" not in page.content()

    # The anonymous drive keeps its text and loses its name, everywhere.
    onboarding = page.get_by_test_id("summary-goal").filter(has_text="New onboarding")
    guides = onboarding.locator("li", has_text="Writing clear guides")
    assert "Anonymous" in guides.text_content() and "Zoë" not in guides.text_content()
    assert "Writing clear guides" in page.get_by_test_id("summary-anonymous").text_content()
    # Zoë shared only that card: an empty "Zoë" beside it would name her, so she is not listed.
    assert page.get_by_test_id("summary-person").filter(has_text="Zoë").count() == 0

    # The team's downloads: the same privacy, and they answer.
    links = page.get_by_test_id("downloads").locator("a[download]")
    assert links.count() == 3
    for i in range(links.count()):
        r = page.request.get(local(server, server.url + links.nth(i).get_attribute("href")))
        assert r.status == 200
        for secret in FACILITATOR_ONLY + NOBODY:
            assert secret not in r.text(), secret
    # Check-in ratings are personal: the facilitator sees the trend, the team's link does not.
    assert page.get_by_test_id("checkin-row").count() == 0
    assert serious_accessibility_violations(page) == []
    screenshot(page, "summary-team", full_page=True)

    # The team link is often opened on a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360


# --- A follow-up's page ----------------------------------------------------------------------


def test_a_follow_ups_summary_shows_what_changed_since_last_time(open_page, server, seeded):
    r = requests.post(
        f"{server.url}/api/workshops/{seeded.code}/follow-up",
        headers=bearer(seeded.token),
        json={"title": "Team day, autumn"},
    )
    assert r.status_code == 201, r.text
    follow = r.json()
    console = Client(
        server.url,
        {"code": follow["code"], "role": "facilitator", "view": "console", "token": follow["facilitator_token"]},
        "console",
    )
    try:
        state = console.state
        cards = {c["text"]: c["id"] for c in state["cards"]}
        goals = {g["text"]: g["id"] for g in state["goals"]}
        calm = next(l for l in state["links"] if l["card_id"] == cards["Calm under fire"])
        assert console.call("delete_link", {"id": calm["id"]})["ok"]
        assert console.call(
            "add_link", {"card_id": cards["Building small tools"], "goal_id": goals["Tidy the shared drive"]}
        )["ok"]
        buddy = next(a for a in state["agreements"] if a["text"] == "Buddy for the March hires")
        assert console.call("edit_agreement", {"id": buddy["id"], "done": True})["ok"]
        console.call("set_phase", {"phase": "closed"})
    finally:
        console.disconnect()

    class Follow:
        urls: typing.ClassVar = {"facilitator": follow["urls"]["facilitator"], "summary": follow["urls"]["summary"]}
        signin_url = staticmethod(lambda: follow["urls"]["facilitator"])  # its one-time sign-in link, unused

    page = facilitator_summary(open_page, server, Follow)
    changes = page.get_by_test_id("changes")
    new = changes.get_by_test_id("new-links")
    assert "Building small tools" in new.text_content() and "Tidy the shared drive" in new.text_content()
    dropped = changes.get_by_test_id("dropped-links")
    assert "Calm under fire" in dropped.text_content() and "Weekly customer calls" in dropped.text_content()
    done = changes.get_by_test_id("change-agreement").filter(has_text="Buddy for the March hires")
    assert "done" in done.text_content()
    still = changes.get_by_test_id("change-agreement").filter(has_text="Join two sales trips")
    assert "still open" in still.text_content()
    since = " ".join(page.get_by_test_id("glance-changes").text_content().split())
    assert "new links: 1" in since and "dropped links: 1" in since and "agreements done: 1 of 3" in since
    assert page.get_by_test_id("headline").text_content().strip() == "5 of 5 goals have energy behind them."
    wait_for_map(page)
    screenshot(page, "summary-follow-up", full_page=True)
