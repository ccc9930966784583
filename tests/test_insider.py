"""Privacy against an insider: each way issue 10 found to break the promise, as a regression test.

A colleague on their phone, the board, someone holding the team link or only the join code,
someone who left, someone who later reads the server's disk: each test plays one of them.
(The generated histories are in test_adversary.py; erasure down to the bytes in test_erasure.py.)
"""

from __future__ import annotations

import time

import pytest
import requests
from helpers import Api, Client, LiveServer
from inprocess import InProcessServer, elapse


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def console_of(url: str, created: dict) -> Client:
    """The facilitator's console of a workshop made over REST (``code`` and ``facilitator_token``)."""
    return Client(
        url,
        {"code": created["code"], "role": "facilitator", "view": "console", "token": created["facilitator_token"]},
        "console",
    )


def objects_in(value):
    """Every JSON object inside a message, the message included."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from objects_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from objects_in(item)


def tied(client, person_id: str, item_id: str) -> bool:
    """Whether any one object this client received names both the person and the item."""
    for _, data in client.events:
        for obj in objects_in(data):
            # Only the object's own fields and its direct lists, not nested objects (the state
            # lists everything, each card in an object of its own).
            flat = [v for v in obj.values() if isinstance(v, str)]
            flat += [x for v in obj.values() if isinstance(v, list) for x in v if isinstance(x, str)]
            if person_id in flat and item_id in flat:
                return True
    return False


# --- 1. leaving names the anonymous -----------------------------------------------------------


def test_leaving_does_not_tie_the_person_to_cards_shown_without_their_name(workshop):
    console, board = workshop.facilitator(), workshop.facilitator("board")
    anna, bram, cas = (workshop.participant(n) for n in ("Anna", "Bram", "Cas"))
    goal = anna.state["goals"][0]["id"]
    named = anna.call("add_card", {"kind": "drive", "text": "Named drive"})["card"]
    secret = anna.call("add_card", {"kind": "drive", "text": "Quiet wish", "visibility": "anonymous"})["card"]
    secret_link = anna.call("add_link", {"card_id": secret["id"], "goal_id": goal})["link"]
    unsigned = anna.call("add_card", {"kind": "strength", "text": "Patient", "about": bram.id})["card"]
    bram.call("respond_strength", {"id": unsigned["id"], "answer": "accept"})

    left = anna.call("leave_workshop", {})

    assert left["ok"] is True
    for spy in (board, bram, cas):
        gone = spy.wait_for("participant_left")
        assert gone["card_ids"] == [named["id"]]
        deleted = {d["id"] for d in spy.received("card_deleted")}
        assert {secret["id"], unsigned["id"]} <= deleted  # erased, each on its own
        for item in (secret["id"], secret_link["id"], unsigned["id"]):
            assert not tied(spy, anna.id, item), (spy.name, item)
        versions = [d["version"] for name, d in spy.events if name not in ("state", "presence")]
        assert versions == list(range(versions[0], versions[0] + len(versions)))  # no gaps
    facilitator_view = console.wait_for("participant_left")
    assert facilitator_view["id"] == anna.id
    assert {c["id"] for c in workshop.snapshot()["drives"] + workshop.snapshot()["strengths"]} == set()


# --- 2. the follow-up's team link shows what was taken back ----------------------------------


def test_a_follow_ups_team_link_shows_nothing_taken_back_since(server, workshop):
    console = workshop.facilitator()
    anna, bram, cas, dirk = (workshop.participant(n) for n in ("Anna", "Bram", "Cas", "Dirk"))
    goals = [g["id"] for g in console.state["goals"]]
    cards = {}
    for person, text in (
        (anna, "Anna takes it back"),
        (bram, "Bram gets hidden"),
        (cas, "Cas leaves"),
        (dirk, "Dirk stays named"),
    ):
        cards[text] = person.call("add_card", {"kind": "drive", "text": text})["card"]
        link = person.call("add_link", {"card_id": cards[text]["id"], "goal_id": goals[0]})["link"]
        person.call("add_agreement", {"link_id": link["id"], "text": f"Agreement on {text}"})
    console.call("set_phase", {"phase": "closed"})
    follow = requests.post(
        f"{server.url}/api/workshops/{workshop.code}/follow-up", headers=bearer(workshop.token)
    ).json()

    def seat(name):
        token = workshop.people[name]["participant_token"]
        again = requests.post(f"{server.url}/api/workshops/{follow['code']}/rejoin", headers=bearer(token)).json()
        return Client(
            server.url,
            {"code": follow["code"], "role": "participant", "view": "phone", "token": again["participant_token"]},
            name,
        )

    later = console_of(server.url, follow)
    phones = [seat(n) for n in ("Anna", "Cas", "Dirk")]
    try:
        by_text = {c["text"]: c for c in later.state["cards"]}
        for link in later.state["links"]:  # every link is dropped in the follow-up
            later.call("delete_link", {"id": link["id"]})
        anna_now, cas_now, dirk_now = phones
        assert anna_now.call("edit_card", {"id": by_text["Anna takes it back"]["id"], "visibility": "facilitator"})[
            "ok"
        ]
        assert later.call("set_card_hidden", {"id": by_text["Bram gets hidden"]["id"], "hidden": True})["ok"]
        assert cas_now.call("leave_workshop", {})["ok"]
    finally:
        for client in [later, *phones]:
            client.disconnect()

    url = requests.post(
        f"{server.url}/api/workshops/{follow['code']}/team-link", headers=bearer(follow["facilitator_token"])
    ).json()["url"]
    team = requests.get(url + "/summary.json").json()
    assert [d["card"] for d in team["changes"]["dropped_links"]] == ["Dirk stays named"]
    assert [a["text"] for a in team["changes"]["agreements"]] == ["Agreement on Dirk stays named"]
    for suffix in ("", "/summary.json", "/summary.md", "/map.svg"):
        body = requests.get(url + suffix).text
        for taken_back in (
            "Anna takes it back",
            "Bram gets hidden",
            "Cas leaves",
            "Agreement on Anna",
            "Agreement on Bram",
            "Agreement on Cas",
            "Cas",
        ):
            assert taken_back not in body, (suffix, taken_back)
    # The facilitator still sees the past as it was, but for the person who left: gone everywhere.
    own = requests.get(
        f"{server.url}/api/workshops/{follow['code']}/summary.json", headers=bearer(follow["facilitator_token"])
    ).json()["changes"]
    assert sorted(d["card"] for d in own["dropped_links"]) == [
        "Anna takes it back",
        "Bram gets hidden",
        "Dirk stays named",
    ]


# --- 3. the join code leaks and outlives the workshop ----------------------------------------


def test_the_join_code_stays_in_the_room_and_ends_with_the_workshop(server, workshop):
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    anna.call("add_card", {"kind": "drive", "text": "Offered energy"})
    url = requests.post(f"{server.url}/api/workshops/{workshop.code}/team-link", headers=bearer(workshop.token)).json()[
        "url"
    ]
    outputs = [requests.get(url + suffix).text for suffix in ("", "/summary.json", "/summary.md", "/map.svg")]
    outputs += [
        requests.get(
            f"{server.url}/api/workshops/{workshop.code}/marketplace.{ext}", headers=bearer(workshop.token)
        ).text
        for ext in ("json", "csv")
    ]
    assert "Offered energy" in outputs[1] and "Offered energy" in outputs[-1]
    for body in outputs:
        assert workshop.code not in body
    assert (
        workshop.code
        in requests.get(f"{server.url}/api/workshops/{workshop.code}/summary.json", headers=bearer(workshop.token)).text
    )

    console.call("set_phase", {"phase": "closed"})
    refused = requests.post(f"{server.url}/api/workshops/{workshop.code}/participants", json={"name": "Newcomer"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "closed")
    page = requests.get(f"{server.url}/j/{workshop.code}")
    assert page.status_code == 409 and 'data-testid="join-closed"' in page.text and "name-form" not in page.text
    form = requests.post(f"{server.url}/j/{workshop.code}", data={"name": "Newcomer"}, allow_redirects=False)
    assert form.status_code == 409 and "wp_" not in form.headers.get("Set-Cookie", "")
    assert [p["name"] for p in workshop.snapshot()["participants"]] == ["Anna"]
    console.call("set_phase", {"phase": "agreements"})  # reopened: the code admits people again
    assert (
        requests.post(f"{server.url}/api/workshops/{workshop.code}/participants", json={"name": "Late"}).status_code
        == 201
    )


# --- 5. erasure and retention reach everything --------------------------------------------------


def test_leaving_erases_the_person_in_every_workshop_of_the_chain(server, workshop):
    console = workshop.facilitator()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    anna.call("add_card", {"kind": "drive", "text": "Anna in the original"})
    bram.call("add_card", {"kind": "drive", "text": "Bram in the original"})
    console.call("set_phase", {"phase": "closed"})
    follow = requests.post(
        f"{server.url}/api/workshops/{workshop.code}/follow-up", headers=bearer(workshop.token)
    ).json()
    later = console_of(server.url, follow)
    try:
        assert anna.call("leave_workshop", {})["ok"]  # from the original, with the old token
        gone = later.wait_for("participant_left")
        assert gone["id"] in {p["id"] for p in later.state["participants"]}
    finally:
        later.disconnect()
    for code, token in ((workshop.code, workshop.token), (follow["code"], follow["facilitator_token"])):
        snap = workshop.api.workshop(code, token)
        assert [p["name"] for p in snap["participants"]] == ["Bram"]
        assert [c["text"] for c in snap["drives"]] == ["Bram in the original"]


def test_the_facilitators_removal_reaches_the_follow_ups_but_not_the_past(server, workshop):
    console = workshop.facilitator()
    anna, _bram = workshop.participant("Anna"), workshop.participant("Bram")
    anna.call("add_card", {"kind": "drive", "text": "Anna's first"})
    console.call("set_phase", {"phase": "closed"})
    first = requests.post(
        f"{server.url}/api/workshops/{workshop.code}/follow-up", headers=bearer(workshop.token)
    ).json()
    mid = console_of(server.url, first)
    try:
        mid.call("set_phase", {"phase": "closed"})
        second = requests.post(
            f"{server.url}/api/workshops/{first['code']}/follow-up", headers=bearer(first["facilitator_token"])
        ).json()
        anna_seat = next(p["id"] for p in mid.state["participants"] if p["name"] == "Anna")
        assert mid.call("remove_participant", {"id": anna_seat})["ok"]
    finally:
        mid.disconnect()
    names = lambda code, token: [p["name"] for p in workshop.api.workshop(code, token)["participants"]]  # noqa: E731
    assert names(workshop.code, workshop.token) == ["Anna", "Bram"]
    assert names(first["code"], first["facilitator_token"]) == ["Bram"]
    assert names(second["code"], second["facilitator_token"]) == ["Bram"]


def test_deleting_a_workshop_takes_its_follow_ups_unless_kept(server, new_workshop):
    for keep in (False, True):
        workshop = new_workshop()
        console = workshop.facilitator()
        workshop.participant("Anna")
        console.call("set_phase", {"phase": "closed"})
        follow = requests.post(
            f"{server.url}/api/workshops/{workshop.code}/follow-up", headers=bearer(workshop.token)
        ).json()
        again = workshop.facilitator()
        assert again.state["workshop"]["follow_ups"] == 1
        assert workshop.participant("Anna").state["workshop"]["follow_ups"] is None
        assert again.call("delete_workshop", {"code": workshop.code, "follow_ups": not keep})["ok"]
        status = requests.get(f"{server.url}/j/{follow['code']}").status_code
        assert status == (200 if keep else 404), keep
        assert requests.get(f"{server.url}/j/{workshop.code}").status_code == 404


def test_retention_by_the_clock_erases_idle_workshops_and_whole_chains(server):
    """The rule, by the app's clock: a workshop idle longer than the retention is erased, one in
    use is kept, and a chain goes only when its last workshop has been idle that long too."""
    if not isinstance(server, InProcessServer):
        pytest.skip("moves the app's clock: the app in this process only")
    from workshop.retention import sweep

    store, api = server.app.extensions["workshop_store"], Api(server.url)
    idle, busy, original = api.create_workshop(), api.create_workshop(), api.create_workshop()
    keeper, chain = console_of(server.url, busy), console_of(server.url, original)
    chain.call("set_phase", {"phase": "closed"})
    follow = requests.post(
        f"{server.url}/api/workshops/{original['code']}/follow-up", headers=bearer(original["facilitator_token"])
    ).json()
    follow_console = console_of(server.url, follow)
    elapse(server, 3 * 86400)
    keeper.call("set_revealed", {"revealed": True})  # the busy workshop and the follow-up are in use
    follow_console.call("set_revealed", {"revealed": True})
    assert sweep(store, days=2) == 1
    assert requests.get(f"{server.url}/j/{idle['code']}").status_code == 404  # never closed, idle: erased
    assert requests.get(f"{server.url}/j/{busy['code']}").status_code == 200
    # The original closed long ago, but its follow-up is still in use: the chain stays.
    assert requests.get(f"{server.url}/j/{original['code']}").status_code == 409
    follow_console.call("set_phase", {"phase": "closed"})
    elapse(server, 1 * 86400)
    assert sweep(store, days=2) == 0  # closed a day ago: not yet
    elapse(server, 2 * 86400)
    keeper.call("set_revealed", {"revealed": False})  # still in use
    assert sweep(store, days=2) == 2
    assert follow_console.wait_for("workshop_deleted") == {}
    assert requests.get(f"{server.url}/j/{original['code']}").status_code == 404
    assert requests.get(f"{server.url}/j/{follow['code']}").status_code == 404
    assert requests.get(f"{server.url}/j/{busy['code']}").status_code == 200


@pytest.fixture
def quick_retention(tmp_path):
    """Retention of about two seconds, swept every 0.2 s."""
    live = LiveServer(
        tmp_path / "retention.sqlite3",
        env={"WORKSHOP_RETENTION_DAYS": str(2 / 86400), "WORKSHOP_RETENTION_SWEEP_SECONDS": "0.2"},
    ).start()
    yield live
    live.stop()


@pytest.mark.live  # a server of its own, sweeping in the background as configured
def test_retention_erases_idle_workshops_and_whole_chains(quick_retention):
    url, api = quick_retention.url, Api(quick_retention.url)
    idle, busy, original = api.create_workshop(), api.create_workshop(), api.create_workshop()

    keeper, chain = console_of(url, busy), console_of(url, original)
    opened = [keeper, chain]
    try:
        chain.call("set_phase", {"phase": "closed"})
        follow = requests.post(
            f"{url}/api/workshops/{original['code']}/follow-up", headers=bearer(original["facilitator_token"])
        ).json()
        follow_console = console_of(url, follow)
        opened.append(follow_console)
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:  # the busy workshop and the follow-up stay active
            keeper.call("set_revealed", {"revealed": True})
            follow_console.call("set_revealed", {"revealed": True})
            time.sleep(0.3)
        assert requests.get(f"{url}/j/{idle['code']}").status_code == 404  # never closed, idle: erased
        assert requests.get(f"{url}/j/{busy['code']}").status_code == 200
        # The original closed long ago, but its follow-up is still in use: the chain stays.
        assert requests.get(f"{url}/j/{original['code']}").status_code == 409
        follow_console.call("set_phase", {"phase": "closed"})
        follow_console.wait_for("workshop_deleted", timeout=6)
        assert requests.get(f"{url}/j/{original['code']}").status_code == 404
        assert requests.get(f"{url}/j/{follow['code']}").status_code == 404
    finally:
        for client in opened:
            client.disconnect()


# --- 6. the strength round names authors ----------------------------------------------------------


def test_each_phone_receives_only_its_own_assignments(workshop):
    console, board = workshop.facilitator(), workshop.facilitator("board")
    anna, bram, cas = (workshop.participant(n) for n in ("Anna", "Bram", "Cas"))
    done = console.call("assign_strength_round", {"per_person": 1})
    assert {(a["giver"], a["receiver"]) for a in done["assignments"]} == {
        (anna.id, bram.id),
        (bram.id, cas.id),
        (cas.id, anna.id),
    }
    for phone, receiver in ((anna, bram.id), (bram, cas.id), (cas, anna.id)):
        got = phone.wait_for("assignments_changed")["assignments"]
        assert got == [{"giver": phone.id, "receiver": receiver}]
        assert phone.call("sync")["state"]["assignments"] == got
    assert board.wait_for("assignments_changed")["assignments"] == []
    assert board.call("sync")["state"]["assignments"] == []
    assert len(console.call("sync")["state"]["assignments"]) == 3


# --- 7. a signed strength put in its author's mouth ------------------------------------------------


def test_a_reworded_strength_is_no_longer_signed_by_its_author(workshop):
    board = workshop.facilitator("board")
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    card = anna.call("add_card", {"kind": "strength", "text": "Sharp", "about": bram.id, "signed": True})["card"]

    accepted = bram.call("respond_strength", {"id": card["id"], "answer": "accept", "text": "Sharp and kind"})

    assert (accepted["card"]["signed"], accepted["card"]["reworded"]) == (False, True)
    seen = board.wait_for("card_saved", lambda d: d["card"]["text"] == "Sharp and kind")["card"]
    assert seen["author"] is None
    refused = anna.call("edit_card", {"id": card["id"], "signed": True})
    assert refused["error"]["code"] == "invalid"
    again = anna.call("edit_card", {"id": card["id"], "text": "Sharp, in my words", "signed": True})["card"]
    assert (again["signed"], again["reworded"], again["status"]) == (True, False, "pending")
    # Accepting without new words keeps the author's signature.
    kept = bram.call("respond_strength", {"id": card["id"], "answer": "accept"})["card"]
    assert (kept["signed"], kept["reworded"]) == (True, False)
    assert (
        board.wait_for("card_saved", lambda d: d["card"]["text"] == "Sharp, in my words")["card"]["author"] == anna.id
    )
