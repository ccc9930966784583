// The summary page needs one script: its Print button (inline handlers are not allowed by the CSP).

/** Wire every [data-print] button to the browser's print dialog. */
function wirePrint() {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
}

wirePrint();
