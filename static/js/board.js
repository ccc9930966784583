// The projector board. In phase "join": the join screen (QR, code, names appearing). Otherwise:
// the business (goals, projects, activities) on the left, the people and their cards on the
// right, links drawn between them as smooth curves. Cards are dragged onto goals to link them
// (mouse, pen and touch alike); hovering or selecting a card, goal or curve highlights its links.
//
// data-testid handles used here and by the browser tests:
//   board, join-screen, board-qr, board-code, board-join-url, joined-count, joined-names, joined-name,
//   live-board, phase, connection, connection-label, toasts, toast, columns, links, drag-line,
//   goals, goal-count, goals-empty, goal (data-goal-id, data-energy), goal-text, goal-link-count,
//   goal-link-chip (data-link-id), chip-remove,
//   persons, people-count, people-empty, person (data-participant-id; "anonymous" for the group of
//   drives shown without a name), person-name, card (data-card-id, data-kind), card-text, card-by,
//   link (the visible <path>, data-link-id, data-card-id, data-goal-id),
//   link-actions, link-actions-text, link-remove, link-cancel, drag-ghost

import { $, byTestId, fill, format, h, icon, prefersReducedMotion, readJSON, reconcile, s, setText, toast } from "./dom.js";
import { SEND } from "./events.js";
import { connectLive, newId } from "./live.js";
import {
  anonymousCards, cardById, cardsAbout, goalById, goalsInOrder, isShared, linkBetween, linksOfCard, linksOfGoal, participantById,
} from "./state.js";

const boot = readJSON("boot");
const strings = readJSON("strings");

const DRAG_THRESHOLD_PX = 6;
const FULL_GOAL_LINKS = 3;
const FULL_SHARE = 0.75;
const DRAW_IN_MS = 600;
// Above this many links the curves are drawn lighter, so the board stays calm; hover brings one out.
const BUSY_LINKS = 40;
// Denser layouts tried in turn until a column fits (see board.css, data-*-density).
const MAX_DENSITY = { peopleDensity: 4, goalDensity: 3 };
// The group of drives shown without a name (anonymous on the board), after the people.
const ANONYMOUS = "anonymous";

/** What the board shows beside the shared state. */
const ui = {
  /** @type {?import("./state.js").State} */
  state: null,
  /** @type {?{type: "card"|"goal"|"link", id: string}} sticky selection (click) */
  selected: null,
  /** @type {?{type: "card"|"goal", id: string}} passing highlight (mouse hover) */
  hover: null,
  /** @type {?object} the drag in progress */
  drag: null,
  /** Link ids already drawn once, so only new ones animate. */
  drawn: new Set(),
  firstRender: true,
  layoutKey: "",
};

const el = {
  board: byTestId("board"),
  columns: byTestId("columns"),
  svg: byTestId("links"),
  layer: $(".link-layer"),
  dragLine: byTestId("drag-line"),
  goals: byTestId("goals"),
  persons: byTestId("persons"),
  names: byTestId("joined-names"),
  linkActions: byTestId("link-actions"),
};

/** @type {?ReturnType<typeof connectLive>} */
let live = null;

// --- Helpers ---------------------------------------------------------------------------------------

/**
 * "open" / "1 link" / "{n} links".
 * @param {number} n
 * @returns {string}
 */
function linkCountText(n) {
  if (n === 0) return strings.link_count_none;
  return n === 1 ? strings.link_count_one : format(strings.link_count, { n });
}

/**
 * The colour of the person a card is about: an index into the palette, or "anon" for a drive
 * shown without a name.
 * @param {import("./state.js").Card} card
 * @returns {number|string}
 */
function colorOfCard(card) {
  if (card.about === null || card.about === undefined) return "anon";
  const person = participantById(ui.state, card.about);
  return person ? person.color % 8 : 0;
}

/**
 * What the team may see of a state. The server sends the board nothing else; this keeps the
 * projector safe even if a card that is not shared ever arrived.
 * @param {import("./state.js").State} state
 * @returns {import("./state.js").State}
 */
function teamView(state) {
  const cards = state.cards.filter(isShared);
  const shown = new Set(cards.map((c) => c.id));
  return { ...state, cards, links: state.links.filter((l) => shown.has(l.card_id)) };
}

/**
 * The element a link ends at on the people side: the card, or its person's chip when the
 * people are collapsed to chips.
 * @param {string} cardId
 * @returns {?Element}
 */
function cardAnchor(cardId) {
  const card = el.persons.querySelector(`[data-card-id="${CSS.escape(cardId)}"]`);
  if (card && card.offsetParent !== null) return card;
  const person = card ? card.closest("[data-testid=person]") : null;
  return person ? person.querySelector("[data-testid=person-name]") : null;
}

/**
 * @param {string} goalId
 * @returns {?Element}
 */
function goalElement(goalId) {
  return el.goals.querySelector(`[data-goal-id="${CSS.escape(goalId)}"]`);
}

// --- Join screen -------------------------------------------------------------------------------------

/** Names appearing as people join. */
function renderJoinScreen() {
  const people = ui.state.participants;
  const n = people.length;
  setText(byTestId("joined-count"), n === 0 ? strings.joined_none : n === 1 ? strings.joined_count_one : format(strings.joined_count, { n }));
  reconcile(el.names, people, (p) => p.id,
    () => h("li", { class: "name-chip", "data-testid": "joined-name" }),
    (li, p) => {
      li.className = `name-chip color-${p.color % 8}`;
      setText(li, p.name);
    }, { animate: !ui.firstRender });
  el.names.classList.toggle("is-compact", n > 18);
}

// --- Live board --------------------------------------------------------------------------------------

/** The business column: each goal with its kind, count of links, and linked cards as chips. */
function renderGoals() {
  const goals = goalsInOrder(ui.state);
  const most = Math.max(0, ...goals.map((g) => linksOfGoal(ui.state, g.id).length));
  setText(byTestId("goal-count"), goals.length || "");
  byTestId("goals-empty").hidden = goals.length > 0;
  reconcile(el.goals, goals, (g) => g.id,
    () => h("li", { class: "goal", "data-testid": "goal", tabindex: "0" }),
    (li, goal) => {
      const links = linksOfGoal(ui.state, goal.id);
      const n = links.length;
      li.dataset.goalId = goal.id;
      // "Full": among the goals most are drawn to (and at least a few links).
      li.dataset.energy = n === 0 ? "none" : n >= FULL_GOAL_LINKS && n >= most * FULL_SHARE ? "full" : "some";
      const signature = JSON.stringify([goal.kind, goal.text, links.map((l) => [l.id, l.card_id]), ui.state.participants.length]);
      if (li.dataset.signature === signature) return;
      li.dataset.signature = signature;
      fill(li, 
        h("div", { class: "goal-main" },
          h("p", { class: "goal-kind" }, icon(goal.kind), h("span", {}, strings[`kind_${goal.kind}`] || goal.kind)),
          h("p", { class: "goal-text", "data-testid": "goal-text", dataset: { kindLabel: strings[`kind_${goal.kind}`] || goal.kind } }, goal.text)),
        h("p", { class: "goal-count", "data-testid": "goal-link-count", "aria-label": linkCountText(n) },
          n === 0 ? icon("open") : null, h("span", { class: "goal-count-n" }, String(n)),
          h("span", { class: "goal-count-label" }, n === 0 ? strings.link_count_none : "")),
        n ? h("ul", { class: "goal-chips" }, links.map((link) => goalChip(link, goal))) : null);
    }, { animate: !ui.firstRender });
}

/**
 * A small chip under a goal for one linked card: whose card, its kind, and a remove button.
 * @param {import("./state.js").Link} link
 * @param {import("./state.js").Goal} goal
 * @returns {HTMLElement}
 */
function goalChip(link, goal) {
  const card = cardById(ui.state, link.card_id);
  const person = card ? participantById(ui.state, card.about) : null;
  const anonymous = card && (card.about === null || card.about === undefined);
  const name = person ? person.name : anonymous ? strings.anonymous : strings.someone;
  const label = format(strings.link_between, { card: card ? card.text : "", goal: goal.text });
  return h("li", { class: `link-chip edge-${card ? colorOfCard(card) : 0} kind-${card ? card.kind : "drive"}`, "data-testid": "goal-link-chip",
    dataset: { linkId: link.id, cardId: link.card_id }, title: card ? card.text : "" },
    icon(card ? card.kind : "drive"),
    h("span", { class: "link-chip-name" }, name),
    h("button", { type: "button", class: "chip-remove", "data-testid": "chip-remove", "aria-label": `${strings.remove_link}: ${label}`,
      title: strings.remove_link, onclick: (event) => {
        event.stopPropagation();
        removeLink(link.id);
      } }, icon("close")));
}

/**
 * One card on the people side.
 * @param {import("./state.js").Card} card
 * @param {number} color
 * @returns {HTMLElement}
 */
function cardElement(card, color) {
  const unlinked = linksOfCard(ui.state, card.id).length === 0;
  return h("li", {
    class: `card kind-${card.kind} edge-${color} ${unlinked ? "is-unlinked" : ""}`, "data-testid": "card", tabindex: "0",
    dataset: { cardId: card.id, kind: card.kind },
  },
  h("span", { class: "card-kind", title: strings[`kind_${card.kind}`] }, icon(card.kind), h("span", { class: "visually-hidden" }, `${strings[`kind_${card.kind}`]}: `)),
  h("span", { class: "card-text", "data-testid": "card-text" }, card.text,
    card.kind === "strength" && card.author && participantById(ui.state, card.author)
      ? h("span", { class: "card-by", "data-testid": "card-by" }, format(strings.by_person, { name: participantById(ui.state, card.author).name }))
      : null),
  unlinked ? h("span", { class: "card-open", title: strings.no_outlet }, icon("open"), h("span", { class: "visually-hidden" }, strings.no_outlet)) : null);
}

/**
 * The groups on the people side: each person, then (when there are any) the drives shown
 * without a name, as one group of their own.
 * @returns {Array<{id: string, name: string, color: number|string, cards: import("./state.js").Card[], anonymous?: boolean}>}
 */
function peopleGroups() {
  const groups = ui.state.participants.map((p) => ({ id: p.id, name: p.name, color: p.color % 8 }));
  const anonymous = anonymousCards(ui.state);
  if (anonymous.length) groups.push({ id: ANONYMOUS, name: strings.anonymous, color: "anon", anonymous: true });
  return groups;
}

/** The people column: each person a group with their drives, then strengths named by others. */
function renderPeople() {
  const people = ui.state.participants;
  setText(byTestId("people-count"), people.length || "");
  byTestId("people-empty").hidden = people.length > 0;
  const linked = new Set(ui.state.links.map((l) => l.card_id));
  reconcile(el.persons, peopleGroups(), (p) => p.id,
    () => h("li", { class: "person", "data-testid": "person" }),
    (li, person) => {
      const own = person.anonymous ? anonymousCards(ui.state) : null;
      const drives = own ? own.filter((c) => c.kind === "drive") : cardsAbout(ui.state, person.id, "drive");
      const strengths = own ? own.filter((c) => c.kind === "strength") : cardsAbout(ui.state, person.id, "strength");
      const signature = JSON.stringify([person.name, person.color,
        [...drives, ...strengths].map((c) => [c.id, c.text, c.author, linked.has(c.id)]), ui.state.participants.length]);
      li.dataset.participantId = person.id;
      li.classList.toggle("is-anonymous", Boolean(person.anonymous));
      if (li.dataset.signature === signature) return;
      const before = new Set(Array.from(li.querySelectorAll("[data-card-id]"), (c) => c.dataset.cardId));
      li.dataset.signature = signature;
      const color = person.color;
      const cards = [
        ...drives.map((c) => cardElement(c, color)),
        strengths.length ? h("li", { class: "strengths-label" }, icon("strength"), strings.strengths_from_others) : null,
        ...strengths.map((c) => cardElement(c, color)),
      ];
      if (!ui.firstRender && li.dataset.rendered) {
        for (const card of cards) {
          if (card && card.dataset.cardId && !before.has(card.dataset.cardId)) card.classList.add("is-new");
        }
      }
      li.dataset.rendered = "1";
      fill(li,
        h("p", { class: "person-head" },
          h("span", { class: `person-name chip color-${color}`, "data-testid": "person-name" },
            person.anonymous ? icon("anonymous") : null, person.name),
          h("span", { class: "person-counts", role: "img", "aria-label": format(strings.person_counts, { drives: drives.length, strengths: strengths.length }) },
            icon("drive"), String(drives.length), icon("strength"), String(strengths.length))),
        h("ul", { class: "person-cards" }, cards));
    }, { animate: !ui.firstRender });
}

/**
 * Fit the columns to the screen: try denser layouts until nothing overflows.
 * Only re-run when what is shown changed, so a link drawn does not reshuffle the board.
 * @param {boolean} force
 */
function fitDensity(force) {
  const key = JSON.stringify([ui.state.goals.length, ui.state.participants.length, ui.state.cards.length, ui.state.links.length,
    window.innerWidth, window.innerHeight, el.board.dataset.phase]);
  if (!force && key === ui.layoutKey) return;
  ui.layoutKey = key;
  for (const [list, attribute] of [[el.persons, "peopleDensity"], [el.goals, "goalDensity"]]) {
    const max = MAX_DENSITY[attribute];
    let density = 0;
    for (; density <= max; density += 1) {
      el.board.dataset[attribute] = String(density);
      if (list.scrollHeight <= list.clientHeight + 1 && list.scrollWidth <= list.clientWidth + 1) break;
    }
    el.board.dataset[attribute] = String(Math.min(density, max));
  }
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
 * A smooth cubic Bézier between two points, leaving and arriving horizontally.
 * @param {{x: number, y: number}} a
 * @param {{x: number, y: number}} b
 * @returns {string} SVG path data
 */
function curve(a, b) {
  const dx = Math.max(48, Math.abs(b.x - a.x) * 0.5);
  const direction = b.x >= a.x ? 1 : -1;
  return `M${a.x.toFixed(1)},${a.y.toFixed(1)} C${(a.x + dx * direction).toFixed(1)},${a.y.toFixed(1)} `
    + `${(b.x - dx * direction).toFixed(1)},${b.y.toFixed(1)} ${b.x.toFixed(1)},${b.y.toFixed(1)}`;
}

/**
 * The last part of a path: a horizontal-tangent bend from `a` to `b` (continues a path at `a`).
 * @param {{x: number, y: number}} a
 * @param {{x: number, y: number}} b
 * @returns {string}
 */
function bendTo(a, b) {
  const dx = (b.x - a.x) / 2;
  return ` C${(a.x + dx).toFixed(1)},${a.y.toFixed(1)} ${(b.x - dx).toFixed(1)},${b.y.toFixed(1)} ${b.x.toFixed(1)},${b.y.toFixed(1)}`;
}

/**
 * The columns the people are laid out in, each with the heights of the gaps between its
 * person groups: the channels a link to a card further right travels through.
 * @param {DOMRect} base the overlay's rectangle
 * @returns {Array<{left: number, right: number, gaps: number[]}>} in overlay coordinates, left to right
 */
function peopleColumns(base) {
  if (el.board.dataset.peopleDensity === "4") return [];
  const list = el.persons.getBoundingClientRect();
  const columns = [];
  for (const li of el.persons.children) {
    const r = li.getBoundingClientRect();
    if (!r.width) continue;
    let column = columns.find((c) => Math.abs(c.left - r.left) < 4);
    if (!column) {
      column = { left: r.left, right: r.right, rects: [] };
      columns.push(column);
    }
    column.right = Math.max(column.right, r.right);
    column.rects.push(r);
  }
  columns.sort((a, b) => a.left - b.left);
  return columns.map((column) => {
    const rects = column.rects.sort((a, b) => a.top - b.top);
    const gaps = [];
    for (let i = 1; i < rects.length; i += 1) gaps.push((rects[i - 1].bottom + rects[i].top) / 2);
    const last = rects[rects.length - 1];
    if (last.bottom + 10 < list.bottom) gaps.push(last.bottom + 10);
    return {
      left: column.left - base.left,
      right: column.right - base.left,
      gaps: gaps.filter((y) => y > list.top && y < list.bottom).map((y) => y - base.top),
    };
  });
}

/**
 * A link's path. It climbs in the gutter between the business and the people and arrives
 * horizontally; a card in a second or third column of people is reached through the gaps
 * between the person groups in front of it, so a line never seems to end at the wrong card.
 * @param {{x: number, y: number}} goal
 * @param {{x: number, y: number}} card
 * @param {Array<{left: number, right: number, gaps: number[]}>} columns from peopleColumns()
 * @param {number} peopleEdge x of the people column's near edge (used when there are no channels)
 * @returns {string} SVG path data
 */
function linkPath(goal, card, columns, peopleEdge) {
  const before = columns.filter((c) => c.right < card.x - 2);
  if (!before.length) {
    if (card.x <= peopleEdge + 1) return curve(goal, card);
    // Collapsed people (chips): a straight run under the chips in front.
    return `${curve(goal, { x: peopleEdge, y: card.y })} L${card.x.toFixed(1)},${card.y.toFixed(1)}`;
  }
  let d = "";
  let from = goal;
  before.forEach((column, index) => {
    const y = column.gaps.length
      ? column.gaps.reduce((best, g) => (Math.abs(g - card.y) < Math.abs(best - card.y) ? g : best))
      : card.y;
    const entry = { x: column.left, y };
    d += index === 0 ? curve(from, entry) : bendTo(from, entry);
    from = { x: column.right + 6, y };
    d += ` L${from.x.toFixed(1)},${y.toFixed(1)}`;
  });
  return d + bendTo(from, card);
}

/**
 * The two ends of a link in the overlay's coordinates: from the goal's edge facing the card to
 * the card's edge facing the goal, each kept inside its column's visible area.
 * @param {Element} goalEl
 * @param {Element} cardEl
 * @param {DOMRect} base the overlay's rectangle
 * @returns {{goal: {x: number, y: number}, card: {x: number, y: number}}}
 */
function endpoints(goalEl, cardEl, base) {
  const g = goalEl.getBoundingClientRect();
  const c = cardEl.getBoundingClientRect();
  const clampY = (y, list) => {
    const r = list.getBoundingClientRect();
    return Math.min(Math.max(y, r.top + 4), r.bottom - 4);
  };
  const gy = clampY(g.top + Math.min(g.height / 2, 40), el.goals) - base.top;
  const cy = clampY(c.top + c.height / 2, el.persons) - base.top;
  if (c.left >= g.right) {
    return { goal: { x: g.right - base.left, y: gy }, card: { x: c.left - base.left, y: cy } };
  }
  return { goal: { x: g.left - base.left, y: gy }, card: { x: c.right - base.left, y: cy } };
}

/** Draw (or move) every link's curve. */
function drawLinks() {
  if (!ui.state || el.board.dataset.phase === "join") return;
  const base = el.columns.getBoundingClientRect();
  el.svg.setAttribute("width", String(base.width));
  el.svg.setAttribute("height", String(base.height));
  el.svg.setAttribute("viewBox", `0 0 ${base.width} ${base.height}`);
  const animate = !ui.firstRender && !prefersReducedMotion();
  const peopleEdge = el.persons.getBoundingClientRect().left - base.left;
  const columns = peopleColumns(base);
  el.board.classList.toggle("is-busy", ui.state.links.length > BUSY_LINKS);
  const drawable = ui.state.links.filter((l) => goalElement(l.goal_id) && cardAnchor(l.card_id));
  reconcile(el.layer, drawable, (l) => l.id,
    (link) => {
      const card = cardById(ui.state, link.card_id);
      const group = s("g", { class: `link kind-${card ? card.kind : "drive"} stroke-${card ? colorOfCard(card) : 0}`, dataset: { link: link.id } },
        s("path", { class: "link-hit" }),
        s("path", { class: "link-casing" }),
        s("path", { class: "link-line", "data-testid": "link", dataset: { linkId: link.id, cardId: link.card_id, goalId: link.goal_id } }),
        s("circle", { class: "link-end", r: "6" }),
        s("circle", { class: "link-end", r: "6" }));
      return group;
    },
    (group, link) => {
      const { goal, card } = endpoints(goalElement(link.goal_id), cardAnchor(link.card_id), base);
      const d = linkPath(goal, card, columns, peopleEdge);
      const [hit, casing, line, endA, endB] = group.children;
      for (const path of [hit, casing, line]) path.setAttribute("d", d);
      endA.setAttribute("cx", goal.x.toFixed(1));
      endA.setAttribute("cy", goal.y.toFixed(1));
      endB.setAttribute("cx", card.x.toFixed(1));
      endB.setAttribute("cy", card.y.toFixed(1));
      if (!ui.drawn.has(link.id)) {
        ui.drawn.add(link.id);
        if (animate) {
          drawIn(casing);
          drawIn(line);
        }
      }
    });
  applyFocus();
}

/**
 * Let a new curve draw itself once (stroke-dash trick), then hand its style back to the CSS.
 * The clean-up is on a timer, not on transitionend, so a curve redrawn or hidden meanwhile is
 * never left half drawn.
 * @param {SVGPathElement} path
 */
function drawIn(path) {
  const length = Math.ceil(path.getTotalLength()) + 2;
  path.style.strokeDasharray = `${length}`;
  path.style.strokeDashoffset = `${length}`;
  path.getBoundingClientRect();
  path.style.transition = `stroke-dashoffset ${DRAW_IN_MS}ms ease-out`;
  path.style.strokeDashoffset = "0";
  window.setTimeout(() => {
    path.style.transition = "";
    path.style.strokeDasharray = "";
    path.style.strokeDashoffset = "";
  }, DRAW_IN_MS + 50);
}

// --- Focus: highlight one card's, goal's or link's links and dim the rest --------------------------------

/** Mark the focused item and everything linked to it; the CSS dims the rest. */
function applyFocus() {
  const focus = ui.selected || ui.hover;
  for (const node of el.board.querySelectorAll(".is-related, .is-focus, .is-selected")) node.classList.remove("is-related", "is-focus", "is-selected");
  el.board.classList.toggle("has-focus", Boolean(focus));
  if (!focus || !ui.state) {
    renderLinkActions();
    return;
  }
  let links = [];
  if (focus.type === "card") links = linksOfCard(ui.state, focus.id);
  else if (focus.type === "goal") links = linksOfGoal(ui.state, focus.id);
  else links = ui.state.links.filter((l) => l.id === focus.id);
  const mark = (node, ...classes) => node && node.classList.add(...classes);
  const focusClasses = focus === ui.selected ? ["is-focus", "is-selected"] : ["is-focus"];
  if (focus.type === "card") {
    mark(el.persons.querySelector(`[data-card-id="${CSS.escape(focus.id)}"]`), ...focusClasses);
    mark(cardAnchor(focus.id), "is-related");
  }
  if (focus.type === "goal") mark(goalElement(focus.id), ...focusClasses);
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

/** The bar that offers to remove the selected link. */
function renderLinkActions() {
  const link = ui.selected && ui.selected.type === "link" ? ui.state?.links.find((l) => l.id === ui.selected.id) : null;
  el.linkActions.hidden = !link;
  if (!link) return;
  const card = cardById(ui.state, link.card_id);
  const goal = goalById(ui.state, link.goal_id);
  setText(byTestId("link-actions-text"), format(strings.link_between, { card: card ? card.text : "", goal: goal ? goal.text : "" }));
}

/**
 * Select a card, goal or link (selecting it again clears the selection).
 * @param {?{type: "card"|"goal"|"link", id: string}} target
 */
function select(target) {
  const same = target && ui.selected && ui.selected.type === target.type && ui.selected.id === target.id;
  ui.selected = same ? null : target;
  applyFocus();
  if (ui.selected?.type === "link") byTestId("link-remove").focus({ preventScroll: true });
}

// --- Actions --------------------------------------------------------------------------------------------

/**
 * Link a card to a goal (the server acks an existing pair with the link it has).
 * @param {string} cardId
 * @param {string} goalId
 */
async function addLink(cardId, goalId) {
  if (linkBetween(ui.state, cardId, goalId)) {
    select({ type: "goal", id: goalId });
    return;
  }
  const ack = await live.act(SEND.ADD_LINK, { id: newId(), card_id: cardId, goal_id: goalId });
  if (ack.ok) toast(strings.linked);
}

/**
 * Remove a link.
 * @param {string} linkId
 */
async function removeLink(linkId) {
  const ack = await live.act(SEND.DELETE_LINK, { id: linkId });
  if (ack.ok && ui.selected?.id === linkId) select(null);
}

// --- Dragging a card onto a goal (pointer events: mouse, pen and touch) ------------------------------------

/**
 * Start tracking a press on a card; it becomes a drag once the pointer moves a little.
 * @param {PointerEvent} event
 */
function onPointerDown(event) {
  const card = event.target.closest("[data-testid=card]");
  if (!card || (event.pointerType === "mouse" && event.button !== 0)) return;
  event.preventDefault();
  try {
    card.setPointerCapture(event.pointerId);
  } catch {
    /* a synthetic pointer cannot be captured; moves still reach the list */
  }
  ui.drag = { card, cardId: card.dataset.cardId, pointerId: event.pointerId, x0: event.clientX, y0: event.clientY, active: false, ghost: null, target: null };
}

/**
 * Move the ghost and the rubber-band line; find the goal under the pointer.
 * @param {PointerEvent} event
 */
function onPointerMove(event) {
  const drag = ui.drag;
  if (!drag || event.pointerId !== drag.pointerId) return;
  if (!drag.active) {
    if (Math.hypot(event.clientX - drag.x0, event.clientY - drag.y0) < DRAG_THRESHOLD_PX) return;
    drag.active = true;
    const cardData = cardById(ui.state, drag.cardId);
    drag.ghost = h("div", { class: `drag-ghost edge-${cardData ? colorOfCard(cardData) : 0}`, "data-testid": "drag-ghost", "aria-hidden": "true" },
      icon(cardData ? cardData.kind : "drive"), h("span", {}, cardData ? cardData.text : ""));
    document.body.appendChild(drag.ghost);
    el.board.classList.add("is-dragging");
    drag.card.classList.add("is-drag-source");
    drag.previousSelection = ui.selected;
    ui.selected = { type: "card", id: drag.cardId };
    applyFocus();
  }
  drag.ghost.style.transform = `translate(${event.clientX + 14}px, ${event.clientY + 14}px)`;
  const under = document.elementFromPoint(event.clientX, event.clientY);
  const goal = under ? under.closest("[data-testid=goal]") : null;
  if (goal !== drag.target) {
    if (drag.target) drag.target.classList.remove("is-drop-target");
    if (goal) goal.classList.add("is-drop-target");
    drag.target = goal;
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
    select({ type: "card", id: drag.cardId });
  } else if (target && event.type === "pointerup") {
    addLink(drag.cardId, target.dataset.goalId);
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
  el.board.classList.remove("is-dragging");
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
 * @param {import("./state.js").State} state
 */
function render(state) {
  state = teamView(state);
  ui.state = state;
  const phase = state.workshop.phase;
  el.board.dataset.phase = phase;
  setText(byTestId("phase"), strings[`phase_${phase}`] || phase);
  if (ui.selected) {
    const exists = ui.selected.type === "card" ? cardById(state, ui.selected.id)
      : ui.selected.type === "goal" ? goalById(state, ui.selected.id)
        : state.links.some((l) => l.id === ui.selected.id);
    if (!exists) ui.selected = null;
  }
  renderJoinScreen();
  renderGoals();
  renderPeople();
  if (phase !== "join") {
    fitDensity(false);
    drawLinks();
  }
  if (ui.firstRender) {
    // Links present at load are not "new": they are drawn without animation.
    for (const link of state.links) ui.drawn.add(link.id);
  }
  ui.firstRender = false;
}

/** Hover, click, keyboard, drag, resize and scroll. */
function wire() {
  el.persons.addEventListener("pointerdown", onPointerDown);
  el.persons.addEventListener("pointermove", onPointerMove);
  el.persons.addEventListener("pointerup", onPointerUp);
  el.persons.addEventListener("pointercancel", onPointerUp);
  el.persons.addEventListener("lostpointercapture", (event) => {
    if (ui.drag && event.pointerId === ui.drag.pointerId && ui.drag.active) endDrag();
  });

  // Hover highlights (mouse only: a touch has no hover).
  el.columns.addEventListener("pointerover", (event) => {
    if (event.pointerType !== "mouse" || ui.drag) return;
    const card = event.target.closest("[data-testid=card]");
    const goal = event.target.closest("[data-testid=goal]");
    const next = card ? { type: "card", id: card.dataset.cardId } : goal ? { type: "goal", id: goal.dataset.goalId } : null;
    if (JSON.stringify(next) !== JSON.stringify(ui.hover)) {
      ui.hover = next;
      applyFocus();
    }
  });
  el.columns.addEventListener("pointerleave", () => {
    ui.hover = null;
    applyFocus();
  });

  // Clicks: a goal or a curve selects it; empty space clears. (Cards select on pointerup.)
  el.board.addEventListener("click", (event) => {
    if (event.target.closest("[data-testid=card], [data-testid=link-actions], .chip-remove")) return;
    const goal = event.target.closest("[data-testid=goal]");
    const chip = event.target.closest("[data-testid=goal-link-chip]");
    const link = event.target.closest(".link");
    if (chip) select({ type: "link", id: chip.dataset.linkId });
    else if (link) select({ type: "link", id: link.dataset.link });
    else if (goal) select({ type: "goal", id: goal.dataset.goalId });
    else select(null);
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key === "Escape") {
      endDrag();
      select(null);
    } else if ((event.key === "Delete" || event.key === "Backspace") && ui.selected?.type === "link") {
      event.preventDefault();
      removeLink(ui.selected.id);
    } else if ((event.key === "Enter" || event.key === " ") && target.matches && target.matches("[data-testid=card], [data-testid=goal]")) {
      event.preventDefault();
      select(target.dataset.cardId ? { type: "card", id: target.dataset.cardId } : { type: "goal", id: target.dataset.goalId });
    }
  });

  byTestId("link-remove").addEventListener("click", () => {
    if (ui.selected?.type === "link") removeLink(ui.selected.id);
  });
  byTestId("link-cancel").addEventListener("click", () => select(null));

  window.addEventListener("resize", () => {
    if (!ui.state) return;
    fitDensity(false);
    scheduleLinks();
  });
  el.columns.addEventListener("scroll", scheduleLinks, true);
  if ("ResizeObserver" in window) new ResizeObserver(scheduleLinks).observe(el.columns);
  // Fonts and the QR image settle after first paint; curves follow.
  window.addEventListener("load", scheduleLinks);
}

wire();
live = connectLive({
  boot,
  strings,
  onState: (state) => render(state),
  onWorkshopDeleted: () => {
    toast(strings.workshop_deleted, { kind: "error", timeout: 60000 });
    el.board.classList.add("is-gone");
  },
});
