// @ts-check
// The summary page reads fine without this script; it only adds a Print button (inline handlers
// are not allowed by the CSP) and writes dates the way the page's language writes them.

/**
 * Show every [data-print] button (hidden in the HTML, since it needs this script) and wire it to
 * the browser's print dialog, where "Save as PDF" is one of the printers.
 */
function wirePrint() {
  for (const button of document.querySelectorAll("button[data-print]")) {
    if (!(button instanceof HTMLButtonElement)) continue;
    button.addEventListener("click", () => window.print());
    button.hidden = false;
  }
}

/**
 * The date of an ISO string ("2027-03-01", or a full timestamp), read as a calendar day.
 * A bare date is built from its parts: `new Date("2027-03-01")` is midnight UTC, which is the day
 * before in the Americas.
 * @param {string} iso
 * @returns {Date | null}
 */
function parseDay(iso) {
  const bare = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const date = bare ? new Date(Number(bare[1]), Number(bare[2]) - 1, Number(bare[3])) : new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Rewrite each <time data-format="date"> as a long date in the page's language ("1 March 2027"). */
function formatDates() {
  const lang = document.documentElement.lang || undefined;
  let format;
  try {
    format = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" });
  } catch {
    return; // an unknown locale: the ISO date stays, which is still readable
  }
  for (const time of document.querySelectorAll('time[data-format="date"]')) {
    if (!(time instanceof HTMLTimeElement)) continue;
    const date = parseDay(time.dateTime);
    if (date) time.textContent = format.format(date);
  }
}

wirePrint();
formatDates();
