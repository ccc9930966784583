// @ts-check
// Filling translated strings. Pure.

/**
 * Fill `{name}` placeholders in a translated string (unknown ones stay as they are).
 * @param {string|undefined} template
 * @param {Object<string, string|number>} [vars]
 * @returns {string}
 */
export function format(template, vars = {}) {
  return String(template ?? "").replace(/\{(\w+)\}/g, (match, key) => (key in vars ? String(vars[key]) : match));
}
