// @ts-check
// The interface words the templates hand to the scripts (their `strings` blocks): each key in one
// place, and words for every refusal the server can give.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

const root = new URL("../../", import.meta.url);
const read = (/** @type {string} */ path) => readFileSync(new URL(path, root), "utf8");

/**
 * The keys a template's strings block defines (`  "key": _("…"),` lines).
 * @param {string} template
 * @returns {string[]}
 */
function keysOf(template) {
  return Array.from(read(`templates/${template}`).matchAll(/^ {2}"(\w+)":/gm), (m) => m[1]);
}

describe("string keys", () => {
  it("are defined once: in the shared include, or in the one page that uses them", () => {
    /** @type {Map<string, string[]>} */
    const where = new Map();
    for (const template of ["_strings.html", "phone.html", "phone_market.html", "board.html", "console.html"]) {
      for (const key of keysOf(template)) where.set(key, [...(where.get(key) || []), template]);
    }
    const twice = [...where].filter(([, templates]) => templates.length > 1);
    assert.deepEqual(twice, []);
  });

  it("word every refusal code of the protocol (the server's message is English only)", () => {
    const codes = Array.from(read("docs/protocol.md").matchAll(/^\| `(\w+)` \|/gm), (m) => m[1]);
    assert.ok(codes.includes("locked") && codes.includes("conflict"), "the protocol's table of codes was found");
    const shared = new Set(keysOf("_strings.html"));
    // A socket event the server does not know is a bug in this client: the general words do.
    const missing = codes.filter((code) => code !== "unknown_event" && !shared.has(`error_${code}`));
    assert.deepEqual(missing, []);
    assert.ok(shared.has("error_failed"));
  });
});
