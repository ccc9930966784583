// @ts-check
// The phone's outbox: changes typed but not yet acknowledged by the server, and how they show on
// top of the server's state until they are. Pure: no DOM, no socket, no storage.
//
// Every change carries an id made on the phone (cards, links) or names one (edits, deletes,
// answers), and the server is idempotent by id, so an item sent twice (a lost acknowledgement,
// a reload) takes effect once. Items are reconciled with the server's state by id: what the
// server already has is shown from the server, the rest is overlaid and marked `unsent` (and
// `fresh` when the server does not have the card or link at all yet).

import { SEND } from "./events.js";

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
 * @param {import("./state.js").State} state
 * @param {string} cardId
 * @returns {import("./state.js").State}
 */
function withoutCard(state, cardId) {
  return { ...state, cards: state.cards.filter((c) => c.id !== cardId), links: state.links.filter((l) => l.card_id !== cardId) };
}

/**
 * Replace one card by id.
 * @param {import("./state.js").State} state
 * @param {string} cardId
 * @param {(card: import("./state.js").Card) => import("./state.js").Card} change
 * @returns {import("./state.js").State}
 */
function patchCard(state, cardId, change) {
  return { ...state, cards: state.cards.map((c) => (c.id === cardId ? change(c) : c)) };
}

/**
 * Replace one link by id.
 * @param {import("./state.js").State} state
 * @param {string} linkId
 * @param {(link: import("./state.js").Link) => import("./state.js").Link} change
 * @returns {import("./state.js").State}
 */
function patchLink(state, linkId, change) {
  return { ...state, links: state.links.map((l) => (l.id === linkId ? change(l) : l)) };
}

/**
 * Replace one agreement by id.
 * @param {import("./state.js").State} state
 * @param {string} agreementId
 * @param {(agreement: import("./state.js").Agreement) => import("./state.js").Agreement} change
 * @returns {import("./state.js").State}
 */
function patchAgreement(state, agreementId, change) {
  return { ...state, agreements: (state.agreements || []).map((a) => (a.id === agreementId ? change(a) : a)) };
}

/**
 * How each queued change shows before the server has it.
 * @type {Object<string, (state: import("./state.js").State, item: OutboxItem, me: ?string) => import("./state.js").State>}
 */
const OVERLAYS = {
  [SEND.ADD_CARD]: (state, { payload, at }, me) => {
    if (state.cards.some((c) => c.id === payload.id)) return state; // the server has it
    const drive = payload.kind === "drive";
    /** @type {import("./state.js").Card} */
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
    const reworded = (/** @type {import("./state.js").Card} */ card) => payload.text !== undefined && payload.text !== null && payload.text !== card.text;
    return patchCard(state, payload.id, (card) => (reworded(card)
      ? { ...card, status: "accepted", text: payload.text, signed: false, reworded: true, unsent: true }
      : { ...card, status: "accepted", unsent: true }));
  },
  [SEND.ADD_LINK]: (state, { payload, at }, me) => {
    const known = state.links.some((l) => l.id === payload.id || (l.card_id === payload.card_id && l.goal_id === payload.goal_id));
    if (known || !state.cards.some((c) => c.id === payload.card_id) || !state.goals.some((g) => g.id === payload.goal_id)) return state;
    /** @type {import("./state.js").Link} */
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
    /** @type {import("./state.js").Agreement} */
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
    /** @type {import("./state.js").CheckinAnswer} */
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
 * @param {import("./state.js").State} state the server's state
 * @param {OutboxItem[]} items queued changes, oldest first
 * @param {?string} me the current participant's id
 * @returns {import("./state.js").State}
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
