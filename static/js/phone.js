// @ts-check
// The participant's phone: five screens (my drives, strengths, links, agreements, me) and, while
// the facilitator has one open, the check-in, over one live state. The screen follows the room's
// phase (a late joiner lands where the room is); the person can still switch.
// What the participant types is kept on the phone (drafts, and an outbox of changes not yet
// acknowledged) so a reload or a dropped connection never loses it; the screens show the
// server's state with the outbox on top (outbox.js), so after reconnecting they show exactly
// the server's state once the outbox is delivered.
//
// Built on one store (state.js createStore): actions call store.update(), render() is subscribed
// and draws every screen, rebuilding a list item only when what it shows changed (unchanged()).
// The screens are sections of this module, not modules: each module is one more request on the
// phone's first load (about 0.7 KB of headers), and that load must stay under 60 KB.
// The data-testid handles this page and the browser tests share: docs/phone-handles.md.

import { timerView } from "./clock.js";
import {
  checkedOf, fill, focusIn, format, h, icon, part, prefersReducedMotion, readJSON, reconcile, setText, toast, valueOf, workshopStore,
} from "./dom.js";
import { LIMITS, LINK_TYPES, RECEIVE, SEND, VISIBILITIES } from "./events.js";
import {
  agreementParts, agreementsOf, colorClass, countText, linkCountText, nameOf, pageLanguage, refusalText, typeOf, typeWords,
} from "./labels.js";
import { connectLive, newId } from "./live.js";
import { applyOutbox, idsOf, outboxItem, restoredOutbox } from "./outbox.js";
import {
  cardById, cardsAbout, createStore, fromServer, goalById, goalsInOrder, isPresent, linkBetween, linksOfCard, participantById,
  strengthsGivenBy,
} from "./state.js";


/**
 * @typedef {import("./state.js").State} State
 * @typedef {import("./state.js").Card} Card
 * @typedef {import("./state.js").Link} Link
 * @typedef {import("./state.js").Agreement} Agreement
 * @typedef {import("./outbox.js").OutboxItem} OutboxItem
 * @typedef {{linkId: string, id: ?string, text: string, owner: ?string, due: string}} AgreementDraft
 * @typedef {{editable: boolean, deletable: boolean, meta: string, status?: string, visibility?: boolean}} CardOptions
 */

const boot = readJSON("boot");
const strings = readJSON("strings");
/** What the phone keeps on itself for this workshop (drafts, outbox, where it was). */
const kept = workshopStore(boot.code);

/** @type {?ReturnType<typeof connectLive>} set once wire() has run */
let live = null;

const TABS = ["drives", "strengths", "links", "agreements", "me"];
// The check-in is a screen without a tab: it is reached from its banner, and opens by itself.
const CHECKIN = "checkin";
/** @type {Object<string, string>} */
const TAB_FOR_PHASE = {
  join: "drives", drives: "drives", strengths: "strengths", linking: "links", agreements: "agreements", closed: "agreements",
};
// Trouble on the way, not a refusal: the change stays queued (and is tried again, except offline).
const NETWORK_ERRORS = ["offline", "timeout", "rate_limited"];
const FLUSH_RETRY_MS = 3000;
const TICK_MS = 1000;
// The last minute of a phase's timer shows in amber.
const ENDING_SECONDS = 60;
const RATINGS = [1, 2, 3, 4, 5];

/**
 * What this phone shows, beside the server's state: one value in a store, changed only with
 * store.update() (several changes at once in store.batch()). Every change re-renders the page
 * (render() subscribes below), and the fields in KEPT are written to the phone as they change.
 * @typedef {{
 *   state: ?State, tab: ?string, promptIndex: number, editing: ?{id: string, text: string, signed?: boolean},
 *   responding: ?{id: string, text: string}, about: ?string, visibility: ?string, search: string,
 *   linkCard: ?string, choosing: ?string, outbox: OutboxItem[], settling: Array<{item: OutboxItem, version: number}>,
 *   status: string, left: ?("left"|"removed"|"deleted"|"gone"), leaving: boolean, seenPhase: ?string,
 *   seenCheckin: ?string, agreementForm: ?AgreementDraft, checkinComments: Object<string, string>,
 * }} PhoneUi
 *   editing / responding: a card being edited, a received strength being reworded (text as typed);
 *   about: the colleague a strength is for; linkCard: the card picked for linking; choosing: the
 *   link just made, whose type is offered; settling: acknowledged changes until their broadcast
 *   arrives; seenPhase / seenCheckin: what this phone last followed.
 */

/** @type {import("./state.js").Store<PhoneUi>} */
const store = createStore(/** @type {PhoneUi} */ ({
  state: null,
  tab: kept.get("tab", null),
  promptIndex: kept.get("prompt", 0),
  editing: kept.get("editing", null),
  responding: kept.get("responding", null),
  about: (kept.get("draft:strength", {}) || {}).about || null,
  visibility: kept.get("draft:visibility", null),
  search: "",
  linkCard: kept.get("link-card", null),
  choosing: null,
  outbox: restoredOutbox(kept.get("outbox", [])),
  settling: [],
  status: "connecting",
  left: null,
  leaving: false,
  seenPhase: kept.get("seen-phase", null),
  seenCheckin: kept.get("seen-checkin", null),
  agreementForm: kept.get("draft:agreement", null),
  checkinComments: kept.get("draft:checkin", {}) || {},
}));

/**
 * The phone's state now. Read-only: change it with store.update().
 * @returns {PhoneUi}
 */
const ui = () => store.get();

/** The store's fields kept on the phone, and under which key. */
const KEPT = /** @type {const} */ ({
  tab: "tab", promptIndex: "prompt", editing: "editing", responding: "responding", visibility: "draft:visibility",
  linkCard: "link-card", outbox: "outbox", seenPhase: "seen-phase", seenCheckin: "seen-checkin",
  agreementForm: "draft:agreement", checkinComments: "draft:checkin",
});

store.subscribe((value, previous) => {
  if (value.left) return; // gone: everything kept was cleared, and stays so
  for (const [field, key] of Object.entries(KEPT)) {
    const now = value[/** @type {keyof typeof KEPT} */ (field)];
    if (now !== previous[/** @type {keyof typeof KEPT} */ (field)]) kept.set(key, Array.isArray(now) && !now.length ? null : now);
  }
});

/** The server's state with the outbox on top: what the screens show (derived in render()). */
let view = fromServer({});
/** Whether the first render is done (cards present at load do not slide in). */
let rendered = false;
/** Whether the phase's timer had run out at the last tick (to signal the moment it does). */
/** @type {?boolean} */
let timerUp = null;
// Sending the outbox: the item on its way, whether a flush runs, and the retry it set.
/** @type {?string} */
let inFlight = null;
let flushing = false;
let flushRetry = 0;

const el = {
  root: part("phone"),
  tabbar: /** @type {HTMLElement} */ (document.querySelector(".tabbar")),
  phase: part("phase"),
  me: part("me-name"),
  closed: part("closed-notice"),
  outboxNote: part("outbox-note"),
  driveForm: part("drive-form", HTMLFormElement),
  prompt: part("prompt"),
  promptCount: part("prompt-count"),
  driveText: part("drive-text", HTMLTextAreaElement),
  driveCounter: part("drive-counter"),
  driveDraftNote: part("drive-draft-note"),
  driveVisibility: part("drive-visibility", HTMLSelectElement),
  myDrives: part("my-drives"),
  strengthForm: part("strength-form", HTMLFormElement),
  pick: part("strength-pick"),
  write: part("strength-write"),
  search: part("colleague-search", HTMLInputElement),
  colleagues: part("colleague-list"),
  about: part("strength-about"),
  strengthText: part("strength-text", HTMLTextAreaElement),
  strengthCounter: part("strength-counter"),
  signed: part("strength-signed", HTMLInputElement),
  received: part("strengths-received"),
  given: part("strengths-given"),
  linkCards: part("link-cards"),
  linkGoals: part("link-goals"),
  myLinks: part("my-links"),
  teamLinks: part("team-links"),
  leave: part("leave", HTMLButtonElement),
  timer: part("timer"),
  timerText: part("timer-text"),
  phaseBar: part("phase-bar"),
  phaseTask: part("phase-task"),
  doneToggle: part("done-toggle", HTMLButtonElement),
  phaseGo: part("phase-go", HTMLButtonElement),
  timeUp: part("time-up"),
  checkinBanner: part("checkin-banner"),
  round: part("strength-round"),
  roundList: part("round-list"),
  agreementLinks: part("agreement-links"),
  ownedAgreements: part("owned-agreements"),
  checkinLinks: part("checkin-links"),
};

// --- Small helpers ----------------------------------------------------------------------------

/**
 * The current participant's id (null until the first state arrives).
 * @returns {?string}
 */
function meId() {
  return ui().state?.me?.id ?? null;
}

/**
 * Whether the workshop refuses changes now.
 * @returns {boolean}
 */
function isClosed() {
  return ui().state?.workshop?.phase === "closed";
}

/**
 * The phase's timer as this phone shows it, on the server's clock; null when none runs.
 * @returns {?import("./clock.js").TimerView}
 */
function timerInfo() {
  const workshop = ui().state?.workshop;
  if (!workshop || isClosed()) return null;
  const timer = timerView(workshop, live ? live.serverNow() : Date.now(), ENDING_SECONDS);
  return timer.state === "idle" ? null : timer;
}

/**
 * Whether the phase's timer has run out with input locked (the server refuses changes with `locked`).
 * @returns {boolean}
 */
function isLocked() {
  const timer = timerInfo();
  return Boolean(timer && timer.state === "ended" && timer.lock);
}

/**
 * Whether the workshop takes no changes from me now (closed, or time is up).
 * @returns {boolean}
 */
function readOnly() {
  return isClosed() || isLocked();
}

/**
 * A link's type as an icon and words (never the icon alone).
 * @param {Link} link
 * @returns {HTMLElement}
 */
function typeLabel(link) {
  const type = typeOf(link);
  return h("p", { class: `link-type type-${type}`, "data-testid": "link-type-label", dataset: { type } },
    icon(type), h("span", {}, typeWords(strings, link)));
}

/**
 * Show or hide an "empty" note next to a list.
 * @param {string} testId
 * @param {boolean} empty
 */
function showEmpty(testId, empty) {
  const note = part(testId);
  if (note) note.hidden = !empty;
}

/**
 * Letters-only, lower-case, accent-free text for searching names.
 * @param {string} text
 * @returns {string}
 */
function fold(text) {
  return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * Update a textarea's "12 / 280" counter.
 * @param {HTMLTextAreaElement} textarea
 * @param {HTMLElement} counter
 */
function updateCounter(textarea, counter) {
  const n = textarea.value.length;
  setText(counter, n ? `${n} / ${LIMITS.TEXT_MAX}` : "");
  counter.classList.toggle("is-near", n > LIMITS.TEXT_MAX - 20);
}

/**
 * The visibility the drive composer will use: the participant's choice, else the workshop's default.
 * @returns {string}
 */
function composerVisibility() {
  const fallback = ui().state?.workshop?.default_visibility;
  const chosen = ui().visibility || fallback;
  return chosen && VISIBILITIES.includes(chosen) ? chosen : "named";
}

/**
 * The line under an unsent card: sending now, or waiting for the connection.
 * @returns {string}
 */
function unsentText() {
  return ui().status === "connected" ? strings.sending : strings.pending;
}

/**
 * A <select> of the three visibilities, showing `value`.
 * @param {string} value
 * @param {import("./dom.js").Attrs} attrs
 * @returns {HTMLSelectElement}
 */
function visibilitySelect(value, attrs) {
  const select = h("select", attrs, VISIBILITIES.map((v) => h("option", { value: v }, strings[`visibility_${v}`])));
  select.value = value;
  return select;
}

// --- The outbox: changes that survive a reload until the server acknowledges them -----------

/**
 * Queue a change, show it at once, and try to send it now.
 * @param {string} event one of SEND
 * @param {Object<string, any>} payload
 */
function enqueue(event, payload) {
  store.update((s) => ({ outbox: [...s.outbox, outboxItem(event, payload, meId())] }));
  flushOutbox();
}

/**
 * Take queued changes back out before they were sent (an unsent card deleted, an unsent link undone).
 * The item being sent cannot be taken back: then nothing is removed and false is returned.
 * @param {(item: OutboxItem) => boolean} match
 * @returns {boolean} whether matching items were removed
 */
function withdraw(match) {
  const matching = ui().outbox.filter(match);
  if (!matching.length || matching.some((item) => item.key === inFlight)) return false;
  store.update((s) => ({ outbox: s.outbox.filter((item) => !match(item)) }));
  return true;
}

/**
 * Send queued changes in order, one at a time. Network trouble keeps them queued for the next
 * connection (the server is idempotent by id, so a change whose acknowledgement was lost is
 * safely sent again); a refusal drops the change, says why, and gives typed text back. An
 * acknowledged change stays on screen (settling) until the broadcast that carries it arrives.
 */
async function flushOutbox() {
  if (flushing || !live || ui().left) return;
  flushing = true;
  let retry = false;
  const said = new Set();
  try {
    while (ui().outbox.length && live.getStatus() === "connected") {
      const item = ui().outbox[0];
      inFlight = item.key;
      const ack = await live.send(item.event, item.payload);
      inFlight = null;
      if (ui().left) return;
      const code = ack.error?.code || "";
      if (!ack.ok && NETWORK_ERRORS.includes(code)) {
        retry = code !== "offline";
        break;
      }
      // Acknowledged or refused, the change leaves the outbox: a refusal is never sent again.
      const version = ack.version;
      const settling = ack.ok && typeof version === "number" && (ui().state?.version ?? Infinity) < version;
      store.update((s) => ({
        outbox: s.outbox.filter((i) => i.key !== item.key),
        settling: settling && typeof version === "number" ? [...s.settling, { item, version }] : s.settling,
      }));
      if (!ack.ok) {
        const message = refusalText(strings, ack.error, restoreDraft(item));
        if (!said.has(message)) toast(message, { kind: "error", timeout: 7000 });
        said.add(message);
      }
    }
  } finally {
    flushing = false;
    inFlight = null;
  }
  if (retry && !flushRetry) {
    flushRetry = window.setTimeout(() => {
      flushRetry = 0;
      flushOutbox();
    }, FLUSH_RETRY_MS);
  }
}

/**
 * After a refused change, give typed text back to where it was typed (when that is empty).
 * @param {OutboxItem} item
 * @returns {boolean} whether text was given back
 */
function restoreDraft(item) {
  const { payload } = item;
  if (item.event === SEND.ADD_CARD) {
    if (payload.kind === "drive" && !el.driveText.value.trim()) {
      el.driveText.value = payload.text;
      saveDriveDraft();
      return true;
    }
    if (payload.kind === "strength" && !el.strengthText.value.trim()) {
      el.strengthText.value = payload.text;
      el.signed.checked = Boolean(payload.signed);
      store.update({ about: payload.about });
      saveStrengthDraft();
      return true;
    }
  } else if (item.event === SEND.ADD_AGREEMENT && !ui().agreementForm) {
    openAgreementForm({ linkId: payload.link_id, id: null, text: payload.text, owner: payload.owner ?? null, due: payload.due || "" });
    return true;
  } else if (item.event === SEND.ANSWER_CHECKIN && payload.comment && !ui().checkinComments[payload.link_id]) {
    store.update((s) => ({ checkinComments: { ...s.checkinComments, [payload.link_id]: payload.comment } }));
    return true;
  }
  return false;
}

// --- Drafts ----------------------------------------------------------------------------------

/** Keep the drive composer's text on the phone. */
function saveDriveDraft() {
  kept.set("draft:drive", el.driveText.value);
  el.driveDraftNote.hidden = !el.driveText.value.trim();
  updateCounter(el.driveText, el.driveCounter);
}

/** Keep the strength composer's text, colleague and signature on the phone. */
function saveStrengthDraft() {
  const { about } = ui();
  const keep = about || el.strengthText.value || el.signed.checked;
  kept.set("draft:strength", keep ? { about, text: el.strengthText.value, signed: el.signed.checked } : null);
  updateCounter(el.strengthText, el.strengthCounter);
}

// --- Tabs --------------------------------------------------------------------------------------

/**
 * Show one screen.
 * @param {string} tab one of TABS, or CHECKIN
 * @param {{focus?: boolean}} [options] focus: move the keyboard focus there
 */
function showTab(tab, options = {}) {
  store.update({ tab: screenFor(tab) });
  if (options.focus) focusIn(document, tab === CHECKIN ? "[data-testid=panel-checkin] h2" : `[data-testid="tab-${tab}"]`);
  window.scrollTo({ top: 0 });
}

/**
 * The screen a tab asks for, as it can be shown now (the check-in only while one is open).
 * @param {?string} tab
 * @returns {string}
 */
function screenFor(tab) {
  if (tab === CHECKIN && ui().state && !ui().state?.checkin) return phaseTab();
  return tab && (TABS.includes(tab) || tab === CHECKIN) ? tab : "drives";
}

/** The tab bar and the panels: the screen shown. */
function renderTabs() {
  const tab = screenFor(ui().tab);
  // On the check-in no tab is selected; the phase's tab keeps the keyboard's way into the tab bar.
  const stop = TABS.includes(tab) ? tab : phaseTab();
  for (const name of TABS) {
    const button = part(`tab-${name}`);
    button.setAttribute("aria-selected", String(name === tab));
    button.tabIndex = name === stop ? 0 : -1;
    part(`panel-${name}`).hidden = name !== tab;
  }
  part("panel-checkin").hidden = tab !== CHECKIN;
}

/**
 * The screen for the room's current phase.
 * @returns {string}
 */
function phaseTab() {
  return TAB_FOR_PHASE[ui().state?.workshop?.phase || el.root.dataset.phase || "join"] || "drives";
}

/**
 * Whether the participant is in the middle of typing (then the screen must not move).
 * @returns {boolean}
 */
function isTyping() {
  const active = document.activeElement;
  return Boolean(active && (active.tagName === "TEXTAREA" || active.tagName === "INPUT"));
}

// --- Rendering ---------------------------------------------------------------------------------

/** Header: phase, my name, closed notice, what waits in the outbox. */
function renderHeader() {
  const { workshop } = view;
  el.root.dataset.phase = workshop.phase;
  setText(el.phase, strings[`phase_${workshop.phase}`] || workshop.phase);
  const name = nameOf(view, meId());
  setText(el.me, name ? format(strings.you, { name }) : "");
  el.closed.hidden = !isClosed() || ui().tab === CHECKIN;
  const locked = isLocked();
  for (const button of document.querySelectorAll("button[data-testid=drive-add], button[data-testid=strength-add]")) {
    if (!(button instanceof HTMLButtonElement)) continue;
    button.disabled = readOnly();
    // The main button itself says why it does not add now.
    setText(button, locked ? strings.timer_up : button.dataset.label || "");
  }
  el.timeUp.hidden = !locked;
  el.checkinBanner.hidden = !view.checkin || ui().tab === CHECKIN;
  renderTimer();
  renderPhaseBar();
  const waiting = ui().outbox.length;
  el.outboxNote.hidden = !waiting || ui().status === "connected";
  setText(el.outboxNote, countText(strings, "outbox_waiting", waiting));
}

/** The phase's timer in the header: time left, amber in the last minute, "Time is up" after. */
function renderTimer() {
  const timer = timerInfo();
  el.timer.hidden = !timer;
  if (!timer) return;
  const up = timer.state === "ended";
  el.timer.dataset.state = up ? "up" : timer.state;
  part("timer-label").hidden = up;
  setText(el.timerText, up ? strings.timer_up : timer.clock);
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
    renderTimer();
  }
  timerUp = timer ? up : null;
}

/** Under the header: this phase's task and "I'm done" — or, on another screen, where the room is now. */
function renderPhaseBar() {
  const { phase } = view.workshop;
  const here = phaseTab() === ui().tab;
  el.phaseBar.hidden = phase === "closed" || ui().tab === CHECKIN;
  el.phaseBar.classList.toggle("is-elsewhere", !here);
  setText(el.phaseTask, here ? strings[`phase_task_${phase}`] || "" : format(strings.phase_elsewhere, { phase: strings[`phase_${phase}`] || phase }));
  const me = participantById(view, meId());
  el.doneToggle.hidden = !here || phase === "join";
  el.doneToggle.setAttribute("aria-pressed", String(Boolean(me && (me.done || []).includes(phase))));
  el.phaseGo.hidden = here;
}

/** The prompt the drive composer answers. */
function renderPrompt() {
  const prompts = ui().state?.workshop?.prompts || [];
  if (!prompts.length) {
    setText(el.prompt, strings.prompt_none);
    setText(el.promptCount, "");
    return;
  }
  const index = promptIndex();
  setText(el.prompt, prompts[index]);
  setText(el.promptCount, format(strings.prompt_count, { n: index + 1, total: prompts.length }));
}

/**
 * The prompt the composer is on: the one last chosen, counted round the workshop's prompts.
 * @returns {number}
 */
function promptIndex() {
  const n = (ui().state?.workshop?.prompts || []).length;
  return n ? ((ui().promptIndex % n) + n) % n : 0;
}

/**
 * Move to another prompt.
 * @param {number} step +1 or -1
 */
function movePrompt(step) {
  store.update({ promptIndex: promptIndex() + step });
}

/** The drive composer's visibility choice, its icon and its plain-words hint. */
function renderComposerVisibility() {
  const visibility = composerVisibility();
  if (el.driveVisibility.value !== visibility) el.driveVisibility.value = visibility;
  part("drive-visibility-icon", SVGElement).firstElementChild?.setAttribute("href", `#i-${visibility}`);
  setText(part("drive-visibility-hint"), strings[`visibility_hint_${visibility}`]);
  const field = el.driveVisibility.closest(".visibility-field");
  if (field instanceof HTMLElement) field.dataset.visibility = visibility;
}

/**
 * The editor that replaces a card's text while it is being edited.
 * @param {Card} card
 * @returns {Array<Node|null>}
 */
function cardEditor(card) {
  const signing = isGivenStrength(card) ? signField(card) : null;
  const textarea = h("textarea", {
    class: "big-text", rows: 3, maxlength: LIMITS.TEXT_MAX, "data-testid": "card-edit-text",
    "aria-label": strings.card_edit_label,
    oninput: (event) => {
      store.update((s) => ({ editing: { ...s.editing, id: card.id, text: valueOf(event) } }));
      if (signing) signing.update();
    },
  });
  textarea.value = ui().editing?.text ?? card.text;
  return [
    textarea,
    signing ? signing.field : null,
    h("div", { class: "card-actions" },
      h("button", { type: "button", class: "button", "data-testid": "card-cancel", onclick: () => stopEditing() }, strings.cancel),
      h("button", { type: "button", class: "button primary", "data-testid": "card-save", props: { disabled: readOnly() },
        onclick: () => saveEdit(card.id) }, strings.save)),
  ];
}

/**
 * Whether a card is a strength I gave a colleague (its editor offers my name).
 * @param {Card} card
 * @returns {boolean}
 */
function isGivenStrength(card) {
  const me = meId();
  return card.kind === "strength" && Boolean(me) && card.author === me && card.about !== me;
}

/**
 * The "show my name" box in the editor of a strength I gave. A strength its person accepted in
 * their own words is theirs: I can put my name to it only with new words of mine (which asks
 * them again), so the box is off and disabled while the text is still theirs.
 * @param {Card} card
 * @returns {{field: HTMLElement, update: () => void}}
 */
function signField(card) {
  const id = `edit-signed-${card.id}`;
  const box = h("input", {
    type: "checkbox", id, "data-testid": "card-edit-signed", "aria-describedby": `${id}-hint`,
    onchange: (event) => {
      store.update((s) => ({ editing: { id: card.id, text: s.editing?.text ?? card.text, signed: checkedOf(event) } }));
    },
  });
  const hint = h("p", { class: "hint", id: `${id}-hint`, "data-testid": "card-edit-signed-hint" },
    format(strings.sign_reworded, { name: nameOf(view, card.about) || strings.someone }));
  const update = () => {
    const theirs = Boolean(card.reworded) && (ui().editing?.text ?? card.text).trim() === card.text;
    box.disabled = theirs || readOnly();
    box.checked = !theirs && Boolean(ui().editing?.signed ?? card.signed);
    hint.hidden = !theirs;
  };
  update();
  return { field: h("div", { class: "edit-signed" }, h("div", { class: "check-field" }, box, h("label", { for: id }, strings.sign_label)), hint), update };
}

/**
 * The children of a card in one of my lists: its text, its lines, and its controls.
 * @param {Card} card a card as shown (card.unsent while the server does not have it yet)
 * @param {{editable: boolean, deletable: boolean, meta: string, status?: string, visibility?: boolean}} options
 * @returns {Array<Node|null>}
 */
function cardContent(card, options) {
  if (ui().editing?.id === card.id) return cardEditor(card);
  const privateCard = card.kind === "drive" && card.visibility === "facilitator";
  return [
    privateCard ? h("p", { class: "card-badge", "data-testid": "card-private" }, icon("facilitator"), h("span", {}, strings.private_badge)) : null,
    h("p", { class: "card-text", "data-testid": "card-text" }, card.text),
    h("p", { class: "card-meta", "data-testid": "card-meta" }, card.unsent ? unsentText() : options.meta),
    options.status ? h("p", { class: "card-status", "data-testid": "card-status" }, icon(card.status === "pending" ? "wait" : "check"), h("span", {}, options.status)) : null,
    options.visibility
      ? h("div", { class: "card-visibility" },
        h("span", { class: "select-wrap" },
          icon(card.visibility),
          visibilitySelect(card.visibility, {
            "data-testid": "card-visibility", "aria-label": strings.visibility_label, props: { disabled: readOnly() },
            onchange: (event) => changeVisibility(card, valueOf(event)),
          })))
      : null,
    h("div", { class: "card-actions" },
      options.editable
        ? h("button", { type: "button", class: "button small", "data-testid": "card-edit", props: { disabled: readOnly() },
          onclick: () => startEditing(card) }, strings.edit)
        : null,
      options.deletable
        ? h("button", { type: "button", class: "button small quiet-danger", "data-testid": "card-delete", props: { disabled: readOnly() && !card.fresh },
          onclick: () => deleteCard(card) }, strings.delete)
        : null),
  ];
}

/**
 * Replace an element's children while keeping the keyboard focus on the same control.
 * @param {Element} li
 * @param {Array<Node|null>} children
 */
function refill(li, children) {
  const active = document.activeElement;
  const focused = active instanceof HTMLElement && li.contains(active) ? active.dataset.testid : null;
  fill(li, ...children);
  if (focused) focusIn(li, `[data-testid="${focused}"]`, { preventScroll: true });
}

/**
 * Whether an element already shows what `shows` describes (then it need not be built again);
 * otherwise it remembers `shows` for next time. Everything an item is built from goes in, so a
 * re-render leaves untouched (focus, typed text, running transitions) what did not change.
 * @param {HTMLElement} el
 * @param {Array<unknown>} shows
 * @returns {boolean}
 */
function unchanged(el, shows) {
  const signature = JSON.stringify(shows);
  if (el.dataset.signature === signature) return true;
  el.dataset.signature = signature;
  return false;
}

/**
 * Mark a list item with the card's state (unsent, visibility, consent).
 * @param {HTMLElement} li
 * @param {Card} card
 */
function markCard(li, card) {
  li.dataset.cardId = card.id;
  li.dataset.visibility = card.visibility || "named";
  li.dataset.status = card.status || "accepted";
  li.classList.toggle("is-pending", Boolean(card.unsent));
  li.classList.toggle("is-strength", card.kind === "strength");
  li.classList.toggle("is-private", card.kind === "drive" && card.visibility === "facilitator");
  if (card.unsent) li.dataset.pending = "true";
  else delete li.dataset.pending;
}

/**
 * Render one of my card lists.
 * @param {HTMLElement} list
 * @param {Card[]} cards in the order shown
 * @param {(card: Card) => CardOptions} optionsFor see cardContent
 */
function renderCardList(list, cards, optionsFor) {
  reconcile(list, cards, (c) => c.id,
    () => h("li", { class: "card", "data-testid": "my-card" }),
    (li, card) => {
      const options = optionsFor(card);
      const editing = ui().editing?.id === card.id;
      const shows = [card.text, card.visibility, card.status, options, card.unsent ? ui().status : false, editing, readOnly()];
      markCard(li, card);
      if (unchanged(li, shows)) return;
      refill(li, cardContent(card, options));
    },
    { animate: rendered });
}

/**
 * A line under a card: which question it answered and where it is linked.
 * @param {Card} card
 * @returns {string}
 */
function cardMeta(card) {
  const goals = linksOfCard(view, card.id).map((l) => goalById(view, l.goal_id)).filter(Boolean);
  if (goals.length) return format(strings.linked_to, { goal: goals.map((g) => g?.text).join(" · ") });
  const prompts = view.workshop.prompts || [];
  if (card.kind === "drive" && typeof card.prompt === "number" && prompts[card.prompt]) {
    return format(strings.answer_to, { prompt: prompts[card.prompt] });
  }
  return "";
}

/** My drives screen. */
function renderDrives() {
  renderPrompt();
  renderComposerVisibility();
  const cards = [...cardsAbout(view, meId(), "drive")].reverse();
  renderCardList(el.myDrives, cards, (card) => ({ editable: true, deletable: true, visibility: true, meta: cardMeta(card) }));
  setText(part("my-drives-count"), cards.length || "");
  showEmpty("my-drives-empty", !cards.length);
}

/**
 * Who named a strength, as its person may know it.
 * @param {Card} card
 * @returns {string}
 */
function fromText(card) {
  const name = nameOf(view, card.author);
  return name ? format(strings.from_person, { name }) : strings.from_hidden;
}

/**
 * The children of a received strength still waiting for my answer: the ask and three answers.
 * @param {Card} card
 * @returns {Array<Node|null>}
 */
function pendingStrengthContent(card) {
  const ask = h("p", { class: "card-ask", "data-testid": "strength-ask" }, icon("wait"), h("span", {}, strings.awaiting_you));
  const { responding } = ui();
  if (responding && responding.id === card.id) {
    const textarea = h("textarea", {
      class: "big-text", rows: 3, maxlength: LIMITS.TEXT_MAX, "data-testid": "strength-respond-text",
      "aria-label": strings.respond_label,
      oninput: (event) => {
        store.update({ responding: { id: card.id, text: valueOf(event) } });
      },
    });
    textarea.value = responding.text;
    return [ask, h("p", { class: "card-meta" }, fromText(card)), textarea,
      h("div", { class: "card-actions" },
        h("button", { type: "button", class: "button", "data-testid": "strength-respond-cancel", onclick: () => stopResponding() }, strings.cancel),
        h("button", { type: "button", class: "button primary", "data-testid": "strength-accept-edited", props: { disabled: readOnly() },
          onclick: () => acceptStrength(card, ui().responding?.text) }, strings.accept_edited))];
  }
  return [
    ask,
    h("p", { class: "card-text", "data-testid": "card-text" }, card.text),
    h("p", { class: "card-meta", "data-testid": "card-meta" }, card.unsent ? unsentText() : fromText(card)),
    h("div", { class: "card-actions answer-actions" },
      h("button", { type: "button", class: "button small quiet-danger", "data-testid": "strength-decline", props: { disabled: readOnly() },
        onclick: () => declineStrength(card) }, strings.decline),
      h("button", { type: "button", class: "button small", "data-testid": "strength-edit", props: { disabled: readOnly() },
        onclick: () => startResponding(card) }, strings.edit_then_accept),
      h("button", { type: "button", class: "button small primary", "data-testid": "strength-accept", props: { disabled: readOnly() },
        onclick: () => acceptStrength(card) }, icon("check"), h("span", {}, strings.accept))),
  ];
}

/**
 * Strengths about me: those waiting for my answer first, then the accepted ones.
 * @param {Card[]} received
 */
function renderReceived(received) {
  reconcile(el.received, received, (c) => c.id,
    () => h("li", { class: "card", "data-testid": "my-card" }),
    (li, card) => {
      const waiting = card.status === "pending";
      const responding = waiting && ui().responding?.id === card.id;
      const meta = waiting ? "" : [fromText(card), card.reworded ? strings.in_your_words : "", cardMeta(card)].filter(Boolean).join(" · ");
      const shows = [card.text, card.status, card.author, meta, card.unsent ? ui().status : false, responding, readOnly(),
        nameOf(view, card.author)];
      markCard(li, card);
      li.classList.toggle("is-awaiting", waiting);
      if (unchanged(li, shows)) return;
      refill(li, waiting ? pendingStrengthContent(card) : cardContent(card, { editable: false, deletable: true, meta }));
    },
    { animate: rendered });
}

/** Strengths screen: pick a colleague, write; then what I received and gave. */
function renderStrengths() {
  const me = meId();
  const colleagues = view.participants.filter((p) => p.id !== me);
  const query = fold(ui().search.trim());
  // The strength round's colleagues stand above the search; a search still finds them.
  const inRound = new Set((view.assignments || []).filter((a) => a.giver === me).map((a) => a.receiver));
  const shown = colleagues.filter((p) => (query ? fold(p.name).includes(query) : !inRound.has(p.id)));
  const aboutPerson = participantById(view, ui().about);

  el.pick.hidden = Boolean(aboutPerson);
  el.write.hidden = !aboutPerson;
  reconcile(el.colleagues, shown, (p) => p.id,
    (p) => h("li", {}, h("button", {
      type: "button", class: "pick", "data-testid": "colleague", dataset: { participantId: p.id },
      onclick: () => pickColleague(p.id),
    })),
    (li, p) => {
      const button = /** @type {HTMLButtonElement} */ (li.firstElementChild);
      fill(button, h("span", { class: `dot ${colorClass("color", p)}`, "aria-hidden": "true" }), h("span", {}, p.name));
    });
  showEmpty("colleague-empty", !shown.length && Boolean(query || !inRound.size));
  renderRound();
  if (aboutPerson) {
    el.about.className = `chip ${colorClass("color", aboutPerson)}`;
    setText(el.about, aboutPerson.name);
    const hint = [format(strings.consent_hint, { name: aboutPerson.name }),
      el.signed.checked ? format(strings.consent_hint_signed, { name: aboutPerson.name }) : strings.consent_hint_unsigned];
    setText(part("strength-consent-hint"), hint.join(" "));
  }

  const about = [...cardsAbout(view, me, "strength")].reverse();
  const awaiting = about.filter((c) => c.status === "pending");
  const received = [...awaiting, ...about.filter((c) => c.status !== "pending")];
  renderReceived(received);
  setText(part("strengths-received-count"), received.length || "");
  showEmpty("strengths-received-empty", !received.length);
  part("strengths-received-hint").hidden = !awaiting.length;
  const badge = part("strengths-badge");
  badge.hidden = !awaiting.length;
  fill(badge, h("span", { "aria-hidden": "true" }, String(awaiting.length)),
    h("span", { class: "visually-hidden" }, format(strings.pending_badge, { n: awaiting.length })));

  const given = [...strengthsGivenBy(view, me)].reverse();
  renderCardList(el.given, given, (card) => {
    const name = nameOf(view, card.about);
    return {
      editable: true, deletable: true,
      meta: name ? format(strings.for_person, { name }) : "",
      status: givenStatus(card, name || strings.someone),
    };
  });
  setText(part("strengths-given-count"), given.length || "");
  showEmpty("strengths-given-empty", !given.length);
}

/**
 * Where a strength I gave stands: waiting for its person, accepted (with or without my name), or
 * accepted in their own words — then it is shown as theirs, not under my name.
 * @param {Card} card
 * @param {string} name the person it is about
 * @returns {string}
 */
function givenStatus(card, name) {
  if (card.status !== "pending" && card.reworded) return format(strings.reworded_by, { name });
  const status = card.status === "pending" ? format(strings.waiting_for, { name }) : format(strings.accepted_by, { name });
  return `${status} · ${card.signed ? strings.signed_yes : strings.signed_no}`;
}

/**
 * The strength round: the colleagues the facilitator gave me, first, with how many I have done.
 * A colleague counts as done once I named a strength of theirs (accepted or still waiting).
 */
function renderRound() {
  const me = meId();
  const round = (view.assignments || []).filter((a) => a.giver === me)
    .map((a) => participantById(view, a.receiver)).filter(isPresent);
  el.round.hidden = !round.length;
  setText(part("colleague-search-label"), round.length ? strings.pick_other : strings.pick_first);
  if (!round.length) return;
  const named = new Set(strengthsGivenBy(view, me).map((c) => c.about));
  const done = round.filter((p) => named.has(p.id)).length;
  setText(part("strength-round-title"), format(strings.round_title, { names: round.map((p) => p.name).join(", ") }));
  setText(part("strength-round-progress"), done === round.length ? strings.round_done : format(strings.round_progress, { n: done, total: round.length }));
  part("strength-round-meter").style.width = `${Math.round((100 * done) / round.length)}%`;
  el.round.classList.toggle("is-complete", done === round.length);
  reconcile(el.roundList, round, (p) => p.id,
    (p) => h("li", {}, h("button", {
      type: "button", class: "pick round-pick", "data-testid": "round-colleague", dataset: { participantId: p.id },
      onclick: () => pickColleague(p.id),
    })),
    (li, p) => {
      const button = /** @type {HTMLButtonElement} */ (li.firstElementChild);
      const isDone = named.has(p.id);
      button.dataset.done = String(isDone);
      fill(button, h("span", { class: `dot ${colorClass("color", p)}`, "aria-hidden": "true" }), h("span", { class: "pick-text" }, p.name),
        isDone ? h("span", { class: "pick-badge is-linked" }, `✓ ${strings.round_named}`) : h("span", { class: "pick-badge is-open" }, strings.round_todo));
    });
}

/**
 * My cards that can be linked: drives, and strengths I accepted (a pending one is not shared yet).
 * @param {State} shown
 * @returns {Card[]}
 */
function linkableCards(shown) {
  const me = meId();
  return [...cardsAbout(shown, me, "drive"), ...cardsAbout(shown, me, "strength").filter((c) => c.status === "accepted")];
}

/**
 * The card picked on the links screen, while it can still be linked (null: none, or it is gone).
 * @returns {?string}
 */
function pickedCard() {
  const id = ui().linkCard;
  return id && linkableCards(currentView()).some((c) => c.id === id) ? id : null;
}

/** Links screen: my cards, the goals, my links. */
function renderLinks() {
  const me = meId();
  const myCards = linkableCards(view);
  const linkCard = pickedCard();

  reconcile(el.linkCards, myCards, (c) => c.id,
    (card) => h("li", {}, h("button", {
      type: "button", class: "pick pick-card", "data-testid": "link-card", dataset: { cardId: card.id },
      onclick: () => selectLinkCard(card.id),
    })),
    (li, card) => {
      const button = /** @type {HTMLButtonElement} */ (li.firstElementChild);
      const count = linksOfCard(view, card.id).length;
      button.setAttribute("aria-pressed", String(linkCard === card.id));
      button.classList.toggle("is-strength", card.kind === "strength");
      fill(button,
        icon(card.kind),
        h("span", { class: "pick-text" }, card.text),
        h("span", { class: `pick-badge ${count ? "" : "is-open"}` }, count ? String(count) : "0"));
      button.setAttribute("aria-label", `${strings[`kind_${card.kind}`]}: ${card.text}. ${linkCountText(strings, count)}`);
    });
  showEmpty("link-cards-empty", !myCards.length);

  const goals = goalsInOrder(view);
  el.linkGoals.classList.toggle("is-waiting", !linkCard);
  reconcile(el.linkGoals, goals, (g) => g.id,
    (goal) => h("li", {}, h("button", {
      type: "button", class: "pick pick-goal", "data-testid": "link-goal", dataset: { goalId: goal.id },
      onclick: () => toggleLink(goal.id),
    })),
    (li, goal) => {
      const button = /** @type {HTMLButtonElement} */ (li.firstElementChild);
      const link = linkCard ? linkBetween(view, linkCard, goal.id) : null;
      button.setAttribute("aria-pressed", String(Boolean(link)));
      button.disabled = readOnly();
      fill(button,
        icon(goal.kind),
        h("span", { class: "pick-text" }, h("span", { class: "pick-kind" }, strings[`kind_${goal.kind}`] || goal.kind), goal.text),
        link ? h("span", { class: "pick-badge is-linked" }, `✓ ${strings.linked}`) : null);
      renderTypeChoice(li, link && ui().choosing === link.id ? link : null);
    });
  showEmpty("link-goals-empty", !goals.length);
  part("link-goal-hint").hidden = !linkCard;

  const links = myLinks();
  reconcile(el.myLinks, links, (l) => l.id,
    () => h("li", { class: "card link-item", "data-testid": "my-link" }),
    (li, link) => {
      const card = cardById(view, link.card_id);
      const goal = goalById(view, link.goal_id);
      li.dataset.linkId = link.id;
      li.dataset.type = typeOf(link);
      li.classList.toggle("is-pending", Boolean(link.unsent));
      if (link.unsent) li.dataset.pending = "true";
      else delete li.dataset.pending;
      const endorsed = (link.endorsements || []).length;
      const shows = [card?.text, goal?.text, goal?.kind, typeOf(link), endorsed, link.unsent ? ui().status : false, readOnly()];
      if (unchanged(li, shows)) return;
      refill(li, [
        h("p", { class: "card-text" }, card ? card.text : ""),
        h("p", { class: "link-goal" }, icon(goal ? goal.kind : "goal"), h("span", {}, goal ? goal.text : "")),
        h("div", { class: "link-type-field" },
          h("span", { class: "select-wrap" },
            icon(typeOf(link)),
            typeSelect(typeOf(link), {
              "data-testid": "my-link-type", "aria-label": strings.link_type_label, props: { disabled: readOnly() },
              onchange: (event) => setLinkType(link, valueOf(event)),
            }))),
        endorsed ? h("p", { class: "endorsed", "data-testid": "my-link-endorsements" }, icon("thumb"),
          h("span", {}, countText(strings, "endorsed_count", endorsed))) : null,
        link.unsent ? h("p", { class: "card-meta" }, unsentText()) : null,
        h("div", { class: "card-actions" },
          h("button", { type: "button", class: "button small quiet-danger", "data-testid": "link-remove", props: { disabled: readOnly() },
            onclick: () => removeLink(link) }, strings.remove)),
      ]);
    }, { animate: rendered });
  setText(part("my-links-count"), links.length || "");
  showEmpty("my-links-empty", !links.length);
  renderTeamLinks(new Set(links.map((l) => l.id)));
}

/**
 * A <select> of the three link types, showing `value`.
 * @param {string} value
 * @param {import("./dom.js").Attrs} attrs
 * @returns {HTMLSelectElement}
 */
function typeSelect(value, attrs) {
  const select = h("select", attrs, LINK_TYPES.map((t) => h("option", { value: t }, strings[`link_type_${t}`])));
  select.value = value;
  return select;
}

/**
 * Under a goal just linked: "How does it relate?" with the three types as big buttons.
 * @param {HTMLElement} li the goal's list item
 * @param {?Link} link the link just made (null: no choice shown here)
 */
function renderTypeChoice(li, link) {
  const current = li.querySelector(".type-choice");
  if (!link) {
    current?.remove();
    return;
  }
  const shows = [link.id, typeOf(link), readOnly()];
  if (current instanceof HTMLElement && unchanged(current, shows)) return;
  const active = document.activeElement;
  const focused = current && active instanceof HTMLElement && current.contains(active) ? active.dataset.type : null;
  const questionId = `type-question-${link.id}`;
  const choice = h("div", { class: "type-choice", role: "group", "aria-labelledby": questionId, "data-testid": "link-type-choice" },
    h("p", { class: "type-question", id: questionId }, strings.link_type_question),
    LINK_TYPES.map((type) => h("button", {
      type: "button", class: `type-option type-${type}`, "data-testid": "link-type", dataset: { type },
      "aria-pressed": String(typeOf(link) === type), props: { disabled: readOnly() },
      onclick: () => setLinkType(link, type),
    }, icon(type), h("span", {}, strings[`link_type_${type}`]))));
  unchanged(choice, shows);
  if (current) current.replaceWith(choice);
  else li.appendChild(choice);
  if (focused) focusIn(choice, `[data-type="${focused}"]`, { preventScroll: true });
}

/**
 * Colleagues' links I can see, in the goals' order, each with a +1.
 * @param {Set<string>} mine ids of the links listed as mine
 */
function renderTeamLinks(mine) {
  const me = meId();
  const order = new Map(goalsInOrder(view).map((g, i) => [g.id, i]));
  const links = view.links
    .filter((l) => !mine.has(l.id))
    .flatMap((link) => {
      const card = cardById(view, link.card_id);
      const goal = goalById(view, link.goal_id);
      return card && goal && card.about !== me ? [{ link, card, goal }] : [];
    })
    .sort((a, b) => ((order.get(a.goal.id) ?? 0) - (order.get(b.goal.id) ?? 0)) || String(a.link.created_at).localeCompare(String(b.link.created_at)));
  reconcile(el.teamLinks, links, ({ link }) => link.id,
    () => h("li", { class: "card team-link", "data-testid": "team-link" }),
    (li, { link, card, goal }) => {
      const person = card.about ? participantById(view, card.about) : null;
      const endorsements = link.endorsements || [];
      const endorsed = Boolean(me && endorsements.includes(me));
      li.dataset.linkId = link.id;
      li.classList.toggle("is-strength", card.kind === "strength");
      if (link.unsent) li.dataset.pending = "true";
      else delete li.dataset.pending;
      const shows = [person?.name, person?.color, card.text, goal.text, goal.kind, typeOf(link), endorsements.length, endorsed,
        link.unsent ? ui().status : false, readOnly()];
      if (unchanged(li, shows)) return;
      refill(li, [
        h("p", { class: "team-who" },
          h("span", { class: `dot ${colorClass("color", person)}`, "aria-hidden": "true" }),
          h("span", {}, person ? person.name : strings.anonymous)),
        h("p", { class: "card-text" }, card.text),
        h("p", { class: "link-goal" }, icon(goal.kind), h("span", {}, goal.text)),
        typeLabel(link),
        h("div", { class: "card-actions" },
          h("button", {
            type: "button", class: "button small endorse", "data-testid": "endorse", "aria-pressed": String(endorsed),
            "aria-label": format(strings.endorse_label, { n: endorsements.length }), props: { disabled: readOnly() },
            onclick: () => endorse(link, !endorsed),
          }, icon("thumb"), h("span", {}, "+1"), h("span", { class: "endorse-count", "data-testid": "endorse-count" }, String(endorsements.length)))),
      ]);
    }, { animate: rendered });
  setText(part("team-links-count"), links.length || "");
  showEmpty("team-links-empty", !links.length);
  part("team-links-hint").hidden = !links.length;
}

/**
 * Links on my cards, or made by me.
 * @returns {Link[]}
 */
function myLinks() {
  const me = meId();
  const mine = new Set(view.cards.filter((c) => c.about === me).map((c) => c.id));
  return view.links.filter((l) => mine.has(l.card_id) || l.created_by === me);
}

/**
 * Links of my own cards (the ones I make agreements for and rate in a check-in), in the goals' order.
 * @returns {Link[]}
 */
function linksOfMyCards() {
  const me = meId();
  const mine = new Set(view.cards.filter((c) => c.about === me).map((c) => c.id));
  const order = new Map(goalsInOrder(view).map((g, i) => [g.id, i]));
  return view.links.filter((l) => mine.has(l.card_id) && goalById(view, l.goal_id))
    .sort((a, b) => ((order.get(a.goal_id) ?? 0) - (order.get(b.goal_id) ?? 0)) || String(a.created_at).localeCompare(String(b.created_at)));
}

/**
 * A link's card and goal, as the heading of its agreements or its check-in question.
 * @param {Link} link
 * @returns {Array<Node|null>}
 */
function linkHeading(link) {
  const card = cardById(view, link.card_id);
  const goal = goalById(view, link.goal_id);
  return [
    h("p", { class: "card-text" }, card ? card.text : ""),
    h("p", { class: "link-goal" }, icon(goal ? goal.kind : "goal"), h("span", {}, goal ? goal.text : "")),
  ];
}

/**
 * One agreement: a "done" check, what, who and by when, and its controls.
 * @param {Agreement} agreement
 * @param {boolean} [withControls] edit and delete (the facilitator, the card's person, the owner)
 * @returns {HTMLElement}
 */
function agreementItem(agreement, withControls = true) {
  const { owner, due } = agreementParts(view, agreement, pageLanguage());
  const meta = [
    h("span", { class: "meta-part" }, icon("named"), h("span", {}, owner
      ? (agreement.owner === meId() ? format(strings.agreement_owner_me, { name: owner }) : owner)
      : strings.agreement_nobody)),
    due ? h("span", { class: "meta-part" }, icon("calendar"), h("span", {}, format(strings.agreement_due_only, { due }))) : null,
  ];
  const li = h("li", {
    class: `agreement ${agreement.done ? "is-done" : ""} ${agreement.unsent ? "is-pending" : ""}`.trim(), "data-testid": "agreement",
    dataset: { agreementId: agreement.id, done: String(Boolean(agreement.done)), pending: agreement.unsent ? "true" : null },
  },
  h("button", {
    type: "button", class: "done-check", "data-testid": "agreement-done", "aria-pressed": String(Boolean(agreement.done)),
    "aria-label": format(strings.agreement_done_label, { text: agreement.text }), props: { disabled: readOnly() },
    onclick: () => setAgreementDone(agreement, !agreement.done),
  }, h("span", { class: "done-box", "aria-hidden": "true" }, icon("check")), h("span", { "aria-hidden": "true" }, strings.agreement_done_word)),
  h("div", { class: "agreement-body" },
    h("p", { class: "agreement-text", "data-testid": "agreement-text-shown" }, agreement.text),
    h("p", { class: "agreement-meta", "data-testid": "agreement-meta" }, meta),
    agreement.unsent ? h("p", { class: "card-meta" }, unsentText()) : null,
    withControls ? h("div", { class: "card-actions" },
      h("button", { type: "button", class: "button small", "data-testid": "agreement-edit", props: { disabled: readOnly() },
        onclick: () => openAgreementForm({ linkId: agreement.link_id, id: agreement.id, text: agreement.text, owner: agreement.owner, due: agreement.due || "" }) },
      strings.edit),
      h("button", { type: "button", class: "button small quiet-danger", "data-testid": "agreement-delete",
        props: { disabled: readOnly() && !agreement.fresh }, onclick: () => deleteAgreement(agreement) }, strings.delete)) : null));
  return li;
}

/**
 * The form for a new agreement on a link, or for changing one: what, who (me by default), by when.
 * Its values live in the store (agreementForm, kept on the phone), so a re-render never loses them.
 * @param {AgreementDraft} form the open form
 * @returns {HTMLFormElement}
 */
function agreementForm(form) {
  const key = `${form.linkId}-${form.id || "new"}`;
  /** @param {Partial<AgreementDraft>} change */
  const keep = (change) => store.update((s) => ({ agreementForm: { ...form, ...s.agreementForm, ...change } }));
  const text = h("textarea", {
    id: `agreement-text-${key}`, class: "big-text", rows: 3, maxlength: LIMITS.TEXT_MAX, "data-testid": "agreement-text",
    placeholder: strings.agreement_placeholder,
    oninput: (event) => keep({ text: valueOf(event) }),
  });
  text.value = form.text || "";
  const me = meId();
  const people = [participantById(view, me), ...view.participants.filter((p) => p.id !== me)].filter(isPresent);
  const owner = h("select", {
    id: `agreement-owner-${key}`, "data-testid": "agreement-owner",
    onchange: (event) => keep({ owner: valueOf(event) || null }),
  }, people.map((p) => h("option", { value: p.id }, p.id === me ? format(strings.agreement_owner_me, { name: p.name }) : p.name)),
  h("option", { value: "" }, strings.agreement_nobody));
  owner.value = form.owner || "";
  const due = h("input", {
    id: `agreement-due-${key}`, type: "date", "data-testid": "agreement-due",
    oninput: (event) => keep({ due: valueOf(event) }),
  });
  due.value = form.due || "";
  return h("form", {
    class: "agreement-form", "data-testid": "agreement-form", novalidate: true,
    onsubmit: (event) => { event.preventDefault(); saveAgreement(); },
  },
  h("label", { for: text.id }, strings.agreement_what), text,
  h("div", { class: "form-row" },
    h("div", { class: "form-cell" }, h("label", { for: owner.id }, strings.agreement_who), owner),
    h("div", { class: "form-cell" }, h("label", { for: due.id }, strings.agreement_when), due)),
  h("div", { class: "actions" },
    h("button", { type: "button", class: "button", "data-testid": "agreement-cancel", onclick: () => closeAgreementForm() }, strings.cancel),
    h("button", { type: "submit", class: "button primary", "data-testid": "agreement-save", props: { disabled: readOnly() } }, strings.save)));
}

/**
 * A link with its agreements: each agreement, the open form, or "add an agreement".
 * @param {HTMLElement} li
 * @param {Link} link
 * @param {{canAdd: boolean, only?: (agreement: Agreement) => boolean}} options
 */
function fillAgreementLink(li, link, options) {
  const agreements = agreementsOf(view, link.id).filter(options.only || (() => true));
  const open = ui().agreementForm;
  const form = open && open.linkId === link.id ? open : null;
  li.dataset.linkId = link.id;
  const card = cardById(view, link.card_id);
  const goal = goalById(view, link.goal_id);
  const shows = [card?.text, goal?.text, goal?.kind, typeOf(link),
    agreements.map((a) => [a.id, a.text, a.owner, nameOf(view, a.owner), a.due, a.done, a.unsent ? ui().status : false]),
    form ? [form.linkId, form.id] : null, readOnly(), options.canAdd];
  if (unchanged(li, shows)) return;
  const items = agreements.map((a) => (form && form.id === a.id ? h("li", { class: "agreement is-editing" }, agreementForm(form)) : agreementItem(a)));
  refill(li, [
    ...linkHeading(link),
    typeLabel(link),
    items.length ? h("ul", { class: "agreement-list" }, items)
      : h("p", { class: "agreement-none", "data-testid": "agreement-none" }, strings.agreement_none),
    form && !form.id ? agreementForm(form) : null,
    options.canAdd && !form ? h("button", {
      type: "button", class: "button wide add-agreement", "data-testid": "agreement-add", props: { disabled: readOnly() },
      onclick: () => openAgreementForm({ linkId: link.id, id: null, text: "", owner: meId(), due: "" }),
    }, h("span", { "aria-hidden": "true" }, "+"), h("span", {}, strings.agreement_add)) : null,
  ]);
}

/** Agreements screen: my links with their agreements; then agreements I own on colleagues' links. */
function renderAgreements() {
  const me = meId();
  const links = linksOfMyCards();
  reconcile(el.agreementLinks, links, (l) => l.id,
    () => h("li", { class: "card agreement-link", "data-testid": "agreement-link" }),
    (li, link) => fillAgreementLink(li, link, { canAdd: true }),
    { animate: rendered });
  showEmpty("agreement-links-empty", !links.length);

  const mine = new Set(links.map((l) => l.id));
  const ownedLinks = view.links.filter((l) => !mine.has(l.id) && agreementsOf(view, l.id).some((a) => a.owner === me));
  reconcile(el.ownedAgreements, ownedLinks, (l) => l.id,
    () => h("li", { class: "card agreement-link", "data-testid": "agreement-link" }),
    (li, link) => fillAgreementLink(li, link, { canAdd: false, only: (a) => a.owner === me }));
  part("owned-section").hidden = !ownedLinks.length;
  setText(part("owned-count"), ownedLinks.length || "");
}

/**
 * My answer in the open check-in for one link, if any.
 * @param {string} linkId
 * @returns {?import("./state.js").CheckinAnswer}
 */
function answerFor(linkId) {
  const me = meId();
  return (view.checkin?.answers || []).find((a) => a.link_id === linkId && a.participant_id === me) || null;
}

/** The check-in: per link of mine, "does this still energise you?" as five big buttons and a comment. */
function renderCheckin() {
  const checkin = view.checkin;
  if (!checkin) return;
  const links = linksOfMyCards();
  reconcile(el.checkinLinks, links, (l) => l.id,
    () => h("li", { class: "card checkin-link", "data-testid": "checkin-link" }),
    (li, link) => {
      const answer = answerFor(link.id);
      li.dataset.linkId = link.id;
      li.dataset.rating = answer ? String(answer.rating) : "";
      if (answer?.unsent) li.dataset.pending = "true";
      else delete li.dataset.pending;
      const card = cardById(view, link.card_id);
      const goal = goalById(view, link.goal_id);
      const shows = [checkin.id, card?.text, goal?.text, answer?.rating, answer?.comment, answer?.unsent ? ui().status : false];
      if (unchanged(li, shows)) return;
      const questionId = `checkin-q-${link.id}`;
      const commentId = `checkin-c-${link.id}`;
      const comment = h("textarea", {
        id: commentId, rows: 2, maxlength: LIMITS.TEXT_MAX, "data-testid": "checkin-comment",
        oninput: (event) => {
          store.update((s) => ({ checkinComments: { ...s.checkinComments, [link.id]: valueOf(event) } }));
        },
      });
      comment.value = ui().checkinComments[link.id] ?? answer?.comment ?? "";
      refill(li, [
        ...linkHeading(link),
        h("p", { class: "checkin-question", id: questionId }, strings.checkin_question),
        h("div", { class: "rating", role: "group", "aria-labelledby": questionId },
          RATINGS.map((n) => h("button", {
            type: "button", class: "rate", "data-testid": "checkin-rate", dataset: { rating: n },
            "aria-pressed": String(answer?.rating === n), "aria-label": strings[`checkin_rate_${n}`],
            onclick: () => answerCheckin(link, n),
          }, String(n)))),
        h("p", { class: "rating-scale", "aria-hidden": "true" }, h("span", {}, strings.checkin_low), h("span", {}, strings.checkin_high)),
        h("label", { for: commentId, class: "comment-label" }, strings.checkin_comment_label),
        comment,
        h("div", { class: "checkin-foot" },
          h("p", { class: "checkin-answer", "data-testid": "checkin-answer", role: "status" },
            answer ? [icon(answer.unsent ? "wait" : "check"),
              h("span", {}, answer.unsent ? unsentText() : format(strings.checkin_answered, { rating: answer.rating }))] : null),
          h("button", { type: "button", class: "button small", "data-testid": "checkin-comment-save",
            onclick: () => saveCheckinComment(link) }, strings.checkin_comment_save)),
      ]);
    });
  const answered = links.filter((l) => answerFor(l.id)).length;
  showEmpty("checkin-empty", !links.length);
  setText(part("checkin-progress"), links.length && answered === links.length
    ? strings.checkin_all_done : format(strings.checkin_progress, { n: answered, total: links.length }));
  part("checkin-meter").style.width = `${links.length ? Math.round((100 * answered) / links.length) : 0}%`;
  const progress = part("checkin-progress").closest(".round-progress");
  if (progress instanceof HTMLElement) progress.hidden = !links.length;
}

/**
 * A plain list on the "me" screen: each item its text and a line about it.
 * @param {string} testId the list's handle
 * @param {string} itemTestId each item's handle
 * @template {{id: string, unsent?: boolean}} T
 * @param {T[]} items
 * @param {(item: T) => {text: string, meta: string, icon?: string, className?: string}} describe
 */
function renderMeList(testId, itemTestId, items, describe) {
  reconcile(part(testId), items, (item) => item.id,
    () => h("li", { class: "me-item", "data-testid": itemTestId }),
    (li, item) => {
      const { text, meta, icon: iconName, className } = describe(item);
      li.className = `me-item ${className || ""}`.trim();
      li.dataset.id = item.id;
      fill(li, h("p", { class: "me-text" }, text),
        h("p", { class: "me-meta" }, iconName ? icon(iconName) : null, h("span", {}, item.unsent ? `${meta} · ${unsentText()}` : meta)));
    });
  setText(part(`${testId}-count`), items.length || "");
  showEmpty(`${testId}-empty`, !items.length);
}

/** The "me" screen: everything stored about me in this workshop. */
function renderMe() {
  const me = meId();
  setText(part("me-data-name"), nameOf(view, me));
  renderMeList("me-drives", "me-drive", [...cardsAbout(view, me, "drive")].reverse(), (card) => ({
    text: card.text, meta: strings[`visibility_hint_${card.visibility}`] || "", icon: card.visibility,
    className: card.visibility === "facilitator" ? "is-private" : "",
  }));
  renderMeList("me-given", "me-given-item", [...strengthsGivenBy(view, me)].reverse(), (card) => {
    const name = nameOf(view, card.about) || strings.someone;
    return { text: card.text, meta: `${format(strings.for_person, { name })} · ${givenStatus(card, name)}`,
      icon: card.status === "pending" ? "wait" : "check" };
  });
  const about = [...cardsAbout(view, me, "strength")].reverse();
  renderMeList("me-received", "me-received-item", [...about.filter((c) => c.status === "pending"), ...about.filter((c) => c.status !== "pending")],
    (card) => ({ text: card.text, meta: `${fromText(card)} · ${card.status === "pending" ? strings.awaiting_you : strings.shared_with_team}`,
      icon: card.status === "pending" ? "wait" : "check", className: card.status === "pending" ? "is-awaiting" : "" }));
  renderMeList("me-links", "me-link", myLinks(), (link) => {
    const card = cardById(view, link.card_id);
    const goal = goalById(view, link.goal_id);
    return { text: card ? card.text : "", meta: format(strings.linked_to, { goal: goal ? goal.text : "" }), icon: goal ? goal.kind : "goal" };
  });
  el.leave.disabled = ui().leaving;
  setText(el.leave, ui().leaving ? strings.leaving : el.leave.dataset.label || "");
}

/**
 * The server's state with the outbox (and what is settling) on top: what the screens show; an
 * empty workshop until a state arrived. Worked out again only when one of those changed.
 * @returns {State}
 */
function currentView() {
  const { state, settling, outbox } = ui();
  if (!state) return derived.view;
  const from = [state, settling, outbox];
  if (from.some((part, i) => part !== derived.from[i])) {
    derived = { from, view: applyOutbox(state, [...settling.map((s) => s.item), ...outbox], state.me?.id ?? null) };
  }
  return derived.view;
}

/** @type {{from: Array<unknown>, view: State}} */
let derived = { from: [], view };

/**
 * Render the page from the store: the screen shown, then (once a state is there) every screen.
 * It runs after every change to the store (wire() subscribes it), and reads the store only.
 */
function render() {
  renderTabs();
  const { state, left } = ui();
  if (!state || left) return;
  view = currentView();
  renderHeader();
  renderDrives();
  renderStrengths();
  renderLinks();
  renderAgreements();
  renderCheckin();
  renderMe();
  rendered = true;
}

// --- Actions ------------------------------------------------------------------------------------

/**
 * Add the drive composer's text as a card (through the outbox), with the chosen visibility.
 * @param {SubmitEvent} event
 */
function addDrive(event) {
  event.preventDefault();
  const text = el.driveText.value.trim();
  if (!text) {
    toast(strings.empty_text);
    el.driveText.focus();
    return;
  }
  /** @type {{id: string, kind: "drive", text: string, visibility: string, prompt?: number}} */
  const payload = { id: newId(), kind: "drive", text, visibility: composerVisibility() };
  if ((ui().state?.workshop?.prompts || []).length) payload.prompt = promptIndex();
  el.driveText.value = "";
  saveDriveDraft();
  enqueue(SEND.ADD_CARD, payload);
}

/**
 * Add the strength composer's text as a card about the chosen colleague (pending their consent).
 * @param {SubmitEvent} event
 */
function addStrength(event) {
  event.preventDefault();
  const text = el.strengthText.value.trim();
  if (!ui().about) return;
  if (!text) {
    toast(strings.empty_text);
    el.strengthText.focus();
    return;
  }
  const about = ui().about;
  el.strengthText.value = "";
  el.search.value = "";
  store.batch(() => {
    enqueue(SEND.ADD_CARD, { id: newId(), kind: "strength", text, about, signed: el.signed.checked });
    el.signed.checked = false;
    store.update({ about: null, search: "" });
  });
  saveStrengthDraft();
}

/**
 * Choose the colleague to name a strength for.
 * @param {string} participantId
 */
function pickColleague(participantId) {
  store.update({ about: participantId });
  saveStrengthDraft();
  el.strengthText.focus();
}

/**
 * Change who sees one of my drives.
 * @param {Card} card
 * @param {string} visibility
 */
function changeVisibility(card, visibility) {
  if (!VISIBILITIES.includes(visibility) || visibility === card.visibility) return;
  enqueue(SEND.EDIT_CARD, { id: card.id, visibility });
}

/**
 * Open a card for editing.
 * @param {Card} card
 */
function startEditing(card) {
  store.update({ editing: isGivenStrength(card) ? { id: card.id, text: card.text, signed: Boolean(card.signed) } : { id: card.id, text: card.text } });
  focusIn(document, `[data-card-id="${CSS.escape(card.id)}"] [data-testid="card-edit-text"]`);
}

/** Close the editor without saving. */
function stopEditing() {
  store.update({ editing: null });
}

/**
 * Save the edited text (through the outbox).
 * @param {string} cardId
 */
function saveEdit(cardId) {
  const text = (ui().editing?.text || "").trim();
  if (!text) {
    toast(strings.empty_text);
    return;
  }
  /** @type {{id: string, text: string, signed?: boolean}} */
  const payload = { id: cardId, text };
  const card = cardById(view, cardId);
  // My name goes with my words only: not onto a text its person reworded (the server refuses that too).
  const signed = ui().editing?.signed;
  if (card && isGivenStrength(card) && typeof signed === "boolean" && signed !== Boolean(card.signed)
    && !(card.reworded && text === card.text)) {
    payload.signed = signed;
  }
  store.batch(() => {
    store.update({ editing: null });
    enqueue(SEND.EDIT_CARD, payload);
  });
}

/**
 * Delete one of my cards, or one about me (an unsent card is simply taken back).
 * @param {Card} card
 */
function deleteCard(card) {
  if (card.fresh && withdraw((item) => idsOf(item).includes(card.id))) return;
  if (!window.confirm(strings.confirm_delete_card)) return;
  enqueue(SEND.DELETE_CARD, { id: card.id });
}

/**
 * Open a received strength to put it in my own words before accepting it.
 * @param {Card} card
 */
function startResponding(card) {
  store.update({ responding: { id: card.id, text: card.text } });
  focusIn(document, `[data-card-id="${CSS.escape(card.id)}"] [data-testid="strength-respond-text"]`);
}

/** Close the rewording without answering. */
function stopResponding() {
  store.update({ responding: null });
}

/**
 * Accept a strength about me, optionally in my own words: then the team sees it.
 * @param {Card} card
 * @param {string} [text] my wording
 */
function acceptStrength(card, text) {
  /** @type {{id: string, answer: "accept", text?: string}} */
  const payload = { id: card.id, answer: "accept" };
  if (text !== undefined) {
    const wording = text.trim();
    if (!wording) {
      toast(strings.empty_text);
      return;
    }
    if (wording !== card.text) payload.text = wording;
  }
  store.batch(() => {
    store.update({ responding: null });
    enqueue(SEND.RESPOND_STRENGTH, payload);
  });
}

/**
 * Decline a strength about me: it is deleted.
 * @param {Card} card
 */
function declineStrength(card) {
  if (!window.confirm(strings.confirm_decline)) return;
  enqueue(SEND.RESPOND_STRENGTH, { id: card.id, answer: "decline" });
}

/**
 * Pick (or unpick) a card on the links screen.
 * @param {string} cardId
 */
function selectLinkCard(cardId) {
  store.update({ linkCard: pickedCard() === cardId ? null : cardId, choosing: null });
  // Step 2 may be below the fold when there are many cards: bring it up.
  const step = part("link-goals-title");
  if (pickedCard() && step.getBoundingClientRect().top > window.innerHeight * 0.6) {
    step.scrollIntoView({ block: "start", behavior: prefersReducedMotion() ? "auto" : "smooth" });
  }
}

/**
 * Link the picked card to a goal, or undo that link when it exists (through the outbox).
 * @param {string} goalId
 */
function toggleLink(goalId) {
  const cardId = pickedCard();
  if (!cardId) {
    toast(strings.pick_card_first);
    return;
  }
  const existing = linkBetween(view, cardId, goalId);
  // The goal's "✓ Linked" badge is the confirmation; only errors get a toast. The new link is
  // made at once ("it energises me"), and its goal then offers the other two types.
  if (existing) {
    store.batch(() => {
      store.update({ choosing: null });
      removeLink(existing);
    });
  } else {
    const id = newId();
    store.batch(() => {
      store.update({ choosing: id });
      enqueue(SEND.ADD_LINK, { id, card_id: cardId, goal_id: goalId, type: "energises" });
    });
  }
}

/**
 * Say how a card relates to its goal. While the link itself still waits in the outbox its
 * type travels with it (add_link); once sent, the type is changed with edit_link.
 * @param {Link} link
 * @param {string} type one of LINK_TYPES
 */
function setLinkType(link, type) {
  if (!LINK_TYPES.includes(type) || typeOf(link) === type) return;
  /** @param {OutboxItem} item */
  const queued = (item) => item.event === SEND.ADD_LINK && item.payload.id === link.id && item.key !== inFlight;
  if (ui().outbox.some(queued)) {
    store.update((s) => ({ outbox: s.outbox.map((item) => (queued(item) ? { ...item, payload: { ...item.payload, type } } : item)) }));
    return;
  }
  enqueue(SEND.EDIT_LINK, { id: link.id, type });
}

/**
 * A colleague's link: +1 (or take it back).
 * @param {Link} link
 * @param {boolean} endorsed
 */
function endorse(link, endorsed) {
  enqueue(SEND.ENDORSE_LINK, { id: link.id, endorsed });
}

/** "I'm done" with the room's current phase, or not yet (the facilitator sees it). */
function toggleDone() {
  const { phase } = view.workshop;
  const me = participantById(view, meId());
  if (!me || phase === "join" || phase === "closed") return;
  enqueue(SEND.SET_DONE, { phase, done: !(me.done || []).includes(phase) });
}

/**
 * Open the agreement form (for a new agreement, or to change one); its text is kept on the phone.
 * @param {AgreementDraft} form
 */
function openAgreementForm(form) {
  store.update({ agreementForm: form });
  const key = `${form.linkId}-${form.id || "new"}`;
  document.getElementById(`agreement-text-${key}`)?.focus();
}

/** Close the agreement form without saving. */
function closeAgreementForm() {
  store.update({ agreementForm: null });
}

/** Save the agreement form: a new agreement (owner me unless chosen otherwise), or the changed fields. */
function saveAgreement() {
  const form = ui().agreementForm;
  if (!form) return;
  const text = (form.text || "").trim();
  if (!text) {
    toast(strings.empty_text);
    document.getElementById(`agreement-text-${form.linkId}-${form.id || "new"}`)?.focus();
    return;
  }
  if (!form.id) {
    /** @type {{id: string, link_id: string, text: string, owner?: string, due?: string}} */
    const payload = { id: newId(), link_id: form.linkId, text };
    if (form.owner) payload.owner = form.owner;
    if (form.due) payload.due = form.due;
    store.batch(() => {
      closeAgreementForm();
      enqueue(SEND.ADD_AGREEMENT, payload);
    });
    return;
  }
  const agreement = (view.agreements || []).find((a) => a.id === form.id);
  if (!agreement) {
    closeAgreementForm();
    return;
  }
  const changes = {};
  if (text !== agreement.text) changes.text = text;
  if ((form.owner || null) !== (agreement.owner || null)) changes.owner = form.owner || null;
  if ((form.due || null) !== (agreement.due || null)) changes.due = form.due || null;
  store.batch(() => {
    closeAgreementForm();
    if (Object.keys(changes).length) enqueue(SEND.EDIT_AGREEMENT, { id: agreement.id, ...changes });
  });
}

/**
 * Tick an agreement off as done (or open it again).
 * @param {Agreement} agreement
 * @param {boolean} done
 */
function setAgreementDone(agreement, done) {
  enqueue(SEND.EDIT_AGREEMENT, { id: agreement.id, done });
}

/**
 * Delete an agreement after one confirmation (an unsent one is simply taken back).
 * @param {Agreement} agreement
 */
function deleteAgreement(agreement) {
  if (agreement.fresh && withdraw((item) => item.event === SEND.ADD_AGREEMENT && item.payload.id === agreement.id)) return;
  if (!window.confirm(strings.confirm_delete_agreement)) return;
  enqueue(SEND.DELETE_AGREEMENT, { id: agreement.id });
}

/**
 * Rate one of my links in the open check-in (with the comment as typed); answering again replaces it.
 * @param {Link} link
 * @param {number} rating 1–5
 */
function answerCheckin(link, rating) {
  const typed = ui().checkinComments[link.id];
  const comment = (typed ?? answerFor(link.id)?.comment ?? "").trim();
  /** @type {{link_id: string, rating: number, comment?: string}} */
  const payload = { link_id: link.id, rating };
  if (comment) payload.comment = comment;
  // An earlier answer for this link that has not left yet is replaced, not sent first.
  store.batch(() => {
    store.update((s) => {
      const { [link.id]: sent, ...rest } = s.checkinComments;
      return {
        outbox: s.outbox.filter((item) => !(item.event === SEND.ANSWER_CHECKIN && item.payload.link_id === link.id && item.key !== inFlight)),
        checkinComments: typed !== undefined ? rest : s.checkinComments,
      };
    });
    enqueue(SEND.ANSWER_CHECKIN, payload);
  });
}

/**
 * Send the typed comment with the rating already given.
 * @param {Link} link
 */
function saveCheckinComment(link) {
  const answer = answerFor(link.id);
  if (!answer) {
    toast(strings.checkin_rate_first);
    return;
  }
  answerCheckin(link, answer.rating);
}

/**
 * Remove one of my links (an unsent one is simply taken back).
 * @param {Link} link
 */
function removeLink(link) {
  if (link.fresh && withdraw((item) => item.event === SEND.ADD_LINK && item.payload.id === link.id)) return;
  enqueue(SEND.DELETE_LINK, { id: link.id });
}

/** Leave the workshop, after one confirmation: the server deletes everything of mine. */
async function leave() {
  if (!live || ui().leaving || !window.confirm(strings.confirm_leave)) return;
  if (live.getStatus() !== "connected") {
    toast(strings.leave_offline, { kind: "error" });
    return;
  }
  store.update({ leaving: true });
  const ack = await live.send(SEND.LEAVE_WORKSHOP, {});
  if (ack.ok) {
    showLeft("left");
    return;
  }
  if (ui().left) return;
  store.update({ leaving: false });
  toast(refusalText(strings, ack.error), { kind: "error" });
}

/**
 * I am gone from the workshop (I left, the facilitator removed me, the workshop was erased, or
 * the server no longer knows this phone's token: removed or erased while the phone was closed):
 * forget everything this phone kept, stop the connection, and say so.
 * @param {"left"|"removed"|"deleted"|"gone"} how
 */
function showLeft(how) {
  if (ui().left) return;
  store.update({ left: how, outbox: [] });
  window.clearTimeout(flushRetry);
  kept.clearAll();
  if (live) live.close();
  el.root.dataset.left = how;
  const screen = part("left-screen");
  for (const line of screen.querySelectorAll("[data-left]")) {
    if (line instanceof HTMLElement && line.dataset.left !== how) line.remove();
  }
  // An erased workshop cannot be joined again.
  if (how === "deleted") part("join-again").hidden = true;
  screen.hidden = false;
  for (const region of document.querySelectorAll(".phone-top, .phone-main, .tabbar, .notice")) {
    if (region instanceof HTMLElement) region.hidden = true;
  }
  window.scrollTo({ top: 0 });
  part("left-title").focus();
}

// --- Wiring ----------------------------------------------------------------------------------------

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
  const shown = currentView();
  /** @type {Partial<PhoneUi>} */
  const changes = {};
  const { editing, responding, agreementForm } = s;
  if (editing && !cardById(state, editing.id) && !s.outbox.some((i) => i.payload.id === editing.id)) changes.editing = null;
  if (responding && !cardById(state, responding.id)) changes.responding = null;
  if (s.about && !participantById(shown, s.about) && shown.participants.length) changes.about = null;
  if (s.linkCard && !linkableCards(shown).some((c) => c.id === s.linkCard)) changes.linkCard = null;
  if (agreementForm && !shown.links.some((l) => l.id === agreementForm.linkId)) changes.agreementForm = null;
  if (s.tab === CHECKIN && !shown.checkin) changes.tab = phaseTab();
  store.update(changes);
  if ("about" in changes) saveStrengthDraft();
}

/**
 * What this phone keeps of the state on itself. It is there for one case only: a page opened
 * (or reloaded) without a connection still shows the person's own cards and links, with their
 * unsent changes on top, so they can keep working and see what waits to be sent; the server's
 * state replaces it as soon as the phone connects. For that the person's own items suffice: the
 * workshop's frame (title, phase, prompts), the goals, the person, the drives and strengths they
 * wrote, and the links on their own cards. Nothing of a colleague is kept — no card, name, +1,
 * agreement or strength-round pair: a colleague who leaves, or a card taken back, must not live
 * on in a phone that was closed at the time. Strengths colleagues wrote about this person are
 * their words too, so they are not kept either.
 * @param {State} state
 * @returns {?Partial<State>} null when the person is not known yet (nothing worth keeping)
 */
function ownPart(state) {
  const me = state.me?.id;
  if (!me) return null;
  const cards = state.cards.filter((c) => c.author === me || (c.kind === "drive" && c.about === me));
  const mine = new Set(cards.map((c) => c.id));
  return {
    version: state.version,
    workshop: state.workshop,
    goals: state.goals,
    participants: state.participants.filter((p) => p.id === me),
    cards,
    links: state.links.filter((l) => mine.has(l.card_id)).map((l) => ({ ...l, endorsements: [] })),
    me: state.me,
  };
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
  const tabOfPhase = TAB_FOR_PHASE[phase] || "drives";
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

/** The workshop is gone: forget everything this phone kept about it. */
function onWorkshopDeleted() {
  showLeft("deleted");
}

/** Restore drafts and wire the forms and tabs; all of it works before the socket connects. */
function wire() {
  el.driveText.value = kept.get("draft:drive", "") || "";
  saveDriveDraft();
  const strengthDraft = kept.get("draft:strength", null);
  if (strengthDraft) {
    el.strengthText.value = strengthDraft.text || "";
    el.signed.checked = Boolean(strengthDraft.signed);
  }
  updateCounter(el.strengthText, el.strengthCounter);
  el.leave.dataset.label = el.leave.textContent;
  for (const button of document.querySelectorAll("button[data-testid=drive-add], button[data-testid=strength-add]")) {
    if (button instanceof HTMLButtonElement) button.dataset.label = (button.textContent || "").trim();
  }

  el.driveText.addEventListener("input", saveDriveDraft);
  el.strengthText.addEventListener("input", saveStrengthDraft);
  el.signed.addEventListener("change", () => {
    saveStrengthDraft();
    render(); // the consent hint follows the box, which is the form's own state, not the store's
  });
  el.driveVisibility.addEventListener("change", () => {
    store.update({ visibility: el.driveVisibility.value });
    renderComposerVisibility(); // also before any state arrived (then render() draws the tabs only)
  });
  el.driveForm.addEventListener("submit", addDrive);
  el.strengthForm.addEventListener("submit", addStrength);
  part("prompt-prev").addEventListener("click", () => movePrompt(-1));
  part("prompt-next").addEventListener("click", () => movePrompt(1));
  part("drive-skip").addEventListener("click", () => movePrompt(1));
  part("strength-change").addEventListener("click", () => {
    store.update({ about: null });
    saveStrengthDraft();
    el.search.focus();
  });
  el.search.addEventListener("input", () => store.update({ search: el.search.value }));
  // Enter in the search box picks the only match.
  el.search.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const buttons = el.colleagues.querySelectorAll("[data-testid=colleague]");
    if (buttons.length === 1 && buttons[0] instanceof HTMLButtonElement) buttons[0].click();
  });
  el.leave.addEventListener("click", leave);
  el.doneToggle.addEventListener("click", toggleDone);
  el.phaseGo.addEventListener("click", () => showTab(phaseTab()));
  part("checkin-open").addEventListener("click", () => showTab(CHECKIN, { focus: true }));
  part("checkin-back").addEventListener("click", () => showTab(phaseTab()));

  const tablist = el.tabbar;
  tablist.addEventListener("click", (event) => {
    const tab = event.target instanceof Element ? event.target.closest("[data-tab]") : null;
    if (tab instanceof HTMLElement && tab.dataset.tab) showTab(tab.dataset.tab);
  });
  tablist.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const step = event.key === "ArrowRight" ? 1 : -1;
    showTab(TABS[(TABS.indexOf(ui().tab || "") + step + TABS.length) % TABS.length], { focus: true });
  });
  setText(el.phase, strings[`phase_${el.root.dataset.phase}`] || el.root.dataset.phase);
  renderComposerVisibility();
  window.setInterval(tick, TICK_MS);
  store.subscribe(render);
  render();
}

wire();
live = connectLive({
  boot,
  strings,
  onState,
  onWorkshopDeleted,
  // The token no longer works: this person or the workshop was erased while the phone was away.
  onRefused: () => showLeft("gone"),
  onStatus: (status) => {
    store.update({ status });
    if (status === "connected") flushOutbox();
  },
  initialState: kept.get("state", null) ? fromServer(kept.get("state")) : undefined,
});
