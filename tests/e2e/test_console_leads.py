"""The console leads: in every phase the phase's own tools come first, one line says what to do
next (in Dutch and in English), and nothing on the page covers a control — not the timer badge
while it runs or after time is up with its lock, at any of four laptop screens.

A realistic room (a dozen people with drives, strengths, links and agreements, fifteen goals, two
of them long Dutch ones) is opened in a real browser; every visible control is scrolled into view
and ``document.elementFromPoint`` at its centre must find the control itself (or something inside
it). The goal column keeps words whole. Screenshots of the console at each phase are saved.
"""

from __future__ import annotations

import re

import pytest
from pages import REVIEW, facilitator, label_not_in_name, screenshot, set_phase
from test_console_board import seed_big_workshop, settle

pytestmark = pytest.mark.browser

VIEWPORTS = [(1280, 800), (1366, 768), (1440, 900), (1920, 1080)]
PHASES = ("join", "drives", "strengths", "linking", "agreements", "closed")

# Each phase's own tools (a part of each), which must be in the lead, in this order.
LEADS = {
    "join": ["join-code", "lock-joining", "open-board", "presence-list"],
    "drives": ["open-board", "hide-until-reveal", "presence-list", "default-visibility"],
    "strengths": ["round-assign", "presence-list", "hide-until-reveal"],
    "linking": ["unlinked-goals", "presence-list", "open-board"],
    "agreements": ["agreement-links"],
    "closed": ["summary-link", "downloads-link", "team-link-create", "follow-up-start", "agreement-links"],
}
# What must not lead in a phase (another phase's tools).
NOT_LEADING = {
    "join": ["round-assign", "summary-link", "agreement-links"],
    "drives": ["join-code", "round-assign", "summary-link"],
    "strengths": ["join-code", "summary-link", "agreement-links"],
    "linking": ["join-code", "round-assign", "summary-link"],
    "agreements": ["join-code", "round-assign", "summary-link"],
    "closed": ["join-code", "round-assign", "hide-until-reveal"],
}
# The line on what to do next, as the facilitator reads it, in each language.
NEXT = {
    "en": {
        "join": "Show the join code on the board. When everyone is in, lock joining if you like, then move on to Drives.",
        "drives": "When everyone has written a few drives, go through them on the board, then move on to Strengths.",
        "strengths": "Give everyone colleagues to name strengths for. When most are done, move on to Linking.",
        "linking": "Let everyone link their cards to goals, and ask about the goals nobody linked yet. "
        "Then move on to Agreements.",
        "agreements": "For each link worth acting on, agree who does what by when. Then close the workshop.",
        "closed": "Open the summary, share the team's link, and start a follow-up when you meet again.",
    },
    "nl": {
        "join": "Laat de code op het bord zien. Is iedereen binnen, sluit dan desgewenst het aanmelden "
        "en ga door naar Drijfveren.",
        "drives": "Heeft iedereen een paar drijfveren geschreven, bespreek ze dan op het bord en ga door naar Krachten.",
        "strengths": "Geef iedereen collega's om krachten bij te noemen. Zijn de meesten klaar, "
        "ga dan door naar Koppelen.",
        "linking": "Laat iedereen zijn kaarten aan doelen koppelen en vraag naar de doelen die nog niemand "
        "koppelde. Ga daarna door naar Afspraken.",
        "agreements": "Spreek per koppeling waar iets mee moet af wie wat doet en wanneer. Sluit daarna de workshop af.",
        "closed": "Open de samenvatting, deel de teamlink en start een vervolgsessie als jullie weer samenkomen.",
    },
}
GO = {"en": "Next: {}", "nl": "Door naar {}"}
CLOSE = {"en": "Close the workshop", "nl": "Workshop afsluiten"}
# Long Dutch compounds, as Dutch goals have them: the goal column must not split them.
LONG_GOALS = [
    ("goal", "Klanttevredenheidsonderzoek elk kwartaal, met een verbeterplan per afdeling"),
    ("project", "Arbeidsmarktcommunicatiestrategie voor het recruitmentteam"),
]

CONTROLS = "button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button]"

COVERED = """(selector) => {
    const describe = (n) => n ? `${n.tagName.toLowerCase()}${n.dataset && n.dataset.testid ? `[${n.dataset.testid}]` : ""}`
        + (n.className && typeof n.className === "string" ? `.${n.className.trim().split(/\\s+/).join(".")}` : "") : null;
    const bad = [];
    let checked = 0;
    for (const control of document.querySelectorAll(selector)) {
        // Not rendered, hidden, or inside a closed <details>: not a control anyone can reach now.
        if (!control.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) continue;
        if (control.closest(".visually-hidden")) continue;
        control.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
        const box = control.getBoundingClientRect();
        if (box.width < 1 || box.height < 1) continue;
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        const found = document.elementFromPoint(x, y);
        checked += 1;
        if (!found || !(found === control || control.contains(found))) {
            bad.push({control: describe(control), text: (control.innerText || control.value || "").trim().slice(0, 40),
                      covered_by: describe(found), parent: describe(found && found.parentElement), x: Math.round(x), y: Math.round(y)});
        }
    }
    window.scrollTo({top: 0, left: 0, behavior: "instant"});
    return {checked, bad, wide: document.documentElement.scrollWidth > window.innerWidth};
}"""

HEAD_OVERLAPS = """() => {
    // The head's parts side by side: none may overlap another (the timer badge and the stepper above all).
    const parts = ["[data-testid=workshop-title]", ".stepper", "[data-testid=timer-display]", "[data-testid=connection]",
                   "[data-testid=counts]", ...Array.from(
                   document.querySelectorAll(".step"), (_, i) => `.stepper li:nth-child(${i + 1}) .step`)];
    const boxes = parts.map((s) => [s, document.querySelector(s).getBoundingClientRect()]);
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, p] = boxes[i], [b, q] = boxes[j];
        if (a === ".stepper" && b.startsWith(".stepper")) continue;
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left), h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > 1 && h > 1) overlaps.push([a, b]);
    }
    return overlaps;
}"""

BROKEN_WORDS = """(selector) => {
    // A word laid out over two lines although it would fit on one line of its box.
    const broken = [];
    for (const box of document.querySelectorAll(selector)) {
        if (!box.getClientRects().length) continue;
        if (box.scrollWidth > box.clientWidth + 1) broken.push({text: box.textContent, why: "overflows"});
        const node = box.firstChild;
        if (!node || node.nodeType !== Node.TEXT_NODE) continue;
        for (const match of node.textContent.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
            const lines = new Set(rects.map((r) => Math.round(r.top)));
            const width = rects.reduce((sum, r) => sum + r.width, 0);
            if (lines.size > 1 && width <= box.clientWidth) broken.push({word: match[0], width: box.clientWidth});
        }
    }
    return broken;
}"""


def seed_room(new_workshop, language: str):
    """A dozen people with drives, strengths and links (the shared seed), two long Dutch goals,
    and agreements on a few links; the workshop back at Join."""
    w, fac, clients, links, owner = seed_big_workshop(
        lambda **kw: new_workshop(language=language, **kw), people=12, links=14
    )
    for kind, text in LONG_GOALS:
        assert fac.call("add_goal", {"text": text, "kind": kind})["ok"]
    for n, text in enumerate(["Run the Friday knowledge session", "Draft the onboarding checklist"]):
        link = links[n * 3]
        ack = fac.call(
            "add_agreement", {"link_id": link["id"], "text": text, "owner": owner[link["card_id"]], "due": "2030-03-15"}
        )
        assert ack["ok"], ack
    fac.call("set_phase", {"phase": "join"})
    return w, fac


def check_every_viewport(page, phase: str, state: str, language: str) -> None:
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function("() => !document.querySelector('[data-testid=toast]')")
        where = f"{language} · {phase} · timer {state} · {width}×{height}"
        assert page.evaluate(HEAD_OVERLAPS) == [], where
        result = page.evaluate(COVERED, CONTROLS)
        assert result["checked"] > 40, where
        assert result["bad"] == [], where + "\n" + "\n".join(map(str, result["bad"]))
        assert not result["wide"], f"{where}: the page scrolls sideways"
        assert page.evaluate(BROKEN_WORDS, "[data-testid=goal-text], [data-testid=card-text]") == [], where
        # The phase's first tool starts on the first screen (not ~1000 px down).
        first = page.get_by_test_id(LEADS[phase][0]).bounding_box()
        assert first and first["y"] + min(first["height"], 40) < height, f"{where}: {LEADS[phase][0]} is below the fold"
        if width == 1280 and state == "ended":
            screenshot(page, f"console-{phase}-{language}-1280-ended", folder=REVIEW)


def check_lead(page, phase: str, language: str, next_label: str | None) -> None:
    lead = page.get_by_test_id("phase-lead")
    assert page.get_by_test_id("phase-next").text_content() == NEXT[language][phase]
    go = page.get_by_test_id("phase-next-go")
    if next_label:
        # The last step says what it does: it closes the workshop.
        expected = CLOSE[language] if phase == "agreements" else GO[language].format(next_label)
        assert go.is_visible() and go.text_content().strip() == expected
    else:
        assert not go.is_visible()
    order = page.evaluate(
        """(ids) => {
            const lead = document.querySelector('[data-testid=phase-lead]');
            const inLead = ids.map((id) => lead.contains(document.querySelector(`[data-testid=${id}]`)));
            const follows = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
            const nodes = ids.map((id) => document.querySelector(`[data-testid=${id}]`));
            const inOrder = nodes.every((n, i) => i === 0 || follows(nodes[i - 1], n));
            const first = ['goal-list', 'participant-list'].every((id) => follows(lead, document.querySelector(`[data-testid=${id}]`)));
            const above = ['goal-list', 'participant-list'].every((id) =>
                lead.getBoundingClientRect().bottom <= document.querySelector(`[data-testid=${id}]`).getBoundingClientRect().top);
            return {inLead, inOrder, first, above};
        }""",
        LEADS[phase],
    )
    assert order == {"inLead": [True] * len(LEADS[phase]), "inOrder": True, "first": True, "above": True}, phase
    for other in NOT_LEADING[phase]:
        assert lead.get_by_test_id(other).count() == 0, f"{phase}: {other} leads"
    # While people write cards, their cards (to moderate) come before the goals; else the goals first.
    people_first = page.evaluate(
        """() => Boolean(document.querySelector('[data-testid=goal-list]').compareDocumentPosition(
            document.querySelector('[data-testid=participant-list]')) & Node.DOCUMENT_POSITION_PRECEDING)"""
    )
    assert people_first == (phase in ("drives", "strengths")), phase
    # The timer's controls lead each phase's work; after closing, with no timer, there is nothing to time.
    assert page.get_by_test_id("timer-5").is_visible() == (phase != "closed"), phase


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_console_leads_each_phase_and_nothing_covers_a_control(open_page, server, new_workshop, language):
    w, fac = seed_room(new_workshop, language)
    console = facilitator(open_page, server, w).page
    console.get_by_test_id("participant").nth(11).wait_for()
    labels = {
        phase: console.locator(f'[data-testid="phase-{phase}"] .step-label').text_content().strip() for phase in PHASES
    }
    for n, phase in enumerate(PHASES):
        if n:
            # The lead's own button moves on to the next phase.
            console.get_by_test_id("phase-next-go").click()
            console.wait_for_selector(f'[data-testid="phase-{phase}"][aria-current="step"]')
        console.wait_for_selector(f'body[data-phase="{phase}"]')
        assert console.get_by_test_id("lead-phase").text_content() == labels[phase]
        check_lead(console, phase, language, labels[PHASES[n + 1]] if n + 1 < len(PHASES) else None)
        mismatched = label_not_in_name(console)
        assert mismatched == [], (
            phase,
            sorted({re.sub(r'data-link-id="[^"]+"', "", m["target"])[-70:] for m in mismatched}),
        )

        if language == "en":
            # The README's pictures: a phase where people write runs a five-minute timer.
            if phase in ("drives", "strengths", "linking"):
                assert fac.call("set_timer", {"seconds": 300, "lock": True})["ok"]
                console.wait_for_selector('[data-testid="timer"][data-state="running"]')
            settle(console)
            screenshot(console, f"console-{phase}")

        # A running timer with its lock, at the longest time it can show.
        assert fac.call("set_timer", {"seconds": 7200, "lock": True})["ok"]
        console.wait_for_selector('[data-testid="timer"][data-state="running"].has-lock')
        console.wait_for_function("() => document.querySelector('[data-testid=timer-time]').textContent.length >= 6")
        check_every_viewport(console, phase, "running", language)

        # Time is up, input locked: the widest the badge gets.
        assert fac.call("set_timer", {"seconds": 1, "lock": True})["ok"]
        console.wait_for_selector('[data-testid="timer"][data-state="ended"].has-lock')
        check_every_viewport(console, phase, "ended", language)
        console.set_viewport_size({"width": 1440, "height": 900})


def test_hidden_cards_change_the_drives_line_and_the_lead_goes_back_when_the_phase_does(open_page, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    console = facilitator(open_page, server, workshop).page
    line = console.get_by_test_id("phase-next")
    assert line.text_content() == NEXT["en"]["drives"]
    console.get_by_test_id("hide-until-reveal").check()
    line.filter(has_text="reveal them on the board").wait_for()
    assert line.text_content() == (
        "When everyone has written a few drives, reveal them on the board, then move on to Strengths."
    )
    # Back to Join: the join panel leads again, the board panel goes back to its own place.
    set_phase(console, "join")
    lead = console.get_by_test_id("lead-tools")
    lead.get_by_test_id("join-code").wait_for()
    assert lead.get_by_test_id("hide-until-reveal").count() == 1  # the board panel leads at Join too
    set_phase(console, "strengths")
    lead.get_by_test_id("round-assign").wait_for()
    assert lead.get_by_test_id("join-code").count() == 0
    assert console.get_by_test_id("join-code").is_visible()  # in its own place, further down
    assert console.get_by_test_id("unlinked-goals").is_hidden()  # Linking's panel shows only then
