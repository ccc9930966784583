"""Real-browser fixtures: Playwright for Python driving Debian's Chromium (never a downloaded one).

Without /usr/bin/chromium the browser tests skip, except where WORKSHOP_REQUIRE_BROWSER or CI is
set: there a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
# Headless, and quiet: without the background-networking flags Chromium keeps calling Google's
# hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
BOARD = {"viewport": {"width": 1920, "height": 1080}}
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
# A phone of today's common size and a common laptop (the market and organisation tests).
SMALL_PHONE = {**PHONE, "viewport": {"width": 390, "height": 844}}
WIDE_LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def _browser_required() -> bool:
    return bool(os.environ.get("WORKSHOP_REQUIRE_BROWSER") or os.environ.get("CI"))


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if _browser_required():
            pytest.fail("chromium is required here (CI): apt-get install -y chromium")
        pytest.skip("no /usr/bin/chromium on this machine")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


class Watched:
    """A page whose console errors and uncaught exceptions (CSP violations included) are kept."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))


@pytest.fixture
def open_page(browser):
    """``open_page(kind, locale=...)`` → a Watched page in a fresh context (phone, board or laptop)."""
    made = []

    def make(kind: str = "laptop", locale: str = "en-US") -> Watched:
        options = {"phone": PHONE, "board": BOARD, "laptop": LAPTOP}[kind]
        context = browser.new_context(locale=locale, **options)
        context.set_default_timeout(10_000)
        watched = Watched(context)
        made.append(watched)
        return watched

    yield make
    for watched in made:
        watched.context.close()
    errors = [e for w in made for e in w.errors]
    assert errors == [], errors


@pytest.fixture
def browsers(browser):
    """``open(kind, locale)`` → a page (a phone of 390×844 or a 1366×768 laptop) in a fresh
    context; every console error or uncaught exception is a failure."""
    contexts, errors = [], []

    def open_(kind: str, locale: str):
        context = browser.new_context(locale=locale, **{"phone": SMALL_PHONE, "laptop": WIDE_LAPTOP}[kind])
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == []
