// @ts-check
// The board's geometry: where a link's curve runs between a goal and a card. Pure: it takes
// rectangles measured from the page (board.js measures them) and returns numbers and SVG path data.

/**
 * @typedef {{x: number, y: number}} Point
 * @typedef {{left: number, right: number, top: number, bottom: number, width: number, height: number}} Box
 *   a measured rectangle (a DOMRect fits), in page coordinates
 * @typedef {{left: number, right: number, gaps: number[]}} Column
 *   a column of person groups, in the overlay's coordinates: its edges and the heights (y) of the
 *   gaps between its groups, the channels a link to a card further right travels through
 */

/**
 * A number as SVG path data writes it here: one decimal.
 * @param {number} n
 * @returns {string}
 */
function num(n) {
  return n.toFixed(1);
}

/**
 * A smooth cubic Bézier between two points, leaving and arriving horizontally.
 * @param {Point} a
 * @param {Point} b
 * @returns {string} SVG path data
 */
export function curve(a, b) {
  const dx = Math.max(48, Math.abs(b.x - a.x) * 0.5);
  const direction = b.x >= a.x ? 1 : -1;
  return `M${num(a.x)},${num(a.y)} C${num(a.x + dx * direction)},${num(a.y)} `
    + `${num(b.x - dx * direction)},${num(b.y)} ${num(b.x)},${num(b.y)}`;
}

/**
 * The last part of a path: a horizontal-tangent bend from `a` to `b` (continues a path at `a`).
 * @param {Point} a
 * @param {Point} b
 * @returns {string}
 */
export function bendTo(a, b) {
  const dx = (b.x - a.x) / 2;
  return ` C${num(a.x + dx)},${num(a.y)} ${num(b.x - dx)},${num(b.y)} ${num(b.x)},${num(b.y)}`;
}

/**
 * Group the person groups' rectangles into the columns they are laid out in (left to right),
 * each with the gaps between its groups. A gap below the last group counts when the list has
 * room there; gaps outside the list's visible area do not.
 * @param {Box[]} groups the person groups' rectangles (zero-width ones, hidden, are skipped)
 * @param {Box} list the people list's rectangle (its visible area)
 * @param {{left: number, top: number}} base the overlay's origin
 * @returns {Column[]}
 */
export function columnsOf(groups, list, base) {
  /** @type {Array<{left: number, right: number, boxes: Box[]}>} */
  const columns = [];
  for (const box of groups) {
    if (!box.width) continue;
    let column = columns.find((c) => Math.abs(c.left - box.left) < 4);
    if (!column) {
      column = { left: box.left, right: box.right, boxes: [] };
      columns.push(column);
    }
    column.right = Math.max(column.right, box.right);
    column.boxes.push(box);
  }
  columns.sort((a, b) => a.left - b.left);
  return columns.map((column) => {
    const boxes = column.boxes.slice().sort((a, b) => a.top - b.top);
    const gaps = [];
    for (let i = 1; i < boxes.length; i += 1) gaps.push((boxes[i - 1].bottom + boxes[i].top) / 2);
    const last = boxes[boxes.length - 1];
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
 * between the person groups in front of it (the gap nearest the card's height), so a line never
 * seems to end at the wrong card.
 * @param {Point} goal
 * @param {Point} card
 * @param {Column[]} columns from columnsOf()
 * @param {number} peopleEdge x of the people column's near edge (used when there are no channels)
 * @returns {string} SVG path data
 */
export function linkPath(goal, card, columns, peopleEdge) {
  const before = columns.filter((c) => c.right < card.x - 2);
  if (!before.length) {
    if (card.x <= peopleEdge + 1) return curve(goal, card);
    // Collapsed people (chips): a straight run under the chips in front.
    return `${curve(goal, { x: peopleEdge, y: card.y })} L${num(card.x)},${num(card.y)}`;
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
    d += ` L${num(from.x)},${num(y)}`;
  });
  return d + bendTo(from, card);
}

/**
 * The two ends of a link in the overlay's coordinates: from the goal's edge facing the card to
 * the card's edge facing the goal. The goal end sits near its top (at most 40 px down, so a tall
 * goal's links meet by its title); each end is kept 4 px inside its list's visible area.
 * @param {Box} goal the goal's rectangle
 * @param {Box} card the card's (or its person's chip's) rectangle
 * @param {Box} goals the goals list's rectangle
 * @param {Box} people the people list's rectangle
 * @param {{left: number, top: number}} base the overlay's origin
 * @returns {{goal: Point, card: Point}}
 */
export function endpoints(goal, card, goals, people, base) {
  const clampY = (/** @type {number} */ y, /** @type {Box} */ list) => Math.min(Math.max(y, list.top + 4), list.bottom - 4);
  const gy = clampY(goal.top + Math.min(goal.height / 2, 40), goals) - base.top;
  const cy = clampY(card.top + card.height / 2, people) - base.top;
  if (card.left >= goal.right) {
    return { goal: { x: goal.right - base.left, y: gy }, card: { x: card.left - base.left, y: cy } };
  }
  return { goal: { x: goal.left - base.left, y: gy }, card: { x: card.right - base.left, y: cy } };
}

/**
 * Which of some boxes is vertically nearest to a height (the first of equals).
 * @param {Box[]} boxes
 * @param {number} y
 * @returns {number} its index, or -1 when there are none
 */
export function nearestIndex(boxes, y) {
  let best = -1;
  let distance = Infinity;
  boxes.forEach((box, index) => {
    const d = Math.abs(box.top + box.height / 2 - y);
    if (d < distance) {
      best = index;
      distance = d;
    }
  });
  return best;
}
