// @ts-check
// The summary page reads fine without this script; it only adds a Print button (inline handlers
// are not allowed by the CSP) and writes dates the way the page's language writes them.

import { dayText, parseDay } from "./labels.js";

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
 * Rewrite each <time data-format="date"> as a long date in the page's language ("1 March 2027").
 * What is not a date keeps its text (the ISO date, still readable).
 */
function formatDates() {
  const lang = document.documentElement.lang || "";
  for (const time of document.querySelectorAll('time[data-format="date"]')) {
    if (time instanceof HTMLTimeElement && parseDay(time.dateTime)) time.textContent = dayText(time.dateTime, lang, "long");
  }
}

wirePrint();
formatDates();
