// @ts-check
// How every page words and paints things, defined once: counted phrases with their plural forms,
// people's names, link types, each person's colour, dates in the page's language, and the line
// under an agreement. Pure: the translated strings come in (the page's `strings` block,
// templates/_strings.html); nothing here touches the page.
//
// One module rather than one per topic on purpose: each module is a request of its own, and on
// the phone's first load a request costs about 0.4 KB of headers besides its body.

import { LINK_TYPES } from "./events.js";

/**
 * @typedef {Object<string, string>} Strings translated interface text, by key
 * @typedef {import("./state.js").LinkType} LinkType
 * @typedef {import("./state.js").Agreement} Agreement
 */

// --- Filling strings ------------------------------------------------------------------------

/**
 * Fill `{name}` placeholders in a translated string (unknown ones stay as they are).
 * @param {string|undefined} template
 * @param {Object<string, string|number>} [vars]
 * @returns {string}
 */
export function format(template, vars = {}) {
  return String(template ?? "").replace(/\{(\w+)\}/g, (match, key) => (key in vars ? String(vars[key]) : match));
}

// --- Counts, names, link types ----------------------------------------------------------------

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

/**
 * Why the server refused a change, in the page's language: worded by the error's code
 * (`error_<code>`, templates/_strings.html), never by its `message`, which is English only.
 * `kept` asks for the wording that also says the typed text was given back (`error_<code>_kept`),
 * where the page has one.
 * @param {Strings} strings
 * @param {?{code?: string}|undefined} error
 * @param {boolean} [kept]
 * @returns {string}
 */
export function refusalText(strings, error, kept = false) {
  const code = error && error.code ? error.code : "failed";
  return (kept && strings[`error_${code}_kept`]) || strings[`error_${code}`] || strings.error_failed || "";
}

// --- Colours: each person keeps one everywhere (chip, their cards' edge, their links) -------------
// An index into the colour-blind-safe palette of the stylesheets (.color-0 … .color-7, .edge-*,
// .stroke-*). The server sends it already reduced to 0–7; a person the viewer cannot name is "anon".

/**
 * The palette entry of a person, or "anon" for nobody known.
 * @param {?{color: number}|undefined} person
 * @returns {number|"anon"}
 */
export function paletteOf(person) {
  return person ? person.color : "anon";
}

/**
 * The class that paints something in a person's colour: `color-3`, `edge-3`, `stroke-anon`.
 * @param {"color"|"edge"|"stroke"} use
 * @param {?{color: number}|undefined} person
 * @returns {string}
 */
export function colorClass(use, person) {
  return `${use}-${paletteOf(person)}`;
}

// --- Dates, from the ISO strings the server sends ------------------------------------------------

/**
 * A calendar day from an ISO string ("2027-03-01", or a full timestamp). A bare date is built
 * from its parts: `new Date("2027-03-01")` is midnight UTC, which is the day before in the Americas.
 * @param {?string|undefined} iso
 * @returns {?Date}
 */
export function parseDay(iso) {
  const bare = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  const date = bare ? new Date(Number(bare[1]), Number(bare[2]) - 1, Number(bare[3])) : new Date(iso || "");
  return Number.isNaN(date.getTime()) ? null : date;
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/**
 * A day in a language: "1 Mar 2027" (short) or "1 March 2027" (long); what is not a date stays as it is.
 * @param {?string|undefined} iso
 * @param {string} lang a BCP 47 tag ("" for the runtime's own)
 * @param {"short"|"long"} [month]
 * @returns {string}
 */
export function dayText(iso, lang, month = "short") {
  const date = parseDay(iso);
  if (!date) return iso || "";
  const key = `${lang}|${month}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(lang || undefined, { day: "numeric", month, year: "numeric" });
    } catch {
      format = new Intl.DateTimeFormat("en", { day: "numeric", month, year: "numeric" });
    }
    formats.set(key, format);
  }
  return format.format(date);
}

// --- Agreements: what, who (if anyone still here), by when ----------------------------------------

/**
 * Who and by when, as separate words: `owner` is "" when nobody (or someone who left) owns it,
 * `due` "" without a date.
 * @param {{participants: Array<{id: string, name: string}>}} state
 * @param {Agreement} agreement
 * @param {string} lang
 * @returns {{owner: string, due: string}}
 */
export function agreementParts(state, agreement, lang) {
  return { owner: nameOf(state, agreement.owner), due: agreement.due ? dayText(agreement.due, lang) : "" };
}

/**
 * Who and by when on one line: "Anna · by 1 Mar 2030", "Anna", "by 1 Mar 2030" or "".
 * @param {Strings} strings needs `agreement_by` ({owner}, {due}) and `agreement_due_only` ({due})
 * @param {{participants: Array<{id: string, name: string}>}} state
 * @param {Agreement} agreement
 * @param {string} lang
 * @returns {string}
 */
export function agreementMeta(strings, state, agreement, lang) {
  const { owner, due } = agreementParts(state, agreement, lang);
  if (owner && due) return format(strings.agreement_by, { owner, due });
  if (due) return format(strings.agreement_due_only, { due });
  return owner;
}

/**
 * Agreements on one link, oldest first.
 * @param {{agreements?: Agreement[]}} state
 * @param {string} linkId
 * @returns {Agreement[]}
 */
export function agreementsOf(state, linkId) {
  return (state.agreements || []).filter((a) => a.link_id === linkId)
    .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)) || a.id.localeCompare(b.id));
}
