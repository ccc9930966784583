// @ts-check
// state.js: every server event's reducer, the ordering of versions, and the selectors. Inputs are
// deep-frozen, so a reducer that wrote to the state it was given would throw here.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { CHANGES, RECEIVE } from "../../static/js/events.js";
import {
  anonymousCards, applyChange, cardsAbout, cardsOfTheme, counts, fromServer, goalsInOrder, isPresent, isShared, linkBetween,
  linksOfGoal, ordering, participantById, strengthsGivenBy, themesInOrder,
} from "../../static/js/state.js";
import { deepFreeze, workshop } from "./fixtures.js";

/**
 * Apply one change at the next version.
 * @param {import("../../static/js/state.js").State} state
 * @param {string} event
 * @param {object} data
 */
function next(state, event, data) {
  return applyChange(state, event, deepFreeze({ version: state.version + 1, ...data }));
}

const ids = (/** @type {Array<{id: string}>} */ list) => list.map((x) => x.id);

describe("fromServer", () => {
  it("fills what an old or partial state lacks", () => {
    const state = fromServer({ version: 3, workshop: /** @type {any} */ ({ code: "X", phase: "join" }) });
    assert.equal(state.version, 3);
    assert.deepEqual(state.workshop.prompts, []);
    assert.equal(state.workshop.default_visibility, "named");
    assert.equal(state.workshop.code, "X");
    for (const list of ["goals", "participants", "cards", "links", "agreements", "assignments", "themes"]) {
      assert.deepEqual(/** @type {any} */ (state)[list], [], list);
    }
    assert.deepEqual(state.me, { role: null, id: null, view: null });
  });

  it("keeps fields it does not know", () => {
    const state = fromServer(/** @type {any} */ ({ version: 1, server_time: "2026-01-01T00:00:00Z", extra: 7 }));
    assert.equal(state.server_time, "2026-01-01T00:00:00Z");
    assert.equal(/** @type {any} */ (state).extra, 7);
  });
});

describe("applyChange", () => {
  it("moves the version to the event's, even without a reducer (hidden_change)", () => {
    const before = workshop();
    const after = next(before, RECEIVE.HIDDEN_CHANGE, {});
    assert.equal(after.version, 11);
    assert.equal(after.cards, before.cards);
  });

  it("participant_joined appends a person; participant_updated replaces them", () => {
    const joined = next(workshop(), RECEIVE.PARTICIPANT_JOINED, { participant: { id: "cy", name: "Cy", color: 3 } });
    assert.deepEqual(ids(joined.participants), ["ann", "bob", "cy"]);
    const renamed = next(joined, RECEIVE.PARTICIPANT_UPDATED, { participant: { id: "bob", name: "Robert", color: 2 } });
    assert.equal(participantById(renamed, "bob")?.name, "Robert");
    assert.deepEqual(ids(renamed.participants), ["ann", "bob", "cy"]);
  });

  it("card_saved adds a new card and replaces an edited one in place", () => {
    const card = { ...workshop().cards[0], text: "Woodwork" };
    const edited = next(workshop(), RECEIVE.CARD_SAVED, { card });
    assert.equal(edited.cards[0].text, "Woodwork");
    assert.equal(edited.cards.length, 4);
    const added = next(workshop(), RECEIVE.CARD_SAVED, { card: { ...card, id: "c-new" } });
    assert.deepEqual(ids(added.cards), ["c-ann", "c-bob", "s-bob", "c-anon", "c-new"]);
  });

  it("card_deleted drops the card, its links and the listed links", () => {
    const after = next(workshop(), RECEIVE.CARD_DELETED, { id: "c-ann", link_ids: ["l3"] });
    assert.deepEqual(ids(after.cards), ["c-bob", "s-bob", "c-anon"]);
    assert.deepEqual(ids(after.links), ["l2"]);
    // The agreement on the deleted link l1 goes with it, as in the database.
    assert.deepEqual(ids(after.agreements), ["a2"]);
  });

  it("link_saved adds or replaces; link_deleted drops it and its agreements", () => {
    const retyped = next(workshop(), RECEIVE.LINK_SAVED, { link: { ...workshop().links[1], type: "already" } });
    assert.equal(retyped.links[1].type, "already");
    const added = next(workshop(), RECEIVE.LINK_SAVED, {
      link: { id: "l4", card_id: "c-anon", goal_id: "g2", created_by: null, created_at: "2026-01-01T11:00:00Z" },
    });
    assert.deepEqual(ids(added.links), ["l1", "l2", "l3", "l4"]);
    const removed = next(workshop(), RECEIVE.LINK_DELETED, { id: "l2" });
    assert.deepEqual(ids(removed.links), ["l1", "l3"]);
    assert.deepEqual(ids(removed.agreements), ["a1"]);
  });

  it("goal_saved adds or replaces; goal_deleted drops the goal and its links", () => {
    const added = next(workshop(), RECEIVE.GOAL_SAVED, { goal: { id: "g3", kind: "activity", text: "Fair", position: 0 } });
    assert.deepEqual(ids(goalsInOrder(added)), ["g3", "g1", "g2"]);
    const removed = next(workshop(), RECEIVE.GOAL_DELETED, { id: "g1", link_ids: [] });
    assert.deepEqual(ids(removed.goals), ["g2"]);
    assert.deepEqual(ids(removed.links), ["l3"]);
    assert.deepEqual(removed.agreements, []);
  });

  it("phase_changed moves the phase and ends its timer and lock", () => {
    const timed = deepFreeze({
      ...workshop(), workshop: { ...workshop().workshop, timer_ends_at: "2026-01-01T12:00:00Z", timer_seconds: 300, timer_lock: true },
    });
    const after = next(timed, RECEIVE.PHASE_CHANGED, { phase: "agreements" });
    assert.equal(after.workshop.phase, "agreements");
    assert.equal(after.workshop.timer_ends_at, null);
    assert.equal(after.workshop.timer_seconds, 0);
    assert.equal(after.workshop.timer_lock, false);
    assert.equal(after.workshop.title, "Team day");
  });

  it("settings_changed takes the settings but not the version's or clock's fields", () => {
    const after = next(workshop(), RECEIVE.SETTINGS_CHANGED, {
      server_time: "2026-01-01T12:00:00Z", default_visibility: "anonymous", revealed: true, joining_locked: true,
    });
    assert.equal(after.workshop.default_visibility, "anonymous");
    assert.equal(after.workshop.revealed, true);
    assert.equal(after.workshop.joining_locked, true);
    assert.equal(/** @type {any} */ (after.workshop).server_time, undefined);
    assert.equal(/** @type {any} */ (after.workshop).version, undefined);
    assert.equal(after.version, 11);
  });

  it("participant_left drops the person, what was theirs, and their name elsewhere", () => {
    const after = next(workshop(), RECEIVE.PARTICIPANT_LEFT, { id: "bob", card_ids: ["c-bob"], link_ids: ["l2"] });
    assert.deepEqual(ids(after.participants), ["ann"]);
    // c-bob listed; s-bob is about Bob, so it goes too; the anonymous drive stays.
    assert.deepEqual(ids(after.cards), ["c-ann", "c-anon"]);
    assert.deepEqual(ids(after.links), ["l1"]);
    assert.deepEqual(after.links[0].endorsements, []);
    assert.equal(after.links[0].created_by, "ann");
    assert.deepEqual(after.assignments, []);
    assert.deepEqual(ids(after.agreements), ["a1"]);
  });

  it("participant_left keeps links the person made on others' cards, without their name", () => {
    const after = next(workshop(), RECEIVE.PARTICIPANT_LEFT, { id: "ann", card_ids: ["c-ann"], link_ids: ["l1"] });
    // Ann wrote s-bob (a strength about Bob): it goes with its author; l3 goes with the card.
    assert.deepEqual(ids(after.cards), ["c-bob", "c-anon"]);
    assert.deepEqual(ids(after.links), ["l2"]);
    const withHerLink = deepFreeze({ ...workshop(), links: [...workshop().links, {
      id: "l5", card_id: "c-bob", goal_id: "g2", type: "energises", endorsements: ["ann", "bob"], created_by: "ann", created_at: "x" }] });
    const later = next(withHerLink, RECEIVE.PARTICIPANT_LEFT, { id: "ann", card_ids: ["c-ann"], link_ids: ["l1"] });
    const kept = later.links.find((l) => l.id === "l5");
    assert.equal(kept?.created_by, null);
    assert.deepEqual(kept?.endorsements, ["bob"]);
  });

  it("an agreement's owner who left loses the agreement's ownership, not the agreement", () => {
    const owned = deepFreeze({ ...workshop(), agreements: [{ ...workshop().agreements[0], owner: "bob" }] });
    const after = next(owned, RECEIVE.PARTICIPANT_LEFT, { id: "bob", card_ids: [], link_ids: [] });
    assert.equal(after.agreements.length, 1);
    assert.equal(after.agreements[0].owner, null);
  });

  it("assignments_changed replaces the strength round", () => {
    const after = next(workshop(), RECEIVE.ASSIGNMENTS_CHANGED, { assignments: [{ giver: "bob", receiver: "ann" }] });
    assert.deepEqual(after.assignments, [{ giver: "bob", receiver: "ann" }]);
    assert.deepEqual(next(workshop(), RECEIVE.ASSIGNMENTS_CHANGED, {}).assignments, []);
  });

  it("agreement_saved adds or replaces; agreement_deleted drops", () => {
    const done = next(workshop(), RECEIVE.AGREEMENT_SAVED, { agreement: { ...workshop().agreements[0], done: true } });
    assert.equal(done.agreements[0].done, true);
    const added = next(workshop(), RECEIVE.AGREEMENT_SAVED, {
      agreement: { id: "a3", link_id: "l3", text: "Demo", owner: null, due: null, done: false, created_at: "y" },
    });
    assert.deepEqual(ids(added.agreements), ["a1", "a2", "a3"]);
    assert.deepEqual(ids(next(workshop(), RECEIVE.AGREEMENT_DELETED, { id: "a1" }).agreements), ["a2"]);
  });

  it("an agreement on a link the state does not have is dropped", () => {
    const after = next(workshop(), RECEIVE.AGREEMENT_SAVED, {
      agreement: { id: "a9", link_id: "nope", text: "?", owner: null, due: null, done: false, created_at: "z" },
    });
    assert.deepEqual(ids(after.agreements), ["a1", "a2"]);
  });

  it("checkin_changed opens a check-in (answers kept for the same one) and closes it", () => {
    const opened = next(workshop(), RECEIVE.CHECKIN_CHANGED, { checkin: { id: "k1", opened_at: "t" } });
    assert.deepEqual(opened.checkin, { id: "k1", opened_at: "t", answers: [] });
    const answer = { checkin_id: "k1", link_id: "l1", participant_id: "ann", rating: 4, comment: null };
    const answered = next(opened, RECEIVE.CHECKIN_ANSWERED, { answer });
    assert.deepEqual(answered.checkin?.answers, [answer]);
    const again = next(answered, RECEIVE.CHECKIN_CHANGED, { checkin: { id: "k1", opened_at: "t", closed_at: null } });
    assert.deepEqual(again.checkin?.answers, [answer]);
    const other = next(answered, RECEIVE.CHECKIN_CHANGED, { checkin: { id: "k2" } });
    assert.deepEqual(other.checkin?.answers, []);
    assert.equal(next(answered, RECEIVE.CHECKIN_CHANGED, { checkin: null }).checkin, null);
  });

  it("checkin_answered replaces the same person's answer for the same link, and ignores other check-ins", () => {
    const opened = next(workshop(), RECEIVE.CHECKIN_CHANGED, { checkin: { id: "k1" } });
    const first = next(opened, RECEIVE.CHECKIN_ANSWERED, { answer: { checkin_id: "k1", link_id: "l1", participant_id: "ann", rating: 2, comment: null } });
    const second = next(first, RECEIVE.CHECKIN_ANSWERED, { answer: { checkin_id: "k1", link_id: "l1", participant_id: "ann", rating: 5, comment: "Better" } });
    assert.deepEqual(second.checkin?.answers.map((a) => a.rating), [5]);
    const stray = next(second, RECEIVE.CHECKIN_ANSWERED, { answer: { checkin_id: "old", link_id: "l1", participant_id: "ann", rating: 1, comment: null } });
    assert.deepEqual(stray.checkin?.answers.map((a) => a.rating), [5]);
  });

  it("has a reducer or a deliberate pass-through for every versioned event", () => {
    for (const event of CHANGES) {
      const after = applyChange(workshop(), event, deepFreeze({ version: 11, id: "zzz", card_ids: [], link_ids: [],
        participant: { id: "zz", name: "Z", color: 0 }, card: workshop().cards[0], link: workshop().links[0], goal: workshop().goals[0],
        phase: "linking", agreement: workshop().agreements[0], assignments: [], checkin: null, answer: null,
        theme: { id: "t", name: "T", created_at: "2026-01-01T10:05:00Z" }, cards: [] }));
      assert.equal(after.version, 11, event);
    }
  });
});

/** A theme as the server sends it. */
function theme(id = "t1", name = "Theme 1", createdAt = "2026-01-01T10:05:00Z") {
  return { id, name, created_at: createdAt };
}

/**
 * The workshop with Ann's and the anonymous drive grouped in theme t1 (through theme_saved).
 * @returns {import("../../static/js/state.js").State}
 */
function grouped() {
  const cards = workshop().cards.filter((c) => c.id === "c-ann" || c.id === "c-anon").map((c) => ({ ...c, theme_id: "t1" }));
  return next(workshop(), RECEIVE.THEME_SAVED, { theme: theme(), cards });
}

describe("themes", () => {
  it("theme_saved adds the theme and puts the cards it carries in it", () => {
    const state = grouped();
    assert.deepEqual(state.themes, [theme()]);
    assert.deepEqual(ids(cardsOfTheme(state, "t1")), ["c-ann", "c-anon"]);
    assert.equal(state.cards.length, 4);
    assert.equal(state.cards.find((c) => c.id === "c-bob")?.theme_id, undefined);
  });

  it("theme_saved with no cards renames the theme in place and leaves the cards be", () => {
    const renamed = next(grouped(), RECEIVE.THEME_SAVED, { theme: theme("t1", "Sharing"), cards: [] });
    assert.deepEqual(renamed.themes.map((t) => t.name), ["Sharing"]);
    assert.deepEqual(ids(cardsOfTheme(renamed, "t1")), ["c-ann", "c-anon"]);
  });

  it("a card moving to another theme leaves the first", () => {
    const bob = { ...workshop().cards[1], theme_id: "t2" };
    const ann = { ...workshop().cards[0], theme_id: "t2" };
    const moved = next(grouped(), RECEIVE.THEME_SAVED, { theme: theme("t2", "Theme 2", "2026-01-01T10:06:00Z"), cards: [bob, ann] });
    assert.deepEqual(ids(cardsOfTheme(moved, "t1")), ["c-anon"]);
    assert.deepEqual(ids(cardsOfTheme(moved, "t2")), ["c-bob", "c-ann"]);
  });

  it("theme_deleted drops the theme; its cards stay, in no theme", () => {
    const deleted = next(grouped(), RECEIVE.THEME_DELETED, { id: "t1", card_ids: ["c-ann"] });
    assert.deepEqual(deleted.themes, []);
    assert.equal(deleted.cards.length, 4);
    // c-anon was not listed (an emptied theme lists none) but pointed at the theme: it is in none too.
    assert.deepEqual(deleted.cards.map((c) => c.theme_id ?? null), [null, null, null, null]);
    assert.deepEqual(cardsOfTheme(deleted, "t1"), []);
  });

  it("card_saved moves a card in or out of a theme", () => {
    const out = next(grouped(), RECEIVE.CARD_SAVED, { card: { ...workshop().cards[0], theme_id: null } });
    assert.deepEqual(ids(cardsOfTheme(out, "t1")), ["c-anon"]);
    const back = next(out, RECEIVE.CARD_SAVED, { card: { ...workshop().cards[1], theme_id: "t1" } });
    assert.deepEqual(ids(cardsOfTheme(back, "t1")), ["c-bob", "c-anon"]);
  });

  it("a card deleted or its person gone is no longer in the theme", () => {
    assert.deepEqual(ids(cardsOfTheme(next(grouped(), RECEIVE.CARD_DELETED, { id: "c-anon", link_ids: [] }), "t1")), ["c-ann"]);
    const left = next(grouped(), RECEIVE.PARTICIPANT_LEFT, { id: "ann", card_ids: ["c-ann"], link_ids: ["l1"] });
    assert.deepEqual(ids(cardsOfTheme(left, "t1")), ["c-anon"]);
  });

  it("themesInOrder lists themes by creation, whatever order they came in", () => {
    let state = next(workshop(), RECEIVE.THEME_SAVED, { theme: theme("t-late", "Late", "2026-01-01T11:00:00Z"), cards: [] });
    state = next(state, RECEIVE.THEME_SAVED, { theme: theme("t-early", "Early", "2026-01-01T09:00:00Z"), cards: [] });
    assert.deepEqual(ids(themesInOrder(state)), ["t-early", "t-late"]);
    assert.deepEqual(themesInOrder(fromServer({ version: 1 })), []);
    assert.deepEqual(cardsOfTheme(workshop(), "t1"), []);
  });

  it("a state without themes (an older phone's) takes theme events", () => {
    const old = deepFreeze({ ...workshop(), themes: undefined });
    const after = applyChange(/** @type {any} */ (old), RECEIVE.THEME_DELETED, deepFreeze({ version: 11, id: "t9", card_ids: [] }));
    assert.deepEqual(after.themes, []);
  });
});

describe("ordering", () => {
  it("says whether an event is the next one, already known, or after a gap", () => {
    const state = workshop();
    assert.equal(ordering(state, { version: 11 }), "next");
    assert.equal(ordering(state, { version: 10 }), "stale");
    assert.equal(ordering(state, { version: 3 }), "stale");
    assert.equal(ordering(state, { version: 12 }), "gap");
    assert.equal(ordering(state, {}), "gap");
    assert.equal(ordering(null, { version: 1 }), "gap");
  });
});

describe("selectors", () => {
  it("goalsInOrder sorts by position", () => {
    assert.deepEqual(ids(goalsInOrder(workshop())), ["g1", "g2"]);
  });

  it("cardsAbout lists a person's cards oldest first, of one kind, and nobody's for null", () => {
    assert.deepEqual(ids(cardsAbout(workshop(), "bob")), ["c-bob", "s-bob"]);
    assert.deepEqual(ids(cardsAbout(workshop(), "bob", "strength")), ["s-bob"]);
    assert.deepEqual(cardsAbout(workshop(), null), []);
  });

  it("anonymousCards and strengthsGivenBy", () => {
    assert.deepEqual(ids(anonymousCards(workshop())), ["c-anon"]);
    assert.deepEqual(ids(strengthsGivenBy(workshop(), "ann")), ["s-bob"]);
    assert.deepEqual(strengthsGivenBy(workshop(), "bob"), []);
  });

  it("linksOfGoal oldest first; linkBetween finds the pair", () => {
    assert.deepEqual(ids(linksOfGoal(workshop(), "g1")), ["l2", "l1"]);
    assert.equal(linkBetween(workshop(), "s-bob", "g2")?.id, "l3");
    assert.equal(linkBetween(workshop(), "s-bob", "g1"), undefined);
  });

  it("isShared: not facilitator-only, not waiting for consent", () => {
    const card = workshop().cards[0];
    assert.equal(isShared(card), true);
    assert.equal(isShared({ ...card, visibility: "facilitator" }), false);
    assert.equal(isShared({ ...card, kind: "strength", status: "pending" }), false);
  });

  it("counts", () => {
    assert.deepEqual(counts(workshop()), { participants: 2, drives: 3, strengths: 1, links: 3, goals: 2, openGoals: 0 });
    const open = next(workshop(), RECEIVE.LINK_DELETED, { id: "l3" });
    assert.equal(counts(open).openGoals, 1);
  });

  it("isPresent drops null and undefined only", () => {
    assert.deepEqual([0, null, "", undefined, false].filter(isPresent), [0, "", false]);
  });
});
