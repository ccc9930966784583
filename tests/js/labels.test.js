// @ts-check
// labels.js, the words and colours every page shares, and the timer as screens show it (clock.js).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { timerView } from "../../static/js/clock.js";
import {
  agreementMeta, agreementParts, agreementsOf, colorClass, countText, dayText, format, linkCountText, nameOf, paletteOf, parseDay,
  pluralOf, refusalText, typeOf, typeWords,
} from "../../static/js/labels.js";
import { workshop } from "./fixtures.js";

const strings = {
  link_count_zero: "No links", link_count_one: "1 link", link_count_other: "{n} links",
  people_one: "{n} person", people_other: "{n} people",
  link_type_energises: "It energises me", link_type_grow: "I want to grow in this", link_type_already: "I already do this",
  agreement_by: "{owner} · by {due}", agreement_due_only: "by {due}",
};

describe("format", () => {
  it("fills known placeholders and leaves the rest", () => {
    assert.equal(format("{a} and {b}", { a: 1 }), "1 and {b}");
    assert.equal(format(undefined), "");
  });
});

describe("labels", () => {
  it("picks the plural form by the language's rules", () => {
    assert.equal(pluralOf(1, "en"), "one");
    assert.equal(pluralOf(2, "nl"), "other");
    assert.equal(pluralOf(1, "not a language tag!"), "one", "an unknown language falls back to English rules");
    assert.equal(countText(strings, "people", 1, "en"), "1 person");
    assert.equal(countText(strings, "people", 0, "en"), "0 people", "no _zero wording: the plural form");
    assert.equal(countText(strings, "people", 21, "nl"), "21 people");
  });

  it("words no links, one link and many", () => {
    assert.deepEqual([0, 1, 2, 15].map((n) => linkCountText(strings, n, "en")), ["No links", "1 link", "2 links", "15 links"]);
    assert.equal(countText({ x_other: "{n} x" }, "x", 1, "en"), "1 x", "a missing form falls back to _other");
  });

  it("names people the viewer knows, else the fallback", () => {
    assert.equal(nameOf(workshop(), "bob"), "Bob");
    assert.equal(nameOf(workshop(), "gone", "Someone"), "Someone");
    assert.equal(nameOf(workshop(), null), "");
  });

  it("defaults a link's type as the server does, and words it", () => {
    assert.equal(typeOf({ type: "grow" }), "grow");
    assert.equal(typeOf({}), "energises");
    assert.equal(typeOf({ type: "bogus" }), "energises");
    assert.equal(typeWords(strings, { type: "already" }), "I already do this");
  });
});

describe("colors", () => {
  it("paints a person in their palette entry, nobody in 'anon'", () => {
    assert.equal(paletteOf({ color: 5 }), 5);
    assert.equal(paletteOf(undefined), "anon");
    assert.equal(colorClass("edge", { color: 0 }), "edge-0");
    assert.equal(colorClass("stroke", null), "stroke-anon");
  });
});

describe("dates", () => {
  it("reads a bare day as that calendar day, wherever the machine is", () => {
    const day = parseDay("2030-03-01");
    assert.deepEqual([day?.getFullYear(), day?.getMonth(), day?.getDate()], [2030, 2, 1]);
    assert.equal(parseDay("nonsense"), null);
    assert.equal(parseDay(null), null);
  });

  it("writes a day in the page's language", () => {
    assert.equal(dayText("2030-03-01", "en"), "Mar 1, 2030");
    assert.equal(dayText("2030-03-01", "nl"), "1 mrt 2030");
    assert.equal(dayText("2030-03-01", "en", "long"), "March 1, 2030");
    assert.equal(dayText("someday", "en"), "someday");
  });
});

describe("timerView", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  const workshop = { timer_ends_at: "2026-01-01T12:02:00Z", timer_seconds: 300, timer_lock: false };

  it("is idle, running, ending in its last stretch, then ended", () => {
    assert.deepEqual(timerView({}, now, 30), { state: "idle", clock: "0:00", left: 0, total: 0, lock: false });
    assert.deepEqual(timerView(workshop, now, 30), { state: "running", clock: "2:00", left: 120, total: 300, lock: false });
    assert.equal(timerView(workshop, now + 90_000, 30).state, "ending");
    assert.equal(timerView(workshop, now + 89_000, 30).state, "running");
    assert.deepEqual(timerView(workshop, now + 120_000, 30), { state: "ended", clock: "0:00", left: 0, total: 300, lock: false });
  });
});

describe("agreements", () => {
  it("words who and by when, with the date in the language", () => {
    const [a1, a2] = workshop().agreements;
    assert.deepEqual(agreementParts(workshop(), a1, "en"), { owner: "Ann", due: "Feb 1, 2026" });
    assert.equal(agreementMeta(strings, workshop(), a1, "en"), "Ann · by Feb 1, 2026");
    assert.equal(agreementMeta(strings, workshop(), a1, "nl"), "Ann · by 1 feb 2026");
    assert.equal(agreementMeta(strings, workshop(), a2, "en"), "Bob");
    assert.equal(agreementMeta(strings, workshop(), { ...a1, owner: null }, "en"), "by Feb 1, 2026");
    assert.equal(agreementMeta(strings, workshop(), { ...a2, owner: "left" }, "en"), "");
  });

  it("lists a link's agreements oldest first", () => {
    const state = { agreements: [
      { id: "b", link_id: "l1", text: "", owner: null, due: null, done: false, created_at: "2" },
      { id: "a", link_id: "l1", text: "", owner: null, due: null, done: false, created_at: "2" },
      { id: "c", link_id: "l1", text: "", owner: null, due: null, done: false, created_at: "1" },
      { id: "d", link_id: "l2", text: "", owner: null, due: null, done: false, created_at: "0" },
    ] };
    assert.deepEqual(agreementsOf(state, "l1").map((a) => a.id), ["c", "a", "b"]);
  });
});

describe("refusalText", () => {
  const words = {
    error_failed: "That did not work.", error_locked: "Time is up.", error_locked_kept: "Time is up; your text is kept.",
    error_offline: "Not connected.",
  };

  it("words a refusal by its code, never by the server's English message", () => {
    assert.equal(refusalText(words, { code: "locked", message: "Input is locked" }), "Time is up.");
    assert.equal(refusalText(words, { code: "offline" }), "Not connected.");
  });

  it("says the text was kept where the page has words for it", () => {
    assert.equal(refusalText(words, { code: "locked" }, true), "Time is up; your text is kept.");
    assert.equal(refusalText(words, { code: "offline" }, true), "Not connected.");
  });

  it("falls back to a general wording for a code it has no words for", () => {
    assert.equal(refusalText(words, { code: "brand_new", message: "English" }), "That did not work.");
    assert.equal(refusalText(words, undefined), "That did not work.");
  });
});
