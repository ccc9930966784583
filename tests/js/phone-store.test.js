// @ts-check
// phone/store.js: what the phone's screens show, given a state and the person (pure functions).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { deepFreeze, workshop } from "./fixtures.js";

// The store reads the page's data blocks when it loads; under node there is no page.
Object.assign(globalThis, { document: { getElementById: () => null } });
const {
  CHECKIN, TABS, checkinAnswer, colleaguesToPick, composerVisibility, fold, isGivenStrength, linkableCards, linksOfMyCards,
  myDrives, myLinks, ownPart, ownedLinks, promptIndexOf, screenFor, strengthRound, strengthsGiven, strengthsReceived,
  tabForPhase, teamLinks,
} = await import("../../static/js/phone/store.js");

/** @typedef {import("../../static/js/state.js").State} State */

const ids = (/** @type {Array<{id: string}>} */ list) => list.map((x) => x.id);

/**
 * The fixture workshop with some of its fields replaced.
 * @param {Partial<State>} change
 * @returns {State}
 */
function withChange(change) {
  return deepFreeze({ ...structuredClone(workshop()), ...change });
}

/** Ann's strengths about her: one waiting for her answer, one accepted; and one she gave Bob. */
function withStrengths() {
  const base = workshop();
  return withChange({
    cards: [
      ...base.cards,
      { id: "s-old", kind: "strength", about: "ann", author: "bob", text: "Patient", prompt: null, visibility: "named", status: "accepted",
        signed: true, created_at: "2026-01-01T10:00:05Z" },
      { id: "s-new", kind: "strength", about: "ann", author: "bob", text: "Brave", prompt: null, visibility: "named", status: "pending",
        signed: false, created_at: "2026-01-01T10:00:06Z" },
    ],
  });
}

describe("which screen shows", () => {
  it("follows the phase, and the check-in only while one is open", () => {
    assert.deepEqual(["join", "drives", "strengths", "linking", "agreements", "closed", "odd", null].map(tabForPhase),
      ["drives", "drives", "strengths", "links", "agreements", "agreements", "drives", "drives"]);
    const state = workshop();
    assert.equal(screenFor(CHECKIN, state, "links"), "links", "no check-in open: the phase's screen");
    assert.equal(screenFor(CHECKIN, withChange({ checkin: { id: "k1", answers: [] } }), "links"), CHECKIN);
    assert.equal(screenFor(CHECKIN, null, "links"), CHECKIN, "before the first state it is kept");
    assert.equal(screenFor("nope", state, "links"), "drives");
    assert.equal(screenFor(null, state, "links"), "drives");
    for (const tab of TABS.filter((t) => t !== "market")) assert.equal(screenFor(tab, state, "links"), tab);
  });

  it("shows the market only in a workshop that is (or was) a marketplace", () => {
    const state = workshop();
    assert.equal(screenFor("market", state, "links"), "links");
    assert.equal(screenFor("market", withChange({ workshop: { ...state.workshop, market_until: "2026-02-01" } }), "links"), "market");
    const proposal = { id: "p", goal_id: "g1", card_id: "c-ann", kind: "answer", type: "energises", note: null, made_by: "ann",
      status: "accepted", created_at: "", decided_at: null, link_id: null, decider: "owner" };
    assert.equal(screenFor("market", withChange({ proposals: [proposal] }), "links"), "market", "its proposals stay readable");
    assert.equal(screenFor("market", null, "links"), "market", "before the first state it is kept");
  });
});

describe("the drive composer", () => {
  it("counts round the prompts either way", () => {
    assert.deepEqual([0, 1, 2, -1, 5].map((i) => promptIndexOf(i, 2)), [0, 1, 0, 1, 1]);
    assert.equal(promptIndexOf(3, 0), 0);
  });

  it("uses the chosen visibility, else the workshop's default, else named", () => {
    assert.equal(composerVisibility("facilitator", "anonymous"), "facilitator");
    assert.equal(composerVisibility(null, "anonymous"), "anonymous");
    assert.equal(composerVisibility("bogus", "anonymous"), "named");
    assert.equal(composerVisibility(null, undefined), "named");
  });

  it("lists my drives newest first", () => {
    const state = withChange({
      cards: [...workshop().cards, { id: "c-ann2", kind: "drive", about: "ann", author: "ann", text: "Music", prompt: 1,
        visibility: "facilitator", status: "accepted", signed: false, created_at: "2026-01-01T10:00:09Z" }],
    });
    assert.deepEqual(ids(myDrives(state, "ann")), ["c-ann2", "c-ann"]);
    assert.deepEqual(ids(myDrives(state, null)), []);
  });
});

describe("the strengths screen", () => {
  it("finds colleagues by name without accents or case, and leaves my round's colleagues above the search", () => {
    assert.equal(fold("Zoë ÅSA"), "zoe asa");
    const state = withChange({
      participants: [...workshop().participants, { id: "zoe", name: "Zoë", color: 3, done: [] }],
    });
    const idle = colleaguesToPick(state, "ann", "");
    assert.deepEqual(ids(idle.shown), ["zoe"], "Bob is in Ann's round, so not listed again");
    assert.deepEqual([...idle.inRound], ["bob"]);
    assert.equal(idle.showEmpty, false);
    assert.deepEqual(ids(colleaguesToPick(state, "ann", " zoe ").shown), ["zoe"]);
    assert.deepEqual(ids(colleaguesToPick(state, "ann", "BO").shown), ["bob"], "a search still finds my round");
    const none = colleaguesToPick(state, "ann", "xyz");
    assert.deepEqual(none.shown, []);
    assert.equal(none.showEmpty, true);
    const alone = colleaguesToPick(workshop(), "ann", "");
    assert.equal(alone.showEmpty, false, "nobody listed, but my round is: no 'none found'");
  });

  it("counts my round done as I name each colleague's strength", () => {
    const round = strengthRound(workshop(), "ann");
    assert.deepEqual(ids(round.round), ["bob"]);
    assert.equal(round.done, 1, "Ann named a strength of Bob's");
    const bobs = strengthRound(workshop(), "bob");
    assert.deepEqual([ids(bobs.round), bobs.done], [["ann"], 0]);
    const gone = strengthRound(withChange({ assignments: [{ giver: "ann", receiver: "left-already" }] }), "ann");
    assert.deepEqual(gone.round, [], "a colleague who left is not in the round");
  });

  it("puts strengths waiting for my answer first, and lists those I gave", () => {
    const state = withStrengths();
    const { received, awaiting } = strengthsReceived(state, "ann");
    assert.deepEqual(ids(received), ["s-new", "s-old"]);
    assert.deepEqual(ids(awaiting), ["s-new"]);
    assert.deepEqual(ids(strengthsGiven(state, "ann")), ["s-bob"]);
    assert.deepEqual(ids(strengthsGiven(state, "bob")), ["s-new", "s-old"]);
  });

  it("knows a strength I gave a colleague from one about me", () => {
    const state = withStrengths();
    const card = (/** @type {string} */ id) => state.cards.find((c) => c.id === id) || assert.fail(id);
    assert.equal(isGivenStrength(card("s-bob"), "ann"), true);
    assert.equal(isGivenStrength(card("s-new"), "ann"), false);
    assert.equal(isGivenStrength(card("c-ann"), "ann"), false);
    assert.equal(isGivenStrength(card("s-bob"), null), false);
  });
});

describe("the links and agreements screens", () => {
  it("offers my drives and accepted strengths for linking, not one still waiting", () => {
    assert.deepEqual(ids(linkableCards(withStrengths(), "ann")), ["c-ann", "s-old"]);
  });

  it("lists my links, the links of my cards in the goals' order, and colleagues' links", () => {
    const state = workshop();
    assert.deepEqual(ids(myLinks(state, "ann")), ["l1", "l3"], "on my card, or made by me");
    assert.deepEqual(ids(linksOfMyCards(state, "ann")), ["l1"]);
    const reversed = withChange({ links: [...workshop().links].reverse() });
    assert.deepEqual(ids(linksOfMyCards(reversed, "bob")), ["l2", "l3"], "goal g1 (position 1) before g2");
    const team = teamLinks(state, "ann", new Set(["l1", "l3"]));
    assert.deepEqual(team.map((t) => t.link.id), ["l2"]);
    assert.equal(team[0].card.id, "c-bob");
    assert.equal(team[0].goal.id, "g1");
    assert.deepEqual(teamLinks(state, "bob", new Set()).map((t) => t.link.id), ["l1"], "not the links of cards about me");
  });

  it("lists colleagues' links on which I own an agreement", () => {
    const state = workshop();
    assert.deepEqual(ids(ownedLinks(state, "bob", new Set(["l2", "l3"]))), [], "Bob owns a2, on his own link");
    const owning = withChange({ agreements: [...workshop().agreements, { id: "a3", link_id: "l1", text: "Help", owner: "bob", due: null,
      done: false, created_at: "2026-01-01T10:05:00Z" }] });
    assert.deepEqual(ids(ownedLinks(owning, "bob", new Set(["l2", "l3"]))), ["l1"]);
  });
});

describe("the check-in", () => {
  it("finds my answer for a link", () => {
    const state = withChange({
      checkin: { id: "k1", answers: [
        { checkin_id: "k1", link_id: "l1", participant_id: "ann", rating: 4, comment: null },
        { checkin_id: "k1", link_id: "l2", participant_id: "bob", rating: 2, comment: "meh" },
      ] },
    });
    assert.equal(checkinAnswer(state, "ann", "l1")?.rating, 4);
    assert.equal(checkinAnswer(state, "ann", "l2"), null, "not someone else's");
    assert.equal(checkinAnswer(workshop(), "ann", "l1"), null, "no check-in open");
  });
});

describe("ownPart: what the phone keeps of the state", () => {
  it("keeps my own items only, never a colleague's card, name or +1", () => {
    const kept = ownPart(withStrengths());
    assert.ok(kept);
    assert.deepEqual(kept.participants?.map((p) => p.id), ["ann"]);
    assert.deepEqual(ids(kept.cards || []), ["c-ann", "s-bob"], "my drive and the strength I wrote, not those about me");
    assert.deepEqual(kept.links?.map((l) => [l.id, l.endorsements]), [["l1", []], ["l3", []]]);
    assert.equal("agreements" in kept || "assignments" in kept || "checkin" in kept, false);
    assert.equal(kept.version, 10);
  });

  it("keeps nothing before the person is known", () => {
    assert.equal(ownPart(withChange({ me: { role: "participant", id: null, view: "participant" } })), null);
  });
});
