// @ts-check
// state.js createStore: a page's store (updates, subscribers, batches).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createStore } from "../../static/js/state.js";

describe("createStore", () => {
  it("merges patches into a new value and tells subscribers with the value before", () => {
    const store = createStore({ tab: "drives", search: "" });
    /** @type {Array<[string, string]>} */
    const heard = [];
    store.subscribe((value, previous) => heard.push([previous.tab, value.tab]));
    const first = store.get();
    store.update({ tab: "links" });
    store.update((value) => ({ search: `${value.tab}!` }));
    assert.deepEqual(store.get(), { tab: "links", search: "links!" });
    assert.deepEqual(first, { tab: "drives", search: "" }, "an old value is never changed");
    assert.deepEqual(heard, [["drives", "links"], ["links", "links"]]);
  });

  it("tells nobody when nothing changed", () => {
    const store = createStore({ n: 1 });
    let calls = 0;
    store.subscribe(() => { calls += 1; });
    store.update({ n: 1 });
    assert.equal(calls, 0);
  });

  it("tells once after a batch, with the value from before it", () => {
    const store = createStore({ a: 1, b: 1 });
    /** @type {Array<[number, number]>} */
    const heard = [];
    store.subscribe((value, previous) => heard.push([previous.a + previous.b, value.a + value.b]));
    store.batch(() => {
      store.update({ a: 2 });
      store.batch(() => store.update({ b: 5 }));
      assert.deepEqual(heard, []);
    });
    assert.deepEqual(heard, [[2, 7]]);
    store.batch(() => store.update({ a: 2 }));
    assert.equal(heard.length, 1, "a batch that changed nothing tells nobody");
  });

  it("stops telling a subscriber that left", () => {
    const store = createStore({ n: 0 });
    let calls = 0;
    const leave = store.subscribe(() => { calls += 1; });
    store.update({ n: 1 });
    leave();
    store.update({ n: 2 });
    assert.equal(calls, 1);
  });
});
