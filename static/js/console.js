// @ts-check
// The facilitator's console: phase stepper, timer and counts (always in view), goals
// (add/edit/delete), people and their cards (moderation: hide, delete, rename, remove), who is
// here and who is done, the board window and its reveal, the join QR with the joining lock and
// "take part yourself", the strength round, agreements per link, and afterwards (team link,
// check-in, follow-up), the privacy default and the danger zone.
//
// data-testid handles used here and by the browser tests:
//   workshop-code, workshop-title, phase-stepper, phase-join, phase-drives, phase-strengths,
//   phase-linking, phase-agreements, phase-closed, connection, connection-label, toasts, toast,
//   timer (data-state idle|running|ended), timer-display, timer-time, timer-note, timer-1, timer-3,
//   timer-5, timer-10, timer-form, timer-custom, timer-start, timer-stop, timer-lock,
//   counts, count-participants, count-connected, count-done, count-drives, count-strengths,
//   count-links, count-open-goals,
//   goal-add-form, goal-add-kind, goal-add-text, goal-add, goal-list, goal-count, goal-empty,
//   goal-row (data-goal-id), goal-text, goal-kind, goal-links, goal-edit, goal-delete,
//   goal-edit-kind, goal-edit-text, goal-save, goal-cancel,
//   participant-list, participant-count, participant-empty, participant (data-participant-id,
//   data-connected, data-done), participant-name, participant-rename, rename-form, rename-input,
//   rename-save, rename-cancel, participant-remove,
//   console-card (data-card-id, data-visibility, data-status, data-hidden), card-text, card-flag,
//   card-hidden-flag, card-hide (also "Show"), card-delete,
//   presence-list, presence-empty, presence-person (data-participant-id, data-connected, data-done),
//   open-board, board-link, hide-until-reveal, reveal-state, join-qr, join-code, join-url,
//   lock-joining, joining-state, take-part-form, take-part-name, take-part,
//   round-form, round-per-person, round-assign, assignments, assignment (data-giver), assignments-empty,
//   agreements-panel, agreement-count, agreement-links, agreement-empty, agreement-goal,
//   agreement-link (data-link-id), agreement (data-agreement-id, data-done), agreement-text-shown,
//   agreement-meta, agreement-done, agreement-edit, agreement-delete, agreement-add, agreement-form,
//   agreement-text, agreement-owner, agreement-due, agreement-save, agreement-cancel,
//   default-visibility, default-visibility-hint, after-panel, summary-link, team-link-state,
//   team-link-box, team-link-url, team-link-copy, team-link-create, team-link-revoke,
//   checkin-state, checkin-open, checkin-close, follow-up-hint, follow-up-start,
//   board-key-panel, board-key-state, board-key-box, board-key-url, board-key-copy, board-key-create,
//   board-key-revoke, secret-link, signin-box, facilitator-link (the one-time sign-in link), signin-copy,
//   signin-note, signin-create, rotate-key, danger-zone, delete-form, delete-code, delete-follow-ups-field, delete-follow-ups,
//   delete-follow-ups-label, delete-workshop,
//   phase-lead, lead-phase, phase-next, phase-next-go (data-phase: the phase it moves to), lead-tools,
//   open-panel, unlinked-goal-count, unlinked-goals, unlinked-goal (data-goal-id), unlinked-goals-none, unlinked-drive-count,
//   unlinked-drives-hint, downloads-link,
//   participant-seat-link, seat-dialog, seat-dialog-title, seat-ask, seat-ask-text, seat-sign-out-devices,
//   seat-cancel, seat-reissue, seat-made, seat-qr, seat-url, seat-copy, seat-made-note, seat-done

import { parseDuration, timerAt, timerView } from "./clock.js";
import { checkedOf, fill, focusIn, format, h, icon, part, readJSON, reconcile, setText, toast, valueOf } from "./dom.js";
import { GOAL_KINDS, LIMITS, SEND, VISIBILITIES } from "./events.js";
import { agreementMeta, colorClass, countText, linkCountText, nameOf as nameIn, pageLanguage, typeOf, typeWords } from "./labels.js";
import { connectLive, newId } from "./live.js";
import { renderMarket, wireMarket } from "./console/market.js";
import {
  cardById, cardsAbout, counts, createStore, goalById, goalsInOrder, linksOfCard, linksOfGoal, participantById,
} from "./state.js";


/**
 * @typedef {import("./state.js").State} State
 * @typedef {import("./state.js").Card} Card
 * @typedef {import("./state.js").Link} Link
 * @typedef {import("./state.js").Goal} Goal
 * @typedef {import("./state.js").Participant} Participant
 * @typedef {import("./state.js").Agreement} Agreement
 * @typedef {{linkId: string, agreementId: ?string, text: string, owner: string, due: string}} AgreementDraft
 */

const boot = readJSON("boot");
const strings = readJSON("strings");

/**
 * What the console shows, beside the server's state: one value in a store, changed only with
 * store.update(); render() is subscribed to it (at the end of this script) and only reads.
 * @typedef {{state: ?State, editingGoal: ?string, renaming: ?string, agreementForm: ?AgreementDraft,
 *            teamLinkUrl: ?string, teamLinkActive: ?boolean, boardKeyUrl: ?string, boardKeyActive: ?boolean}} ConsoleUi
 *   editingGoal: the goal open for editing; renaming: the person being renamed; agreementForm: the
 *   agreement form that is open (for a new agreement on a link, or an edit of one), its fields as
 *   typed; teamLinkUrl / boardKeyUrl: a link made in this session (shown once: the server keeps
 *   only its hash); teamLinkActive / boardKeyActive: whether it works, as learnt from this
 *   session's own actions.
 */

/** @type {import("./state.js").Store<ConsoleUi>} */
const store = createStore(/** @type {ConsoleUi} */ ({
  state: null, editingGoal: null, renaming: null, agreementForm: null,
  teamLinkUrl: null, teamLinkActive: null, boardKeyUrl: null, boardKeyActive: null,
}));

/**
 * The console's state now. Read-only: change it with store.update().
 * @returns {ConsoleUi}
 */
const ui = () => store.get();

/** Whether the first render is done (what is there at load does not slide in). */
let rendered = false;

/**
 * "No links" / "1 link" / "{n} links".
 * @param {number} n
 * @returns {string}
 */
/**
 * The state shown: only asked for once one has arrived (rendering waits for it).
 * @returns {State}
 */
function current() {
  const { state } = ui();
  if (!state) throw new Error("No state has arrived yet");
  return state;
}

/**
 * A person's name, or "Anonymous" when the card's person is not known.
 * @param {?string} id
 * @returns {string}
 */
function nameOf(id) {
  return nameIn(current(), id, strings.anonymous);
}

/**
 * The ids of the participants connected right now.
 * @returns {Set<string>}
 */
function connectedIds() {
  return new Set(current().connected || []);
}

/**
 * Whether a person said they are done with the current phase.
 * @param {import("./state.js").Participant} person
 * @returns {boolean}
 */
function isDone(person) {
  return (person.done || []).includes(current().workshop.phase);
}

// --- The lead: what this phase is for, what to do next, and its own tools first ----------------------

/** The phases in order. */
const PHASES = ["join", "drives", "strengths", "linking", "agreements", "closed"];

/**
 * The panels that serve each phase (by class), in the order they lead. Outside their phases
 * they sit in their own place in the page.
 * @type {Record<string, string[]>}
 */
const LEAD = {
  join: ["join-panel", "board-panel", "presence-panel"],
  drives: ["board-panel", "presence-panel", "privacy-panel"],
  strengths: ["round-panel", "presence-panel", "board-panel"],
  linking: ["open-panel", "presence-panel", "board-panel"],
  agreements: ["agreements-panel"],
  closed: ["after-panel", "market-panel", "agreements-panel"],
};

/** The phases whose work is the people's cards (moderation): the people come before the goals. */
const PEOPLE_FIRST = ["drives", "strengths"];

/**
 * Each movable panel and the marker of its own place (set once, at load).
 * @type {Map<HTMLElement, Comment>}
 */
const homes = new Map();
for (const name of new Set(Object.values(LEAD).flat())) {
  const panel = document.querySelector(`.${name}`);
  if (!(panel instanceof HTMLElement)) continue;
  const marker = document.createComment(name);
  panel.before(marker);
  homes.set(panel, marker);
}

/** The phase whose panels lead now. */
let ledPhase = "";

/**
 * The word for a phase, as the stepper says it.
 * @param {string} phase
 * @returns {string}
 */
function phaseLabel(phase) {
  return document.querySelector(`.stepper [data-phase="${phase}"] .step-label`)?.textContent || phase;
}

/**
 * Put the phase's panels first, in the lead (in the document too, so reading and tabbing meet
 * them first), and every other movable panel back in its own place.
 * @param {string} phase
 */
function placeLead(phase) {
  if (ledPhase === phase) return;
  ledPhase = phase;
  const tools = part("lead-tools");
  const wanted = LEAD[phase] || [];
  for (const [panel, marker] of homes) {
    if (!wanted.some((name) => panel.classList.contains(name)) && panel.parentElement === tools) marker.after(panel);
  }
  for (const name of wanted) {
    const panel = document.querySelector(`.${name}`);
    if (panel instanceof HTMLElement) tools.append(panel);
  }
  const goals = document.querySelector(".goals-panel");
  const people = document.querySelector(".people-panel");
  if (goals && people) {
    if (PEOPLE_FIRST.includes(phase)) goals.before(people);
    else goals.after(people);
  }
}

/** The lead: the phase, one line on what to do next, a button to the next phase, the phase's tools. */
function renderLead() {
  const w = current().workshop;
  const phase = w.phase;
  placeLead(phase);
  setText(part("lead-phase"), phaseLabel(phase));
  setText(part("phase-next"), strings[phase === "drives" && w.revealed === false ? "lead_next_drives_hidden" : `lead_next_${phase}`] || "");
  const next = PHASES[PHASES.indexOf(phase) + 1];
  const go = part("phase-next-go", HTMLButtonElement);
  go.hidden = !next;
  if (next && go.dataset.phase !== next) {
    go.dataset.phase = next;
    fill(go, h("span", {}, next === "closed" ? strings.lead_close : format(strings.lead_go, { phase: phaseLabel(next) })), icon("next"));
  }
  part("open-panel").hidden = phase !== "linking";
  // After closing there is nothing left to time, unless a timer still runs (then it can be stopped).
  part("timer-controls").hidden = phase === "closed" && timerAt(w, live.serverNow()).state === "idle";
}

/** During Linking: the goals nobody linked yet, and how many drives have no goal. */
function renderOpen() {
  const state = current();
  const goals = goalsInOrder(state);
  const open = goals.filter((g) => linksOfGoal(state, g.id).length === 0);
  reconcile(part("unlinked-goals"), open, (g) => g.id,
    () => h("li", { class: "unlinked-goal", "data-testid": "unlinked-goal" }),
    (li, goal) => {
      li.dataset.goalId = goal.id;
      const signature = JSON.stringify([goal.kind, goal.text]);
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      fill(li, icon(goal.kind), h("span", {}, goal.text));
    });
  setText(part("unlinked-goal-count"), String(open.length));
  part("unlinked-goals-none").hidden = open.length > 0 || goals.length === 0;
  const drives = state.cards.filter((c) => c.kind === "drive" && !c.hidden && linksOfCard(state, c.id).length === 0);
  setText(part("unlinked-drive-count"), String(drives.length));
  part("unlinked-drives-hint").hidden = drives.length === 0;
}

// --- Rendering -------------------------------------------------------------------------------------

/** The phase stepper marks the current phase. */
function renderStepper() {
  const phase = current().workshop.phase;
  for (const button of document.querySelectorAll(".stepper button[data-phase]")) {
    if (!(button instanceof HTMLButtonElement)) continue;
    if (button.dataset.phase === phase) button.setAttribute("aria-current", "step");
    else button.removeAttribute("aria-current");
    button.disabled = false;
  }
  document.body.dataset.phase = phase;
}

/** The timer beside the stepper: time left, and whether input locks (or is locked) at the end. */
function renderTimer() {
  if (!ui().state) return;
  // The console marks no last stretch: the facilitator reads the minutes.
  const timer = timerView(current().workshop, live.serverNow(), 0);
  const box = part("timer");
  box.dataset.state = timer.state;
  box.classList.toggle("has-lock", timer.lock);
  setText(part("timer-time"), timer.state === "idle" ? "–:––" : timer.clock);
  let note = strings.timer_idle;
  if (timer.state === "running") note = timer.lock ? `${strings.timer_running} · ${strings.timer_locks}` : strings.timer_running;
  if (timer.state === "ended") note = timer.lock ? `${strings.timer_up} · ${strings.timer_locked}` : strings.timer_up;
  setText(part("timer-note"), note);
  part("timer-stop", HTMLButtonElement).hidden = timer.state === "idle";
  const lock = part("timer-lock", HTMLInputElement);
  // While a timer is set the box says what the server does; while idle it keeps the choice for the next one.
  if (timer.state !== "idle" && document.activeElement !== lock) lock.checked = timer.lock;
}

/** The counts always in view. */
function renderCounts() {
  const c = counts(current());
  const online = connectedIds();
  const people = current().participants;
  setText(part("count-participants"), c.participants);
  setText(part("count-connected"), people.filter((p) => online.has(p.id)).length);
  setText(part("count-done"), format(strings.done_count, { done: people.filter(isDone).length, total: people.length }));
  setText(part("count-drives"), c.drives);
  setText(part("count-strengths"), c.strengths);
  setText(part("count-links"), c.links);
  setText(part("count-open-goals"), c.openGoals);
  part("count-open-goals").parentElement?.classList.toggle("is-warning", c.openGoals > 0 && c.links > 0);
  setText(part("goal-count"), c.goals || "");
  setText(part("participant-count"), c.participants || "");
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
  if (ui().editingGoal === goal.id) {
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
  const n = linksOfGoal(current(), goal.id).length;
  return [
    h("span", { class: "goal-kind", "data-testid": "goal-kind" }, icon(goal.kind), h("span", {}, strings[`kind_${goal.kind}`] || goal.kind)),
    h("span", { class: "goal-text", "data-testid": "goal-text" }, goal.text),
    h("span", { class: `goal-links ${n ? "" : "is-open"}`, "data-testid": "goal-links" }, linkCountText(strings, n)),
    h("span", { class: "row-actions" },
      h("button", { type: "button", class: "button small", "data-testid": "goal-edit", onclick: () => startEditingGoal(goal.id) }, strings.edit),
      h("button", { type: "button", class: "button small quiet-danger", "data-testid": "goal-delete", onclick: () => deleteGoal(goal) }, strings.delete)),
  ];
}

/** The goals list. */
function renderGoals() {
  const goals = goalsInOrder(current());
  reconcile(part("goal-list"), goals, (g) => g.id,
    () => h("li", { class: "goal-row", "data-testid": "goal-row" }),
    (li, goal) => {
      const editing = ui().editingGoal === goal.id;
      const signature = JSON.stringify([goal.kind, goal.text, editing, editing ? 0 : linksOfGoal(current(), goal.id).length]);
      li.dataset.goalId = goal.id;
      li.classList.toggle("is-editing", editing);
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      fill(li, ...goalContent(goal));
    }, { animate: rendered });
  part("goal-empty").hidden = goals.length > 0;
}

/**
 * A flag on a card that the team does not see as it is: facilitator-only, anonymous, or a
 * strength still waiting for its person's consent.
 * @param {Card} card
 * @returns {?HTMLElement}
 */
function cardFlag(card) {
  if (card.kind === "strength" && card.status === "pending") {
    const person = participantById(current(), card.about);
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

/**
 * One card in the people panel, with hide/show and delete.
 * @param {Card} card
 * @returns {HTMLElement}
 */
function consoleCard(card) {
  const author = card.kind === "strength" && card.author ? participantById(current(), card.author) : null;
  const n = linksOfCard(current(), card.id).length;
  const hidden = Boolean(card.hidden);
  const private_ = card.visibility === "facilitator" || card.status === "pending" || hidden;
  return h("li", {
    class: `console-card kind-${card.kind} ${n ? "" : "is-unlinked"} ${private_ ? "is-hidden-from-team" : ""} ${hidden ? "is-moderated" : ""}`.trim(),
    "data-testid": "console-card",
    dataset: { cardId: card.id, visibility: card.visibility || "named", status: card.status || "accepted", hidden: String(hidden) },
  },
  h("span", { class: "card-kind", title: strings[`kind_${card.kind}`] }, icon(card.kind),
    h("span", { class: "visually-hidden" }, strings[`kind_${card.kind}`])),
  h("span", { class: "card-body" },
    hidden ? h("span", { class: "card-flag is-moderated", "data-testid": "card-hidden-flag" }, icon("anonymous"), h("span", {}, strings.flag_hidden)) : null,
    cardFlag(card),
    h("span", { class: "card-text", "data-testid": "card-text" }, card.text),
    h("span", { class: "card-meta" }, [author ? format(strings.card_from, { name: author.name }) : null,
      card.kind === "strength" && author && !card.signed ? strings.unsigned : null, linkCountText(strings, n)].filter(Boolean).join(" · "))),
  h("span", { class: "card-actions" },
    h("button", { type: "button", class: "button tiny", "data-testid": "card-hide", "aria-pressed": String(hidden),
      "aria-label": format(hidden ? strings.show_card_named : strings.hide_card_named, { text: card.text }),
      onclick: () => setCardHidden(card, !hidden) }, icon(hidden ? "eye" : "anonymous"), hidden ? strings.show_card : strings.hide_card),
    h("button", { type: "button", class: "icon-button quiet-danger", "data-testid": "card-delete",
      "aria-label": `${strings.delete}: ${card.text}`, title: strings.delete, onclick: () => deleteCard(card) }, icon("close"))));
}

/**
 * The head of a person in the people panel: presence, name (or the rename form), counts, actions.
 * @param {import("./state.js").Participant} person
 * @param {Card[]} cards
 * @param {boolean} online
 * @returns {HTMLElement}
 */
function personHead(person, cards, online) {
  const drives = cards.filter((c) => c.kind === "drive").length;
  const status = online ? strings.connected : strings.away;
  const presence = h("span", { class: `presence-dot ${online ? "is-on" : ""}`, role: "img",
    "aria-label": format(isDone(person) ? strings.presence_label_done : strings.presence_label, { name: person.name, status }) });
  if (ui().renaming === person.id) {
    const input = h("input", { class: "rename-input", "data-testid": "rename-input", maxlength: LIMITS.NAME_MAX, autocomplete: "off",
      "aria-label": format(strings.new_name, { name: person.name }), props: { value: person.name } });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") stopRenaming();
    });
    return h("form", { class: "person-head rename-form", "data-testid": "rename-form", novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        renamePerson(person, input.value);
      } },
    presence, input,
    h("button", { type: "submit", class: "button small primary", "data-testid": "rename-save" }, strings.save),
    h("button", { type: "button", class: "button small", "data-testid": "rename-cancel", onclick: stopRenaming }, strings.cancel));
  }
  return h("div", { class: "person-head" },
    presence,
    h("span", { class: `chip ${colorClass("color", person)}`, "data-testid": "participant-name" }, person.name),
    isDone(person) ? h("span", { class: "done-mark", "data-testid": "participant-done" }, icon("check"), strings.done_phase) : null,
    h("span", { class: "person-counts", role: "img", "aria-label": format(strings.card_count, { drives, strengths: cards.length - drives }) },
      icon("drive"), String(drives), icon("strength"), String(cards.length - drives)),
    h("span", { class: "person-actions" },
      h("button", { type: "button", class: "button small", "data-testid": "participant-rename",
        // Names start with the words on the button, so that voice control finds it (WCAG 2.5.3).
        "aria-label": `${strings.rename}: ${person.name}`, onclick: () => startRenaming(person.id) }, strings.rename),
      h("button", { type: "button", class: "button small", "data-testid": "participant-seat-link",
        "aria-label": `${strings.seat_link}: ${person.name}`, onclick: () => askSeatLink(person) }, strings.seat_link),
      h("button", { type: "button", class: "button small quiet-danger person-remove", "data-testid": "participant-remove",
        "aria-label": `${strings.remove_short}: ${person.name}`, onclick: () => removePerson(person) }, strings.remove_short)));
}

/** The people and their cards, with moderation. */
function renderPeople() {
  const people = current().participants;
  const online = connectedIds();
  reconcile(part("participant-list"), people, (p) => p.id,
    () => h("li", { class: "person", "data-testid": "participant" }),
    (li, person) => {
      const cards = [...cardsAbout(current(), person.id, "drive"), ...cardsAbout(current(), person.id, "strength")];
      const isOnline = online.has(person.id);
      li.dataset.participantId = person.id;
      li.dataset.connected = String(isOnline);
      li.dataset.done = String(isDone(person));
      const signature = JSON.stringify([person.name, person.color, isOnline, isDone(person), ui().renaming === person.id,
        cards.map((c) => [c.id, c.text, c.visibility, c.status, c.hidden, c.signed, c.author, linksOfCard(current(), c.id).length]),
        cards.filter((c) => c.author).map((c) => nameOf(c.author))]);
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      fill(li, personHead(person, cards, isOnline),
        cards.length ? h("ul", { class: "person-cards" }, cards.map(consoleCard)) : h("p", { class: "muted" }, strings.no_cards));
      if (ui().renaming === person.id) {
        const input = li.querySelector("[data-testid=rename-input]");
        if (input instanceof HTMLInputElement) {
          input.focus();
          input.select();
        }
      }
    }, { animate: rendered });
  part("participant-empty").hidden = people.length > 0;
}

/** Who is here: a compact list of everyone, connected or not, done or not. */
function renderPresence() {
  const people = current().participants;
  const online = connectedIds();
  reconcile(part("presence-list"), people, (p) => p.id,
    () => h("li", { class: "presence-person", "data-testid": "presence-person" }),
    (li, person) => {
      const isOnline = online.has(person.id);
      const done = isDone(person);
      const signature = JSON.stringify([person.name, isOnline, done]);
      li.dataset.participantId = person.id;
      li.dataset.connected = String(isOnline);
      li.dataset.done = String(done);
      li.classList.toggle("is-away", !isOnline);
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      fill(li,
        h("span", { class: `presence-dot ${isOnline ? "is-on" : ""}`, "aria-hidden": "true" }),
        h("span", { class: "presence-name" }, person.name),
        done ? icon("check", "presence-done") : null,
        h("span", { class: "visually-hidden" }, `: ${isOnline ? strings.connected : strings.away}${done ? `, ${strings.done_phase}` : ""}`));
    });
  part("presence-empty").hidden = people.length > 0;
}

/** The board's reveal, the joining lock and the strength round's assignments. */
function renderRoom() {
  const w = current().workshop;
  const hide = part("hide-until-reveal", HTMLInputElement);
  hide.checked = w.revealed === false;
  setText(part("reveal-state"), w.revealed === false ? strings.revealed_off : strings.revealed_on);
  part("reveal-state").classList.toggle("is-warning", w.revealed === false);
  const lock = part("lock-joining", HTMLInputElement);
  lock.checked = Boolean(w.joining_locked);
  setText(part("joining-state"), w.joining_locked ? strings.joining_locked : strings.joining_open);
  part("joining-state").classList.toggle("is-warning", Boolean(w.joining_locked));

  const byGiver = new Map();
  for (const a of current().assignments || []) {
    if (!byGiver.has(a.giver)) byGiver.set(a.giver, []);
    byGiver.get(a.giver).push(a.receiver);
  }
  const givers = current().participants.filter((p) => byGiver.has(p.id));
  reconcile(part("assignments"), givers, (p) => p.id,
    () => h("li", { "data-testid": "assignment" }),
    (li, giver) => {
      li.dataset.giver = giver.id;
      setText(li, format(strings.gives_to, { giver: giver.name, receivers: byGiver.get(giver.id).map(nameOf).join(", ") }));
    });
  part("assignments-empty").hidden = givers.length > 0;
}

/** The workshop's default visibility for new drives. */
function renderSettings() {
  const select = part("default-visibility", HTMLSelectElement);
  const value = current().workshop.default_visibility || "named";
  if (document.activeElement !== select && select.value !== value) select.value = value;
  setText(part("default-visibility-hint"), strings[`default_hint_${value}`] || "");
}

// --- Agreements ------------------------------------------------------------------------------------

/**
 * The agreement form (new, or editing one), filled from ui().agreementForm.
 * @param {Link} link
 * @returns {HTMLFormElement}
 * @param {AgreementDraft} draft the open form (ui().agreementForm)
 */
function agreementForm(link, draft) {
  const keep = (/** @type {"text"|"owner"|"due"} */ field) => (/** @type {Event} */ event) => {
    const value = valueOf(event);
    store.update((s) => (s.agreementForm ? { agreementForm: { ...s.agreementForm, [field]: value } } : {}));
  };
  const text = h("input", { "data-testid": "agreement-text", maxlength: LIMITS.TEXT_MAX, required: true, autocomplete: "off",
    "aria-label": strings.agreement_text, placeholder: strings.agreement_text, props: { value: draft.text }, oninput: keep("text") });
  const owner = h("select", { "data-testid": "agreement-owner", "aria-label": strings.agreement_owner, onchange: keep("owner") },
    h("option", { value: "" }, strings.agreement_no_owner),
    current().participants.map((p) => h("option", { value: p.id }, p.name)));
  owner.value = draft.owner;
  const due = h("input", { type: "date", "data-testid": "agreement-due", "aria-label": strings.agreement_due,
    props: { value: draft.due }, oninput: keep("due"), onchange: keep("due") });
  text.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeAgreementForm();
  });
  return h("form", { class: "agreement-form", "data-testid": "agreement-form", novalidate: true,
    onsubmit: (event) => {
      event.preventDefault();
      saveAgreement(link);
    } },
  h("label", { class: "field" }, h("span", {}, strings.agreement_text), text),
  h("label", { class: "field" }, h("span", {}, strings.agreement_owner), owner),
  h("label", { class: "field" }, h("span", {}, strings.agreement_due), due),
  h("span", { class: "row-actions" },
    h("button", { type: "submit", class: "button small primary", "data-testid": "agreement-save" }, strings.save),
    h("button", { type: "button", class: "button small", "data-testid": "agreement-cancel", onclick: closeAgreementForm }, strings.cancel)));
}

/**
 * One agreement: done box, what, who and by when, edit and delete.
 * @param {Agreement} agreement
 * @returns {HTMLElement}
 */
function agreementRow(agreement) {
  // An owner who has since left the workshop is no longer named (the server cleared it).
  const meta = agreementMeta(strings, current(), agreement, pageLanguage());
  return h("li", { class: `agreement ${agreement.done ? "is-done" : ""}`, "data-testid": "agreement",
    dataset: { agreementId: agreement.id, done: String(Boolean(agreement.done)) } },
  h("input", { type: "checkbox", "data-testid": "agreement-done", "aria-label": `${strings.agreement_done}: ${agreement.text}`,
    props: { checked: Boolean(agreement.done) }, onchange: (event) => setAgreementDone(agreement, checkedOf(event)) }),
  h("span", { class: "agreement-body" },
    h("span", { class: "agreement-text", "data-testid": "agreement-text-shown" }, agreement.text),
    meta ? h("span", { class: "agreement-meta", "data-testid": "agreement-meta" }, meta) : null),
  h("span", { class: "row-actions" },
    h("button", { type: "button", class: "button tiny", "data-testid": "agreement-edit", "aria-label": `${strings.edit}: ${agreement.text}`,
      onclick: () => openAgreementForm(agreement.link_id, agreement) }, strings.edit),
    h("button", { type: "button", class: "icon-button quiet-danger", "data-testid": "agreement-delete", title: strings.delete,
      "aria-label": `${strings.delete}: ${agreement.text}`, onclick: () => deleteAgreement(agreement) }, icon("close"))));
}

/**
 * One link in the agreements panel: whose card, how it relates, its agreements, and the form.
 * @param {Link} link
 * @param {import("./state.js").Goal} goal
 * @param {Agreement[]} agreements
 * @returns {HTMLElement}
 */
function agreementLink(link, goal, agreements) {
  const card = cardById(current(), link.card_id);
  const person = card && card.about ? participantById(current(), card.about) : null;
  const open = ui().agreementForm;
  const form = open && open.linkId === link.id ? open : null;
  const endorsements = (link.endorsements || []).length;
  const adding = Boolean(form && !form.agreementId);
  return h("li", { class: "agreement-link", "data-testid": "agreement-link", dataset: { linkId: link.id } },
    h("div", { class: "agreement-link-head" },
      h("span", { class: `chip ${colorClass("color", person)}` }, person ? person.name : strings.anonymous),
      h("span", { class: "agreement-card" }, icon(card ? card.kind : "drive"), card ? card.text : ""),
      h("span", { class: "link-type" }, icon(typeOf(link)), typeWords(strings, link)),
      endorsements ? h("span", { class: "endorsed" }, format(strings.endorsed, { n: endorsements })) : null,
      adding ? null : h("button", { type: "button", class: "button tiny agreement-add", "data-testid": "agreement-add",
        // The name starts with the words on the button (voice control), then says which link.
        "aria-label": `${strings.agreement_add}: ${card ? card.text : ""} → ${goal.text}`,
        onclick: () => openAgreementForm(link.id, null) }, strings.agreement_add)),
    agreements.length ? h("ul", { class: "agreements" },
      agreements.map((a) => (form && form.agreementId === a.id ? h("li", { class: "agreement is-editing" }, agreementForm(link, form)) : agreementRow(a)))) : null,
    adding && form ? agreementForm(link, form) : null);
}

/** The agreements panel: links grouped by goal, each with who does what by when. */
function renderAgreements() {
  const phase = current().workshop.phase;
  const agreements = current().agreements || [];
  const linkIds = new Set(current().links.map((l) => l.id));
  const live_ = agreements.filter((a) => linkIds.has(a.link_id));
  const panel = part("agreements-panel");
  panel.hidden = !(phase === "agreements" || phase === "closed" || live_.length > 0);
  if (panel.hidden) return;
  const goals = goalsInOrder(current()).filter((g) => linksOfGoal(current(), g.id).length > 0);
  setText(part("agreement-count"), live_.length ? format(strings.agreement_count, { n: live_.length }) : "");
  const list = part("agreement-links");
  const active = document.activeElement;
  const focusId = active instanceof HTMLElement && list.contains(active) ? active.dataset.testid : null;
  reconcile(list, goals, (g) => g.id,
    () => h("li", { class: "agreement-goal", "data-testid": "agreement-goal" }),
    (li, goal) => {
      const links = linksOfGoal(current(), goal.id);
      const mine = (/** @type {Link} */ link) => live_.filter((a) => a.link_id === link.id).sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
      const open = ui().agreementForm;
      const form = open && links.some((l) => l.id === open.linkId) ? [open.linkId, open.agreementId] : null;
      const signature = JSON.stringify([goal.text, goal.kind, form, current().participants.map((p) => [p.id, p.name]),
        links.map((l) => {
          const card = cardById(current(), l.card_id);
          return [l.id, l.type, (l.endorsements || []).length, card && card.text, mine(l)];
        })]);
      li.dataset.goalId = goal.id;
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      fill(li,
        h("h3", { class: "agreement-goal-text" }, icon(goal.kind), h("span", {}, goal.text)),
        h("ul", { class: "agreement-link-list" }, links.map((link) => agreementLink(link, goal, mine(link)))));
    });
  part("agreement-empty").hidden = goals.length > 0;
  // Keep the cursor in the form when something else on the same goal changed meanwhile.
  if (focusId && !list.contains(document.activeElement)) {
    focusIn(list, `[data-testid="agreement-form"] [data-testid="${focusId}"]`);
  }
}

// --- Afterwards ------------------------------------------------------------------------------------

/** The team link, the check-in and the follow-up. */
function renderAfterwards() {
  const w = current().workshop;
  const active = ui().teamLinkActive ?? Boolean(w.team_link);
  part("team-link-box").hidden = !ui().teamLinkUrl;
  const { teamLinkUrl } = ui();
  if (teamLinkUrl) part("team-link-url", HTMLInputElement).value = teamLinkUrl;
  setText(part("team-link-state"), ui().teamLinkUrl ? strings.team_link_made : active ? strings.team_link_active : strings.team_link_none);
  setText(part("team-link-create", HTMLButtonElement), active ? strings.renew_team_link : strings.make_team_link);
  part("team-link-revoke", HTMLButtonElement).hidden = !active;

  const checkin = current().checkin;
  const answers = checkin ? checkin.answers || [] : [];
  setText(part("checkin-state"), checkin
    ? format(strings.checkin_open, {
      answers: countText(strings, "answers_count", answers.length),
      people: countText(strings, "people_count", new Set(answers.map((a) => a.participant_id)).size),
    })
    : strings.checkin_none);
  part("checkin-open", HTMLButtonElement).hidden = Boolean(checkin);
  part("checkin-close", HTMLButtonElement).hidden = !checkin;

  const closed = w.phase === "closed";
  part("follow-up-start", HTMLButtonElement).disabled = !closed;
  setText(part("follow-up-hint"), closed ? strings.follow_up_ready : strings.follow_up_needs_closed);
}

/** Render everything. */
function render() {
  if (!ui().state) return;
  renderStepper();
  renderLead();
  renderTimer();
  renderCounts();
  renderGoals();
  renderPeople();
  renderPresence();
  renderRoom();
  renderSettings();
  renderAgreements();
  renderOpen();
  renderAfterwards();
  renderBoardKey();
  renderDeleteFollowUps();
  renderMarket(current(), live.serverNow());
  rendered = true;
}

/** The delete form offers to erase the workshop's follow-ups too (ticked), when it has any. */
function renderDeleteFollowUps() {
  const n = current().workshop.follow_ups || 0;
  part("delete-follow-ups-field").hidden = n < 1;
  setText(part("delete-follow-ups-label"), format(strings.delete_follow_ups, { n }));
}

// --- Actions -----------------------------------------------------------------------------------------

/**
 * Move to a phase. A timer belongs to its phase: the server ends it (and its input lock) with the
 * phase, in the same change, so no second message is sent here (one sent after the ack could stop
 * a timer the facilitator had just started for the new phase).
 * @param {string} phase
 */
async function setPhase(phase) {
  await live.act(SEND.SET_PHASE, { phase });
}

/**
 * Start a timer for the current phase (0 seconds stops it).
 * @param {number} seconds
 */
async function startTimer(seconds) {
  await live.act(SEND.SET_TIMER, { seconds, lock: seconds > 0 && part("timer-lock", HTMLInputElement).checked });
}

/** The lock box changed: a running timer takes it at once; an ended, locked one is lifted. */
function changeTimerLock() {
  const timer = timerAt(current().workshop, live.serverNow());
  const lock = part("timer-lock", HTMLInputElement).checked;
  if (timer.state === "running") live.act(SEND.SET_TIMER, { seconds: timer.left, lock });
  else if (timer.state === "ended" && timer.lock && !lock) live.act(SEND.SET_TIMER, { seconds: 0, lock: false });
}

/**
 * Add one goal per non-empty line of the add box.
 * @param {SubmitEvent} [event]
 */
async function addGoals(event) {
  if (event) event.preventDefault();
  const field = part("goal-add-text", HTMLTextAreaElement);
  const kind = part("goal-add-kind", HTMLSelectElement).value;
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
  store.update({ editingGoal: goalId });
  const input = document.querySelector(`[data-goal-id="${CSS.escape(goalId)}"] [data-testid="goal-edit-text"]`);
  if (input instanceof HTMLInputElement) {
    input.focus();
    input.select();
  }
}

/** Close the goal editor. */
function stopEditingGoal() {
  store.update({ editingGoal: null });
}

/**
 * Save an edited goal, sending only what changed.
 * @param {import("./state.js").Goal} goal
 * @param {string} kind
 * @param {string} text
 */
async function saveGoal(goal, kind, text) {
  /** @type {{id: string, text?: string, kind?: string}} */
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
 * @param {Card} card
 */
async function deleteCard(card) {
  if (!window.confirm(`${strings.confirm_delete_card}\n\n${card.text}`)) return;
  const ack = await live.act(SEND.DELETE_CARD, { id: card.id });
  if (ack.ok) toast(strings.deleted);
}

/**
 * Hide a card from the team (after one confirmation), or show it again.
 * @param {Card} card
 * @param {boolean} hidden
 */
async function setCardHidden(card, hidden) {
  if (hidden && !window.confirm(`${strings.confirm_hide_card}\n\n${card.text}`)) return;
  const ack = await live.act(SEND.SET_CARD_HIDDEN, { id: card.id, hidden });
  if (ack.ok) toast(hidden ? strings.card_hidden : strings.card_shown);
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
 * Open the rename form for a person.
 * @param {string} personId
 */
function startRenaming(personId) {
  store.update({ renaming: personId });
}

/** Close the rename form. */
function stopRenaming() {
  const id = ui().renaming;
  store.update({ renaming: null });
  if (id) focusIn(document, `[data-testid=participant][data-participant-id="${CSS.escape(id)}"] [data-testid=participant-rename]`);
}

/**
 * Rename a person (the form is the one question asked).
 * @param {import("./state.js").Participant} person
 * @param {string} name
 */
async function renamePerson(person, name) {
  const clean = name.trim();
  if (!clean || clean === person.name) {
    stopRenaming();
    return;
  }
  const ack = await live.act(SEND.RENAME_PARTICIPANT, { id: person.id, name: clean });
  if (ack.ok) {
    toast(format(strings.renamed, { name: clean }));
    stopRenaming();
  }
}

/**
 * Set the visibility new drive cards get when their author does not choose.
 * @param {string} visibility
 */
async function setDefaultVisibility(visibility) {
  if (!VISIBILITIES.includes(visibility)) return;
  const ack = await live.act(SEND.SET_DEFAULT_VISIBILITY, { visibility });
  if (ack.ok) toast(strings.saved);
  else if (ui().state) renderSettings();
}

/**
 * Open the agreement form on a link: empty for a new one, or filled to edit one.
 * @param {string} linkId
 * @param {?Agreement} agreement
 */
function openAgreementForm(linkId, agreement) {
  const link = current().links.find((l) => l.id === linkId);
  const card = link ? cardById(current(), link.card_id) : null;
  store.update({
    agreementForm: agreement
      ? { linkId, agreementId: agreement.id, text: agreement.text, owner: agreement.owner || "", due: agreement.due || "" }
      // The card's person owns it by default, unless the card is anonymous on the board: naming
      // them as its owner would tell the room whose card it is.
      : { linkId, agreementId: null, text: "", owner: (card && card.visibility !== "anonymous" && card.about) || "", due: "" },
  });
  focusIn(document, `[data-testid=agreement-link][data-link-id="${CSS.escape(linkId)}"] [data-testid=agreement-text]`);
}

/** Close the agreement form. */
function closeAgreementForm() {
  store.update({ agreementForm: null });
}

/**
 * Save the open agreement form (a new agreement, or the edit of one).
 * @param {Link} link
 */
async function saveAgreement(link) {
  const form = ui().agreementForm;
  if (!form) return;
  const text = form.text.trim();
  if (!text) {
    const input = document.querySelector("[data-testid=agreement-form] [data-testid=agreement-text]");
    if (input instanceof HTMLInputElement) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
    return;
  }
  const ack = form.agreementId
    ? await live.act(SEND.EDIT_AGREEMENT, { id: form.agreementId, text, owner: form.owner || null, due: form.due || null })
    : await live.act(SEND.ADD_AGREEMENT, { id: newId(), link_id: link.id, text, ...(form.owner ? { owner: form.owner } : {}), ...(form.due ? { due: form.due } : {}) });
  if (ack.ok) {
    toast(strings.saved);
    closeAgreementForm();
  }
}

/**
 * Tick an agreement done, or not.
 * @param {Agreement} agreement
 * @param {boolean} done
 */
async function setAgreementDone(agreement, done) {
  const ack = await live.act(SEND.EDIT_AGREEMENT, { id: agreement.id, done });
  if (!ack.ok) render(); // the control the person changed shows the store again
}

/**
 * Delete an agreement after one confirmation.
 * @param {Agreement} agreement
 */
async function deleteAgreement(agreement) {
  if (!window.confirm(`${strings.confirm_delete_agreement}\n\n${agreement.text}`)) return;
  const ack = await live.act(SEND.DELETE_AGREEMENT, { id: agreement.id });
  if (ack.ok) toast(strings.deleted);
}

/** Make (or renew) the team's read-only link and show it, once. */
async function createTeamLink() {
  const ack = await live.act(SEND.CREATE_TEAM_LINK, {});
  if (!ack.ok) return;
  store.update({ teamLinkUrl: ack.url || null, teamLinkActive: true });
  const input = part("team-link-url", HTMLInputElement);
  input.focus();
  input.select();
}

/** Stop the team link, after one confirmation. */
async function revokeTeamLink() {
  if (!window.confirm(strings.confirm_revoke)) return;
  const ack = await live.act(SEND.REVOKE_TEAM_LINK, {});
  if (!ack.ok) return;
  store.update({ teamLinkUrl: null, teamLinkActive: false });
  toast(strings.team_link_revoked);
}

/**
 * Copy a link shown in a field (the clipboard API needs https; a plain-http LAN falls back to a selection).
 * @param {string} testId the field
 */
async function copyField(testId) {
  const input = part(testId, HTMLInputElement);
  input.select();
  try {
    if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(input.value);
    else document.execCommand("copy");
    toast(strings.copied);
  } catch {
    /* the text stays selected: the facilitator copies it by hand */
  }
}

// --- Credentials: the board's own link, a one-time sign-in link, a new secret key ------------------------

/** The board link for another computer: none, active, or just made (shown once). */
function renderBoardKey() {
  const active = ui().boardKeyActive ?? Boolean(current().workshop.board_link);
  part("board-key-box").hidden = !ui().boardKeyUrl;
  const { boardKeyUrl } = ui();
  if (boardKeyUrl) part("board-key-url", HTMLInputElement).value = boardKeyUrl;
  setText(part("board-key-state"), ui().boardKeyUrl ? strings.board_key_made : active ? strings.board_key_active : strings.board_key_none);
  setText(part("board-key-create", HTMLButtonElement), active ? strings.renew_board_key : strings.make_board_key);
  part("board-key-revoke", HTMLButtonElement).hidden = !active;
}

/** Make (or renew) the board link and show it, once; a board open with the old one disconnects. */
async function createBoardKey() {
  const ack = await live.act(SEND.CREATE_BOARD_LINK, {});
  if (!ack.ok) return;
  store.update({ boardKeyUrl: ack.url || null, boardKeyActive: true });
  const input = part("board-key-url", HTMLInputElement);
  input.focus();
  input.select();
}

/** Stop the board link, after one confirmation. */
async function revokeBoardKey() {
  if (!window.confirm(strings.confirm_revoke_board)) return;
  const ack = await live.act(SEND.REVOKE_BOARD_LINK, {});
  if (!ack.ok) return;
  store.update({ boardKeyUrl: null, boardKeyActive: false });
  toast(strings.board_key_revoked);
}

// --- A person's personal link: reissued for someone who lost theirs ------------------------

/** @type {?import("./state.js").Participant} the person the open dialog is about */
let seatPerson = null;

/**
 * Ask, in the page, whether to make a person's personal link anew (and sign out their devices).
 * @param {import("./state.js").Participant} person
 */
function askSeatLink(person) {
  seatPerson = person;
  const dialog = part("seat-dialog", HTMLDialogElement);
  setText(part("seat-dialog-title"), format(strings.seat_link_for, { name: person.name }));
  setText(part("seat-ask-text"), format(strings.seat_ask, { name: person.name }));
  part("seat-sign-out-devices", HTMLInputElement).checked = false;
  part("seat-ask").hidden = false;
  part("seat-made").hidden = true;
  dialog.showModal();
  part("seat-cancel").focus();
}

/** Make the link (the person's current one stops working) and show it to pass on. */
async function reissueSeatLink() {
  const person = seatPerson;
  if (!person) return;
  const button = part("seat-reissue", HTMLButtonElement);
  button.disabled = true;
  const ack = /** @type {import("./live.js").Ack & {qr?: string}} */ (await live.act(SEND.REISSUE_SEAT_LINK, {
    participant_id: person.id, sign_out_devices: part("seat-sign-out-devices", HTMLInputElement).checked,
  }));
  button.disabled = false;
  if (!ack.ok || seatPerson !== person || typeof ack.url !== "string" || typeof ack.qr !== "string") return;
  const qr = part("seat-qr", HTMLImageElement);
  qr.alt = format(strings.seat_qr_of, { name: person.name });
  qr.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(ack.qr)}`; // our own SVG, as an image
  part("seat-url", HTMLInputElement).value = ack.url;
  setText(part("seat-made-note"), format(strings.seat_made, { name: person.name }));
  part("seat-ask").hidden = true;
  part("seat-made").hidden = false;
  part("seat-done").focus();
}

/** The dialog closed: the link leaves the page (it was shown once). */
function forgetSeatLink() {
  seatPerson = null;
  part("seat-url", HTMLInputElement).value = "";
  part("seat-qr", HTMLImageElement).removeAttribute("src");
}

/**
 * POST to one of the console's own credential routes (the cookie authorises it; SameSite=Lax
 * keeps other sites from doing the same).
 * @param {string} url
 * @returns {Promise<?{url?: string}>} the JSON answer, or null (the error is shown)
 */
async function postWithCookie(url) {
  try {
    const response = await fetch(url, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.ok) return await response.json();
  } catch {
    /* offline: said below */
  }
  toast(strings.request_failed, { kind: "error" });
  return null;
}

/** Make a one-time sign-in link for another device and show it, once. */
async function createSigninLink() {
  const answer = await postWithCookie(part("secret-link").dataset.signinUrl || "");
  if (!answer || !answer.url) return;
  part("signin-box").hidden = false;
  const input = part("facilitator-link", HTMLInputElement);
  input.value = answer.url;
  input.focus();
  input.select();
}

/** A new secret key: every other session of the old one ends; this browser's cookie gets the new key. */
async function rotateKey() {
  if (!window.confirm(strings.confirm_rotate)) return;
  const button = part("rotate-key", HTMLButtonElement);
  button.disabled = true;
  const answer = await postWithCookie(part("secret-link").dataset.keyUrl || "");
  if (!answer) {
    button.disabled = false;
    return;
  }
  // This page's connection (and this browser's board window) used the old key: reload with the new one.
  if ("BroadcastChannel" in window) new BroadcastChannel(`workshop-key-${boot.code}`).postMessage("rotated");
  try {
    window.sessionStorage.setItem(`key-rotated-${boot.code}`, "1");
  } catch {
    /* storage off: the reload still works, without the note */
  }
  window.location.reload();
}

/** After a reload that followed a new key, say so once. */
function noteRotation() {
  try {
    if (window.sessionStorage.getItem(`key-rotated-${boot.code}`)) {
      window.sessionStorage.removeItem(`key-rotated-${boot.code}`);
      toast(strings.key_rotated);
    }
  } catch {
    /* storage off */
  }
}

/** Start the follow-up of this closed workshop and open its console. */
async function startFollowUp() {
  const button = part("follow-up-start", HTMLButtonElement);
  button.disabled = true;
  const ack = await live.act(SEND.START_FOLLOW_UP, {});
  if (ack.ok && ack.urls && ack.urls.facilitator) window.location.assign(ack.urls.facilitator);
  else renderAfterwards();
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

/** The timer's presets, custom time, stop and lock. */
function wireTimer() {
  for (const button of document.querySelectorAll("button[data-minutes]")) {
    if (!(button instanceof HTMLButtonElement)) continue;
    button.addEventListener("click", () => startTimer(Number(button.dataset.minutes) * 60));
  }
  const custom = part("timer-custom", HTMLInputElement);
  part("timer-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    const seconds = parseDuration(custom.value);
    if (seconds === null) {
      custom.setAttribute("aria-invalid", "true");
      toast(strings.timer_invalid, { kind: "error" });
      custom.focus();
      return;
    }
    custom.removeAttribute("aria-invalid");
    startTimer(seconds);
  });
  custom.addEventListener("input", () => custom.removeAttribute("aria-invalid"));
  part("timer-stop", HTMLButtonElement).addEventListener("click", () => startTimer(0));
  part("timer-lock", HTMLInputElement).addEventListener("change", changeTimerLock);
  window.setInterval(renderTimer, 250);
}

/** Wire the controls that exist before any state arrives. */
function wire() {
  wireMarket({ live: { act: (event, payload) => live.act(event, payload), send: (event, payload) => live.send(event, payload) }, strings, current,
    on: (event, handler) => /** @type {any} */ (live.socket).on(event, handler) });
  const go = part("phase-next-go", HTMLButtonElement);
  go.addEventListener("click", () => {
    if (go.dataset.phase) setPhase(go.dataset.phase);
  });
  part("phase-stepper").addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-phase]") : null;
    if (!(button instanceof HTMLElement) || !button.dataset.phase || button.getAttribute("aria-current") === "step") return;
    setPhase(button.dataset.phase);
  });
  wireTimer();

  const addForm = part("goal-add-form", HTMLFormElement);
  const addText = part("goal-add-text", HTMLTextAreaElement);
  addForm.addEventListener("submit", addGoals);
  addText.addEventListener("input", () => fitTextarea(addText));
  // Enter adds; Shift+Enter starts another line (pasting several lines also works).
  addText.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      addForm.requestSubmit();
    }
  });

  const defaultVisibility = part("default-visibility", HTMLSelectElement);
  defaultVisibility.addEventListener("change", () => setDefaultVisibility(defaultVisibility.value));

  const openBoard = part("open-board", HTMLButtonElement);
  openBoard.addEventListener("click", () => {
    const board = window.open(openBoard.dataset.url, `board-${boot.code}`, "popup,width=1920,height=1080");
    if (!board) toast(strings.board_blocked, { kind: "error" });
    else board.focus();
  });

  const hide = part("hide-until-reveal", HTMLInputElement);
  hide.addEventListener("change", async () => {
    const ack = await live.act(SEND.SET_REVEALED, { revealed: !hide.checked });
    if (!ack.ok) render(); // the control the person changed shows the store again
  });
  const lockJoining = part("lock-joining", HTMLInputElement);
  lockJoining.addEventListener("change", async () => {
    const ack = await live.act(SEND.SET_JOINING_LOCKED, { locked: lockJoining.checked });
    if (!ack.ok) render(); // the control the person changed shows the store again
  });

  part("round-form", HTMLFormElement).addEventListener("submit", async (event) => {
    event.preventDefault();
    const ack = await live.act(SEND.ASSIGN_STRENGTH_ROUND, { per_person: Number(part("round-per-person", HTMLSelectElement).value) });
    if (ack.ok) toast(strings.assigned);
  });

  part("take-part-form", HTMLFormElement).addEventListener("submit", (event) => {
    const name = part("take-part-name", HTMLInputElement);
    name.value = name.value.trim();
    if (!name.value) {
      event.preventDefault();
      name.setAttribute("aria-invalid", "true");
      name.focus();
    }
  });

  part("team-link-create", HTMLButtonElement).addEventListener("click", createTeamLink);
  part("team-link-revoke", HTMLButtonElement).addEventListener("click", revokeTeamLink);
  part("team-link-copy", HTMLButtonElement).addEventListener("click", () => copyField("team-link-url"));
  part("board-key-create", HTMLButtonElement).addEventListener("click", createBoardKey);
  part("board-key-revoke", HTMLButtonElement).addEventListener("click", revokeBoardKey);
  part("board-key-copy", HTMLButtonElement).addEventListener("click", () => copyField("board-key-url"));
  part("signin-create", HTMLButtonElement).addEventListener("click", createSigninLink);
  part("seat-reissue", HTMLButtonElement).addEventListener("click", reissueSeatLink);
  part("seat-copy", HTMLButtonElement).addEventListener("click", () => copyField("seat-url"));
  part("seat-dialog", HTMLDialogElement).addEventListener("close", forgetSeatLink);
  part("signin-copy", HTMLButtonElement).addEventListener("click", () => copyField("facilitator-link"));
  part("rotate-key", HTMLButtonElement).addEventListener("click", rotateKey);
  part("checkin-open", HTMLButtonElement).addEventListener("click", () => live.act(SEND.OPEN_CHECKIN, {}));
  part("checkin-close", HTMLButtonElement).addEventListener("click", () => live.act(SEND.CLOSE_CHECKIN, {}));
  part("follow-up-start", HTMLButtonElement).addEventListener("click", startFollowUp);

  const deleteForm = part("delete-form", HTMLFormElement);
  const deleteCode = part("delete-code", HTMLInputElement);
  const deleteButton = part("delete-workshop", HTMLButtonElement);
  const matches = () => deleteCode.value.trim().toUpperCase() === (deleteForm.dataset.code || "").toUpperCase();
  deleteCode.addEventListener("input", () => {
    deleteButton.disabled = !matches();
  });
  deleteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!matches()) return;
    deleteButton.disabled = true;
    // The follow-ups go too unless the facilitator unticks the box (no box: there are none).
    const followUps = !part("delete-follow-ups-field").hidden ? part("delete-follow-ups", HTMLInputElement).checked : true;
    const ack = await live.act(SEND.DELETE_WORKSHOP, { code: deleteCode.value.trim().toUpperCase(), follow_ups: followUps });
    if (ack.ok) window.location.assign("/");
    else deleteButton.disabled = !matches();
  });
}

store.subscribe(render);
wire();
noteRotation();
if ("BroadcastChannel" in window) {
  // Another console tab of this browser made a new key: this one's connection was closed; reload.
  new BroadcastChannel(`workshop-key-${boot.code}`).onmessage = () => window.location.reload();
}
const live = connectLive({
  boot,
  strings,
  // A new state; and let go of the goal, person or link that went with it.
  onState: (state) => store.update((s) => ({
    state,
    editingGoal: s.editingGoal && goalById(state, s.editingGoal) ? s.editingGoal : null,
    renaming: s.renaming && participantById(state, s.renaming) ? s.renaming : null,
    agreementForm: s.agreementForm && state.links.some((l) => l.id === s.agreementForm?.linkId) ? s.agreementForm : null,
  })),
  onWorkshopDeleted: () => {
    toast(strings.workshop_deleted, { kind: "error" });
    window.setTimeout(() => window.location.assign("/"), 1500);
  },
});
