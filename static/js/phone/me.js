// @ts-check
// The "me" screen: everything stored about me in this workshop, the language, and leaving; and
// the screen that says I am gone (I left, was removed, or the workshop was erased).

import { fill, format, h, icon, part, reconcile, setText, showEmpty, toast } from "../dom.js";
import { RECEIVE, SEND } from "../events.js";
import { nameOf, refusalText } from "../labels.js";
import { cardById, goalById } from "../state.js";
import {
  askFirst, fromText, givenStatus, isConnected, kept, meId, myDrives, myLinks, onServer, sendNow, stopSending, store, strengthsGiven,
  strengthsReceived, strings, ui, unsentText,
} from "./store.js";

/**
 * @typedef {import("../state.js").State} State
 * @typedef {import("./store.js").PhoneUi} PhoneUi
 */

const leaveButton = part("leave", HTMLButtonElement);

/**
 * A plain list on the "me" screen: each item its text and a line about it.
 * @param {PhoneUi} s
 * @param {string} testId the list's handle
 * @param {string} itemTestId each item's handle
 * @template {{id: string, unsent?: boolean}} T
 * @param {T[]} items
 * @param {(item: T) => {text: string, meta: string, icon?: string, className?: string}} describe
 */
function renderMeList(s, testId, itemTestId, items, describe) {
  reconcile(part(testId), items, (item) => item.id,
    () => h("li", { class: "me-item", "data-testid": itemTestId }),
    (li, item) => {
      const { text, meta, icon: iconName, className } = describe(item);
      li.className = `me-item ${className || ""}`.trim();
      li.dataset.id = item.id;
      fill(li, h("p", { class: "me-text" }, text),
        h("p", { class: "me-meta" }, iconName ? icon(iconName) : null, h("span", {}, item.unsent ? `${meta} · ${unsentText(s)}` : meta)));
    });
  setText(part(`${testId}-count`), items.length || "");
  showEmpty(`${testId}-empty`, !items.length);
}

/**
 * The "me" screen: everything stored about me in this workshop.
 * @param {State} view
 * @param {PhoneUi} s
 */
export function renderMe(view, s) {
  const me = meId(s);
  setText(part("me-data-name"), nameOf(view, me));
  renderMeList(s, "me-drives", "me-drive", myDrives(view, me), (card) => ({
    text: card.text, meta: strings[`visibility_hint_${card.visibility}`] || "", icon: card.visibility,
    className: card.visibility === "facilitator" ? "is-private" : "",
  }));
  renderMeList(s, "me-given", "me-given-item", strengthsGiven(view, me), (card) => {
    const name = nameOf(view, card.about) || strings.someone;
    return { text: card.text, meta: `${format(strings.for_person, { name })} · ${givenStatus(card, name)}`,
      icon: card.status === "pending" ? "wait" : "check" };
  });
  renderMeList(s, "me-received", "me-received-item", strengthsReceived(view, me).received,
    (card) => ({ text: card.text, meta: `${fromText(view, card)} · ${card.status === "pending" ? strings.awaiting_you : strings.shared_with_team}`,
      icon: card.status === "pending" ? "wait" : "check", className: card.status === "pending" ? "is-awaiting" : "" }));
  renderMeList(s, "me-links", "me-link", myLinks(view, me), (link) => {
    const card = cardById(view, link.card_id);
    const goal = goalById(view, link.goal_id);
    return { text: card ? card.text : "", meta: format(strings.linked_to, { goal: goal ? goal.text : "" }), icon: goal ? goal.kind : "goal" };
  });
  leaveButton.disabled = s.leaving;
  setText(leaveButton, s.leaving ? strings.leaving : leaveButton.dataset.label || "");
  renderSeat(s.tab === "me" && !s.left);
}

/** "Open on another device" and "Your devices" (phone/seat.js), loaded when the tab first shows. */
/** @type {?typeof import("./seat.js")} */
let seat = null;
let seatLoading = false;

/**
 * Show the seat's part of the tab, or (the tab left) forget the link it showed.
 * @param {boolean} shown
 */
function renderSeat(shown) {
  if (seat) seat.renderSeat(shown);
  else if (shown && !seatLoading) {
    seatLoading = true;
    import("./seat.js").then((module) => {
      seat = module;
      seat.renderSeat(ui().tab === "me" && !ui().left);
    }, () => {
      seatLoading = false; // offline: the next render asks again
    });
  }
}

/** Leave the workshop, after one confirmation: the server deletes everything of mine. */
async function leave() {
  if (ui().leaving || !(await askFirst(strings.confirm_leave, leaveButton.dataset.label || ""))) return;
  if (!isConnected()) {
    toast(strings.leave_offline, { kind: "error" });
    return;
  }
  store.update({ leaving: true });
  const ack = await sendNow(SEND.LEAVE_WORKSHOP, {});
  if (ack.ok) {
    showLeft("left");
    return;
  }
  if (ui().left) return;
  store.update({ leaving: false });
  toast(refusalText(strings, ack.error), { kind: "error" });
}

/**
 * I am gone from the workshop (I left, the facilitator removed me, the workshop was erased,
 * the server no longer knows this phone's token: removed or erased while the phone was closed,
 * or this device was signed out of my seat from another one or by the facilitator):
 * forget everything this phone kept, stop the connection, and say so.
 * @param {"left"|"removed"|"deleted"|"gone"|"signed_out"} how
 */
export function showLeft(how) {
  if (ui().left) return;
  store.update({ left: how, outbox: [] });
  kept.clearAll();
  stopSending();
  part("phone").dataset.left = how;
  const screen = part("left-screen");
  for (const line of screen.querySelectorAll("[data-left]")) {
    if (line instanceof HTMLElement && !(line.dataset.left || "").split(" ").includes(how)) line.remove();
  }
  // An erased workshop cannot be joined again; a signed-out device comes back with a link.
  if (how === "deleted" || how === "signed_out") part("join-again").hidden = true;
  screen.hidden = false;
  for (const region of document.querySelectorAll(".phone-top, .phone-main, .tabbar, .notice")) {
    if (region instanceof HTMLElement) region.hidden = true;
  }
  window.scrollTo({ top: 0 });
  part("left-title").focus();
}

/** Wire leaving, and hearing that this device was signed out or the seat changed. */
export function wireMe() {
  leaveButton.dataset.label = leaveButton.textContent || "";
  leaveButton.addEventListener("click", leave);
  onServer(RECEIVE.SIGNED_OUT, () => showLeft("signed_out"));
  onServer(RECEIVE.SEAT_CHANGED, () => seat?.refresh());
}
