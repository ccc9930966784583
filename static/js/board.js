// @ts-check
// The projector board, read from the back of the room. Each phase has its own screen:
//   join        the QR code, the code in huge letters, names appearing as people join;
//   counts      drives or strengths before the facilitator reveals them: only counts;
//   columns     the business (goals, projects, activities) on the left, the people and their
//               cards on the right, links drawn between them as smooth curves (line style and
//               an icon tell the link's type); cards are dragged onto goals to link them
//               (mouse, pen and touch alike), or tapped then a goal tapped, or with the keyboard
//               (Tab or arrows to a card, Enter, left arrow to a goal, Enter);
//   agreements  the links with who does what by when;
//   closed      a calm thank-you with what the session brought.
// The timer sits in the head, with a gentle signal when it ends.
//
// data-testid handles used here and by the browser tests:
//   board (data-phase, data-screen), join-screen, board-qr, board-code, board-join-url, joining-locked,
//   joined-count, joined-names, joined-name, live-board, phase, phase-hint, board-timer (data-state,
//   data-signals), board-timer-time, board-timer-note, connection, connection-label, toasts, toast,
//   counts-screen, counts-title, hidden-count-cards, hidden-count-cards-label, hidden-count-people,
//   hidden-count-people-label, hidden-count-done, count-people, count-chip (data-participant-id, data-n),
//   stage, columns, links, drag-line, goals, goal-count, goals-empty, goal (data-goal-id, data-energy,
//   data-kind), goal-text, goal-ask, goal-effort (a goal listed in the marketplace), goal-link-count, goal-link-chip (data-link-id, data-type), chip-endorsements,
//   chip-remove, persons, people-count, people-empty, person (data-participant-id; "anonymous" for the
//   group of drives shown without a name), person-name, card (data-card-id, data-kind), card-text, card-offered,
//   card-by, link (the visible <path>, data-link-id, data-card-id, data-goal-id, data-type),
//   link-actions, link-actions-text, link-remove, link-cancel, drag-ghost, filter-kind, filter-person,
//   agreements-screen, ag-goals, ag-goal, ag-link (data-link-id), board-agreement, ag-also, ag-empty,
//   closed-screen, coverage, coverage-goals, coverage-goals-label, coverage-links, coverage-agreements,
//   coverage-people, coverage-unlinked, open-asks-box, open-asks, announce

import { columnsOf, curve, endpoints, linkPath, nearestIndex } from "./board/geometry.js";
import { timerView } from "./clock.js";
import { closest, fill, format, h, icon, part as findPart, prefersReducedMotion, readJSON, reconcile, s, setText, toast } from "./dom.js";
import { LIMITS, RECEIVE, SEND } from "./events.js";
import { agreementMeta, colorClass, countText, linkCountText, nameOf as nameIn, pageLanguage, paletteOf, typeOf, typeWords } from "./labels.js";
import { connectLive, newId } from "./live.js";
import {
  cardById, cardsOfTheme, goalById, goalsInOrder, isShared, linkBetween, linksOfCard, linksOfGoal,
  participantById, themesInOrder,
} from "./state.js";


/**
 * @typedef {import("./state.js").State} State
 * @typedef {import("./state.js").Card} Card
 * @typedef {import("./state.js").Link} Link
 * @typedef {import("./state.js").Goal} Goal
 * @typedef {import("./state.js").Participant} Participant
 * @typedef {import("./state.js").Agreement} Agreement
 * @typedef {{type: "card"|"goal"|"link"|"person", id: string}} Focus what is highlighted: one card's, goal's, person's or link's links
 * @typedef {{card: HTMLElement, cardId: string, themeId?: string, pointerId: number, x0: number, y0: number, active: boolean,
 *            ghost: ?HTMLElement, target: ?HTMLElement, previousSelection?: ?Focus}} Drag
 *   a press on a card, or on a theme's name (`themeId`; `card` is then the name), `active` once it moved far
 *   enough to be a drag; `target`: what it would be dropped on (a goal; for a drive, also another drive or a theme)
 * @typedef {{key: string, kind: "theme"|"person"|"anonymous", id: string, name: string, color: number|string,
 *            drives: Card[], strengths: Card[], part?: number, all?: Card[]}} Group
 *   one group on the people side: a theme with its drives, a person with their drives (those in no theme)
 *   and the strengths others named, or the drives shown without a name
 */

/** @type {Map<string, Element>} */
const parts = new Map();

/**
 * An element of the board's page by its test handle, looked up once: every handle used here is
 * in the template from the start and stays (a lookup per render of sixty people adds up).
 * @template {Element} [E=HTMLElement]
 * @param {string} id
 * @param {new (...args: any[]) => E} [type]
 * @returns {E}
 */
function part(id, type) {
  const known = parts.get(id);
  if (known) return /** @type {E} */ (known);
  const found = findPart(id, type);
  parts.set(id, found);
  return found;
}

const boot = readJSON("boot");
const strings = readJSON("strings");
// Three audiences, one board. The board's own link (role "board") only shows the workshop: the
// server refuses every change from it, so it offers none. The facilitator links any shared card
// and groups drives into themes. A participant's own board (role "participant", on their laptop)
// shows what the team sees plus their own cards, and links, retypes and removes only their own;
// others' links they can +1.
const readOnly = boot.role === "board";
const facilitating = boot.role === "facilitator";
const personal = boot.role === "participant";

const DRAG_THRESHOLD_PX = 6;
const FULL_GOAL_LINKS = 3;
const FULL_SHARE = 0.75;
const DRAW_IN_MS = 600;
// Above this many links the curves are drawn lighter, so the board stays calm; hover brings one out.
const BUSY_LINKS = 40;
// Denser layouts tried in turn until a column fits (see board.css, data-*-density). People never
// shrink to chips or one-line stubs: past the densest layout their columns page by themselves.
const MAX_DENSITY = { peopleDensity: 3, goalDensity: 3 };
// How long one page of people stays up before the next (paused while someone points, drags or selects).
const PAGE_SECONDS = 12;
// A group with more cards than this goes on in a second part (a column never has to hold it whole).
const GROUP_CARDS = 7;
const MAX_AGREEMENT_DENSITY = 2;
// The last seconds of a timer are marked (in words too: the time itself).
const ENDING_SECONDS = 30;
// The group of drives shown without a name (anonymous on the board), after the people.
const ANONYMOUS = "anonymous";

/** What the board shows beside the shared state. */
const ui = {
  /** @type {?State} */
  state: null,
  /** @type {"join"|"counts"|"columns"|"agreements"|"closed"} */
  screen: "join",
  /** @type {?Focus} sticky selection (click, tap or keyboard) */
  selected: null,
  /** @type {?Focus} passing highlight (mouse hover: a card, goal or person) */
  hover: null,
  /** @type {?Drag} the drag in progress */
  drag: null,
  /** Link ids already drawn once, so only new ones animate. */
  drawn: new Set(),
  firstRender: true,
  /** What the layout was last fitted to: the screen, and counts of people's and goals' things. */
  fit: { size: "", people: /** @type {number[]} */ ([]), goals: /** @type {number[]} */ ([]) },
  /** Something changed on a page not shown since the pages were laid out. */
  pagesDirty: false,
  /** What the facilitator chose to show: one kind of goal, one person. */
  filter: { kind: "", person: "" },
  /** The people's pages, when they do not fit on one screen: which is shown, how many, paused by hand. */
  page: 0,
  pages: 1,
  // One's own board stays on the page one chose: the pages turn by themselves only on a shared screen.
  paused: personal,
  pageTimer: 0,
  /** @type {?string} the theme whose name is being typed (its group is not redrawn meanwhile) */
  editingTheme: null,
  /** The timer as last drawn: a change from running to ended (seen live) gives the signal. */
  timer: { key: "", state: "idle" },
  /** @type {?AudioContext} made on the first touch of the board (browsers allow sound only then) */
  audio: null,
};

const el = {
  board: part("board"),
  columns: part("columns"),
  svg: part("links", SVGSVGElement),
  layer: part("link-layer", SVGGElement),
  dragLine: part("drag-line", SVGPathElement),
  goals: part("goals"),
  persons: part("persons"),
  peopleWindow: part("people-window"),
  names: part("joined-names"),
  linkActions: part("link-actions"),
  timer: part("board-timer"),
  announce: part("announce"),
};

// --- Helpers ---------------------------------------------------------------------------------------

/**
 * "open" / "1 link" / "{n} links".
 * @param {number} n
 * @returns {string}
 */
/**
 * The state shown: only asked for once one has arrived (rendering waits for it).
 * @returns {State}
 */
function current() {
  if (!ui.state) throw new Error("No state has arrived yet");
  return ui.state;
}

/**
 * The colour of the person a card is about: an index into the palette, or "anon" for a drive
 * shown without a name.
 * @param {Card} card
 * @returns {number|"anon"}
 */
function colorOfCard(card) {
  return paletteOf(participantById(current(), card.about));
}

/**
 * A person's name ("Anonymous" for a drive shown without one).
 * @param {?string} id
 * @returns {string}
 */
function nameOf(id) {
  return nameIn(current(), id, strings.anonymous);
}

/**
 * What the team may see of a state. The server sends the board nothing else; this keeps the
 * projector safe even if a card that is not shared (or hidden by the facilitator) ever arrived.
 * @param {State} state
 * @returns {State}
 */
function teamView(state) {
  const me = personal ? state.me?.id : null;
  // A participant's own board adds their own drives the team does not see (only the facilitator
  // does); a strength still waiting for their yes stays on the phone, where they answer it.
  const cards = state.cards.filter((c) => !c.hidden && (isShared(c) || (me && c.about === me && c.kind === "drive")));
  const shown = new Set(cards.map((c) => c.id));
  const links = state.links.filter((l) => shown.has(l.card_id));
  const linkIds = new Set(links.map((l) => l.id));
  return { ...state, cards, links, agreements: (state.agreements || []).filter((a) => linkIds.has(a.link_id)) };
}

/**
 * Who this board belongs to: the participant on their own board, else nobody.
 * @returns {?string}
 */
function myId() {
  return personal && ui.state ? ui.state.me.id : null;
}

/**
 * Whether the workshop takes no changes from a participant now: closed, or the phase's timer ran
 * out with its lock (the server refuses them then; the board offers none).
 * @returns {boolean}
 */
function locked() {
  if (!ui.state) return true;
  const w = current().workshop;
  if (w.phase === "closed") return true;
  const timer = timerView(w, live.serverNow(), ENDING_SECONDS);
  return personal && timer.state === "ended" && timer.lock;
}

/**
 * Whether this board may link a card: the facilitator any card, a participant their own.
 * @param {?Card|undefined} card
 * @returns {boolean}
 */
function mayLink(card) {
  if (!card || readOnly || locked()) return false;
  return facilitating || (personal && card.about === myId());
}

/**
 * Whether this board may remove or retype a link: the facilitator any, a participant their own.
 * @param {?Link|undefined} link
 * @returns {boolean}
 */
function mayChange(link) {
  return Boolean(link) && mayLink(link ? cardById(current(), link.card_id) : null);
}

/**
 * Whether this board may +1 a link: a participant, a colleague's link (not their own card's).
 * @param {?Link|undefined} link
 * @returns {boolean}
 */
function mayEndorse(link) {
  if (!link || !personal || locked()) return false;
  const card = cardById(current(), link.card_id);
  return !card || card.about !== myId();
}

/**
 * The screen a state is shown on.
 * @param {State} state
 * @returns {"join"|"counts"|"columns"|"agreements"|"closed"}
 */
function screenOf(state) {
  const phase = state.workshop.phase;
  if (phase === "join") return "join";
  if ((phase === "drives" || phase === "strengths") && state.workshop.revealed === false) return "counts";
  if (phase === "agreements") return "agreements";
  if (phase === "closed") return "closed";
  return "columns";
}

/**
 * Whether an element takes part in the layout (not hidden by a filter, a collapse or a screen).
 * @param {?Element} node
 * @returns {boolean}
 */
function shown(node) {
  return Boolean(node) && /** @type {Element} */ (node).getClientRects().length > 0;
}

/**
 * The card a link ends at on the people side, when it is on the page shown; null when its
 * group is filtered away or on another page.
 * @param {string} cardId
 * @returns {?HTMLElement}
 */
function cardAnchor(cardId) {
  const card = el.persons.querySelector(`[data-card-id="${CSS.escape(cardId)}"]`);
  return card instanceof HTMLElement && shown(card) ? card : null;
}

/**
 * The goal's element, when it is shown.
 * @param {string} goalId
 * @returns {?Element}
 */
function goalElement(goalId) {
  const goal = el.goals.querySelector(`[data-goal-id="${CSS.escape(goalId)}"]`);
  return shown(goal) ? goal : null;
}

/**
 * Say something to screen readers (the board's aria-live region). The same words twice are
 * still spoken twice.
 * @param {string} message
 */
function announce(message) {
  el.announce.textContent = "";
  window.requestAnimationFrame(() => {
    el.announce.textContent = message;
  });
}

/**
 * The themes, oldest first.
 * @returns {import("./state.js").Theme[]}
 */
function themes() {
  return themesInOrder(current());
}

/**
 * The theme a card is in, if the board shows that theme.
 * @param {Card} card
 * @returns {?string}
 */
function themeOf(card) {
  const id = card.theme_id;
  return card.kind === "drive" && id && themes().some((theme) => theme.id === id) ? id : null;
}

// --- Join screen -------------------------------------------------------------------------------------

/** Names appearing as people join. */
function renderJoinScreen() {
  const people = current().participants;
  const n = people.length;
  setText(part("joined-count"), countText(strings, "joined_count", n));
  part("joining-locked").hidden = !current().workshop.joining_locked;
  reconcile(el.names, people, (p) => p.id,
    () => h("li", { class: "name-chip", "data-testid": "joined-name" }),
    (li, p) => {
      li.className = `name-chip ${colorClass("color", p)}`;
      setText(li, p.name);
    }, { animate: !ui.firstRender });
  el.names.classList.toggle("is-compact", n > 18);
}

// --- The head: phase, hint and timer -----------------------------------------------------------------

/** The phase, what to do in it, and the timer. */
function renderHead() {
  const phase = current().workshop.phase;
  setText(part("phase"), strings[`phase_${phase}`] || phase);
  const hint = (readOnly && strings[`hint_${phase}_read_only`]) || (personal && strings[`hint_${phase}_mine`]) || strings[`hint_${phase}`];
  setText(part("phase-hint"), hint || "");
  // On a participant's own screen the way in is not needed: their own view of the phone is.
  part("late-join").hidden = personal || Boolean(current().workshop.joining_locked) || phase === "closed";
  renderTimer();
}

/** The timer: time left, large enough for the back row; marked in its last seconds; a signal at the end. */
function renderTimer() {
  if (!ui.state) return;
  const w = current().workshop;
  const timer = timerView(w, live.serverNow(), ENDING_SECONDS);
  // data-state tells idle, running and ended; the last seconds are marked as well (is-ending).
  const state = timer.state === "ending" ? "running" : timer.state;
  el.timer.hidden = state === "idle" || ui.screen === "join";
  el.timer.dataset.state = state;
  el.timer.classList.toggle("is-ending", timer.state === "ending");
  el.timer.classList.toggle("has-lock", timer.lock);
  setText(part("board-timer-time"), timer.clock);
  setText(part("board-timer-note"), state === "ended" ? (timer.lock ? `${strings.timer_up} · ${strings.timer_locked}` : strings.timer_up) : "");
  const key = `${w.timer_ends_at}`;
  if (key === ui.timer.key && ui.timer.state === "running" && state === "ended") signalTimeUp();
  // Time up with the lock: a participant's cards stop offering to be dragged (and back again).
  if (personal && timer.lock && state !== ui.timer.state) window.setTimeout(() => ui.state && rerender(), 0);
  ui.timer = { key, state };
}

/** Time is up: the timer glows a few times (never loops) and, if the board was touched once, a soft chime. */
function signalTimeUp() {
  el.timer.dataset.signals = String(Number(el.timer.dataset.signals || 0) + 1);
  el.timer.classList.remove("is-ringing");
  void el.timer.offsetWidth; // restart the animation
  el.timer.classList.add("is-ringing");
  el.timer.addEventListener("animationend", () => el.timer.classList.remove("is-ringing"), { once: true });
  chime();
}

/** Two soft notes, falling: a gentle "time is up". */
function chime() {
  const ctx = ui.audio;
  if (!ctx || ctx.state !== "running") return;
  const start = ctx.currentTime + 0.02;
  for (const [frequency, at] of [[659.25, 0], [523.25, 0.45]]) {
    const tone = ctx.createOscillator();
    const gain = ctx.createGain();
    tone.type = "sine";
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + at);
    gain.gain.exponentialRampToValueAtTime(0.2, start + at + 0.04);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 1.4);
    tone.connect(gain).connect(ctx.destination);
    tone.start(start + at);
    tone.stop(start + at + 1.5);
  }
}

/** Browsers let a page make sound only after a touch, click or key: make the audio then. */
function unlockAudio() {
  if (ui.audio) {
    if (ui.audio.state === "suspended") ui.audio.resume().catch(() => {});
    return;
  }
  // Safari before 14.1 knows it only by its prefixed name.
  const Context = window.AudioContext || /** @type {{webkitAudioContext?: typeof AudioContext}} */ (window).webkitAudioContext;
  if (!Context) return;
  try {
    ui.audio = new Context();
  } catch {
    ui.audio = null;
  }
}

// --- Counts only (drives and strengths before the reveal) -----------------------------------------------

/** How many cards, from how many people, and who is done: no card text. */
function renderCountsScreen() {
  const phase = current().workshop.phase;
  const kind = phase === "strengths" ? "strength" : "drive";
  const cards = current().cards.filter((c) => c.kind === kind);
  const people = current().participants;
  /** @type {Map<?string, number>} */
  const per = new Map(people.map((p) => [p.id, 0]));
  for (const card of cards) per.set(card.about, (per.get(card.about) ?? 0) + 1);
  const withSome = people.filter((p) => (per.get(p.id) ?? 0) > 0).length;
  const done = people.filter((p) => (p.done || []).includes(phase)).length;
  setText(part("counts-title"), strings[`count_title_${phase}`] || "");
  setText(part("hidden-count-cards"), cards.length);
  setText(part("hidden-count-cards-label"), strings[`count_cards_${phase}`] || "");
  setText(part("hidden-count-people"), withSome);
  setText(part("hidden-count-people-label"), format(strings[`count_people_${phase}`] || "", { n: people.length }));
  setText(part("hidden-count-done"), done);
  reconcile(part("count-people"), people, (p) => p.id,
    () => h("li", { class: "count-chip", "data-testid": "count-chip" }),
    (li, person) => {
      const n = per.get(person.id) || 0;
      const isDone = (person.done || []).includes(phase);
      const signature = JSON.stringify([person.name, person.color, n, isDone]);
      li.dataset.participantId = person.id;
      li.dataset.n = String(n);
      li.classList.toggle("has-some", n > 0);
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      li.className = `count-chip ${colorClass("color", person)} ${n > 0 ? "has-some" : ""}`;
      fill(li, h("span", { class: "count-chip-name" }, person.name),
        h("span", { class: "count-chip-n", "aria-label": format(strings.chip_count, { name: person.name, n }) }, String(n)),
        isDone ? icon("check", "count-chip-done") : null);
    }, { animate: !ui.firstRender });
}

// --- Live board: the business ------------------------------------------------------------------------------

/** The business column: each goal with its kind, count of links, and linked cards as chips. */
function renderGoals() {
  const goals = goalsInOrder(current());
  const most = Math.max(0, ...goals.map((g) => linksOfGoal(current(), g.id).length));
  setText(part("goal-count"), goals.length || "");
  part("goals-empty").hidden = goals.length > 0;
  reconcile(el.goals, goals, (g) => g.id,
    () => h("li", { class: "goal", "data-testid": "goal", tabindex: "0" }),
    (li, goal) => {
      const links = linksOfGoal(current(), goal.id);
      const n = links.length;
      li.dataset.goalId = goal.id;
      li.dataset.kind = goal.kind;
      li.hidden = Boolean(ui.filter.kind) && goal.kind !== ui.filter.kind;
      // "Full": among the goals most are drawn to (and at least a few links).
      li.dataset.energy = n === 0 ? "none" : n >= FULL_GOAL_LINKS && n >= most * FULL_SHARE ? "full" : "some";
      const ask = goal.ask && goal.ask.open ? goal.ask : null;
      const signature = JSON.stringify([goal.kind, goal.text, ask, links.map((l) => {
        const card = cardById(current(), l.card_id);
        return [l.id, l.card_id, typeOf(l), (l.endorsements || []).length, card && nameOf(card.about), card && card.kind, mayChange(l),
          mayEndorse(l) && (l.endorsements || []).includes(String(myId()))];
      })]);
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      // Squeezed goals keep who linked them in a line of names, and their +1s beside the count.
      const endorsed = links.reduce((sum, l) => sum + (l.endorsements || []).length, 0);
      const owners = [...new Set(links.map((l) => {
        const card = cardById(current(), l.card_id);
        return card ? nameOf(card.about) : strings.someone;
      }))];
      fill(li,
        h("div", { class: "goal-main" },
          h("p", { class: "goal-kind" }, icon(goal.kind), h("span", {}, strings[`kind_${goal.kind}`] || goal.kind)),
          h("p", { class: "goal-text", "data-testid": "goal-text" }, goal.text),
          // Listed in the marketplace (issue 15): what it asks for, and the effort.
          ask ? h("p", { class: "goal-ask", "data-testid": "goal-ask" }, icon("people"),
            h("span", {}, ask.text ? format(strings.goal_asks, { text: ask.text }) : strings.goal_asks_open),
            ask.effort ? h("span", { class: "goal-effort", "data-testid": "goal-effort" }, format(strings.goal_effort, { effort: ask.effort })) : null) : null,
          n ? h("p", { class: "goal-owners", "data-testid": "goal-owners", "aria-hidden": "true" }, owners.join(", ")) : null),
        h("p", { class: "goal-tally" },
          endorsed ? h("span", { class: "goal-plus", "data-testid": "goal-endorsements",
            title: countText(strings, "endorsed_label", endorsed) }, format(strings.endorsed, { n: endorsed })) : null,
          h("span", { class: "goal-count", "data-testid": "goal-link-count", "aria-label": linkCountText(strings, n) },
            n === 0 ? icon("open") : null, h("span", { class: "goal-count-n" }, String(n)),
            h("span", { class: "goal-count-label" }, n === 0 ? strings.goal_open : ""))),
        n ? h("ul", { class: "goal-chips" }, links.map((link) => goalChip(link, goal))) : null);
    }, { animate: !ui.firstRender });
}

/**
 * A small chip under a goal for one linked card: how it relates (icon), whose card, its
 * endorsements, and a remove button.
 * @param {Link} link
 * @param {import("./state.js").Goal} goal
 * @returns {HTMLElement}
 */
function goalChip(link, goal) {
  const card = cardById(current(), link.card_id);
  const person = card ? participantById(current(), card.about) : null;
  const anonymous = card && (card.about === null || card.about === undefined);
  const name = person ? person.name : anonymous ? strings.anonymous : strings.someone;
  const label = format(strings.link_between, { card: card ? card.text : "", goal: goal.text });
  const type = typeOf(link);
  const endorsements = (link.endorsements || []).length;
  return h("li", { class: `link-chip edge-${card ? colorOfCard(card) : 0} type-${type}`, "data-testid": "goal-link-chip",
    dataset: { linkId: link.id, cardId: link.card_id, type }, title: card ? card.text : "" },
  icon(type),
  h("span", { class: "visually-hidden" }, `${typeWords(strings, link)}: `),
  h("span", { class: "link-chip-name" }, name),
  endorsements ? h("span", { class: "chip-endorsements", "data-testid": "chip-endorsements",
    title: countText(strings, "endorsed_label", endorsements) }, format(strings.endorsed, { n: endorsements })) : null,
  // On one's own board a colleague's chip carries its +1 (reached with Tab once its goal is selected).
  mayEndorse(link) ? endorseButton(link, label) : null,
  !mayChange(link) ? null : h("button", { type: "button", class: "chip-remove", "data-testid": "chip-remove", "aria-label": `${strings.remove_link}: ${label}`,
    title: strings.remove_link, onclick: (event) => {
      event.stopPropagation();
      removeLink(link.id);
    } }, icon("close")));
}

/**
 * The +1 on a colleague's chip: pressed when this person gave theirs.
 * @param {Link} link
 * @param {string} label the link in words
 * @returns {HTMLElement}
 */
function endorseButton(link, label) {
  const mine = (link.endorsements || []).includes(String(myId()));
  return h("button", { type: "button", class: "chip-endorse", "data-testid": "chip-endorse", "aria-pressed": String(mine),
    "aria-label": `${mine ? strings.endorse_off : strings.endorse_on}: ${label}`, title: mine ? strings.endorse_off : strings.endorse_on,
    onclick: (/** @type {Event} */ event) => {
      event.stopPropagation();
      toggleEndorsement(link.id);
    } }, icon("thumb"));
}

// --- Live board: the people ----------------------------------------------------------------------------------

/**
 * One card on the people side.
 * @param {Card} card
 * @param {number|string} color
 * @returns {HTMLElement}
 */
function cardElement(card, color) {
  const unlinked = linksOfCard(current(), card.id).length === 0;
  const author = participantById(current(), card.author);
  // In a theme a drive keeps its person's colour; the theme's head names who is in it.
  const by = card.kind === "strength" && author ? format(strings.by_person, { name: author.name }) : "";
  // On one's own board one's own cards are marked, and so is who else sees them.
  const mine = personal && card.about === myId();
  const seen = mine && card.kind === "drive" && card.visibility !== "named" ? card.visibility : "";
  const note = seen === "facilitator" ? strings.mine_private : seen === "anonymous" ? strings.mine_anonymous : "";
  return h("li", {
    class: `card kind-${card.kind} edge-${color} ${unlinked ? "is-unlinked" : ""} ${mine ? "is-mine" : ""} ${mayLink(card) ? "is-linkable" : ""}`,
    "data-testid": "card", tabindex: "0",
    dataset: { cardId: card.id, kind: card.kind, ...(mine ? { mine: seen || "named" } : {}) },
    title: note ? `${card.text}\n${note}` : card.text, // a squeezed card shows its whole text on hover
  },
  note ? h("span", { class: "card-seen", "data-testid": "card-seen", title: note }, icon(seen), h("span", { class: "visually-hidden" }, `${note} `)) : null,
  h("span", { class: "card-kind", title: strings[`kind_${card.kind}`] }, icon(card.kind), h("span", { class: "visually-hidden" }, `${strings[`kind_${card.kind}`]}: `)),
  // The text is cut after a few lines; whose it is (in a theme) or who named it stays below it.
  h("span", { class: "card-body" }, h("span", { class: "card-text", "data-testid": "card-text" }, card.text),
    by ? h("span", { class: "card-by", "data-testid": "card-by" }, by) : null),
  // Offered by its person in the marketplace: a small word, not a colour.
  card.offered ? h("span", { class: "card-offered", "data-testid": "card-offered", title: strings.card_offered }, strings.card_offered) : null,
  unlinked ? h("span", { class: "card-open", title: strings.no_outlet }, icon("open"), h("span", { class: "visually-hidden" }, strings.no_outlet)) : null);
}

/**
 * The groups on the people side: the themes first (each with its drives), then each person with
 * their drives in no theme and the strengths others named, then (when there are any) the drives
 * shown without a name and in no theme.
 * @returns {Group[]}
 */
function peopleGroups() {
  const state = current();
  const known = groupsOf.get(state);
  if (known) return known;
  /** @type {Group[]} */
  const groups = [];
  for (const theme of themes()) {
    const drives = cardsOfTheme(state, theme.id).filter((c) => c.kind === "drive");
    if (drives.length) groups.push({ key: `theme:${theme.id}`, kind: "theme", id: theme.id, name: theme.name, color: "theme", drives, strengths: [] });
  }
  // Each person's cards in one pass over the cards (not one pass per person), oldest first.
  /** @type {Map<string, {drives: Card[], strengths: Card[]}>} */
  const own = new Map(state.participants.map((p) => [p.id, { drives: [], strengths: [] }]));
  /** @type {{drives: Card[], strengths: Card[]}} */
  const anonymous = { drives: [], strengths: [] };
  const themed = new Set(themes().map((theme) => theme.id));
  const byAge = state.cards.slice().sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  for (const card of byAge) {
    if (card.kind === "drive" && card.theme_id && themed.has(card.theme_id)) continue;
    const into = card.about ? own.get(card.about) : anonymous;
    if (into) (card.kind === "drive" ? into.drives : into.strengths).push(card);
  }
  for (const person of state.participants) {
    const cards = own.get(person.id) || { drives: [], strengths: [] };
    const group = { key: person.id, kind: /** @type {const} */ ("person"), id: person.id, name: person.name, color: paletteOf(person), ...cards };
    // On one's own board one's own cards come first: they are the ones to drag.
    if (personal && person.id === state.me.id) groups.unshift(group);
    else groups.push(group);
  }
  if (anonymous.drives.length || anonymous.strengths.length) {
    groups.push({ key: ANONYMOUS, kind: "anonymous", id: ANONYMOUS, name: strings.anonymous, color: "anon", ...anonymous });
  }
  const all = groups.flatMap(split);
  groupsOf.set(state, all);
  return all;
}

/** The groups of each state shown (a state is never changed: a change makes a new one). @type {WeakMap<State, Group[]>} */
const groupsOf = new WeakMap();

/**
 * A group too big for one column goes on in parts of at most GROUP_CARDS cards; each part
 * repeats the name (a theme's head, with its count and people, stays with the first).
 * @param {Group} group
 * @returns {Group[]}
 */
function split(group) {
  const cards = [...group.drives, ...group.strengths];
  if (cards.length <= GROUP_CARDS) return [group];
  /** @type {Group[]} */
  const parts = [];
  for (let start = 0, part = 0; start < cards.length; start += GROUP_CARDS, part += 1) {
    const some = cards.slice(start, start + GROUP_CARDS);
    parts.push({ ...group, key: part ? `${group.key}:${part}` : group.key, part, all: group.drives,
      drives: some.filter((c) => c.kind === "drive"), strengths: some.filter((c) => c.kind === "strength") });
  }
  return parts;
}

/**
 * Who is in a theme, in words: the named drives' people, then how many are anonymous.
 * @param {Card[]} drives
 * @returns {string}
 */
function themePeople(drives) {
  // One's own anonymous drive reaches one's own board with its person: it is still counted as anonymous.
  const named = (/** @type {Card} */ c) => Boolean(c.about) && c.visibility !== "anonymous";
  const names = [...new Set(drives.filter(named).map((c) => nameOf(c.about)))].sort((a, b) => a.localeCompare(b));
  const anonymous = drives.filter((c) => !named(c)).length;
  return [...names, anonymous ? countText(strings, "theme_anonymous", anonymous) : ""].filter(Boolean).join(", ");
}

/**
 * A theme's head: its name (a handle to drag it onto a goal; a click renames it), how many drives,
 * who is in it, and a button that undoes it.
 * @param {Group} group
 * @returns {HTMLElement[]}
 */
function themeHead(group) {
  const name = ui.editingTheme === group.id && facilitating
    ? h("input", { class: "theme-input", "data-testid": "theme-input", value: group.name, maxlength: String(LIMITS.THEME_NAME_MAX),
      "aria-label": strings.theme_name_label, dataset: { themeId: group.id } })
    : h("button", { type: "button", class: "theme-name", "data-testid": "theme-name", dataset: { themeId: group.id },
      title: !facilitating ? "" : format(strings.theme_rename, { theme: group.name }) }, icon("people"), group.name);
  return [
    h("p", { class: "person-head theme-head" }, name,
      h("span", { class: "theme-count", "data-testid": "theme-count" }, countText(strings, "theme_drives", (group.all || group.drives).length)),
      !facilitating ? null : h("button", { type: "button", class: "theme-remove", "data-testid": "theme-remove", dataset: { themeId: group.id },
        "aria-label": format(strings.theme_remove, { theme: group.name }), title: format(strings.theme_remove, { theme: group.name }) }, icon("close"))),
    h("p", { class: "theme-people", "data-testid": "theme-people" }, themePeople(group.all || group.drives)),
  ];
}

/** The people column: the themes, then each person with their drives, then strengths named by others. */
function renderPeople() {
  const people = current().participants;
  setText(part("people-count"), people.length || "");
  part("people-empty").hidden = people.length > 0;
  const linked = new Set(current().links.map((l) => l.card_id));
  reconcile(el.persons, peopleGroups(), (g) => g.key,
    (group) => h("li", { class: "person", "data-testid": group.kind === "theme" ? "theme" : "person" }),
    (li, group) => {
      const { drives, strengths } = group;
      const isTheme = group.kind === "theme";
      if (isTheme) li.dataset.themeId = group.id;
      else li.dataset.participantId = group.id;
      li.classList.toggle("is-anonymous", group.kind === "anonymous");
      li.classList.toggle("is-theme", isTheme);
      li.hidden = Boolean(ui.filter.person) && ui.filter.person !== group.id
        && !(isTheme && drives.some((c) => c.about === ui.filter.person));
      if (isTheme && ui.editingTheme === group.id && li.querySelector("[data-testid=theme-input]")) return;
      const signature = JSON.stringify([group.name, group.color, ui.editingTheme === group.id,
        [...drives, ...strengths].map((c) => [c.id, c.text, c.author && nameOf(c.author), isTheme && nameOf(c.about), linked.has(c.id), c.visibility, mayLink(c),
          Boolean(c.offered)])]);
      if (li.dataset.signature === signature) return;
      const before = new Set(Array.from(li.querySelectorAll("[data-card-id]"), (c) => c.getAttribute("data-card-id")));
      li.dataset.signature = signature;
      const cards = [
        ...drives.map((c) => cardElement(c, isTheme ? colorOfCard(c) : group.color)),
        strengths.length ? h("li", { class: "strengths-label" }, icon("strength"), strings.strengths_from_others) : null,
        ...strengths.map((c) => cardElement(c, group.color)),
      ];
      if (!ui.firstRender && li.dataset.rendered) {
        for (const card of cards) {
          if (card && card.dataset.cardId && !before.has(card.dataset.cardId)) card.classList.add("is-new");
        }
      }
      li.dataset.rendered = "1";
      li.classList.toggle("is-part", Boolean(group.part));
      fill(li,
        ...(isTheme && !group.part ? themeHead(group) : isTheme ? [h("p", { class: "person-head theme-head" },
          h("span", { class: "theme-name is-part", dataset: { themeId: group.id } }, icon("people"), group.name))] : [h("p", { class: "person-head" },
          h("button", { type: "button", class: `person-name chip color-${group.color}`, "data-testid": "person-name", dataset: { personId: group.id } },
            group.kind === "anonymous" ? icon("anonymous") : null, group.name,
            personal && group.id === myId() ? h("span", { class: "person-you" }, ` (${strings.you_mark})`) : null))]),
        h("ul", { class: "person-cards" }, cards));
      if (isTheme && ui.editingTheme === group.id) {
        const input = li.querySelector("[data-testid=theme-input]");
        if (input instanceof HTMLInputElement) {
          input.focus({ preventScroll: true });
          input.select();
        }
      }
    }, { animate: !ui.firstRender });
}

/** The filter's list of people follows who is here. */
function renderFilters() {
  const select = part("filter-person", HTMLSelectElement);
  const groups = peopleGroups().filter((g) => g.kind !== "theme" && !g.part);
  if (ui.filter.person && !groups.some((g) => g.id === ui.filter.person)) ui.filter.person = "";
  // Sixty options rebuilt on every card would cost a layout each time: only when the people change.
  const signature = JSON.stringify(groups.map((g) => [g.id, g.name]));
  if (select.dataset.signature !== signature) {
    select.dataset.signature = signature;
    const options = [{ id: "", name: select.options[0] ? select.options[0].textContent : "" }, ...groups];
    reconcile(select, options, (o) => o.id || "all",
      (o) => h("option", { value: o.id }),
      (option, o) => setText(option, o.name));
  }
  if (select.value !== ui.filter.person) select.value = ui.filter.person;
  const kind = part("filter-kind", HTMLSelectElement);
  if (kind.value !== ui.filter.kind) kind.value = ui.filter.kind;
}

/**
 * Whether a list shows more than its box holds (the people's columns overflow sideways).
 * @param {HTMLElement} list
 * @returns {boolean}
 */
function overflows(list) {
  return list.scrollHeight > list.clientHeight + 1 || list.scrollWidth > list.clientWidth + 1;
}

/**
 * Fit the columns to the screen: try denser layouts until nothing overflows; people who still do
 * not fit are laid out in further columns, shown a page (a screenful of columns) at a time.
 * Only re-run what changed: a link drawn fits the goals again, not the people. While the people
 * page, a change is fitted on the page shown (a group that no longer fits moves on to the next
 * page) and the pages are laid out whole again when they turn: laying out every page of a room of
 * sixty costs a hundred milliseconds or more, too much for each card that arrives.
 * @param {boolean} force
 */
function fitDensity(force) {
  const size = JSON.stringify([window.innerWidth, window.innerHeight, ui.screen, ui.filter]);
  const people = [current().participants.length, current().cards.length, themes().length];
  const goals = [current().goals.length, current().links.length];
  const resized = force || size !== ui.fit.size;
  const grew = (/** @type {number[]} */ now, /** @type {number[]} */ before) => before.length > 0 && now.every((n, i) => n >= before[i]);
  if (resized || people.join() !== ui.fit.people.join()) {
    if (!resized && ui.pages > 1) refitPage();
    else fitList(el.persons, "peopleDensity", !resized && grew(people, ui.fit.people));
    if (resized || ui.pages <= 1) paginate();
  }
  // Squeezed (density 2 and up) a goal shows no chips: one more link cannot change its height.
  const onlyLinks = goals[0] === ui.fit.goals[0] && Number(el.board.dataset.goalDensity || 0) >= 2;
  if (resized || (goals.join() !== ui.fit.goals.join() && !onlyLinks)) fitList(el.goals, "goalDensity", !resized && grew(goals, ui.fit.goals));
  ui.fit = { size, people, goals };
}

/**
 * Try denser layouts of one list until it fits (from the density shown when only more arrived).
 * @param {HTMLElement} list
 * @param {"peopleDensity"|"goalDensity"} attribute
 * @param {boolean} fromCurrent
 */
function fitList(list, attribute, fromCurrent) {
  const max = MAX_DENSITY[attribute];
  if (list === el.persons) for (const li of list.children) li.classList.remove("is-off-page");
  let density = fromCurrent ? Number(el.board.dataset[attribute] || 0) : 0;
  for (; density <= max; density += 1) {
    el.board.dataset[attribute] = String(density);
    if (!overflows(list)) break;
  }
  el.board.dataset[attribute] = String(Math.min(density, max));
}

/**
 * While paging: new groups join the last page; groups that no longer fit on the page shown move
 * on to the next. The pages are laid out whole again at the next turn.
 */
function refitPage() {
  ui.pagesDirty = true;
  for (const li of el.persons.children) {
    if (!(li instanceof HTMLElement) || li.dataset.page !== undefined) continue;
    li.dataset.page = String(ui.pages - 1);
  }
  showPage(ui.page, false);
  const here = () => Array.from(el.persons.children).filter((li) => li instanceof HTMLElement && li.dataset.page === String(ui.page) && !li.hidden);
  for (let shown = here(); overflows(el.persons) && shown.length > 1; shown = here()) {
    const last = /** @type {HTMLElement} */ (shown[shown.length - 1]);
    last.dataset.page = String(ui.page + 1);
    last.classList.add("is-off-page");
    ui.pages = Math.max(ui.pages, ui.page + 2);
  }
  showPage(ui.page, false);
}

// --- Pages of people: columns that turn by themselves ---------------------------------------------------------

/**
 * Which page each group is on: the people's list lays all its groups out in as many columns as
 * they need (column-fill: auto); each screenful of columns is a page. Then only the page shown
 * stays in the layout.
 */
function paginate() {
  const list = el.persons;
  for (const li of list.children) li.classList.remove("is-off-page");
  const style = getComputedStyle(list);
  const perPage = Math.max(1, Number(style.columnCount) || 1);
  const gap = parseFloat(style.columnGap) || 0;
  // Fractions of a pixel matter: seven pages on, a rounded width would misplace a column.
  const pitch = (list.getBoundingClientRect().width + gap) / perPage;
  let last = 0;
  for (const li of list.children) {
    if (!(li instanceof HTMLElement) || li.hidden) continue;
    const page = Math.floor(Math.round(li.offsetLeft / pitch) / perPage);
    li.dataset.page = String(page);
    last = Math.max(last, page);
  }
  ui.pages = last + 1;
  ui.pagesDirty = false;
  showPage(Math.min(ui.page, ui.pages - 1), false);
}

/**
 * Show one page of people (the others leave the layout).
 * @param {number} page
 * @param {boolean} animate
 */
function showPage(page, animate) {
  const turned = page !== ui.page;
  ui.page = page;
  const list = el.persons;
  /** @type {string[]} */
  const names = [];
  for (const li of list.children) {
    if (!(li instanceof HTMLElement)) continue;
    const here = ui.pages <= 1 || li.dataset.page === String(page);
    li.classList.toggle("is-off-page", !here);
    if (here && !li.hidden) {
      const name = li.querySelector("[data-testid=person-name], [data-testid=theme-name], [data-testid=theme-input]");
      if (name) names.push(name instanceof HTMLInputElement ? name.value : name.textContent || "");
    }
  }
  el.board.classList.toggle("is-paged", ui.pages > 1);
  part("pager").hidden = ui.pages <= 1;
  setText(part("page-label"), ui.pages > 1
    ? `${names[0] || ""} – ${names[names.length - 1] || ""} · ${format(strings.page_of, { page: page + 1, pages: ui.pages })}`
    : "");
  if (turned && animate && !prefersReducedMotion()) {
    list.classList.remove("is-turning");
    void list.offsetWidth; // restart the fade
    list.classList.add("is-turning");
  }
  if (turned) scheduleLinks();
  schedulePage();
}

/**
 * Turn to a page; pages changed since they were laid out are laid out again first.
 * @param {number} step +1 or -1
 */
function turnPage(step) {
  if (ui.pagesDirty) paginate();
  if (ui.pages > 1) showPage((ui.page + step + ui.pages) % ui.pages, true);
}

/** The next page comes up after a while, unless paused or someone is busy on the board. */
function schedulePage() {
  window.clearTimeout(ui.pageTimer);
  ui.pageTimer = 0;
  const pause = part("page-pause");
  pause.setAttribute("aria-pressed", String(ui.paused));
  setText(pause, ui.paused ? strings.pages_resume : strings.pages_pause);
  if (ui.pages <= 1 || ui.paused || ui.screen !== "columns") return;
  ui.pageTimer = window.setTimeout(() => {
    // Never turn the page under someone's hand: pointing, dragging, a selection or a name being typed.
    if (ui.drag || ui.hover || ui.selected || ui.editingTheme || document.hidden) schedulePage();
    else turnPage(1);
  }, PAGE_SECONDS * 1000);
}

/**
 * Bring the page a card is on to the front (a card reached with the keyboard, say).
 * @param {Element} node
 */
function revealPageOf(node) {
  const group = node.closest("[data-page]");
  if (group && ui.pages > 1 && Number(group.getAttribute("data-page")) !== ui.page) showPage(Number(group.getAttribute("data-page")), true);
}

// --- Agreements screen ------------------------------------------------------------------------------------

/**
 * One agreement, as the room reads it: done or not, what, who, by when.
 * @param {Agreement} agreement
 * @returns {HTMLElement}
 */
function boardAgreement(agreement) {
  // An owner who has since left is no longer named (the server cleared it; this state may not know yet).
  const meta = agreementMeta(strings, current(), agreement, pageLanguage());
  return h("li", { class: `board-agreement ${agreement.done ? "is-done" : ""}`, "data-testid": "board-agreement",
    dataset: { agreementId: agreement.id } },
  agreement.done ? icon("check", "ag-done") : icon("next", "ag-todo"),
  agreement.done ? h("span", { class: "visually-hidden" }, `${strings.agreement_done}: `) : null,
  h("span", { class: "ag-text" }, agreement.text),
  meta ? h("span", { class: "ag-meta" }, meta) : null);
}

/** The links with their agreements, by goal; links without one are named briefly after. */
function renderAgreementsScreen() {
  const agreements = current().agreements || [];
  const goals = goalsInOrder(current()).filter((g) => linksOfGoal(current(), g.id).length > 0);
  part("ag-empty").hidden = goals.length > 0;
  reconcile(part("ag-goals"), goals, (g) => g.id,
    () => h("li", { class: "ag-goal", "data-testid": "ag-goal" }),
    (li, goal) => {
      const links = linksOfGoal(current(), goal.id);
      const agreed = (/** @type {Link} */ link) => agreements.filter((a) => a.link_id === link.id)
        .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
      const withAgreements = links.filter((l) => agreed(l).length);
      const others = links.filter((l) => !agreed(l).length);
      const signature = JSON.stringify([goal.text, goal.kind, links.map((l) => {
        const card = cardById(current(), l.card_id);
        return [l.id, typeOf(l), card && card.text, card && nameOf(card.about),
          agreed(l).map((a) => [a.text, a.owner && participantById(current(), a.owner)?.name, a.due, a.done])];
      })]);
      li.dataset.goalId = goal.id;
      li.classList.toggle("has-agreements", withAgreements.length > 0);
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      fill(li,
        h("h3", { class: "ag-goal-text" }, icon(goal.kind), h("span", {}, goal.text)),
        withAgreements.length ? h("ul", { class: "ag-links" }, withAgreements.map((link) => {
          const card = cardById(current(), link.card_id);
          const type = typeOf(link);
          return h("li", { class: "ag-link", "data-testid": "ag-link", dataset: { linkId: link.id } },
            h("p", { class: "ag-link-head" },
              icon(type, "ag-type"), h("span", { class: "visually-hidden" }, `${typeWords(strings, link)}: `),
              h("span", { class: `chip color-${card ? colorOfCard(card) : "anon"}` }, card ? nameOf(card.about) : strings.someone),
              h("span", { class: "ag-card" }, card ? card.text : "")),
            h("ul", { class: "ag-items" }, agreed(link).map(boardAgreement)));
        })) : null,
        others.length ? h("p", { class: "ag-also", "data-testid": "ag-also" }, h("span", { class: "ag-also-label" }, strings.also_linked),
          others.map((link) => {
            const card = cardById(current(), link.card_id);
            return h("span", { class: `link-chip edge-${card ? colorOfCard(card) : 0}`, title: card ? card.text : "" },
              icon(typeOf(link)), h("span", { class: "link-chip-name" }, card ? nameOf(card.about) : strings.someone));
          })) : null);
    }, { animate: !ui.firstRender });
  fitAgreements();
}

/** Agreements too many for the screen get smaller type, never under 18 px. */
function fitAgreements() {
  const list = part("ag-goals");
  for (let density = 0; density <= MAX_AGREEMENT_DENSITY; density += 1) {
    el.board.dataset.agDensity = String(density);
    if (list.scrollHeight <= list.clientHeight + 1 && list.scrollWidth <= list.clientWidth + 1) break;
  }
}

// --- Closed screen ------------------------------------------------------------------------------------

/** A calm thank-you with what the session brought: coverage, links, agreements, people, open asks. */
function renderClosedScreen() {
  const goals = goalsInOrder(current());
  const linkedGoals = new Set(current().links.map((l) => l.goal_id));
  const linkedCards = new Set(current().links.map((l) => l.card_id));
  const open = goals.filter((g) => !linkedGoals.has(g.id));
  setText(part("coverage-goals"), format(strings.coverage_goals, { linked: goals.length - open.length, total: goals.length }));
  setText(part("coverage-goals-label"), strings.coverage_goals_label);
  setText(part("coverage-links"), current().links.length);
  setText(part("coverage-agreements"), (current().agreements || []).length);
  setText(part("coverage-people"), current().participants.length);
  setText(part("coverage-unlinked"), current().cards.filter((c) => c.kind === "drive" && !linkedCards.has(c.id)).length);
  part("open-asks-box").classList.toggle("is-empty", open.length === 0);
  /** @type {Array<{id: string, text: string, kind: string}>} */
  const asks = open.length ? open : [{ id: "none", text: strings.nothing_open, kind: "" }];
  reconcile(part("open-asks"), asks, (g) => g.id,
    () => h("li", { class: "open-ask" }),
    (li, goal) => {
      li.classList.toggle("is-none", goal.id === "none");
      fill(li, goal.kind ? icon(goal.kind) : icon("check"), h("span", {}, goal.text));
    });
}

// --- Links (SVG) ----------------------------------------------------------------------------------------

let frame = 0;

/** Redraw the curves on the next animation frame (coalesces resize, scroll and state bursts). */
function scheduleLinks() {
  if (frame) return;
  frame = window.requestAnimationFrame(() => {
    frame = 0;
    drawLinks();
  });
}

/**
 * The columns of the page of people shown, with the gaps between their groups.
 * @param {DOMRect} base the overlay's rectangle
 * @returns {import("./board/geometry.js").Column[]}
 */
function peopleColumns(base) {
  const groups = Array.from(el.persons.children, (li) => li.getBoundingClientRect());
  return columnsOf(groups, el.peopleWindow.getBoundingClientRect(), base);
}

/** Draw (or move) every link's curve. */
function drawLinks() {
  if (!ui.state || ui.screen !== "columns") return;
  const base = el.columns.getBoundingClientRect();
  if (!base.width) return;
  const animate = !ui.firstRender && !prefersReducedMotion();
  const windowBox = el.peopleWindow.getBoundingClientRect();
  const peopleEdge = windowBox.left - base.left;
  const columns = peopleColumns(base);
  // A curve to a card in a second or third column would cross the people in front: at rest only
  // the first column's cards show theirs; pointing at or selecting a card, goal or person brings
  // its curves out (the goal's names and count say the rest).
  const firstRight = columns.length ? columns[0].right + base.left : Infinity;
  const goalsBox = el.goals.getBoundingClientRect();
  // Every position is read before anything is written: a write between two reads would make the
  // browser lay the page out again for each curve.
  // The cards and goals shown, found once (not two lookups per curve).
  /** @type {Map<string, Element>} */
  const shownCards = new Map();
  for (const group of el.persons.children) {
    if (group.classList.contains("is-off-page") || /** @type {HTMLElement} */ (group).hidden) continue;
    for (const card of group.querySelectorAll("[data-testid=card]")) shownCards.set(card.getAttribute("data-card-id") || "", card);
  }
  /** @type {Map<string, Element>} */
  const shownGoals = new Map();
  for (const goal of el.goals.children) if (!(/** @type {HTMLElement} */ (goal).hidden)) shownGoals.set(goal.getAttribute("data-goal-id") || "", goal);
  const drawable = current().links.flatMap((link) => {
    const goalEl = shownGoals.get(link.goal_id);
    const cardEl = shownCards.get(link.card_id);
    if (!goalEl || !cardEl) return [];
    const cardBox = cardEl.getBoundingClientRect();
    const { goal, card: end } = endpoints(goalEl.getBoundingClientRect(), cardBox, goalsBox, windowBox, base);
    return [{ link, goal, end, far: cardBox.left > firstRight, d: linkPath(goal, end, columns, peopleEdge) }];
  });
  el.svg.setAttribute("width", String(base.width));
  el.svg.setAttribute("height", String(base.height));
  el.svg.setAttribute("viewBox", `0 0 ${base.width} ${base.height}`);
  el.board.classList.toggle("is-busy", current().links.length > BUSY_LINKS);
  reconcile(el.layer, drawable, ({ link }) => link.id,
    ({ link }) => s("g", { class: "link", dataset: { link: link.id } },
      s("path", { class: "link-hit" }),
      s("path", { class: "link-casing" }),
      s("path", { class: "link-line", "data-testid": "link", dataset: { linkId: link.id, cardId: link.card_id, goalId: link.goal_id } }),
      s("circle", { class: "link-end", r: "6" }),
      s("circle", { class: "link-end", r: "6" })),
    (group, { link, goal, end, far, d }) => {
      const card = cardById(current(), link.card_id);
      const type = typeOf(link);
      const focusClasses = ["is-focus", "is-related", "is-selected"].filter((c) => group.classList.contains(c));
      // Only what changed is written: 120 curves restyled for every card would cost a frame.
      const classes = ["link", `type-${type}`, `kind-${card ? card.kind : "drive"}`, `stroke-${card ? colorOfCard(card) : 0}`,
        ...(far ? ["is-far"] : []), ...focusClasses].join(" ");
      if (group.getAttribute("class") !== classes) group.setAttribute("class", classes);
      const [hit, casing, line, endA, endB] = /** @type {SVGPathElement[]} */ (Array.from(group.children));
      if (line.getAttribute("d") !== d) for (const path of [hit, casing, line]) path.setAttribute("d", d);
      if (line.dataset.type !== type) line.dataset.type = type;
      for (const [circle, at] of /** @type {const} */ ([[endA, goal], [endB, end]])) {
        const x = at.x.toFixed(1);
        const y = at.y.toFixed(1);
        if (circle.getAttribute("cx") !== x) circle.setAttribute("cx", x);
        if (circle.getAttribute("cy") !== y) circle.setAttribute("cy", y);
      }
      if (!ui.drawn.has(link.id)) {
        ui.drawn.add(link.id);
        if (animate) {
          drawIn([casing, line], goal, end);
        }
      }
    });
  applyFocus();
}

/**
 * Let a new curve draw itself once (stroke-dash trick, as an animation of its own), then hand
 * its style back to the CSS. The dash is as long as the curve can be (its ends' distance, with
 * room for the bends), so nothing is measured: asking the path for its length would make the
 * browser lay out the page once more for every new link. The clean-up is on a timer, so a curve
 * redrawn or hidden meanwhile is never left half drawn.
 * @param {SVGPathElement[]} paths
 * @param {{x: number, y: number}} from
 * @param {{x: number, y: number}} to
 */
function drawIn(paths, from, to) {
  const length = Math.ceil(2 * (Math.abs(to.x - from.x) + Math.abs(to.y - from.y))) + 2;
  for (const path of paths) {
    path.style.strokeDasharray = `${length}`;
    path.animate([{ strokeDashoffset: `${length}` }, { strokeDashoffset: "0" }], { duration: DRAW_IN_MS, easing: "ease-out" });
    window.setTimeout(() => {
      path.style.strokeDasharray = "";
    }, DRAW_IN_MS + 50);
  }
}

// --- Focus: highlight one card's, goal's, person's or link's links and dim the rest ------------------------

/**
 * The links a focus stands for.
 * @param {{type: string, id: string}} focus
 * @returns {Link[]}
 */
function linksOfFocus(focus) {
  if (focus.type === "card") return linksOfCard(current(), focus.id);
  if (focus.type === "goal") return linksOfGoal(current(), focus.id);
  if (focus.type === "person") {
    const cards = new Set(current().cards.filter((c) => (focus.id === ANONYMOUS ? !c.about : c.about === focus.id)).map((c) => c.id));
    return current().links.filter((l) => cards.has(l.card_id));
  }
  return current().links.filter((l) => l.id === focus.id);
}

/** What applyFocus marked last (nothing to clear on the next render when it is empty). */
const marked = new Set();

/** Mark the focused item and everything linked to it; the CSS dims the rest. */
function applyFocus() {
  const focus = ui.selected || ui.hover;
  if (marked.size) {
    for (const node of el.board.querySelectorAll(".is-related, .is-focus, .is-selected")) node.classList.remove("is-related", "is-focus", "is-selected");
    for (const node of el.board.querySelectorAll("[aria-current]")) node.removeAttribute("aria-current");
    marked.clear();
  }
  el.board.classList.toggle("has-focus", Boolean(focus));
  // Goals wait for a drop only when the selected card is this board's to link.
  el.board.classList.toggle("is-choosing-goal", ui.selected?.type === "card" && Boolean(ui.state) && mayLink(cardById(current(), ui.selected.id)));
  if (!focus || !ui.state) {
    renderLinkActions();
    return;
  }
  const links = linksOfFocus(focus);
  const mark = (/** @type {?Element} */ node, /** @type {string[]} */ ...classes) => {
    if (!node) return;
    node.classList.add(...classes);
    marked.add(node);
  };
  const focusClasses = focus === ui.selected ? ["is-focus", "is-selected"] : ["is-focus"];
  if (focus.type === "card") {
    const card = el.persons.querySelector(`[data-card-id="${CSS.escape(focus.id)}"]`);
    mark(card, ...focusClasses);
    if (card && focus === ui.selected) {
      card.setAttribute("aria-current", "true");
      marked.add(card);
    }
    mark(cardAnchor(focus.id), "is-related");
  }
  if (focus.type === "goal") mark(goalElement(focus.id), ...focusClasses);
  if (focus.type === "person") {
    const chip = el.persons.querySelector(`[data-testid=person-name][data-person-id="${CSS.escape(focus.id)}"]`);
    mark(chip, ...focusClasses);
    for (const card of el.persons.querySelectorAll(`[data-participant-id="${CSS.escape(focus.id)}"] [data-testid=card]`)) mark(card, "is-related");
  }
  for (const link of links) {
    mark(el.layer.querySelector(`[data-link="${CSS.escape(link.id)}"]`), "is-related");
    mark(goalElement(link.goal_id), "is-related");
    mark(el.persons.querySelector(`[data-card-id="${CSS.escape(link.card_id)}"]`), "is-related");
    mark(cardAnchor(link.card_id), "is-related");
    mark(el.goals.querySelector(`[data-testid=goal-link-chip][data-link-id="${CSS.escape(link.id)}"]`), "is-related");
  }
  if (focus.type === "link") mark(el.layer.querySelector(`[data-link="${CSS.escape(focus.id)}"]`), ...focusClasses);
  renderLinkActions();
}

/** The bars that offer to remove the selected link, or to take the selected drive out of its theme. */
function renderLinkActions() {
  const chosen = ui.selected;
  const themed = chosen && chosen.type === "card" && !ui.drag ? cardById(current(), chosen.id) : null;
  const theme = themed ? themes().find((t) => t.id === themeOf(themed)) : null;
  part("card-actions").hidden = !theme || !facilitating;
  if (themed && theme && facilitating) setText(part("card-actions-text"), format(strings.card_in_theme, { card: themed.text, theme: theme.name }));
  const selected = ui.selected;
  const link = selected && selected.type === "link" ? current().links.find((l) => l.id === selected.id) : null;
  const changes = mayChange(link);
  const endorses = mayEndorse(link);
  el.linkActions.hidden = !link || !(changes || endorses);
  if (!link || el.linkActions.hidden) return;
  const card = cardById(current(), link.card_id);
  const goal = goalById(current(), link.goal_id);
  const words = { card: card ? card.text : "", goal: goal ? goal.text : "" };
  // A colleague's link says whose it is: that is what a +1 recognises.
  setText(part("link-actions-text"), endorses
    ? format(strings.link_of, { ...words, name: card?.about ? nameOf(card.about) : strings.anonymous })
    : format(strings.link_between, words));
  part("link-types").hidden = !changes || readOnly;
  for (const button of part("link-types").querySelectorAll("[data-testid=link-type]")) {
    button.setAttribute("aria-pressed", String(button instanceof HTMLElement && button.dataset.type === typeOf(link)));
  }
  part("link-remove").hidden = !changes;
  const endorse = part("link-endorse");
  endorse.hidden = !endorses;
  const mine = Boolean(myId() && (link.endorsements || []).includes(String(myId())));
  endorse.setAttribute("aria-pressed", String(mine));
  setText(part("link-endorse-words"), mine ? strings.endorse_off : strings.endorse_on);
}

/**
 * Select a card, goal, person or link (selecting it again clears the selection).
 * @param {?{type: "card"|"goal"|"link"|"person", id: string}} target
 */
function select(target) {
  const same = target && ui.selected && ui.selected.type === target.type && ui.selected.id === target.id;
  ui.selected = same ? null : target;
  applyFocus();
  if (ui.selected?.type === "link") focusLinkActions();
}

/** Move the keyboard into the selected link's bar: its first button that is shown. */
function focusLinkActions() {
  const button = Array.from(el.linkActions.querySelectorAll("button")).find((b) => shown(b));
  if (button) button.focus({ preventScroll: true });
}

// --- Actions --------------------------------------------------------------------------------------------

/**
 * Link a card to a goal (the server acks an existing pair with the link it has).
 * @param {string} cardId
 * @param {string} goalId
 * @returns {Promise<boolean>} whether a new link was made
 */
async function addLink(cardId, goalId) {
  const card = cardById(current(), cardId);
  if (!mayLink(card)) return false;
  const goal = goalById(current(), goalId);
  const words = { card: card ? card.text : "", goal: goal ? goal.text : "" };
  if (linkBetween(current(), cardId, goalId)) {
    announce(format(strings.already_linked, words));
    select({ type: "goal", id: goalId });
    return false;
  }
  const id = newId();
  const ack = await live.act(SEND.ADD_LINK, { id, card_id: cardId, goal_id: goalId });
  if (ack.ok) {
    // The curve drawing itself and the goal's count are the room's confirmation; no toast piles up.
    flash(goalId);
    announce(format(strings.linked_announce, words));
    // On one's own board the new link stays selected: its bar asks how it relates.
    if (personal && current().links.some((l) => l.id === id)) {
      ui.selected = { type: "link", id };
      applyFocus();
      focusLinkActions();
    }
  }
  return ack.ok;
}

/**
 * How a link relates: "It energises me", "I want to grow in this", "I already do this".
 * @param {string} linkId
 * @param {string} type
 */
async function setLinkType(linkId, type) {
  const link = current().links.find((l) => l.id === linkId) || null;
  if (!link || !mayChange(link) || typeOf(link) === type) return;
  const ack = await live.act(SEND.EDIT_LINK, { id: linkId, type });
  const goal = goalById(current(), link.goal_id);
  if (ack.ok) announce(format(strings.type_announce, { goal: goal ? goal.text : "", type: strings[`link_type_${type}`] || type }));
}

/**
 * Give (or take back) my +1 on a colleague's link.
 * @param {string} linkId
 */
async function toggleEndorsement(linkId) {
  const link = current().links.find((l) => l.id === linkId) || null;
  if (!link || !mayEndorse(link)) return;
  const endorsed = !(link.endorsements || []).includes(String(myId()));
  const ack = await live.act(SEND.ENDORSE_LINK, { id: linkId, endorsed });
  if (!ack.ok || !endorsed) return;
  const card = cardById(current(), link.card_id);
  const goal = goalById(current(), link.goal_id);
  announce(format(strings.endorsed_announce, { card: card ? card.text : "", goal: goal ? goal.text : "" }));
}

/**
 * A goal that just got links glows once.
 * @param {string} goalId
 */
function flash(goalId) {
  const goal = goalElement(goalId);
  if (!goal || prefersReducedMotion()) return;
  goal.classList.remove("is-linked");
  void goal.getBoundingClientRect();
  goal.classList.add("is-linked");
  goal.addEventListener("animationend", () => goal.classList.remove("is-linked"), { once: true });
}

// --- Themes: drives grouped by the facilitator -------------------------------------------------------------

/**
 * A name for a new theme: "Theme 3", the first number not taken (never a card's words: a
 * theme must not keep a leaver's text).
 * @returns {string}
 */
function newThemeName() {
  const taken = new Set(themes().map((theme) => theme.name));
  let n = themes().length + 1;
  while (taken.has(format(strings.theme_default, { n }))) n += 1;
  return format(strings.theme_default, { n });
}

/**
 * Drop a drive on another: into the other's theme, or both into a new theme (then its name is typed).
 * @param {string} cardId the dragged drive
 * @param {string} ontoId the drive it was dropped on
 */
async function groupCards(cardId, ontoId) {
  const onto = cardById(current(), ontoId);
  const theme = onto ? themeOf(onto) : null;
  if (theme) {
    await joinTheme(cardId, theme);
    return;
  }
  const id = newId();
  const name = newThemeName();
  const ack = await live.act(SEND.ADD_THEME, { id, name, card_ids: [ontoId, cardId] });
  if (!ack.ok) return;
  announce(format(strings.theme_made, { theme: name }));
  ui.editingTheme = id;
  if (ui.state) render(ui.state);
}

/**
 * Put a drive into a theme (or, with null, back with its person).
 * @param {string} cardId
 * @param {?string} themeId
 */
async function joinTheme(cardId, themeId) {
  const ack = await live.act(SEND.SET_CARD_THEME, { id: cardId, theme_id: themeId });
  const theme = themes().find((t) => t.id === themeId);
  if (ack.ok && theme) announce(format(strings.theme_joined, { theme: theme.name }));
  if (ack.ok && ui.selected?.type === "card" && ui.selected.id === cardId) select(null);
}

/**
 * Link every drive of a theme to a goal (each link stays its drive's person's).
 * @param {string} themeId
 * @param {string} goalId
 */
async function linkTheme(themeId, goalId) {
  const ack = await live.act(SEND.LINK_THEME, { theme_id: themeId, goal_id: goalId });
  const theme = themes().find((t) => t.id === themeId);
  const goal = goalById(current(), goalId);
  if (!ack.ok) return;
  flash(goalId);
  const links = /** @type {{links?: unknown}} */ (ack).links;
  const made = Array.isArray(links) ? links.length : 0;
  announce(format(strings.theme_linked, { theme: theme ? theme.name : "", goal: goal ? goal.text : "", n: made }));
}

/**
 * Save (or drop) the name typed for a theme.
 * @param {HTMLInputElement} input
 * @param {boolean} keep
 */
async function finishRename(input, keep) {
  const themeId = input.dataset.themeId || "";
  if (ui.editingTheme !== themeId) return;
  ui.editingTheme = null;
  const theme = themes().find((t) => t.id === themeId);
  const name = input.value.trim();
  if (keep && theme && name && name !== theme.name) await live.act(SEND.EDIT_THEME, { id: themeId, name });
  if (ui.state) render(ui.state);
}

/**
 * Start typing a theme's name.
 * @param {string} themeId
 */
function renameTheme(themeId) {
  if (!facilitating) return;
  ui.editingTheme = themeId;
  if (ui.state) render(ui.state);
}

/**
 * Remove a link.
 * @param {string} linkId
 */
async function removeLink(linkId) {
  if (!mayChange(current().links.find((l) => l.id === linkId) || null)) return;
  const ack = await live.act(SEND.DELETE_LINK, { id: linkId });
  if (ack.ok && ui.selected?.id === linkId) select(null);
}

/**
 * Select a card to link (or let go of it), and say what comes next.
 * @param {string} cardId
 */
function chooseCard(cardId) {
  select({ type: "card", id: cardId });
  const card = cardById(current(), cardId);
  if (ui.selected?.type === "card") announce(format(strings.selected_card, { card: card ? card.text : "" }));
  else announce(strings.selection_cleared);
}

/**
 * A goal chosen (Enter, Space, click or tap): with a card selected, link them; otherwise select the goal.
 * @param {string} goalId
 */
function chooseGoal(goalId) {
  if (ui.selected?.type === "card" && mayLink(cardById(current(), ui.selected.id))) {
    addLink(ui.selected.id, goalId);
    return;
  }
  select({ type: "goal", id: goalId });
  const goal = goalById(current(), goalId);
  if (ui.selected) announce(format(strings.selected_goal, { goal: goal ? goal.text : "" }));
}

/**
 * A person's name: highlights all of that person's links.
 * @param {string} personId
 */
function choosePerson(personId) {
  select({ type: "person", id: personId });
}

// --- Keyboard: Tab or arrows to a card, Enter; left arrow or Tab to a goal, Enter -----------------------------

/**
 * The cards or goals that can be reached now, in reading order.
 * @param {"card"|"goal"} kind
 * @returns {HTMLElement[]}
 */
function reachable(kind) {
  const list = kind === "card" ? el.persons : el.goals;
  return Array.from(list.querySelectorAll(`[data-testid=${kind}]`)).filter(
    /** @returns {node is HTMLElement} */ (node) => node instanceof HTMLElement && shown(node));
}

/**
 * The item of a list nearest (vertically) to an element in the other column.
 * @param {HTMLElement[]} items
 * @param {Element} from
 * @returns {?HTMLElement}
 */
function nearest(items, from) {
  const r = from.getBoundingClientRect();
  return items[nearestIndex(items.map((item) => item.getBoundingClientRect()), r.top + r.height / 2)] || null;
}

/**
 * Arrow keys move between cards and goals: up and down within a column, left to the goals,
 * right back to the cards (to the selected card first).
 * @param {KeyboardEvent} event
 * @param {HTMLElement} target a card or a goal
 */
function moveFocus(event, target) {
  const isCard = target.dataset.testid === "card";
  /** @type {?HTMLElement} */
  let next = null;
  if (event.key === "ArrowUp" || event.key === "ArrowDown") {
    const items = reachable(isCard ? "card" : "goal");
    const index = items.indexOf(target);
    next = items[index + (event.key === "ArrowDown" ? 1 : -1)] || null;
  } else if (event.key === "ArrowLeft" && isCard) {
    next = nearest(reachable("goal"), target);
  } else if (event.key === "ArrowRight" && !isCard) {
    const selected = ui.selected?.type === "card" ? el.persons.querySelector(`[data-card-id="${CSS.escape(ui.selected.id)}"]`) : null;
    next = selected instanceof HTMLElement && shown(selected) ? selected : nearest(reachable("card"), target);
  } else {
    return;
  }
  event.preventDefault();
  if (next) next.focus();
}

// --- Dragging a card onto a goal (pointer events: mouse, pen and touch) ------------------------------------

/**
 * Start tracking a press on a card; it becomes a drag once the pointer moves a little.
 * @param {PointerEvent} event
 */
function onPointerDown(event) {
  const card = closest(event.target, "[data-testid=card], [data-testid=theme-name]");
  if (!(card instanceof HTMLElement) || (event.pointerType === "mouse" && event.button !== 0)) return;
  const themeId = card.dataset.themeId;
  if (!card.dataset.cardId && !themeId) return;
  event.preventDefault();
  try {
    card.setPointerCapture(event.pointerId);
  } catch {
    /* a synthetic pointer cannot be captured; moves still reach the list */
  }
  ui.drag = { card, cardId: card.dataset.cardId || "", themeId, pointerId: event.pointerId, x0: event.clientX, y0: event.clientY,
    active: false, ghost: null, target: null };
}

/**
 * What a drag would drop on at a point: a goal; for a drive (on a facilitator's board), also
 * another drive or a theme, to group them.
 * @param {Drag} drag
 * @param {?Element} under
 * @returns {?HTMLElement}
 */
function dropTarget(drag, under) {
  const goal = closest(under, "[data-testid=goal]");
  if (goal instanceof HTMLElement) return goal;
  const dragged = drag.cardId ? cardById(current(), drag.cardId) : null;
  if (!dragged || dragged.kind !== "drive" || !facilitating) return null;
  const card = closest(under, "[data-testid=card]");
  if (card instanceof HTMLElement && card.dataset.kind === "drive" && card.dataset.cardId !== drag.cardId) return card;
  const theme = closest(under, "[data-testid=theme]");
  return theme instanceof HTMLElement && theme.dataset.themeId !== (themeOf(dragged) || "") ? theme : null;
}

/**
 * Move the ghost and the rubber-band line; find the goal under the pointer.
 * @param {PointerEvent} event
 */
function onPointerMove(event) {
  const drag = ui.drag;
  if (!drag || event.pointerId !== drag.pointerId) return;
  if (drag.themeId ? !facilitating : !mayLink(cardById(current(), drag.cardId))) return;
  if (!drag.active) {
    if (Math.hypot(event.clientX - drag.x0, event.clientY - drag.y0) < DRAG_THRESHOLD_PX) return;
    drag.active = true;
    const cardData = drag.cardId ? cardById(current(), drag.cardId) : null;
    const theme = drag.themeId ? themes().find((t) => t.id === drag.themeId) : null;
    drag.ghost = h("div", { class: `drag-ghost edge-${cardData ? colorOfCard(cardData) : "theme"}`, "data-testid": "drag-ghost", "aria-hidden": "true" },
      icon(cardData ? cardData.kind : "people"), h("span", {}, cardData ? cardData.text : theme ? theme.name : ""));
    document.body.appendChild(drag.ghost);
    el.board.classList.add("is-dragging");
    el.board.classList.toggle("is-dragging-drive", cardData?.kind === "drive" && facilitating);
    drag.card.classList.add("is-drag-source");
    drag.previousSelection = ui.selected;
    ui.selected = cardData ? { type: "card", id: drag.cardId } : null;
    applyFocus();
  }
  if (drag.ghost) drag.ghost.style.transform = `translate(${event.clientX + 14}px, ${event.clientY + 14}px)`;
  const target = dropTarget(drag, document.elementFromPoint(event.clientX, event.clientY));
  if (target !== drag.target) {
    if (drag.target) drag.target.classList.remove("is-drop-target");
    if (target) target.classList.add("is-drop-target");
    drag.target = target;
  }
  const base = el.columns.getBoundingClientRect();
  const from = drag.card.getBoundingClientRect();
  const start = { x: from.left - base.left, y: from.top + from.height / 2 - base.top };
  el.dragLine.setAttribute("d", curve({ x: event.clientX - base.left, y: event.clientY - base.top }, start));
}

/**
 * Drop: link the card to the goal under the pointer; a press without a move selects the card.
 * @param {PointerEvent} event
 */
function onPointerUp(event) {
  const drag = ui.drag;
  if (!drag || event.pointerId !== drag.pointerId) return;
  const target = drag.target;
  endDrag();
  if (!drag.active) {
    if (drag.themeId) renameTheme(drag.themeId);
    else chooseCard(drag.cardId);
  } else if (target && event.type === "pointerup") {
    if (target.dataset.goalId) {
      if (drag.themeId) linkTheme(drag.themeId, target.dataset.goalId);
      else addLink(drag.cardId, target.dataset.goalId);
    } else if (target.dataset.cardId) {
      groupCards(drag.cardId, target.dataset.cardId);
    } else if (target.dataset.themeId) {
      joinTheme(drag.cardId, target.dataset.themeId);
    }
  }
}

/** Clean up after a drag, whatever ended it. */
function endDrag() {
  const drag = ui.drag;
  ui.drag = null;
  if (!drag) return;
  if (drag.ghost) drag.ghost.remove();
  if (drag.target) drag.target.classList.remove("is-drop-target");
  drag.card.classList.remove("is-drag-source");
  el.board.classList.remove("is-dragging", "is-dragging-drive");
  el.dragLine.setAttribute("d", "");
  if (drag.active) {
    // The highlight belonged to the drag: the board reads whole again once the card is dropped.
    ui.selected = drag.previousSelection || null;
    applyFocus();
  }
}

// --- Rendering and wiring --------------------------------------------------------------------------------

/**
 * Render the state.
 * @param {State} state
 */
function render(state) {
  state = teamView(state);
  ui.state = state;
  const previous = ui.screen;
  ui.screen = screenOf(state);
  el.board.dataset.phase = state.workshop.phase;
  el.board.dataset.screen = ui.screen;
  if (ui.selected) {
    const { type, id } = ui.selected;
    const exists = type === "card" ? cardById(state, id) : type === "goal" ? goalById(state, id)
      : type === "person" ? id === ANONYMOUS || participantById(state, id) : state.links.some((l) => l.id === id);
    if (!exists) ui.selected = null;
  }
  if (ui.editingTheme && !themes().some((t) => t.id === ui.editingTheme)) ui.editingTheme = null;
  renderHead();
  if (ui.screen === "join" || previous === "join") renderJoinScreen();
  if (ui.screen === "counts") renderCountsScreen();
  if (ui.screen === "columns") {
    renderFilters();
    renderGoals();
    renderPeople();
    fitDensity(previous !== "columns");
    drawLinks();
  }
  if (ui.screen === "agreements") renderAgreementsScreen();
  if (ui.screen === "closed") renderClosedScreen();
  if (ui.firstRender) {
    // Links present at load are not "new": they are drawn without animation.
    for (const link of state.links) ui.drawn.add(link.id);
  }
  ui.firstRender = false;
}

/** Re-render after a filter or layout choice of the facilitator's (no new state). */
function rerender() {
  if (!ui.state || ui.screen !== "columns") return;
  renderGoals();
  renderPeople();
  fitDensity(true);
  drawLinks();
}

/** Hover, click, keyboard, drag, filters, resize and scroll. */
function wire() {
  el.persons.addEventListener("pointerdown", onPointerDown);
  el.persons.addEventListener("pointermove", onPointerMove);
  el.persons.addEventListener("pointerup", onPointerUp);
  el.persons.addEventListener("pointercancel", onPointerUp);
  el.persons.addEventListener("lostpointercapture", (event) => {
    if (ui.drag && event.pointerId === ui.drag.pointerId && ui.drag.active) endDrag();
  });
  document.addEventListener("pointerdown", unlockAudio);
  document.addEventListener("keydown", unlockAudio);

  // Hover highlights (mouse only: a touch has no hover).
  el.columns.addEventListener("pointerover", (event) => {
    if (event.pointerType !== "mouse" || ui.drag) return;
    const card = closest(event.target, "[data-testid=card]");
    const goal = closest(event.target, "[data-testid=goal]");
    const person = closest(event.target, "[data-testid=person-name]");
    /** @type {?Focus} */
    const next = card?.dataset.cardId ? { type: "card", id: card.dataset.cardId } : goal?.dataset.goalId ? { type: "goal", id: goal.dataset.goalId }
      : person?.dataset.personId ? { type: "person", id: person.dataset.personId } : null;
    if (JSON.stringify(next) !== JSON.stringify(ui.hover)) {
      ui.hover = next;
      applyFocus();
    }
  });
  el.columns.addEventListener("pointerleave", () => {
    ui.hover = null;
    applyFocus();
  });

  // Clicks: a goal links the selected card (or selects the goal); a curve or chip selects its link;
  // a person's chip opens or highlights them; empty space clears. (Cards select on pointerup.)
  el.board.addEventListener("click", (event) => {
    const undo = closest(event.target, "[data-testid=theme-remove]");
    if (undo?.dataset.themeId && facilitating) {
      live.act(SEND.DELETE_THEME, { id: undo.dataset.themeId });
      return;
    }
    if (closest(event.target, "[data-testid=card], [data-testid=link-actions], [data-testid=card-actions], .chip-remove, .chip-endorse, .board-foot, .pager, .theme-head")) return;
    if (!closest(event.target, "[data-testid=stage]")) return;
    const person = closest(event.target, "[data-testid=person-name]");
    const goal = closest(event.target, "[data-testid=goal]");
    const chip = closest(event.target, "[data-testid=goal-link-chip]");
    const link = closest(event.target, ".link");
    if (person?.dataset.personId) choosePerson(person.dataset.personId);
    else if (chip?.dataset.linkId) select({ type: "link", id: chip.dataset.linkId });
    else if (link?.dataset.link) select({ type: "link", id: link.dataset.link });
    else if (goal?.dataset.goalId) chooseGoal(goal.dataset.goalId);
    else select(null);
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const item = target instanceof HTMLElement && target.matches("[data-testid=card], [data-testid=goal]") ? target : null;
    if (event.defaultPrevented) return;
    if (event.key === "Escape") {
      endDrag();
      if (ui.selected) announce(strings.selection_cleared);
      select(null);
    } else if ((event.key === "Delete" || event.key === "Backspace") && ui.selected?.type === "link") {
      event.preventDefault();
      removeLink(ui.selected.id);
    } else if ((event.key === "Enter" || event.key === " ") && item) {
      event.preventDefault();
      if (item.dataset.cardId) chooseCard(item.dataset.cardId);
      else if (item.dataset.goalId) chooseGoal(item.dataset.goalId);
    } else if (item && event.key.startsWith("Arrow")) {
      moveFocus(event, item);
    }
  });

  part("link-remove", HTMLButtonElement).addEventListener("click", () => {
    if (ui.selected?.type === "link") removeLink(ui.selected.id);
  });
  part("link-cancel", HTMLButtonElement).addEventListener("click", () => select(null));
  part("link-types").addEventListener("click", (event) => {
    const button = closest(event.target, "[data-testid=link-type]");
    if (button?.dataset.type && ui.selected?.type === "link") setLinkType(ui.selected.id, button.dataset.type);
  });
  part("link-endorse", HTMLButtonElement).addEventListener("click", () => {
    if (ui.selected?.type === "link") toggleEndorsement(ui.selected.id);
  });
  part("card-actions-cancel", HTMLButtonElement).addEventListener("click", () => select(null));
  part("card-unthemed", HTMLButtonElement).addEventListener("click", () => {
    if (ui.selected?.type === "card") joinTheme(ui.selected.id, null);
  });

  // A theme's name being typed: Enter keeps it, Escape drops it, leaving the box keeps it.
  el.persons.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.dataset.testid !== "theme-input") return;
    event.stopPropagation();
    if (event.key === "Enter") finishRename(input, true);
    if (event.key === "Escape") finishRename(input, false);
  });
  el.persons.addEventListener("focusout", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.dataset.testid === "theme-input") finishRename(input, true);
  });
  // A card reached with the keyboard on another page brings its page up.
  el.persons.addEventListener("focusin", (event) => {
    if (event.target instanceof Element) revealPageOf(event.target);
  });

  part("page-prev", HTMLButtonElement).addEventListener("click", () => turnPage(-1));
  part("page-next", HTMLButtonElement).addEventListener("click", () => turnPage(1));
  part("page-pause", HTMLButtonElement).addEventListener("click", () => {
    ui.paused = !ui.paused;
    schedulePage();
  });

  part("filter-kind", HTMLSelectElement).addEventListener("change", (event) => {
    ui.filter = { ...ui.filter, kind: /** @type {HTMLSelectElement} */ (event.currentTarget).value };
    rerender();
  });
  part("filter-person", HTMLSelectElement).addEventListener("change", (event) => {
    ui.filter = { ...ui.filter, person: /** @type {HTMLSelectElement} */ (event.currentTarget).value };
    rerender();
  });

  window.addEventListener("resize", () => {
    if (!ui.state) return;
    if (ui.screen === "columns") fitDensity(false);
    if (ui.screen === "agreements") fitAgreements();
    scheduleLinks();
  });
  el.columns.addEventListener("scroll", scheduleLinks, true);
  if ("ResizeObserver" in window) new ResizeObserver(scheduleLinks).observe(el.columns);
  // Fonts and the QR image settle after first paint; curves follow.
  window.addEventListener("load", scheduleLinks);
  window.setInterval(renderTimer, 250);
}

el.board.dataset.role = boot.role;
wire();
if (facilitating && "BroadcastChannel" in window) {
  // The console in this browser made a new facilitator key: the cookie holds it now, so a
  // reload connects again (the server closed this board's connection, made with the old key).
  new BroadcastChannel(`workshop-key-${boot.code}`).onmessage = () => window.location.reload();
}
const live = connectLive({
  boot,
  strings,
  onState: (state) => {
    // One's own board whose person left or was removed (on another device) holds no seat any more.
    if (personal && state.me.id && !state.participants.some((p) => p.id === state.me.id)) seatGone(strings.seat_gone);
    else render(state);
  },
  onWorkshopDeleted: () => {
    toast(strings.workshop_deleted, { kind: "error", timeout: 60000 });
    el.board.classList.add("is-gone");
  },
  onRefused: () => {
    if (personal) seatGone(strings.seat_gone);
  },
});
if (personal) /** @type {{on: (event: string, listener: () => void) => void}} */ (live.socket).on(RECEIVE.SIGNED_OUT, () => seatGone(strings.signed_out_here));

/**
 * One's own board that no longer holds a seat (signed out on this device, or the person left or
 * was removed): it says so, goes quiet, and stops knocking.
 * @param {string} words
 */
function seatGone(words) {
  if (el.board.classList.contains("is-gone")) return;
  el.board.classList.add("is-gone");
  toast(words, { kind: "error", timeout: 24 * 3600 * 1000 });
  live.close();
}
