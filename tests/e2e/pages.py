"""Driving the app's pages in a real browser, as its users do (shared by the browser tests)."""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Where the tests' screenshots go: test-results/screenshots/ (untracked, .gitignore). The test run
# never writes a tracked file; tools/screenshots.py runs the screenshot scenes with
# WORKSHOP_SCREENSHOTS set to docs/screenshots/ to refresh the README's pictures.
REVIEW = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"

HOSTILE = '<img src=x onerror="window.__pwned=1">'


def shots() -> Path:
    """The folder for the screenshots the README shows: test-results/screenshots/ in a test run,
    docs/screenshots/ when tools/screenshots.py makes them."""
    return Path(os.environ.get("WORKSHOP_SCREENSHOTS") or REVIEW)


def screenshot(page, name: str, full_page: bool = False, folder: Path | None = None) -> None:
    """Save a screenshot, animations settled: one the README shows goes to ``shots()``;
    ``folder=REVIEW`` for one that is only looked at (test-results/screenshots/, always)."""
    folder = folder or shots()
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page, animations="disabled")


def local(server, url: str) -> str:
    """The same URL on the address the test server listens on."""
    return re.sub(r"^https?://[^/]+", server.url, url)


def facilitator(open_page, server, workshop, kind="laptop"):
    """A console (or board) page of the workshop, opened with a one-time sign-in link."""
    watched = open_page(kind)
    watched.page.goto(local(server, workshop.signin_url()))
    if kind == "board":
        watched.page.goto(local(server, workshop.urls["board"]))
    wait_live(watched.page)
    return watched


def phone(open_page, server, workshop, name: str, before_join=None):
    """A phone that joined the workshop through the join page, as a participant would.

    ``before_join(page)`` runs before the first request (to start recording its traffic, say);
    its result is kept as ``.traffic``.
    """
    watched = open_page("phone")
    page = watched.page
    watched.traffic = before_join(page) if before_join else None
    page.goto(local(server, workshop.urls["join"]))
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-name-submit").click()
    page.wait_for_url(re.compile(r"/w/[A-Z0-9]+/phone$"))
    wait_live(page)
    return watched


def wait_live(page) -> None:
    page.wait_for_selector('[data-testid="connection"][data-status="connected"]', state="attached")


def set_phase(console_page, phase: str) -> None:
    console_page.get_by_test_id(f"phase-{phase}").click()
    console_page.wait_for_selector(f'[data-testid="phase-{phase}"][aria-current="step"]')


def drag(page, source, target, steps=8) -> None:
    """A mouse drag from a card (first scrolled into view) to a goal."""
    source.scroll_into_view_if_needed()
    a, b = source.bounding_box(), target.bounding_box()
    start = (a["x"] + 40, a["y"] + a["height"] / 2)
    end = (b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    for i in range(1, steps + 1):
        page.mouse.move(start[0] + (end[0] - start[0]) * i / steps, start[1] + (end[1] - start[1]) * i / steps)
    page.mouse.up()


def touch_drag(page, source, target, steps=8) -> None:
    """A finger drag, as real touch input (Chromium turns it into pointer events)."""
    cdp = page.context.new_cdp_session(page)
    a, b = source.bounding_box(), target.bounding_box()
    start = (a["x"] + 40, a["y"] + a["height"] / 2)
    end = (b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]})
    for i in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * i / steps
        y = start[1] + (end[1] - start[1]) * i / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


def serious_accessibility_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; the serious and critical violations, summarised.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so
    the page itself stays exactly as users get it.
    """
    # Judge the screen at rest: a card sliding in is briefly translucent.
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)))")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
              .filter((v) => v.impact === "serious" || v.impact === "critical")
              .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
        }"""
    )


def label_not_in_name(page) -> list[dict]:
    """Controls whose accessible name does not contain their visible label (WCAG 2.5.3 "label in
    name": someone using voice control says what they see, "Add", and nothing answers when the
    button is named otherwise). axe's own rule for it is experimental, so it is switched on here,
    next to a plain check of every visible button and link carrying an aria-label."""
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)))")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const squash = (text) => (text || "").replace(/\\s+/g, " ").trim().toLowerCase();
            const result = await axe.run(document, {
                runOnly: {type: "rule", values: ["label-content-name-mismatch"]},
                rules: {"label-content-name-mismatch": {enabled: true}},
                resultTypes: ["violations"],
            });
            const found = result.violations.flatMap((v) => v.nodes.map((n) => ({rule: v.id, target: n.target.join(" ")})));
            for (const node of document.querySelectorAll("button[aria-label], a[aria-label], [role=button][aria-label], summary[aria-label]")) {
                if (!node.getClientRects().length || getComputedStyle(node).visibility === "hidden") continue;
                const visible = squash(node.innerText);
                if (visible && !squash(node.getAttribute("aria-label")).includes(visible)) {
                    found.push({rule: "aria-label", target: node.getAttribute("data-testid") || node.outerHTML.slice(0, 80),
                                visible, name: node.getAttribute("aria-label")});
                }
            }
            return found;
        }"""
    )


@contextmanager
def remembering_laptop(browser, profile: Path, console_errors: bool = True):
    """A laptop's Chromium with its profile on disk, so that what it remembers (its History file)
    can be read afterwards (``visited``): yields its page and the errors it logged. Closed on leaving:
    Chromium writes its History file as it shuts down."""
    from conftest import CHROMIUM, CHROMIUM_ARGS, LAPTOP

    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, locale="en-US", **LAPTOP
    )
    errors: list[str] = []
    try:
        context.set_default_timeout(10_000)
        page = context.pages[0] if context.pages else context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        if console_errors:
            page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        yield page, errors
    finally:
        context.close()


def visited(profile: Path) -> list[str]:
    """Every URL a closed profile's History file keeps."""
    with sqlite3.connect(f"file:{profile / 'Default' / 'History'}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute("SELECT url FROM urls")]
