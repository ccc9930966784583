"""Several teams, one marketplace: the organisation, its page and JSON, teams joining and leaving,
cross-team proposals with the same consent, and who sees what of them.

Two teams (three where it matters), each a console and phones, their workshops open as
marketplaces and joined to one organisation. Assertions are on what each client received and
what each caller of the organisation's JSON was given (and what they were not).
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from test_market import today


def new_id() -> str:
    return "across-" + secrets.token_hex(6)


def everything(client) -> str:
    return json.dumps(client.events)


class Team:
    """A workshop open as a marketplace: its console and the phones named, one goal asked
    (owned by the first person when ``owned``) and a named drive each, offered."""

    def __init__(self, server, new_workshop, title, goal, people, drives, owned=True, language="en"):
        self.server = server
        self.workshop = new_workshop(title=title, language=language, goals=[{"text": goal, "kind": "project"}])
        self.code = self.workshop.code
        self.console = self.workshop.facilitator()
        self.phones = {name: self.workshop.participant(name) for name in people}
        self.goal = self.console.state["goals"][0]["id"]
        until = (today(server) + timedelta(days=7)).isoformat()
        assert self.console.call("open_market", {"until": until})["ok"] is True
        first = self.phones[people[0]]
        owner = {"owner_id": first.id} if owned else {}
        ack = self.console.call("set_ask", {"goal_id": self.goal, "open": True, "text": f"Help with {goal}", **owner})
        assert ack["ok"] is True, ack
        self.cards = {}
        for name, text in zip(people, drives, strict=True):
            self.cards[name] = self.drive(name, text)

    def drive(self, name, text, visibility="named", offered=True):
        phone = self.phones[name]
        card = phone.call("add_card", {"kind": "drive", "text": text, "visibility": visibility})["card"]
        if offered:
            assert phone.call("set_offer", {"card_id": card["id"], "offered": True})["ok"] is True
        return card

    def join(self, join_code):
        ack = self.console.call("join_organisation", {"code": join_code})
        assert ack["ok"] is True, ack
        return ack

    def handle(self, page) -> str:
        return next(t["team"] for t in page["teams"] if t["title"] == self.workshop_title(page))

    def workshop_title(self, page) -> str:
        return self.console.state["workshop"]["title"]


def create_organisation(server, name="Acme") -> dict:
    r = requests.post(f"{server.url}/api/organisations", json={"name": name})
    assert r.status_code == 201, r.text
    return r.json()


def organiser_session(server, created) -> requests.Session:
    """A browser of the organiser: the one-time link used, the cookie set."""
    session = requests.Session()
    r = session.get(created["organiser_url"], allow_redirects=False)
    assert r.status_code == 303
    assert urlsplit(r.headers["Location"]).path == f"/o/{created['id']}"
    assert "key=" not in r.headers["Location"]
    return session


def cookie_session(server, code, role, token) -> requests.Session:
    session = requests.Session()
    session.cookies.set(f"{'wf' if role == 'facilitator' else 'wp'}_{code}", token)
    return session


class Org:
    """Two teams, Sales (Anna owns its ask; Bram) and Support (Cas owns its ask; Dirk), in one
    organisation."""

    def __init__(self, server, new_workshop):
        self.server = server
        self.created = create_organisation(server)
        self.id = self.created["id"]
        self.sales = Team(
            server, new_workshop, "Sales", "Onboarding new customers", ["Anna", "Bram"], ["Teaching", "Numbers"]
        )
        self.support = Team(
            server, new_workshop, "Support", "Customer calls", ["Cas", "Dirk"], ["Listening", "Explaining"]
        )
        self.sales.join(self.created["join_code"])
        self.support.join(self.created["join_code"])
        self.organiser = organiser_session(server, self.created)

    def page(self, session=None) -> dict:
        r = (session or self.organiser).get(f"{self.server.url}/api/organisations/{self.id}")
        assert r.status_code == 200, r.text
        return r.json()

    def handles(self) -> dict[str, str]:
        return {t["title"]: t["team"] for t in self.page()["teams"]}

    def propose(self, client, goal_team, goal_id, card_team, card, **fields) -> dict:
        handles = self.handles()
        payload = {
            "id": new_id(),
            "organisation_id": self.id,
            "goal_workshop": handles[goal_team],
            "goal_id": goal_id,
            "card_workshop": handles[card_team],
            "card_id": card["id"],
            **fields,
        }
        return client.call("propose_across", payload)


@pytest.fixture
def orgs(server, new_workshop) -> Org:
    return Org(server, new_workshop)


# --- the organisation and its members ----------------------------------------------------------


def test_an_organisation_is_created_with_a_one_time_organiser_link(server):
    created = create_organisation(server, "Acme BV")
    assert set(created) == {"id", "name", "organiser_url", "join_code"}
    assert created["name"] == "Acme BV"
    session = organiser_session(server, created)
    page = session.get(f"{server.url}/api/organisations/{created['id']}").json()
    assert (page["you"], page["join_code"], page["teams"]) == ("organiser", created["join_code"], [])
    again = requests.get(created["organiser_url"], allow_redirects=False)
    assert again.status_code == 401  # used up
    stranger = requests.get(f"{server.url}/api/organisations/{created['id']}")
    assert stranger.status_code == 404
    assert requests.get(f"{server.url}/o/{created['id']}").status_code == 404


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 200}, {"name": 5}, {"name": "a", "extra": 1}])
def test_a_bad_organisation_is_refused(server, body):
    r = requests.post(f"{server.url}/api/organisations", json=body)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid"


def test_teams_join_and_everyone_in_them_sees_the_organisation(orgs):
    for team in (orgs.sales, orgs.support):
        for client in (team.console, *team.phones.values()):
            settings = client.wait_for("settings_changed", lambda s: s.get("organisation") is not None)
            assert settings["organisation"] == {"id": orgs.id, "name": "Acme"}
            assert client.call("sync")["state"]["workshop"]["organisation"] == {"id": orgs.id, "name": "Acme"}
    page = orgs.page()
    assert [t["title"] for t in page["teams"]] == ["Sales", "Support"]


def test_a_wrong_join_code_finds_nothing_and_only_the_facilitator_joins(orgs, server, new_workshop):
    other = new_workshop(title="Other")
    console = other.facilitator()
    assert console.call("join_organisation", {"code": "NOPE"})["error"]["code"] == "not_found"
    anna = orgs.sales.phones["Anna"]
    assert anna.call("join_organisation", {"code": orgs.created["join_code"]})["error"]["code"] == "forbidden"
    assert anna.call("leave_organisation", {})["error"]["code"] == "forbidden"
    for bad in [{"code": 5}, {"code": "x" * 41}, {}, {"code": "A", "x": 1}, []]:
        assert console.call("join_organisation", bad)["error"]["code"] == "invalid"
    # the code is read loosely (spaces, lower case), as a person types it
    code = orgs.created["join_code"].lower()
    spaced = " ".join(code[i : i + 4] for i in range(0, len(code), 4))
    assert console.call("join_organisation", {"code": spaced})["organisation"]["name"] == "Acme"


def test_the_organiser_rotates_the_join_code(orgs, new_workshop):
    r = orgs.organiser.post(f"{orgs.server.url}/api/organisations/{orgs.id}/join-code")
    assert r.status_code == 200
    fresh = r.json()["join_code"]
    late = new_workshop(title="Late").facilitator()
    assert late.call("join_organisation", {"code": orgs.created["join_code"]})["error"]["code"] == "not_found"
    assert late.call("join_organisation", {"code": fresh})["ok"] is True
    assert [t["title"] for t in orgs.page()["teams"]] == ["Sales", "Support", "Late"]
    # a member may not rotate it
    member = cookie_session(orgs.server, orgs.sales.code, "facilitator", orgs.sales.workshop.token)
    r = member.post(f"{orgs.server.url}/api/organisations/{orgs.id}/join-code")
    assert r.status_code == 403


# --- the page: each team's view only ------------------------------------------------------------


def test_the_page_shows_each_teams_open_asks_and_offers_as_the_team_sees_them(orgs):
    support = orgs.support
    hidden = support.drive("Dirk", "Quiet numbers", visibility="facilitator", offered=False)
    anonymous = support.drive("Dirk", "Secret listening")
    not_offered = support.drive("Cas", "Not for the market", offered=False)
    moderated = support.drive("Cas", "Moderated away")
    support.console.call("set_card_hidden", {"id": moderated["id"], "hidden": True})
    # Dirk offers the anonymous one; a strength waiting for Cas's yes is no offer
    pending = support.phones["Dirk"].call(
        "add_card", {"kind": "strength", "about": support.phones["Cas"].id, "text": "Patient"}
    )
    anon = support.phones["Dirk"].call("edit_card", {"id": anonymous["id"], "visibility": "anonymous"})
    assert anon["ok"] is True, anon
    seen_by = {
        "organiser": orgs.organiser,
        "sales facilitator": cookie_session(orgs.server, orgs.sales.code, "facilitator", orgs.sales.workshop.token),
        "sales member": cookie_session(
            orgs.server, orgs.sales.code, "participant", orgs.sales.workshop.people["Bram"]["participant_token"]
        ),
    }
    for who, session in seen_by.items():
        page = orgs.page(session)
        team = next(t for t in page["teams"] if t["title"] == "Support")
        offers = {o["text"]: o for o in team["offers"]}
        assert set(offers) == {"Listening", "Explaining", "Secret listening"}, who
        assert offers["Secret listening"]["person"] is None
        assert offers["Listening"]["person"] == "Cas"
        (ask,) = team["asks"]
        assert (ask["goal"], ask["text"], ask["owner"], ask["kind"]) == (
            "Customer calls",
            "Help with Customer calls",
            "Cas",
            "project",
        )
        text = json.dumps(page)
        for secret in ("Quiet numbers", "Not for the market", "Moderated away", "Patient"):
            assert secret not in text, (who, secret)
        assert "participant_token" not in text and orgs.sales.workshop.token not in text
        assert orgs.sales.code not in text and orgs.support.code not in text  # join codes never
    assert hidden and not_offered and pending


def test_a_closed_market_shows_no_asks_or_offers(orgs):
    orgs.support.console.call("close_market", {})
    team = next(t for t in orgs.page()["teams"] if t["title"] == "Support")
    assert (team["market_open"], team["asks"], team["offers"]) == (False, [], [])


# --- cross-team proposals: consent --------------------------------------------------------------


def test_an_answer_to_another_teams_ask_is_decided_by_the_asks_owner(orgs):
    bram, cas, dirk = orgs.sales.phones["Bram"], orgs.support.phones["Cas"], orgs.support.phones["Dirk"]
    ack = orgs.propose(bram, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Bram"], note="I love calls")
    assert ack["ok"] is True, ack
    proposal = ack["proposal"]
    assert (proposal["kind"], proposal["status"], proposal["decider"], proposal["mine"]) == (
        "answer",
        "waiting",
        "owner",
        True,
    )
    heard = cas.wait_for("across_saved", lambda d: d["proposal"]["id"] == proposal["id"])["proposal"]
    assert (heard["waits_for_me"], heard["card"]["person"], heard["maker"], heard["note"]) == (
        True,
        "Bram",
        "Bram",
        "I love calls",
    )
    for console in (orgs.sales.console, orgs.support.console):
        console.wait_for("across_saved", lambda d: d["proposal"]["id"] == proposal["id"])
    assert cas.call("list_across", {})["waiting"] == 1
    # Dirk (not the owner) may not decide, and never hears of it
    assert dirk.call("decide_across", {"id": proposal["id"], "answer": "accept"})["error"]["code"] == "not_found"
    assert bram.call("decide_across", {"id": proposal["id"], "answer": "accept"})["error"]["code"] == "forbidden"
    done = cas.call("decide_across", {"id": proposal["id"], "answer": "accept"})
    assert (done["proposal"]["status"], done["proposal"]["decider"]) == ("accepted", "owner")
    bram.wait_for("across_saved", lambda d: d["proposal"]["status"] == "accepted")
    for phone in (dirk, orgs.sales.phones["Anna"]):
        phone.call("sync")
        assert proposal["id"] not in everything(phone) and "I love calls" not in everything(phone)
    team = next(t for t in orgs.page()["teams"] if t["title"] == "Support")
    assert team["asks"][0]["matched"] is True
    assert orgs.page()["counts"] == {"waiting": 0, "accepted": 1, "declined": 0, "withdrawn": 0}
    assert "I love calls" not in json.dumps(orgs.page())  # the organiser counts only


def test_an_answer_without_owner_is_the_ask_teams_facilitator_to_decide(server, new_workshop, orgs):
    orgs.support.console.call("set_ask", {"goal_id": orgs.support.goal, "open": True, "owner_id": None})
    bram = orgs.sales.phones["Bram"]
    proposal = orgs.propose(bram, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Bram"])["proposal"]
    assert proposal["decider"] == "facilitator"
    # the card's team's facilitator sees it, but does not decide an answer to another team's ask
    refused = orgs.sales.console.call("decide_across", {"id": proposal["id"], "answer": "accept"})
    assert refused["error"]["code"] == "forbidden"
    assert orgs.support.console.call("list_across", {})["waiting"] == 1
    done = orgs.support.console.call("decide_across", {"id": proposal["id"], "answer": "decline"})
    assert (done["proposal"]["status"], done["proposal"]["decider"]) == ("declined", "facilitator")


def test_a_colleagues_proposal_waits_for_the_cards_person_who_refuses_or_agrees(orgs):
    anna, cas = orgs.sales.phones["Anna"], orgs.support.phones["Cas"]
    # Anna proposes Cas's offer (Support) for her own team's ask (Sales)
    ack = orgs.propose(anna, "Sales", orgs.sales.goal, "Support", orgs.support.cards["Cas"], note="You'd be great")
    proposal = ack["proposal"]
    assert (proposal["kind"], proposal["decider"]) == ("propose", "person")
    assert (
        orgs.support.console.call("decide_across", {"id": proposal["id"], "answer": "accept"})["error"]["code"]
        == "forbidden"
    )
    declined = cas.call("decide_across", {"id": proposal["id"], "answer": "decline"})
    assert declined["proposal"]["status"] == "declined"
    assert cas.call("decide_across", {"id": proposal["id"], "answer": "decline"})["ok"] is True  # a replay
    assert cas.call("decide_across", {"id": proposal["id"], "answer": "accept"})["error"]["code"] == "conflict"
    # asked again, Cas agrees
    again = orgs.propose(anna, "Sales", orgs.sales.goal, "Support", orgs.support.cards["Cas"])["proposal"]
    assert cas.call("decide_across", {"id": again["id"], "answer": "accept"})["proposal"]["status"] == "accepted"
    # a matched pair is not proposed again
    third = orgs.propose(anna, "Sales", orgs.sales.goal, "Support", orgs.support.cards["Cas"])
    assert third["error"]["code"] == "conflict"


def test_the_facilitator_brokers_their_own_peoples_offers_only(orgs):
    broker = orgs.propose(orgs.sales.console, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Anna"])
    assert broker["proposal"]["kind"] == "broker" and broker["proposal"]["made_by"] is None
    anna = orgs.sales.phones["Anna"]
    heard = anna.wait_for("across_saved", lambda d: d["proposal"]["id"] == broker["proposal"]["id"])
    assert heard["proposal"]["waits_for_me"] is True
    other = orgs.propose(orgs.sales.console, "Sales", orgs.sales.goal, "Support", orgs.support.cards["Cas"])
    assert other["error"]["code"] == "forbidden"
    assert (
        orgs.sales.console.call("withdraw_across", {"id": broker["proposal"]["id"]})["proposal"]["status"]
        == "withdrawn"
    )
    assert (
        anna.call("decide_across", {"id": broker["proposal"]["id"], "answer": "accept"})["error"]["code"] == "conflict"
    )


def test_only_its_maker_withdraws(orgs):
    anna, bram = orgs.sales.phones["Anna"], orgs.sales.phones["Bram"]
    proposal = orgs.propose(anna, "Support", orgs.support.goal, "Support", orgs.support.cards["Cas"])
    assert proposal["error"]["code"] == "invalid"  # one team: that is what propose is for
    proposal = orgs.propose(bram, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Anna"])["proposal"]
    assert anna.call("withdraw_across", {"id": proposal["id"]})["error"]["code"] == "forbidden"
    assert orgs.support.console.call("withdraw_across", {"id": proposal["id"]})["error"]["code"] == "forbidden"
    assert bram.call("withdraw_across", {"id": proposal["id"]})["proposal"]["status"] == "withdrawn"


def test_what_cannot_be_proposed_across(orgs):
    sales, support = orgs.sales, orgs.support
    bram = sales.phones["Bram"]
    quiet = sales.drive("Bram", "Private thing", visibility="facilitator", offered=False)
    unoffered = sales.drive("Bram", "Kept home", offered=False)
    private = support.drive("Dirk", "Private there", visibility="facilitator", offered=False)
    assert orgs.propose(bram, "Support", support.goal, "Sales", quiet)["error"]["code"] == "forbidden"
    assert orgs.propose(bram, "Support", support.goal, "Sales", unoffered)["error"]["code"] == "forbidden"
    assert orgs.propose(bram, "Sales", sales.goal, "Support", private)["error"]["code"] == "not_found"
    unasked = support.console.call("add_goal", {"text": "Not asked", "kind": "goal"})["goal"]
    assert orgs.propose(bram, "Support", unasked["id"], "Sales", sales.cards["Bram"])["error"]["code"] == "not_found"
    support.console.call("close_market", {})
    assert orgs.propose(bram, "Support", support.goal, "Sales", sales.cards["Bram"])["error"]["code"] == "closed"


def test_a_third_team_and_an_outsider(orgs, server, new_workshop):
    third = Team(server, new_workshop, "Finance", "Budget", ["Eva"], ["Counting"])
    eva = third.phones["Eva"]
    # not a member yet: nothing of the organisation
    assert eva.call("list_across", {})["organisation"] is None
    refused = orgs.propose(eva, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Anna"])
    assert refused["error"]["code"] == "not_found"
    outsider = cookie_session(server, third.code, "participant", third.workshop.people["Eva"]["participant_token"])
    assert outsider.get(f"{server.url}/api/organisations/{orgs.id}").status_code == 404
    third.join(orgs.created["join_code"])
    # Eva proposes Anna (Sales) for Support's ask: a third team's member, seen by both teams only
    proposal = orgs.propose(eva, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Anna"])["proposal"]
    third.console.call("sync")
    assert proposal["id"] not in everything(third.console)
    for console in (orgs.sales.console, orgs.support.console):
        console.wait_for("across_saved", lambda d: d["proposal"]["id"] == proposal["id"])
    assert orgs.page(outsider)["you"] == "participant"


def test_an_anonymous_offer_stays_anonymous_across(orgs):
    dirk, cas = orgs.support.phones["Dirk"], orgs.support.phones["Cas"]
    secret = orgs.support.drive("Dirk", "Quietly good with numbers", visibility="anonymous")
    anna = orgs.sales.phones["Anna"]
    # Dirk answers Sales's ask with it: Anna (the owner) decides without learning who
    proposal = orgs.propose(dirk, "Sales", orgs.sales.goal, "Support", secret)["proposal"]
    heard = anna.wait_for("across_saved", lambda d: d["proposal"]["id"] == proposal["id"])["proposal"]
    assert (heard["made_by"], heard["maker"], heard["card"]["person"]) == (None, None, None)
    assert dirk.id not in everything(anna) and "Dirk" not in json.dumps(heard)
    sales_console = orgs.sales.console.wait_for("across_saved", lambda d: d["proposal"]["id"] == proposal["id"])
    assert sales_console["proposal"]["card"]["person"] is None
    assert anna.call("decide_across", {"id": proposal["id"], "answer": "accept"})["ok"] is True
    support = next(t for t in orgs.page()["teams"] if t["title"] == "Support")
    offer = next(o for o in support["offers"] if o["text"] == "Quietly good with numbers")
    assert (offer["person"], offer["matched"]) == (None, True)
    assert proposal["id"] not in everything(cas)


# --- leaving -----------------------------------------------------------------------------------


def test_a_team_leaving_withdraws_what_waits_and_disappears_from_the_page(orgs):
    bram, cas = orgs.sales.phones["Bram"], orgs.support.phones["Cas"]
    proposal = orgs.propose(bram, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Bram"])["proposal"]
    ack = orgs.sales.console.call("leave_organisation", {})
    assert ack["organisation"] is None
    bram.wait_for("settings_changed", lambda s: "organisation" in s and s["organisation"] is None)
    withdrawn = cas.wait_for("across_saved", lambda d: d["proposal"]["status"] == "withdrawn")
    assert withdrawn["proposal"]["id"] == proposal["id"]
    assert [t["title"] for t in orgs.page()["teams"]] == ["Support"]
    assert cas.call("decide_across", {"id": proposal["id"], "answer": "accept"})["error"]["code"] == "conflict"
    member = cookie_session(orgs.server, orgs.sales.code, "facilitator", orgs.sales.workshop.token)
    assert member.get(f"{orgs.server.url}/api/organisations/{orgs.id}").status_code == 404
    assert bram.call("list_across", {})["organisation"] is None


def test_the_organiser_removes_a_team(orgs):
    handles = orgs.handles()
    r = orgs.organiser.delete(f"{orgs.server.url}/api/organisations/{orgs.id}/teams/{handles['Support']}")
    assert r.status_code == 204
    orgs.support.console.wait_for("settings_changed", lambda s: "organisation" in s and s["organisation"] is None)
    assert [t["title"] for t in orgs.page()["teams"]] == ["Sales"]
    member = cookie_session(orgs.server, orgs.sales.code, "facilitator", orgs.sales.workshop.token)
    r = member.delete(f"{orgs.server.url}/api/organisations/{orgs.id}/teams/{handles['Sales']}")
    assert r.status_code == 403


def test_a_person_leaving_takes_their_words_and_withdraws_what_they_made(orgs):
    bram, cas = orgs.sales.phones["Bram"], orgs.support.phones["Cas"]
    made = orgs.propose(bram, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Anna"], note="Bram's words")
    proposal = made["proposal"]
    cas.wait_for("across_saved", lambda d: d["proposal"]["id"] == proposal["id"])
    assert bram.call("leave_workshop", {})["ok"] is True
    after = orgs.support.console.wait_for(
        "across_saved", lambda d: d["proposal"]["id"] == proposal["id"] and d["proposal"]["status"] == "withdrawn"
    )
    assert after["proposal"]["note"] is None and after["proposal"]["maker"] is None
    assert "Bram's words" not in json.dumps(orgs.support.console.call("list_across", {}))


def test_a_card_going_takes_its_crossings_with_it(orgs):
    anna, cas = orgs.sales.phones["Anna"], orgs.support.phones["Cas"]
    proposal = orgs.propose(anna, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Anna"])["proposal"]
    assert cas.call("decide_across", {"id": proposal["id"], "answer": "accept"})["ok"] is True
    orgs.sales.console.call("remove_participant", {"id": anna.id})
    gone = cas.wait_for("across_deleted", lambda d: d["id"] == proposal["id"])
    assert gone == {"id": proposal["id"]}
    assert orgs.page()["counts"]["accepted"] == 0


def test_a_workshop_erased_takes_its_crossings(orgs):
    cas = orgs.support.phones["Cas"]
    proposal = orgs.propose(orgs.sales.phones["Bram"], "Support", orgs.support.goal, "Sales", orgs.sales.cards["Bram"])[
        "proposal"
    ]
    assert orgs.sales.console.call("delete_workshop", {"code": orgs.sales.code})["ok"] is True
    cas.wait_for("across_deleted", lambda d: d["id"] == proposal["id"])
    assert [t["title"] for t in orgs.page()["teams"]] == ["Support"]
    assert orgs.page()["counts"] == {"waiting": 0, "accepted": 0, "declined": 0, "withdrawn": 0}


# --- hostile payloads ---------------------------------------------------------------------------


def bram_for_support(orgs, **change) -> dict:
    """A cross-team proposal: Bram's card (Sales) for Support's ask, with ``change`` on top."""
    handles = orgs.handles()
    return {
        "id": new_id(),
        "organisation_id": orgs.id,
        "goal_workshop": handles["Support"],
        "goal_id": orgs.support.goal,
        "card_workshop": handles["Sales"],
        "card_id": orgs.sales.cards["Bram"]["id"],
        **change,
    }


@pytest.mark.parametrize(
    "change",
    [
        {"goal_workshop": "code!"},
        {"organisation_id": "x"},
        {"type": "loves"},
        {"note": "x" * 2000},
        {"id": 5},
        {"card_id": None},
        {"extra": True},
    ],
)
def test_a_bad_cross_team_proposal_is_invalid_to_its_sender_only(orgs, change):
    payload = bram_for_support(orgs, **change)
    bram, cas = orgs.sales.phones["Bram"], orgs.support.phones["Cas"]
    assert bram.call("propose_across", payload)["error"]["code"] == "invalid"
    cas.call("sync")
    assert not cas.received("across_saved")


def test_an_id_is_not_taken_twice_and_a_replay_is_the_same(orgs):
    bram = orgs.sales.phones["Bram"]
    payload = bram_for_support(orgs)
    first = bram.call("propose_across", payload)
    assert bram.call("propose_across", payload)["proposal"] == first["proposal"]
    assert bram.call("propose_across", {**payload, "note": "other"})["error"]["code"] == "conflict"
    anna = orgs.sales.phones["Anna"]
    assert anna.call("propose_across", payload)["error"]["code"] == "conflict"


def test_the_board_only_reads(orgs):
    board = orgs.sales.workshop.facilitator("board")
    assert board.call("list_across", {})["organisation"] is None  # the console's, not the projector's
    refused = orgs.propose(board, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Bram"])
    assert refused["ok"] is False


# --- afterwards: the summaries -----------------------------------------------------------------


def test_a_match_shows_in_both_teams_summaries(orgs):
    bram, cas = orgs.sales.phones["Bram"], orgs.support.phones["Cas"]
    proposal = orgs.propose(bram, "Support", orgs.support.goal, "Sales", orgs.sales.cards["Bram"])["proposal"]
    cas.call("decide_across", {"id": proposal["id"], "answer": "accept"})
    base = orgs.server.url
    for team, ours, other in ((orgs.support, "goal", "Sales"), (orgs.sales, "card", "Support")):
        headers = {"Authorization": f"Bearer {team.workshop.token}"}
        body = requests.get(f"{base}/api/workshops/{team.code}/summary.json", headers=headers).json()
        assert body["matches"] == [
            {"goal": "Customer calls", "team": other, "card": "Numbers", "person": "Bram", "ours": ours}
        ]
        markdown = requests.get(f"{base}/api/workshops/{team.code}/summary.md", headers=headers).text
        assert "Matches with other teams" in markdown and "Numbers (Bram)" in markdown
    # made facilitator-only since: gone from the summaries and from the other team's screens
    bram.call("edit_card", {"id": orgs.sales.cards["Bram"]["id"], "visibility": "facilitator"})
    headers = {"Authorization": f"Bearer {orgs.support.workshop.token}"}
    body = requests.get(f"{base}/api/workshops/{orgs.support.code}/summary.json", headers=headers).json()
    assert body["matches"] == []
    assert "Numbers" not in json.dumps(cas.call("list_across", {}))


# --- the page itself ---------------------------------------------------------------------------


def test_the_page_opens_for_the_organiser_and_members_only(orgs, server):
    r = orgs.organiser.get(f"{server.url}/o/{orgs.id}")
    assert r.status_code == 200 and 'data-testid="org-organiser"' in r.text
    assert r.headers["Cache-Control"] == "no-store"
    member = cookie_session(
        server, orgs.sales.code, "participant", orgs.sales.workshop.people["Anna"]["participant_token"]
    )
    r = member.get(f"{server.url}/o/{orgs.id}")
    assert r.status_code == 200 and 'data-testid="org-organiser"' not in r.text
    assert orgs.created["join_code"] not in r.text
    assert requests.get(f"{server.url}/o/{orgs.id}").status_code == 404
    assert requests.get(f"{server.url}/o/{'x' * 300}").status_code == 404


def test_the_home_page_form_creates_an_organisation_signed_in(server):
    session = requests.Session()
    r = session.post(f"{server.url}/organisations", data={"name": "Acme Home"}, allow_redirects=False)
    assert r.status_code == 303
    page = session.get(server.url + r.headers["Location"])
    assert page.status_code == 200 and "Acme Home" in page.text
    foreign = requests.post(
        f"{server.url}/organisations", data={"name": "Evil"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403


def test_the_cross_team_words_follow_each_workshops_language(server, new_workshop):
    """The words come from an imported template: rendered in English first, Dutch must still be Dutch."""
    for language, word in (
        ("en", "Proposals with other teams"),
        ("nl", "Voorstellen met andere teams"),
        ("en", "Proposals with other teams"),
    ):
        workshop = new_workshop(title="Words", language=language)
        person = workshop.api.join(workshop.code, "Anna")
        session = cookie_session(server, workshop.code, "participant", person["participant_token"])
        assert word in session.get(f"{server.url}/w/{workshop.code}/phone/market").text
        console = cookie_session(server, workshop.code, "facilitator", workshop.token)
        assert word in console.get(f"{server.url}/w/{workshop.code}/facilitate").text
