"""A person's seat on another device (issue 14), in a real Chromium: the phone's Me tab makes a
personal link, a laptop opens it the next day and lands signed in, the link is then dead (also
in the laptop's own History file), a replaced link says so, the facilitator's reissued link is
seen by the person, and a device signed out says so."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from conftest import PHONE
from helpers import ROOT, Api, LiveServer, Workshop
from pages import REVIEW, facilitator, label_not_in_name, local, remembering_laptop, visited, wait_live

pytestmark = pytest.mark.live

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
DAY = 24 * 60 * 60

# app.py, unchanged, with the one clock (workshop/clock.py) running ahead by the seconds a test
# writes in a file: the server's "tomorrow", while the browsers and the test stay in today.
LAUNCHER = textwrap.dedent(
    """
    import os, runpy, sys, warnings
    from datetime import timedelta

    argv = sys.argv[1:]
    mode = argv[argv.index("--async-mode") + 1] if "--async-mode" in argv else "eventlet"
    if mode == "eventlet":  # patched first, as app.py does (it patches again, harmlessly)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"\\s*Eventlet is deprecated")
            import eventlet
        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey
        monkey.patch_all()

    sys.path.insert(0, os.getcwd())  # this checkout's app (app.py's folder), as app.py itself has
    from workshop import clock

    ahead_file, real_now = os.environ["WORKSHOP_TEST_CLOCK_AHEAD"], clock.Clock.now

    def now(self):
        with open(ahead_file) as f:
            return real_now(self) + timedelta(seconds=float(f.read() or 0))

    clock.Clock.now = now
    sys.argv = ["app.py", *argv]
    runpy.run_path("app.py", run_name="__main__")
    """
)


class ClockedServer(LiveServer):
    """The real server (a process of its own, app.py) whose clock a test can move forward."""

    def __init__(self, folder: Path):
        self.ahead = folder / "clock-ahead"
        self.ahead.write_text("0")
        self.launcher = folder / "clocked_app.py"
        self.launcher.write_text(LAUNCHER)
        super().__init__(folder / "workshops.sqlite3", env={"WORKSHOP_TEST_CLOCK_AHEAD": str(self.ahead)})

    def start(self) -> ClockedServer:
        real = subprocess.Popen
        launcher = str(self.launcher)

        def popen(command, **options):  # [python, "app.py", ...] runs the launcher instead
            assert command[:2] == [sys.executable, "app.py"], command
            return real([sys.executable, launcher, *command[2:]], **options)

        subprocess.Popen = popen  # type: ignore[misc]
        try:
            super().start()
        finally:
            subprocess.Popen = real  # type: ignore[misc]
        return self

    def move_ahead(self, seconds: float) -> None:
        self.ahead.write_text(str(float(self.ahead.read_text()) + seconds))


@pytest.fixture(scope="module")
def clocked(tmp_path_factory):
    server = ClockedServer(tmp_path_factory.mktemp("seat"))
    server.start()
    assert (ROOT / "app.py").exists()
    yield server
    server.stop()


@pytest.fixture
def room(clocked):
    clients: list = []
    made: list[Workshop] = []

    def make(**kwargs) -> Workshop:
        workshop = Workshop(clocked, Api(clocked.url), clients, **kwargs)
        made.append(workshop)
        return workshop

    yield make
    for client in clients:
        client.disconnect()


def context_of(browser, kind: str, locale: str = "en-US"):
    options = {"phone": PHONE, "laptop": LAPTOP}[kind]
    context = browser.new_context(locale=locale, **options)
    context.set_default_timeout(10_000)
    return context


def watched_page(context, errors: list[str]):
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
    return page


def join_on_phone(page, server, workshop, name: str) -> None:
    page.goto(local(server, workshop.urls["join"]))
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-name-submit").click()
    page.wait_for_url(re.compile(r"/w/[A-Z0-9]+/phone$"))
    wait_live(page)


def make_link_on_phone(page) -> str:
    page.get_by_test_id("tab-me").click()
    page.get_by_test_id("seat-make").click()
    page.get_by_test_id("seat-qr").wait_for()
    return page.get_by_test_id("seat-url").input_value()


def day_month(moment: datetime) -> str:
    """How the Me tab writes a day in English (Intl's "en"): "Dec 1"."""
    return f"{moment.strftime('%b')} {moment.day}"


def works_as_a_credential(server, url: str) -> bool:
    """Whether the secret a seat URL carries still opens a seat (what the seat page would post)."""
    parts = urlsplit(url)
    if not parts.fragment or not parts.path.endswith("/seat"):
        return False
    r = requests.post(f"{server.url}{parts.path}", json={"key": parts.fragment})
    return r.status_code == 200


def opens_refused(browser, server, url: str, locale: str = "en-US") -> str:
    """Open a seat link in a fresh laptop browser: the refusal it shows (or fail)."""
    errors: list[str] = []
    context = context_of(browser, "laptop", locale)
    try:
        page = watched_page(context, errors)
        page.goto(local(server, url))
        refusal = page.get_by_test_id("seat-refused")
        refusal.wait_for()
        assert not [c for c in context.cookies() if c["name"].startswith("wp_")]
        return refusal.text_content()
    finally:
        context.close()
        # The refused POST is a 401 the browser reports; nothing else may go wrong.
        assert [e for e in errors if "401" not in e] == []


def test_a_person_comes_back_the_next_day_on_a_laptop_with_their_link(browser, clocked, room):
    workshop = room(title="Team day")
    errors: list[str] = []
    phone = context_of(browser, "phone")
    laptop = context_of(browser, "laptop")
    try:
        page = watched_page(phone, errors)
        join_on_phone(page, clocked, workshop, "Anna")
        url = make_link_on_phone(page)
        secret = urlsplit(url).fragment
        assert re.fullmatch(rf"{re.escape(clocked.url)}/w/{workshop.code}/seat#[A-Za-z0-9_-]{{43}}", url)
        assert page.get_by_test_id("seat-qr").evaluate(
            "(img) => img.naturalWidth > 0 && img.src.startsWith('data:image/svg+xml')"
        )
        # The link is never kept on the phone (its store persists state to localStorage).
        assert secret not in page.evaluate("() => JSON.stringify(Object.entries(localStorage))")
        assert label_not_in_name(page) == []
        REVIEW.mkdir(parents=True, exist_ok=True)
        page.get_by_test_id("seat-box").screenshot(path=str(REVIEW / "seat-me-en.png"), animations="disabled")

        # The next day (the server's clock), on a laptop.
        clocked.move_ahead(DAY)
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        on_laptop = watched_page(laptop, errors)
        on_laptop.goto(url)
        on_laptop.wait_for_url(re.compile(rf"/w/{workshop.code}/board$"))  # a wide window: the team's board
        wait_live(on_laptop)
        assert "#" not in on_laptop.url
        assert on_laptop.evaluate("() => JSON.parse(document.getElementById('boot').textContent).role") == "participant"
        on_laptop.goto(f"{clocked.url}/w/{workshop.code}/phone")  # whose seat: the phone's page says
        wait_live(on_laptop)
        assert on_laptop.get_by_test_id("me-name").text_content() == "You: Anna"

        # The phone's Me tab hears of it: the link shown is gone (used), the laptop is listed.
        devices = page.get_by_test_id("seat-device")
        devices.nth(1).wait_for()
        assert page.get_by_test_id("seat-link").count() == 0
        assert devices.nth(0).get_attribute("data-this") == "true"
        assert devices.nth(1).get_attribute("data-came-by") == "link"
        assert f"with your link, {day_month(tomorrow)}" in devices.nth(1).text_content()
        assert "Another device" in devices.nth(1).text_content()
        page.get_by_test_id("seat-devices").screenshot(path=str(REVIEW / "seat-devices-en.png"), animations="disabled")

        # Used up: the same link admits nobody else.
        assert "used or replaced" in opens_refused(browser, clocked, url)
        assert not works_as_a_credential(clocked, url)

        # A new link replaces the one before it: the old one's page says it was replaced.
        first = make_link_on_phone(page)
        page.get_by_test_id("seat-new").click()
        page.wait_for_function("(old) => document.querySelector('[data-testid=seat-url]')?.value !== old", arg=first)
        second = page.get_by_test_id("seat-url").input_value()
        assert "used or replaced" in opens_refused(browser, clocked, first)
        assert works_as_a_credential(clocked, second)  # (and now it is used: a request opened it)

        # The laptop signs out the phone it joined on: the phone says so, and forgets the workshop.
        on_laptop.get_by_test_id("tab-me").click()
        laptop_devices = on_laptop.get_by_test_id("seat-device")
        laptop_devices.nth(2).wait_for()
        assert [laptop_devices.nth(i).get_attribute("data-this") for i in range(3)] == ["false", "true", "false"]
        laptop_devices.nth(0).get_by_test_id("seat-sign-out").click()
        on_laptop.get_by_test_id("ask-yes").click()
        page.get_by_test_id("left-screen").wait_for()
        assert page.get_by_test_id("left-title").text_content().strip() == "This device was signed out"
        assert "Your cards stay in the workshop" in page.get_by_test_id("left-screen").text_content()
        assert page.get_by_test_id("join-again").is_hidden()
        assert page.evaluate("(code) => Object.keys(localStorage).filter((k) => k.includes(code))", workshop.code) == []
        on_laptop.wait_for_function("() => document.querySelectorAll('[data-testid=seat-device]').length === 2")
        assert laptop_devices.nth(0).get_attribute("data-this") == "true"
    finally:
        phone.close()
        laptop.close()
    assert errors == []


def test_the_facilitator_reissues_a_link_and_the_person_sees_it(browser, open_page, clocked, room):
    workshop = room(title="Remote day")
    errors: list[str] = []
    phone = context_of(browser, "phone")
    try:
        page = watched_page(phone, errors)
        join_on_phone(page, clocked, workshop, "Bram")
        page.get_by_test_id("tab-me").click()
        page.get_by_test_id("seat-make").wait_for()

        console = facilitator(open_page, clocked, workshop).page
        person = console.locator('[data-testid="participant"]', has_text="Bram")
        person.get_by_test_id("participant-seat-link").click()
        dialog = console.get_by_test_id("seat-dialog")
        assert "Bram" in dialog.get_by_test_id("seat-dialog-title").text_content()
        dialog.get_by_test_id("seat-sign-out-devices").check()
        dialog.get_by_test_id("seat-reissue").click()
        dialog.get_by_test_id("seat-qr").wait_for()
        url = dialog.get_by_test_id("seat-url").input_value()
        assert url.startswith(f"{clocked.url}/w/{workshop.code}/seat#")
        assert dialog.get_by_test_id("seat-qr").evaluate("(img) => img.naturalWidth > 0")
        assert label_not_in_name(console) == []
        REVIEW.mkdir(parents=True, exist_ok=True)
        dialog.screenshot(path=str(REVIEW / "seat-console-dialog-en.png"), animations="disabled")

        # With "sign out their other devices" the phone is out; the person sees who made the link.
        page.get_by_test_id("left-screen").wait_for()
        assert page.get_by_test_id("left-title").text_content().strip() == "This device was signed out"
        new_phone = context_of(browser, "phone")
        try:
            back = watched_page(new_phone, errors)
            back.goto(url)
            back.wait_for_url(re.compile(rf"/w/{workshop.code}/phone$"))
            wait_live(back)
            back.get_by_test_id("tab-me").click()
            device = back.get_by_test_id("seat-device").nth(0)  # the only one: every other was signed out
            device.wait_for()
            assert back.get_by_test_id("seat-device").count() == 1
            assert device.get_attribute("data-came-by") == "facilitator"
            assert "with a link the facilitator made" in device.text_content()
            # A second link the facilitator makes shows on the person's Me tab while it is open.
            dialog.get_by_test_id("seat-done").click()
            console.wait_for_function(  # the link leaves the page as the dialog closes
                "() => document.querySelector('[data-testid=seat-url]').value === ''"
            )
            person.get_by_test_id("participant-seat-link").click()
            dialog.get_by_test_id("seat-reissue").click()
            dialog.get_by_test_id("seat-qr").wait_for()
            note = back.get_by_test_id("seat-facilitator-link")
            note.wait_for()
            assert "The facilitator made a link to your seat" in note.text_content()
            back.get_by_test_id("seat-box").screenshot(
                path=str(REVIEW / "seat-me-facilitator-en.png"), animations="disabled"
            )
            back.get_by_test_id("seat-stop").click()
            note.wait_for(state="detached")
            assert not works_as_a_credential(clocked, dialog.get_by_test_id("seat-url").input_value())
        finally:
            new_phone.close()
    finally:
        phone.close()
    assert errors == []


def test_in_dutch_the_link_opens_and_then_says_it_was_used(browser, clocked, room):
    workshop = room(title="Teamdag", language="nl")
    errors: list[str] = []
    phone = context_of(browser, "phone", "nl-NL")
    laptop = context_of(browser, "laptop", "nl-NL")
    try:
        page = watched_page(phone, errors)
        join_on_phone(page, clocked, workshop, "Daan")
        page.get_by_test_id("tab-me").click()
        assert page.locator("#seat-title").text_content() == "Openen op een ander apparaat"
        url = make_link_on_phone(page)
        assert page.get_by_test_id("seat-copy").text_content() == "Kopiëren"
        page.get_by_test_id("seat-box").screenshot(path=str(REVIEW / "seat-me-nl.png"), animations="disabled")
        on_laptop = watched_page(laptop, errors)
        on_laptop.goto(url)
        on_laptop.wait_for_url(re.compile(rf"/w/{workshop.code}/board$"))
        wait_live(on_laptop)
        page.get_by_test_id("seat-device").nth(1).wait_for()
        assert "met je link" in page.get_by_test_id("seat-device").nth(1).text_content()
        assert "Deze persoonlijke link is al gebruikt of vervangen" in opens_refused(browser, clocked, url, "nl-NL")
    finally:
        phone.close()
        laptop.close()
    assert errors == []


def test_the_laptops_history_keeps_only_a_dead_link(browser, clocked, room, tmp_path):
    workshop = room(title="History")
    anna = workshop.participant("Anna")
    url = anna.call("create_seat_link")["url"]
    profile = tmp_path / "profile"
    with remembering_laptop(browser, profile, console_errors=False) as (page, errors):
        page.goto(url)
        page.wait_for_url(re.compile(rf"/w/{workshop.code}/board$"))
        wait_live(page)
    assert errors == []
    urls = visited(profile)
    seat_urls = [u for u in urls if f"/w/{workshop.code}/seat" in u]
    assert seat_urls, urls  # the scan sees the link's visit
    for kept in urls:
        assert not works_as_a_credential(clocked, kept), kept
    # What the History file keeps of it, whether the fragment was kept or not, opens nothing.
    assert not works_as_a_credential(clocked, url)
