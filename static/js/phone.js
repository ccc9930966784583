// @ts-check
// The participant's phone: five screens (my drives, strengths, links, agreements, me) and, while
// the facilitator has one open, the check-in, over one live state. Each screen is a module of its
// own (phone/drives.js, strengths.js, linking.js, agreements.js, checkin.js, me.js) with a render
// function of (view, ui) and its own wiring; phone/store.js is the store (what the phone shows
// beside the server's state, what of it is kept on the phone, what each screen shows of a state)
// and sends the outbox. This module is what frames every screen — the header (phase, my name,
// the phase's timer, what waits to be sent), the bar with this phase's task and "I'm done", the
// tab bar and which screen shows, following the room's phase (a late joiner lands where the room
// is) and an opened check-in while the person can still switch — and it wires it all together.
// What the participant types is kept on the phone (drafts, and an outbox of changes not yet
// acknowledged) so a reload or a dropped connection never loses it; the screens show the
// server's state with the outbox on top (phone/store.js), so after reconnecting they show exactly
// the server's state once the outbox is delivered.
// Every module is one more request on the phone's first load (about 0.4 KB of headers, and each
// compressed on its own), and that load must stay under 60 KB: hence a module per screen, and no
// more. This one imports the first screens itself, so they are all asked for at once; the
// others are loaded when first needed: the agreements' in the agreements phase and after (or
// when its tab opens), the check-in's when one is open, and the market's (with its markup and words, from
// the server: templates/phone_market.html) once the workshop is a marketplace.
// The data-testid handles this page and the browser tests share: docs/phone-handles.md.

import { byTestId, focusIn, format, part, setText, toast } from "./dom.js";
import { RECEIVE, SEND } from "./events.js";
import { countText, nameOf } from "./labels.js";
import { connectLive } from "./live.js";
import { cardById, fromServer, participantById } from "./state.js";
import { renderDrives, restoreDrive, wireDrives } from "./phone/drives.js";
import { renderLinks } from "./phone/linking.js";
import { renderMe, showLeft, wireMe } from "./phone/me.js";
import {
  CHECKIN, TABS, boot, currentView, enqueue, flushOutbox, isClosed, isLocked, kept, linkableCards, meId, ownPart, readOnly, screenFor,
  restoreAgreement, restoreCheckinComment, store, strings, tabForPhase, timerInfo, ui, useConnection, useServerClock,
} from "./phone/store.js";
import { renderStrengths, restoreStrength, saveStrengthDraft, wireStrengths } from "./phone/strengths.js";

/**
 * @typedef {import("./state.js").State} State
 * @typedef {import("./state.js").Card} Card
 * @typedef {import("./phone/store.js").OutboxItem} OutboxItem
 * @typedef {import("./phone/store.js").PhoneUi} PhoneUi
 */

const TICK_MS = 1000;

/** The check-in's screen, once loaded; whether it is on its way. */
/** @type {?typeof import("./phone/checkin.js")} */
let checkin = null;
let checkinLoading = false;

/** The agreements' screen, once loaded (from the linking phase on, or when its tab opens); whether it is on its way. */
/** @type {?typeof import("./phone/agreements.js")} */
let agreements = null;
let agreementsLoading = false;

/** The market's screen (issue 15), once loaded; whether it is on its way. */
/** @type {?typeof import("./phone/market.js")} */
let market = null;
let marketLoading = false;

/** Whether the phase's timer had run out at the last tick (to signal the moment it does). */
/** @type {?boolean} */
let timerUp = null;

// --- The frame: header, phase bar, tab bar, and which screen shows ------------------------------

const el = {
  root: part("phone"),
  tabbar: /** @type {HTMLElement} */ (document.querySelector(".tabbar")),
  phase: part("phase"),
  me: part("me-name"),
  closed: part("closed-notice"),
  outboxNote: part("outbox-note"),
  timer: part("timer"),
  timerText: part("timer-text"),
  phaseBar: part("phase-bar"),
  phaseTask: part("phase-task"),
  doneToggle: part("done-toggle", HTMLButtonElement),
  phaseGo: part("phase-go", HTMLButtonElement),
  timeUp: part("time-up"),
  checkinBanner: part("checkin-banner"),
};

/** The screens' main buttons, which say "Time is up" instead of adding while input is locked. */
const ADD_BUTTONS = "button[data-testid=drive-add], button[data-testid=strength-add]";

/**
 * The screen for the room's current phase.
 * @param {PhoneUi} [s]
 * @returns {string}
 */
function phaseTab(s = ui()) {
  return tabForPhase(s.state?.workshop?.phase || el.root.dataset.phase);
}

/**
 * Show one screen.
 * @param {string} tab one of TABS, or CHECKIN
 * @param {{focus?: boolean}} [options] focus: move the keyboard focus there
 */
function showTab(tab, options = {}) {
  store.update({ tab: screenFor(tab, ui().state, phaseTab()) });
  if (options.focus) focusIn(document, tab === CHECKIN ? "[data-testid=panel-checkin] h2" : `[data-testid="tab-${tab}"]`);
  window.scrollTo({ top: 0 });
}

/**
 * The tab bar and the panels: the screen shown.
 * @param {PhoneUi} s
 */
function renderTabs(s) {
  const tab = screenFor(s.tab, s.state, phaseTab(s));
  // On the check-in no tab is selected; the phase's tab keeps the keyboard's way into the tab bar.
  const stop = TABS.includes(tab) ? tab : phaseTab(s);
  for (const name of TABS) {
    const button = byTestId(`tab-${name}`); // the market's comes with its screen
    if (!button) continue;
    button.setAttribute("aria-selected", String(name === tab));
    button.tabIndex = name === stop ? 0 : -1;
    part(`panel-${name}`).hidden = name !== tab;
  }
  part("panel-checkin").hidden = tab !== CHECKIN;
}

/**
 * Whether the participant is in the middle of typing (then the screen must not move).
 * @returns {boolean}
 */
function isTyping() {
  const active = document.activeElement;
  return Boolean(active && (active.tagName === "TEXTAREA" || active.tagName === "INPUT"));
}

/**
 * Header: phase, my name, closed notice, what waits in the outbox; the timer and the phase bar.
 * @param {State} view
 * @param {PhoneUi} s
 */
function renderHeader(view, s) {
  const { workshop } = view;
  el.root.dataset.phase = workshop.phase;
  setText(el.phase, strings[`phase_${workshop.phase}`] || workshop.phase);
  const name = nameOf(view, meId(s));
  setText(el.me, name ? format(strings.you, { name }) : "");
  el.closed.hidden = !isClosed(s) || s.tab === CHECKIN;
  const locked = isLocked(s);
  for (const button of document.querySelectorAll(ADD_BUTTONS)) {
    if (!(button instanceof HTMLButtonElement)) continue;
    button.disabled = readOnly(s);
    // The main button itself says why it does not add now.
    setText(button, locked ? strings.timer_up : button.dataset.label || "");
  }
  el.timeUp.hidden = !locked;
  // Closed for good: the composers take no more typing (what was typed stays, to copy).
  for (const box of document.querySelectorAll(".composer textarea")) {
    if (box instanceof HTMLTextAreaElement) box.readOnly = isClosed(s);
  }
  el.checkinBanner.hidden = !view.checkin || s.tab === CHECKIN;
  renderTimer(s);
  renderPhaseBar(view, s);
  const waiting = s.outbox.length;
  el.outboxNote.hidden = !waiting || s.status === "connected";
  setText(el.outboxNote, countText(strings, "outbox_waiting", waiting));
}

/**
 * The phase's timer in the header: time left, amber in the last minute, "Time is up" after.
 * @param {PhoneUi} s
 */
function renderTimer(s) {
  const timer = timerInfo(s);
  el.timer.hidden = !timer;
  if (!timer) return;
  const up = timer.state === "ended";
  el.timer.dataset.state = up ? "up" : timer.state;
  part("timer-label").hidden = up;
  setText(el.timerText, up ? strings.timer_up : timer.clock);
}

/**
 * Under the header: this phase's task and "I'm done" — or, on another screen, where the room is now.
 * @param {State} view
 * @param {PhoneUi} s
 */
function renderPhaseBar(view, s) {
  const { phase } = view.workshop;
  const here = phaseTab(s) === s.tab;
  el.phaseBar.hidden = phase === "closed" || s.tab === CHECKIN;
  el.phaseBar.classList.toggle("is-elsewhere", !here);
  setText(el.phaseTask, here ? strings[`phase_task_${phase}`] || "" : format(strings.phase_elsewhere, { phase: strings[`phase_${phase}`] || phase }));
  const me = participantById(view, meId(s));
  el.doneToggle.hidden = !here || phase === "join";
  el.doneToggle.setAttribute("aria-pressed", String(Boolean(me && (me.done || []).includes(phase))));
  el.phaseGo.hidden = here;
}

/** "I'm done" with the room's current phase, or not yet (the facilitator sees it). */
function toggleDone() {
  const view = currentView();
  const { phase } = view.workshop;
  const me = participantById(view, meId());
  if (!me || phase === "join" || phase === "closed") return;
  enqueue(SEND.SET_DONE, { phase, done: !(me.done || []).includes(phase) });
}

/**
 * Move to the room's screen: on arrival (a late joiner, or a phase that changed while this phone
 * was away), on a phase change, and when a check-in opens — never while the person is typing
 * (then the bar under the header says where the room is, with a button to go there).
 * @param {State} state
 * @param {?State} previous
 * @param {{event: string, data?: any}} cause
 */
function followTheRoom(state, previous, cause) {
  const { phase } = state.workshop;
  const checkinId = state.checkin?.id || null;
  const tabOfPhase = tabForPhase(phase);
  if (cause.event === RECEIVE.STATE || cause.event === "cached") {
    if (checkinId && checkinId !== ui().seenCheckin && !isTyping()) showTab(CHECKIN);
    else if (!ui().tab || (ui().seenPhase && ui().seenPhase !== phase && !isTyping())) showTab(tabOfPhase);
  } else if (cause.event === RECEIVE.PHASE_CHANGED && previous?.workshop?.phase !== phase && ui().tab !== CHECKIN && !isTyping()) {
    showTab(tabOfPhase);
  } else if (cause.event === RECEIVE.CHECKIN_CHANGED && checkinId && previous?.checkin?.id !== checkinId) {
    toast(strings.checkin_opened);
    if (!isTyping()) showTab(CHECKIN);
  } else if (cause.event === RECEIVE.CHECKIN_CHANGED && !checkinId && previous?.checkin) {
    toast(strings.checkin_closed);
  } else if (cause.event === RECEIVE.ASSIGNMENTS_CHANGED && ui().tab !== "strengths"
    && (state.assignments || []).some((a) => a.giver === state.me?.id)) {
    toast(strings.round_new);
  }
  if (cause.event !== "cached") store.update({ seenPhase: phase });
  if (checkinId && ui().tab === CHECKIN) store.update({ seenCheckin: checkinId });
}

// --- Drawing, and what arrives from the server -------------------------------------------------------

/**
 * Render the page from the store: the screen shown, then (once a state is there) every screen.
 * It runs after every change to the store (wire() subscribes it), and reads the store only.
 */
function render() {
  const s = ui();
  renderTabs(s);
  if (!s.state || s.left) return;
  const view = currentView(s);
  renderHeader(view, s);
  renderDrives(view, s);
  renderStrengths(view, s);
  renderLinks(view, s);
  if (agreements) agreements.renderAgreements(view, s);
  else if (!agreementsLoading && (s.tab === "agreements" || s.agreementForm || view.agreements.length
    || ["agreements", "closed"].includes(view.workshop.phase))) {
    agreementsLoading = true;
    import("./phone/agreements.js").then((module) => {
      agreements = module;
      render();
    }, () => {
      agreementsLoading = false; // offline: the next render asks again
    });
  }
  if (checkin) checkin.renderCheckin(view, s);
  else if ((view.checkin || isClosed(s)) && !checkinLoading) { // check-ins come after the close: be ready
    checkinLoading = true;
    import("./phone/checkin.js").then((module) => {
      checkin = module;
      render();
    }, () => {
      checkinLoading = false; // offline: the next render asks again
    });
  }
  if (market) market.renderMarket(view, s);
  else if ((view.workshop.market_until || view.proposals.length) && !marketLoading) loadMarket();
  renderMe(view, s);
}

/**
 * Fetch the market's screen: its markup and words (templates/phone_market.html, parsed, never
 * run) and its script, together; then draw. Offline, the next render asks again.
 */
function loadMarket() {
  marketLoading = true;
  Promise.all([
    fetch(`/w/${boot.code}/phone/market`, { credentials: "same-origin" }).then((r) => (r.ok ? r.text() : Promise.reject(r.status))),
    import("./phone/market.js"),
  ]).then(([html, module]) => {
    const page = new DOMParser().parseFromString(html, "text/html");
    Object.assign(strings, JSON.parse(page.getElementById("market-strings")?.textContent || "{}"));
    for (const link of page.querySelectorAll("link")) document.head.append(document.adoptNode(link));
    for (const section of page.querySelectorAll("body > section")) part("panel-me").before(document.adoptNode(section));
    const tab = page.querySelector("[data-testid=tab-market]");
    if (tab) part("tab-me").before(document.adoptNode(tab));
    module.wireMarket();
    market = module;
    render();
  }, () => {
    marketLoading = false;
  });
}

/**
 * Every second while a timer runs: count down, and when time is up say so once (and, with the
 * lock, show every screen as paused).
 */
function tick() {
  if (!ui().state || ui().left) return;
  const timer = timerInfo();
  const up = Boolean(timer && timer.state === "ended");
  if (timerUp === false && timer && up) {
    toast(timer.lock ? `${strings.timer_up}. ${strings.time_up_locked}` : `${strings.timer_up}.`);
    render();
  } else if (timerUp !== up) {
    render();
  } else {
    renderTimer(ui());
  }
  timerUp = timer ? up : null;
}

/**
 * After a refused change, give typed text back to where it was typed (when that is empty).
 * @param {OutboxItem} item
 * @returns {boolean} whether text was given back
 */
function restoreDraft(item) {
  const { event, payload } = item;
  if (event === SEND.ADD_CARD && payload.kind === "drive") return restoreDrive(payload.text);
  if (event === SEND.ADD_CARD && payload.kind === "strength") return restoreStrength(payload);
  if (event === SEND.ADD_AGREEMENT) return restoreAgreement(payload);
  if (event === SEND.ANSWER_CHECKIN) return restoreCheckinComment(payload);
  return false;
}

/**
 * A new state arrived: render it, remember it, and send what waited for a connection.
 * @param {State} state
 * @param {{event: string, data?: any}} cause
 */
function onState(state, cause) {
  if (ui().left) return;
  const previous = ui().state;
  const me = state.me?.id;
  if (cause.event === RECEIVE.PARTICIPANT_LEFT && cause.data?.id && cause.data.id === me) {
    showLeft(ui().leaving ? "left" : "removed");
    return;
  }
  store.batch(() => {
    store.update((s) => ({ state, settling: s.settling.filter((x) => x.version > state.version) }));
    if (cause.event === RECEIVE.STATE && me) {
      // Changes queued by someone who is no longer this phone's person are not theirs to send.
      store.update((s) => ({ outbox: s.outbox.filter((item) => !item.by || item.by === me) }));
    }
    forgetWhatIsGone();
    if (cause.event === RECEIVE.CARD_SAVED && previous && isNewStrengthForMe(cause.data?.card, previous, me)) {
      toast(strings.new_strength);
    }
    followTheRoom(state, previous, cause);
  });
  if (cause.event !== "cached") kept.set("state", ownPart(state));
  if (cause.event === RECEIVE.STATE) flushOutbox();
}

/**
 * Let go of what is gone from the state: the card being edited or reworded, the colleague a
 * strength was for, the card picked for linking, the agreement's link; and leave the check-in
 * screen when the check-in closed.
 */
function forgetWhatIsGone() {
  const s = ui();
  const { state } = s;
  if (!state) return;
  const shown = currentView(s);
  /** @type {Partial<PhoneUi>} */
  const changes = {};
  const { editing, responding, agreementForm } = s;
  if (editing && !cardById(state, editing.id) && !s.outbox.some((i) => i.payload.id === editing.id)) changes.editing = null;
  if (responding && !cardById(state, responding.id)) changes.responding = null;
  if (s.about && !participantById(shown, s.about) && shown.participants.length) changes.about = null;
  if (s.linkCard && !linkableCards(shown, state.me?.id ?? null).some((c) => c.id === s.linkCard)) changes.linkCard = null;
  if (agreementForm && !shown.links.some((l) => l.id === agreementForm.linkId)) changes.agreementForm = null;
  if (s.tab === CHECKIN && !shown.checkin) changes.tab = phaseTab(s);
  store.update(changes);
  if ("about" in changes) saveStrengthDraft();
}

/**
 * Whether a saved card is a strength about me that I have not seen before (then say so).
 * @param {?Card|undefined} card
 * @param {State} previous
 * @param {?string} me
 * @returns {boolean}
 */
function isNewStrengthForMe(card, previous, me) {
  return Boolean(card && me && card.kind === "strength" && card.about === me && card.status === "pending"
    && card.author !== me && !cardById(previous, card.id) && ui().tab !== "strengths");
}

// --- Wiring --------------------------------------------------------------------------------------------

/** Restore drafts and wire the screens and the frame; all of it works before the socket connects. */
function wire() {
  wireDrives();
  wireStrengths(render);
  wireMe();
  for (const button of document.querySelectorAll(ADD_BUTTONS)) {
    if (!(button instanceof HTMLButtonElement)) continue;
    button.dataset.label = (button.textContent || "").trim();
    // The page comes with its add buttons off: before the scripts, a submit would reload the page
    // and lose what was typed. Now the forms are wired; the state decides from here on.
    button.disabled = false;
  }
  el.doneToggle.addEventListener("click", toggleDone);
  el.phaseGo.addEventListener("click", () => showTab(phaseTab()));
  part("checkin-open").addEventListener("click", () => showTab(CHECKIN, { focus: true }));
  el.tabbar.addEventListener("click", (event) => {
    const tab = event.target instanceof Element ? event.target.closest("[data-tab]") : null;
    if (tab instanceof HTMLElement && tab.dataset.tab) showTab(tab.dataset.tab);
  });
  el.tabbar.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const step = event.key === "ArrowRight" ? 1 : -1;
    const shown = TABS.filter((name) => {
      const button = byTestId(`tab-${name}`);
      return button && !button.hidden;
    });
    showTab(shown[(shown.indexOf(ui().tab || "") + step + shown.length) % shown.length], { focus: true });
  });
  setText(el.phase, strings[`phase_${el.root.dataset.phase}`] || el.root.dataset.phase || "");
  part("checkin-back").addEventListener("click", () => showTab(phaseTab()));
  window.setInterval(tick, TICK_MS);
  store.subscribe(render);
  render();
}

wire();
const live = connectLive({
  boot,
  strings,
  onState,
  onWorkshopDeleted: () => showLeft("deleted"),
  // The token no longer works: this person or the workshop was erased while the phone was away.
  onRefused: () => showLeft("gone"),
  onStatus: (status) => {
    store.update({ status });
    if (status === "connected") flushOutbox();
  },
  initialState: kept.get("state", null) ? fromServer(kept.get("state")) : undefined,
});
useServerClock(() => live.serverNow());
useConnection(live, restoreDraft);
