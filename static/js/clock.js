// @ts-check
// The phase timer as every screen shows it: counted against the server's clock, so a laptop or
// projector whose clock is a minute off still shows the same time left as everyone else.

/**
 * @typedef {{sync: (serverTime: string|null|undefined) => void,
 *            follow: (state: {server_time?: string}, cause: {event: string, data?: {server_time?: string}}) => void,
 *            now: () => number}} ServerClock
 */

/**
 * A clock that follows the server's: remember how far the local clock is off whenever the
 * server tells its time (`server_time` in `state` and in `settings_changed`).
 * @returns {ServerClock}
 */
export function serverClock() {
  let offset = 0;
  return {
    /**
     * @param {string|null|undefined} serverTime ISO time from the server
     */
    sync(serverTime) {
      const t = Date.parse(serverTime || "");
      if (!Number.isNaN(t)) offset = t - Date.now();
    },
    /**
     * Keep in step from the live state: the server's time comes with the whole state and with
     * every settings change.
     * @param {{server_time?: string}} state
     * @param {{event: string, data?: {server_time?: string}}} cause
     */
    follow(state, cause) {
      if (cause.event === "state") this.sync(state.server_time);
      else if (cause.data && cause.data.server_time) this.sync(cause.data.server_time);
    },
    /** @returns {number} the server's time now, in milliseconds */
    now() {
      return Date.now() + offset;
    },
  };
}

/**
 * The timer of a workshop at a moment.
 * @param {{timer_ends_at?: ?string, timer_seconds?: number, timer_lock?: boolean}} workshop
 * @param {number} now the server's time in milliseconds
 * @returns {{state: "idle"|"running"|"ended", left: number, total: number, lock: boolean}}
 *   `left`: whole seconds left (rounded up, so 0 only once it has ended)
 */
export function timerAt(workshop, now) {
  const ends = Date.parse(workshop.timer_ends_at || "");
  const lock = Boolean(workshop.timer_lock);
  if (Number.isNaN(ends)) return { state: "idle", left: 0, total: 0, lock };
  const left = Math.max(0, Math.ceil((ends - now) / 1000));
  return { state: left > 0 ? "running" : "ended", left, total: workshop.timer_seconds || 0, lock };
}

/**
 * Seconds as "m:ss" (minutes grow past 59: "75:00").
 * @param {number} seconds
 * @returns {string}
 */
export function formatClock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * Parse a typed duration: "5" is five minutes, "2:30" two and a half, "0:45" forty-five seconds.
 * @param {string} text
 * @param {number} [max=7200] the longest the server accepts, in seconds
 * @returns {?number} seconds, or null when it is not a duration
 */
export function parseDuration(text, max = 7200) {
  const match = /^\s*(\d{1,3})(?::([0-5]\d))?\s*$/.exec(String(text || ""));
  if (!match) return null;
  const seconds = Number(match[1]) * 60 + Number(match[2] || 0);
  return seconds > 0 && seconds <= max ? seconds : null;
}

/**
 * @typedef {{state: "idle"|"running"|"ending"|"ended", clock: string, left: number, total: number, lock: boolean}} TimerView
 *   `clock`: the time left as "m:ss"; `ending`: running, within its last stretch
 */

/**
 * The timer of a workshop at a moment, as a screen shows it. Every page reads it from here, on
 * the page's one server clock (live.js serverNow), and draws it its own way.
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
