// @ts-check
// An agreement as every screen words it: what, who (if anyone still here), by when (as a date in
// the page's language, never the raw ISO day).

import { format } from "./format.js";
import { dayText } from "./dates.js";
import { nameOf } from "./labels.js";

/**
 * @typedef {import("../state.js").Agreement} Agreement
 * @typedef {Object<string, string>} Strings
 */

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
