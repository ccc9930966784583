// @ts-check
// clock.js: the server's clock, the timer at a moment, and the durations people type.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { formatClock, parseDuration, serverClock, timerAt } from "../../static/js/clock.js";

describe("serverClock", () => {
  /**
   * How far the clock is ahead of this machine's, in ms (to within the time a test line takes).
   * @param {ReturnType<typeof serverClock>} clock
   */
  const ahead = (clock) => Math.round((clock.now() - Date.now()) / 1000) * 1000;
  const inAMinute = () => new Date(Date.now() + 60_000).toISOString();

  it("is this machine's clock until the server says otherwise", () => {
    assert.equal(ahead(serverClock()), 0);
  });

  it("follows the server's time from a whole state or a change that carries it", () => {
    const clock = serverClock();
    clock.follow({ server_time: inAMinute() }, { event: "state" });
    assert.equal(ahead(clock), 60_000);
    clock.follow({}, { event: "settings_changed", data: { server_time: new Date(Date.now() - 30_000).toISOString() } });
    assert.equal(ahead(clock), -30_000);
  });

  it("keeps what it knew when a message tells no time", () => {
    const clock = serverClock();
    clock.sync(inAMinute());
    clock.follow({}, { event: "card_saved", data: {} });
    clock.follow({ server_time: "2000-01-01T00:00:00Z" }, { event: "card_saved" });
    clock.sync("not a time");
    clock.sync(null);
    assert.equal(ahead(clock), 60_000);
  });
});

describe("timerAt", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");

  it("is idle without an end", () => {
    assert.deepEqual(timerAt({}, now), { state: "idle", left: 0, total: 0, lock: false });
    assert.deepEqual(timerAt({ timer_ends_at: null, timer_lock: true }, now), { state: "idle", left: 0, total: 0, lock: true });
  });

  it("counts whole seconds up, so 0 means ended", () => {
    const workshop = { timer_ends_at: "2026-01-01T12:05:00Z", timer_seconds: 300, timer_lock: true };
    assert.deepEqual(timerAt(workshop, now), { state: "running", left: 300, total: 300, lock: true });
    assert.deepEqual(timerAt(workshop, now + 299_001), { state: "running", left: 1, total: 300, lock: true });
    assert.deepEqual(timerAt(workshop, now + 300_000), { state: "ended", left: 0, total: 300, lock: true });
    assert.deepEqual(timerAt(workshop, now + 900_000), { state: "ended", left: 0, total: 300, lock: true });
  });
});

describe("formatClock", () => {
  it("writes m:ss, minutes past 59 included", () => {
    assert.equal(formatClock(0), "0:00");
    assert.equal(formatClock(9), "0:09");
    assert.equal(formatClock(61), "1:01");
    assert.equal(formatClock(4500), "75:00");
    assert.equal(formatClock(-3), "0:00");
    assert.equal(formatClock(59.6), "1:00");
  });
});

describe("parseDuration", () => {
  it("reads minutes, or minutes and seconds", () => {
    assert.equal(parseDuration("5"), 300);
    assert.equal(parseDuration(" 2:30 "), 150);
    assert.equal(parseDuration("0:45"), 45);
    assert.equal(parseDuration("120"), 7200);
  });

  it("refuses what is not a duration or is out of range", () => {
    for (const text of ["", "0", "0:00", "1:60", "1:5", "abc", "5m", "121", "-1", "1.5"]) {
      assert.equal(parseDuration(text), null, text);
    }
    assert.equal(parseDuration("3", 120), null);
    assert.equal(parseDuration("2", 120), 120);
  });
});
