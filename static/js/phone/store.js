// @ts-check
// The phone's store (state.js createStore) and everything about it that is not drawing: what the
// phone shows beside the server's state, the fields of it kept on the phone, the view every
// screen draws (the server's state with the outbox on top), whether the workshop takes changes
// now; what each screen shows of a state (pure functions of a state and the person, tested in
// tests/js/phone-store.test.js); the outbox, the changes not yet acknowledged by the server, and
// how they show on top of its state; and sending the outbox through the live connection.
// Change the store with store.update() (several changes at once in store.batch()); every change
// re-renders the page (phone.js subscribes), and the fields in KEPT are written to the phone.
// One module, not several: every module is one more request on the phone's first load (about
// 0.4 KB of headers, and each compressed on its own), and that load must stay under 60 KB.

import { timerView } from "../clock.js";
import { part, readJSON, setText, toast, workshopStore } from "../dom.js";
import { SEND, VISIBILITIES } from "../events.js";
import { agreementsOf, format, nameOf, refusalText } from "../labels.js";
import {
  cardById, cardsAbout, createStore, fromServer, goalById, goalsInOrder, isPresent, linksOfCard, participantById, strengthsGivenBy,
} from "../state.js";

/**
 * @typedef {import("../state.js").State} State
 * @typedef {import("../state.js").Card} Card
 * @typedef {import("../state.js").Link} Link
 * @typedef {import("../state.js").Goal} Goal
 * @typedef {import("../state.js").Participant} Participant
 * @typedef {import("../state.js").CheckinAnswer} CheckinAnswer
 * @typedef {{linkId: string, id: ?string, text: string, owner: ?string, due: string}} AgreementDraft
 */

// --- The outbox: changes typed but not yet acknowledged, shown on top of the server's state ------
// Pure (no DOM, no socket, no storage), tested in tests/js/outbox.test.js.
// Every change carries an id made on the phone (cards, links) or names one (edits, deletes,
// answers), and the server is idempotent by id, so an item sent twice (a lost acknowledgement,
// a reload) takes effect once. Items are reconciled with the server's state by id: what the
// server already has is shown from the server, the rest is overlaid and marked `unsent` (and
// `fresh` when the server does not have the card or link at all yet).

/**
 * @typedef {{key: string, event: string, payload: Object<string, any>, at: string, by: ?string}} OutboxItem
 *   key: this item's own id (the outbox is changed while an item is in flight, so never by index);
 *   at: when it was made (orders new cards); by: the participant who made it (null if unknown yet).
 */

let counter = 0;

/**
 * A new outbox item.
 * @param {string} event one of SEND
 * @param {Object<string, any>} payload
 * @param {?string} by the current participant's id
 * @returns {OutboxItem}
 */
export function outboxItem(event, payload, by) {
  counter += 1;
  return { key: `${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`, event, payload, at: new Date().toISOString(), by: by || null };
}

/**
 * Items read back from storage, with a key each (older pages kept none).
 * @param {*} stored
 * @returns {OutboxItem[]}
 */
export function restoredOutbox(stored) {
  if (!Array.isArray(stored)) return [];
  return stored
    .filter((item) => item && typeof item.event === "string" && item.payload && typeof item.payload === "object")
    .map((item, index) => ({ at: "", by: null, ...item, key: item.key || `restored-${index}-${Math.random().toString(36).slice(2, 8)}` }));
}

/**
 * Drop a card and the links that go with it.
 * @param {import("../state.js").State} state
 * @param {string} cardId
 * @returns {import("../state.js").State}
 */
function withoutCard(state, cardId) {
  return { ...state, cards: state.cards.filter((c) => c.id !== cardId), links: state.links.filter((l) => l.card_id !== cardId) };
}

/**
 * Replace one card by id.
 * @param {import("../state.js").State} state
 * @param {string} cardId
 * @param {(card: import("../state.js").Card) => import("../state.js").Card} change
 * @returns {import("../state.js").State}
 */
function patchCard(state, cardId, change) {
  return { ...state, cards: state.cards.map((c) => (c.id === cardId ? change(c) : c)) };
}

/**
 * Replace one link by id.
 * @param {import("../state.js").State} state
 * @param {string} linkId
 * @param {(link: import("../state.js").Link) => import("../state.js").Link} change
 * @returns {import("../state.js").State}
 */
function patchLink(state, linkId, change) {
  return { ...state, links: state.links.map((l) => (l.id === linkId ? change(l) : l)) };
}

/**
 * Replace one agreement by id.
 * @param {import("../state.js").State} state
 * @param {string} agreementId
 * @param {(agreement: import("../state.js").Agreement) => import("../state.js").Agreement} change
 * @returns {import("../state.js").State}
 */
function patchAgreement(state, agreementId, change) {
  return { ...state, agreements: (state.agreements || []).map((a) => (a.id === agreementId ? change(a) : a)) };
}

/**
 * How each queued change shows before the server has it (a screen loaded later adds its own: phone/market.js).
 * @type {Object<string, (state: import("../state.js").State, item: OutboxItem, me: ?string) => import("../state.js").State>}
 */
export const OVERLAYS = {
  [SEND.ADD_CARD]: (state, { payload, at }, me) => {
    if (state.cards.some((c) => c.id === payload.id)) return state; // the server has it
    const drive = payload.kind === "drive";
    /** @type {import("../state.js").Card} */
    const card = {
      id: payload.id,
      kind: payload.kind,
      about: drive ? me : payload.about,
      author: me,
      text: payload.text,
      prompt: payload.prompt ?? null,
      visibility: drive ? payload.visibility || state.workshop.default_visibility || "named" : "named",
      status: drive ? "accepted" : "pending",
      signed: drive ? false : Boolean(payload.signed),
      created_at: at || "~",
      unsent: true,
      fresh: true,
    };
    return { ...state, cards: [...state.cards, card] };
  },
  [SEND.EDIT_CARD]: (state, { payload }) => patchCard(state, payload.id, (card) => {
    const next = { ...card, unsent: true };
    if (payload.text !== undefined) next.text = payload.text;
    if (payload.visibility !== undefined) next.visibility = payload.visibility;
    if (payload.signed !== undefined) next.signed = payload.signed;
    // New words ask the person again, and are the author's own again (no longer "reworded").
    if (card.kind === "strength" && payload.text !== undefined && payload.text !== card.text) {
      next.status = "pending";
      next.reworded = false;
    }
    return next;
  }),
  [SEND.DELETE_CARD]: (state, { payload }) => withoutCard(state, payload.id),
  [SEND.RESPOND_STRENGTH]: (state, { payload }) => {
    if (payload.answer === "decline") return withoutCard(state, payload.id);
    // Accepted in the person's own words: shown as theirs, no longer under the author's name.
    const reworded = (/** @type {import("../state.js").Card} */ card) => payload.text !== undefined && payload.text !== null && payload.text !== card.text;
    return patchCard(state, payload.id, (card) => (reworded(card)
      ? { ...card, status: "accepted", text: payload.text, signed: false, reworded: true, unsent: true }
      : { ...card, status: "accepted", unsent: true }));
  },
  [SEND.ADD_LINK]: (state, { payload, at }, me) => {
    const known = state.links.some((l) => l.id === payload.id || (l.card_id === payload.card_id && l.goal_id === payload.goal_id));
    if (known || !state.cards.some((c) => c.id === payload.card_id) || !state.goals.some((g) => g.id === payload.goal_id)) return state;
    /** @type {import("../state.js").Link} */
    const link = {
      id: payload.id, card_id: payload.card_id, goal_id: payload.goal_id, type: payload.type || "energises", endorsements: [],
      created_by: me, created_at: at || "~", unsent: true, fresh: true,
    };
    return { ...state, links: [...state.links, link] };
  },
  [SEND.DELETE_LINK]: (state, { payload }) => ({
    ...state,
    links: state.links.filter((l) => l.id !== payload.id),
    agreements: (state.agreements || []).filter((a) => a.link_id !== payload.id),
  }),
  [SEND.EDIT_LINK]: (state, { payload }) => patchLink(state, payload.id, (link) => (
    link.type === payload.type ? link : { ...link, type: payload.type, unsent: true })),
  [SEND.ENDORSE_LINK]: (state, { payload }, me) => patchLink(state, payload.id, (link) => {
    const others = (link.endorsements || []).filter((id) => id !== me);
    const endorsements = payload.endorsed && me ? [...others, me] : others;
    return endorsements.length === (link.endorsements || []).length ? link : { ...link, endorsements, unsent: true };
  }),
  [SEND.ADD_AGREEMENT]: (state, { payload, at }) => {
    const agreements = state.agreements || [];
    if (agreements.some((a) => a.id === payload.id) || !state.links.some((l) => l.id === payload.link_id)) return state;
    /** @type {import("../state.js").Agreement} */
    const agreement = {
      id: payload.id, link_id: payload.link_id, text: payload.text, owner: payload.owner ?? null, due: payload.due ?? null,
      done: false, created_at: at || "~", unsent: true, fresh: true,
    };
    return { ...state, agreements: [...agreements, agreement] };
  },
  [SEND.EDIT_AGREEMENT]: (state, { payload }) => patchAgreement(state, payload.id, (agreement) => {
    const next = { ...agreement, unsent: true };
    if (payload.text !== undefined) next.text = payload.text;
    if (payload.owner !== undefined) next.owner = payload.owner;
    if (payload.due !== undefined) next.due = payload.due;
    if (payload.done !== undefined) next.done = payload.done;
    return next;
  }),
  [SEND.DELETE_AGREEMENT]: (state, { payload }) => ({
    ...state, agreements: (state.agreements || []).filter((a) => a.id !== payload.id),
  }),
  [SEND.ANSWER_CHECKIN]: (state, { payload }, me) => {
    if (!state.checkin) return state;
    const answers = (state.checkin.answers || []).filter((a) => !(a.link_id === payload.link_id && a.participant_id === me));
    /** @type {import("../state.js").CheckinAnswer} */
    const answer = {
      checkin_id: state.checkin.id, link_id: payload.link_id, participant_id: me, rating: payload.rating,
      comment: payload.comment ?? null, unsent: true,
    };
    return { ...state, checkin: { ...state.checkin, answers: [...answers, answer] } };
  },
  [SEND.SET_DONE]: (state, { payload }, me) => ({
    ...state,
    participants: state.participants.map((p) => {
      if (p.id !== me) return p;
      const done = (p.done || []).filter((phase) => phase !== payload.phase);
      return { ...p, done: payload.done ? [...done, payload.phase] : done };
    }),
  }),
};

/**
 * The state as this phone shows it: the server's, with the queued changes on top, in order.
 * @param {import("../state.js").State} state the server's state
 * @param {OutboxItem[]} items queued changes, oldest first
 * @param {?string} me the current participant's id
 * @returns {import("../state.js").State}
 */
export function applyOutbox(state, items, me) {
  let shown = state;
  for (const item of items) {
    const overlay = OVERLAYS[item.event];
    if (overlay) shown = overlay(shown, item, me);
  }
  return shown;
}

/**
 * The ids an item is about (a card, a link, or the card a link is for).
 * @param {OutboxItem} item
 * @returns {string[]}
 */
export function idsOf(item) {
  return [item.payload.id, item.payload.card_id, item.payload.link_id].filter(Boolean);
}

// --- The store ------------------------------------------------------------------------------------

/**
 * What this phone shows, beside the server's state.
 * @typedef {{
 *   state: ?State, tab: ?string, promptIndex: number, editing: ?{id: string, text: string, signed?: boolean},
 *   responding: ?{id: string, text: string}, about: ?string, visibility: ?string, search: string,
 *   linkCard: ?string, choosing: ?string, outbox: OutboxItem[], settling: Array<{item: OutboxItem, version: number}>,
 *   status: string, left: ?("left"|"removed"|"deleted"|"gone"|"signed_out"), leaving: boolean, seenPhase: ?string,
 *   seenCheckin: ?string, agreementForm: ?AgreementDraft, checkinComments: Object<string, string>,
 * }} PhoneUi
 *   editing / responding: a card being edited, a received strength being reworded (text as typed);
 *   about: the colleague a strength is for; linkCard: the card picked for linking; choosing: the
 *   link just made, whose type is offered; settling: acknowledged changes until their broadcast
 *   arrives; seenPhase / seenCheckin: what this phone last followed.
 */

export const boot = readJSON("boot");
/** @type {Object<string, string>} */
export const strings = readJSON("strings");
/** What the phone keeps on itself for this workshop (drafts, outbox, where it was). */
export const kept = workshopStore(boot.code);

// The last minute of a phase's timer shows in amber.
const ENDING_SECONDS = 60;

/** @type {import("../state.js").Store<PhoneUi>} */
export const store = createStore(/** @type {PhoneUi} */ ({
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
export const ui = () => store.get();

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

/**
 * The current participant's id (null until the first state arrives).
 * @param {PhoneUi} [s]
 * @returns {?string}
 */
export function meId(s = ui()) {
  return s.state?.me?.id ?? null;
}

/** @type {{from: Array<unknown>, view: State}} */
let derived = { from: [], view: fromServer({}) };

/**
 * The server's state with the outbox (and what is settling) on top: what the screens show; an
 * empty workshop until a state arrived. Worked out again only when one of those changed.
 * @param {PhoneUi} [s]
 * @returns {State}
 */
export function currentView(s = ui()) {
  const { state, settling, outbox } = s;
  if (!state) return derived.view;
  const from = [state, settling, outbox];
  if (from.some((part, i) => part !== derived.from[i])) {
    derived = { from, view: applyOutbox(state, [...settling.map((x) => x.item), ...outbox], state.me?.id ?? null) };
  }
  return derived.view;
}

/** The server's clock (the live connection's, once there is one). */
let serverNow = () => Date.now();

/**
 * Read the time on the server's clock from now on.
 * @param {() => number} now
 */
export function useServerClock(now) {
  serverNow = now;
}

/**
 * Whether the workshop refuses changes now.
 * @param {PhoneUi} [s]
 * @returns {boolean}
 */
export function isClosed(s = ui()) {
  return s.state?.workshop?.phase === "closed";
}

/**
 * The phase's timer as this phone shows it, on the server's clock; null when none runs.
 * @param {PhoneUi} [s]
 * @returns {?import("../clock.js").TimerView}
 */
export function timerInfo(s = ui()) {
  const workshop = s.state?.workshop;
  if (!workshop || isClosed(s)) return null;
  const timer = timerView(workshop, serverNow(), ENDING_SECONDS);
  return timer.state === "idle" ? null : timer;
}

/**
 * Whether the phase's timer has run out with input locked (the server refuses changes with `locked`).
 * @param {PhoneUi} [s]
 * @returns {boolean}
 */
export function isLocked(s = ui()) {
  const timer = timerInfo(s);
  return Boolean(timer && timer.state === "ended" && timer.lock);
}

/**
 * Whether the workshop takes no changes from me now (closed, or time is up).
 * @param {PhoneUi} [s]
 * @returns {boolean}
 */
export function readOnly(s = ui()) {
  return isClosed(s) || isLocked(s);
}

/**
 * The line under an unsent item: sending now, or waiting for the connection.
 * @param {PhoneUi} [s]
 * @returns {string}
 */
export function unsentText(s = ui()) {
  return s.status === "connected" ? strings.sending : strings.pending;
}

// --- What the screens show: pure, from a state and the person ------------------------------------

/** The screens with a tab, in the tab bar's order. */
export const TABS = ["drives", "strengths", "links", "agreements", "market", "me"];
// The check-in is a screen without a tab: it is reached from its banner, and opens by itself.
export const CHECKIN = "checkin";
/** @type {Object<string, string>} */
const TAB_FOR_PHASE = {
  join: "drives", drives: "drives", strengths: "strengths", linking: "links", agreements: "agreements", closed: "agreements",
};

/**
 * The screen for a phase of the room.
 * @param {?string|undefined} phase
 * @returns {string}
 */
export function tabForPhase(phase) {
  return TAB_FOR_PHASE[phase || "join"] || "drives";
}

/**
 * The screen a tab asks for, as it can be shown now: the check-in only while one is open (else
 * the phase's screen), an unknown tab is the drives.
 * @param {?string} tab
 * @param {?State} state null before the first state arrived
 * @param {string} phaseTab the screen of the room's phase
 * @returns {string}
 */
export function screenFor(tab, state, phaseTab) {
  if (tab === CHECKIN && state && !state.checkin) return phaseTab;
  if (tab === "market" && state && !state.workshop.market_until && !(state.proposals || []).length) return phaseTab;
  return tab && (TABS.includes(tab) || tab === CHECKIN) ? tab : "drives";
}

/**
 * The prompt the drive composer is on: the one last chosen, counted round the prompts.
 * @param {number} chosen
 * @param {number} count how many prompts the workshop has
 * @returns {number}
 */
export function promptIndexOf(chosen, count) {
  return count ? ((chosen % count) + count) % count : 0;
}

/**
 * The visibility the drive composer will use: the participant's choice, else the workshop's default.
 * @param {?string} chosen
 * @param {?string|undefined} fallback
 * @returns {string}
 */
export function composerVisibility(chosen, fallback) {
  const visibility = chosen || fallback;
  return visibility && VISIBILITIES.includes(visibility) ? visibility : "named";
}

/**
 * Letters-only, lower-case, accent-free text for searching names.
 * @param {string} text
 * @returns {string}
 */
export function fold(text) {
  return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * Whether a card is a strength I gave a colleague (its editor offers my name).
 * @param {Card} card
 * @param {?string} me
 * @returns {boolean}
 */
export function isGivenStrength(card, me) {
  return card.kind === "strength" && Boolean(me) && card.author === me && card.about !== me;
}

/**
 * My drives, newest first.
 * @param {State} state
 * @param {?string} me
 * @returns {Card[]}
 */
export function myDrives(state, me) {
  return [...cardsAbout(state, me, "drive")].reverse();
}

/**
 * The strength screen's picking step: the colleagues the search shows, and who is in my strength
 * round (they stand above the search, which still finds them).
 * @param {State} state
 * @param {?string} me
 * @param {string} search as typed
 * @returns {{shown: Participant[], inRound: Set<string>, showEmpty: boolean}}
 *   showEmpty: whether "no colleague found" is said
 */
export function colleaguesToPick(state, me, search) {
  const query = fold(search.trim());
  const inRound = new Set((state.assignments || []).filter((a) => a.giver === me).map((a) => a.receiver));
  const shown = state.participants.filter((p) => p.id !== me)
    .filter((p) => (query ? fold(p.name).includes(query) : !inRound.has(p.id)));
  return { shown, inRound, showEmpty: !shown.length && Boolean(query || !inRound.size) };
}

/**
 * My strength round: the colleagues the facilitator gave me, which of them I named a strength of
 * (accepted or still waiting), and how many that is.
 * @param {State} state
 * @param {?string} me
 * @returns {{round: Participant[], named: Set<?string>, done: number}}
 */
export function strengthRound(state, me) {
  const round = (state.assignments || []).filter((a) => a.giver === me)
    .map((a) => participantById(state, a.receiver)).filter(isPresent);
  const named = new Set(strengthsGivenBy(state, me).map((c) => c.about));
  return { round, named, done: round.filter((p) => named.has(p.id)).length };
}

/**
 * Strengths about me, newest first, those waiting for my answer before the accepted ones.
 * @param {State} state
 * @param {?string} me
 * @returns {{received: Card[], awaiting: Card[]}}
 */
export function strengthsReceived(state, me) {
  const about = [...cardsAbout(state, me, "strength")].reverse();
  const awaiting = about.filter((c) => c.status === "pending");
  return { received: [...awaiting, ...about.filter((c) => c.status !== "pending")], awaiting };
}

/**
 * Strengths I gave, newest first.
 * @param {State} state
 * @param {?string} me
 * @returns {Card[]}
 */
export function strengthsGiven(state, me) {
  return [...strengthsGivenBy(state, me)].reverse();
}

/**
 * My cards that can be linked: drives, and strengths I accepted (a pending one is not shared yet).
 * @param {State} state
 * @param {?string} me
 * @returns {Card[]}
 */
export function linkableCards(state, me) {
  return [...cardsAbout(state, me, "drive"), ...cardsAbout(state, me, "strength").filter((c) => c.status === "accepted")];
}

/**
 * Links on my cards, or made by me.
 * @param {State} state
 * @param {?string} me
 * @returns {Link[]}
 */
export function myLinks(state, me) {
  const mine = new Set(state.cards.filter((c) => c.about === me).map((c) => c.id));
  return state.links.filter((l) => mine.has(l.card_id) || l.created_by === me);
}

/**
 * Links of my own cards (the ones I make agreements for and rate in a check-in), in the goals' order.
 * @param {State} state
 * @param {?string} me
 * @returns {Link[]}
 */
export function linksOfMyCards(state, me) {
  const mine = new Set(state.cards.filter((c) => c.about === me).map((c) => c.id));
  const order = new Map(goalsInOrder(state).map((g, i) => [g.id, i]));
  return state.links.filter((l) => mine.has(l.card_id) && goalById(state, l.goal_id))
    .sort((a, b) => ((order.get(a.goal_id) ?? 0) - (order.get(b.goal_id) ?? 0)) || String(a.created_at).localeCompare(String(b.created_at)));
}

/**
 * Colleagues' links I can see (not among `mine`, not on a card about me), in the goals' order.
 * @param {State} state
 * @param {?string} me
 * @param {Set<string>} mine ids of the links listed as mine
 * @returns {Array<{link: Link, card: Card, goal: Goal}>}
 */
export function teamLinks(state, me, mine) {
  const order = new Map(goalsInOrder(state).map((g, i) => [g.id, i]));
  return state.links
    .filter((l) => !mine.has(l.id))
    .flatMap((link) => {
      const card = cardById(state, link.card_id);
      const goal = goalById(state, link.goal_id);
      return card && goal && card.about !== me ? [{ link, card, goal }] : [];
    })
    .sort((a, b) => ((order.get(a.goal.id) ?? 0) - (order.get(b.goal.id) ?? 0)) || String(a.link.created_at).localeCompare(String(b.link.created_at)));
}

/**
 * Colleagues' links (not among `mine`) with an agreement I own.
 * @param {State} state
 * @param {?string} me
 * @param {Set<string>} mine ids of the links of my cards
 * @returns {Link[]}
 */
export function ownedLinks(state, me, mine) {
  return state.links.filter((l) => !mine.has(l.id) && agreementsOf(state, l.id).some((a) => a.owner === me));
}

/**
 * My answer in the open check-in for one link, if any.
 * @param {State} state
 * @param {?string} me
 * @param {string} linkId
 * @returns {?CheckinAnswer}
 */
export function checkinAnswer(state, me, linkId) {
  return (state.checkin?.answers || []).find((a) => a.link_id === linkId && a.participant_id === me) || null;
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
export function ownPart(state) {
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
 * A line under a card: which question it answered and where it is linked.
 * @param {State} view
 * @param {Card} card
 * @returns {string}
 */
export function cardMeta(view, card) {
  const goals = linksOfCard(view, card.id).map((l) => goalById(view, l.goal_id)).filter(Boolean);
  if (goals.length) return format(strings.linked_to, { goal: goals.map((g) => g?.text).join(" · ") });
  const prompts = view.workshop.prompts || [];
  if (card.kind === "drive" && typeof card.prompt === "number" && prompts[card.prompt]) {
    return format(strings.answer_to, { prompt: prompts[card.prompt] });
  }
  return "";
}

/**
 * Who named a strength, as its person may know it.
 * @param {State} view
 * @param {Card} card
 * @returns {string}
 */
export function fromText(view, card) {
  const name = nameOf(view, card.author);
  return name ? format(strings.from_person, { name }) : strings.from_hidden;
}

/**
 * Where a strength I gave stands: waiting for its person, accepted (with or without my name), or
 * accepted in their own words — then it is shown as theirs, not under my name.
 * @param {Card} card
 * @param {string} name the person it is about
 * @returns {string}
 */
export function givenStatus(card, name) {
  if (card.status !== "pending" && card.reworded) return format(strings.reworded_by, { name });
  const status = card.status === "pending" ? format(strings.waiting_for, { name }) : format(strings.accepted_by, { name });
  return `${status} · ${card.signed ? strings.signed_yes : strings.signed_no}`;
}

/**
 * Give a refused new agreement back to its form, when no form is open (here, not in the
 * agreements' module: that one is loaded only when its screen is needed).
 * @param {Object<string, any>} payload the refused change
 * @returns {boolean} whether it was given back
 */
export function restoreAgreement(payload) {
  if (ui().agreementForm) return false;
  store.update({ agreementForm: { linkId: payload.link_id, id: null, text: payload.text, owner: payload.owner ?? null, due: payload.due || "" } });
  return true;
}

/**
 * Give a refused check-in comment back to its box, when that is empty (here, not in the check-in's
 * module: that one is loaded only once a check-in is open).
 * @param {Object<string, any>} payload the refused answer_checkin
 * @returns {boolean} whether it was given back
 */
export function restoreCheckinComment(payload) {
  if (!payload.comment || ui().checkinComments[payload.link_id]) return false;
  store.update((s) => ({ checkinComments: { ...s.checkinComments, [payload.link_id]: payload.comment } }));
  return true;
}

/**
 * Ask once before something that cannot be undone, in the page's own dialog at the bottom of the
 * screen (the browser's confirm box is foreign on a phone, and blocks every other tab): Cancel
 * has the focus, Escape cancels, and nothing else on the page reacts until it is answered.
 * @param {string} question
 * @param {string} yes the button that goes ahead, in the words of what it does
 * @returns {Promise<boolean>} whether to go ahead
 */
export function askFirst(question, yes) {
  const dialog = part("ask", HTMLDialogElement);
  setText(part("ask-text"), question);
  setText(part("ask-yes"), yes);
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
  });
}

// --- Sending: the outbox, one change at a time, through the live connection ---------------------

// Trouble on the way, not a refusal: the change stays queued (and is tried again, except offline).
const NETWORK_ERRORS = ["offline", "timeout", "rate_limited"];
const FLUSH_RETRY_MS = 3000;

/** @type {?ReturnType<typeof import("../live.js").connectLive>} set by connect() */
let live = null;
/** After a refused change, gives typed text back to where it was typed; says whether it did. */
let giveBack = (/** @type {OutboxItem} */ _item) => false;
// The item on its way, whether a flush runs, and the retry it set.
/** @type {?string} */
let inFlight = null;
let flushing = false;
let flushRetry = 0;

/**
 * Send through this connection from now on.
 * @param {ReturnType<typeof import("../live.js").connectLive>} connection
 * @param {(item: OutboxItem) => boolean} restore gives a refused change's text back (see flushOutbox)
 */
export function useConnection(connection, restore) {
  live = connection;
  giveBack = restore;
  for (const [event, handler] of heard) onSocket(event, handler);
}

/** Server events outside the state that a screen listens to (a person's seat). */
/** @type {Array<[string, (data: any) => void]>} */
const heard = [];

/**
 * Listen to a server event outside the state, now or once connected.
 * @param {string} event
 * @param {(data: any) => void} handler
 */
export function onServer(event, handler) {
  heard.push([event, handler]);
  if (live) onSocket(event, handler);
}

/**
 * @param {string} event
 * @param {(data: any) => void} handler
 */
function onSocket(event, handler) {
  /** @type {any} */ (live?.socket).on(event, handler);
}

/**
 * Whether an outbox item is on its way now (then it cannot be taken back or changed).
 * @param {OutboxItem} item
 * @returns {boolean}
 */
export function isInFlight(item) {
  return item.key === inFlight;
}

/**
 * Whether the live connection is up.
 * @returns {boolean}
 */
export function isConnected() {
  return Boolean(live && live.getStatus() === "connected");
}

/**
 * Send one event outside the outbox (leaving), and wait for its answer.
 * @param {string} event one of SEND
 * @param {Object<string, any>} payload
 * @returns {Promise<any>} the acknowledgement
 */
export function sendNow(event, payload) {
  if (!live) return Promise.resolve({ ok: false, error: { code: "offline" } });
  return live.send(event, payload);
}

/** Stop sending for good: no retry, and the connection closed (the person is gone). */
export function stopSending() {
  window.clearTimeout(flushRetry);
  if (live) live.close();
}

/**
 * Queue a change, show it at once, and try to send it now.
 * @param {string} event one of SEND
 * @param {Object<string, any>} payload
 */
export function enqueue(event, payload) {
  store.update((s) => ({ outbox: [...s.outbox, outboxItem(event, payload, meId(s))] }));
  flushOutbox();
}

/**
 * Take queued changes back out before they were sent (an unsent card deleted, an unsent link undone).
 * The item being sent cannot be taken back: then nothing is removed and false is returned.
 * @param {(item: OutboxItem) => boolean} match
 * @returns {boolean} whether matching items were removed
 */
export function withdraw(match) {
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
export async function flushOutbox() {
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
        const message = refusalText(strings, ack.error, giveBack(item));
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
