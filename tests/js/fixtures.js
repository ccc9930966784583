// @ts-check
// A small workshop for the unit tests: two people, two goals, a drive each, a strength, links.

/** @typedef {import("../../static/js/state.js").State} State */

/**
 * Freeze an object and everything in it, so a test fails loudly if the code under test writes to
 * its input (strict-mode modules throw on writes to frozen objects).
 * @template T
 * @param {T} value
 * @returns {T}
 */
export function deepFreeze(value) {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * A fresh (frozen) workshop state at version 10.
 * @returns {State}
 */
export function workshop() {
  return deepFreeze({
    version: 10,
    workshop: {
      code: "ABC123", title: "Team day", language: "en", phase: "linking", prompts: ["What drives you?", "When do you shine?"],
      join_url: "http://example.test/j/ABC123", default_visibility: "named",
      timer_ends_at: null, timer_seconds: 0, timer_lock: false,
    },
    goals: [
      { id: "g2", kind: "project", text: "New shop", position: 2 },
      { id: "g1", kind: "goal", text: "Happy customers", position: 1 },
    ],
    participants: [
      { id: "ann", name: "Ann", color: 1, done: [] },
      { id: "bob", name: "Bob", color: 2, done: ["drives"] },
    ],
    cards: [
      { id: "c-ann", kind: "drive", about: "ann", author: "ann", text: "Craft", prompt: 0, visibility: "named", status: "accepted",
        signed: false, created_at: "2026-01-01T10:00:02Z" },
      { id: "c-bob", kind: "drive", about: "bob", author: "bob", text: "People", prompt: 1, visibility: "named", status: "accepted",
        signed: false, created_at: "2026-01-01T10:00:01Z" },
      { id: "s-bob", kind: "strength", about: "bob", author: "ann", text: "Calm", prompt: null, visibility: "named", status: "accepted",
        signed: true, created_at: "2026-01-01T10:00:03Z" },
      { id: "c-anon", kind: "drive", about: null, author: null, text: "Quiet", prompt: null, visibility: "anonymous", status: "accepted",
        signed: false, created_at: "2026-01-01T10:00:04Z" },
    ],
    links: [
      { id: "l1", card_id: "c-ann", goal_id: "g1", type: "energises", endorsements: ["bob"], created_by: "ann", created_at: "2026-01-01T10:01:00Z" },
      { id: "l2", card_id: "c-bob", goal_id: "g1", type: "grow", endorsements: [], created_by: "bob", created_at: "2026-01-01T10:00:30Z" },
      { id: "l3", card_id: "s-bob", goal_id: "g2", type: "already", endorsements: ["ann"], created_by: "ann", created_at: "2026-01-01T10:02:00Z" },
    ],
    agreements: [
      { id: "a1", link_id: "l1", text: "Pair on it", owner: "ann", due: "2026-02-01", done: false, created_at: "2026-01-01T10:03:00Z" },
      { id: "a2", link_id: "l2", text: "Ask Bob", owner: "bob", due: null, done: false, created_at: "2026-01-01T10:04:00Z" },
    ],
    assignments: [{ giver: "ann", receiver: "bob" }, { giver: "bob", receiver: "ann" }],
    checkin: null,
    me: { role: "participant", id: "ann", view: "participant" },
  });
}
