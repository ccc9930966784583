// @ts-check
// The drives screen: the workshop's questions one at a time, the composer (its text kept on the
// phone as it is typed, and who will see the card), and my drive cards. Here too: a card in my
// lists, with its editor and its edit, delete and visibility controls (renderCardList), which the
// strengths screen uses for the strengths I gave and received.

import { checkedOf, focusIn, format, h, icon, part, reconcile, refill, setText, showEmpty, toast, unchanged, updateCounter, valueOf } from "../dom.js";
import { LIMITS, SEND, VISIBILITIES } from "../events.js";
import { nameOf } from "../labels.js";
import { newId } from "../live.js";
import { cardById } from "../state.js";
import {
  askFirst, cardMeta, composerVisibility, currentView, enqueue, idsOf, isConnected, isGivenStrength, kept, meId, myDrives, promptIndexOf, readOnly,
  store, strings, ui, unsentText, withdraw,
} from "./store.js";

/**
 * @typedef {import("../state.js").State} State
 * @typedef {import("../state.js").Card} Card
 * @typedef {import("./store.js").PhoneUi} PhoneUi
 * @typedef {{editable: boolean, deletable: boolean, meta: string, status?: string, visibility?: boolean}} CardOptions
 */

const el = {
  form: part("drive-form", HTMLFormElement),
  prompt: part("prompt"),
  promptCount: part("prompt-count"),
  text: part("drive-text", HTMLTextAreaElement),
  counter: part("drive-counter"),
  draftNote: part("drive-draft-note"),
  visibility: part("drive-visibility", HTMLSelectElement),
  added: part("drive-added"),
  list: part("my-drives"),
};

/** Whether the screen was drawn once (cards present at load do not slide in). */
let drawn = false;

/**
 * The prompt the composer is on.
 * @param {PhoneUi} s
 * @returns {number}
 */
function promptIndex(s) {
  return promptIndexOf(s.promptIndex, (s.state?.workshop?.prompts || []).length);
}

/**
 * The visibility the composer will use.
 * @param {PhoneUi} s
 * @returns {string}
 */
function visibilityOf(s) {
  return composerVisibility(s.visibility, s.state?.workshop?.default_visibility);
}

/**
 * The prompt the drive composer answers.
 * @param {PhoneUi} s
 */
function renderPrompt(s) {
  const prompts = s.state?.workshop?.prompts || [];
  if (!prompts.length) {
    setText(el.prompt, strings.prompt_none);
    setText(el.promptCount, "");
    return;
  }
  const index = promptIndex(s);
  setText(el.prompt, prompts[index]);
  setText(el.promptCount, format(strings.prompt_count, { n: index + 1, total: prompts.length }));
}

/**
 * The composer's visibility choice, its icon, and who will see the next card in plain words right
 * above "Add" (also before any state). The choice stays for the next cards, and on the phone
 * across a reload: undoing it by itself would put the next private thought on the projector by a
 * slip. So it is never silent instead: a private composer looks private, its "Add" too.
 * @param {PhoneUi} s
 */
function renderComposerVisibility(s) {
  const visibility = visibilityOf(s);
  if (el.visibility.value !== visibility) el.visibility.value = visibility;
  part("drive-visibility-icon", SVGElement).firstElementChild?.setAttribute("href", `#i-${visibility}`);
  setText(part("drive-visibility-hint"), strings[`visibility_hint_${visibility}`]);
  el.form.dataset.visibility = visibility;
}

/**
 * My drives screen.
 * @param {State} view
 * @param {PhoneUi} s
 */
export function renderDrives(view, s) {
  renderPrompt(s);
  renderComposerVisibility(s);
  const cards = myDrives(view, meId(s));
  renderCardList(view, s, el.list, cards, (card) => ({ editable: true, deletable: true, visibility: true, meta: cardMeta(view, card) }), drawn);
  setText(part("my-drives-count"), cards.length || "");
  showEmpty("my-drives-empty", !cards.length);
  drawn = true;
}

/** Keep the composer's text on the phone. */
function saveDraft() {
  if (el.text.value) setText(el.added, "");
  kept.set("draft:drive", el.text.value);
  el.draftNote.hidden = !el.text.value.trim();
  updateCounter(el.text, el.counter);
}

/**
 * Give refused text back to the composer, when it is empty.
 * @param {string} text
 * @returns {boolean} whether it was given back
 */
export function restoreDrive(text) {
  setText(el.added, "");
  if (el.text.value.trim()) return false;
  el.text.value = text;
  saveDraft();
  return true;
}

/**
 * Move to another prompt.
 * @param {number} step +1 or -1
 */
function movePrompt(step) {
  store.update({ promptIndex: promptIndex(ui()) + step });
}

/**
 * Add the composer's text as a card (through the outbox), with the chosen visibility.
 * @param {SubmitEvent} event
 */
function addDrive(event) {
  event.preventDefault();
  if (readOnly()) return;
  const text = el.text.value.trim();
  if (!text) {
    toast(strings.empty_text);
    el.text.focus();
    return;
  }
  /** @type {{id: string, kind: "drive", text: string, visibility: string, prompt?: number}} */
  const payload = { id: newId(), kind: "drive", text, visibility: visibilityOf(ui()) };
  if ((ui().state?.workshop?.prompts || []).length) payload.prompt = promptIndex(ui());
  el.text.value = "";
  saveDraft();
  enqueue(SEND.ADD_CARD, payload);
  // Said where the eyes are (the card itself lands in the list below, off screen on most phones).
  setText(el.added, `${isConnected() ? strings.added : strings.pending} ${strings[`visibility_hint_${payload.visibility}`]}`);
  el.added.scrollIntoView({ block: "nearest" });
}

/** Restore the composer's draft and wire the screen; it works before the socket connects. */
export function wireDrives() {
  // What was typed before the scripts ran stays (the button waited for them); else the draft.
  el.text.value = el.text.value || kept.get("draft:drive", "") || "";
  saveDraft();
  el.text.addEventListener("input", saveDraft);
  // Enter adds (one thought per card); Shift+Enter still starts a new line.
  el.text.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    el.form.requestSubmit();
  });
  el.visibility.addEventListener("change", () => {
    setText(el.added, ""); // it said who sees the card before
    store.update({ visibility: el.visibility.value });
    renderComposerVisibility(ui()); // also before any state arrived (then only the tabs are drawn)
  });
  el.form.addEventListener("submit", addDrive);
  part("prompt-prev").addEventListener("click", () => movePrompt(-1));
  part("prompt-next").addEventListener("click", () => movePrompt(1));
  part("drive-skip").addEventListener("click", () => movePrompt(1));
  renderComposerVisibility(ui());
}


// --- A card in my lists ------------------------------------------------------------------------

/**
 * A <select> of the three visibilities, showing `value`.
 * @param {string} value
 * @param {import("../dom.js").Attrs} attrs
 * @returns {HTMLSelectElement}
 */
function visibilitySelect(value, attrs) {
  const select = h("select", attrs, VISIBILITIES.map((v) => h("option", { value: v }, strings[`visibility_${v}`])));
  select.value = value;
  return select;
}

/**
 * The "show my name" box in the editor of a strength I gave. A strength its person accepted in
 * their own words is theirs: I can put my name to it only with new words of mine (which asks
 * them again), so the box is off and disabled while the text is still theirs.
 * @param {State} view
 * @param {Card} card
 * @returns {{field: HTMLElement, update: () => void}}
 */
function signField(view, card) {
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
 * The editor that replaces a card's text while it is being edited.
 * @param {State} view
 * @param {PhoneUi} s
 * @param {Card} card
 * @returns {Array<Node|null>}
 */
function cardEditor(view, s, card) {
  const signing = isGivenStrength(card, meId(s)) ? signField(view, card) : null;
  const textarea = h("textarea", {
    class: "big-text", rows: 3, maxlength: LIMITS.TEXT_MAX, "data-testid": "card-edit-text",
    "aria-label": strings.card_edit_label,
    oninput: (event) => {
      store.update((x) => ({ editing: { ...x.editing, id: card.id, text: valueOf(event) } }));
      if (signing) signing.update();
    },
  });
  textarea.value = s.editing?.text ?? card.text;
  return [
    textarea,
    signing ? signing.field : null,
    h("div", { class: "card-actions" },
      h("button", { type: "button", class: "button", "data-testid": "card-cancel", onclick: () => stopEditing() }, strings.cancel),
      h("button", { type: "button", class: "button primary", "data-testid": "card-save", props: { disabled: readOnly(s) },
        onclick: () => saveEdit(card.id) }, strings.save)),
  ];
}

/**
 * The children of a card in one of my lists: its text, its lines, and its controls.
 * @param {State} view
 * @param {PhoneUi} s
 * @param {Card} card a card as shown (card.unsent while the server does not have it yet)
 * @param {CardOptions} options
 * @returns {Array<Node|null>}
 */
export function cardContent(view, s, card, options) {
  if (s.editing?.id === card.id) return cardEditor(view, s, card);
  const privateCard = card.kind === "drive" && card.visibility === "facilitator";
  const locked = readOnly(s);
  return [
    privateCard ? h("p", { class: "card-badge", "data-testid": "card-private" }, icon("facilitator"), h("span", {}, strings.private_badge)) : null,
    h("p", { class: "card-text", "data-testid": "card-text" }, card.text),
    h("p", { class: "card-meta", "data-testid": "card-meta" }, card.unsent ? unsentText(s) : options.meta),
    options.status ? h("p", { class: "card-status", "data-testid": "card-status" }, icon(card.status === "pending" ? "wait" : "check"), h("span", {}, options.status)) : null,
    options.visibility
      ? h("div", { class: "card-visibility" },
        h("span", { class: "select-wrap" },
          icon(card.visibility),
          visibilitySelect(card.visibility, {
            "data-testid": "card-visibility", "aria-label": strings.visibility_label, props: { disabled: locked },
            onchange: (event) => changeVisibility(card, valueOf(event)),
          })))
      : null,
    h("div", { class: "card-actions" },
      options.editable
        ? h("button", { type: "button", class: "button small", "data-testid": "card-edit", props: { disabled: locked },
          onclick: () => startEditing(card) }, strings.edit)
        : null,
      options.deletable
        ? h("button", { type: "button", class: "button small quiet-danger", "data-testid": "card-delete", props: { disabled: locked && !card.fresh },
          onclick: () => deleteCard(card) }, strings.delete)
        : null),
  ];
}

/**
 * Mark a list item with the card's state (unsent, visibility, consent).
 * @param {HTMLElement} li
 * @param {Card} card
 */
export function markCard(li, card) {
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
 * @param {State} view
 * @param {PhoneUi} s
 * @param {HTMLElement} list
 * @param {Card[]} cards in the order shown
 * @param {(card: Card) => CardOptions} optionsFor see cardContent
 * @param {boolean} animate whether new cards slide in (not those present at load)
 */
export function renderCardList(view, s, list, cards, optionsFor, animate) {
  const locked = readOnly(s);
  reconcile(list, cards, (c) => c.id,
    () => h("li", { class: "card", "data-testid": "my-card" }),
    (li, card) => {
      const options = optionsFor(card);
      const editing = s.editing?.id === card.id;
      const shows = [card.text, card.visibility, card.status, options, card.unsent ? s.status : false, editing, locked];
      markCard(li, card);
      if (unchanged(li, shows)) return;
      refill(li, cardContent(view, s, card, options));
    },
    { animate });
}

// --- What a card's controls do -------------------------------------------------------------------

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
  store.update({ editing: isGivenStrength(card, meId()) ? { id: card.id, text: card.text, signed: Boolean(card.signed) } : { id: card.id, text: card.text } });
  focusIn(document, `[data-card-id="${CSS.escape(card.id)}"] [data-testid="card-edit-text"]`);
}

/** Close the editor without saving. */
function stopEditing() {
  store.update({ editing: null });
}

/**
 * Save the edited text (through the outbox).
 * @param {string} id the card's
 */
function saveEdit(id) {
  const text = (ui().editing?.text || "").trim();
  if (!text) {
    toast(strings.empty_text);
    return;
  }
  /** @type {{id: string, text: string, signed?: boolean}} */
  const payload = { id, text };
  const card = cardById(currentView(), id);
  // My name goes with my words only: not onto a text its person reworded (the server refuses that too).
  const signed = ui().editing?.signed;
  if (card && isGivenStrength(card, meId()) && typeof signed === "boolean" && signed !== Boolean(card.signed)
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
async function deleteCard(card) {
  if (card.fresh && withdraw((item) => idsOf(item).includes(card.id))) return;
  if (!(await askFirst(strings.confirm_delete_card, strings.delete))) return;
  enqueue(SEND.DELETE_CARD, { id: card.id });
}
