// @ts-check
// The marketplace (issue 15), as the phone, the console and the board read it from a state: open
// asks, offers, who decides a proposal, and how many wait for whom. Pure: no DOM, no socket.
// Not part of state.js, whose every byte is on the phone's first load: the phone loads this
// with its market screen.

import { goalsInOrder, linkBetween } from "./state.js";

/**
 * @typedef {import("./state.js").State} State
 * @typedef {import("./state.js").Card} Card
 * @typedef {import("./state.js").Goal} Goal
 * @typedef {import("./state.js").Proposal} Proposal
 */

/** Kinds of proposal: a card's person answers an ask, a colleague proposes an offer, the facilitator brokers. */
export const PROPOSAL_KINDS = Object.freeze(["answer", "propose", "broker"]);
/** Limits the server enforces on an ask; the forms mirror them. */
export const ASK_LIMITS = Object.freeze({ TEXT_MAX: 280, EFFORT_MAX: 80, NOTE_MAX: 280, EMAIL_MAX: 254 });

/**
 * Whether the marketplace takes proposals now (the server says so with the state).
 * @param {State} state
 * @returns {boolean}
 */
export function marketOpen(state) {
  return Boolean(state.workshop.market_open);
}

/**
 * Goals listed in the marketplace with an open ask, in the facilitator's order.
 * @param {State} state
 * @returns {Goal[]}
 */
export function openAsks(state) {
  return goalsInOrder(state).filter((g) => g.ask && g.ask.open);
}

/**
 * Whether a card can be offered by its person: a drive, or a strength once accepted; never a hidden one.
 * @param {Card} card
 * @returns {boolean}
 */
export function mayOffer(card) {
  return !card.hidden && (card.kind === "drive" || card.status === "accepted");
}

/**
 * My cards I can offer or answer an ask with: my drives and my accepted strengths, oldest first.
 * @param {State} state
 * @param {?string} me
 * @returns {Card[]}
 */
export function myMarketCards(state, me) {
  if (!me) return [];
  return state.cards.filter((c) => c.about === me && mayOffer(c))
    .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)) || a.id.localeCompare(b.id));
}

/**
 * Colleagues' cards offered in the marketplace that this viewer sees (not mine).
 * @param {State} state
 * @param {?string} me
 * @returns {Card[]}
 */
export function offersOfOthers(state, me) {
  return state.cards.filter((c) => c.offered && !c.hidden && (!me || c.about !== me))
    .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)) || a.id.localeCompare(b.id));
}

/**
 * Whether a card may still be proposed for a goal: its ask is open, they are not linked, and no
 * proposal for the same pair waits.
 * @param {State} state
 * @param {string} goalId
 * @param {string} cardId
 * @returns {boolean}
 */
export function mayPropose(state, goalId, cardId) {
  const goal = state.goals.find((g) => g.id === goalId);
  if (!goal || !goal.ask || !goal.ask.open || linkBetween(state, cardId, goalId)) return false;
  return !(state.proposals || []).some((p) => p.goal_id === goalId && p.card_id === cardId && p.status === "waiting");
}

/**
 * Who decides a proposal: a participant's id, or "facilitator".
 * @param {State} state
 * @param {Proposal} proposal
 * @returns {?string} null when this viewer cannot tell (the card is not theirs to see)
 */
export function deciderOf(state, proposal) {
  if (proposal.decider === "facilitator") return "facilitator";
  if (proposal.decider === "owner") {
    const goal = state.goals.find((g) => g.id === proposal.goal_id);
    return (goal && goal.ask && goal.ask.owner_id) || "facilitator";
  }
  const card = state.cards.find((c) => c.id === proposal.card_id);
  return card ? card.about : null;
}

/**
 * Whether this viewer decides a proposal: its decider, or the facilitator for any answer.
 * @param {State} state
 * @param {Proposal} proposal
 * @returns {boolean}
 */
export function decidesIt(state, proposal) {
  if (state.me.role === "facilitator") return proposal.kind === "answer" || deciderOf(state, proposal) === "facilitator";
  return Boolean(state.me.id) && deciderOf(state, proposal) === state.me.id;
}

/**
 * Proposals waiting for this viewer's decision, oldest first.
 * @param {State} state
 * @returns {Proposal[]}
 */
export function waitingForMe(state) {
  return byCreation((state.proposals || []).filter((p) => p.status === "waiting" && decidesIt(state, p)));
}

/**
 * The facilitator's count of proposals waiting per person (the person who decides them).
 * @param {State} state
 * @returns {Object<string, number>}
 */
export function waitingByPerson(state) {
  /** @type {Object<string, number>} */
  const counts = {};
  for (const p of state.proposals || []) {
    const who = p.status === "waiting" ? deciderOf(state, p) : null;
    if (who && who !== "facilitator") counts[who] = (counts[who] || 0) + 1;
  }
  return counts;
}

/**
 * Proposals this viewer made (the facilitator: those made as facilitator), newest first.
 * @param {State} state
 * @returns {Proposal[]}
 */
export function madeByMe(state) {
  const me = state.me.role === "facilitator" ? null : state.me.id;
  return byCreation((state.proposals || []).filter((p) => (me ? p.made_by === me : p.kind === "broker"))).reverse();
}

/**
 * Proposals that involve a card or an ask of mine but wait for someone else (or are decided).
 * @param {State} state
 * @param {Set<string>} shown ids already listed elsewhere
 * @returns {Proposal[]}
 */
export function otherProposals(state, shown) {
  return byCreation((state.proposals || []).filter((p) => !shown.has(p.id))).reverse();
}

/**
 * @param {Proposal[]} list
 * @returns {Proposal[]}
 */
function byCreation(list) {
  return list.slice().sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)) || a.id.localeCompare(b.id));
}
