// DOM helpers shared by every page. All participant text reaches the page through
// textContent (text children of h()) or setAttribute of non-URL attributes: never innerHTML.

const SVG_NS = "http://www.w3.org/2000/svg";

// Attributes whose value the browser may load or run. h() refuses them for data, so a
// participant's text can never become a URL; pages set the few static URLs themselves.
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "srcdoc", "poster", "data"]);

/**
 * Fill an element's attributes, properties and listeners from a plain object.
 * Keys: `class`, `dataset` (object), `on<Event>` (function → addEventListener),
 * `props` (object of DOM properties such as value, disabled, hidden), and anything else as an
 * attribute (`true` → empty attribute, `false`/null/undefined → left out).
 * @param {Element} el
 * @param {Object<string, *>} attrs
 */
function applyAttributes(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "dataset") {
      for (const [k, v] of Object.entries(value)) {
        if (v !== null && v !== undefined) el.dataset[k] = String(v);
      }
    } else if (key === "props") {
      Object.assign(el, value);
    } else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (URL_ATTRIBUTES.has(key.toLowerCase()) && !String(value).startsWith("#")) {
      throw new Error(`h(): refusing URL attribute ${key}`);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

/**
 * Append children: strings and numbers become text nodes, nodes are appended,
 * arrays are flattened, and null/undefined/false are skipped.
 * @param {Node} el
 * @param {Array<*>} children
 */
function appendChildren(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) appendChildren(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Create an HTML element: `h("li", {class: "card", dataset: {cardId: id}}, text)`.
 * Text children are always text nodes, so data is never parsed as HTML.
 * @param {string} tag
 * @param {Object<string, *>} [attrs]
 * @param {...*} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  applyAttributes(el, attrs);
  appendChildren(el, children);
  return el;
}

/**
 * Create an SVG element (same rules as h()).
 * @param {string} tag
 * @param {Object<string, *>} [attrs]
 * @param {...*} children
 * @returns {SVGElement}
 */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttributes(el, attrs);
  appendChildren(el, children);
  return el;
}

/**
 * An icon from the page's SVG sprite (templates/_icons.html).
 * @param {string} name e.g. "drive", "goal"
 * @param {string} [extraClass]
 * @returns {SVGElement}
 */
export function icon(name, extraClass = "") {
  const use = s("use");
  use.setAttribute("href", `#i-${name}`);
  return s("svg", { class: `icon ${extraClass}`.trim(), "aria-hidden": "true", focusable: "false" }, use);
}

/**
 * First element matching a selector.
 * @param {string} selector
 * @param {ParentNode} [root=document]
 * @returns {HTMLElement|null}
 */
export function $(selector, root = document) {
  return root.querySelector(selector);
}

/**
 * The element with a data-testid, the stable handle the pages and the tests share.
 * @param {string} id
 * @param {ParentNode} [root=document]
 * @returns {HTMLElement|null}
 */
export function byTestId(id, root = document) {
  return root.querySelector(`[data-testid="${id}"]`);
}

/**
 * Replace an element's children (same child rules as h(): null/false skipped, text as text nodes).
 * @param {Element} el
 * @param {...*} children
 */
export function fill(el, ...children) {
  clear(el);
  appendChildren(el, children);
}

/**
 * Remove every child of an element.
 * @param {Element} el
 */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/**
 * Set an element's text only when it changed (keeps the DOM quiet for screen readers).
 * @param {Element|null} el
 * @param {string|number} text
 */
export function setText(el, text) {
  if (el && el.textContent !== String(text)) el.textContent = String(text);
}

/**
 * Parse a JSON data block (`<script type="application/json" id="…">`).
 * @param {string} id
 * @returns {*} the parsed value, or {} when the block is missing
 */
export function readJSON(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : {};
}

/**
 * Fill `{name}` placeholders in a translated string.
 * @param {string} template
 * @param {Object<string, *>} [vars]
 * @returns {string}
 */
export function format(template, vars = {}) {
  return String(template ?? "").replace(/\{(\w+)\}/g, (match, key) => (key in vars ? String(vars[key]) : match));
}

/**
 * Keep a list's children in step with data, reusing elements by key so focus, inputs and
 * running transitions survive a re-render. New elements get the class `is-new` once.
 * @template T
 * @param {Element} parent the list element; all its children are managed here
 * @param {T[]} items
 * @param {(item: T) => string} keyOf
 * @param {(item: T) => Element} create builds a fresh element
 * @param {(el: Element, item: T) => void} update fills an element (fresh or reused)
 * @param {{animate?: boolean}} [options] animate: mark new elements with `is-new`
 */
export function reconcile(parent, items, keyOf, create, update, options = {}) {
  const existing = new Map();
  for (const el of Array.from(parent.children)) existing.set(el.dataset.key, el);
  let previous = null;
  for (const item of items) {
    const key = String(keyOf(item));
    let el = existing.get(key);
    if (el) {
      existing.delete(key);
    } else {
      el = create(item);
      el.dataset.key = key;
      if (options.animate) {
        el.classList.add("is-new");
        el.addEventListener("animationend", () => el.classList.remove("is-new"), { once: true });
      }
    }
    update(el, item);
    const expected = previous ? previous.nextElementSibling : parent.firstElementChild;
    if (expected !== el) parent.insertBefore(el, expected);
    previous = el;
  }
  for (const el of existing.values()) el.remove();
}

/**
 * Show a short, non-blocking message in the page's toast region; it fades by itself.
 * @param {string} message plain text (may come from the server or a participant)
 * @param {{kind?: "error"|"info", timeout?: number}} [options]
 */
export function toast(message, options = {}) {
  const region = byTestId("toasts");
  if (!region || !message) return;
  const item = h("p", { class: `toast ${options.kind === "error" ? "is-error" : ""}`.trim(), "data-testid": "toast",
    role: options.kind === "error" ? "alert" : "status" }, message);
  region.appendChild(item);
  while (region.children.length > 3) region.firstElementChild.remove();
  window.setTimeout(() => {
    item.classList.add("is-leaving");
    window.setTimeout(() => item.remove(), 400);
  }, options.timeout ?? 4500);
}

/**
 * Whether the user asked the system for less motion.
 * @returns {boolean}
 */
export function prefersReducedMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}
