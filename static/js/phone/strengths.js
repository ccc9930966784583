// @ts-check
// The strengths screen: pick a colleague (my strength round first, then a search), write a
// strength of theirs (kept on the phone as it is typed); then the strengths I received, each
// waiting for my answer until I accept it (perhaps in my own words) or decline it, and those I gave.

import { fill, focusIn, format, h, icon, part, reconcile, refill, setText, showEmpty, toast, unchanged, updateCounter, valueOf } from "../dom.js";
import { LIMITS, SEND } from "../events.js";
import { colorClass, nameOf } from "../labels.js";
import { newId } from "../live.js";
import { participantById } from "../state.js";
import { cardContent, markCard, renderCardList } from "./drives.js";
import {
  askFirst, cardMeta, colleaguesToPick, enqueue, fromText, givenStatus, kept, meId, readOnly, store, strengthRound, strengthsGiven,
  strengthsReceived, strings, ui, unsentText,
} from "./store.js";

/**
 * @typedef {import("../state.js").State} State
 * @typedef {import("../state.js").Card} Card
 * @typedef {import("./store.js").PhoneUi} PhoneUi
 */

const el = {
  form: part("strength-form", HTMLFormElement),
  pick: part("strength-pick"),
  write: part("strength-write"),
  search: part("colleague-search", HTMLInputElement),
  colleagues: part("colleague-list"),
  about: part("strength-about"),
  text: part("strength-text", HTMLTextAreaElement),
  counter: part("strength-counter"),
  signed: part("strength-signed", HTMLInputElement),
  received: part("strengths-received"),
  given: part("strengths-given"),
  round: part("strength-round"),
  roundList: part("round-list"),
};

/** Whether the screen was drawn once (cards present at load do not slide in). */
let drawn = false;

/**
 * The children of a received strength still waiting for my answer: the ask and three answers.
 * @param {State} view
 * @param {PhoneUi} s
 * @param {Card} card
 * @returns {Array<Node|null>}
 */
function pendingStrengthContent(view, s, card) {
  const ask = h("p", { class: "card-ask", "data-testid": "strength-ask" }, icon("wait"), h("span", {}, strings.awaiting_you));
  const { responding } = s;
  const locked = readOnly(s);
  if (responding && responding.id === card.id) {
    const textarea = h("textarea", {
      class: "big-text", rows: 3, maxlength: LIMITS.TEXT_MAX, "data-testid": "strength-respond-text",
      "aria-label": strings.respond_label,
      oninput: (event) => {
        store.update({ responding: { id: card.id, text: valueOf(event) } });
      },
    });
    textarea.value = responding.text;
    return [ask, h("p", { class: "card-meta" }, fromText(view, card)), textarea,
      h("div", { class: "card-actions" },
        h("button", { type: "button", class: "button", "data-testid": "strength-respond-cancel", onclick: () => stopResponding() }, strings.cancel),
        h("button", { type: "button", class: "button primary", "data-testid": "strength-accept-edited", props: { disabled: locked },
          onclick: () => acceptStrength(card, ui().responding?.text) }, strings.accept_edited))];
  }
  return [
    ask,
    h("p", { class: "card-text", "data-testid": "card-text" }, card.text),
    h("p", { class: "card-meta", "data-testid": "card-meta" }, card.unsent ? unsentText(s) : fromText(view, card)),
    h("div", { class: "card-actions answer-actions" },
      h("button", { type: "button", class: "button small quiet-danger", "data-testid": "strength-decline", props: { disabled: locked },
        onclick: () => declineStrength(card) }, strings.decline),
      h("button", { type: "button", class: "button small", "data-testid": "strength-edit", props: { disabled: locked },
        onclick: () => startResponding(card) }, strings.edit_then_accept),
      h("button", { type: "button", class: "button small primary", "data-testid": "strength-accept", props: { disabled: locked },
        onclick: () => acceptStrength(card) }, icon("check"), h("span", {}, strings.accept))),
  ];
}

/**
 * Strengths about me: those waiting for my answer first, then the accepted ones.
 * @param {State} view
 * @param {PhoneUi} s
 * @param {Card[]} received
 */
function renderReceived(view, s, received) {
  const locked = readOnly(s);
  reconcile(el.received, received, (c) => c.id,
    () => h("li", { class: "card", "data-testid": "my-card" }),
    (li, card) => {
      const waiting = card.status === "pending";
      const responding = waiting && s.responding?.id === card.id;
      const meta = waiting ? "" : [fromText(view, card), card.reworded ? strings.in_your_words : "", cardMeta(view, card)].filter(Boolean).join(" · ");
      const shows = [card.text, card.status, card.author, meta, card.unsent ? s.status : false, responding, locked,
        nameOf(view, card.author)];
      markCard(li, card);
      li.classList.toggle("is-awaiting", waiting);
      if (unchanged(li, shows)) return;
      refill(li, waiting ? pendingStrengthContent(view, s, card) : cardContent(view, s, card, { editable: false, deletable: true, meta }));
    },
    { animate: drawn });
}

/**
 * A colleague to pick, as a button's children.
 * @param {HTMLButtonElement} button
 * @param {import("../state.js").Participant} p
 * @param {...?Node} after
 */
function fillPick(button, p, ...after) {
  fill(button, h("span", { class: `dot ${colorClass("color", p)}`, "aria-hidden": "true" }), ...after);
}

/**
 * The strength round: the colleagues the facilitator gave me, first, with how many I have done.
 * A colleague counts as done once I named a strength of theirs (accepted or still waiting).
 * @param {State} view
 * @param {PhoneUi} s
 */
function renderRound(view, s) {
  const { round, named, done } = strengthRound(view, meId(s));
  el.round.hidden = !round.length;
  setText(part("colleague-search-label"), round.length ? strings.pick_other : strings.pick_first);
  if (!round.length) return;
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
      fillPick(button, p, h("span", { class: "pick-text" }, p.name),
        isDone ? h("span", { class: "pick-badge is-linked" }, `✓ ${strings.round_named}`) : h("span", { class: "pick-badge is-open" }, strings.round_todo));
    });
}

/**
 * Strengths screen: pick a colleague, write; then what I received and gave.
 * @param {State} view
 * @param {PhoneUi} s
 */
export function renderStrengths(view, s) {
  const me = meId(s);
  const { shown, showEmpty: noneFound } = colleaguesToPick(view, me, s.search);
  const aboutPerson = participantById(view, s.about);

  el.pick.hidden = Boolean(aboutPerson);
  el.write.hidden = !aboutPerson;
  reconcile(el.colleagues, shown, (p) => p.id,
    (p) => h("li", {}, h("button", {
      type: "button", class: "pick", "data-testid": "colleague", dataset: { participantId: p.id },
      onclick: () => pickColleague(p.id),
    })),
    (li, p) => fillPick(/** @type {HTMLButtonElement} */ (li.firstElementChild), p, h("span", {}, p.name)));
  showEmpty("colleague-empty", noneFound);
  renderRound(view, s);
  if (aboutPerson) {
    el.about.className = `chip ${colorClass("color", aboutPerson)}`;
    setText(el.about, aboutPerson.name);
    const hint = [format(strings.consent_hint, { name: aboutPerson.name }),
      el.signed.checked ? format(strings.consent_hint_signed, { name: aboutPerson.name }) : strings.consent_hint_unsigned];
    setText(part("strength-consent-hint"), hint.join(" "));
  }

  const { received, awaiting } = strengthsReceived(view, me);
  renderReceived(view, s, received);
  setText(part("strengths-received-count"), received.length || "");
  showEmpty("strengths-received-empty", !received.length);
  part("strengths-received-hint").hidden = !awaiting.length;
  const badge = part("strengths-badge");
  badge.hidden = !awaiting.length;
  fill(badge, h("span", { "aria-hidden": "true" }, String(awaiting.length)),
    h("span", { class: "visually-hidden" }, format(strings.pending_badge, { n: awaiting.length })));

  const given = strengthsGiven(view, me);
  renderCardList(view, s, el.given, given, (card) => {
    const name = nameOf(view, card.about);
    return {
      editable: true, deletable: true,
      meta: name ? format(strings.for_person, { name }) : "",
      status: givenStatus(card, name || strings.someone),
    };
  }, drawn);
  setText(part("strengths-given-count"), given.length || "");
  showEmpty("strengths-given-empty", !given.length);
  drawn = true;
}

// --- What the screen's controls do ---------------------------------------------------------------

/** Keep the composer's text, colleague and signature on the phone. */
export function saveStrengthDraft() {
  const { about } = ui();
  const keep = about || el.text.value || el.signed.checked;
  kept.set("draft:strength", keep ? { about, text: el.text.value, signed: el.signed.checked } : null);
  updateCounter(el.text, el.counter);
}

/**
 * Give a refused strength back to the composer, when it is empty.
 * @param {Object<string, any>} payload the refused change
 * @returns {boolean} whether it was given back
 */
export function restoreStrength(payload) {
  if (el.text.value.trim()) return false;
  el.text.value = payload.text;
  el.signed.checked = Boolean(payload.signed);
  store.update({ about: payload.about });
  saveStrengthDraft();
  return true;
}

/**
 * Add the composer's text as a card about the chosen colleague (pending their consent).
 * @param {SubmitEvent} event
 */
function addStrength(event) {
  event.preventDefault();
  const text = el.text.value.trim();
  if (!ui().about) return;
  if (!text) {
    toast(strings.empty_text);
    el.text.focus();
    return;
  }
  const about = ui().about;
  el.text.value = "";
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
  el.text.focus();
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
async function declineStrength(card) {
  if (!(await askFirst(strings.confirm_decline, strings.decline))) return;
  enqueue(SEND.RESPOND_STRENGTH, { id: card.id, answer: "decline" });
}

/**
 * Restore the composer's draft and wire the screen; it works before the socket connects.
 * @param {() => void} render draws the page (the consent hint follows the box, which is the
 *   form's own state, not the store's)
 */
export function wireStrengths(render) {
  const draft = kept.get("draft:strength", null);
  if (draft) {
    el.text.value = el.text.value || draft.text || ""; // what was typed before the scripts ran stays
    el.signed.checked = Boolean(draft.signed);
  }
  updateCounter(el.text, el.counter);
  el.text.addEventListener("input", saveStrengthDraft);
  el.signed.addEventListener("change", () => {
    saveStrengthDraft();
    render();
  });
  el.form.addEventListener("submit", addStrength);
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
}
