// @ts-check
// The console's marketplace (issue 15): open it until a date or close it, the facilitator's own
// weekly e-mail, an ask per goal (listed or not, what is asked, the effort, its owner), what waits
// for whom (per person, and the answers the facilitator decides), brokering (suggestions with
// their reasons, or any offer for any ask: the card's person decides), and every proposal.
//
// data-testid handles used here and by the browser tests:
//   market-panel, market-state, market-until, market-open, market-close, facilitator-digest-form,
//   facilitator-digest-email, facilitator-digest-save, facilitator-digest-state,
//   ask-list, ask-row (data-goal-id, data-open), ask-open, ask-text-input, ask-effort-input, ask-owner, ask-save,
//   waiting-people, waiting-person (data-participant-id), waiting-none,
//   console-waiting, console-waiting-empty, console-proposal (data-proposal-id, data-status, data-kind),
//   console-proposal-status, console-accept, console-decline,
//   broker-form, broker-goal, broker-card, broker-type, broker-send, broker-suggest, broker-suggestions,
//   broker-suggestion (data-goal-id, data-card-id), broker-reason, broker-propose, broker-none,
//   console-proposals, console-proposals-empty,
//   org-join-form, org-join-code, org-join, org-member, org-leave (and static/js/across.js's)

import { createAcross } from "../across.js";
import { fill, format, h, icon, part, readJSON, setText, toast, unchanged } from "../dom.js";
import { LINK_TYPES, SEND } from "../events.js";
import { dayText, nameOf, pageLanguage, refusalText, typeWords } from "../labels.js";
import { newId } from "../live.js";
import { ASK_LIMITS, deciderOf, marketOpen, mayPropose, openAsks, waitingByPerson, waitingForMe } from "../market.js";
import { cardById, goalById, goalsInOrder } from "../state.js";

/**
 * @typedef {import("../state.js").State} State
 * @typedef {import("../state.js").Goal} Goal
 * @typedef {import("../state.js").Card} Card
 * @typedef {import("../state.js").Proposal} Proposal
 * @typedef {{act: (event: string, payload?: object) => Promise<any>, send: (event: string, payload?: object) => Promise<any>}} Live
 * @typedef {(event: string, handler: (data: any) => void) => void} Listen
 * @typedef {{goal_id: string, card_id: string, shared?: string[], reason?: string, score?: number}} Suggestion
 */

/** @type {Object<string, string>} */
let strings = {};
/** @type {?Live} */
let live = null;
/** @type {() => ?State} */
let current = () => null;
/** @type {?Listen} */
let listen = null;
/** The organisation's part (static/js/across.js), made with the first state (once connected). */
/** @type {?ReturnType<typeof createAcross>} */
let across = null;
/** The last suggestions asked for (null: not asked yet). */
/** @type {?Suggestion[]} */
let suggestions = null;
/** The facilitator's digest address as last saved here or brought by the state. */
/** @type {?string} */
let digest = null;
/** @type {?string|undefined} */
let digestSeen;

/**
 * The day after a date, and a year after it, as "YYYY-MM-DD" (the date input's bounds).
 * @param {Date} day
 * @param {number} days
 * @returns {string}
 */
function isoDay(day, days) {
  const d = new Date(day.getFullYear(), day.getMonth(), day.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/**
 * A card in words for the facilitator: its text and whose it is.
 * @param {State} state
 * @param {?Card|undefined} card
 * @returns {string}
 */
function cardWords(state, card) {
  if (!card) return "";
  const name = nameOf(state, card.about);
  return name ? `${card.text} (${name})` : card.text;
}

/**
 * A card (and whose) above the goal it is matched with.
 * @param {State} state
 * @param {?Card|undefined} card
 * @param {?Goal|undefined} goal
 * @returns {HTMLElement[]}
 */
function pairLines(state, card, goal) {
  return [
    h("p", { class: "proposal-pair" }, icon(card ? card.kind : "drive"), h("span", {}, cardWords(state, card))),
    h("p", { class: "proposal-pair is-goal" }, icon(goal ? goal.kind : "goal"), h("span", {}, goal ? goal.text : "")),
  ];
}

// --- Drawing ----------------------------------------------------------------------------------------

/**
 * The marketplace panel.
 * @param {State} state
 * @param {number} now the server's clock (ms)
 */
export function renderMarket(state, now) {
  const w = state.workshop;
  const open = marketOpen(state);
  const lang = pageLanguage();
  setText(part("market-state"), w.market_until
    ? format(open ? strings.market_open_until : strings.market_ended, { date: dayText(w.market_until, lang, "long") })
    : strings.market_not_open);
  part("market-panel").dataset.open = String(open);
  const until = part("market-until", HTMLInputElement);
  const today = new Date(now);
  until.min = isoDay(today, 1);
  until.max = isoDay(today, 365);
  if (document.activeElement !== until && !until.value) until.value = w.market_until && w.market_until > isoDay(today, 0) ? w.market_until : isoDay(today, 28);
  setText(part("market-open"), w.market_until ? strings.market_change : strings.market_open);
  part("market-close").hidden = !w.market_until;
  renderDigest(state);
  renderAsks(state);
  renderWaiting(state);
  renderBroker(state);
  renderProposals(state);
  renderAcross(state);
}

/**
 * My people's offers other teams may see: offered, accepted, not hidden, not only mine to see.
 * @param {State} state
 * @returns {Card[]}
 */
function teamOffers(state) {
  return state.cards.filter((c) => c.offered && !c.hidden && c.status === "accepted" && c.visibility !== "facilitator");
}

/**
 * The organisation: join it with a code, or leave it; other teams' asks and the cross-team proposals.
 * @param {State} state
 */
function renderAcross(state) {
  if (!across && live && listen) {
    const acting = live;
    const strings_ = { ...strings, ...readJSON("across-strings") };
    across = createAcross({
      send: (event, payload) => acting.send(event, payload),
      on: listen,
      strings: strings_,
      console: true,
      newId,
      onChange: () => {
        const now = current();
        if (now) renderAcross(now);
      },
      toast: (text, kind) => toast(text, kind === "error" ? { kind: "error" } : {}),
    });
  }
  const organisation = state.workshop.organisation || null;
  part("org-join-form").hidden = Boolean(organisation);
  part("org-member").hidden = !organisation;
  if (!across) return;
  across.follow(organisation);
  across.render(part("across"), teamOffers(state).map((c) => ({ id: c.id, text: cardWords(state, c), kind: c.kind })));
}

/**
 * The facilitator's own weekly e-mail (only the console ever shows it).
 * @param {State} state
 */
function renderDigest(state) {
  const known = state.digest_email;
  const input = part("facilitator-digest-email", HTMLInputElement);
  if (known !== undefined && known !== digestSeen) {
    digest = known;
    digestSeen = known;
    if (document.activeElement !== input) input.value = known || "";
  }
  setText(part("facilitator-digest-state"), digest ? format(strings.facilitator_digest_on, { email: digest }) : strings.facilitator_digest_off);
}

/**
 * One row per goal: listed in the marketplace or not, what is asked, the effort, the owner.
 * A row being typed in is left alone.
 * @param {State} state
 */
function renderAsks(state) {
  const list = part("ask-list");
  const goals = goalsInOrder(state);
  const people = state.participants.map((p) => [p.id, p.name]);
  const rows = new Map(Array.from(list.children, (li) => [/** @type {HTMLElement} */ (li).dataset.goalId, /** @type {HTMLElement} */ (li)]));
  /** @type {?Element} */
  let previous = null;
  for (const goal of goals) {
    let li = rows.get(goal.id);
    rows.delete(goal.id);
    if (!li) li = h("li", { class: "ask-row", "data-testid": "ask-row", dataset: { goalId: goal.id } });
    const editing = li.contains(document.activeElement) && li.dataset.dirty === "true";
    if (!editing && !unchanged(li, [goal.text, goal.kind, goal.ask, people])) fillAskRow(state, li, goal);
    /** @type {?Element} */
    const expected = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expected !== li) list.insertBefore(li, expected);
    previous = li;
  }
  for (const li of rows.values()) li.remove();
}

/**
 * @param {State} state
 * @param {HTMLElement} li
 * @param {Goal} goal
 */
function fillAskRow(state, li, goal) {
  const ask = goal.ask || { open: false, text: null, effort: null, owner_id: null };
  li.dataset.open = String(Boolean(ask.open));
  li.dataset.dirty = "false";
  const key = goal.id;
  const openBox = h("input", { type: "checkbox", id: `ask-open-${key}`, "data-testid": "ask-open", props: { checked: Boolean(ask.open) } });
  const text = h("input", { type: "text", id: `ask-text-${key}`, "data-testid": "ask-text-input", maxlength: String(ASK_LIMITS.TEXT_MAX),
    placeholder: strings.ask_text_placeholder, props: { value: ask.text || "" } });
  const effort = h("input", { type: "text", id: `ask-effort-${key}`, "data-testid": "ask-effort-input", maxlength: String(ASK_LIMITS.EFFORT_MAX),
    placeholder: strings.ask_effort_placeholder, props: { value: ask.effort || "" } });
  const owner = h("select", { id: `ask-owner-${key}`, "data-testid": "ask-owner" },
    h("option", { value: "" }, strings.ask_owner_none),
    state.participants.map((p) => h("option", { value: p.id }, p.name)));
  owner.value = ask.owner_id && state.participants.some((p) => p.id === ask.owner_id) ? ask.owner_id : "";
  const form = h("form", { class: "ask-form", novalidate: true, oninput: () => { li.dataset.dirty = "true"; },
    onchange: () => { li.dataset.dirty = "true"; },
    onsubmit: (/** @type {Event} */ event) => {
      event.preventDefault();
      saveAsk(li, goal, openBox.checked, text.value, effort.value, owner.value);
    } },
  h("p", { class: "ask-goal" }, icon(goal.kind), h("span", {}, goal.text)),
  h("div", { class: "ask-listed check-field" }, openBox, h("label", { for: `ask-open-${key}` }, strings.ask_listed)),
  h("div", { class: "ask-field is-wide" }, h("label", { for: `ask-text-${key}` }, strings.ask_text), text),
  h("div", { class: "ask-field" }, h("label", { for: `ask-effort-${key}` }, strings.ask_effort_label), effort),
  h("div", { class: "ask-field" }, h("label", { for: `ask-owner-${key}` }, strings.ask_owner_label), owner),
  h("button", { type: "submit", class: "button small", "data-testid": "ask-save" }, strings.ask_save));
  fill(li, form);
}

/**
 * What waits for whom: per person, and the proposals the facilitator decides (with Accept / Decline).
 * @param {State} state
 */
function renderWaiting(state) {
  const counts = waitingByPerson(state);
  const people = state.participants.filter((p) => counts[p.id]);
  const list = part("waiting-people");
  if (!unchanged(list, [counts, people.map((p) => p.name)])) {
    fill(list, people.map((p) => h("li", { class: "waiting-person", "data-testid": "waiting-person", dataset: { participantId: p.id } },
      h("span", { class: "waiting-name" }, p.name), h("span", { class: "count" }, String(counts[p.id])))));
  }
  part("waiting-none").hidden = people.length > 0;
  const mine = waitingForMe(state);
  const waiting = part("console-waiting");
  if (!unchanged(waiting, [mine, state.participants.map((p) => p.name)])) fill(waiting, mine.map((p) => proposalRow(state, p, true)));
  part("console-waiting-empty").hidden = mine.length > 0;
}

/**
 * One proposal for the facilitator: the pair, who made it, how it relates, the note, where it stands.
 * @param {State} state
 * @param {Proposal} p
 * @param {boolean} deciding
 * @returns {HTMLElement}
 */
function proposalRow(state, p, deciding) {
  const card = cardById(state, p.card_id);
  const goal = goalById(state, p.goal_id);
  const maker = p.kind === "broker" ? strings.made_by_you : nameOf(state, p.made_by) || strings.made_by_someone;
  const decider = deciderOf(state, p);
  const status = p.status === "waiting"
    ? format(strings.proposal_waiting_for, { name: decider === "facilitator" ? strings.decider_you : nameOf(state, decider) || strings.made_by_someone })
    : strings[`proposal_${p.status}`] || p.status;
  return h("li", { class: `console-proposal is-${p.status}`, "data-testid": "console-proposal", dataset: { proposalId: p.id, status: p.status, kind: p.kind } },
    pairLines(state, card, goal),
    h("p", { class: "hint" }, `${strings[`proposal_kind_${p.kind}`] || p.kind} · ${maker} · ${typeWords(strings, p)}`),
    p.note ? h("p", { class: "proposal-note" }, p.note) : null,
    h("p", { class: "proposal-status", "data-testid": "console-proposal-status" }, status),
    deciding ? h("p", { class: "row" },
      h("button", { type: "button", class: "button small", "data-testid": "console-decline",
        onclick: () => live?.act(SEND.DECIDE_PROPOSAL, { id: p.id, answer: "decline" }) }, strings.proposal_decline),
      h("button", { type: "button", class: "button small primary", "data-testid": "console-accept",
        onclick: () => live?.act(SEND.DECIDE_PROPOSAL, { id: p.id, answer: "accept" }) }, strings.proposal_accept)) : null);
}

/**
 * Brokering: the form (an ask, an offer, how they relate) and the suggestions with their reasons.
 * @param {State} state
 */
function renderBroker(state) {
  const asks = openAsks(state);
  const offers = state.cards.filter((c) => c.offered && !c.hidden);
  const goalSelect = part("broker-goal", HTMLSelectElement);
  const cardSelect = part("broker-card", HTMLSelectElement);
  if (!unchanged(goalSelect, asks.map((g) => [g.id, g.text]))) {
    const was = goalSelect.value;
    fill(goalSelect, asks.map((g) => h("option", { value: g.id }, g.text)));
    if (asks.some((g) => g.id === was)) goalSelect.value = was;
  }
  if (!unchanged(cardSelect, offers.map((c) => [c.id, cardWords(state, c)]))) {
    const was = cardSelect.value;
    fill(cardSelect, offers.map((c) => h("option", { value: c.id }, cardWords(state, c))));
    if (offers.some((c) => c.id === was)) cardSelect.value = was;
  }
  const open = marketOpen(state);
  part("broker-send", HTMLButtonElement).disabled = !open || !asks.length || !offers.length;
  part("broker-suggest", HTMLButtonElement).disabled = !open;
  const shown = (suggestions || []).filter((x) => cardById(state, x.card_id) && goalById(state, x.goal_id));
  const list = part("broker-suggestions");
  if (!unchanged(list, [shown, state.proposals, state.links, open])) {
    fill(list, shown.map((x) => {
      const card = cardById(state, x.card_id);
      const goal = goalById(state, x.goal_id);
      const type = h("select", { "data-testid": "broker-suggestion-type", "aria-label": strings.broker_type_label },
        LINK_TYPES.map((t) => h("option", { value: t }, strings[`link_type_${t}`])));
      return h("li", { class: "broker-suggestion", "data-testid": "broker-suggestion", dataset: { goalId: x.goal_id, cardId: x.card_id } },
        pairLines(state, card, goal),
        h("p", { class: "broker-reason", "data-testid": "broker-reason" }, icon("link"),
          (x.shared || []).length ? format(strings.broker_reason, { words: (x.shared || []).join(", ") }) : x.reason || ""),
        mayPropose(state, x.goal_id, x.card_id) ? h("p", { class: "row" }, type,
          h("button", { type: "button", class: "button small primary", "data-testid": "broker-propose", props: { disabled: !open },
            onclick: () => broker(x.goal_id, x.card_id, type.value) }, strings.broker_propose)) : h("p", { class: "hint" }, strings.broker_done));
    }));
  }
  part("broker-none").hidden = !suggestions || shown.length > 0;
}

/**
 * Every proposal, newest first, except those waiting for the facilitator (listed above).
 * @param {State} state
 */
function renderProposals(state) {
  const deciding = new Set(waitingForMe(state).map((p) => p.id));
  const rest = (state.proposals || []).filter((p) => !deciding.has(p.id))
    .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)) || b.id.localeCompare(a.id));
  const list = part("console-proposals");
  if (!unchanged(list, [rest, state.participants.map((p) => p.name)])) fill(list, rest.map((p) => proposalRow(state, p, false)));
  part("console-proposals-empty").hidden = rest.length > 0;
}

// --- Doing ------------------------------------------------------------------------------------------

/**
 * Save a goal's ask: listed (open) or not, its text, effort and owner (empty: none); once saved,
 * its row shows the server's again.
 * @param {HTMLElement} li the goal's row
 * @param {Goal} goal
 * @param {boolean} open
 * @param {string} text
 * @param {string} effort
 * @param {string} owner
 */
async function saveAsk(li, goal, open, text, effort, owner) {
  if (!live) return;
  const ack = await live.act(SEND.SET_ASK, { goal_id: goal.id, open, text: text.trim() || null, effort: effort.trim() || null, owner_id: owner || null });
  if (!ack.ok) return;
  toast(strings.ask_saved);
  li.dataset.dirty = "false";
  delete li.dataset.signature;
  const state = current();
  if (state) renderAsks(state);
}

/**
 * Propose a match as the facilitator: the card's person decides.
 * @param {string} goalId
 * @param {string} cardId
 * @param {string} type
 */
async function broker(goalId, cardId, type) {
  if (!live || !goalId || !cardId) return;
  const ack = await live.act(SEND.PROPOSE, { id: newId(), goal_id: goalId, card_id: cardId, type });
  if (ack.ok) toast(strings.broker_sent);
}

/** Ask for suggestions over every offer and ask, and show them with their reasons. */
async function suggest() {
  if (!live) return;
  const ack = await live.act(SEND.SUGGEST_MATCHES, {});
  if (!ack.ok) return;
  suggestions = Array.isArray(ack.suggestions) ? ack.suggestions : [];
  const state = current();
  if (state) renderBroker(state);
}

/**
 * Save or stop the facilitator's weekly e-mail.
 * @param {?string} email
 */
async function setDigest(email) {
  if (!live) return;
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    toast(strings.facilitator_digest_invalid, { kind: "error" });
    return;
  }
  const ack = await live.send(SEND.SET_FACILITATOR_DIGEST, { email });
  if (!ack.ok) {
    toast(refusalText(strings, ack.error), { kind: "error" });
    return;
  }
  digest = email;
  toast(strings.facilitator_digest_saved);
  const state = current();
  if (state) renderDigest(state);
}

/**
 * Wire the panel.
 * @param {{live: Live, strings: Object<string, string>, current: () => ?State, on?: Listen}} context
 */
export function wireMarket(context) {
  ({ live, strings, current } = context);
  listen = context.on || null;
  part("org-join-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = part("org-join-code", HTMLInputElement);
    if (!input.value.trim()) return;
    const ack = await live?.act(SEND.JOIN_ORGANISATION, { code: input.value.trim() });
    if (ack && ack.ok) {
      input.value = "";
      toast(format(readJSON("across-strings").across_joined, { name: ack.organisation.name }));
    }
  });
  part("org-leave").addEventListener("click", async () => {
    const ack = await live?.act(SEND.LEAVE_ORGANISATION, {});
    if (ack && ack.ok) toast(readJSON("across-strings").across_left);
  });
  part("market-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const until = part("market-until", HTMLInputElement).value;
    if (!until) return;
    const ack = await live?.act(SEND.OPEN_MARKET, { until });
    if (ack && ack.ok) toast(strings.market_opened);
  });
  part("market-close").addEventListener("click", () => live?.act(SEND.CLOSE_MARKET, {}));
  part("facilitator-digest-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setDigest(part("facilitator-digest-email", HTMLInputElement).value.trim() || null);
  });
  part("broker-form").addEventListener("submit", (event) => {
    event.preventDefault();
    broker(part("broker-goal", HTMLSelectElement).value, part("broker-card", HTMLSelectElement).value, part("broker-type", HTMLSelectElement).value);
  });
  part("broker-suggest").addEventListener("click", suggest);
}
