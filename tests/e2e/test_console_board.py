"""Running a real session from the front of the room: the facilitator's console and the
projector board, with phones following every change at once.

Phase changes on the board and two phones, the timer and its lock, hiding cards until the
reveal, every moderation action reaching every screen, keyboard linking on the board, axe on
the board and the console, and the board at scale (50 people × 3 cards, 15 goals, ~60 links),
saved as screenshots. Every page is watched for console errors and CSP violations.
"""

from __future__ import annotations

import re

import pytest
from pages import facilitator, local, phone, screenshot, serious_accessibility_violations, set_phase

pytestmark = pytest.mark.browser

PHASE_LABELS = {
    "join": "Join",
    "drives": "Drives",
    "strengths": "Strengths",
    "linking": "Linking",
    "agreements": "Agreements",
    "closed": "Closed",
}


# --- Helpers -----------------------------------------------------------------------------------


def wait_phone_phase(page, phase: str) -> None:
    label = PHASE_LABELS[phase]
    page.wait_for_function(f"() => document.querySelector('[data-testid=phase]').textContent.trim() === '{label}'")


def board_screen(board, screen: str) -> None:
    board.wait_for_selector(f'[data-testid="board"][data-screen="{screen}"]', state="attached")


def accept_dialogs(page) -> list[str]:
    """Accept every confirm() on the page; the messages asked are kept, to count the questions."""
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return asked


def phone_of(open_page, server, workshop, name: str):
    """The phone page of a person who joined through the API (``workshop.participant(name)``):
    their token goes into the phone's cookie, as the join page would have set it."""
    watched = open_page("phone")
    token = workshop.people[name]["participant_token"]
    watched.context.add_cookies([{"name": f"wp_{workshop.code}", "value": token, "url": server.url}])
    watched.page.goto(f"{server.url}/w/{workshop.code}/phone")
    watched.page.wait_for_selector('[data-testid="connection"][data-status="connected"]', state="attached")
    return watched


def drive(client, text: str, **extra) -> str:
    ack = client.call("add_card", {"kind": "drive", "text": text, **extra})
    assert ack["ok"], ack
    return ack["card"]["id"]


# --- Phases --------------------------------------------------------------------------------------


def test_each_phase_change_reaches_the_board_and_two_phones(open_page, server, workshop):
    console = facilitator(open_page, server, workshop).page
    board = facilitator(open_page, server, workshop, "board").page
    anna = phone(open_page, server, workshop, "Anna").page
    bram = phone(open_page, server, workshop, "Bram").page
    board_screen(board, "join")
    board.get_by_test_id("joined-name").filter(has_text="Bram").wait_for()

    screens = {
        "drives": "columns",
        "strengths": "columns",
        "linking": "columns",
        "agreements": "agreements",
        "closed": "closed",
        "join": "join",
    }
    for phase in ("drives", "strengths", "linking", "agreements", "closed", "linking", "join"):
        set_phase(console, phase)
        board_screen(board, screens.get(phase, "columns"))
        assert board.get_by_test_id("board").get_attribute("data-phase") == phase
        if phase != "join":
            assert board.get_by_test_id("phase").text_content() == PHASE_LABELS[phase]
        for page in (anna, bram):
            wait_phone_phase(page, phase)
    # Going back is allowed: the last steps went from Closed back to Linking, then to Join.
    assert workshop.snapshot()["phase"] == "join"


def test_the_board_tells_each_phase_what_to_do_and_closes_calmly(open_page, server, workshop):
    fac = workshop.facilitator()
    anna = workshop.participant("Anna")
    goals = [g["id"] for g in fac.state["goals"]]
    fac.call("set_phase", {"phase": "drives"})
    card = drive(anna, "Explaining things well")
    board = facilitator(open_page, server, workshop, "board").page
    assert board.get_by_test_id("phase-hint").text_content() == "On your phone: what moves you?"
    fac.call("set_phase", {"phase": "linking"})
    board.get_by_test_id("phase-hint").filter(has_text="Link your cards").wait_for()
    link = anna.call("add_link", {"card_id": card, "goal_id": goals[1], "type": "grow"})["link"]
    board.locator(f'path[data-link-id="{link["id"]}"][data-type="grow"]').wait_for(state="attached")
    chip = board.locator(f'[data-testid="goal-link-chip"][data-link-id="{link["id"]}"]')
    assert chip.get_attribute("data-type") == "grow"
    # A colleague's +1 shows on the chip, as a number (not a colour).
    bram = workshop.participant("Bram")
    assert bram.call("endorse_link", {"id": link["id"], "endorsed": True})["ok"]
    chip.get_by_test_id("chip-endorsements").filter(has_text="+1").wait_for()
    already = drive(bram, "Calm phone calls with angry customers")
    bram.call("add_link", {"card_id": already, "goal_id": goals[0], "type": "already"})
    energises = drive(bram, "Seeing a plan come together")
    bram.call("add_link", {"card_id": energises, "goal_id": goals[1]})
    board.locator("path[data-link-id]").nth(2).wait_for(state="attached")
    settle(board)
    screenshot(board, "board-link-types")

    fac.call(
        "add_agreement",
        {"link_id": link["id"], "text": "Run the onboarding buddy talks", "owner": anna.id, "due": "2030-03-01"},
    )
    fac.call("set_phase", {"phase": "agreements"})
    board_screen(board, "agreements")
    row = board.get_by_test_id("board-agreement")
    assert row.text_content().startswith("Run the onboarding buddy talks")
    assert "Anna · by Mar 1, 2030" in row.text_content()  # the day in the page's language, not ISO

    fac.call("set_phase", {"phase": "closed"})
    board_screen(board, "closed")
    assert board.get_by_test_id("coverage-goals").text_content() == "2 of 3"
    assert board.get_by_test_id("coverage-agreements").text_content() == "1"
    assert board.get_by_test_id("open-asks").text_content() == "Weekly customer calls"


# --- The timer ------------------------------------------------------------------------------------


def test_the_timer_locks_input_when_it_ends_and_a_new_phase_starts_without_it(open_page, server, workshop):
    anna = workshop.participant("Anna")
    console = facilitator(open_page, server, workshop).page
    board = facilitator(open_page, server, workshop, "board").page
    set_phase(console, "drives")
    board_screen(board, "columns")

    console.get_by_test_id("timer-custom").fill("0:02")
    console.get_by_test_id("timer-lock").check()
    console.get_by_test_id("timer-start").click()
    console.wait_for_selector('[data-testid="timer"][data-state="running"]')
    board.wait_for_selector('[data-testid="board-timer"][data-state="running"]')
    assert board.get_by_test_id("board-timer").is_visible()
    assert drive(anna, "Written in time")

    # Time is up: the board signals it once, and says input is closed; a phone's change is refused.
    board.wait_for_selector('[data-testid="board-timer"][data-state="ended"][data-signals="1"]', timeout=6000)
    assert board.get_by_test_id("board-timer-note").text_content() == "Time is up · input is locked"
    console.wait_for_selector('[data-testid="timer"][data-state="ended"]')
    assert "locked" in console.get_by_test_id("timer-note").text_content()
    late = anna.call("add_card", {"kind": "drive", "text": "Too late"})
    assert late["ok"] is False and late["error"]["code"] == "locked"
    assert [d["text"] for d in workshop.snapshot()["drives"]] == ["Written in time"]

    # The next phase starts without the old timer, so input is open again.
    set_phase(console, "strengths")
    console.wait_for_selector('[data-testid="timer"][data-state="idle"]')
    board.wait_for_selector('[data-testid="board-timer"]', state="hidden")
    assert anna.call("add_card", {"kind": "drive", "text": "After the lock"})["ok"]


def test_a_preset_starts_the_timer_on_every_screen_and_stop_ends_it(open_page, server, workshop):
    console = facilitator(open_page, server, workshop).page
    board = facilitator(open_page, server, workshop, "board").page
    anna = phone(open_page, server, workshop, "Anna").page
    set_phase(console, "drives")
    console.get_by_test_id("timer-3").click()
    board.wait_for_selector('[data-testid="board-timer"][data-state="running"]')
    time_left = board.get_by_test_id("board-timer-time").text_content()
    assert re.fullmatch(r"[23]:\d\d", time_left), time_left
    anna.wait_for_function("() => /[23]:\\d\\d/.test(document.querySelector('[data-testid=timer]')?.textContent || '')")
    console.get_by_test_id("timer-stop").click()
    board.wait_for_selector('[data-testid="board-timer"]', state="hidden")
    console.wait_for_selector('[data-testid="timer"][data-state="idle"]')


# --- Hide until revealed -----------------------------------------------------------------------------


def test_the_board_shows_only_counts_until_the_facilitator_reveals(open_page, server, workshop):
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    console = facilitator(open_page, server, workshop).page
    board = facilitator(open_page, server, workshop, "board").page
    set_phase(console, "drives")
    console.get_by_test_id("hide-until-reveal").check()
    board_screen(board, "counts")

    drive(anna, "Fixing what is broken")
    drive(anna, "Quiet mornings")
    drive(bram, "Making customers laugh")
    board.wait_for_function("() => document.querySelector('[data-testid=hidden-count-cards]').textContent === '3'")
    assert board.get_by_test_id("hidden-count-people").text_content() == "2"
    assert board.locator('[data-testid="count-chip"][data-n="2"]').filter(has_text="Anna").count() == 1
    assert not board.get_by_text("Making customers laugh").is_visible()
    assert board.get_by_test_id("counts-screen").is_visible()
    settle(board)
    screenshot(board, "board-counts")

    console.get_by_test_id("hide-until-reveal").uncheck()
    board_screen(board, "columns")
    board.get_by_test_id("card").filter(has_text="Making customers laugh").wait_for()
    # In Linking the cards show whatever the reveal says: it is for Drives and Strengths.
    console.get_by_test_id("hide-until-reveal").check()
    board_screen(board, "counts")
    set_phase(console, "linking")
    board_screen(board, "columns")
    assert board.get_by_test_id("card").filter(has_text="Quiet mornings").is_visible()


# --- Moderation ------------------------------------------------------------------------------------


def test_hiding_and_deleting_a_card_reach_the_board_and_the_phones(open_page, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "linking"})
    console = facilitator(open_page, server, workshop).page
    board = facilitator(open_page, server, workshop, "board").page
    anna_client = workshop.participant("Anna")
    bram = workshop.participant("Bram")
    anna = phone_of(open_page, server, workshop, "Anna").page
    rude = drive(anna_client, "A card that should not be on the wall")
    keep = drive(anna_client, "Helping newcomers")
    board.locator(f'[data-testid="card"][data-card-id="{rude}"]').wait_for()
    asked = accept_dialogs(console)

    # Hide: gone from the board and from the colleague's view; its own person still has it.
    row = console.locator(f'[data-testid="console-card"][data-card-id="{rude}"]')
    row.get_by_test_id("card-hide").click()
    console.locator(f'[data-testid="console-card"][data-card-id="{rude}"][data-hidden="true"]').wait_for()
    assert row.get_by_test_id("card-hidden-flag").text_content() == "Hidden from the team"
    board.locator(f'[data-testid="card"][data-card-id="{rude}"]').wait_for(state="detached")
    bram.wait_for("card_deleted", lambda d: d["id"] == rude)
    # (In Linking the phone shows its links tab: the card is on the drives tab, in the page.)
    anna.get_by_test_id("my-card").filter(has_text="A card that should not be on the wall").first.wait_for(
        state="attached"
    )
    assert len(asked) == 1

    # Show it again: back on the board (no question: nothing is lost).
    row.get_by_test_id("card-hide").click()
    board.locator(f'[data-testid="card"][data-card-id="{rude}"]').wait_for()
    assert len(asked) == 1

    # Delete: asks once, then it is gone everywhere, the person's own phone included.
    row.get_by_test_id("card-delete").click()
    board.locator(f'[data-testid="card"][data-card-id="{rude}"]').wait_for(state="detached")
    anna.get_by_test_id("my-card").filter(has_text="A card that should not be on the wall").wait_for(state="detached")
    assert len(asked) == 2
    assert [d["id"] for d in workshop.snapshot()["drives"]] == [keep]


def test_renaming_and_removing_a_person_reach_the_board_and_the_phones(open_page, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    console = facilitator(open_page, server, workshop).page
    board = facilitator(open_page, server, workshop, "board").page
    anna = phone(open_page, server, workshop, "Anna").page
    bram = phone(open_page, server, workshop, "Bram").page
    board.get_by_test_id("person-name").filter(has_text="Bram").wait_for()
    asked = accept_dialogs(console)

    person = console.locator('[data-testid="participant"]').filter(has_text="Anna")
    person.get_by_test_id("participant-rename").click()
    console.get_by_test_id("rename-input").fill("Anne-Marie")
    console.get_by_test_id("rename-save").click()
    board.get_by_test_id("person-name").filter(has_text="Anne-Marie").wait_for()
    anna.get_by_test_id("me-name").filter(has_text="Anne-Marie").wait_for()
    bram.get_by_test_id("tab-strengths").tap()
    bram.get_by_test_id("colleague").filter(has_text="Anne-Marie").wait_for()
    assert [p["name"] for p in workshop.snapshot()["participants"]] == ["Anne-Marie", "Bram"]
    assert asked == []  # the rename form is the one question

    person = console.locator('[data-testid="participant"]').filter(has_text="Bram")
    person.get_by_test_id("participant-remove").click()
    bram.get_by_test_id("left-screen").wait_for()
    board.get_by_test_id("person-name").filter(has_text="Bram").wait_for(state="detached")
    console.get_by_test_id("presence-person").filter(has_text="Bram").wait_for(state="detached")
    assert len(asked) == 1
    assert [p["name"] for p in workshop.snapshot()["participants"]] == ["Anne-Marie"]


def test_presence_joining_lock_and_the_strength_round_on_the_console(open_page, server, workshop, api):
    console = facilitator(open_page, server, workshop).page
    board = facilitator(open_page, server, workshop, "board").page
    anna = workshop.participant("Anna")
    workshop.participant("Bram")
    chen = workshop.participant("Chen")
    console.locator('[data-testid="presence-person"][data-connected="true"]').nth(2).wait_for()
    assert console.get_by_test_id("count-connected").text_content() == "3"

    chen.disconnect()
    console.locator('[data-testid="presence-person"][data-connected="false"]').filter(has_text="Chen").wait_for()
    assert console.get_by_test_id("count-connected").text_content() == "2"

    set_phase(console, "drives")
    assert anna.call("set_done", {"phase": "drives", "done": True})["ok"]
    console.locator('[data-testid="presence-person"][data-done="true"]').filter(has_text="Anna").wait_for()
    assert console.get_by_test_id("count-done").text_content() == "1 of 3"

    console.get_by_test_id("lock-joining").check()
    board.get_by_test_id("phase").wait_for()  # the board is on its drives screen
    r = api.http.post(f"{server.url}/api/workshops/{workshop.code}/participants", json={"name": "Late"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "locked"
    console.get_by_test_id("lock-joining").uncheck()
    console.get_by_test_id("joining-state").filter(has_text="Anyone").wait_for()

    console.get_by_test_id("round-per-person").select_option("1")
    console.get_by_test_id("round-assign").click()
    console.get_by_test_id("assignment").nth(2).wait_for()
    pairs = {(a["giver"], a["receiver"]) for a in workshop.facilitator().state["assignments"]}
    assert len(pairs) == 3 and {g for g, _ in pairs} == {r for _, r in pairs}
    # Anna's phone learns only whom she names (the others' pairs would name strengths' authors).
    assert anna.wait_for("assignments_changed")["assignments"] == [
        {"giver": anna.id, "receiver": r} for g, r in pairs if g == anna.id
    ]
    assert console.get_by_test_id("assignment").first.text_content().startswith("Anna → ")


# --- Keyboard linking on the board ---------------------------------------------------------------------


def test_keyboard_linking_on_the_board(open_page, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "linking"})
    anna = workshop.participant("Anna")
    card = drive(anna, "Untangling hard problems")
    goals = [g["id"] for g in fac.state["goals"]]
    board = facilitator(open_page, server, workshop, "board").page
    board.get_by_test_id("card").wait_for()

    # Tab through the board until the card has focus, then Enter selects it.
    for _ in range(12):
        board.keyboard.press("Tab")
        if board.evaluate("() => document.activeElement?.dataset.testid") == "card":
            break
    assert board.evaluate("() => document.activeElement?.dataset.cardId") == card
    board.keyboard.press("Enter")
    board.get_by_test_id("announce").filter(has_text="Selected: Untangling hard problems").wait_for(state="attached")
    assert board.get_by_test_id("card").get_attribute("aria-current") == "true"

    # Left arrow to the goals, down to the second one, Enter links them.
    board.keyboard.press("ArrowLeft")
    focused_goal = "() => document.activeElement?.dataset.goalId"
    assert board.evaluate(focused_goal) in goals
    target = goals[1]
    for _ in range(3):
        here = goals.index(board.evaluate(focused_goal))
        if here == 1:
            break
        board.keyboard.press("ArrowDown" if here < 1 else "ArrowUp")
    assert board.evaluate(focused_goal) == target
    board.keyboard.press("Enter")
    board.locator(f'path[data-card-id="{card}"][data-goal-id="{target}"]').wait_for(state="attached")
    board.get_by_test_id("announce").filter(has_text="Linked: Untangling hard problems").wait_for(state="attached")
    assert [(l["card_id"], l["goal_id"]) for l in workshop.snapshot()["links"]] == [(card, target)]

    # Space works too, and Shift+Tab reaches the goals from the cards; Escape lets go.
    board.keyboard.press("ArrowRight")
    assert board.evaluate("() => document.activeElement?.dataset.cardId") == card
    board.keyboard.press("Escape")
    board.keyboard.press(" ")
    board.get_by_test_id("announce").filter(has_text="Selected:").wait_for(state="attached")
    board.keyboard.press("Shift+Tab")
    board.keyboard.press("Shift+Tab")
    focused = board.evaluate("() => document.activeElement?.dataset.goalId")
    assert focused in goals
    board.keyboard.press(" ")
    if focused != target:
        board.locator(f'path[data-card-id="{card}"][data-goal-id="{focused}"]').wait_for(state="attached")
        assert len(workshop.snapshot()["links"]) == 2


def test_a_tap_on_a_card_then_a_goal_links_them_on_a_touch_board(browser, server, workshop):
    fac = workshop.facilitator()
    fac.call("set_phase", {"phase": "linking"})
    card = drive(workshop.participant("Anna"), "Sketching on whiteboards")
    touch = browser.new_context(viewport={"width": 1920, "height": 1080}, has_touch=True)
    errors: list[str] = []
    try:
        page = touch.new_page()
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.goto(local(server, workshop.signin_url()))
        page.goto(local(server, workshop.urls["board"]))
        page.get_by_test_id("card").tap()
        page.get_by_test_id("goal").nth(2).tap()
        page.locator(f'path[data-card-id="{card}"]').wait_for(state="attached")
    finally:
        touch.close()
    assert errors == []
    assert workshop.snapshot()["links"][0]["goal_id"] == fac.state["goals"][2]["id"]


# --- Afterwards, agreements and taking part ----------------------------------------------------------------


def test_agreements_are_made_on_the_console_and_shown_on_the_board(open_page, server, workshop):
    fac = workshop.facilitator()
    anna = workshop.participant("Anna")
    card = drive(anna, "Coaching juniors")
    link = fac.call("add_link", {"card_id": card, "goal_id": fac.state["goals"][1]["id"]})["link"]
    fac.call("set_phase", {"phase": "agreements"})
    console = facilitator(open_page, server, workshop).page
    board = facilitator(open_page, server, workshop, "board").page
    panel = console.get_by_test_id("agreements-panel")
    assert panel.is_visible()
    row = console.locator(f'[data-testid="agreement-link"][data-link-id="{link["id"]}"]')
    row.get_by_test_id("agreement-add").click()
    row.get_by_test_id("agreement-text").fill("Pair with each new hire in week one")
    assert row.get_by_test_id("agreement-owner").input_value() == anna.id  # the card's person, by default
    row.get_by_test_id("agreement-due").fill("2030-06-30")
    row.get_by_test_id("agreement-save").click()
    board.get_by_test_id("board-agreement").filter(has_text="Pair with each new hire").wait_for()
    assert "Anna · by Jun 30, 2030" in board.get_by_test_id("board-agreement").text_content()
    agreement = fac.wait_for("agreement_saved")["agreement"]
    assert agreement["owner"] == anna.id and agreement["due"] == "2030-06-30"

    row.get_by_test_id("agreement-done").check()
    board.locator(".board-agreement.is-done").wait_for()
    accept_dialogs(console)
    row.get_by_test_id("agreement-delete").click()
    board.get_by_test_id("board-agreement").wait_for(state="detached")


def test_afterwards_team_link_check_in_and_follow_up(open_page, server, workshop):
    fac = workshop.facilitator()
    anna = workshop.participant("Anna")
    card = drive(anna, "Data that tells a story")
    link = fac.call("add_link", {"card_id": card, "goal_id": fac.state["goals"][0]["id"]})["link"]
    console = facilitator(open_page, server, workshop).page
    asked = accept_dialogs(console)

    console.get_by_test_id("team-link-create").click()
    console.get_by_test_id("team-link-box").wait_for()
    url = console.get_by_test_id("team-link-url").input_value()
    assert re.search(r"/t/[A-Za-z0-9_-]{20,}$", url), url
    assert console.request.get(local(server, url)).status == 200
    console.get_by_test_id("team-link-revoke").click()
    console.get_by_test_id("team-link-state").filter(has_text="No team link").wait_for()
    assert console.request.get(local(server, url)).status == 404
    assert len(asked) == 1

    console.get_by_test_id("checkin-open").click()
    console.get_by_test_id("checkin-state").filter(has_text="0 answers").wait_for()
    assert anna.call("answer_checkin", {"link_id": link["id"], "rating": 4})["ok"]
    console.get_by_test_id("checkin-state").filter(has_text="1 answer from 1 person").wait_for()
    console.get_by_test_id("checkin-close").click()
    console.get_by_test_id("checkin-state").filter(has_text="No check-in").wait_for()

    assert console.get_by_test_id("follow-up-start").is_disabled()
    set_phase(console, "closed")
    console.get_by_test_id("follow-up-start").click()
    console.wait_for_url(lambda url: re.search(r"/w/[A-Z0-9]{6}/facilitate$", url) and workshop.code not in url)
    code = console.get_by_test_id("workshop-code").text_content().strip()
    assert code != workshop.code
    console.get_by_test_id("goal-row").nth(2).wait_for()


def test_the_facilitator_takes_part_in_a_new_tab(open_page, server, workshop):
    watched = facilitator(open_page, server, workshop)
    console = watched.page
    console.get_by_test_id("take-part-name").fill("Mira")
    with watched.context.expect_page() as opened:
        console.get_by_test_id("take-part").click()
    tab = opened.value
    tab.wait_for_url(re.compile(r"/w/[A-Z0-9]{6}/phone$"))
    tab.get_by_test_id("me-name").filter(has_text="Mira").wait_for()
    console.get_by_test_id("participant-name").filter(has_text="Mira").wait_for()


# --- Accessibility ----------------------------------------------------------------------------------


def test_the_board_and_the_console_pass_axe(open_page, server, workshop):
    fac = workshop.facilitator()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    goals = [g["id"] for g in fac.state["goals"]]
    a = drive(anna, "Making things simple")
    drive(anna, "Talking to customers", visibility="anonymous")
    b = drive(bram, "Mentoring")
    link = anna.call("add_link", {"card_id": a, "goal_id": goals[0], "type": "already"})["link"]
    bram.call("add_link", {"card_id": b, "goal_id": goals[1], "type": "grow"})
    bram.call("endorse_link", {"id": link["id"], "endorsed": True})
    fac.call("add_agreement", {"link_id": link["id"], "text": "Simplify the intake form", "owner": anna.id})
    fac.call("set_timer", {"seconds": 600, "lock": True})

    board = facilitator(open_page, server, workshop, "board").page
    assert serious_accessibility_violations(board) == [], "join"
    for phase, screen in (
        ("drives", "columns"),
        ("linking", "columns"),
        ("agreements", "agreements"),
        ("closed", "closed"),
    ):
        fac.call("set_phase", {"phase": phase})
        board_screen(board, screen)
        assert serious_accessibility_violations(board) == [], phase
    fac.call("set_phase", {"phase": "drives"})
    fac.call("set_revealed", {"revealed": False})
    board_screen(board, "counts")
    assert serious_accessibility_violations(board) == [], "counts"

    console = facilitator(open_page, server, workshop).page
    assert serious_accessibility_violations(console) == [], "console"
    fac.call("set_phase", {"phase": "agreements"})
    console.get_by_test_id("agreement-add").first.click()
    assert serious_accessibility_violations(console) == [], "console, agreements"


# --- The board at scale -----------------------------------------------------------------------------------

FIRST_NAMES = [
    "Anna",
    "Bram",
    "Chen",
    "Daan",
    "Eva",
    "Fatima",
    "Gijs",
    "Hanna",
    "Ilse",
    "Joris",
    "Karim",
    "Lotte",
    "Milan",
    "Noor",
    "Omar",
    "Pien",
    "Quinten",
    "Rosa",
    "Sander",
    "Tess",
    "Umut",
    "Vera",
    "Wouter",
    "Xander",
    "Yara",
    "Zoë",
    "Amir",
    "Bente",
    "Casper",
    "Dewi",
    "Emre",
    "Floor",
    "Guus",
    "Hajar",
    "Ivo",
    "Jasmijn",
    "Koen",
    "Lina",
    "Mees",
    "Nadia",
    "Olaf",
    "Priya",
    "Ruben",
    "Sanne",
    "Thijs",
    "Usha",
    "Vince",
    "Wendy",
    "Youssef",
    "Zara",
]
GOALS = [
    ("goal", "Customers rate us 8 or higher"),
    ("goal", "Grow revenue in the north by 15%"),
    ("goal", "Halve the time to answer a ticket"),
    ("goal", "Every newcomer productive in 30 days"),
    ("goal", "A workplace people recommend"),
    ("project", "New onboarding programme"),
    ("project", "Self-service portal"),
    ("project", "Move to the new CRM"),
    ("project", "Data dashboard for sales"),
    ("project", "Sustainability report"),
    ("activity", "Weekly customer calls"),
    ("activity", "Knowledge sharing on Fridays"),
    ("activity", "Visiting key accounts"),
    ("activity", "Mentoring interns"),
    ("activity", "Quarterly team day"),
]
DRIVES = [
    "Helping a customer who is stuck",
    "Making complex things simple",
    "Learning something new every week",
    "Building tools people actually use",
    "Seeing a newcomer grow",
    "Numbers that tell a story",
    "A calm, tidy process",
    "Being trusted with a hard problem",
    "Writing clear texts",
    "Winning together as a team",
    "Meeting customers face to face",
    "Fixing what is broken",
    "Designing things that look good",
    "Coaching colleagues",
    "Leaving things better than I found them",
    "Freedom to plan my own day",
    "Working outdoors now and then",
    "Making people laugh",
    "Deep focus without meetings",
    "Connecting people who should meet",
    "Solving a puzzle nobody else could",
    "Teaching what I know",
    "Seeing the whole chain, not just my part",
    "Customers who come back",
    "Speaking up for people who don't",
    "Small improvements, every day",
    "A good conversation on the phone",
    "Clean data",
    "Planning a big event",
    "Travelling to meet partners",
    "Quiet craftsmanship",
    "Starting something from scratch",
    "Getting a team unstuck",
    "Finding the story in the numbers",
    "Being the calm one in a crisis",
    "Making an old system new",
    "Hearing a customer say thank you",
    "Working with my hands",
    "Giving honest feedback",
    "Writing good code",
    "Organising chaos",
    "Listening before solving",
    "Pitching an idea",
    "Doing things sustainably",
    "Learning from mistakes out loud",
    "Drawing to explain",
    "Helping colleagues abroad",
    "A clear inbox",
    "Celebrating wins",
    "Testing until it works",
]
STRENGTHS = [
    "Stays calm when it gets busy",
    "Explains without jargon",
    "Sees the detail others miss",
    "Always follows through",
    "Makes newcomers feel welcome",
    "Asks the question nobody dares",
    "Great with angry customers",
    "Turns chaos into a plan",
]


def seed_big_workshop(new_workshop, people: int = 50, links: int = 60):
    """Through the API and phones' sockets: 15 goals, ``people`` people with 2 drives and 1 accepted
    strength each, ``links`` links of mixed types (made by the cards' own people) and endorsements."""
    w = new_workshop(title="Customer Service NL · spring team day", goals=[{"kind": k, "text": t} for k, t in GOALS])
    fac = w.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    clients = [w.participant(name) for name in FIRST_NAMES[:people]]
    goal_ids = [g["id"] for g in fac.state["goals"]]
    cards = []  # (client of the card's person, card id, kind)
    for i, client in enumerate(clients):
        for j in range(2):
            visibility = "anonymous" if (i, j) in ((7, 1), (23, 0), (41, 1)) else "named"
            cards.append((client, drive(client, DRIVES[(i * 2 + j) % len(DRIVES)], visibility=visibility), "drive"))
    for i, client in enumerate(clients):
        receiver = clients[(i + 1) % len(clients)]
        ack = client.call(
            "add_card",
            {"kind": "strength", "text": STRENGTHS[i % len(STRENGTHS)], "about": receiver.id, "signed": i % 3 == 0},
        )
        assert ack["ok"], ack
        assert receiver.call("respond_strength", {"id": ack["card"]["id"], "answer": "accept"})["ok"]
        cards.append((receiver, ack["card"]["id"], "strength"))
    fac.call("set_phase", {"phase": "linking"})
    # Popular goals draw more links; three goals stay open. Types mixed: most energise.
    popular = [0, 5, 1, 10, 3, 5, 6, 0, 13, 8, 1, 5, 11, 3, 0, 9]
    made = []
    for n in range(links):
        client, card_id, _ = cards[(n * 7) % len(cards)]
        goal = goal_ids[popular[n % len(popular)] if n % 3 else popular[(n // 3) % len(popular)]]
        link_type = ("energises", "energises", "grow", "already")[n % 4]
        ack = client.call("add_link", {"card_id": card_id, "goal_id": goal, "type": link_type})
        assert ack["ok"], ack
        made.append(ack["link"])
    for n, link in enumerate(made[:24]):
        endorser = clients[(n * 11 + 5) % len(clients)]
        endorser.call("endorse_link", {"id": link["id"], "endorsed": True})
    for client in clients[:30]:
        client.call("set_done", {"phase": "linking", "done": True})
    owner = {card_id: client.id for client, card_id, _ in cards}
    return w, fac, clients, made, owner


def wait_goal_links(board, n: int) -> None:
    """Until the goals' counts add up to ``n`` links (curves are drawn only to the page of people shown)."""
    board.wait_for_function(
        """(n) => Array.from(document.querySelectorAll('[data-testid=goal-link-count] .goal-count-n'))
            .reduce((sum, c) => sum + Number(c.textContent), 0) === n""",
        arg=n,
    )
    board.locator("path[data-link-id]").first.wait_for(state="attached")


def settle(page) -> None:
    """No toast, no hover, every animation finished: the picture as the room sees it."""
    page.mouse.move(5, 1075)
    page.wait_for_timeout(300)
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)))")


def test_the_board_reads_at_scale_and_is_saved_as_screenshots(open_page, server, new_workshop):
    w, fac, clients, links, owner = seed_big_workshop(new_workshop)
    snapshot = w.snapshot()
    assert len(snapshot["participants"]) == 50 and len(snapshot["goals"]) == 15
    assert len(snapshot["drives"]) + len(snapshot["strengths"]) == 150
    distinct = {(l["card_id"], l["goal_id"]) for l in links}
    assert len(snapshot["links"]) == len(distinct) >= 50

    board = facilitator(open_page, server, w, "board").page
    board_screen(board, "columns")
    wait_goal_links(board, len(distinct))
    # Every goal fits on one screen (the people page by themselves: tests/e2e/test_board_sizes.py).
    assert board.evaluate("""() => {
        const list = document.querySelector('[data-testid=goals]');
        return list.scrollHeight <= list.clientHeight + 1;
    }""")
    # Nothing under 18 px on the projector.
    smallest = board.evaluate("""() => Math.min(...Array.from(document.querySelectorAll('.live *'))
        .filter((n) => n.offsetParent !== null && n.childNodes.length && Array.from(n.childNodes).some((c) => c.nodeType === 3 && c.textContent.trim()))
        .filter((n) => !n.closest('.visually-hidden'))
        .map((n) => parseFloat(getComputedStyle(n).fontSize)))""")
    assert smallest >= 18, smallest
    # Coverage at a glance: open goals, full goals.
    assert board.locator('[data-testid="goal"][data-energy="none"]').count() >= 1
    assert board.locator('[data-testid="goal"][data-energy="full"]').count() >= 1
    settle(board)
    screenshot(board, "board-50")

    # Hover one goal: its links stand out, the rest steps back.
    goal = board.locator('[data-testid="goal"][data-energy="full"]').first
    goal.hover()
    board.locator(".board.has-focus").wait_for()
    # Its curves to the page of people shown stand out; its chips name everyone linked.
    assert board.locator(".link.is-related").count() >= 1
    assert board.locator('[data-testid="goal-link-chip"].is-related').count() >= 3
    board.wait_for_timeout(250)
    screenshot(board, "board-50-focus")

    # Filter by person: only their cards, at full size; then back to everyone.
    board.get_by_test_id("filter-person").select_option(label="Anna")
    board.wait_for_function("() => document.querySelectorAll('[data-testid=person]:not([hidden])').length === 1")
    only = board.locator('[data-testid="person"]:not([hidden])')
    assert only.get_by_test_id("person-name").text_content() == "Anna"
    assert only.get_by_test_id("card").first.is_visible()
    board.get_by_test_id("filter-person").select_option("")
    board.get_by_test_id("filter-kind").select_option("project")
    board.wait_for_function("() => document.querySelectorAll('[data-testid=goal]:not([hidden])').length === 5")
    board.get_by_test_id("filter-kind").select_option("")

    # Fifty people page by themselves, their cards in full; the pager turns them by hand too.
    assert board.get_by_test_id("pager").is_visible()
    first = board.get_by_test_id("page-label").text_content()
    board.get_by_test_id("page-next").click()
    board.wait_for_function(
        "(first) => document.querySelector('[data-testid=page-label]').textContent !== first", arg=first
    )
    assert board.locator('[data-testid="person"]:not(.is-off-page) [data-testid="card-text"]').first.is_visible()

    # Agreements: a few links get who does what by when.
    texts = [
        "Run the Friday knowledge session",
        "Draft the onboarding checklist",
        "Call three key accounts a month",
        "Build the first dashboard page",
        "Buddy for the next two newcomers",
        "Write the customer FAQ",
        "Test the portal with five customers",
        "Plan the team day",
    ]
    agreed = []
    for n, text in enumerate(texts):
        link = links[n * 7]
        card = next(c for c in w.snapshot()["drives"] + w.snapshot()["strengths"] if c["id"] == link["card_id"])
        # An anonymous card's agreement gets no owner: naming one would tell the room whose card it is.
        who = {} if card["visibility"] == "anonymous" else {"owner": owner[link["card_id"]]}
        ack = fac.call("add_agreement", {"link_id": link["id"], "text": text, "due": f"2030-0{n % 9 + 1}-15", **who})
        assert ack["ok"], ack
        agreed.append(ack["agreement"])
    assert fac.call("edit_agreement", {"id": agreed[0]["id"], "done": True})["ok"]
    console = facilitator(open_page, server, w).page
    console.get_by_test_id("timer-5").click()
    board.wait_for_selector('[data-testid="board-timer"][data-state="running"]')
    fac.call("set_phase", {"phase": "agreements"})
    board_screen(board, "agreements")
    board.get_by_test_id("board-agreement").nth(len(texts) - 1).wait_for()
    settle(board)
    screenshot(board, "board-agreements")
    console.get_by_test_id("agreement-goal").first.wait_for()
    settle(console)
    screenshot(console, "console-live")

    fac.call("set_phase", {"phase": "closed"})
    board_screen(board, "closed")
    assert (
        board.get_by_test_id("coverage-goals").text_content()
        == f"{15 - len([g for g in snapshot['goals'] if not any(l['goal_id'] == g['id'] for l in snapshot['links'])])} of 15"
    )
    settle(board)
    screenshot(board, "board-closed")


def test_a_middle_sized_team_on_the_console_and_the_board(open_page, server, new_workshop):
    w, fac, clients, links, owner = seed_big_workshop(new_workshop, people=12, links=14)
    fac.call("set_timer", {"seconds": 300, "lock": True})
    console = facilitator(open_page, server, w).page
    console.get_by_test_id("participant").nth(11).wait_for()
    console.get_by_test_id("timer").filter(has_text="input locks at the end").wait_for()
    assert console.get_by_test_id("count-participants").text_content() == "12"
    assert console.get_by_test_id("count-connected").text_content() == "12"
    # (The console's pictures, one per phase, come from tests/e2e/test_console_leads.py.)

    # A middle-sized team on the board: every card in full, links to the second column of people
    # run through the gaps between the groups in front.
    board = facilitator(open_page, server, w, "board").page
    wait_goal_links(board, len({(l["card_id"], l["goal_id"]) for l in links}))
    settle(board)
    screenshot(board, "board-12")
