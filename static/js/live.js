// @ts-check
// The live connection: one Socket.IO socket per page, the state kept in step with the server
// (events applied strictly in version order, a `sync` when one is missed), `send` for changes,
// and the connection indicator (connecting / live / reconnecting in amber / offline).

import { io } from "/static/vendor/socket.io/socket.io.esm.min.js";
import { serverClock } from "./clock.js";
import { byTestId, setText, toast } from "./dom.js";
import { CHANGES, RECEIVE, SEND } from "./events.js";
import { refusalText } from "./labels.js";
import { applyChange, fromServer, ordering } from "./state.js";

const ACK_TIMEOUT_MS = 10000;
// An acknowledged change whose broadcast has not arrived after this long is fetched with `sync`.
const CATCH_UP_MS = 1500;
const RESYNC_RETRY_MS = 2000;
// While the browser reports no network, reconnecting waits; this checks in case "online" never fires.
const ONLINE_CHECK_MS = 5000;

/**
 * A fresh client-made id (32 hex characters), valid for the protocol's `[A-Za-z0-9_-]{8,64}`.
 * crypto.randomUUID exists only in secure contexts (https, localhost), so plain-http LAN
 * addresses fall back to getRandomValues.
 * @returns {string}
 */
export function newId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID().replace(/-/g, "");
  }
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The error code of a refused connection (`connect_error` carries `{code, message}` as its data).
 * @param {?{data?: {code?: string}}} err
 * @returns {?string}
 */
function refusalCode(err) {
  return err && err.data && typeof err.data.code === "string" ? err.data.code : null;
}

/**
 * @typedef {{ok: boolean, version?: number, error?: {code: string, message: string},
 *            url?: string, urls?: Object<string, string>, state?: object}} Ack
 *   `url`, `urls`, `state`: what some acknowledgements carry besides (a new link, a follow-up, `sync`)
 * @typedef {"connecting"|"connected"|"reconnecting"|"offline"} Status
 */

/**
 * Connect a page to its workshop.
 * @param {object} options
 * @param {{code: string, role: string, view: string}} options.boot who is connecting, from the page's boot JSON
 * @param {Object<string, string>} options.strings translated interface text
 * @param {(state: import("./state.js").State, cause: {event: string, data?: object}) => void} options.onState
 *   called after every change to the state, with the event that caused it ("state" for a full replacement)
 * @param {() => void} [options.onWorkshopDeleted]
 * @param {() => void} [options.onRefused] the server refused this page's identity (its token no
 *   longer works: the person or the workshop was erased meanwhile); without it, a toast says so
 * @param {(status: Status) => void} [options.onStatus]
 * @param {import("./state.js").State} [options.initialState] a state remembered from before (shown until the server's arrives)
 * @returns {{send: (event: string, payload?: object) => Promise<Ack>,
 *            act: (event: string, payload?: object) => Promise<Ack>, close: () => void,
 *            getState: () => ?import("./state.js").State, getStatus: () => Status,
 *            serverNow: () => number, socket: object}}
 */
export function connectLive({ boot, strings, onState, onWorkshopDeleted, onRefused, onStatus, initialState }) {
  /** @type {?import("./state.js").State} */
  let state = initialState || null;
  let fresh = false; // a state from the server has arrived since the last connect
  let syncing = false;
  /** @type {Array<[string, {version: number}]>} */
  let queue = [];
  /** @type {Status} */
  let status = "connecting";
  let closed = false; // closed on purpose (the person left): no reconnecting, no complaints
  // The page's one server clock: timers count down right on a skewed phone or projector.
  const clock = serverClock();

  // The HttpOnly cookie carries the token; the server reads it for this code and role.
  const socket = io({ auth: { code: boot.code, role: boot.role, view: boot.view } });

  /**
   * Show the connection state in the page's indicator and tell the controller.
   * @param {Status} next
   */
  function setStatus(next) {
    if (next === status && byTestId("connection")?.dataset.status === next) return;
    status = next;
    const indicator = byTestId("connection");
    if (indicator) {
      indicator.dataset.status = next;
      const label = strings[`status_${next}`] || next;
      indicator.setAttribute("title", label);
      setText(indicator.querySelector(".conn-label"), label);
    }
    if (onStatus) onStatus(next);
  }

  /**
   * Replace the whole state (after connecting or a sync), then apply what waited meanwhile.
   * @param {Partial<import("./state.js").State>} raw the state as the server sent it
   */
  function replaceState(raw) {
    clock.sync(raw && raw.server_time);
    state = fromServer(raw);
    fresh = true;
    onState(state, { event: RECEIVE.STATE });
    drain();
  }

  /** Apply the events that arrived while the state was being fetched. */
  function drain() {
    const waiting = queue;
    queue = [];
    for (const [event, data] of waiting) receiveChange(event, data);
  }

  /**
   * Apply one versioned change in order, or fetch the whole state when one was missed.
   * @param {string} event
   * @param {{version: number}} data
   */
  function receiveChange(event, data) {
    if (!fresh || syncing) {
      queue.push([event, data]);
      return;
    }
    const order = ordering(state, data);
    if (order === "stale") return;
    if (order === "gap" || !state) {
      queue.push([event, data]);
      resync();
      return;
    }
    state = applyChange(state, event, data);
    onState(state, { event, data });
  }

  /** Ask the server for the whole state (`sync`) and replace ours with it. */
  function resync() {
    if (syncing || !socket.connected) return;
    syncing = true;
    socket.timeout(ACK_TIMEOUT_MS).emit(SEND.SYNC, {}, (/** @type {?Error} */ err, /** @type {?Ack} */ ack) => {
      syncing = false;
      if (!err && ack && ack.ok && ack.state) {
        replaceState(ack.state);
      } else {
        window.setTimeout(resync, RESYNC_RETRY_MS);
      }
    });
  }

  /**
   * After an acknowledged change, make sure its broadcast arrives; fetch the state if not.
   * @param {number} version the version the acknowledgement reported
   */
  function expectVersion(version) {
    if (!state || version <= state.version) return;
    window.setTimeout(() => {
      if (state && state.version < version) resync();
    }, CATCH_UP_MS);
  }

  /**
   * Send a change to the server. Resolves with its acknowledgement, or with an `offline` /
   * `timeout` error made here; never rejects.
   * @param {string} event one of SEND
   * @param {object} [payload]
   * @returns {Promise<Ack>}
   */
  function send(event, payload = {}) {
    if (!socket.connected) {
      return Promise.resolve({ ok: false, error: { code: "offline", message: strings.error_offline } });
    }
    return new Promise((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (/** @type {?Error} */ err, /** @type {unknown} */ ack) => {
        if (err) {
          resolve({ ok: false, error: { code: "timeout", message: strings.error_timeout } });
          return;
        }
        const answer = ack && typeof ack === "object" ? /** @type {Ack} */ (ack) : { ok: false, error: { code: "invalid", message: strings.error_timeout } };
        if (answer.ok && typeof answer.version === "number") expectVersion(answer.version);
        resolve(answer);
      });
    });
  }

  /**
   * Send a change and show its error, if any, in a toast.
   * @param {string} event
   * @param {object} [payload]
   * @returns {Promise<Ack>}
   */
  async function act(event, payload = {}) {
    const ack = await send(event, payload);
    if (!ack.ok) toast(refusalText(strings, ack.error), { kind: "error" });
    return ack;
  }

  socket.on("connect", () => setStatus("connected"));
  socket.on("disconnect", (reason) => {
    fresh = false;
    // "io server disconnect": the server ended the session (e.g. the workshop was deleted);
    // the client will not retry by itself.
    setStatus(reason === "io server disconnect" || !navigator.onLine ? "offline" : "reconnecting");
  });
  socket.on("connect_error", (err) => {
    if (closed) return;
    if (!socket.active) {
      const code = refusalCode(err);
      if (code === "busy") {
        // The server cannot count this connection yet (its message queue is away): knock again.
        setStatus("reconnecting");
        setTimeout(() => closed || socket.connect(), 2000 + Math.random() * 3000);
        return;
      }
      // Refused by the server (bad or missing identity): retrying would not help.
      setStatus("offline");
      if (onRefused && (code === "unauthorized" || code === "not_found")) onRefused();
      // Too many windows open with one identity: say so (reloading alone would be refused again).
      else {
        const words = code === "too_many_connections" ? strings.error_too_many_connections : strings.error_refused;
        toast(words, { kind: "error", timeout: 10000 });
      }
    } else {
      setStatus(navigator.onLine ? (status === "connecting" ? "connecting" : "reconnecting") : "offline");
    }
  });
  socket.io.on("reconnect_attempt", () => setStatus(navigator.onLine ? "reconnecting" : "offline"));
  let onlineCheck = 0;

  /** No network: stop knocking (every attempt would fail) until the browser says it is back. */
  function pause() {
    setStatus("offline");
    if (closed || onlineCheck) return;
    socket.io.reconnection(false);
    socket.disconnect();
    onlineCheck = window.setInterval(() => {
      if (navigator.onLine) resume();
    }, ONLINE_CHECK_MS);
  }

  /** The network is back: reconnect now (and with backoff from here on). */
  function resume() {
    if (closed) return;
    window.clearInterval(onlineCheck);
    onlineCheck = 0;
    socket.io.reconnection(true);
    if (!socket.connected) setStatus("reconnecting");
    // Only when not already connecting: a second connect() would send a second CONNECT packet,
    // which the server refuses (and the socket would then give up).
    if (!socket.active) socket.connect();
  }

  window.addEventListener("offline", pause);
  window.addEventListener("online", resume);

  socket.on(RECEIVE.STATE, (raw) => replaceState(raw));
  for (const event of CHANGES) {
    socket.on(event, (data) => {
      if (event === RECEIVE.SETTINGS_CHANGED) clock.sync(data && data.server_time);
      receiveChange(event, data);
    });
  }
  // Who is connected changes outside the version order (a connection is not a change to the workshop).
  socket.on(RECEIVE.PRESENCE, (data) => {
    if (!state || !fresh || !data || !Array.isArray(data.connected)) return;
    state = { ...state, connected: data.connected };
    onState(state, { event: RECEIVE.PRESENCE, data });
  });
  socket.on(RECEIVE.WORKSHOP_DELETED, () => {
    setStatus("offline");
    if (onWorkshopDeleted) onWorkshopDeleted();
  });
  // Errors arrive in the acknowledgements (see act); `rejected` repeats them for clients
  // that do not ask for one, so it is deliberately not shown twice.
  socket.on(RECEIVE.REJECTED, () => {});

  /** End the connection for good (after leaving the workshop: the token no longer works). */
  function close() {
    closed = true;
    window.clearInterval(onlineCheck);
    socket.disconnect();
    setStatus("offline");
  }

  setStatus("connecting");
  if (!navigator.onLine) pause();
  if (state) onState(state, { event: "cached" });

  return { send, act, close, getState: () => state, getStatus: () => status, serverNow: () => clock.now(), socket };
}
