// @ts-check
// phone/store.js, the outbox: how queued changes show on top of the server's state, and the items themselves.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { SEND } from "../../static/js/events.js";
import { deepFreeze, workshop } from "./fixtures.js";

// The store reads the page's data blocks when it loads; under node there is no page.
Object.assign(globalThis, { document: { getElementById: () => null } });
const { applyOutbox, idsOf, outboxItem, restoredOutbox } = await import("../../static/js/phone/store.js");

/**
 * @param {string} event
 * @param {object} payload
 * @param {string} [at]
 * @returns {import("../../static/js/phone/store.js").OutboxItem}
 */
function item(event, payload, at = "2026-01-01T12:00:00Z") {
  return deepFreeze({ key: `k-${event}`, event, payload, at, by: "ann" });
}

const ids = (/** @type {Array<{id: string}>} */ list) => list.map((x) => x.id);

describe("outboxItem and restoredOutbox", () => {
  it("makes items with distinct keys, the time and the author", () => {
    const a = outboxItem(SEND.ADD_CARD, { id: "x" }, "ann");
    const b = outboxItem(SEND.ADD_CARD, { id: "x" }, null);
    assert.notEqual(a.key, b.key);
    assert.equal(a.by, "ann");
    assert.equal(b.by, null);
    assert.ok(!Number.isNaN(Date.parse(a.at)));
  });

  it("keeps only well-formed stored items, giving old ones a key", () => {
    const restored = restoredOutbox([
      { event: "add_card", payload: { id: "c1" } },
      { key: "mine", event: "delete_card", payload: { id: "c2" }, at: "t", by: "ann" },
      { event: 3, payload: {} },
      { event: "add_link" },
      null,
    ]);
    assert.equal(restored.length, 2);
    assert.match(restored[0].key, /^restored-0-/);
    assert.equal(restored[0].by, null);
    assert.equal(restored[1].key, "mine");
    assert.deepEqual(restoredOutbox("nonsense"), []);
  });

  it("idsOf names what an item is about", () => {
    assert.deepEqual(idsOf(item(SEND.ADD_LINK, { id: "l9", card_id: "c-ann", goal_id: "g1" })), ["l9", "c-ann"]);
    assert.deepEqual(idsOf(item(SEND.ANSWER_CHECKIN, { link_id: "l1", rating: 3 })), ["l1"]);
  });
});

describe("applyOutbox", () => {
  it("shows the server's state as it is with nothing queued", () => {
    const state = workshop();
    assert.equal(applyOutbox(state, [], "ann"), state);
  });

  it("a new drive shows at once, marked unsent and fresh, with the workshop's default visibility", () => {
    const shown = applyOutbox(workshop(), [item(SEND.ADD_CARD, { id: "new", kind: "drive", text: "Music", prompt: 1 })], "ann");
    const card = shown.cards.find((c) => c.id === "new");
    assert.deepEqual(card, {
      id: "new", kind: "drive", about: "ann", author: "ann", text: "Music", prompt: 1, visibility: "named", status: "accepted",
      signed: false, created_at: "2026-01-01T12:00:00Z", unsent: true, fresh: true,
    });
  });

  it("a new strength waits for its person and carries the signature", () => {
    const shown = applyOutbox(workshop(), [item(SEND.ADD_CARD, { id: "s2", kind: "strength", text: "Kind", about: "bob", signed: true })], "ann");
    const card = shown.cards.find((c) => c.id === "s2");
    assert.equal(card?.about, "bob");
    assert.equal(card?.status, "pending");
    assert.equal(card?.signed, true);
    assert.equal(card?.visibility, "named");
  });

  it("a card the server already has is not shown twice", () => {
    const shown = applyOutbox(workshop(), [item(SEND.ADD_CARD, { id: "c-ann", kind: "drive", text: "Craft" })], "ann");
    assert.equal(shown.cards.length, 4);
  });

  it("an edit changes only the fields it carries; new words ask a strength's person again", () => {
    const drive = applyOutbox(workshop(), [item(SEND.EDIT_CARD, { id: "c-ann", visibility: "anonymous" })], "ann").cards[0];
    assert.equal(drive.visibility, "anonymous");
    assert.equal(drive.text, "Craft");
    assert.equal(drive.unsent, true);
    const strength = applyOutbox(workshop(), [item(SEND.EDIT_CARD, { id: "s-bob", text: "Very calm" })], "ann").cards[2];
    assert.equal(strength.text, "Very calm");
    assert.equal(strength.status, "pending");
    assert.equal(strength.reworded, false);
  });

  it("deleting a card takes its links with it", () => {
    const shown = applyOutbox(workshop(), [item(SEND.DELETE_CARD, { id: "c-ann" })], "ann");
    assert.deepEqual(ids(shown.cards), ["c-bob", "s-bob", "c-anon"]);
    assert.deepEqual(ids(shown.links), ["l2", "l3"]);
  });

  it("accepting a strength in one's own words makes it theirs and unsigned; declining removes it", () => {
    const pending = deepFreeze({ ...workshop(), cards: workshop().cards.map((c) => (c.id === "s-bob" ? { ...c, status: "pending" } : c)) });
    const same = applyOutbox(pending, [item(SEND.RESPOND_STRENGTH, { id: "s-bob", answer: "accept" })], "bob").cards[2];
    assert.deepEqual([same.status, same.text, same.signed, same.reworded], ["accepted", "Calm", true, undefined]);
    const own = applyOutbox(pending, [item(SEND.RESPOND_STRENGTH, { id: "s-bob", answer: "accept", text: "Steady" })], "bob").cards[2];
    assert.deepEqual([own.status, own.text, own.signed, own.reworded], ["accepted", "Steady", false, true]);
    const declined = applyOutbox(pending, [item(SEND.RESPOND_STRENGTH, { id: "s-bob", answer: "decline" })], "bob");
    assert.deepEqual(ids(declined.cards), ["c-ann", "c-bob", "c-anon"]);
    assert.deepEqual(ids(declined.links), ["l1", "l2"]);
  });

  it("a new link shows unless the pair exists or its card or goal is gone", () => {
    const made = applyOutbox(workshop(), [item(SEND.ADD_LINK, { id: "l9", card_id: "c-anon", goal_id: "g2" })], "ann");
    assert.deepEqual(made.links.at(-1), {
      id: "l9", card_id: "c-anon", goal_id: "g2", type: "energises", endorsements: [], created_by: "ann",
      created_at: "2026-01-01T12:00:00Z", unsent: true, fresh: true,
    });
    assert.equal(applyOutbox(workshop(), [item(SEND.ADD_LINK, { id: "l9", card_id: "c-ann", goal_id: "g1" })], "ann").links.length, 3);
    assert.equal(applyOutbox(workshop(), [item(SEND.ADD_LINK, { id: "l9", card_id: "gone", goal_id: "g1" })], "ann").links.length, 3);
  });

  it("a queued link's card deleted later in the queue leaves no link behind", () => {
    const shown = applyOutbox(workshop(), [
      item(SEND.ADD_CARD, { id: "new", kind: "drive", text: "Music" }),
      item(SEND.ADD_LINK, { id: "l9", card_id: "new", goal_id: "g2" }),
      item(SEND.DELETE_CARD, { id: "new" }),
    ], "ann");
    assert.equal(shown.cards.some((c) => c.id === "new"), false);
    assert.equal(shown.links.some((l) => l.id === "l9"), false);
  });

  it("deleting a link drops its agreements; editing changes the type once", () => {
    const removed = applyOutbox(workshop(), [item(SEND.DELETE_LINK, { id: "l1" })], "ann");
    assert.deepEqual(ids(removed.links), ["l2", "l3"]);
    assert.deepEqual(ids(removed.agreements), ["a2"]);
    const retyped = applyOutbox(workshop(), [item(SEND.EDIT_LINK, { id: "l1", type: "grow" })], "ann").links[0];
    assert.deepEqual([retyped.type, retyped.unsent], ["grow", true]);
    const state = workshop();
    const unchanged = applyOutbox(state, [item(SEND.EDIT_LINK, { id: "l1", type: "energises" })], "ann").links[0];
    assert.equal(unchanged, state.links[0], "the same type: the very same link, not marked unsent");
  });

  it("+1 adds or takes back my endorsement only", () => {
    const plus = applyOutbox(workshop(), [item(SEND.ENDORSE_LINK, { id: "l2", endorsed: true })], "ann").links[1];
    assert.deepEqual(plus.endorsements, ["ann"]);
    const back = applyOutbox(workshop(), [item(SEND.ENDORSE_LINK, { id: "l3", endorsed: false })], "ann").links[2];
    assert.deepEqual(back.endorsements, []);
    const again = applyOutbox(workshop(), [item(SEND.ENDORSE_LINK, { id: "l1", endorsed: false })], "ann").links[0];
    assert.equal(again.unsent, undefined, "not endorsed by me: nothing changes");
  });

  it("agreements: added on a known link, edited field by field, deleted", () => {
    const added = applyOutbox(workshop(), [item(SEND.ADD_AGREEMENT, { id: "a9", link_id: "l3", text: "Demo", due: "2026-03-01" })], "ann");
    assert.deepEqual(added.agreements.at(-1), {
      id: "a9", link_id: "l3", text: "Demo", owner: null, due: "2026-03-01", done: false,
      created_at: "2026-01-01T12:00:00Z", unsent: true, fresh: true,
    });
    assert.equal(applyOutbox(workshop(), [item(SEND.ADD_AGREEMENT, { id: "a9", link_id: "nope", text: "?" })], "ann").agreements.length, 2);
    const edited = applyOutbox(workshop(), [item(SEND.EDIT_AGREEMENT, { id: "a1", done: true, owner: null })], "ann").agreements[0];
    assert.deepEqual([edited.text, edited.done, edited.owner, edited.due], ["Pair on it", true, null, "2026-02-01"]);
    assert.deepEqual(ids(applyOutbox(workshop(), [item(SEND.DELETE_AGREEMENT, { id: "a1" })], "ann").agreements), ["a2"]);
  });

  it("a check-in answer replaces my earlier one for that link; without a check-in nothing shows", () => {
    const open = deepFreeze({ ...workshop(), checkin: { id: "k1", answers: [
      { checkin_id: "k1", link_id: "l1", participant_id: "ann", rating: 2, comment: null },
      { checkin_id: "k1", link_id: "l1", participant_id: "bob", rating: 4, comment: null },
    ] } });
    const shown = applyOutbox(open, [item(SEND.ANSWER_CHECKIN, { link_id: "l1", rating: 5, comment: "Yes" })], "ann");
    assert.deepEqual(shown.checkin?.answers.map((a) => [a.participant_id, a.rating, a.comment]), [["bob", 4, null], ["ann", 5, "Yes"]]);
    const none = workshop();
    assert.equal(applyOutbox(none, [item(SEND.ANSWER_CHECKIN, { link_id: "l1", rating: 5 })], "ann").checkin, null);
  });

  it("'I'm done' marks or unmarks the phase on my person only", () => {
    const done = applyOutbox(workshop(), [item(SEND.SET_DONE, { phase: "linking", done: true })], "ann");
    assert.deepEqual(done.participants.map((p) => p.done), [["linking"], ["drives"]]);
    const undone = applyOutbox(workshop(), [item(SEND.SET_DONE, { phase: "drives", done: false })], "bob");
    assert.deepEqual(undone.participants[1].done, []);
  });

  it("ignores events it does not overlay", () => {
    const state = workshop();
    assert.equal(applyOutbox(state, [item(SEND.SET_PHASE, { phase: "closed" })], "ann"), state);
  });
});
