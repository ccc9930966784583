// @ts-check
// board/geometry.js: the curves between goals and cards, computed from measured rectangles.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { bendTo, columnsOf, curve, endpoints, linkPath, nearestIndex } from "../../static/js/board/geometry.js";

/**
 * A rectangle from its edges.
 * @param {number} left
 * @param {number} top
 * @param {number} right
 * @param {number} bottom
 */
function box(left, top, right, bottom) {
  return { left, top, right, bottom, width: right - left, height: bottom - top };
}

describe("curve and bendTo", () => {
  it("leave and arrive horizontally, pulling half the distance", () => {
    assert.equal(curve({ x: 0, y: 0 }, { x: 100, y: 50 }), "M0.0,0.0 C50.0,0.0 50.0,50.0 100.0,50.0");
  });

  it("pull at least 48 px, so close ends still curve", () => {
    assert.equal(curve({ x: 0, y: 0 }, { x: 40, y: 10 }), "M0.0,0.0 C48.0,0.0 -8.0,10.0 40.0,10.0");
  });

  it("run right to left too", () => {
    assert.equal(curve({ x: 100, y: 0 }, { x: 0, y: 30 }), "M100.0,0.0 C50.0,0.0 50.0,30.0 0.0,30.0");
  });

  it("bendTo continues a path with a horizontal S", () => {
    assert.equal(bendTo({ x: 0, y: 0 }, { x: 10, y: 20 }), " C5.0,0.0 5.0,20.0 10.0,20.0");
  });
});

describe("columnsOf", () => {
  const list = box(480, 90, 1000, 400);
  const base = { left: 0, top: 50 };

  it("groups person groups by their left edge and finds the gaps between them", () => {
    const columns = columnsOf([
      box(500, 100, 700, 200),
      box(720, 100, 900, 150),
      box(502, 220, 690, 300), // 2 px off: the same column
      box(0, 0, 0, 0), // hidden
    ], list, base);
    assert.deepEqual(columns, [
      { left: 500, right: 700, gaps: [160, 260] }, // (200 + 220) / 2 and 300 + 10, less the overlay's top
      { left: 720, right: 900, gaps: [110] },
    ]);
  });

  it("drops gaps outside the list's visible area", () => {
    const short = box(480, 90, 1000, 305);
    assert.deepEqual(columnsOf([box(500, 100, 700, 200), box(500, 220, 700, 300)], short, base), [{ left: 500, right: 700, gaps: [160] }]);
    const scrolled = box(480, 215, 1000, 400);
    assert.deepEqual(columnsOf([box(500, 100, 700, 200), box(500, 220, 700, 300)], scrolled, base), [{ left: 500, right: 700, gaps: [260] }]);
  });

  it("is empty without groups", () => {
    assert.deepEqual(columnsOf([], list, base), []);
  });
});

describe("linkPath", () => {
  const columns = [{ left: 500, right: 700, gaps: [160, 260] }, { left: 720, right: 900, gaps: [110] }];

  it("is one curve to a card in the first column", () => {
    assert.equal(linkPath({ x: 100, y: 100 }, { x: 500, y: 130 }, columns, 500), curve({ x: 100, y: 100 }, { x: 500, y: 130 }));
  });

  it("reaches a card further right through the gap nearest its height", () => {
    assert.equal(linkPath({ x: 100, y: 100 }, { x: 760, y: 130 }, columns, 500),
      "M100.0,100.0 C300.0,100.0 300.0,160.0 500.0,160.0 L706.0,160.0 C733.0,160.0 733.0,130.0 760.0,130.0");
  });

  it("passes through every column in front of the card", () => {
    const d = linkPath({ x: 100, y: 100 }, { x: 950, y: 240 }, columns, 500);
    assert.equal(d, "M100.0,100.0 C300.0,100.0 300.0,260.0 500.0,260.0 L706.0,260.0"
      + " C713.0,260.0 713.0,110.0 720.0,110.0 L906.0,110.0 C928.0,110.0 928.0,240.0 950.0,240.0");
  });

  it("goes straight at the card's height through a column without gaps", () => {
    const d = linkPath({ x: 100, y: 100 }, { x: 760, y: 130 }, [{ left: 500, right: 700, gaps: [] }], 500);
    assert.ok(d.includes("500.0,130.0 L706.0,130.0"), d);
  });

  it("runs straight under collapsed chips when there are no channels", () => {
    assert.equal(linkPath({ x: 100, y: 100 }, { x: 640, y: 120 }, [], 500), `${curve({ x: 100, y: 100 }, { x: 500, y: 120 })} L640.0,120.0`);
  });
});

describe("endpoints", () => {
  const lists = box(0, 50, 2000, 1000);
  const base = { left: 10, top: 20 };

  it("joins the goal's facing edge to the card's, the goal end at most 40 px down", () => {
    assert.deepEqual(endpoints(box(0, 100, 300, 200), box(500, 300, 700, 340), lists, lists, base),
      { goal: { x: 290, y: 120 }, card: { x: 490, y: 300 } });
    assert.deepEqual(endpoints(box(0, 100, 300, 130), box(500, 300, 700, 340), lists, lists, base).goal, { x: 290, y: 95 });
  });

  it("swaps the edges when the card is left of the goal", () => {
    assert.deepEqual(endpoints(box(200, 100, 400, 200), box(0, 300, 100, 340), lists, lists, base),
      { goal: { x: 190, y: 120 }, card: { x: 90, y: 300 } });
  });

  it("keeps each end 4 px inside its list's visible area", () => {
    const { goal, card } = endpoints(box(0, 10, 300, 30), box(500, 990, 700, 1030), lists, lists, base);
    assert.equal(goal.y, 54 - 20);
    assert.equal(card.y, 996 - 20);
  });
});

describe("nearestIndex", () => {
  it("finds the box whose middle is nearest a height", () => {
    const boxes = [box(0, 0, 10, 10), box(0, 100, 10, 110), box(0, 50, 10, 60)];
    assert.equal(nearestIndex(boxes, 60), 2);
    assert.equal(nearestIndex(boxes, 1000), 1);
    assert.equal(nearestIndex(boxes, 30), 0, "equally near: the first");
    assert.equal(nearestIndex([], 30), -1);
  });
});
