// @ts-check
// The marketplace in state.js (proposal_saved, and proposals leaving with their card, goal or
// person) and market.js: open asks, offers, who decides, what waits for whom.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { RECEIVE } from "../../static/js/events.js";
import {
  deciderOf, decidesIt, madeByMe, marketOpen, mayOffer, mayPropose, myMarketCards, offersOfOthers, openAsks, waitingByPerson,
  waitingForMe,
} from "../../static/js/market.js";
import { applyChange, fromServer } from "../../static/js/state.js";
import { deepFreeze, workshop } from "./fixtures.js";

/** @typedef {import("../../static/js/state.js").State} State */
/** @typedef {import("../../static/js/state.js").Proposal} Proposal */

/**
 * A proposal with defaults.
 * @param {Partial<Proposal>} fields
 * @returns {Proposal}
 */
function proposal(fields) {
  return {
    id: "p1", goal_id: "g2", card_id: "c-bob", kind: "propose", type: "energises", note: null, made_by: "ann", status: "waiting",
    created_at: "2026-01-02T10:00:00Z", decided_at: null, link_id: null, decider: "person", ...fields,
  };
}

/**
 * The fixture as a marketplace: g2 asks (owned by Ann), g1 does not; Bob offers his drive.
 * @param {Partial<State>} [extra]
 * @returns {State}
 */
function market(extra = {}) {
  const base = workshop();
  return deepFreeze(fromServer({
    ...base,
    workshop: { ...base.workshop, market_until: "2026-02-01", market_open: true },
    goals: [
      { ...base.goals[0], ask: { open: true, text: "Two afternoons", effort: "4 h a week", owner_id: "ann" } },
      { ...base.goals[1], ask: null },
    ],
    cards: base.cards.map((c) => (c.id === "c-bob" ? { ...c, offered: true } : c)),
    proposals: [],
    ...extra,
  }));
}

/**
 * @param {State} state
 * @param {string} event
 * @param {object} data
 * @returns {State}
 */
function next(state, event, data) {
  return applyChange(state, event, deepFreeze({ version: state.version + 1, ...data }));
}

describe("state: proposals", () => {
  it("a state without proposals has an empty list", () => {
    assert.deepEqual(fromServer({ version: 1 }).proposals, []);
  });

  it("proposal_saved adds a proposal, then replaces it by id", () => {
    let state = next(market(), RECEIVE.PROPOSAL_SAVED, { proposal: proposal({}) });
    assert.equal(state.version, 11);
    assert.deepEqual(state.proposals.map((p) => p.status), ["waiting"]);
    state = next(state, RECEIVE.PROPOSAL_SAVED, { proposal: proposal({ status: "accepted", link_id: "l9" }) });
    assert.deepEqual(state.proposals.map((p) => [p.id, p.status, p.link_id]), [["p1", "accepted", "l9"]]);
  });

  it("a deleted card or goal takes its proposals with it", () => {
    const state = market({ proposals: [proposal({}), proposal({ id: "p2", goal_id: "g1", card_id: "c-ann", made_by: "bob" })] });
    assert.deepEqual(next(state, RECEIVE.CARD_DELETED, { id: "c-bob" }).proposals.map((p) => p.id), ["p2"]);
    assert.deepEqual(next(state, RECEIVE.GOAL_DELETED, { id: "g1" }).proposals.map((p) => p.id), ["p1"]);
  });

  it("a person who leaves takes the proposals they made and those on their cards", () => {
    const state = market({
      proposals: [
        proposal({ id: "mine", made_by: "ann", card_id: "c-bob" }),
        proposal({ id: "on-ann", made_by: "bob", card_id: "c-ann", goal_id: "g2" }),
        proposal({ id: "bob-own", made_by: "bob", card_id: "c-bob", kind: "answer", decider: "owner" }),
      ],
    });
    const after = next(state, RECEIVE.PARTICIPANT_LEFT, { id: "bob", card_ids: ["c-bob", "s-bob"] });
    assert.deepEqual(after.proposals.map((p) => p.id), []);
    const annGone = next(state, RECEIVE.PARTICIPANT_LEFT, { id: "ann", card_ids: ["c-ann"] });
    assert.deepEqual(annGone.proposals.map((p) => p.id), ["bob-own"]);
  });

  it("a proposal on a card this viewer does not see stays when someone else leaves", () => {
    const state = market({ proposals: [proposal({ id: "unseen", card_id: "c-private", made_by: null, kind: "answer", decider: "owner" })] });
    assert.deepEqual(next(state, RECEIVE.PARTICIPANT_LEFT, { id: "bob", card_ids: ["c-bob"] }).proposals.map((p) => p.id), ["unseen"]);
  });
});

describe("market.js", () => {
  it("lists open asks in the facilitator's order, and whether the market is open", () => {
    const state = market();
    assert.deepEqual(openAsks(state).map((g) => g.id), ["g2"]);
    assert.equal(marketOpen(state), true);
    assert.equal(marketOpen(workshop()), false);
    const closedAsk = fromServer({ ...state, goals: state.goals.map((g) => ({ ...g, ask: g.ask && { ...g.ask, open: false } })) });
    assert.deepEqual(openAsks(closedAsk), []);
  });

  it("offers: a drive or an accepted strength, never a hidden card; others' offers without mine", () => {
    const state = market();
    assert.equal(mayOffer(state.cards[0]), true);
    assert.equal(mayOffer({ ...state.cards[2], status: "pending" }), false);
    assert.equal(mayOffer({ ...state.cards[0], hidden: true }), false);
    assert.deepEqual(myMarketCards(state, "bob").map((c) => c.id), ["c-bob", "s-bob"]);
    assert.deepEqual(myMarketCards(state, null), []);
    assert.deepEqual(offersOfOthers(state, "ann").map((c) => c.id), ["c-bob"]);
    assert.deepEqual(offersOfOthers(state, "bob").map((c) => c.id), []);
  });

  it("a pair may be proposed once: not when linked, not while one waits, only for an open ask", () => {
    const state = market();
    assert.equal(mayPropose(state, "g2", "c-bob"), true);
    assert.equal(mayPropose(state, "g1", "c-bob"), false, "g1 asks nothing");
    assert.equal(mayPropose(state, "g2", "s-bob"), false, "already linked (l3)");
    const waiting = market({ proposals: [proposal({})] });
    assert.equal(mayPropose(waiting, "g2", "c-bob"), false);
    const declined = market({ proposals: [proposal({ status: "declined" })] });
    assert.equal(mayPropose(declined, "g2", "c-bob"), true);
  });

  it("the decider: the card's person, the ask's owner, or the facilitator", () => {
    const state = market();
    assert.equal(deciderOf(state, proposal({ decider: "person" })), "bob");
    assert.equal(deciderOf(state, proposal({ decider: "owner", kind: "answer" })), "ann");
    assert.equal(deciderOf(state, proposal({ decider: "owner", goal_id: "g1" })), "facilitator", "an ask without an owner");
    assert.equal(deciderOf(state, proposal({ decider: "facilitator" })), "facilitator");
    assert.equal(deciderOf(state, proposal({ card_id: "unseen" })), null);
  });

  it("what waits for me, and per person for the facilitator", () => {
    const proposals = [
      proposal({ id: "a", decider: "person", card_id: "c-bob", created_at: "2026-01-02T10:00:02Z" }),
      proposal({ id: "b", decider: "owner", kind: "answer", card_id: "c-bob", made_by: "bob", created_at: "2026-01-02T10:00:01Z" }),
      proposal({ id: "c", decider: "person", card_id: "c-ann", status: "declined" }),
      proposal({ id: "d", decider: "facilitator", kind: "answer", goal_id: "g1", card_id: "c-ann", made_by: "ann" }),
    ];
    const asAnn = market({ proposals });
    assert.deepEqual(waitingForMe(asAnn).map((p) => p.id), ["b"]);
    const asBob = fromServer({ ...asAnn, me: { role: "participant", id: "bob", view: "participant" } });
    assert.deepEqual(waitingForMe(asBob).map((p) => p.id), ["a"]);
    const asFacilitator = fromServer({ ...asAnn, me: { role: "facilitator", id: null, view: "facilitator" } });
    assert.deepEqual(waitingForMe(asFacilitator).map((p) => p.id), ["d", "b"], "the facilitator may always decide an answer");
    assert.deepEqual(waitingByPerson(asFacilitator), { bob: 1, ann: 1 });
    assert.equal(decidesIt(asBob, proposals[1]), false);
  });

  it("what I made: my own, or (the facilitator) the brokered ones, newest first", () => {
    const proposals = [
      proposal({ id: "old", made_by: "ann", created_at: "2026-01-02T09:00:00Z" }),
      proposal({ id: "new", made_by: "ann", created_at: "2026-01-02T11:00:00Z" }),
      proposal({ id: "bob", made_by: "bob" }),
      proposal({ id: "fac", made_by: null, kind: "broker" }),
    ];
    assert.deepEqual(madeByMe(market({ proposals })).map((p) => p.id), ["new", "old"]);
    const asFacilitator = market({ proposals, me: { role: "facilitator", id: null, view: "facilitator" } });
    assert.deepEqual(madeByMe(asFacilitator).map((p) => p.id), ["fac"]);
  });
});
