"""A remote workshop: nobody at a projector. The facilitator runs it from the console; each person
follows the team's board on their own laptop and drags their own cards to the goals, one with the
keyboard; a fourth person takes part on a phone. Each screen shows only what its person may see.

The participant's board is the projector's board (templates/board.html, static/js/board.js) opened
with a participant's cookie: the team's view plus their own cards, theirs alone to drag.
"""

from __future__ import annotations

import pytest
from helpers import wait_until
from pages import (
    REVIEW,
    drag,
    facilitator,
    label_not_in_name,
    local,
    screenshot,
    serious_accessibility_violations,
    set_phase,
    touch_drag,
    wait_live,
)

pytestmark = pytest.mark.browser

GOALS = [
    {"text": "Happier customers", "kind": "goal"},
    {"text": "New onboarding", "kind": "project"},
    {"text": "Weekly customer calls", "kind": "activity"},
]


def own_board(open_page, server, workshop, name: str, kind: str = "laptop", viewport=None, locale="en-US"):
    """``name``'s own board on a laptop: their cookie, as the join page (or their personal link)
    would have set it, then the board's address."""
    watched = open_page(kind, locale=locale)
    if viewport:
        watched.page.set_viewport_size(viewport)
    token = workshop.people[name]["participant_token"]
    watched.context.add_cookies([{"name": f"wp_{workshop.code}", "value": token, "url": server.url}])
    watched.page.goto(f"{server.url}/w/{workshop.code}/board")
    wait_live(watched.page)
    return watched


def card_on(page, text: str):
    return page.locator("[data-testid=card]", has_text=text)


def goal_on(page, text: str):
    return page.locator("[data-testid=goal]", has_text=text)


def links_of(workshop) -> list[dict]:
    return workshop.snapshot()["links"]


def wait_link(workshop, card_id: str, goal_id: str, **fields) -> dict:
    def found():
        return next(
            (
                link
                for link in links_of(workshop)
                if link["card_id"] == card_id
                and link["goal_id"] == goal_id
                and all(link.get(k) == v for k, v in fields.items())
            ),
            None,
        )

    return wait_until(found, 10, f"a link {card_id} → {goal_id} with {fields}")


def seed(workshop):
    """Four people and their drives, written on their phones (socket clients)."""
    clients = {name: workshop.participant(name) for name in ("Anna", "Bram", "Chris", "Dana")}
    cards = {}
    for name, text, visibility in [
        ("Anna", "Untangling messy processes", "named"),
        ("Anna", "Anna keeps this to herself", "facilitator"),
        ("Bram", "Teaching newcomers", "named"),
        ("Bram", "Bram's quiet wish", "anonymous"),
        ("Bram", "Bram's secret drive", "facilitator"),
        ("Chris", "Talking with customers", "named"),
        ("Dana", "Dana's private drive", "facilitator"),
        ("Dana", "Making things visual", "named"),
    ]:
        ack = clients[name].call("add_card", {"kind": "drive", "text": text, "visibility": visibility})
        assert ack["ok"], ack
        cards[text] = ack["card"]["id"]
    return clients, cards


def test_a_remote_workshop_on_everyones_own_screen(open_page, server, new_workshop):
    workshop = new_workshop(title="Remote team day", goals=GOALS)
    clients, cards = seed(workshop)
    goals = {g["text"]: g["id"] for g in workshop.snapshot()["goals"]}
    console = facilitator(open_page, server, workshop).page
    set_phase(console, "linking")

    anna = own_board(open_page, server, workshop, "Anna", viewport={"width": 1366, "height": 768})
    bram = own_board(open_page, server, workshop, "Bram", viewport={"width": 1920, "height": 1080})
    chris = own_board(open_page, server, workshop, "Chris", viewport={"width": 1440, "height": 900})
    dana = open_page("phone")
    dana.context.add_cookies(
        [{"name": f"wp_{workshop.code}", "value": workshop.people["Dana"]["participant_token"], "url": server.url}]
    )
    dana.page.goto(f"{server.url}/w/{workshop.code}/phone")
    wait_live(dana.page)
    for watched in (anna, bram, chris):
        watched.page.wait_for_selector('[data-testid=board][data-screen="columns"]')
        assert watched.page.get_by_test_id("board").get_attribute("data-role") == "participant"

    # The console sees all four present, on whatever device each is.
    for name in ("Anna", "Bram", "Chris", "Dana"):
        pid = workshop.people[name]["participant_id"]
        console.wait_for_selector(f'[data-testid=presence-person][data-participant-id="{pid}"][data-connected="true"]')

    # Each sees the team's cards and their own, nobody else's private ones.
    everyone_sees = ["Untangling messy processes", "Teaching newcomers", "Bram's quiet wish", "Talking with customers"]
    private = {"Anna": "Anna keeps this to herself", "Bram": "Bram's secret drive", "Dana": "Dana's private drive"}
    for name, watched in (("Anna", anna), ("Bram", bram), ("Chris", chris)):
        page = watched.page
        for text in everyone_sees:
            card_on(page, text).wait_for()
        text = page.get_by_test_id("persons").inner_text()
        for owner, secret in private.items():
            assert (secret in text) == (owner == name), (name, secret)
    # Bram's anonymous drive carries no name on the others' boards, and is marked as his on his own.
    assert (
        card_on(anna.page, "Bram's quiet wish")
        .locator("xpath=ancestor::li[@data-testid='person']")
        .get_attribute("data-participant-id")
        == "anonymous"
    )
    assert card_on(bram.page, "Bram's quiet wish").get_attribute("data-mine") == "anonymous"
    assert card_on(anna.page, "Anna keeps this to herself").get_attribute("data-mine") == "facilitator"
    # Their own cards come first on their own board.
    assert (
        anna.page.locator("[data-testid=person]").first.get_attribute("data-participant-id")
        == (workshop.people["Anna"]["participant_id"])
    )

    # Anna drags her drive onto a goal with the mouse; the bar asks how it relates; she says "grow".
    drag(anna.page, card_on(anna.page, "Untangling messy processes"), goal_on(anna.page, "New onboarding"))
    wait_link(workshop, cards["Untangling messy processes"], goals["New onboarding"])
    anna.page.get_by_test_id("link-types").wait_for()
    anna.page.locator('[data-testid=link-type][data-type="grow"]').click()
    wait_link(workshop, cards["Untangling messy processes"], goals["New onboarding"], type="grow")
    # The link shows on every screen: Bram's and Chris's boards, and the console.
    for watched in (bram, chris):
        watched.page.wait_for_selector(
            f'[data-testid=link][data-card-id="{cards["Untangling messy processes"]}"]', state="attached"
        )

    # Bram drags his private drive: it is his to link, and its link stays between him and the facilitator.
    drag(bram.page, card_on(bram.page, "Bram's secret drive"), goal_on(bram.page, "Happier customers"))
    wait_link(workshop, cards["Bram's secret drive"], goals["Happier customers"])
    drawn(bram.page, cards["Bram's secret drive"])  # his board has redrawn with it, before the next drag
    drag(bram.page, card_on(bram.page, "Teaching newcomers"), goal_on(bram.page, "New onboarding"))
    wait_link(workshop, cards["Teaching newcomers"], goals["New onboarding"])

    # A colleague's card is not Anna's to drag: nothing is linked.
    before = len(links_of(workshop))
    drawn(anna.page, cards["Teaching newcomers"])
    drag(anna.page, card_on(anna.page, "Talking with customers"), goal_on(anna.page, "Weekly customer calls"))
    assert anna.page.locator("[data-testid=drag-ghost]").count() == 0
    assert "is-linkable" not in (card_on(anna.page, "Talking with customers").get_attribute("class") or "")

    # Chris links with the keyboard alone: Tab to his card, Enter, left arrow to a goal, Enter.
    card = card_on(chris.page, "Talking with customers")
    card.focus()
    chris.page.keyboard.press("Enter")
    chris.page.keyboard.press("ArrowLeft")
    focused_goal = chris.page.evaluate("document.activeElement.dataset.goalId")
    assert focused_goal in goals.values()
    chris.page.keyboard.press("Enter")
    wait_link(workshop, cards["Talking with customers"], focused_goal)
    # The bar took the keyboard, on the first of the link's types: Tab twice to "I already do this", Enter.
    chris.page.wait_for_function("() => document.activeElement?.dataset.type === 'energises'")
    chris.page.keyboard.press("Tab")
    chris.page.keyboard.press("Tab")
    assert chris.page.evaluate("document.activeElement.dataset.type") == "already"
    chris.page.keyboard.press("Enter")
    wait_link(workshop, cards["Talking with customers"], focused_goal, type="already")
    assert len(links_of(workshop)) == before + 1

    # Anna gives Bram's link a +1 from her board: a click on its chip, then +1.
    anna.page.keyboard.press("Escape")
    chip = anna.page.locator(f'[data-testid=goal-link-chip][data-card-id="{cards["Teaching newcomers"]}"]')
    chip.click()
    endorse = anna.page.get_by_test_id("link-endorse")
    endorse.wait_for()
    assert anna.page.get_by_test_id("link-remove").is_hidden()  # not hers to remove
    assert anna.page.get_by_test_id("link-types").is_hidden()  # nor to retype
    endorse.click()
    anna_id = workshop.people["Anna"]["participant_id"]
    wait_until(
        lambda: any(
            anna_id in l.get("endorsements", [])
            for l in links_of(workshop)
            if l["card_id"] == cards["Teaching newcomers"]
        ),
        10,
        "Anna's +1 on Bram's link",
    )
    anna.page.wait_for_selector('[data-testid=link-endorse][aria-pressed="true"]')  # her board heard it too

    # Chris, by keyboard, gives Anna's link its +1: Enter on the goal shows its chips, Tab to the +1, Enter.
    chris.page.keyboard.press("Escape")
    goal_on(chris.page, "New onboarding").focus()
    chris.page.keyboard.press("Enter")
    anna_card = cards["Untangling messy processes"]
    for _ in range(12):
        chris.page.keyboard.press("Tab")
        if (
            chris.page.evaluate("document.activeElement.closest('[data-testid=goal-link-chip]')?.dataset.cardId")
            == anna_card
        ):
            break
    assert chris.page.evaluate("document.activeElement.dataset.testid") == "chip-endorse"
    chris.page.keyboard.press("Enter")
    chris_id = workshop.people["Chris"]["participant_id"]
    wait_until(
        lambda: any(chris_id in l.get("endorsements", []) for l in links_of(workshop) if l["card_id"] == anna_card),
        10,
        "Chris's +1 on Anna's link",
    )
    chris.page.keyboard.press("Escape")  # (a selection dims the rest on purpose: axe reads the board at rest)
    assert serious_accessibility_violations(chris.page) == []

    # Bram's private link never reaches Anna's or Chris's board; Dana's phone shows the team's links.
    secret_id = cards["Bram's secret drive"]
    for watched in (anna, chris):
        assert watched.page.locator(f'[data-testid=link][data-card-id="{secret_id}"]').count() == 0
        assert "Bram's secret drive" not in watched.page.content()
    dana.page.get_by_test_id("tab-links").click()
    dana.page.locator("[data-testid=team-link]", has_text="Untangling messy processes").wait_for()
    assert "Bram's secret drive" not in dana.page.content()

    # The facilitator's timer with its lock applies to the boards as to phones: cards stop being draggable.
    fac = workshop.facilitator()
    assert fac.call("set_timer", {"seconds": 1, "lock": True})["ok"]
    anna.page.wait_for_selector('[data-testid=board-timer][data-state="ended"]')
    anna.page.wait_for_function("() => !document.querySelector('[data-testid=card].is-linkable')")
    drag(anna.page, card_on(anna.page, "Anna keeps this to herself"), goal_on(anna.page, "Happier customers"))
    assert not [l for l in links_of(workshop) if l["card_id"] == cards["Anna keeps this to herself"]]
    assert fac.call("set_timer", {"seconds": 0, "lock": False})["ok"]
    anna.page.wait_for_selector("[data-testid=card].is-linkable")

    assert label_not_in_name(anna.page) == []
    screenshot(anna.page, "remote-anna-after-lock", folder=REVIEW)

    # The facilitator closes the workshop: every board says thank you.
    set_phase(console, "closed")
    for watched in (anna, bram, chris):
        watched.page.wait_for_selector('[data-testid=board][data-screen="closed"]')
    for client in clients.values():
        client.disconnect()


def drawn(page, card_id: str) -> None:
    """Wait until a board has drawn a card's link (its people's column re-rendered with it)."""
    page.wait_for_selector(f'[data-testid=link][data-card-id="{card_id}"]', state="attached")


def test_a_participants_board_is_not_a_way_around_the_login(open_page, server, new_workshop):
    """Without a seat in the workshop the board's address admits nobody; a participant of
    another workshop is no participant here."""
    workshop = new_workshop(title="Closed doors")
    other = new_workshop(title="Next door")
    other.participant("Eve")
    stranger = open_page("laptop")
    stranger.context.add_cookies(
        [{"name": f"wp_{workshop.code}", "value": other.people["Eve"]["participant_token"], "url": server.url}]
    )
    response = stranger.page.goto(local(server, f"{server.url}/w/{workshop.code}/board"))
    assert response.status in (401, 403)
    assert stranger.page.get_by_test_id("board").count() == 0
    stranger.errors.clear()  # the refused page's own 401 is the point here


ROOMS = {
    "en": {
        "title": "Team day, remote",
        "goals": [
            ("Happier customers", "goal"),
            ("Halve the onboarding time", "goal"),
            ("New customer portal", "project"),
            ("Weekly customer calls", "activity"),
            ("Clean up the backlog", "activity"),
        ],
        "people": {
            "Anna": [("Untangling messy processes", "named"), ("Making a newcomer feel at home", "facilitator")],
            "Bram": [("Teaching what I know", "named"), ("Quiet focus time", "anonymous")],
            "Chris": [("Talking with customers", "named"), ("Building things that last", "named")],
            "Dana": [("Making things visual", "named")],
            "Eva": [("Fixing what is broken", "named"), ("Learning a new tool", "named")],
            "Finn": [("Numbers that tell a story", "named")],
        },
        "me": "Anna",
    },
    "nl": {
        "title": "Teamdag op afstand",
        "goals": [
            ("Tevredener klanten", "goal"),
            ("Inwerktijd halveren", "goal"),
            ("Nieuw klantportaal", "project"),
            ("Wekelijkse klantgesprekken", "activity"),
            ("De backlog opruimen", "activity"),
        ],
        "people": {
            "Sanne": [
                ("Rommelige processen ontwarren", "named"),
                ("Nieuwe collega's thuis laten voelen", "facilitator"),
            ],
            "Bram": [("Doorgeven wat ik weet", "named"), ("Rustig kunnen focussen", "anonymous")],
            "Chris": [("Met klanten praten", "named"), ("Dingen bouwen die blijven", "named")],
            "Dana": [("Dingen zichtbaar maken", "named")],
            "Eva": [("Repareren wat kapot is", "named"), ("Een nieuw gereedschap leren", "named")],
            "Finn": [("Cijfers die een verhaal vertellen", "named")],
        },
        "me": "Sanne",
    },
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_participants_own_board_at_laptop_sizes(open_page, server, new_workshop, language):
    """The pictures for the README: one person's own board at 1366×768 and 1920×1080, in English
    and in Dutch, with the team's links, +1s, their own private card marked, and the bar that asks
    how a link they just made relates."""
    room = ROOMS[language]
    workshop = new_workshop(
        title=room["title"], language=language, goals=[{"text": t, "kind": k} for t, k in room["goals"]]
    )
    goals = [g["id"] for g in workshop.snapshot()["goals"]]
    clients, cards = {}, {}
    for name, drives in room["people"].items():
        clients[name] = workshop.participant(name)
        for text, visibility in drives:
            ack = clients[name].call("add_card", {"kind": "drive", "text": text, "visibility": visibility})
            assert ack["ok"], ack
            cards[text] = (name, ack["card"]["id"])
    fac = workshop.facilitator()
    assert fac.call("set_phase", {"phase": "linking"})["ok"]
    # The team has been at it a while: links of every type, and a few +1s.
    made = []
    for i, (name, card_id) in enumerate(list(cards.values())[2:]):
        ack = clients[name].call(
            "add_link",
            {"card_id": card_id, "goal_id": goals[i % len(goals)], "type": ["energises", "grow", "already"][i % 3]},
        )
        assert ack["ok"], ack
        made.append((name, ack["link"]["id"]))
    for name, link_id in made[:3]:
        endorser = next(n for n in clients if n != name and n != room["me"])
        assert clients[endorser].call("endorse_link", {"id": link_id, "endorsed": True})["ok"]

    me = room["me"]
    mine = [text for text, (name, _) in cards.items() if name == me]
    for size in ({"width": 1366, "height": 768}, {"width": 1920, "height": 1080}):
        board = own_board(
            open_page, server, workshop, me, viewport=size, locale="nl-NL" if language == "nl" else "en-US"
        )
        page = board.page
        page.wait_for_selector('[data-testid=board][data-screen="columns"]')
        page.locator("[data-testid=link]").first.wait_for(state="attached")
        assert page.locator("html").get_attribute("lang") == language
        card_on(page, mine[1]).wait_for()
        assert card_on(page, mine[1]).get_attribute("data-mine") == "facilitator"
        if size["width"] == 1920:
            # Just dragged: the new link is selected and the bar asks how it relates.
            drag(page, card_on(page, mine[0]), goal_on(page, room["goals"][1][0]))
            page.get_by_test_id("link-types").wait_for()
        else:
            page.mouse.move(2, 2)
        # Nothing shown reaches past the screen's edges (the page itself never scrolls).
        spill = page.evaluate(
            """() => [...document.querySelectorAll('.live *')].filter((e) => e.getClientRects().length)
                .filter((e) => { const r = e.getBoundingClientRect(); return r.bottom > innerHeight + 1 || r.right > innerWidth + 1; })
                .filter((e) => !e.closest('.is-off-page, .visually-hidden, svg'))
                .map((e) => `${e.tagName}.${e.className} ${e.dataset.testid || ''}`)"""
        )
        assert spill == [], spill
        assert label_not_in_name(page) == []
        screenshot(page, f"participant-board-{size['width']}-{language}")
    for client in clients.values():
        client.disconnect()


def test_ones_own_cards_come_first_in_a_room_of_forty(open_page, server, new_workshop):
    """At forty people a laptop pages the people as the projector does, but one's own board
    starts on one's own cards and stays on the page one chose (no turning by itself); every card
    is still on some page, and one's own card is dragged from there."""
    from test_board_sizes import every_card_on_some_page, seed_room

    workshop, fac, clients, cards, _made = seed_room(new_workshop, 40, 40)
    last = clients[-1]  # the last to join: on the projector, on the last page
    token = next(p["participant_token"] for p in workshop.people.values() if p["participant_id"] == last.id)
    board = open_page("laptop")
    board.page.set_viewport_size({"width": 1366, "height": 768})
    board.context.add_cookies([{"name": f"wp_{workshop.code}", "value": token, "url": server.url}])
    board.page.goto(f"{server.url}/w/{workshop.code}/board")
    wait_live(board.page)
    page = board.page
    page.wait_for_selector('[data-testid=board][data-screen="columns"]')
    page.get_by_test_id("pager").wait_for()
    # No turning by itself, so nothing to pause.
    assert page.get_by_test_id("page-pause").get_attribute("aria-pressed") == "true"
    assert page.get_by_test_id("page-pause").is_hidden()
    assert " 1 " in page.get_by_test_id("page-label").text_content()
    first = page.locator("[data-testid=person]:not(.is-off-page)").first
    assert first.get_attribute("data-participant-id") == last.id
    mine = [card_id for client, card_id in cards if client is last]
    own = page.locator(f'[data-testid=card][data-card-id="{mine[0]}"]')
    assert own.is_visible() and "is-linkable" in own.get_attribute("class")
    goal = page.locator("[data-testid=goal]").nth(4)
    goal_id = goal.get_attribute("data-goal-id")
    drag(page, own, goal)
    wait_link(workshop, mine[0], goal_id)
    page.get_by_test_id("link-types").wait_for()
    screenshot(page, "participant-board-40", folder=REVIEW)
    page.keyboard.press("Escape")
    page.get_by_test_id("link-actions").wait_for(state="hidden")
    everyone = {card_id for _, card_id in cards}
    shown = every_card_on_some_page(page)
    assert everyone <= shown, everyone - shown


def test_a_tablet_links_with_a_finger_and_keeps_words_whole(open_page, server, new_workshop):
    """On a tablet (1024×768, touch) one's own board keeps its people in columns wide enough for
    words, and a finger drags one's own card onto a goal."""
    room = ROOMS["en"]
    workshop = new_workshop(title=room["title"], goals=[{"text": t, "kind": k} for t, k in room["goals"]])
    clients, cards = {}, {}
    for name, drives in room["people"].items():
        clients[name] = workshop.participant(name)
        for text, visibility in drives:
            cards[text] = clients[name].call("add_card", {"kind": "drive", "text": text, "visibility": visibility})[
                "card"
            ]["id"]
    workshop.facilitator().call("set_phase", {"phase": "linking"})
    tablet = own_board(open_page, server, workshop, "Anna", kind="phone", viewport={"width": 1024, "height": 768})
    page = tablet.page
    page.wait_for_selector('[data-testid=board][data-screen="columns"]')
    # No word is broken across lines: each card's words fit its column.
    broken = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=card-text]')].filter((t) => {
            const probe = document.createElement('span'); probe.style.whiteSpace = 'nowrap';
            return t.textContent.split(' ').some((word) => { probe.textContent = word; t.appendChild(probe);
              const wide = probe.getBoundingClientRect().width > t.getBoundingClientRect().width; probe.remove(); return wide; });
        }).map((t) => t.textContent)"""
    )
    assert broken == [], broken
    goal = goal_on(page, "Weekly customer calls")
    touch_drag(page, card_on(page, "Untangling messy processes"), goal)
    wait_link(workshop, cards["Untangling messy processes"], goal.get_attribute("data-goal-id"))
    screenshot(page, "participant-board-tablet", folder=REVIEW)


def test_the_phone_view_offers_the_board_where_it_fits(open_page, server, new_workshop):
    """A participant's link opened on a laptop offers the team's board; on a phone, even turned
    sideways, the board would not fit, and it is not offered."""
    workshop = new_workshop(title="Where it fits")
    workshop.participant("Anna")
    token = workshop.people["Anna"]["participant_token"]
    for kind, size, offered in (
        ("laptop", {"width": 1366, "height": 768}, True),
        ("phone", {"width": 390, "height": 844}, False),
        ("phone", {"width": 844, "height": 390}, False),
    ):
        watched = open_page(kind)
        watched.page.set_viewport_size(size)
        watched.context.add_cookies([{"name": f"wp_{workshop.code}", "value": token, "url": server.url}])
        watched.page.goto(f"{server.url}/w/{workshop.code}/phone")
        wait_live(watched.page)
        assert watched.page.get_by_test_id("open-board").is_visible() == offered, size
        if offered:
            watched.page.get_by_test_id("open-board").click()
            watched.page.wait_for_url(f"**/w/{workshop.code}/board")
            wait_live(watched.page)
            assert watched.page.get_by_test_id("board").get_attribute("data-role") == "participant"
            # The workshop has not begun: the board shows who joined, and the way back to one's cards.
            watched.page.get_by_test_id("join-my-cards").click()
            watched.page.wait_for_url(f"**/w/{workshop.code}/phone")


def test_ones_own_board_says_so_when_it_no_longer_holds_the_seat(open_page, server, new_workshop):
    """A laptop that came in with the personal link is signed out from the phone: its board says
    so at once and stops. A person removed by the facilitator: their board says so too."""
    from test_seats import device_token, made_link, open_link, seat

    workshop = new_workshop(title="Signed out")
    anna = workshop.participant("Anna")
    workshop.participant("Bram")
    laptop_token = device_token(workshop, open_link(workshop, made_link(anna)))
    laptop = open_page("laptop")
    laptop.context.add_cookies([{"name": f"wp_{workshop.code}", "value": laptop_token, "url": server.url}])
    laptop.page.goto(f"{server.url}/w/{workshop.code}/board")
    wait_live(laptop.page)
    assert laptop.page.get_by_test_id("board").get_attribute("data-role") == "participant"
    other = next(d["id"] for d in seat(anna)["devices"] if d["id"] != "joined")
    assert anna.call("sign_out_device", {"id": other}) == {"ok": True}
    laptop.page.wait_for_selector("[data-testid=board].is-gone")
    laptop.page.get_by_test_id("toast").filter(has_text="signed out").wait_for()
    laptop.errors.clear()  # the refused reconnect is the point

    bram = own_board(open_page, server, workshop, "Bram")
    fac = workshop.facilitator()
    assert fac.call("remove_participant", {"id": workshop.people["Bram"]["participant_id"]})["ok"]
    bram.page.wait_for_selector("[data-testid=board].is-gone")
    bram.page.get_by_test_id("toast").filter(has_text="no longer opens your seat").wait_for()
    bram.errors.clear()
