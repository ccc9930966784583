// @ts-check
// The workshop state and how each server event changes it. Pure: no DOM, no socket.
// Every function returns a new state object and leaves its input untouched.

import { RECEIVE } from "./events.js";

/**
 * The shapes the server sends (docs/protocol.md, event `state`). `unsent` and `fresh` are the
 * phone's own marks (phone/store.js, the outbox): a change shown before the server has it, and (fresh) an item
 * the server does not have at all yet.
 *
 * @typedef {"join"|"drives"|"strengths"|"linking"|"agreements"|"closed"} Phase
 * @typedef {"named"|"anonymous"|"facilitator"} Visibility
 * @typedef {"energises"|"grow"|"already"} LinkType
 * @typedef {{unsent?: boolean, fresh?: boolean}} Marks
 * @typedef {{id: string, kind: "goal"|"project"|"activity", text: string, position: number, ask?: ?Ask}} Goal
 *   `ask`: the goal listed in the marketplace (issue 15), or null.
 * @typedef {{open: boolean, text: ?string, effort: ?string, owner_id: ?string}} Ask
 * @typedef {Marks & {id: string, goal_id: string, card_id: string, kind: "answer"|"propose"|"broker", type: LinkType,
 *            note: ?string, made_by: ?string, status: "waiting"|"accepted"|"declined"|"withdrawn", created_at: string,
 *            decided_at: ?string, link_id: ?string, decider: "owner"|"facilitator"|"person"}} Proposal
 *   `made_by`: null for the facilitator (and, to others, for the person of an anonymous card).
 * @typedef {{id: string, name: string, color: number, done?: string[]}} Participant
 *   `color`: 0–7, an index into the colour-blind-safe palette (already reduced by the server).
 *   `done`: the phases the person said they finished.
 * @typedef {Marks & {id: string, kind: "drive"|"strength", about: ?string, author: ?string, text: string,
 *            prompt: ?number, visibility: Visibility, status: "pending"|"accepted",
 *            signed: boolean, reworded?: boolean, hidden?: boolean, theme_id?: ?string, offered?: boolean, created_at: string}} Card
 *   `about` and `author` are null where the viewer may not know them (anonymous drives, unsigned strengths).
 *   `reworded`: a strength its person accepted in their own words (then unsigned, shown as theirs).
 *   `hidden`: moderated away by the facilitator.
 *   `theme_id`: the theme the drive is grouped in, or null (strengths: always null).
 *   `offered`: its person offers it in the marketplace.
 * @typedef {Marks & {id: string, card_id: string, goal_id: string, type?: LinkType, endorsements?: string[],
 *            created_by: ?string, created_at: string}} Link
 * @typedef {Marks & {id: string, link_id: string, text: string, owner: ?string, due: ?string, done: boolean,
 *            created_at: string}} Agreement
 *   `due`: a calendar day ("2027-03-01") or null.
 * @typedef {{id: string, name: string, created_at: string}} Theme
 *   Drives the facilitator grouped under a name of their own; never empty.
 * @typedef {{giver: string, receiver: string}} Assignment
 * @typedef {{checkin_id: string, link_id: string, participant_id: ?string, rating: number, comment: ?string,
 *            unsent?: boolean}} CheckinAnswer
 * @typedef {{id: string, opened_at?: string, closed_at?: ?string, answers: CheckinAnswer[]}} Checkin
 * @typedef {{code: string, title: string, language: string, phase: Phase, prompts: string[], join_url?: string,
 *            default_visibility: Visibility, timer_ends_at?: ?string, timer_seconds?: number, timer_lock?: boolean,
 *            revealed?: boolean, joining_locked?: boolean, team_link?: ?boolean, board_link?: ?boolean,
 *            follow_up_of?: ?boolean, follow_ups?: ?number, market_until?: ?string, market_open?: boolean,
 *            organisation?: ?{id: string, name: string}}} Workshop
 * @typedef {{version: number, workshop: Workshop, goals: Goal[], participants: Participant[], cards: Card[],
 *            links: Link[], agreements: Agreement[], assignments: Assignment[], themes: Theme[], checkin?: ?Checkin,
 *            proposals: Proposal[], waiting?: number, waiting_by_person?: ?Object<string, number>, digest_email?: ?string,
 *            connected?: string[], server_time?: string,
 *            me: {role: ?string, id: ?string, view: ?string}}} State
 *   `connected`: who has a phone connected now (the presence event; not versioned).
 *   `proposals`: the marketplace's proposals this viewer may see; `waiting` / `waiting_by_person`: as the
 *   server counted them with the state (market.js counts them again as proposals change); `digest_email`: the
 *   viewer's own address for the marketplace's weekly e-mail (nobody else's ever comes).
 */

/**
 * Put an item in a list by id: replace the one with the same id, or append.
 * @template {{id: string}} T
 * @param {T[]} list
 * @param {T} item
 * @returns {T[]}
 */
function upsert(list, item) {
  const index = list.findIndex((x) => x.id === item.id);
  if (index === -1) return [...list, item];
  const copy = list.slice();
  copy[index] = item;
  return copy;
}

/**
 * Drop items whose id is in `ids`.
 * @template {{id: string}} T
 * @param {T[]} list
 * @param {Iterable<string>} ids
 * @returns {T[]}
 */
function without(list, ids) {
  const gone = new Set(ids);
  return list.filter((x) => !gone.has(x.id));
}

/**
 * A state as received (event `state`, or the `sync` acknowledgement), with missing lists filled.
 * @param {Partial<State>} raw
 * @returns {State}
 */
export function fromServer(raw) {
  return {
    ...raw, // fields this module does not know yet travel along untouched
    version: raw.version ?? 0,
    // The server always sends the workshop; the defaults cover older states kept on a phone.
    workshop: /** @type {Workshop} */ ({ prompts: [], default_visibility: "named", ...(raw.workshop || {}) }),
    goals: raw.goals || [],
    participants: raw.participants || [],
    cards: raw.cards || [],
    links: raw.links || [],
    agreements: raw.agreements || [],
    assignments: raw.assignments || [],
    themes: raw.themes || [],
    proposals: raw.proposals || [],
    me: raw.me || { role: null, id: null, view: null },
  };
}

/**
 * How each versioned server event changes the state (`data`: the event's payload, docs/protocol.md).
 * @type {Object<string, (state: State, data: any) => State>}
 */
const REDUCERS = {
  [RECEIVE.PARTICIPANT_JOINED]: (state, data) => ({ ...state, participants: upsert(state.participants, data.participant) }),
  [RECEIVE.CARD_SAVED]: (state, data) => ({ ...state, cards: upsert(state.cards, data.card) }),
  [RECEIVE.CARD_DELETED]: (state, data) => ({
    ...state,
    cards: without(state.cards, [data.id]),
    links: state.links.filter((l) => l.card_id !== data.id && !(data.link_ids || []).includes(l.id)),
    proposals: (state.proposals || []).filter((p) => p.card_id !== data.id),
  }),
  [RECEIVE.LINK_SAVED]: (state, data) => ({ ...state, links: upsert(state.links, data.link) }),
  [RECEIVE.LINK_DELETED]: (state, data) => ({ ...state, links: without(state.links, [data.id]) }),
  [RECEIVE.GOAL_SAVED]: (state, data) => ({ ...state, goals: upsert(state.goals, data.goal) }),
  [RECEIVE.GOAL_DELETED]: (state, data) => ({
    ...state,
    goals: without(state.goals, [data.id]),
    links: state.links.filter((l) => l.goal_id !== data.id && !(data.link_ids || []).includes(l.id)),
    proposals: (state.proposals || []).filter((p) => p.goal_id !== data.id),
  }),
  // A phase's timer (and its lock) ends with the phase, as on the server.
  [RECEIVE.PHASE_CHANGED]: (state, data) => ({
    ...state,
    workshop: { ...state.workshop, phase: data.phase, timer_ends_at: null, timer_seconds: 0, timer_lock: false },
  }),
  [RECEIVE.PARTICIPANT_LEFT]: (state, data) => withoutParticipant(state, data),
  [RECEIVE.SETTINGS_CHANGED]: (state, { version, server_time: serverTime, ...settings }) => ({
    ...state, workshop: { ...state.workshop, ...settings },
  }),
  [RECEIVE.PARTICIPANT_UPDATED]: (state, data) => ({ ...state, participants: upsert(state.participants, data.participant) }),
  [RECEIVE.ASSIGNMENTS_CHANGED]: (state, data) => ({ ...state, assignments: data.assignments || [] }),
  [RECEIVE.AGREEMENT_SAVED]: (state, data) => ({ ...state, agreements: upsert(state.agreements || [], data.agreement) }),
  [RECEIVE.AGREEMENT_DELETED]: (state, data) => ({ ...state, agreements: without(state.agreements || [], [data.id]) }),
  [RECEIVE.CHECKIN_CHANGED]: (state, data) => ({
    ...state,
    checkin: data.checkin
      ? { ...data.checkin, answers: state.checkin && state.checkin.id === data.checkin.id ? state.checkin.answers || [] : [] }
      : null,
  }),
  [RECEIVE.CHECKIN_ANSWERED]: (state, data) => withCheckinAnswer(state, data.answer),
  // A theme made or renamed, with the cards that joined it (a card in another theme moved).
  [RECEIVE.THEME_SAVED]: (state, data) => ({
    ...state,
    themes: upsert(state.themes || [], data.theme),
    cards: (data.cards || []).reduce(upsert, state.cards),
  }),
  // A theme gone: its cards (those listed, and any still pointing at it) are in no theme.
  [RECEIVE.THEME_DELETED]: (state, data) => ({
    ...state,
    themes: without(state.themes || [], [data.id]),
    cards: state.cards.map((c) => (c.theme_id === data.id || (data.card_ids || []).includes(c.id) ? { ...c, theme_id: null } : c)),
  }),
  [RECEIVE.PROPOSAL_SAVED]: (state, data) => ({ ...state, proposals: upsert(state.proposals || [], data.proposal) }),
  // RECEIVE.HIDDEN_CHANGE has no reducer on purpose: a change this viewer may not see moves the version only.
};

/**
 * A person left (or was removed): drop them, the cards and links the server listed, and
 * anything still pointing at them. The server lists only what this viewer could already tie to
 * the person; what it could see but not tie to them (an anonymous drive, an unsigned strength)
 * went before in separate `card_deleted` changes. Links they made on others' cards stay, without
 * their name; their +1s, the agreements they owned and their strength-round pairs lose them.
 * @param {State} state
 * @param {{id: string, card_ids?: string[], link_ids?: string[]}} data
 * @returns {State}
 */
function withoutParticipant(state, data) {
  const gone = data.id;
  const goneCards = new Set(data.card_ids || []);
  const cards = state.cards.filter((c) => !goneCards.has(c.id) && c.about !== gone && c.author !== gone);
  const kept = new Set(cards.map((c) => c.id));
  const goneLinks = new Set(data.link_ids || []);
  const links = state.links
    .filter((l) => !goneLinks.has(l.id) && kept.has(l.card_id))
    .map((l) => {
      const endorsements = l.endorsements || [];
      if (l.created_by !== gone && !endorsements.includes(gone)) return l;
      return { ...l, created_by: l.created_by === gone ? null : l.created_by, endorsements: endorsements.filter((p) => p !== gone) };
    });
  const agreements = (state.agreements || []).map((a) => (a.owner === gone ? { ...a, owner: null } : a));
  const assignments = (state.assignments || []).filter((a) => a.giver !== gone && a.receiver !== gone);
  // Their proposals go with them: those they made, and those on their cards.
  const proposals = (state.proposals || []).filter((p) => p.made_by !== gone && !goneCards.has(p.card_id)
    && (kept.has(p.card_id) || !state.cards.some((c) => c.id === p.card_id)));
  return { ...state, participants: without(state.participants, [gone]), cards, links, agreements, assignments, proposals };
}

/**
 * A check-in answer arrived: it replaces that person's earlier answer for the same link.
 * @param {State} state
 * @param {{checkin_id: string, link_id: string, participant_id: string, rating: number, comment: ?string}} answer
 * @returns {State}
 */
function withCheckinAnswer(state, answer) {
  if (!answer || !state.checkin || state.checkin.id !== answer.checkin_id) return state;
  const answers = (state.checkin.answers || [])
    .filter((a) => !(a.link_id === answer.link_id && a.participant_id === answer.participant_id));
  return { ...state, checkin: { ...state.checkin, answers: [...answers, answer] } };
}

/**
 * Apply one versioned server event.
 * @param {State} state
 * @param {string} event one of CHANGES
 * @param {{version: number}} data the event's payload
 * @returns {State} the new state, at data.version
 */
export function applyChange(state, event, data) {
  const reducer = REDUCERS[event];
  const next = reducer ? reducer(state, data) : state;
  return { ...withoutOrphans(next), version: data.version };
}

/**
 * What the database drops by itself when a link or a person goes (agreements on a deleted link;
 * the owner of an agreement who left) is dropped here too, so every screen matches the server.
 * @param {State} state
 * @returns {State}
 */
function withoutOrphans(state) {
  const agreements = state.agreements || [];
  if (!agreements.length) return state;
  const links = new Set(state.links.map((l) => l.id));
  const people = new Set(state.participants.map((p) => p.id));
  const kept = agreements
    .filter((a) => links.has(a.link_id))
    .map((a) => (a.owner && !people.has(a.owner) ? { ...a, owner: null } : a));
  const same = kept.length === agreements.length && kept.every((a, i) => a === agreements[i]);
  return same ? state : { ...state, agreements: kept };
}

/**
 * How an event's version relates to the local one.
 * @param {State|null} state
 * @param {{version?: number}} data
 * @returns {"next"|"stale"|"gap"} next: apply it; stale: already have it; gap: something was missed
 */
export function ordering(state, data) {
  if (!state || typeof data.version !== "number") return "gap";
  if (data.version === state.version + 1) return "next";
  if (data.version <= state.version) return "stale";
  return "gap";
}

/**
 * Whether a value is there: `list.filter(isPresent)` drops null and undefined, and says so to the type checker.
 * @template T
 * @param {T|null|undefined} value
 * @returns {value is T}
 */
export function isPresent(value) {
  return value !== null && value !== undefined;
}

// --- Selectors ------------------------------------------------------------------------------

/**
 * Order by creation time, then id, so every screen lists cards alike.
 * @param {{created_at?: string, id: string}} a
 * @param {{created_at?: string, id: string}} b
 * @returns {number}
 */
function byCreation(a, b) {
  return String(a.created_at || "").localeCompare(String(b.created_at || "")) || a.id.localeCompare(b.id);
}

/**
 * Goals in the facilitator's order.
 * @param {State} state
 * @returns {Goal[]}
 */
export function goalsInOrder(state) {
  return state.goals.slice().sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id.localeCompare(b.id));
}

/**
 * Participants in the order they joined (the server's order).
 * @param {State} state
 * @returns {Participant[]}
 */
export function participantsInOrder(state) {
  return state.participants.slice();
}

/**
 * @param {State} state
 * @param {?string|undefined} id
 * @returns {Participant|undefined}
 */
export function participantById(state, id) {
  return id ? state.participants.find((p) => p.id === id) : undefined;
}

/**
 * @param {State} state
 * @param {string} id
 * @returns {Card|undefined}
 */
export function cardById(state, id) {
  return state.cards.find((c) => c.id === id);
}

/**
 * @param {State} state
 * @param {string} id
 * @returns {Goal|undefined}
 */
export function goalById(state, id) {
  return state.goals.find((g) => g.id === id);
}

/**
 * Cards about a person, optionally of one kind, oldest first.
 * @param {State} state
 * @param {?string} participantId (null: nobody, not the cards without a name)
 * @param {"drive"|"strength"} [kind]
 * @returns {Card[]}
 */
export function cardsAbout(state, participantId, kind) {
  if (!participantId) return [];
  return state.cards.filter((c) => c.about === participantId && (!kind || c.kind === kind)).sort(byCreation);
}

/**
 * Drives shown without a name (anonymous on the board): the viewer does not know whose they are.
 * @param {State} state
 * @returns {Card[]}
 */
export function anonymousCards(state) {
  return state.cards.filter((c) => c.about === null || c.about === undefined).sort(byCreation);
}

/**
 * Whether the team may see a card: not facilitator-only, and (strengths) accepted by its person.
 * @param {Card} card
 * @returns {boolean}
 */
export function isShared(card) {
  return card.visibility !== "facilitator" && card.status !== "pending";
}

/**
 * Strengths a person named for colleagues (known only to that author and the facilitator).
 * @param {State} state
 * @param {?string} participantId
 * @returns {Card[]}
 */
export function strengthsGivenBy(state, participantId) {
  if (!participantId) return [];
  return state.cards.filter((c) => c.kind === "strength" && c.author === participantId && c.about !== participantId).sort(byCreation);
}

/**
 * Links of one card.
 * @param {State} state
 * @param {string} cardId
 * @returns {Link[]}
 */
export function linksOfCard(state, cardId) {
  return state.links.filter((l) => l.card_id === cardId);
}

/**
 * Links to one goal, oldest first.
 * @param {State} state
 * @param {string} goalId
 * @returns {Link[]}
 */
export function linksOfGoal(state, goalId) {
  return state.links.filter((l) => l.goal_id === goalId).sort(byCreation);
}

/**
 * The link between a card and a goal, if any.
 * @param {State} state
 * @param {string} cardId
 * @param {string} goalId
 * @returns {Link|undefined}
 */
export function linkBetween(state, cardId, goalId) {
  return state.links.find((l) => l.card_id === cardId && l.goal_id === goalId);
}

/**
 * Themes in the order they were made (the server's).
 * @param {State} state
 * @returns {Theme[]}
 */
export function themesInOrder(state) {
  return (state.themes || []).slice().sort(byCreation);
}

/**
 * The cards of one theme, oldest first.
 * @param {State} state
 * @param {string} themeId
 * @returns {Card[]}
 */
export function cardsOfTheme(state, themeId) {
  return state.cards.filter((c) => c.theme_id === themeId).sort(byCreation);
}

/**
 * Counts the console and the board show.
 * @param {State} state
 * @returns {{participants: number, drives: number, strengths: number, links: number, goals: number, openGoals: number}}
 */
export function counts(state) {
  const linkedGoals = new Set(state.links.map((l) => l.goal_id));
  return {
    participants: state.participants.length,
    drives: state.cards.filter((c) => c.kind === "drive").length,
    strengths: state.cards.filter((c) => c.kind === "strength").length,
    links: state.links.length,
    goals: state.goals.length,
    openGoals: state.goals.filter((g) => !linkedGoals.has(g.id)).length,
  };
}

// --- A page's store --------------------------------------------------------------------------

/**
 * @template T
 * @typedef {{get: () => T, update: (patch: Partial<T> | ((value: T) => Partial<T>)) => void,
 *            batch: (change: () => void) => void, subscribe: (listener: (value: T, previous: T) => void) => () => void}} Store
 */

/**
 * Make a store.
 * `update` merges a patch (or what a function of the value returns) into a new value and tells
 * every subscriber, with the value before; a patch that changes nothing tells nobody. Within
 * `batch`, subscribers hear once, at the end, about all the changes together.
 * @template {object} T
 * @param {T} initial
 * @returns {Store<T>}
 */
export function createStore(initial) {
  let value = initial;
  /** @type {Set<(value: T, previous: T) => void>} */
  const listeners = new Set();
  let depth = 0;
  /** @type {?T} the value before the batch began, while one runs and something changed */
  let before = null;

  /** @param {T} previous */
  function tell(previous) {
    for (const listener of Array.from(listeners)) listener(value, previous);
  }

  return {
    get: () => value,
    update(patch) {
      const changes = typeof patch === "function" ? patch(value) : patch;
      const changed = Object.entries(changes).some(([key, v]) => !Object.is(/** @type {any} */ (value)[key], v));
      if (!changed) return;
      const previous = value;
      value = { ...value, ...changes };
      if (depth) before = before ?? previous;
      else tell(previous);
    },
    batch(change) {
      depth += 1;
      try {
        change();
      } finally {
        depth -= 1;
        if (!depth && before) {
          const previous = before;
          before = null;
          tell(previous);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
