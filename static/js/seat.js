// @ts-check
// The page a personal link opens: the link's secret is in the address's #fragment,
// which the browser never sends. Strip it from the address (so this tab's history entry no
// longer shows it; the server uses it up anyway), post it, and go on signed in: to the team's
// board in a wide window, where participants have one, else to the phone's page.

const WIDE_PX = 900;

const page = /** @type {HTMLElement} */ (document.querySelector("[data-testid=seat-page]"));

/**
 * Show one of the page's messages.
 * @param {string} testId
 */
function say(testId) {
  for (const line of page.querySelectorAll("[role=status], [role=alert]")) {
    if (line instanceof HTMLElement) line.hidden = line.dataset.testid !== testId;
  }
}

async function openSeat() {
  const key = window.location.hash.slice(1);
  history.replaceState(null, "", window.location.pathname);
  if (!key) {
    say("seat-refused");
    return;
  }
  let response;
  try {
    response = await fetch(page.dataset.seatUrl || "", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ key }),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    say("seat-failed");
    return;
  }
  if (response.status === 401) {
    say("seat-refused");
    return;
  }
  const answer = response.ok ? await response.json().catch(() => null) : null;
  if (!answer || typeof answer.next !== "string") {
    say("seat-failed");
    return;
  }
  const wide = window.innerWidth >= WIDE_PX && typeof answer.board === "string";
  window.location.replace(wide ? answer.board : answer.next);
}

openSeat();
