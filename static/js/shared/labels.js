// @ts-check
// Words every page writes the same way: counts with their plural, people's names, link types.
// Pure: the translated strings come in (the page's `strings` block, templates/_strings.html).

import { LINK_TYPES } from "../events.js";

/**
 * @typedef {Object<string, string>} Strings translated interface text, by key
 * @typedef {import("../state.js").LinkType} LinkType
 */

/** @type {Map<string, Intl.PluralRules>} */
const pluralRules = new Map();

/**
 * The plural category of a number in a language ("one", "other", … as Intl.PluralRules says).
 * @param {number} n
 * @param {string} [lang] a BCP 47 tag; the page's language when left out (in a browser)
 * @returns {string}
 */
export function pluralOf(n, lang = pageLanguage()) {
  let rules = pluralRules.get(lang);
  if (!rules) {
    try {
      rules = new Intl.PluralRules(lang || undefined);
    } catch {
      rules = new Intl.PluralRules("en");
    }
    pluralRules.set(lang, rules);
  }
  return rules.select(n);
}

/**
 * The page's language (`<html lang>`), or "" outside a browser.
 * @returns {string}
 */
export function pageLanguage() {
  return typeof document === "undefined" ? "" : document.documentElement.lang || "";
}

/**
 * A counted phrase in its plural form: `strings[key + "_" + category]` ("link_count_one",
 * "link_count_other"), `{n}` filled in. A `key + "_zero"` string, when the page has one, words
 * none differently ("No links"): that is a choice of wording, not a plural form.
 * @param {Strings} strings
 * @param {string} key
 * @param {number} n
 * @param {string} [lang]
 * @returns {string}
 */
export function countText(strings, key, n, lang) {
  const template = (n === 0 && strings[`${key}_zero`]) || strings[`${key}_${pluralOf(n, lang)}`] || strings[`${key}_other`] || "";
  return template.replace(/\{n\}/g, String(n));
}

/**
 * "No links" / "1 link" / "{n} links".
 * @param {Strings} strings
 * @param {number} n
 * @param {string} [lang]
 * @returns {string}
 */
export function linkCountText(strings, n, lang) {
  return countText(strings, "link_count", n, lang);
}

/**
 * A person's name, or `fallback` when the viewer does not know them (or they left).
 * @param {{participants: Array<{id: string, name: string}>}} state
 * @param {?string|undefined} id
 * @param {string} [fallback]
 * @returns {string}
 */
export function nameOf(state, id, fallback = "") {
  const person = id ? state.participants.find((p) => p.id === id) : undefined;
  return person ? person.name : fallback;
}

/**
 * A link's type, defaulting as the server does.
 * @param {{type?: ?string}} link
 * @returns {LinkType}
 */
export function typeOf(link) {
  const type = /** @type {LinkType} */ (link.type);
  return LINK_TYPES.includes(type) ? type : "energises";
}

/**
 * How a card relates to its goal, in words ("It energises me" …).
 * @param {Strings} strings
 * @param {{type?: ?string}} link
 * @returns {string}
 */
export function typeWords(strings, link) {
  return strings[`link_type_${typeOf(link)}`] || "";
}
