"""The board at every room size: what people wrote is on the projector at 6, 25 and 60 people.

A room of 6 sees every card at once; a department day of 25 or 60 sees columns of people that
page by themselves — every card reachable without a click, text at 22 px, read from the back.
Goals keep who linked them and their +1s in every density; curves never cross the people in
front at rest. Screenshots of each size, during Drives and Linking, go to the README set.
"""

from __future__ import annotations

import pytest
from pages import facilitator, screenshot
from test_console_board import DRIVES, FIRST_NAMES, GOALS, STRENGTHS, board_screen, drive, settle

pytestmark = pytest.mark.browser

SURNAMES = "KBVDMJ"


def names(n: int) -> list[str]:
    """n distinct first names (with an initial once the list runs out)."""
    out = list(FIRST_NAMES[:n])
    for i in range(n - len(out)):
        out.append(f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {SURNAMES[i // len(FIRST_NAMES)]}.")
    return out


def seed_room(new_workshop, people: int, links: int, phase: str = "linking"):
    """15 goals; ``people`` people with 2 drives and 1 accepted strength each (one drive in nine
    anonymous); ``links`` links of mixed types made by the cards' own people, some endorsed."""
    w = new_workshop(title="Customer Service NL · department day", goals=[{"kind": k, "text": t} for k, t in GOALS])
    fac = w.facilitator()
    fac.call("set_phase", {"phase": "drives"})
    clients = [w.participant(name) for name in names(people)]
    goal_ids = [g["id"] for g in fac.state["goals"]]
    cards = []
    for i, client in enumerate(clients):
        for j in range(2):
            visibility = "anonymous" if (i * 2 + j) % 9 == 4 else "named"
            cards.append((client, drive(client, DRIVES[(i * 2 + j) % len(DRIVES)], visibility=visibility)))
    for i, client in enumerate(clients):
        receiver = clients[(i + 1) % len(clients)]
        ack = client.call("add_card", {"kind": "strength", "text": STRENGTHS[i % len(STRENGTHS)], "about": receiver.id})
        assert ack["ok"], ack
        assert receiver.call("respond_strength", {"id": ack["card"]["id"], "answer": "accept"})["ok"]
        cards.append((receiver, ack["card"]["id"]))
    made = []
    if links:
        fac.call("set_phase", {"phase": "linking"})
        popular = [0, 5, 1, 10, 3, 5, 6, 0, 13, 8, 1, 5, 11, 3, 0, 9]
        for n in range(links):
            client, card_id = cards[(n * 7) % len(cards)]
            goal = goal_ids[popular[n % len(popular)] if n % 3 else popular[(n // 3) % len(popular)]]
            ack = client.call(
                "add_link", {"card_id": card_id, "goal_id": goal, "type": ("energises", "grow", "already")[n % 3]}
            )
            assert ack["ok"], ack
            made.append(ack["link"])
        for n, link in enumerate(made[: len(made) // 3]):
            clients[(n * 11 + 5) % len(clients)].call("endorse_link", {"id": link["id"], "endorsed": True})
    fac.call("set_phase", {"phase": phase})
    if phase in ("drives", "strengths"):
        fac.call("set_revealed", {"revealed": True})
    return w, fac, clients, cards, made


SHOWN_CARDS = """() => Array.from(document.querySelectorAll('[data-testid=card]'))
    .filter((c) => !c.closest('[hidden]') && c.getClientRects().length)
    .filter((c) => { const r = c.getBoundingClientRect(); const w = document.querySelector('[data-testid=people-window]').getBoundingClientRect();
                     return r.left >= w.left - 1 && r.right <= w.right + 1 && r.top >= w.top - 1 && r.bottom <= w.bottom + 1; })
    .map((c) => c.dataset.cardId)"""

SMALLEST_TEXT = """() => {
    const sizes = (selector) => Array.from(document.querySelectorAll(selector))
        .filter((n) => n.getClientRects().length && !n.closest('.visually-hidden'))
        .map((n) => parseFloat(getComputedStyle(n).fontSize));
    return {card: Math.min(...sizes('[data-testid=card-text]')), legend: Math.min(...sizes('.legend span, .pager-label')),
            goal: Math.min(...sizes('[data-testid=goal-text]'))};
}"""


def every_card_on_some_page(board) -> set[str]:
    """Walk the pages with the pager (or take the one page): the cards each shows in full view."""
    seen = set(board.evaluate(SHOWN_CARDS))
    if board.get_by_test_id("pager").is_hidden():
        return seen
    if board.get_by_test_id("page-pause").get_attribute("aria-pressed") != "true":
        board.get_by_test_id("page-pause").click()  # the walk turns the pages; the board must not as well
    label = board.get_by_test_id("page-label").text_content()
    pages = int(label.rsplit(" ", 1)[-1])
    for _ in range(pages - 1):
        before = board.get_by_test_id("page-label").text_content()
        board.get_by_test_id("page-next").click()
        board.wait_for_function(
            "(before) => document.querySelector('[data-testid=page-label]').textContent !== before", arg=before
        )
        seen |= set(board.evaluate(SHOWN_CARDS))
    return seen


def to_first_page(board) -> None:
    """Turn the pages by hand back to the first (for the picture)."""
    if board.get_by_test_id("pager").is_hidden():
        return
    for _ in range(20):
        if " 1 of " in board.get_by_test_id("page-label").text_content():
            return
        before = board.get_by_test_id("page-label").text_content()
        board.get_by_test_id("page-next").click()
        board.wait_for_function(
            "(b) => document.querySelector('[data-testid=page-label]').textContent !== b", arg=before
        )
    raise AssertionError("the pager never came back to its first page")


@pytest.mark.parametrize(
    ("people", "links", "phase"),
    [
        (6, 10, "linking"),
        (25, 50, "linking"),
        (60, 120, "linking"),
        (6, 0, "drives"),
        (25, 0, "drives"),
        (60, 0, "drives"),
    ],
)
def test_the_board_shows_what_people_wrote_at_every_size(open_page, server, new_workshop, people, links, phase):
    w, fac, clients, cards, made = seed_room(new_workshop, people, links, phase)
    board = facilitator(open_page, server, w, "board").page
    board_screen(board, "columns")
    board.locator("[data-testid=card]").nth(len(cards) - 1).wait_for(state="attached")
    if made:
        board.locator(".link").first.wait_for(state="attached")
    # Read from the back: card text 22 px, legend 20 px, goals 28 px (or 24 squeezed, never under).
    sizes = board.evaluate(SMALLEST_TEXT)
    assert sizes["card"] >= 22 and sizes["legend"] >= 20 and sizes["goal"] >= 22, sizes
    # No card only a click away: every card is on the screen, or on a page the board turns to.
    seen = every_card_on_some_page(board)
    missing = {card_id for _, card_id in cards} - seen
    assert not missing, board.evaluate(
        """(ids) => ids.map((id) => { const c = document.querySelector(`[data-testid=card][data-card-id="${id}"]`);
        const g = c.closest('li.person, li[data-page]'); const r = c.getBoundingClientRect();
        return [g.dataset.page, g.offsetLeft, g.offsetTop, g.offsetHeight, r.left, r.top, r.bottom, c.textContent]; })""",
        sorted(missing),
    )
    paged = board.get_by_test_id("pager").is_visible()
    assert paged == (people >= 25), (people, paged)
    # The goals keep their +1s and who linked them, or the legend says how to see them.
    if made:
        density = board.get_by_test_id("board").get_attribute("data-goal-density")
        assert board.get_by_test_id("goal-endorsements").first.is_visible()
        if density in ("0", "1"):
            assert board.get_by_test_id("goal-link-chip").first.is_visible()
        elif density == "2":
            assert board.get_by_test_id("goal-owners").first.is_visible()
        else:
            assert board.locator(".legend-compact").is_visible()
    # At rest no curve crosses a column of people: every drawn curve ends in the first column.
    crossing = board.evaluate("""() => {
        const first = Math.min(...Array.from(document.querySelectorAll('[data-testid=person], [data-testid=theme]'))
            .filter((n) => n.getClientRects().length).map((n) => n.getBoundingClientRect().right));
        return Array.from(document.querySelectorAll('.link')).filter((g) => getComputedStyle(g).display !== 'none')
            .filter((g) => g.querySelector('.link-line').getBoundingClientRect().right > first + 2).length;
    }""")
    assert crossing == 0
    to_first_page(board)
    settle(board)
    screenshot(board, f"board-{phase}-{people}")


# --- Themes: similar drives grouped by the facilitator ---------------------------------------------------


def test_drives_dropped_on_each_other_make_a_theme_that_links_to_a_goal(open_page, server, new_workshop):
    from pages import drag

    w, fac, clients, cards, made = seed_room(new_workshop, 6, 0, "linking")
    board = facilitator(open_page, server, w, "board").page
    board_screen(board, "columns")
    drives = board.locator('[data-testid="card"][data-kind="drive"]')
    first, second, third = (drives.nth(i).get_attribute("data-card-id") for i in (0, 2, 4))
    card = lambda card_id: board.locator(f'[data-testid="card"][data-card-id="{card_id}"]')  # noqa: E731

    # A drive dropped on another: a new theme, its name typed at once.
    drag(board, card(second), card(first))
    name = board.get_by_test_id("theme-input")
    name.wait_for()
    name.fill("Customers first")
    name.press("Enter")
    theme = board.get_by_test_id("theme")
    theme.get_by_test_id("theme-name").filter(has_text="Customers first").wait_for()
    assert theme.get_by_test_id("theme-count").text_content() == "2 drives"
    # A third drive dropped on the theme's name joins it; the theme says who is in it.
    drag(board, card(third), theme.get_by_test_id("theme-name"))
    board.wait_for_function("() => document.querySelector('[data-testid=theme-count]').textContent === '3 drives'")
    assert set(theme.get_by_test_id("card").evaluate_all("(cards) => cards.map((c) => c.dataset.cardId)")) == {
        first,
        second,
        third,
    }
    snapshot = w.snapshot()
    names_of = {p["id"]: p["name"] for p in snapshot["participants"]}
    grouped = [c for c in snapshot["drives"] if c["id"] in {first, second, third}]
    named = sorted({names_of[c["about"]] for c in grouped if c["visibility"] == "named"})
    anonymous = sum(c["visibility"] == "anonymous" for c in grouped)
    assert theme.get_by_test_id("theme-people").text_content() == ", ".join(
        named + ([f"{anonymous} anonymous"] if anonymous else [])
    )
    # A phone's state has the theme too: its name, not a card's words.
    saved = clients[0].wait_for("theme_saved", lambda data: data["theme"]["name"] == "Customers first")
    assert saved["theme"]["name"] == "Customers first"

    # The theme's name dropped on a goal links each of its drives (each still its person's).
    goal = board.locator('[data-testid="goal"]').nth(3)
    drag(board, theme.get_by_test_id("theme-name"), goal)
    goal.get_by_test_id("goal-link-count").filter(has_text="3").wait_for()
    snapshot = w.snapshot()
    goal_id = goal.get_attribute("data-goal-id")
    assert {l["card_id"] for l in snapshot["links"] if l["goal_id"] == goal_id} == {first, second, third}

    # A drive taken out goes back to its person; undoing the theme sends the rest back too.
    card(third).click()
    board.get_by_test_id("card-unthemed").click()
    board.wait_for_function("() => document.querySelector('[data-testid=theme-count]').textContent === '2 drives'")
    board.get_by_test_id("theme-remove").click()
    board.get_by_test_id("theme").wait_for(state="detached")
    assert board.locator('[data-testid="person"] [data-testid="card"]').count() == len(cards)


@pytest.mark.parametrize(("people", "links", "phase"), [(25, 0, "drives"), (60, 120, "linking")])
def test_a_room_reads_as_a_dozen_themes(open_page, server, new_workshop, people, links, phase):
    w, fac, clients, cards, made = seed_room(new_workshop, people, links, phase)
    snapshot = w.snapshot()
    drives = [c for c in snapshot["drives"] if c["visibility"] != "facilitator"]
    by_text: dict[str, list[str]] = {}
    for c in drives:
        by_text.setdefault(c["text"], []).append(c["id"])
    themes = sorted(by_text.items(), key=lambda kv: -len(kv[1]))[:12]
    for n, (text, ids) in enumerate(themes):
        ack = fac.call(
            "add_theme",
            {"id": f"theme-{w.code}-{n:04d}", "name": text.split(" ")[0].capitalize() + f" ({n + 1})", "card_ids": ids},
        )
        assert ack["ok"], ack
    board = facilitator(open_page, server, w, "board").page
    board_screen(board, "columns")
    board.get_by_test_id("theme").nth(11).wait_for(state="attached")
    # Every themed drive is on a theme's page, none under its person any more.
    themed = {i for _, ids in themes for i in ids}
    assert every_card_on_some_page(board) == {card_id for _, card_id in cards}
    assert not board.locator('[data-testid="person"] [data-testid="card"]').evaluate_all(
        "(cards, themed) => cards.filter((c) => themed.includes(c.dataset.cardId)).length", list(themed)
    )
    to_first_page(board)
    settle(board)
    screenshot(board, f"board-themes-{phase}-{people}")
