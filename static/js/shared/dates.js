// @ts-check
// Dates the way the page's language writes them (Intl), from the ISO strings the server sends.

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
