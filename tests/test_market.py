"""The marketplace over the protocol: opening it until a day, asks, offers, proposals and their
decisions, who sees what of them, the counts of what waits, suggestions and the digest opt-in.

Each test is a small team: the console, the board, and Anna, Bram and Cas on their phones, with
goals listed as asks. Assertions are on what each client received (and what it did not).
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from helpers import Client
from inprocess import elapse

GOALS = [
    {"text": "Klant onboarding verbeteren", "kind": "project"},
    {"text": "Grow sales in the north", "kind": "goal"},
    {"text": "Weekly customer calls", "kind": "activity"},
]


def new_id() -> str:
    return "prop-" + secrets.token_hex(6)


def today(server) -> date:
    clock = getattr(server, "clock", None)
    return (clock.now() if clock is not None else datetime.now(UTC)).date()


def everything(client) -> str:
    return json.dumps(client.events)


class Market:
    """A workshop open as a marketplace for a week: the console, the board, Anna, Bram and Cas.
    Anna owns the onboarding ask; the sales goal is asked without an owner; the calls goal is
    not listed. Anna, Bram and Cas each wrote a named drive; Cas also an anonymous one and one
    only the facilitator sees."""

    def __init__(self, server, workshop):
        self.server, self.workshop = server, workshop
        self.console, self.board = workshop.facilitator(), workshop.facilitator("board")
        self.anna, self.bram, self.cas = (workshop.participant(n) for n in ("Anna", "Bram", "Cas"))
        self.phones = (self.anna, self.bram, self.cas)
        self.onboarding, self.sales, self.calls = (g["id"] for g in self.anna.state["goals"])
        until = (today(server) + timedelta(days=7)).isoformat()
        assert self.console.call("open_market", {"until": until})["ok"] is True
        self.until = until
        self.ask(self.onboarding, text="Wie helpt klanten op weg?", effort="twee middagen", owner_id=self.anna.id)
        self.ask(self.sales, text="Ideas for the north", effort="an hour a week")
        self.a1 = self.drive(self.anna, "Onboarding nieuwe klanten")
        self.b1 = self.drive(self.bram, "Klant blij maken met onboarding")
        self.c1 = self.drive(self.cas, "Sales in the north")
        self.c_anon = self.drive(self.cas, "Explaining onboarding to klant", "anonymous")
        self.c_private = self.drive(self.cas, "Quiet sales work", "facilitator")

    @staticmethod
    def drive(phone, text, visibility="named") -> dict:
        ack = phone.call("add_card", {"kind": "drive", "text": text, "visibility": visibility})
        assert ack["ok"] is True, ack
        return ack["card"]

    def ask(self, goal_id, open=True, **fields) -> dict:
        ack = self.console.call("set_ask", {"goal_id": goal_id, "open": open, **fields})
        assert ack["ok"] is True, ack
        return ack

    def offer(self, phone, card, offered=True) -> dict:
        ack = phone.call("set_offer", {"card_id": card["id"], "offered": offered})
        assert ack["ok"] is True, ack
        return ack

    def propose(self, client, goal_id, card, **fields) -> dict:
        payload = {"id": new_id(), "goal_id": goal_id, "card_id": card["id"], **fields}
        return client.call("propose", payload)

    def board_with_its_key(self):
        """A board connected with the board's own read-only key."""
        url = self.console.call("create_board_link", {})["url"]
        key = parse_qs(urlsplit(url).query)["key"][0]
        client = Client(self.server.url, {"code": self.workshop.code, "role": "board", "view": "board", "token": key})
        self.workshop._clients.append(client)
        return client

    def everyone(self):
        return (self.console, self.board, *self.phones)


def heard(client, version: int) -> tuple[str, dict]:
    """The event (name, payload) this client received with this version (a sync round trip
    first: whatever was sent before it has arrived)."""
    client.call("sync")
    for name, data in list(client.events):
        if name != "state" and isinstance(data, dict) and data.get("version") == version:
            return name, data
    raise AssertionError(f"{client.name}: nothing at version {version}")


def state(client) -> dict:
    return client.call("sync")["state"]


@pytest.fixture
def market(server, new_workshop) -> Market:
    return Market(server, new_workshop(goals=GOALS))


# --- opening and closing the market ----------------------------------------------------------


def test_the_market_opens_until_a_day_and_every_screen_sees_it(market):
    for client in market.everyone():
        settings = client.wait_for("settings_changed", lambda s: s["market_until"] == market.until)
        assert settings["market_open"] is True
        workshop = state(client)["workshop"]
        assert (workshop["market_until"], workshop["market_open"]) == (market.until, True)
    ack = market.console.call("close_market", {})
    for client in market.everyone():
        name, settings = heard(client, ack["version"])
        assert (name, settings["market_until"], settings["market_open"]) == ("settings_changed", None, False)


def test_the_market_is_open_to_the_end_of_its_last_day(server, market):
    if getattr(server, "clock", None) is None:
        pytest.skip("needs the injected clock")
    last_day = date.fromisoformat(market.until)
    server.clock.set(datetime(last_day.year, last_day.month, last_day.day, 23, 59, tzinfo=UTC))
    assert state(market.anna)["workshop"]["market_open"] is True
    assert market.propose(market.anna, market.sales, market.a1)["ok"] is True
    elapse(server, 120)
    assert state(market.anna)["workshop"]["market_open"] is False
    late = market.propose(market.bram, market.sales, market.b1)
    assert late["error"]["code"] == "closed"


@pytest.mark.parametrize("days", [0, -1, 366])
def test_the_market_opens_after_today_and_at_most_a_year_ahead(server, market, days):
    until = (today(server) + timedelta(days=days)).isoformat()
    ack = market.console.call("open_market", {"until": until})
    assert ack["error"]["code"] == "invalid"
    assert state(market.anna)["workshop"]["market_until"] == market.until


@pytest.mark.parametrize("until", ["2030-02-30", "tomorrow", "2030-1-1", 20300101, None])
def test_an_unreadable_day_is_invalid(market, until):
    assert market.console.call("open_market", {"until": until})["error"]["code"] == "invalid"


def test_only_the_facilitator_opens_the_market_and_not_in_a_closed_workshop(server, market):
    until = (today(server) + timedelta(days=3)).isoformat()
    assert market.anna.call("open_market", {"until": until})["error"]["code"] == "forbidden"
    assert market.anna.call("close_market", {})["error"]["code"] == "forbidden"
    board = market.board_with_its_key()
    assert board.call("open_market", {"until": until})["error"]["code"] == "forbidden"
    assert board.call("set_ask", {"goal_id": market.sales, "open": True})["error"]["code"] == "forbidden"
    assert board.call("suggest_matches", {})["error"]["code"] == "forbidden"
    market.console.call("set_phase", {"phase": "closed"})
    assert market.console.call("open_market", {"until": until})["error"]["code"] == "closed"


# --- asks --------------------------------------------------------------------------------------


def test_an_ask_is_part_of_its_goal_for_everyone(market):
    for client in market.everyone():
        goals = {g["id"]: g for g in state(client)["goals"]}
        assert goals[market.onboarding]["ask"] == {
            "open": True,
            "text": "Wie helpt klanten op weg?",
            "effort": "twee middagen",
            "owner_id": market.anna.id,
        }
        assert goals[market.sales]["ask"]["owner_id"] is None
        assert goals[market.calls]["ask"] is None
    ack = market.ask(market.calls, text="Who calls?")
    for client in market.everyone():
        name, saved = heard(client, ack["version"])
        assert name == "goal_saved"
        assert saved["goal"]["ask"] == {"open": True, "text": "Who calls?", "effort": None, "owner_id": None}


def test_fields_left_out_of_set_ask_stay_and_null_clears_them(market):
    ack = market.console.call("set_ask", {"goal_id": market.onboarding, "open": False})
    assert ack["goal"]["ask"] == {
        "open": False,
        "text": "Wie helpt klanten op weg?",
        "effort": "twee middagen",
        "owner_id": market.anna.id,
    }
    ack = market.console.call("set_ask", {"goal_id": market.onboarding, "open": True, "effort": None, "owner_id": None})
    assert ack["goal"]["ask"] == {"open": True, "text": "Wie helpt klanten op weg?", "effort": None, "owner_id": None}
    again = market.console.call("set_ask", {"goal_id": market.onboarding, "open": True})
    assert again["replayed"] is True


def test_the_asks_owner_changes_its_text_and_effort_only(market):
    ack = market.anna.call(
        "set_ask", {"goal_id": market.onboarding, "open": True, "text": "Wie helpt?", "effort": "Q3"}
    )
    assert ack["ok"] is True
    assert ack["goal"]["ask"]["text"] == "Wie helpt?"
    assert market.bram.wait_for("goal_saved", lambda g: g["version"] == ack["version"])["goal"]["ask"]["effort"] == "Q3"
    closing = market.anna.call("set_ask", {"goal_id": market.onboarding, "open": False})
    assert closing["error"]["code"] == "forbidden"
    handing = market.anna.call("set_ask", {"goal_id": market.onboarding, "open": True, "owner_id": market.bram.id})
    assert handing["error"]["code"] == "forbidden"
    assert market.bram.call("set_ask", {"goal_id": market.onboarding, "open": True, "text": "Mine"})["error"][
        "code"
    ] == ("forbidden")
    assert market.anna.call("set_ask", {"goal_id": market.sales, "open": True, "text": "x"})["error"]["code"] == (
        "forbidden"
    )


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"owner_id": "nobody-here-1234"}, "not_found"),
        ({"text": "x" * 281}, "invalid"),
        ({"effort": "x" * 81}, "invalid"),
        ({"effort": "two\nlines"}, "invalid"),
        ({"text": ""}, "invalid"),
        ({"colour": "red"}, "invalid"),
    ],
)
def test_a_bad_ask_is_refused_to_its_sender(market, fields, code):
    ack = market.console.call("set_ask", {"goal_id": market.sales, "open": True, **fields})
    assert ack["error"]["code"] == code
    assert market.console.call("set_ask", {"goal_id": "no-such-goal", "open": True})["error"]["code"] == "not_found"
    assert market.console.call("set_ask", {"goal_id": market.sales})["error"]["code"] == "invalid"


# --- offers ------------------------------------------------------------------------------------


def test_a_card_is_offered_by_its_own_person_and_seen_with_the_card(market):
    assert market.a1["offered"] is False
    ack = market.offer(market.anna, market.a1)
    assert ack["card"]["offered"] is True
    for client in market.everyone():
        name, saved = heard(client, ack["version"])
        assert (name, saved["card"]["id"], saved["card"]["offered"]) == ("card_saved", market.a1["id"], True)
    assert market.bram.call("set_offer", {"card_id": market.a1["id"], "offered": False})["error"]["code"] == "forbidden"
    assert market.console.call("set_offer", {"card_id": market.a1["id"], "offered": False})["error"]["code"] == (
        "forbidden"
    )
    assert market.anna.call("set_offer", {"card_id": market.a1["id"], "offered": True})["replayed"] is True


def test_an_offered_facilitator_only_drive_is_seen_by_the_facilitator_alone(market):
    ack = market.offer(market.cas, market.c_private)
    assert heard(market.console, ack["version"])[1]["card"]["offered"] is True
    for client in (market.board, market.anna, market.bram):
        assert heard(client, ack["version"])[0] == "hidden_change"
        assert "Quiet sales work" not in everything(client)


def test_a_strength_is_offered_once_accepted_and_a_hidden_card_not_at_all(market):
    strength = market.anna.call("add_card", {"kind": "strength", "text": "Patient", "about": market.bram.id})["card"]
    refused = market.bram.call("set_offer", {"card_id": strength["id"], "offered": True})
    assert refused["error"]["code"] == "forbidden"
    assert market.anna.call("set_offer", {"card_id": strength["id"], "offered": True})["error"]["code"] == "forbidden"
    market.bram.call("respond_strength", {"id": strength["id"], "answer": "accept"})
    assert market.offer(market.bram, strength)["card"]["offered"] is True
    # New words from its author: pending again, and no longer offered until its person says so.
    edited = market.anna.call("edit_card", {"id": strength["id"], "text": "Very patient"})
    assert (edited["card"]["status"], edited["card"]["offered"]) == ("pending", False)

    market.offer(market.bram, market.b1)
    hidden = market.console.call("set_card_hidden", {"id": market.b1["id"], "hidden": True})
    assert hidden["card"]["offered"] is False
    assert market.bram.call("set_offer", {"card_id": market.b1["id"], "offered": True})["error"]["code"] == "forbidden"


def test_a_card_one_cannot_see_is_not_found_when_offered(market):
    ack = market.anna.call("set_offer", {"card_id": market.c_private["id"], "offered": True})
    assert ack["error"]["code"] == "not_found"


# --- proposals: an answer to an ask ------------------------------------------------------------


@pytest.mark.live  # the same over real sockets, several phones at once
def test_answering_an_ask_waits_for_its_owner_who_accepts_it_into_a_link(market):
    ack = market.propose(market.bram, market.onboarding, market.b1, type="grow", note="Ik help graag")
    assert ack["ok"] is True, ack
    proposal = ack["proposal"]
    assert proposal == {
        "id": proposal["id"],
        "goal_id": market.onboarding,
        "card_id": market.b1["id"],
        "kind": "answer",
        "type": "grow",
        "note": "Ik help graag",
        "made_by": market.bram.id,
        "status": "waiting",
        "created_at": proposal["created_at"],
        "decided_at": None,
        "link_id": None,
        "decider": "owner",
    }
    for client in (market.console, market.anna, market.bram):
        name, saved = heard(client, ack["version"])
        assert (name, saved["proposal"]["id"]) == ("proposal_saved", proposal["id"])
    for client in (market.board, market.cas):
        assert heard(client, ack["version"])[0] == "hidden_change"
        assert "Ik help graag" not in everything(client)
    assert state(market.anna)["waiting"] == 1
    assert state(market.bram)["waiting"] == 0
    assert state(market.console)["waiting_by_person"] == {market.anna.id: 1}

    # Bram may not decide his own answer; Cas may not even see it.
    assert market.bram.call("decide_proposal", {"id": proposal["id"], "answer": "accept"})["error"]["code"] == (
        "forbidden"
    )
    assert market.cas.call("decide_proposal", {"id": proposal["id"], "answer": "accept"})["error"]["code"] == (
        "not_found"
    )
    decided = market.anna.call("decide_proposal", {"id": proposal["id"], "answer": "accept"})
    assert decided["ok"] is True
    assert (decided["proposal"]["status"], decided["proposal"]["decider"]) == ("accepted", "owner")
    link_id = decided["proposal"]["link_id"]
    # The link is Bram's own, with the proposal's type, and everyone who sees the card sees it.
    for client in market.everyone():
        name, saved = heard(client, decided["version"] - 1)
        assert name == "link_saved"
        assert saved["link"] == {**saved["link"], "id": link_id, "card_id": market.b1["id"], "type": "grow"}
        assert saved["link"]["created_by"] == market.bram.id
    assert state(market.anna)["waiting"] == 0
    assert state(market.console)["waiting_by_person"] == {}
    # Then an agreement can be made on it, as today.
    agreement = market.bram.call("add_agreement", {"link_id": link_id, "text": "Twee middagen in juni"})
    assert agreement["ok"] is True


def test_an_answer_to_an_ask_without_owner_is_the_facilitators_to_decide(market):
    ack = market.propose(market.cas, market.sales, market.c1)
    assert ack["proposal"]["decider"] == "facilitator"
    assert state(market.console)["waiting"] == 1
    assert heard(market.anna, ack["version"])[0] == "hidden_change"
    declined = market.console.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "decline"})
    assert declined["proposal"]["status"] == "declined"
    assert declined["proposal"]["decided_at"] is not None
    assert heard(market.cas, declined["version"])[1]["proposal"]["status"] == "declined"
    assert state(market.console)["waiting"] == 0
    # Declined stays declined: accepting it now is a conflict; declining again a replay.
    again = market.console.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "decline"})
    assert again["replayed"] is True
    late = market.console.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "accept"})
    assert late["error"]["code"] == "conflict"


def test_the_facilitator_may_always_decide_an_answer(market):
    ack = market.propose(market.bram, market.onboarding, market.b1)
    decided = market.console.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "accept"})
    assert (decided["proposal"]["status"], decided["proposal"]["decider"]) == ("accepted", "facilitator")


def test_an_anonymous_cards_person_is_never_named_by_their_answer(market):
    ack = market.propose(market.cas, market.onboarding, market.c_anon, note="Graag")
    assert ack["proposal"]["made_by"] == market.cas.id  # to Cas herself
    _, seen_by_owner = heard(market.anna, ack["version"])
    assert seen_by_owner["proposal"]["made_by"] is None
    assert market.cas.id not in json.dumps(seen_by_owner)
    assert heard(market.console, ack["version"])[1]["proposal"]["made_by"] == market.cas.id
    owner_state = state(market.anna)
    assert [p["made_by"] for p in owner_state["proposals"]] == [None]
    decided = market.anna.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "accept"})
    assert decided["proposal"]["made_by"] is None
    link = heard(market.anna, decided["version"] - 1)[1]["link"]
    assert link["created_by"] is None
    assert market.cas.id not in json.dumps(market.anna.received("proposal_saved") + market.anna.received("link_saved"))


def test_who_proposed_an_anonymous_card_is_named_only_to_themself_and_its_person(market):
    market.offer(market.cas, market.c_anon)
    ack = market.propose(market.bram, market.onboarding, market.c_anon)
    assert ack["proposal"]["made_by"] == market.bram.id  # Bram knows what he did
    assert heard(market.cas, ack["version"])[1]["proposal"]["made_by"] == market.bram.id  # Cas sees her card whole
    assert heard(market.anna, ack["version"])[1]["proposal"]["made_by"] is None  # as on a link of the card


def test_an_answer_with_a_card_the_owner_cannot_see_is_the_facilitators_to_decide(market):
    ack = market.propose(market.cas, market.onboarding, market.c_private)
    assert ack["proposal"]["decider"] == "facilitator"
    assert heard(market.anna, ack["version"])[0] == "hidden_change"
    assert ack["proposal"]["id"] not in json.dumps(state(market.anna))
    assert market.anna.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "accept"})["error"]["code"] == (
        "not_found"
    )


# --- proposals: a colleague's offer, and brokering ---------------------------------------------


@pytest.mark.live  # the same over real sockets, several phones at once
def test_proposing_a_colleagues_offer_waits_for_that_colleague(market):
    refused = market.propose(market.anna, market.onboarding, market.b1)
    assert refused["error"]["code"] == "forbidden"  # not offered
    market.offer(market.bram, market.b1)
    ack = market.propose(market.anna, market.onboarding, market.b1, note="Jij kunt dit")
    assert (ack["proposal"]["kind"], ack["proposal"]["decider"]) == ("propose", "person")
    assert state(market.bram)["waiting"] == 1
    assert state(market.anna)["waiting"] == 0
    assert market.anna.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "accept"})["error"]["code"] == (
        "forbidden"
    )
    declined = market.bram.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "decline"})
    assert declined["proposal"]["status"] == "declined"
    # A declined offer is nobody's business: neither Cas nor the board ever hear of it.
    for client in (market.cas, market.board):
        assert heard(client, declined["version"])[0] == "hidden_change"
        assert ack["proposal"]["id"] not in everything(client)
        assert ack["proposal"]["id"] not in json.dumps(state(client))
    # Consent given the second time.
    again = market.propose(market.cas, market.onboarding, market.b1)
    assert again["ok"] is True
    accepted = market.bram.call("decide_proposal", {"id": again["proposal"]["id"], "answer": "accept"})
    assert accepted["proposal"]["status"] == "accepted"


def test_a_colleague_cannot_propose_a_card_they_cannot_see(market):
    market.offer(market.cas, market.c_private)
    assert market.propose(market.anna, market.sales, market.c_private)["error"]["code"] == "not_found"


def test_the_facilitator_brokers_an_offer_and_the_person_decides(market):
    assert market.propose(market.console, market.sales, market.c1)["error"]["code"] == "forbidden"
    market.offer(market.cas, market.c1)
    ack = market.propose(market.console, market.sales, market.c1, type="already")
    assert (ack["proposal"]["kind"], ack["proposal"]["made_by"], ack["proposal"]["decider"]) == (
        "broker",
        None,
        "person",
    )
    assert state(market.cas)["waiting"] == 1
    assert state(market.console)["waiting_by_person"] == {market.cas.id: 1}
    assert market.console.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "accept"})["error"][
        "code"
    ] == ("forbidden")
    accepted = market.cas.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "accept"})
    link = heard(market.anna, accepted["version"] - 1)[1]["link"]
    assert (link["type"], link["created_by"]) == ("already", market.cas.id)


def test_a_proposal_is_withdrawn_by_its_maker_while_it_waits(market):
    market.offer(market.bram, market.b1)
    ack = market.propose(market.anna, market.onboarding, market.b1)
    proposal_id = ack["proposal"]["id"]
    assert market.bram.call("withdraw_proposal", {"id": proposal_id})["error"]["code"] == "forbidden"
    assert market.console.call("withdraw_proposal", {"id": proposal_id})["error"]["code"] == "forbidden"
    withdrawn = market.anna.call("withdraw_proposal", {"id": proposal_id})
    assert withdrawn["proposal"]["status"] == "withdrawn"
    assert heard(market.bram, withdrawn["version"])[1]["proposal"]["status"] == "withdrawn"
    assert market.anna.call("withdraw_proposal", {"id": proposal_id})["replayed"] is True
    assert market.bram.call("decide_proposal", {"id": proposal_id, "answer": "accept"})["error"]["code"] == "conflict"
    assert state(market.bram)["waiting"] == 0


def test_proposals_are_refused_where_they_make_no_sense(market):
    market.offer(market.bram, market.b1)
    assert market.propose(market.anna, market.calls, market.b1)["error"]["code"] == "closed"  # not listed
    market.ask(market.sales, open=False)
    assert market.propose(market.anna, market.sales, market.b1)["error"]["code"] == "closed"  # ask closed
    assert market.propose(market.anna, "no-such-goal", market.b1)["error"]["code"] == "not_found"
    first = market.propose(market.anna, market.onboarding, market.b1)
    assert first["ok"] is True
    twice = market.propose(market.cas, market.onboarding, market.b1)
    assert twice["error"]["code"] == "conflict"  # one waits for this pair already
    market.bram.call("decide_proposal", {"id": first["proposal"]["id"], "answer": "accept"})
    linked = market.propose(market.cas, market.onboarding, market.b1)
    assert linked["error"]["code"] == "conflict"  # linked already
    strength = market.anna.call("add_card", {"kind": "strength", "text": "Kind", "about": market.bram.id})["card"]
    assert market.propose(market.bram, market.onboarding, strength)["error"]["code"] == "forbidden"  # pending
    market.console.call("close_market", {})
    assert market.propose(market.anna, market.onboarding, market.a1)["error"]["code"] == "closed"


def test_a_proposal_id_replayed_acks_it_and_other_content_is_a_conflict(market):
    payload = {"id": new_id(), "goal_id": market.onboarding, "card_id": market.b1["id"], "note": "Ja"}
    first = market.bram.call("propose", payload)
    again = market.bram.call("propose", payload)
    assert (again["replayed"], again["proposal"]) == (True, first["proposal"])
    other = market.bram.call("propose", {**payload, "note": "Nee"})
    assert other["error"]["code"] == "conflict"
    stolen = market.cas.call("propose", {**payload, "card_id": market.c1["id"]})
    assert stolen["error"]["code"] == "conflict"
    assert "Ja" not in json.dumps(stolen)


@pytest.mark.parametrize(
    "fields",
    [{"type": "loves"}, {"note": "x" * 281}, {"id": "short"}, {"kind": "broker"}, {"made_by": "someone-else"}],
)
def test_a_malformed_proposal_is_invalid(market, fields):
    payload = {"id": new_id(), "goal_id": market.onboarding, "card_id": market.b1["id"], **fields}
    assert market.bram.call("propose", payload)["error"]["code"] == "invalid"


def test_a_new_asks_owner_receives_the_proposals_on_it(market):
    ack = market.propose(market.cas, market.sales, market.c1, note="Noorden")
    handed = market.ask(market.sales, owner_id=market.bram.id)
    heard(market.bram, handed["version"])
    received = [p for p in market.bram.received("proposal_saved") if p["proposal"]["id"] == ack["proposal"]["id"]]
    assert len(received) == 1 and received[0]["version"] < handed["version"]
    assert received[0]["proposal"]["decider"] == "owner"
    assert state(market.bram)["waiting"] == 1
    assert state(market.console)["waiting"] == 0


def test_the_board_and_a_bystander_never_see_a_proposal_in_their_state(market):
    market.offer(market.bram, market.b1)
    market.propose(market.anna, market.onboarding, market.b1, note="Geheim")
    market.propose(market.cas, market.sales, market.c1)
    for client in (market.board,):
        snapshot = state(client)
        assert (snapshot["proposals"], snapshot["waiting"], snapshot["waiting_by_person"]) == ([], 0, None)
    cas = state(market.cas)
    assert [p["card_id"] for p in cas["proposals"]] == [market.c1["id"]]
    assert "Geheim" not in json.dumps(cas)
    assert state(market.anna)["waiting_by_person"] is None


# --- leaving takes one's marketplace data along ------------------------------------------------


def test_a_person_who_leaves_takes_their_proposals_and_ask_ownership(market):
    market.offer(market.bram, market.b1)
    made = market.propose(market.cas, market.onboarding, market.b1, note="Cas denkt aan Bram")
    about = market.propose(market.cas, market.sales, market.c1, note="Eigen aanbod")
    market.cas.call("leave_workshop", {})
    for client in (market.console, market.anna, market.bram):
        snapshot = state(client)
        ids = {p["id"] for p in snapshot["proposals"]}
        assert made["proposal"]["id"] not in ids and about["proposal"]["id"] not in ids
    assert market.anna.call("leave_workshop", {})["ok"] is True
    goals = {g["id"]: g for g in state(market.console)["goals"]}
    assert goals[market.onboarding]["ask"]["owner_id"] is None


# --- suggestions ---------------------------------------------------------------------------------


def test_suggestions_explain_themselves_and_cover_only_what_the_caller_may_see(market):
    market.offer(market.bram, market.b1)
    market.offer(market.cas, market.c_private)
    mine = market.bram.call("suggest_matches", {})
    assert mine["ok"] is True
    pairs = {(s["goal_id"], s["card_id"]) for s in mine["suggestions"]}
    assert (market.onboarding, market.b1["id"]) in pairs
    assert all(card == market.b1["id"] for _, card in pairs)  # Bram owns no ask: his own cards only
    found = next(s for s in mine["suggestions"] if s["card_id"] == market.b1["id"])
    assert "onboarding" in found["shared"] and found["reason"].startswith("shares: ")
    assert set(found) == {"goal_id", "card_id", "shared", "reason", "score"}

    owners = market.anna.call("suggest_matches", {})["suggestions"]
    assert (market.onboarding, market.b1["id"]) in {(s["goal_id"], s["card_id"]) for s in owners}
    assert market.c_private["id"] not in json.dumps(owners)

    everyone = market.console.call("suggest_matches", {})["suggestions"]
    assert market.c_private["id"] in {s["card_id"] for s in everyone}
    # The facilitator's board (the projector) gets those the team may see.
    projected = market.board.call("suggest_matches", {})["suggestions"]
    assert market.c_private["id"] not in json.dumps(projected)
    # Never applied: nothing was proposed or linked by asking.
    assert state(market.console)["proposals"] == []
    made = market.propose(market.bram, market.onboarding, market.b1)
    after = market.bram.call("suggest_matches", {})["suggestions"]
    assert (market.onboarding, market.b1["id"]) not in {(s["goal_id"], s["card_id"]) for s in after}
    # Declined, the pair is not suggested again: a no is not asked again by a suggestion.
    declined = market.anna.call("decide_proposal", {"id": made["proposal"]["id"], "answer": "decline"})
    assert declined["ok"], declined
    for client in (market.bram, market.anna, market.console):
        again = client.call("suggest_matches", {})["suggestions"]
        assert (market.onboarding, market.b1["id"]) not in {(s["goal_id"], s["card_id"]) for s in again}


# --- the digest opt-in ----------------------------------------------------------------------------


def test_a_digest_address_is_its_persons_alone(market):
    ack = market.anna.call("set_digest", {"email": "anna@example.org"})
    assert (ack["ok"], ack["email"]) == (True, "anna@example.org")
    assert "version" not in ack
    assert state(market.anna)["digest_email"] == "anna@example.org"
    for client in (market.console, market.board, market.bram, market.cas):
        assert "anna@example.org" not in everything(client)
        assert "anna@example.org" not in json.dumps(state(client))
    facilitator = market.console.call("set_facilitator_digest", {"email": "lead@example.org"})
    assert facilitator["email"] == "lead@example.org"
    assert state(market.console)["digest_email"] == "lead@example.org"
    assert "lead@example.org" not in json.dumps(state(market.board))
    assert "lead@example.org" not in json.dumps(state(market.anna))
    assert market.anna.call("set_digest", {"email": None})["email"] is None
    assert state(market.anna)["digest_email"] is None


@pytest.mark.parametrize(
    "email",
    [
        "not an address",
        "a@b",
        "x" * 250 + "@e.org",
        "two@lines\n.org",
        {},
        "",
        "a,b@c.org",
        "<a@b.org>",
        "jürgen@example.org",
    ],
)
def test_a_digest_address_that_is_none_is_invalid(market, email):
    assert market.anna.call("set_digest", {"email": email})["error"]["code"] == "invalid"


def test_each_sets_only_their_own_digest(market):
    assert market.console.call("set_digest", {"email": "x@example.org"})["error"]["code"] == "forbidden"
    assert market.anna.call("set_facilitator_digest", {"email": "x@example.org"})["error"]["code"] == "forbidden"
    assert market.anna.call("set_digest", {})["error"]["code"] == "invalid"


# --- afterwards: the summary and exports count what the market produced ---------------------------


def test_the_summary_counts_what_the_market_produced_without_names(server, market):
    if getattr(server, "clock", None) is None:
        pytest.skip("needs the injected clock")
    market.offer(market.bram, market.b1)
    accepted = market.propose(market.anna, market.onboarding, market.b1, note="Bram weet dit")["proposal"]
    declined = market.propose(market.cas, market.sales, market.c1, note="Misschien")["proposal"]
    withdrawn = market.propose(market.console, market.sales, market.b1)
    market.offer(market.cas, market.c_private)
    assert market.propose(market.cas, market.onboarding, market.c_private)["ok"] is True  # the facilitator decides
    elapse(server, 3 * 3600)
    market.bram.call("decide_proposal", {"id": accepted["id"], "answer": "accept"})
    market.console.call("decide_proposal", {"id": declined["id"], "answer": "decline"})
    market.console.call("withdraw_proposal", {"id": withdrawn["proposal"]["id"]})

    bearer = {"Authorization": f"Bearer {market.workshop.token}"}
    base = f"{server.url}/api/workshops/{market.workshop.code}"
    body = requests.get(f"{base}/summary.json", headers=bearer).json()
    assert body["market"] == {
        "until": market.until,
        "proposals": 4,
        "accepted": 1,
        "declined": 1,
        "withdrawn": 1,
        "waiting": 1,
        "median_hours_to_match": 3.0,
    }
    markdown = requests.get(f"{base}/summary.md", headers=bearer).text
    assert "## Marketplace" in markdown and "accepted 1, declined 1, withdrawn 1, waiting 1" in markdown
    assert "Median time to a match: 3.0 hours" in markdown
    page = requests.get(f"{server.url}/w/{market.workshop.code}/summary", headers=bearer).text
    assert 'data-testid="market-accepted">1<' in page

    # The team's summary counts only proposals on cards the team sees; no note, no name of them.
    team_url = market.console.call("create_team_link", {})["url"]
    team = requests.get(team_url + "/summary.json").json()
    assert team["market"] == {**body["market"], "proposals": 3, "waiting": 0}
    # The marketplace export leaves the room: the team's counts.
    assert requests.get(f"{base}/marketplace.json", headers=bearer).json()["market"] == team["market"]
    for text in ("Bram weet dit", "Misschien"):
        assert text not in json.dumps(body) and text not in json.dumps(team) and text not in markdown


def test_a_summary_without_a_market_says_nothing_of_it(server, new_workshop):
    workshop = new_workshop(goals=GOALS)
    bearer = {"Authorization": f"Bearer {workshop.token}"}
    base = f"{server.url}/api/workshops/{workshop.code}"
    assert requests.get(f"{base}/summary.json", headers=bearer).json()["market"] == {
        "until": None,
        "proposals": 0,
        "accepted": 0,
        "declined": 0,
        "withdrawn": 0,
        "waiting": 0,
        "median_hours_to_match": None,
    }
    assert "Marketplace" not in requests.get(f"{base}/summary.md", headers=bearer).text
    assert 'data-testid="market"' not in requests.get(f"{server.url}/w/{workshop.code}/summary", headers=bearer).text


# --- the read-only market key ----------------------------------------------------------------------


def market_key(server, workshop, token=None) -> requests.Response:
    return requests.post(
        f"{server.url}/api/workshops/{workshop.code}/market-key",
        headers={"Authorization": f"Bearer {token or workshop.token}"},
    )


def test_a_market_key_shows_the_teams_view_of_asks_and_offers_only(server, market):
    market.offer(market.anna, market.a1)
    market.offer(market.cas, market.c_anon)
    market.offer(market.cas, market.c_private)
    market.offer(market.bram, market.b1)
    market.console.call("set_card_hidden", {"id": market.b1["id"], "hidden": True})
    strength = market.anna.call("add_card", {"kind": "strength", "text": "Geduldig", "about": market.bram.id})["card"]
    market.bram.call("respond_strength", {"id": strength["id"], "answer": "accept"})
    market.offer(market.bram, strength)
    market.ask(market.calls, open=False, text="Nobody asks this now")
    market.propose(market.cas, market.onboarding, market.c1, note="Een voorstel")

    r = market_key(server, market.workshop)
    assert r.status_code == 201 and r.headers["Cache-Control"] == "no-store"
    key, url = r.json()["key"], r.json()["url"]
    assert url == f"{server.url}/api/market?key={key}"
    body = requests.get(url).json()
    assert body == {
        "workshop": {"title": "Team day"},
        "until": market.until,
        "asks": [
            {
                "goal": "Klant onboarding verbeteren",
                "kind": "project",
                "text": "Wie helpt klanten op weg?",
                "effort": "twee middagen",
            },
            {
                "goal": "Grow sales in the north",
                "kind": "goal",
                "text": "Ideas for the north",
                "effort": "an hour a week",
            },
        ],
        "offers": [
            {"text": "Onboarding nieuwe klanten", "kind": "drive"},
            {"text": "Explaining onboarding to klant", "kind": "drive"},
            {"text": "Geduldig", "kind": "strength"},
        ],
    }
    for secret in ("Anna", "Bram", "Cas", market.anna.id, market.cas.id, "Quiet sales work", "Een voorstel"):
        assert secret not in json.dumps(body)
    assert market.workshop.code not in json.dumps(body)

    # A new key replaces the old; revoking stops it; a wrong key is not found.
    fresh = market_key(server, market.workshop).json()
    assert requests.get(url).status_code == 404
    assert requests.get(fresh["url"]).status_code == 200
    revoked = requests.delete(
        f"{server.url}/api/workshops/{market.workshop.code}/market-key",
        headers={"Authorization": f"Bearer {market.workshop.token}"},
    )
    assert revoked.status_code == 204
    assert requests.get(fresh["url"]).json()["error"]["code"] == "not_found"
    assert requests.get(f"{server.url}/api/market").status_code == 404


def test_only_the_facilitators_bearer_makes_a_market_key(server, market):
    anna = market.workshop.people["Anna"]["participant_token"]
    assert market_key(server, market.workshop, anna).status_code == 403
    assert market_key(server, market.workshop, "x" * 43).status_code == 401
    cookie = {"Cookie": f"wf_{market.workshop.code}={market.workshop.token}"}
    assert (
        requests.post(f"{server.url}/api/workshops/{market.workshop.code}/market-key", headers=cookie).status_code
        == 401
    )
    other = market.workshop.api.create_workshop()
    assert market_key(server, market.workshop, other["facilitator_token"]).status_code == 403


def test_guessing_market_keys_is_limited(tmp_path):
    from workshop import create_app
    from workshop.limits import limiter

    app = create_app({"DATABASE": str(tmp_path / "keys.sqlite3"), "GUESS_LIMIT": "3 per minute"})
    limiter.reset()
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    client.get("/")  # a device id first
    misses = [client.get("/api/market?key=" + "x" * 43).status_code for _ in range(3)]
    assert misses == [404] * 3
    refused = client.get("/api/market?key=" + "y" * 43)
    assert (refused.status_code, refused.json["error"]["code"]) == (429, "rate_limited")


# --- the adversary's oracle knows the marketplace: its finder on messages made by hand -------------


def test_the_leak_finder_catches_marketplace_leaks():
    import privacy_rules as rules
    from histories import Finder, Known, json_groups
    from privacy_rules import Ask, Card, Facts, Proposal, Viewer

    anna, bram, cas, dewi = "p-anna", "p-bram", "p-cas", "p-dewi"
    facts = Facts(
        code="ABCDEF",
        people={anna: "Anna01", bram: "Bram02", cas: "Cas03", dewi: "Dewi04"},
        cards={
            "c-anon": Card("drive", anna, anna, "driveanon", "anonymous", "accepted", False, False, False, True),
            "c-private": Card("drive", cas, cas, "drivequiet", "facilitator", "accepted", False, False, False, True),
            "c-named": Card("drive", bram, bram, "drivenamed", "named", "accepted", False, False, False, False),
        },
        asks={"ask:g1": Ask("askonboard", bram)},
        proposals={
            "r-answer": Proposal("c-anon", "ask:g1", anna, "noteanswer"),
            "r-declined": Proposal("c-named", "ask:g1", cas, "notedeclined"),
        },
    )
    known = {
        **{key: Known(key, "person", "id") for key in facts.people},
        **{name: Known(key, "person", "text") for key, name in facts.people.items()},
        **{key: Known(key, "card", "id") for key in facts.cards},
        **{card.text: Known(key, "card", "text") for key, card in facts.cards.items()},
        "askonboard": Known("ask:g1", "ask", "text"),
        "r-answer": Known("r-answer", "proposal", "id"),
        "noteanswer": Known("r-answer", "proposal", "text"),
        "r-declined": Known("r-declined", "proposal", "id"),
        "notedeclined": Known("r-declined", "proposal", "text"),
        "mailanna": Known("digest:p-anna", "digest", "text"),
    }

    def found(message, viewer):
        allowed = rules.sight(facts, viewer)
        leaks = Finder(known).find(json_groups(message), allowed, allowed.items, [facts], (viewer.column, "s", "c"), "")
        return {(leak.kind, leak.row, leak.relation) for leak in leaks}

    owner, dewis_phone = Viewer(rules.COLLEAGUE, bram), Viewer(rules.COLLEAGUE, dewi)
    answer = {"proposal": {"id": "r-answer", "card_id": "c-anon", "made_by": None, "note": "noteanswer"}}
    assert found(answer, owner) == set()  # the ask's owner sees the answer, its maker unnamed
    named = {"proposal": {**answer["proposal"], "made_by": anna}}
    assert ("tie", rules.ANONYMOUS_DRIVE, "whose") in found(named, owner)
    assert found(named, Viewer(rules.COLLEAGUE, anna)) == set()  # her own
    # A bystander hears of neither proposal: not its id, not its note.
    assert ("id", rules.PROPOSAL_ROW, "") in found(answer, dewis_phone)
    assert ("text", rules.PROPOSAL_ROW, "") in found(answer, dewis_phone)
    declined = {"proposal": {"id": "r-declined", "card_id": "c-named", "made_by": cas, "note": "notedeclined"}}
    assert found(declined, Viewer(rules.COLLEAGUE, cas)) == set()
    assert found(declined, Viewer(rules.BOARD)) >= {("id", rules.PROPOSAL_ROW, ""), ("text", rules.PROPOSAL_ROW, "")}
    # The ask and its owner are everyone's; the market key shows words only.
    goal = {"goal": {"id": "g1", "ask": {"text": "askonboard", "owner_id": bram}}}
    assert found(goal, dewis_phone) == set()
    market_key = Viewer(rules.MARKET_KEY)
    assert found({"asks": [{"text": "askonboard"}], "offers": [{"text": "driveanon"}]}, market_key) == set()
    assert ("id", rules.NAME_ROW, "") in found({"asks": [{"text": "askonboard", "owner": bram}]}, market_key)
    assert ("text", rules.PRIVATE_DRIVE, "") in found({"offers": [{"text": "drivequiet"}]}, market_key)
    assert ("text", rules.NAMED_DRIVE, "") in found({"offers": [{"text": "drivenamed"}]}, market_key)  # not offered
    # A digest address is its person's alone.
    assert (
        found({"digest_email": "mailanna@example.org"}, Viewer(rules.COLLEAGUE, anna, frozenset({"mailanna"}))) == set()
    )
    assert ("text", rules.DIGEST_ROW, "") in found({"digest_email": "mailanna@example.org"}, owner)
