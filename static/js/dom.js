// @ts-check
// Browser helpers shared by every page: building and finding elements, drawing a list item again
// only when what it shows changed, toasts, and what a phone keeps on itself (workshopStore, at
// the end). All participant text reaches the page through
// textContent (text children of h()) or setAttribute of non-URL attributes: never innerHTML.

import { LIMITS } from "./events.js";

export { format } from "./labels.js";

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * What h() and s() take besides the tag: `class`, `dataset`, `props`, `on<event>` listeners and
 * attributes (see applyAttributes).
 * @typedef {{[listener: `on${string}`]: ((event: Event) => void) | undefined, [attribute: string]: any}} Attrs
 */

// Attributes whose value the browser may load or run. h() refuses them for data, so a
// participant's text can never become a URL; pages set the few static URLs themselves.
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "srcdoc", "poster", "data"]);

/**
 * Fill an element's attributes, properties and listeners from a plain object.
 * Keys: `class`, `dataset` (object), `on<Event>` (function → addEventListener),
 * `props` (object of DOM properties such as value, disabled, hidden), and anything else as an
 * attribute (`true` → empty attribute, `false`/null/undefined → left out).
 * @param {HTMLElement|SVGElement} el
 * @param {Attrs} [attrs]
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
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...*} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  applyAttributes(el, attrs);
  appendChildren(el, children);
  return el;
}

/**
 * Create an SVG element (same rules as h()).
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...*} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function s(tag, attrs, ...children) {
  const el = /** @type {SVGElementTagNameMap[K]} */ (document.createElementNS(SVG_NS, tag));
  applyAttributes(el, attrs);
  appendChildren(el, children);
  return el;
}

/**
 * An icon from the page's SVG sprite (templates/_icons.html).
 * @param {string} name e.g. "drive", "goal"
 * @param {string} [extraClass]
 * @returns {SVGSVGElement}
 */
export function icon(name, extraClass = "") {
  const use = s("use");
  use.setAttribute("href", `#i-${name}`);
  return s("svg", { class: `icon ${extraClass}`.trim(), "aria-hidden": "true", focusable: "false" }, use);
}

/**
 * An element the page's template always has, by its data-testid, checked to be of its kind:
 * `part("drive-text", HTMLTextAreaElement)`. A page without it is broken, so this throws.
 * @template {Element} [E=HTMLElement]
 * @param {string} id
 * @param {{new (...args: any[]): E, name: string}} [type] the element's class (default HTMLElement)
 * @returns {E}
 */
export function part(id, type) {
  const el = document.querySelector(`[data-testid="${id}"]`);
  const kind = type || HTMLElement;
  if (!(el instanceof kind)) throw new Error(`The page has no ${kind.name} with data-testid="${id}"`);
  return /** @type {E} */ (el);
}

/**
 * Give the keyboard focus to the first element matching a selector, if there is one.
 * @param {ParentNode} root
 * @param {string} selector
 * @param {FocusOptions} [options]
 */
export function focusIn(root, selector, options) {
  const el = root.querySelector(selector);
  if (el instanceof HTMLElement || el instanceof SVGElement) el.focus(options);
}

/**
 * The value of the form control an event's listener sits on ("" for anything else).
 * @param {Event} event
 * @returns {string}
 */
export function valueOf(event) {
  const control = event.currentTarget;
  const isControl = control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement || control instanceof HTMLSelectElement;
  return isControl ? control.value : "";
}

/**
 * Whether the checkbox an event's listener sits on is ticked.
 * @param {Event} event
 * @returns {boolean}
 */
export function checkedOf(event) {
  return event.currentTarget instanceof HTMLInputElement && event.currentTarget.checked;
}

/**
 * The nearest element, from an event's target up, that matches a selector.
 * @param {EventTarget|null} target
 * @param {string} selector
 * @returns {HTMLElement|SVGElement|null}
 */
export function closest(target, selector) {
  const found = target instanceof Element ? target.closest(selector) : null;
  return found instanceof HTMLElement || found instanceof SVGElement ? found : null;
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
 * Keep a list's children in step with data, reusing elements by key so focus, inputs and
 * running transitions survive a re-render. New elements get the class `is-new` once.
 * @template T
 * @template {HTMLElement|SVGElement} [E=HTMLElement]
 * @param {Element} parent the list element; all its children are managed here (all made by `create`)
 * @param {T[]} items
 * @param {(item: T) => string} keyOf
 * @param {(item: T) => E} create builds a fresh element
 * @param {(el: E, item: T) => void} update fills an element (fresh or reused)
 * @param {{animate?: boolean}} [options] animate: mark new elements with `is-new`
 */
export function reconcile(parent, items, keyOf, create, update, options = {}) {
  /** @type {Map<string|undefined, E>} */
  const existing = new Map();
  for (const child of Array.from(parent.children)) {
    const el = /** @type {E} */ (child);
    existing.set(el.dataset.key, el);
  }
  /** @type {?E} */
  let previous = null;
  for (const item of items) {
    const key = String(keyOf(item));
    let el = existing.get(key);
    if (el) {
      existing.delete(key);
    } else {
      const made = create(item);
      made.dataset.key = key;
      if (options.animate) {
        made.classList.add("is-new");
        made.addEventListener("animationend", () => made.classList.remove("is-new"), { once: true });
      }
      el = made;
    }
    update(el, item);
    /** @type {?Element} */
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
  while (region.children.length > 3) region.firstElementChild?.remove();
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

// --- Lists that are drawn again and again ------------------------------------------------------

/**
 * Show or hide an "empty" note next to a list.
 * @param {string} testId
 * @param {boolean} empty
 */
export function showEmpty(testId, empty) {
  const note = part(testId);
  if (note) note.hidden = !empty;
}

/**
 * Replace an element's children while keeping the keyboard focus on the same control.
 * @param {Element} li
 * @param {Array<Node|null>} children
 */
export function refill(li, children) {
  const active = document.activeElement;
  const focused = active instanceof HTMLElement && li.contains(active) ? active.dataset.testid : null;
  fill(li, ...children);
  if (focused) focusIn(li, `[data-testid="${focused}"]`, { preventScroll: true });
}

/**
 * Whether an element already shows what `shows` describes (then it need not be built again);
 * otherwise it remembers `shows` for next time. Everything an item is built from goes in, so a
 * re-render leaves untouched (focus, typed text, running transitions) what did not change.
 * @param {HTMLElement} el
 * @param {Array<unknown>} shows
 * @returns {boolean}
 */
export function unchanged(el, shows) {
  const signature = JSON.stringify(shows);
  if (el.dataset.signature === signature) return true;
  el.dataset.signature = signature;
  return false;
}

/**
 * Update a textarea's "12 / 280" counter.
 * @param {HTMLTextAreaElement} textarea
 * @param {HTMLElement} counter
 */
export function updateCounter(textarea, counter) {
  const n = textarea.value.length;
  setText(counter, n ? `${n} / ${LIMITS.TEXT_MAX}` : "");
  counter.classList.toggle("is-near", n > LIMITS.TEXT_MAX - 20);
}

// --- What a phone keeps on itself ------------------------------------------------------------
// Drafts, the outbox of unsent changes, where it was (tab, prompt), and its person's own part of
// the last state (phone/store.js ownPart: never colleagues' cards). Everything for a workshop is
// cleared when the phone learns its place there is gone. localStorage may be missing or full
// (private modes); then the page works, it just forgets. (Here rather than in a module of its
// own: every module is one more request on the phone's first load, which must stay under 60 KB.)

/**
 * A small key-value store scoped to one workshop.
 * @param {string} code the workshop code
 * @returns {{get: (key: string, fallback?: *) => *, set: (key: string, value: *) => void,
 *            remove: (key: string) => void, clearAll: () => void}}
 */
export function workshopStore(code) {
  const prefix = `wf:${code}:`;
  return {
    /**
     * Read a JSON value.
     * @param {string} key
     * @param {*} [fallback]
     * @returns {*}
     */
    get(key, fallback = null) {
      try {
        const raw = window.localStorage.getItem(prefix + key);
        return raw === null ? fallback : JSON.parse(raw);
      } catch {
        return fallback;
      }
    },
    /**
     * Write a JSON value (or remove it when empty).
     * @param {string} key
     * @param {*} value
     */
    set(key, value) {
      try {
        if (value === null || value === undefined || value === "") window.localStorage.removeItem(prefix + key);
        else window.localStorage.setItem(prefix + key, JSON.stringify(value));
      } catch {
        /* storage full or disabled: keep working without it */
      }
    },
    /**
     * Forget a value.
     * @param {string} key
     */
    remove(key) {
      try {
        window.localStorage.removeItem(prefix + key);
      } catch {
        /* ignore */
      }
    },
    /** Forget everything kept for this workshop (its person or the workshop is gone). */
    clearAll() {
      try {
        for (const key of Object.keys(window.localStorage)) {
          if (key.startsWith(prefix)) window.localStorage.removeItem(key);
        }
      } catch {
        /* ignore */
      }
    },
  };
}
