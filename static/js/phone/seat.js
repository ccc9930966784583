// @ts-check
// The Me tab's "Open on another device" and "Your devices", loaded the first time
// the tab shows (the phone's first load stays small). A personal link opens this person's seat
// once on a laptop or another phone. The link and its QR code live only in this module's
// memory while the tab shows: never in the store, so never in the phone's localStorage, and
// gone when the tab is left. The devices holding the seat are listed with how and when they
// came (a link the facilitator made says so), each other one with "Sign out".

import { fill, format, h, part, toast } from "../dom.js";
import { SEND } from "../events.js";
import { pageLanguage, refusalText } from "../labels.js";
import { askFirst, isConnected, sendNow, strings } from "./store.js";

/**
 * @typedef {{id: string, came_by: "joined"|"link"|"facilitator", created_at: string, this: boolean}} Device
 * @typedef {{link: ?{by: "link"|"facilitator", created_at: string}, devices: Device[]}} Seat
 */

const root = part("seat");

/** What shows: the seat as the server last said, the link made here (until the tab is left). */
let shown = false;
/** @type {?Seat} */
let seat = null;
/** @type {?{url: string, qr: string}} */
let link = null;
let busy = false;

/**
 * A moment as the person reads it: "30 Nov, 10:04" (their page's language).
 * @param {string} iso
 * @returns {string}
 */
function when(iso) {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return "";
  const options = /** @type {const} */ ({ day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  try {
    return new Intl.DateTimeFormat(pageLanguage() || undefined, options).format(moment);
  } catch {
    return new Intl.DateTimeFormat("en", options).format(moment);
  }
}

/**
 * Show the seat's part of the Me tab (ask the server what it is), or forget the link.
 * @param {boolean} visible whether the Me tab shows
 */
export function renderSeat(visible) {
  if (visible === shown) return;
  shown = visible;
  link = null;
  if (visible) refresh();
  else fill(root);
}

/** Ask the server for the seat again (the tab opened, or `seat_changed` said it changed). */
export async function refresh() {
  if (!shown || !isConnected()) return;
  const ack = await sendNow(SEND.MY_SEAT, {});
  if (!shown) return;
  if (ack.ok) seat = ack.seat;
  // The link shown here was used (or stopped, or replaced elsewhere): it no longer opens anything.
  if (ack.ok && !ack.seat.link) link = null;
  draw();
}

/**
 * Send one of the seat's events; say why when it is refused.
 * @param {string} event
 * @param {Object<string, any>} payload
 * @returns {Promise<any>} the acknowledgement, or null when refused
 */
async function act(event, payload = {}) {
  if (busy) return null;
  busy = true;
  draw();
  const ack = await sendNow(event, payload);
  busy = false;
  if (!ack.ok) toast(refusalText(strings, ack.error), { kind: "error" });
  return ack.ok ? ack : null;
}

/** Make a link (a pending one stops working) and show it. */
async function makeLink() {
  const ack = await act(SEND.CREATE_SEAT_LINK);
  if (ack && shown) link = { url: ack.url, qr: ack.qr };
  await refresh();
}

/** Stop the pending link, whoever made it. */
async function stopLink() {
  if (await act(SEND.REVOKE_SEAT_LINK)) link = null;
  await refresh();
}

/** Copy the link: the clipboard where the page may use it, else the selected field. */
async function copyLink() {
  if (!link) return;
  const field = root.querySelector("input");
  try {
    await navigator.clipboard.writeText(link.url);
  } catch {
    if (!(field instanceof HTMLInputElement)) return;
    field.select();
    if (!document.execCommand("copy")) return;
  }
  toast(strings.seat_copied);
}

/**
 * Sign out another device of mine, after one confirmation.
 * @param {Device} device
 */
async function signOut(device) {
  if (!(await askFirst(strings.confirm_sign_out, strings.sign_out))) return;
  await act(SEND.SIGN_OUT_DEVICE, { id: device.id });
  await refresh();
}

/**
 * The QR code: our own SVG, shown as an image (never parsed into the page).
 * @param {string} svg
 * @returns {HTMLElement}
 */
function qrImage(svg) {
  const img = h("img", { class: "seat-qr", alt: strings.seat_qr, "data-testid": "seat-qr", width: "240", height: "240" });
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return img;
}

/**
 * One device holding the seat.
 * @param {Device} device
 * @returns {HTMLElement}
 */
function deviceItem(device) {
  const how = format(strings[`came_${device.came_by}`] || "{when}", { when: when(device.created_at) });
  return h("li", { class: "me-item seat-device", "data-testid": "seat-device", "data-this": String(device.this), "data-came-by": device.came_by },
    h("p", { class: "me-text" }, device.this ? strings.device_this : strings.device_other),
    h("p", { class: "me-meta" }, h("span", {}, how)),
    device.this ? null : h("button", { type: "button", class: "button small quiet-danger", "data-testid": "seat-sign-out",
      disabled: busy, onclick: () => signOut(device) }, strings.sign_out));
}

/** Draw the seat's part from what this module holds. */
function draw() {
  if (!shown) return;
  const pending = seat?.link || null;
  const actions = link || pending
    ? [h("button", { type: "button", class: "button", "data-testid": "seat-new", disabled: busy, onclick: makeLink }, strings.seat_new),
      h("button", { type: "button", class: "button quiet-danger", "data-testid": "seat-stop", disabled: busy, onclick: stopLink }, strings.seat_stop)]
    : [h("button", { type: "button", class: "button primary wide", "data-testid": "seat-make", disabled: busy, onclick: makeLink }, strings.seat_make)];
  fill(root,
    pending && pending.by === "facilitator"
      ? h("p", { class: "seat-note is-facilitator", role: "status", "data-testid": "seat-facilitator-link" },
        format(strings.seat_by_facilitator, { when: when(pending.created_at) }))
      : null,
    pending && pending.by === "link" && !link
      ? h("p", { class: "seat-note", "data-testid": "seat-waiting" }, format(strings.seat_waiting, { when: when(pending.created_at) }))
      : null,
    link
      ? h("div", { class: "seat-link", "data-testid": "seat-link" },
        qrImage(link.qr),
        h("p", { class: "seat-url" },
          h("input", { class: "seat-url-field", readonly: true, "aria-label": strings.seat_qr, "data-testid": "seat-url", props: { value: link.url } }),
          h("button", { type: "button", class: "button", "data-testid": "seat-copy", onclick: copyLink }, strings.seat_copy)))
      : null,
    h("p", { class: "seat-actions" }, actions),
    seat ? h("h3", { class: "list-title" }, strings.devices) : null,
    seat ? h("ul", { class: "me-list", "data-testid": "seat-devices" }, seat.devices.map(deviceItem)) : null);
}
