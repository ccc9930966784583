// The facilitator's console: phase stepper, counts, goals (add/edit/delete), people and their
// cards (moderation), the board window, the join QR, and the danger zone.
//
// data-testid handles used here and by the browser tests:
//   workshop-code, workshop-title, phase-stepper, phase-join, phase-drives, phase-strengths,
//   phase-linking, phase-agreements, phase-closed, connection, connection-label, toasts, toast,
//   counts, count-participants, count-drives, count-strengths, count-links, count-open-goals,
//   goal-add-form, goal-add-kind, goal-add-text, goal-add, goal-list, goal-count, goal-empty,
//   goal-row (data-goal-id), goal-text, goal-kind, goal-links, goal-edit, goal-delete,
//   goal-edit-kind, goal-edit-text, goal-save, goal-cancel,
//   participant-list, participant-count, participant-empty, participant (data-participant-id),
//   participant-name, participant-remove, console-card (data-card-id, data-visibility, data-status),
//   card-text, card-flag, card-delete, default-visibility, default-visibility-hint,
//   open-board, board-link, join-qr, join-code, join-url, summary-link,
//   danger-zone, delete-form, delete-code, delete-workshop

import { byTestId, fill, format, h, icon, readJSON, reconcile, setText, toast } from "./dom.js";
import { GOAL_KINDS, LIMITS, SEND, VISIBILITIES } from "./events.js";
import { connectLive, newId } from "./live.js";
import { cardsAbout, counts, goalsInOrder, linksOfCard, linksOfGoal, participantById } from "./state.js";

const boot = readJSON("boot");
const strings = readJSON("strings");

/** What the console shows beside the shared state. */
const ui = {
  /** @type {?import("./state.js").State} */
  state: null,
  /** @type {?string} the goal open for editing */
  editingGoal: null,
  /** Whether the first render is done (what is there at load does not slide in). */
  rendered: false,
};

/** @type {?ReturnType<typeof connectLive>} */
let live = null;

/**
 * "No links" / "1 link" / "{n} links".
 * @param {number} n
 * @returns {string}
 */
function linkCountText(n) {
  if (n === 0) return strings.link_count_none;
  return n === 1 ? strings.link_count_one : format(strings.link_count, { n });
}

// --- Rendering -------------------------------------------------------------------------------------

/** The phase stepper marks the current phase. */
function renderStepper() {
  const phase = ui.state.workshop.phase;
  for (const button of document.querySelectorAll(".stepper [data-phase]")) {
    if (button.dataset.phase === phase) button.setAttribute("aria-current", "step");
    else button.removeAttribute("aria-current");
    button.disabled = false;
  }
  document.body.dataset.phase = phase;
}

/** The counts always in view. */
function renderCounts() {
  const c = counts(ui.state);
  setText(byTestId("count-participants"), c.participants);
  setText(byTestId("count-drives"), c.drives);
  setText(byTestId("count-strengths"), c.strengths);
  setText(byTestId("count-links"), c.links);
  setText(byTestId("count-open-goals"), c.openGoals);
  byTestId("count-open-goals").parentElement.classList.toggle("is-warning", c.openGoals > 0 && c.links > 0);
  setText(byTestId("goal-count"), c.goals || "");
  setText(byTestId("participant-count"), c.participants || "");
}

/**
 * The kind <select> used when adding or editing a goal.
 * @param {string} selected
 * @param {string} testId
 * @returns {HTMLSelectElement}
 */
function kindSelect(selected, testId) {
  const select = h("select", { "data-testid": testId, "aria-label": strings.kind_label },
    GOAL_KINDS.map((kind) => h("option", { value: kind }, strings[`kind_${kind}`])));
  select.value = selected;
  return select;
}

/**
 * The children of a goal row, in view or edit mode.
 * @param {import("./state.js").Goal} goal
 * @returns {Array<Node>}
 */
function goalContent(goal) {
  if (ui.editingGoal === goal.id) {
    const select = kindSelect(goal.kind, "goal-edit-kind");
    const input = h("input", { class: "goal-edit-text", "data-testid": "goal-edit-text", maxlength: LIMITS.TEXT_MAX,
      "aria-label": strings.goal_text_label, props: { value: goal.text } });
    const save = () => saveGoal(goal, select.value, input.value);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") save();
      if (event.key === "Escape") stopEditingGoal();
    });
    return [
      select,
      input,
      h("span", { class: "row-actions" },
        h("button", { type: "button", class: "button primary small", "data-testid": "goal-save", onclick: save }, strings.save),
        h("button", { type: "button", class: "button small", "data-testid": "goal-cancel", onclick: stopEditingGoal }, strings.cancel)),
    ];
  }
  const n = linksOfGoal(ui.state, goal.id).length;
  return [
    h("span", { class: "goal-kind", "data-testid": "goal-kind" }, icon(goal.kind), h("span", {}, strings[`kind_${goal.kind}`] || goal.kind)),
    h("span", { class: "goal-text", "data-testid": "goal-text" }, goal.text),
    h("span", { class: `goal-links ${n ? "" : "is-open"}`, "data-testid": "goal-links" }, linkCountText(n)),
    h("span", { class: "row-actions" },
      h("button", { type: "button", class: "button small", "data-testid": "goal-edit", onclick: () => startEditingGoal(goal.id) }, strings.edit),
      h("button", { type: "button", class: "button small quiet-danger", "data-testid": "goal-delete", onclick: () => deleteGoal(goal) }, strings.delete)),
  ];
}

/** The goals list. */
function renderGoals() {
  const goals = goalsInOrder(ui.state);
  reconcile(byTestId("goal-list"), goals, (g) => g.id,
    () => h("li", { class: "goal-row", "data-testid": "goal-row" }),
    (li, goal) => {
      const editing = ui.editingGoal === goal.id;
      const signature = JSON.stringify([goal.kind, goal.text, editing, editing ? 0 : linksOfGoal(ui.state, goal.id).length]);
      li.dataset.goalId = goal.id;
      li.classList.toggle("is-editing", editing);
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      fill(li, ...goalContent(goal));
    }, { animate: ui.rendered });
  byTestId("goal-empty").hidden = goals.length > 0;
}

/**
 * A flag on a card that the team does not see as it is: facilitator-only, anonymous, or a
 * strength still waiting for its person's consent.
 * @param {import("./state.js").Card} card
 * @returns {?HTMLElement}
 */
function cardFlag(card) {
  if (card.kind === "strength" && card.status === "pending") {
    const person = participantById(ui.state, card.about);
    return h("span", { class: "card-flag is-pending", "data-testid": "card-flag" }, icon("wait"),
      h("span", {}, format(strings.flag_pending, { name: person ? person.name : "" })));
  }
  if (card.kind === "drive" && card.visibility === "facilitator") {
    return h("span", { class: "card-flag is-private", "data-testid": "card-flag" }, icon("facilitator"), h("span", {}, strings.flag_facilitator));
  }
  if (card.kind === "drive" && card.visibility === "anonymous") {
    return h("span", { class: "card-flag is-anonymous", "data-testid": "card-flag" }, icon("anonymous"), h("span", {}, strings.flag_anonymous));
  }
  return null;
}

/** The people and their cards, with delete and remove for moderation. */
function renderPeople() {
  const people = ui.state.participants;
  reconcile(byTestId("participant-list"), people, (p) => p.id,
    () => h("li", { class: "person", "data-testid": "participant" }),
    (li, person) => {
      const cards = [...cardsAbout(ui.state, person.id, "drive"), ...cardsAbout(ui.state, person.id, "strength")];
      li.dataset.participantId = person.id;
      const drives = cards.filter((c) => c.kind === "drive").length;
      const header = h("div", { class: "person-head" },
        h("span", { class: `chip color-${person.color % 8}`, "data-testid": "participant-name" }, person.name),
        h("span", { class: "person-counts", role: "img", "aria-label": format(strings.card_count, { drives, strengths: cards.length - drives }) },
          icon("drive"), String(drives), icon("strength"), String(cards.length - drives)),
        h("button", { type: "button", class: "button small quiet-danger person-remove", "data-testid": "participant-remove",
          "aria-label": format(strings.remove_person_named, { name: person.name }), onclick: () => removePerson(person) }, strings.remove_person));
      const list = h("ul", { class: "person-cards" }, cards.map((card) => {
        const author = card.kind === "strength" && card.author ? participantById(ui.state, card.author) : null;
        const n = linksOfCard(ui.state, card.id).length;
        const hidden = card.visibility === "facilitator" || card.status === "pending";
        return h("li", {
          class: `console-card kind-${card.kind} ${n ? "" : "is-unlinked"} ${hidden ? "is-hidden-from-team" : ""}`.trim(), "data-testid": "console-card",
          dataset: { cardId: card.id, visibility: card.visibility || "named", status: card.status || "accepted" },
        },
        h("span", { class: "card-kind", title: strings[`kind_${card.kind}`] }, icon(card.kind),
          h("span", { class: "visually-hidden" }, strings[`kind_${card.kind}`])),
        h("span", { class: "card-body" },
          cardFlag(card),
          h("span", { class: "card-text", "data-testid": "card-text" }, card.text),
          h("span", { class: "card-meta" }, [author ? format(strings.from_person, { name: author.name }) : null,
            card.kind === "strength" && author && !card.signed ? strings.unsigned : null, linkCountText(n)].filter(Boolean).join(" · "))),
        h("button", { type: "button", class: "icon-button quiet-danger", "data-testid": "card-delete",
          "aria-label": `${strings.delete}: ${card.text}`, title: strings.delete, onclick: () => deleteCard(card) }, icon("close")));
      }));
      fill(li, header, cards.length ? list : h("p", { class: "muted" }, strings.no_cards));
    }, { animate: ui.rendered });
  byTestId("participant-empty").hidden = people.length > 0;
}

/** The workshop's default visibility for new drives. */
function renderSettings() {
  const select = byTestId("default-visibility");
  const value = ui.state.workshop.default_visibility || "named";
  if (document.activeElement !== select && select.value !== value) select.value = value;
  setText(byTestId("default-visibility-hint"), strings[`default_hint_${value}`] || "");
}

/** Render everything. */
function render() {
  if (!ui.state) return;
  renderStepper();
  renderCounts();
  renderGoals();
  renderPeople();
  renderSettings();
  ui.rendered = true;
}

// --- Actions -----------------------------------------------------------------------------------------

/**
 * Add one goal per non-empty line of the add box.
 * @param {SubmitEvent} [event]
 */
async function addGoals(event) {
  if (event) event.preventDefault();
  const field = byTestId("goal-add-text");
  const kind = byTestId("goal-add-kind").value;
  const lines = field.value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (!lines.length) {
    field.focus();
    return;
  }
  let added = 0;
  const failed = [];
  for (const text of lines) {
    const ack = await live.act(SEND.ADD_GOAL, { id: newId(), text, kind });
    if (ack.ok) added += 1;
    else failed.push(text);
  }
  // Keep what was refused in the box, so nothing typed is lost.
  field.value = failed.join("\n");
  fitTextarea(field);
  if (added > 1) toast(format(strings.goals_added, { n: added }));
  field.focus();
}

/**
 * Open a goal for editing.
 * @param {string} goalId
 */
function startEditingGoal(goalId) {
  ui.editingGoal = goalId;
  render();
  const input = document.querySelector(`[data-goal-id="${CSS.escape(goalId)}"] [data-testid="goal-edit-text"]`);
  if (input) {
    input.focus();
    input.select();
  }
}

/** Close the goal editor. */
function stopEditingGoal() {
  ui.editingGoal = null;
  render();
}

/**
 * Save an edited goal, sending only what changed.
 * @param {import("./state.js").Goal} goal
 * @param {string} kind
 * @param {string} text
 */
async function saveGoal(goal, kind, text) {
  const payload = { id: goal.id };
  if (text.trim() !== goal.text) payload.text = text.trim();
  if (kind !== goal.kind) payload.kind = kind;
  if (Object.keys(payload).length === 1) {
    stopEditingGoal();
    return;
  }
  const ack = await live.act(SEND.EDIT_GOAL, payload);
  if (ack.ok) stopEditingGoal();
}

/**
 * Delete a goal after one confirmation.
 * @param {import("./state.js").Goal} goal
 */
async function deleteGoal(goal) {
  if (!window.confirm(`${strings.confirm_delete_goal}\n\n${goal.text}`)) return;
  const ack = await live.act(SEND.DELETE_GOAL, { id: goal.id });
  if (ack.ok) toast(strings.deleted);
}

/**
 * Delete a card after one confirmation.
 * @param {import("./state.js").Card} card
 */
async function deleteCard(card) {
  if (!window.confirm(`${strings.confirm_delete_card}\n\n${card.text}`)) return;
  const ack = await live.act(SEND.DELETE_CARD, { id: card.id });
  if (ack.ok) toast(strings.deleted);
}

/**
 * Remove a person and everything by or about them, after one confirmation.
 * @param {import("./state.js").Participant} person
 */
async function removePerson(person) {
  if (!window.confirm(format(strings.confirm_remove_person, { name: person.name }))) return;
  const ack = await live.act(SEND.REMOVE_PARTICIPANT, { id: person.id });
  if (ack.ok) toast(format(strings.person_removed, { name: person.name }));
}

/**
 * Set the visibility new drive cards get when their author does not choose.
 * @param {string} visibility
 */
async function setDefaultVisibility(visibility) {
  if (!VISIBILITIES.includes(visibility)) return;
  const ack = await live.act(SEND.SET_DEFAULT_VISIBILITY, { visibility });
  if (ack.ok) toast(strings.saved);
  else if (ui.state) renderSettings();
}

/**
 * Grow a textarea with its content (one line when empty).
 * @param {HTMLTextAreaElement} field
 */
function fitTextarea(field) {
  field.style.height = "auto";
  field.style.height = `${Math.min(field.scrollHeight + 2, 240)}px`;
}

// --- Wiring --------------------------------------------------------------------------------------------

/** Wire the controls that exist before any state arrives. */
function wire() {
  byTestId("phase-stepper").addEventListener("click", (event) => {
    const button = event.target.closest("[data-phase]");
    if (!button || button.getAttribute("aria-current") === "step") return;
    live.act(SEND.SET_PHASE, { phase: button.dataset.phase });
  });

  const addForm = byTestId("goal-add-form");
  const addText = byTestId("goal-add-text");
  addForm.addEventListener("submit", addGoals);
  addText.addEventListener("input", () => fitTextarea(addText));
  // Enter adds; Shift+Enter starts another line (pasting several lines also works).
  addText.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      addForm.requestSubmit();
    }
  });

  const defaultVisibility = byTestId("default-visibility");
  defaultVisibility.addEventListener("change", () => setDefaultVisibility(defaultVisibility.value));

  const openBoard = byTestId("open-board");
  openBoard.addEventListener("click", () => {
    const board = window.open(openBoard.dataset.url, `board-${boot.code}`, "popup,width=1920,height=1080");
    if (!board) toast(strings.board_blocked, { kind: "error" });
    else board.focus();
  });

  const deleteForm = byTestId("delete-form");
  const deleteCode = byTestId("delete-code");
  const deleteButton = byTestId("delete-workshop");
  const matches = () => deleteCode.value.trim().toUpperCase() === deleteForm.dataset.code.toUpperCase();
  deleteCode.addEventListener("input", () => {
    deleteButton.disabled = !matches();
  });
  deleteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!matches()) return;
    deleteButton.disabled = true;
    const ack = await live.act(SEND.DELETE_WORKSHOP, { code: deleteCode.value.trim().toUpperCase() });
    if (ack.ok) window.location.assign("/");
    else deleteButton.disabled = !matches();
  });
}

wire();
live = connectLive({
  boot,
  strings,
  onState: (state) => {
    ui.state = state;
    if (ui.editingGoal && !state.goals.some((g) => g.id === ui.editingGoal)) ui.editingGoal = null;
    render();
  },
  onWorkshopDeleted: () => {
    toast(strings.workshop_deleted, { kind: "error" });
    window.setTimeout(() => window.location.assign("/"), 1500);
  },
});
