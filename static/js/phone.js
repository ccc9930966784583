// The participant's phone: three screens (my drives, strengths, links) over one live state.
// What the participant types is kept on the phone (drafts, and an outbox of changes not yet
// acknowledged) so a reload or a dropped connection never loses it.
//
// data-testid handles used here and by the browser tests:
//   phone, workshop-title, phase, me-name, connection, connection-label, toasts, toast, closed-notice,
//   tab-drives, tab-strengths, tab-links, panel-drives, panel-strengths, panel-links,
//   drive-form, prompt, prompt-count, prompt-prev, prompt-next, drive-text, drive-counter,
//   drive-draft-note, drive-skip, drive-add, my-drives, my-drives-count, my-drives-empty,
//   my-card (data-card-id, data-pending), card-text, card-meta, card-edit, card-delete,
//   card-edit-text, card-save, card-cancel,
//   strength-form, strength-pick, colleague-search, colleague-list, colleague (data-participant-id),
//   colleague-empty, strength-write, strength-about, strength-change, strength-text, strength-counter,
//   strength-add, strengths-received, strengths-received-count, strengths-received-empty,
//   strengths-given, strengths-given-count, strengths-given-empty,
//   link-cards, link-card (data-card-id), link-cards-empty, link-goals, link-goal (data-goal-id),
//   link-goals-empty, link-goals-title, link-goal-hint, my-links, my-link (data-link-id), my-links-count, my-links-empty, link-remove

import { byTestId, fill, format, h, icon, prefersReducedMotion, readJSON, reconcile, setText, toast } from "./dom.js";
import { LIMITS, SEND } from "./events.js";
import { connectLive, newId } from "./live.js";
import {
  cardById, cardsAbout, goalById, goalsInOrder, linkBetween, linksOfCard, participantById, strengthsGivenBy,
} from "./state.js";
import { workshopStore } from "./storage.js";

const boot = readJSON("boot");
const strings = readJSON("strings");
const store = workshopStore(boot.code);

/** @type {?ReturnType<typeof connectLive>} set once wire() has run */
let live = null;

const TABS = ["drives", "strengths", "links"];
const TAB_FOR_PHASE = { join: "drives", drives: "drives", strengths: "strengths", linking: "links", agreements: "links", closed: "links" };

/** What this phone shows, beside the shared state. */
const ui = {
  /** @type {?import("./state.js").State} */
  state: null,
  tab: store.get("tab", null),
  promptIndex: store.get("prompt", 0),
  /** @type {?{id: string, text: string}} the card being edited, its text as typed */
  editing: store.get("editing", null),
  /** @type {?string} the colleague a strength is being written for */
  about: (store.get("draft:strength", {}) || {}).about || null,
  search: "",
  /** @type {?string} the card picked on the links screen */
  linkCard: store.get("link-card", null),
  /** @type {Array<{event: string, payload: object}>} changes typed but not yet acknowledged */
  outbox: store.get("outbox", []),
  flushing: false,
  /** Whether the first render is done (cards present at load do not slide in). */
  rendered: false,
  /** @type {string} the connection's status, for the pending cards' wording */
  status: "connecting",
};

const el = {
  root: byTestId("phone"),
  phase: byTestId("phase"),
  me: byTestId("me-name"),
  closed: byTestId("closed-notice"),
  driveForm: byTestId("drive-form"),
  prompt: byTestId("prompt"),
  promptCount: byTestId("prompt-count"),
  driveText: byTestId("drive-text"),
  driveCounter: byTestId("drive-counter"),
  driveDraftNote: byTestId("drive-draft-note"),
  myDrives: byTestId("my-drives"),
  strengthForm: byTestId("strength-form"),
  pick: byTestId("strength-pick"),
  write: byTestId("strength-write"),
  search: byTestId("colleague-search"),
  colleagues: byTestId("colleague-list"),
  about: byTestId("strength-about"),
  strengthText: byTestId("strength-text"),
  strengthCounter: byTestId("strength-counter"),
  received: byTestId("strengths-received"),
  given: byTestId("strengths-given"),
  linkCards: byTestId("link-cards"),
  linkGoals: byTestId("link-goals"),
  myLinks: byTestId("my-links"),
};

// --- Small helpers ----------------------------------------------------------------------------

/**
 * The current participant's id (null until the first state arrives).
 * @returns {?string}
 */
function meId() {
  return ui.state?.me?.id ?? null;
}

/**
 * Whether the workshop refuses changes now.
 * @returns {boolean}
 */
function isClosed() {
  return ui.state?.workshop?.phase === "closed";
}

/**
 * "1 link" / "{n} links".
 * @param {number} n
 * @returns {string}
 */
function linkCountText(n) {
  return n === 1 ? strings.link_count_one : format(strings.link_count, { n });
}

/**
 * Show or hide an "empty" note next to a list.
 * @param {string} testId
 * @param {boolean} empty
 */
function showEmpty(testId, empty) {
  const note = byTestId(testId);
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

// --- The outbox: changes that survive a reload until the server acknowledges them -----------

/** Persist the outbox. */
function saveOutbox() {
  store.set("outbox", ui.outbox.length ? ui.outbox : null);
}

/**
 * Queue a change and try to send it now.
 * @param {string} event
 * @param {object} payload
 */
function enqueue(event, payload) {
  ui.outbox.push({ event, payload });
  saveOutbox();
  render();
  flushOutbox();
}

/**
 * Send queued changes in order. Network trouble keeps them queued for the next connection; a
 * refusal drops the change, says why, and puts its text back into the draft when that is empty.
 */
async function flushOutbox() {
  if (ui.flushing || !live) return;
  ui.flushing = true;
  try {
    while (ui.outbox.length) {
      const item = ui.outbox[0];
      const ack = await live.send(item.event, item.payload);
      if (!ack.ok && ["offline", "timeout"].includes(ack.error?.code)) break;
      ui.outbox.shift();
      saveOutbox();
      if (!ack.ok) {
        toast(ack.error?.message, { kind: "error" });
        restoreDraft(item);
      }
      render();
    }
  } finally {
    ui.flushing = false;
  }
}

/**
 * After a refused add, give the text back to the composer it came from.
 * @param {{event: string, payload: object}} item
 */
function restoreDraft(item) {
  if (item.event !== SEND.ADD_CARD) return;
  const { kind, text, about } = item.payload;
  if (kind === "drive" && !el.driveText.value.trim()) {
    el.driveText.value = text;
    saveDriveDraft();
  } else if (kind === "strength" && !el.strengthText.value.trim()) {
    ui.about = about;
    el.strengthText.value = text;
    saveStrengthDraft();
  }
}

/**
 * Cards queued in the outbox, shown greyed until the server has them.
 * @param {"drive"|"strength"} kind
 * @returns {Array<object>}
 */
function pendingCards(kind) {
  return ui.outbox
    .filter((item) => item.event === SEND.ADD_CARD && item.payload.kind === kind)
    .filter((item) => !ui.state || !cardById(ui.state, item.payload.id))
    .map((item) => ({ ...item.payload, about: item.payload.about || meId(), pending: true }));
}

/**
 * The text a card shows: the newest queued edit, else the server's.
 * @param {object} card
 * @returns {string}
 */
function shownText(card) {
  const edit = ui.outbox.filter((i) => i.event === SEND.EDIT_CARD && i.payload.id === card.id).pop();
  return edit ? edit.payload.text : card.text;
}

// --- Drafts ----------------------------------------------------------------------------------

/** Keep the drive composer's text on the phone. */
function saveDriveDraft() {
  store.set("draft:drive", el.driveText.value);
  el.driveDraftNote.hidden = !el.driveText.value.trim();
  updateCounter(el.driveText, el.driveCounter);
}

/** Keep the strength composer's text and colleague on the phone. */
function saveStrengthDraft() {
  store.set("draft:strength", ui.about || el.strengthText.value ? { about: ui.about, text: el.strengthText.value } : null);
  updateCounter(el.strengthText, el.strengthCounter);
}

/** Keep the text of the card being edited on the phone. */
function saveEditing() {
  store.set("editing", ui.editing);
}

// --- Tabs --------------------------------------------------------------------------------------

/**
 * Show one screen.
 * @param {string} tab one of TABS
 * @param {{focus?: boolean}} [options]
 */
function showTab(tab, options = {}) {
  if (!TABS.includes(tab)) tab = "drives";
  ui.tab = tab;
  store.set("tab", tab);
  for (const name of TABS) {
    const button = byTestId(`tab-${name}`);
    const panel = byTestId(`panel-${name}`);
    const active = name === tab;
    button.setAttribute("aria-selected", String(active));
    button.tabIndex = active ? 0 : -1;
    panel.hidden = !active;
  }
  if (options.focus) byTestId(`tab-${tab}`).focus();
  window.scrollTo({ top: 0 });
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

/** Header: phase, my name, closed notice. */
function renderHeader() {
  const { workshop } = ui.state;
  el.root.dataset.phase = workshop.phase;
  setText(el.phase, strings[`phase_${workshop.phase}`] || workshop.phase);
  const me = participantById(ui.state, meId());
  setText(el.me, me ? format(strings.you, { name: me.name }) : "");
  el.closed.hidden = !isClosed();
  for (const button of document.querySelectorAll("[data-testid=drive-add], [data-testid=strength-add]")) {
    button.disabled = isClosed();
  }
}

/** The prompt the drive composer answers. */
function renderPrompt() {
  const prompts = ui.state?.workshop?.prompts || [];
  if (!prompts.length) {
    setText(el.prompt, strings.prompt_none);
    setText(el.promptCount, "");
    return;
  }
  ui.promptIndex = ((ui.promptIndex % prompts.length) + prompts.length) % prompts.length;
  setText(el.prompt, prompts[ui.promptIndex]);
  setText(el.promptCount, format(strings.prompt_count, { n: ui.promptIndex + 1, total: prompts.length }));
}

/**
 * Move to another prompt.
 * @param {number} step +1 or -1
 */
function movePrompt(step) {
  ui.promptIndex += step;
  renderPrompt();
  store.set("prompt", ui.promptIndex);
}

/**
 * The children of a card in one of my lists: its text, a line about it, and its buttons.
 * @param {object} card a card, or a pending one (card.pending)
 * @param {{editable: boolean, deletable: boolean, meta: string}} options
 * @returns {Array<Node>}
 */
function cardContent(card, options) {
  if (ui.editing && ui.editing.id === card.id && !card.pending) {
    const textarea = h("textarea", {
      class: "big-text", rows: 3, maxlength: LIMITS.TEXT_MAX, "data-testid": "card-edit-text",
      "aria-label": strings.card_edit_label,
      oninput: (event) => {
        ui.editing = { id: card.id, text: event.target.value };
        saveEditing();
      },
    });
    textarea.value = ui.editing.text;
    return [
      textarea,
      h("div", { class: "card-actions" },
        h("button", { type: "button", class: "button", "data-testid": "card-cancel", onclick: () => stopEditing() }, strings.cancel),
        h("button", { type: "button", class: "button primary", "data-testid": "card-save", props: { disabled: isClosed() },
          onclick: () => saveEdit(card.id) }, strings.save)),
    ];
  }
  return [
    h("p", { class: "card-text", "data-testid": "card-text" }, shownText(card)),
    h("p", { class: "card-meta", "data-testid": "card-meta" }, card.pending ? (ui.status === "connected" ? strings.sending : strings.pending) : options.meta),
    h("div", { class: "card-actions" },
      options.editable && !card.pending
        ? h("button", { type: "button", class: "button small", "data-testid": "card-edit", props: { disabled: isClosed() },
          onclick: () => startEditing(card) }, strings.edit)
        : null,
      options.deletable
        ? h("button", { type: "button", class: "button small quiet-danger", "data-testid": "card-delete", props: { disabled: isClosed() && !card.pending },
          onclick: () => deleteCard(card) }, strings.delete)
        : null),
  ];
}

/**
 * Render one of my card lists.
 * @param {HTMLElement} list
 * @param {Array<object>} cards newest first
 * @param {(card: object) => {editable: boolean, deletable: boolean, meta: string}} optionsFor
 */
function renderCardList(list, cards, optionsFor) {
  reconcile(list, cards, (c) => c.id,
    () => h("li", { class: "card", "data-testid": "my-card" }),
    (li, card) => {
      const options = optionsFor(card);
      const editing = Boolean(ui.editing && ui.editing.id === card.id);
      const signature = JSON.stringify([shownText(card), options.meta, card.pending ? ui.status : false, editing, isClosed(), card.kind]);
      li.dataset.cardId = card.id;
      li.classList.toggle("is-pending", Boolean(card.pending));
      li.classList.toggle("is-strength", card.kind === "strength");
      if (card.pending) li.dataset.pending = "true";
      else delete li.dataset.pending;
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      fill(li, ...cardContent(card, options));
    },
    { animate: ui.rendered });
}

/**
 * A line under a card: which question it answered and where it is linked.
 * @param {object} card
 * @returns {string}
 */
function cardMeta(card) {
  const goals = linksOfCard(ui.state, card.id).map((l) => goalById(ui.state, l.goal_id)).filter(Boolean);
  if (goals.length) return format(strings.linked_to, { goal: goals.map((g) => g.text).join(" · ") });
  const prompts = ui.state.workshop.prompts || [];
  if (card.kind === "drive" && Number.isInteger(card.prompt) && prompts[card.prompt]) {
    return format(strings.answer_to, { prompt: prompts[card.prompt] });
  }
  return "";
}

/** My drives screen. */
function renderDrives() {
  renderPrompt();
  const mine = [...cardsAbout(ui.state, meId(), "drive")].reverse();
  const cards = [...pendingCards("drive").reverse(), ...mine];
  renderCardList(el.myDrives, cards, (card) => ({ editable: true, deletable: true, meta: card.pending ? "" : cardMeta(card) }));
  setText(byTestId("my-drives-count"), cards.length || "");
  showEmpty("my-drives-empty", !cards.length);
}

/** Strengths screen: pick a colleague, write; then what I received and gave. */
function renderStrengths() {
  const me = meId();
  const colleagues = ui.state.participants.filter((p) => p.id !== me);
  const query = fold(ui.search.trim());
  const shown = colleagues.filter((p) => !query || fold(p.name).includes(query));
  const aboutPerson = ui.about ? participantById(ui.state, ui.about) : null;
  if (ui.about && !aboutPerson && ui.state.participants.length) ui.about = null;

  el.pick.hidden = Boolean(aboutPerson);
  el.write.hidden = !aboutPerson;
  reconcile(el.colleagues, shown, (p) => p.id,
    (p) => h("li", {}, h("button", {
      type: "button", class: "pick", "data-testid": "colleague", dataset: { participantId: p.id },
      onclick: () => pickColleague(p.id),
    })),
    (li, p) => {
      const button = li.firstElementChild;
      fill(button, h("span", { class: `dot color-${p.color % 8}`, "aria-hidden": "true" }), h("span", {}, p.name));
    });
  showEmpty("colleague-empty", !shown.length);
  if (aboutPerson) {
    el.about.className = `chip color-${aboutPerson.color % 8}`;
    setText(el.about, aboutPerson.name);
  }

  const received = [...cardsAbout(ui.state, me, "strength")].reverse();
  renderCardList(el.received, received, (card) => ({ editable: false, deletable: true, meta: cardMeta(card) || strings.from_hidden }));
  setText(byTestId("strengths-received-count"), received.length || "");
  showEmpty("strengths-received-empty", !received.length);

  const given = [...pendingCards("strength").reverse(), ...[...strengthsGivenBy(ui.state, me)].reverse()];
  renderCardList(el.given, given, (card) => {
    const person = participantById(ui.state, card.about);
    return { editable: true, deletable: true, meta: person ? format(strings.for_person, { name: person.name }) : "" };
  });
  setText(byTestId("strengths-given-count"), given.length || "");
  showEmpty("strengths-given-empty", !given.length);
}

/** Links screen: my cards, the goals, my links. */
function renderLinks() {
  const me = meId();
  const myCards = [...cardsAbout(ui.state, me, "drive"), ...cardsAbout(ui.state, me, "strength")];
  if (ui.linkCard && !myCards.some((c) => c.id === ui.linkCard)) ui.linkCard = null;

  reconcile(el.linkCards, myCards, (c) => c.id,
    (card) => h("li", {}, h("button", {
      type: "button", class: "pick pick-card", "data-testid": "link-card", dataset: { cardId: card.id },
      onclick: () => selectLinkCard(card.id),
    })),
    (li, card) => {
      const button = li.firstElementChild;
      const count = linksOfCard(ui.state, card.id).length;
      button.setAttribute("aria-pressed", String(ui.linkCard === card.id));
      button.classList.toggle("is-strength", card.kind === "strength");
      fill(button, 
        icon(card.kind),
        h("span", { class: "pick-text" }, card.text),
        h("span", { class: `pick-badge ${count ? "" : "is-open"}` }, count ? String(count) : "0"));
      button.setAttribute("aria-label", `${strings[`kind_${card.kind}`]}: ${card.text}. ${linkCountText(count)}`);
    });
  showEmpty("link-cards-empty", !myCards.length);

  const goals = goalsInOrder(ui.state);
  el.linkGoals.classList.toggle("is-waiting", !ui.linkCard);
  reconcile(el.linkGoals, goals, (g) => g.id,
    (goal) => h("li", {}, h("button", {
      type: "button", class: "pick pick-goal", "data-testid": "link-goal", dataset: { goalId: goal.id },
      onclick: () => toggleLink(goal.id),
    })),
    (li, goal) => {
      const button = li.firstElementChild;
      const linked = Boolean(ui.linkCard && linkBetween(ui.state, ui.linkCard, goal.id));
      button.setAttribute("aria-pressed", String(linked));
      button.disabled = isClosed();
      fill(button, 
        icon(goal.kind),
        h("span", { class: "pick-text" }, h("span", { class: "pick-kind" }, strings[`kind_${goal.kind}`] || goal.kind), goal.text),
        linked ? h("span", { class: "pick-badge is-linked" }, `✓ ${strings.linked}`) : null);
    });
  showEmpty("link-goals-empty", !goals.length);
  byTestId("link-goal-hint").hidden = !ui.linkCard;

  const myCardIds = new Set(myCards.map((c) => c.id));
  const links = ui.state.links.filter((l) => myCardIds.has(l.card_id) || l.created_by === me);
  reconcile(el.myLinks, links, (l) => l.id,
    () => h("li", { class: "card link-item", "data-testid": "my-link" }),
    (li, link) => {
      const card = cardById(ui.state, link.card_id);
      const goal = goalById(ui.state, link.goal_id);
      li.dataset.linkId = link.id;
      fill(li, 
        h("p", { class: "card-text" }, card ? card.text : ""),
        h("p", { class: "link-goal" }, icon(goal ? goal.kind : "goal"), h("span", {}, goal ? goal.text : "")),
        h("div", { class: "card-actions" },
          h("button", { type: "button", class: "button small quiet-danger", "data-testid": "link-remove", props: { disabled: isClosed() },
            onclick: () => removeLink(link.id) }, strings.remove)));
    }, { animate: ui.rendered });
  setText(byTestId("my-links-count"), links.length || "");
  showEmpty("my-links-empty", !links.length);
}

/** Render everything from ui.state. */
function render() {
  if (!ui.state) return;
  renderHeader();
  renderDrives();
  renderStrengths();
  renderLinks();
  ui.rendered = true;
}

// --- Actions ------------------------------------------------------------------------------------

/**
 * Add the drive composer's text as a card (through the outbox).
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
  const payload = { id: newId(), kind: "drive", text };
  if ((ui.state?.workshop?.prompts || []).length) payload.prompt = ui.promptIndex;
  el.driveText.value = "";
  saveDriveDraft();
  enqueue(SEND.ADD_CARD, payload);
}

/**
 * Add the strength composer's text as a card about the chosen colleague.
 * @param {SubmitEvent} event
 */
function addStrength(event) {
  event.preventDefault();
  const text = el.strengthText.value.trim();
  if (!ui.about) return;
  if (!text) {
    toast(strings.empty_text);
    el.strengthText.focus();
    return;
  }
  enqueue(SEND.ADD_CARD, { id: newId(), kind: "strength", text, about: ui.about });
  el.strengthText.value = "";
  ui.about = null;
  ui.search = "";
  el.search.value = "";
  saveStrengthDraft();
  render();
}

/**
 * Choose the colleague to name a strength for.
 * @param {string} participantId
 */
function pickColleague(participantId) {
  ui.about = participantId;
  saveStrengthDraft();
  render();
  el.strengthText.focus();
}

/**
 * Open a card for editing.
 * @param {object} card
 */
function startEditing(card) {
  ui.editing = { id: card.id, text: shownText(card) };
  saveEditing();
  render();
  const field = document.querySelector(`[data-card-id="${CSS.escape(card.id)}"] [data-testid="card-edit-text"]`);
  if (field) field.focus();
}

/** Close the editor without saving. */
function stopEditing() {
  ui.editing = null;
  saveEditing();
  render();
}

/**
 * Save the edited text (through the outbox).
 * @param {string} cardId
 */
function saveEdit(cardId) {
  const text = (ui.editing?.text || "").trim();
  if (!text) {
    toast(strings.empty_text);
    return;
  }
  ui.editing = null;
  saveEditing();
  enqueue(SEND.EDIT_CARD, { id: cardId, text });
}

/**
 * Delete one of my cards (or take a queued one back out of the outbox).
 * @param {object} card
 */
async function deleteCard(card) {
  if (card.pending) {
    ui.outbox = ui.outbox.filter((item) => item.payload.id !== card.id);
    saveOutbox();
    render();
    return;
  }
  if (!window.confirm(strings.confirm_delete_card)) return;
  await live.act(SEND.DELETE_CARD, { id: card.id });
}

/**
 * Pick (or unpick) a card on the links screen.
 * @param {string} cardId
 */
function selectLinkCard(cardId) {
  ui.linkCard = ui.linkCard === cardId ? null : cardId;
  store.set("link-card", ui.linkCard);
  render();
  // Step 2 may be below the fold when there are many cards: bring it up.
  const step = byTestId("link-goals-title");
  if (ui.linkCard && step.getBoundingClientRect().top > window.innerHeight * 0.6) {
    step.scrollIntoView({ block: "start", behavior: prefersReducedMotion() ? "auto" : "smooth" });
  }
}

/**
 * Link the picked card to a goal, or undo that link when it exists.
 * @param {string} goalId
 */
async function toggleLink(goalId) {
  if (!ui.linkCard) {
    toast(strings.pick_card_first);
    return;
  }
  const existing = linkBetween(ui.state, ui.linkCard, goalId);
  // The goal's "✓ Linked" badge is the confirmation; only errors get a toast.
  if (existing) await live.act(SEND.DELETE_LINK, { id: existing.id });
  else await live.act(SEND.ADD_LINK, { id: newId(), card_id: ui.linkCard, goal_id: goalId });
}

/**
 * Remove one of my links.
 * @param {string} linkId
 */
async function removeLink(linkId) {
  await live.act(SEND.DELETE_LINK, { id: linkId });
}

// --- Wiring ----------------------------------------------------------------------------------------

/**
 * A new state arrived: render it, remember it, and send what waited for a connection.
 * @param {import("./state.js").State} state
 * @param {{event: string}} cause
 */
function onState(state, cause) {
  const previousPhase = ui.state?.workshop?.phase;
  ui.state = state;
  if (ui.editing && !cardById(state, ui.editing.id)) {
    ui.editing = null;
    saveEditing();
  }
  if (cause.event === "state" || cause.event === "cached") {
    if (!ui.tab) showTab(TAB_FOR_PHASE[state.workshop.phase] || "drives");
  } else if (cause.event === "phase_changed" && previousPhase !== state.workshop.phase && !isTyping()) {
    showTab(TAB_FOR_PHASE[state.workshop.phase] || ui.tab);
  }
  render();
  store.set("state", state);
  if (cause.event === "state") flushOutbox();
}

/** The workshop is gone: forget everything this phone kept about it. */
function onWorkshopDeleted() {
  store.clearAll();
  toast(strings.workshop_deleted, { kind: "error", timeout: 60000 });
  for (const control of document.querySelectorAll("textarea, input, button")) control.disabled = true;
}

/** Restore drafts and wire the forms and tabs; all of it works before the socket connects. */
function wire() {
  el.driveText.value = store.get("draft:drive", "") || "";
  saveDriveDraft();
  const strengthDraft = store.get("draft:strength", null);
  if (strengthDraft) el.strengthText.value = strengthDraft.text || "";
  updateCounter(el.strengthText, el.strengthCounter);

  el.driveText.addEventListener("input", saveDriveDraft);
  el.strengthText.addEventListener("input", saveStrengthDraft);
  el.driveForm.addEventListener("submit", addDrive);
  el.strengthForm.addEventListener("submit", addStrength);
  byTestId("prompt-prev").addEventListener("click", () => movePrompt(-1));
  byTestId("prompt-next").addEventListener("click", () => movePrompt(1));
  byTestId("drive-skip").addEventListener("click", () => movePrompt(1));
  byTestId("strength-change").addEventListener("click", () => {
    ui.about = null;
    saveStrengthDraft();
    render();
    el.search.focus();
  });
  el.search.addEventListener("input", () => {
    ui.search = el.search.value;
    render();
  });
  // Enter in the search box picks the only match.
  el.search.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const buttons = el.colleagues.querySelectorAll("[data-testid=colleague]");
    if (buttons.length === 1) buttons[0].click();
  });

  const tablist = document.querySelector(".tabbar");
  tablist.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-tab]");
    if (tab) showTab(tab.dataset.tab);
  });
  tablist.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const step = event.key === "ArrowRight" ? 1 : -1;
    showTab(TABS[(TABS.indexOf(ui.tab) + step + TABS.length) % TABS.length], { focus: true });
  });
  if (ui.tab) showTab(ui.tab);
  setText(el.phase, strings[`phase_${el.root.dataset.phase}`] || el.root.dataset.phase);
}

wire();
live = connectLive({
  boot,
  strings,
  onState,
  onWorkshopDeleted,
  onStatus: (status) => {
    ui.status = status;
    render();
    if (status === "connected") flushOutbox();
  },
  initialState: store.get("state", null),
});
