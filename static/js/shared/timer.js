// @ts-check
// The phase's timer as a screen shows it: idle, running, in its last stretch, or ended. Every
// page reads it from here, on the one server clock (live.js serverNow), and draws it its own way.

import { formatClock, timerAt } from "../clock.js";

/**
 * @typedef {{state: "idle"|"running"|"ending"|"ended", clock: string, left: number, total: number, lock: boolean}} TimerView
 *   `clock`: the time left as "m:ss"; `ending`: running, within its last stretch
 */

/**
 * The timer of a workshop at a moment, for a screen.
 * @param {{timer_ends_at?: ?string, timer_seconds?: number, timer_lock?: boolean}} workshop
 * @param {number} now the server's time in milliseconds
 * @param {number} endingSeconds how long before the end it counts as ending
 * @returns {TimerView}
 */
export function timerView(workshop, now, endingSeconds) {
  const timer = timerAt(workshop, now);
  const state = timer.state === "running" && timer.left <= endingSeconds ? "ending" : timer.state;
  return { state, clock: formatClock(timer.left), left: timer.left, total: timer.total, lock: timer.lock };
}
