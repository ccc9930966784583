// @ts-check
// The phone's market screen (issue 15), loaded only once the workshop is a marketplace (phone.js):
// proposals waiting for my answer (Accept / Decline), the open asks ("I'd like to contribute" with
// one of my cards and how it relates), colleagues' offers (propose one for an ask), suggestions
// with their reasons, my offers (a toggle per card), and the proposals I made or that involve me;
// and, in the "me" tab, the weekly e-mail. Its markup and words come with it
// (templates/phone_market.html): phone.html carries only the tab. Changes go through the outbox
// like every other change on the phone (kept on the phone, sent once, shown at once).

import { createAcross } from "../across.js";
import { fill, format, h, icon, part, setText, showEmpty, toast, unchanged, valueOf } from "../dom.js";
import { LINK_TYPES, SEND } from "../events.js";
import { countText, dayText, nameOf, pageLanguage, refusalText, typeWords } from "../labels.js";
import { newId } from "../live.js";
import {
  ASK_LIMITS, deciderOf, madeByMe, marketOpen, mayPropose, myMarketCards, offersOfOthers, openAsks, waitingForMe,
} from "../market.js";
import { cardById, goalById } from "../state.js";
import {
  OVERLAYS, currentView, enqueue, isConnected, kept, meId, onServer, readOnly, sendNow, store, strings, ui, unsentText,
} from "./store.js";

/**
 * @typedef {import("../state.js").State} State
 * @typedef {import("../state.js").Card} Card
 * @typedef {import("../state.js").Goal} Goal
 * @typedef {import("../state.js").Proposal} Proposal
 * @typedef {import("./store.js").PhoneUi} PhoneUi
 * @typedef {{at: string, goalId: ?string, cardId: ?string, type: string, note: string}} ProposeForm
 *   at: where the form is open ("ask:<goal id>" under an ask, "offer:<card id>" under an offer).
 * @typedef {{goal_id: string, card_id: string, shared?: string[], reason?: string, score?: number}} Suggestion
 */

/** The open proposal form, as typed (kept on the phone like every draft). */
/** @type {?ProposeForm} */
let form = kept.get("draft:market", null);
/** The ask of mine being edited (a goal's id), if any. */
/** @type {?string} */
let editingAsk = null;
/** The last suggestions asked for (null: not asked yet). */
/** @type {?Suggestion[]} */
let suggestions = null;
/** Other teams of the organisation the workshop joined (static/js/across.js): made when wired. */
/** @type {?ReturnType<typeof createAcross>} */
let across = null;
/** My digest address, as the server last told this phone (only I ever see it). */
/** @type {?string} */
let digest = null;
/** @type {?string|undefined} the address the state last brought */
let digestSeen;

// --- How my market changes show before the server has them (phone/store.js, the outbox) ------------

Object.assign(OVERLAYS, {
  [SEND.PROPOSE]: (/** @type {State} */ state, /** @type {import("./store.js").OutboxItem} */ { payload, at }, /** @type {?string} */ me) => {
    const proposals = state.proposals || [];
    if (proposals.some((p) => p.id === payload.id)) return state;
    const card = cardById(state, payload.card_id);
    const own = Boolean(card && card.about === me);
    /** @type {Proposal} */
    const proposal = {
      id: payload.id, goal_id: payload.goal_id, card_id: payload.card_id, kind: own ? "answer" : "propose",
      type: payload.type || "energises", note: payload.note ?? null, made_by: me, status: "waiting", created_at: at || "~",
      decided_at: null, link_id: null, decider: own ? "owner" : "person",
    };
    return { ...state, proposals: [...proposals, { ...proposal, unsent: true }] };
  },
  [SEND.DECIDE_PROPOSAL]: (/** @type {State} */ state, /** @type {import("./store.js").OutboxItem} */ { payload }) => ({
    ...state,
    proposals: (state.proposals || []).map((p) => (p.id === payload.id && p.status === "waiting"
      ? { ...p, status: payload.answer === "accept" ? "accepted" : "declined", unsent: true } : p)),
  }),
  [SEND.WITHDRAW_PROPOSAL]: (/** @type {State} */ state, /** @type {import("./store.js").OutboxItem} */ { payload }) => ({
    ...state,
    proposals: (state.proposals || []).map((p) => (p.id === payload.id && p.status === "waiting" ? { ...p, status: "withdrawn", unsent: true } : p)),
  }),
  [SEND.SET_OFFER]: (/** @type {State} */ state, /** @type {import("./store.js").OutboxItem} */ { payload }) => ({
    ...state,
    cards: state.cards.map((c) => (c.id === payload.card_id && Boolean(c.offered) !== payload.offered
      ? { ...c, offered: payload.offered, unsent: true } : c)),
  }),
});
// Changes queued before this module was loaded now show through these overlays too.
store.update((s) => ({ outbox: [...s.outbox] }));

// --- Drawing ---------------------------------------------------------------------------------------

/**
 * Who made a proposal, in words.
 * @param {State} view
 * @param {Proposal} p
 * @returns {string}
 */
function makerLine(view, p) {
  if (p.kind === "broker") return strings.kind_broker;
  const who = p.made_by && p.made_by === view.me.id ? strings.who_you : nameOf(view, p.made_by) || strings.who_colleague;
  return format(strings[`kind_${p.kind}`] || "", { who });
}

/**
 * Where a proposal stands, in words.
 * @param {State} view
 * @param {Proposal} p
 * @returns {string}
 */
function statusLine(view, p) {
  if (p.status !== "waiting") return strings[`status_${p.status}`] || p.status;
  const decider = deciderOf(view, p);
  const name = decider && decider !== "facilitator" ? nameOf(view, decider) : "";
  return name ? format(strings.status_waiting_for, { name }) : strings.status_waiting;
}

/**
 * The card and the goal a proposal or suggestion is about.
 * @param {State} view
 * @param {{card_id: string, goal_id: string}} pair
 * @returns {HTMLElement[]}
 */
function pairLines(view, pair) {
  const card = cardById(view, pair.card_id);
  const goal = goalById(view, pair.goal_id);
  return [
    h("p", { class: "market-card" }, icon(card ? card.kind : "eye"), h("span", {}, card ? card.text : strings.card_unseen)),
    h("p", { class: "market-goal" }, icon(goal ? goal.kind : "goal"), h("span", {}, goal ? goal.text : "")),
  ];
}

/**
 * One proposal: the pair, who made it, how it relates, the note, where it stands; Accept and
 * Decline for its decider, Withdraw for its maker while it waits.
 * @param {State} view
 * @param {PhoneUi} s
 * @param {Proposal & {unsent?: boolean}} p
 * @param {boolean} deciding
 * @returns {HTMLElement}
 */
function proposalItem(view, s, p, deciding) {
  const locked = readOnly(s) || !marketOpen(view);
  const mine = Boolean(p.made_by && p.made_by === view.me.id);
  return h("li", { class: `card market-proposal is-${p.status} ${p.unsent ? "is-pending" : ""}`, "data-testid": "market-proposal",
    dataset: { proposalId: p.id, status: p.status, kind: p.kind } },
  ...pairLines(view, p),
  h("p", { class: "card-meta" }, makerLine(view, p)),
  h("p", { class: `card-meta link-type type-${p.type}` }, icon(p.type), h("span", {}, typeWords(strings, p))),
  p.note ? h("p", { class: "market-note", "data-testid": "proposal-note" }, p.note) : null,
  h("p", { class: "market-status", "data-testid": "proposal-status" }, p.unsent ? unsentText(s) : statusLine(view, p)),
  deciding && p.status === "waiting" && !p.unsent ? h("div", { class: "card-actions" },
    h("button", { type: "button", class: "button small", "data-testid": "proposal-decline", props: { disabled: locked },
      onclick: () => enqueue(SEND.DECIDE_PROPOSAL, { id: p.id, answer: "decline" }) }, strings.decline),
    h("button", { type: "button", class: "button small primary", "data-testid": "proposal-accept", props: { disabled: locked },
      onclick: () => enqueue(SEND.DECIDE_PROPOSAL, { id: p.id, answer: "accept" }) }, strings.accept)) : null,
  !deciding && mine && p.status === "waiting" && !p.unsent ? h("div", { class: "card-actions" },
    h("button", { type: "button", class: "button small", "data-testid": "proposal-withdraw", props: { disabled: locked },
      onclick: () => enqueue(SEND.WITHDRAW_PROPOSAL, { id: p.id }) }, strings.withdraw)) : null);
}

/**
 * A list drawn again only when what it shows changed (so focus and typing in it survive a render).
 * @param {string} testId
 * @param {Array<unknown>} shows everything the items are built from
 * @param {() => HTMLElement[]} items
 * @param {number} count
 */
function drawList(testId, shows, items, count) {
  const list = part(testId);
  if (!unchanged(list, shows)) fill(list, ...items());
  showEmpty(`${testId}-empty`, !count);
}

/**
 * The form under an ask or an offer: which card (or which ask), how it relates, a note, Send.
 * @param {State} view
 * @param {ProposeForm} f
 * @param {Array<{id: string, text: string, kind: string}>} choices cards (under an ask) or goals (under an offer)
 * @param {boolean} pickCard
 * @returns {HTMLElement}
 */
function proposeForm(view, f, choices, pickCard) {
  const picked = pickCard ? f.cardId : f.goalId;
  const chosen = choices.some((c) => c.id === picked) ? picked : choices[0]?.id;
  const id = `market-${pickCard ? "card" : "goal"}`;
  if (!choices.length) return h("p", { class: "hint", "data-testid": "propose-none" }, pickCard ? strings.propose_none_cards : strings.propose_none_goals);
  const choice = h("select", { id, "data-testid": pickCard ? "propose-card" : "propose-goal",
    onchange: (/** @type {Event} */ e) => keepForm({ [pickCard ? "cardId" : "goalId"]: valueOf(e) }) },
  choices.map((c) => h("option", { value: c.id }, c.text)));
  choice.value = chosen || "";
  const type = h("select", { id: "market-type", "data-testid": "propose-type", onchange: (/** @type {Event} */ e) => keepForm({ type: valueOf(e) }) },
    LINK_TYPES.map((t) => h("option", { value: t }, strings[`link_type_${t}`])));
  type.value = LINK_TYPES.includes(/** @type {any} */ (f.type)) ? f.type : "energises";
  const note = h("textarea", { id: "market-note", "data-testid": "propose-note", rows: "2", maxlength: String(ASK_LIMITS.NOTE_MAX),
    oninput: (/** @type {Event} */ e) => keepForm({ note: valueOf(e) }, false) });
  note.value = f.note || "";
  return h("form", { class: "market-form", "data-testid": "propose-form", novalidate: true, onsubmit: (/** @type {Event} */ e) => {
    e.preventDefault();
    send(pickCard ? choice.value : f.cardId, pickCard ? f.goalId : choice.value, type.value, note.value);
  } },
  h("label", { for: id }, pickCard ? strings.propose_card : strings.propose_goal), choice,
  h("label", { for: "market-type" }, strings.link_type_question), type,
  h("label", { for: "market-note" }, strings.propose_note), note,
  h("div", { class: "actions" },
    h("button", { type: "button", class: "button", "data-testid": "propose-cancel", onclick: () => openForm(null) }, strings.market_cancel),
    h("button", { type: "submit", class: "button primary", "data-testid": "propose-send", props: { disabled: readOnly() || !marketOpen(view) } },
      strings.propose_send)));
}

/**
 * The market screen, and the market tab's badge: what waits for my answer.
 * @param {State} view
 * @param {PhoneUi} s
 */
export function renderMarket(view, s) {
  const me = meId(s);
  const open = marketOpen(view);
  const lang = pageLanguage();
  const locked = readOnly(s) || !open;
  setText(part("market-until"), open ? format(strings.market_until, { date: dayText(view.workshop.market_until, lang, "long") }) : strings.market_closed);
  part("panel-market").classList.toggle("is-closed", !open);

  // A market closed by the facilitator (no date) with nothing of mine in it: no tab either.
  part("tab-market").hidden = !view.workshop.market_until && !(view.proposals || []).length;
  const waiting = waitingForMe(view);
  if (across) {
    across.follow(view.workshop.organisation || null);
    across.render(part("across"), myMarketCards(view, me)
      .filter((c) => c.offered && c.visibility !== "facilitator" && c.status === "accepted" && !c.hidden)
      .map((c) => ({ id: c.id, text: c.text, kind: c.kind })));
  }
  const badgeCount = waiting.length + (across ? across.get().waiting : 0);
  const badge = part("market-badge");
  badge.hidden = !badgeCount;
  setText(badge, badgeCount || "");
  badge.setAttribute("aria-label", countText(strings, "market_waiting_badge", badgeCount));
  setText(part("market-waiting-count"), waiting.length || "");
  drawList("market-waiting", [waiting, names(view), locked, s.status], () => waiting.map((p) => proposalItem(view, s, p, true)), waiting.length);

  const myCards = myMarketCards(view, me);
  const asks = openAsks(view);
  setText(part("market-asks-count"), asks.length || "");
  drawList("market-asks", [asks, myCards, view.links, view.proposals, names(view), form && { ...form, note: "" }, locked, editingAsk], () => asks.map((goal) => {
    const ask = goal.ask || { open: true, text: null, effort: null, owner_id: null };
    const at = `ask:${goal.id}`;
    const owner = ask.owner_id ? nameOf(view, ask.owner_id) : "";
    return h("li", { class: "card market-ask", "data-testid": "market-ask", dataset: { goalId: goal.id } },
      h("p", { class: "market-goal" }, icon(goal.kind), h("span", { class: "market-goal-text" }, goal.text)),
      ask.text ? h("p", { class: "card-text", "data-testid": "ask-text" }, ask.text) : null,
      h("p", { class: "card-meta" },
        ask.effort ? h("span", { class: "meta-part", "data-testid": "ask-effort" }, icon("wait"), format(strings.ask_effort, { effort: ask.effort })) : null,
        h("span", { class: "meta-part", "data-testid": "ask-owner" }, icon("me"),
          ask.owner_id === me ? strings.ask_yours : owner ? format(strings.ask_owner, { name: owner }) : strings.ask_no_owner)),
      ask.owner_id === me && editingAsk === goal.id ? askEditor(goal, ask) : null,
      !open ? null : form && form.at === at
        ? proposeForm(view, form, myCards.filter((c) => mayPropose(view, goal.id, c.id)), true)
        : h("div", { class: "card-actions" },
          ask.owner_id === me && editingAsk !== goal.id ? h("button", { type: "button", class: "button small", "data-testid": "ask-edit",
            props: { disabled: locked }, onclick: () => editAsk(goal.id) }, strings.ask_edit) : null,
          h("button", { type: "button", class: "button small primary", "data-testid": "ask-contribute",
            props: { disabled: locked }, onclick: () => openForm({ at, goalId: goal.id, cardId: null, type: "energises", note: "" }) },
          strings.contribute)));
  }), asks.length);

  const offers = offersOfOthers(view, me);
  setText(part("market-offers-count"), offers.length || "");
  drawList("market-offers", [offers, asks, view.links, view.proposals, names(view), form && { ...form, note: "" }, locked], () => offers.map((card) => {
    const at = `offer:${card.id}`;
    const person = nameOf(view, card.about);
    return h("li", { class: `card market-offer ${card.kind === "strength" ? "is-strength" : ""}`, "data-testid": "market-offer", dataset: { cardId: card.id } },
      h("p", { class: "card-text" }, card.text),
      h("p", { class: "card-meta" }, icon(card.kind), " ", person ? format(strings.offered_by, { name: person }) : strings.offered_anonymous),
      !open ? null : form && form.at === at
        ? proposeForm(view, form, asks.filter((g) => mayPropose(view, g.id, card.id)), false)
        : h("div", { class: "card-actions" }, h("button", { type: "button", class: "button small", "data-testid": "offer-propose",
          props: { disabled: locked }, onclick: () => openForm({ at, goalId: null, cardId: card.id, type: "energises", note: "" }) },
        strings.propose)));
  }), offers.length);

  const shown = (suggestions || []).filter((x) => cardById(view, x.card_id) && goalById(view, x.goal_id));
  drawList("market-suggestions", [shown, view.proposals, view.links, locked], () => shown.map((x) => h("li", { class: "card market-suggestion",
    "data-testid": "market-suggestion", dataset: { goalId: x.goal_id, cardId: x.card_id } },
  ...pairLines(view, x),
  h("p", { class: "market-reason", "data-testid": "suggestion-reason" }, icon("link"),
    (x.shared || []).length ? format(strings.suggest_reason, { words: (x.shared || []).join(", ") }) : x.reason || ""),
  mayPropose(view, x.goal_id, x.card_id) ? h("div", { class: "card-actions" }, h("button", { type: "button", class: "button small", "data-testid": "suggestion-use",
    props: { disabled: locked }, onclick: () => useSuggestion(view, x) }, strings.suggest_use)) : null)), shown.length);
  part("market-suggestions-empty").hidden = !suggestions || shown.length > 0;
  part("market-suggest", HTMLButtonElement).disabled = !open;

  drawList("market-my-offers", [myCards, locked, s.status], () => myCards.map((card) => h("li", {
    class: `card market-my-offer ${card.kind === "strength" ? "is-strength" : ""} ${card.unsent ? "is-pending" : ""}`,
    "data-testid": "market-my-offer", dataset: { cardId: card.id, offered: String(Boolean(card.offered)) } },
  h("p", { class: "card-text" }, card.text),
  card.visibility === "facilitator" ? h("p", { class: "card-meta" }, icon("facilitator"), " ", strings.offer_private) : null,
  card.unsent ? h("p", { class: "card-meta" }, unsentText(s)) : null,
  h("div", { class: "card-actions" }, h("button", { type: "button", class: "button small done-toggle", "data-testid": "offer-toggle",
    "aria-pressed": String(Boolean(card.offered)), props: { disabled: readOnly(s) },
    onclick: () => enqueue(SEND.SET_OFFER, { card_id: card.id, offered: !card.offered }) },
  h("span", { class: "done-box", "aria-hidden": "true" }, icon("check")), h("span", {}, strings.offer_toggle))))), myCards.length);

  const deciding = new Set(waiting.map((p) => p.id));
  const mine = madeByMe(view);
  const rest = [...mine, ...(view.proposals || []).filter((p) => !deciding.has(p.id) && !mine.includes(p))];
  setText(part("market-mine-count"), rest.length || "");
  drawList("market-mine", [rest, names(view), locked, s.status], () => rest.map((p) => proposalItem(view, s, p, false)), rest.length);

  renderDigest();
}

/**
 * The owner of an ask changes what it asks and the effort (the facilitator lists it and picks its owner).
 * @param {Goal} goal
 * @param {import("../state.js").Ask} ask
 * @returns {HTMLElement}
 */
function askEditor(goal, ask) {
  const text = h("input", { type: "text", id: "market-ask-text", "data-testid": "ask-edit-text", maxlength: String(ASK_LIMITS.TEXT_MAX),
    props: { value: ask.text || "" } });
  const effort = h("input", { type: "text", id: "market-ask-effort", "data-testid": "ask-edit-effort", maxlength: String(ASK_LIMITS.EFFORT_MAX),
    props: { value: ask.effort || "" } });
  return h("form", { class: "market-form", "data-testid": "ask-edit-form", novalidate: true, onsubmit: (/** @type {Event} */ e) => {
    e.preventDefault();
    enqueue(SEND.SET_ASK, { goal_id: goal.id, open: ask.open, text: text.value.trim() || null, effort: effort.value.trim() || null });
    editAsk(null);
  } },
  h("label", { for: "market-ask-text" }, strings.ask_edit_text), text,
  h("label", { for: "market-ask-effort" }, strings.ask_edit_effort), effort,
  h("div", { class: "actions" },
    h("button", { type: "button", class: "button", onclick: () => editAsk(null) }, strings.market_cancel),
    h("button", { type: "submit", class: "button primary", "data-testid": "ask-edit-save" }, strings.ask_edit_save)));
}

/**
 * Open (or close, with null) the editor of my ask.
 * @param {?string} goalId
 */
function editAsk(goalId) {
  editingAsk = goalId;
  renderMarket(currentView(), ui());
  if (goalId) document.getElementById("market-ask-text")?.focus();
}

/**
 * Everyone's name (a rename shows in every list that names people).
 * @param {State} view
 * @returns {string[]}
 */
function names(view) {
  return view.participants.map((p) => p.name);
}

// --- Doing ----------------------------------------------------------------------------------------

/**
 * Open (or, with null, close) the proposal form; the screen is drawn again.
 * @param {?ProposeForm} next
 */
function openForm(next) {
  form = next;
  kept.set("draft:market", form);
  renderMarket(currentView(), ui());
  if (form) {
    const place = document.querySelector(`[data-testid=propose-form] select`);
    if (place instanceof HTMLElement) {
      place.scrollIntoView({ block: "center" });
      place.focus({ preventScroll: true });
    }
  }
}

/**
 * Keep what was chosen or typed in the form (drawn again only when a choice changed).
 * @param {Partial<ProposeForm>} change
 * @param {boolean} [redraw]
 */
function keepForm(change, redraw = true) {
  if (!form) return;
  form = { ...form, ...change };
  kept.set("draft:market", form);
  if (redraw) renderMarket(currentView(), ui());
}

/**
 * A suggestion's "Use this": the form under the ask (my card) or under the offer (a colleague's).
 * @param {State} view
 * @param {Suggestion} x
 */
function useSuggestion(view, x) {
  const card = cardById(view, x.card_id);
  const mine = Boolean(card && card.about === view.me.id);
  openForm({ at: mine ? `ask:${x.goal_id}` : `offer:${x.card_id}`, goalId: x.goal_id, cardId: x.card_id, type: "energises", note: "" });
}

/**
 * Send a proposal (through the outbox: kept on the phone until the server has it).
 * @param {?string} cardId
 * @param {?string} goalId
 * @param {string} type
 * @param {string} note
 */
function send(cardId, goalId, type, note) {
  if (!cardId || !goalId) return;
  const text = note.trim();
  enqueue(SEND.PROPOSE, { id: newId(), goal_id: goalId, card_id: cardId, type, ...(text ? { note: text } : {}) });
  toast(strings.propose_sent);
  openForm(null);
}

/** Ask the server for suggestions (over what this person may see) and show them with their reasons. */
async function suggest() {
  const button = part("market-suggest", HTMLButtonElement);
  button.disabled = true;
  const ack = await sendNow(SEND.SUGGEST_MATCHES, {});
  button.disabled = false;
  if (!ack.ok) {
    toast(refusalText(strings, ack.error), { kind: "error" });
    return;
  }
  suggestions = Array.isArray(ack.suggestions) ? ack.suggestions : [];
  renderMarket(currentView(), ui());
}

// --- The weekly e-mail, in the "me" tab --------------------------------------------------------------

/** What the digest box says: where the e-mail goes, or that none does. */
function renderDigest() {
  // The state brings it (`digest_email`, to this person only); a change saved here since wins
  // until the state brings a different one.
  const known = ui().state?.digest_email;
  if (known !== undefined && known !== digestSeen) {
    digest = known;
    digestSeen = known;
    const input = document.getElementById("digest-email");
    if (input instanceof HTMLInputElement && document.activeElement !== input) input.value = known || "";
  }
  setText(part("digest-state"), digest ? format(strings.digest_on, { email: digest }) : strings.digest_off);
  part("digest-stop").hidden = !digest;
}

/**
 * Save (or, with null, stop) the weekly e-mail: sent at once, never kept in the outbox.
 * @param {?string} email
 */
async function setDigest(email) {
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    toast(strings.digest_invalid, { kind: "error" });
    return;
  }
  if (!isConnected()) {
    toast(refusalText(strings, { code: "offline" }), { kind: "error" });
    return;
  }
  const ack = await sendNow(SEND.SET_DIGEST, { email });
  if (!ack.ok) {
    toast(refusalText(strings, ack.error), { kind: "error" });
    return;
  }
  digest = email;
  if (email === null) part("digest-email", HTMLInputElement).value = "";
  toast(strings.digest_saved);
  renderDigest();
}

/**
 * Wire the screen once its markup is in the page: the suggestions button, and the digest form
 * (moved into the "me" tab, before the language choice).
 */
export function wireMarket() {
  part("market-suggest").addEventListener("click", suggest);
  across = createAcross({
    send: sendNow,
    on: onServer,
    strings,
    console: false,
    newId,
    onChange: () => renderMarket(currentView(), ui()),
    toast: (text, kind) => toast(text, kind === "error" ? { kind: "error" } : {}),
  });
  const box = part("digest-box");
  const language = document.getElementById("language-title");
  if (language && language.parentElement) language.parentElement.insertBefore(box, language);
  const input = part("digest-email", HTMLInputElement);
  if (digest) input.value = digest;
  part("digest-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setDigest(input.value.trim() || null);
  });
  part("digest-stop").addEventListener("click", () => setDigest(null));
}
