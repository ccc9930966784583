// @ts-check
// The organisation page (templates/org.html, workshop/org_views.py): every member team's open asks
// and offers, fetched again every few seconds (its readers are in no one workshop, so no socket
// room: the JSON is the page's only source). The organiser also sees the join code (a new one on
// request), counts of the cross-team proposals, and takes a team out. Participant text only ever
// as text (dom.js h()).
//
// data-testid handles: org-page, org-name, org-status, org-organiser, org-join-code, org-rotate,
//   org-counts, org-count-<status>, org-yours, org-teams, org-team (data-team, data-ours),
//   org-ask (data-goal-id), org-offer (data-card-id), org-matched, org-remove, org-empty

import { fill, format, h, icon, part, readJSON, setText, toast, unchanged } from "./dom.js";

/**
 * @typedef {import("./across.js").OrgTeam} OrgTeam
 * @typedef {{organisation: {id: string, name: string}, you: string, teams: OrgTeam[], waiting: number,
 *            join_code?: string, counts?: Object<string, number>}} OrgPage
 */

/** @type {{id: string, api: string, organiser: boolean}} */
const boot = readJSON("boot");
/** @type {Object<string, string>} */
const strings = readJSON("strings");
const EVERY_MS = 5000;

/** @param {string} method @param {string} path @returns {Promise<Response>} */
function call(method, path) {
  return fetch(path, { method, credentials: "same-origin", headers: { Accept: "application/json" } });
}

/**
 * One team's card: its open asks and its offers, as the team sees them.
 * @param {OrgTeam} team
 * @param {OrgPage} page
 * @returns {HTMLElement}
 */
function teamCard(team, page) {
  const marks = (/** @type {boolean} */ matched) => (matched ? h("span", { class: "org-mark", "data-testid": "org-matched" }, strings.org_matched) : null);
  return h("section", { class: "panel org-team", "data-testid": "org-team", dataset: { team: team.team, ours: String(team.ours) },
    "aria-label": team.title },
  h("h2", {}, team.title, team.ours ? h("span", { class: "hint" }, ` · ${strings.org_ours}`) : null),
  team.market_open ? null : h("p", { class: "hint" }, strings.org_closed),
  h("h3", {}, strings.org_asks),
  team.asks.length ? h("ul", {}, team.asks.map((a) => h("li", { "data-testid": "org-ask", dataset: { goalId: a.goal_id } },
    icon(a.kind), h("strong", {}, a.goal), " ", marks(a.matched),
    a.text ? h("p", {}, a.text) : null,
    h("p", { class: "hint" }, [a.owner ? format(strings.org_asked_by, { name: a.owner }) : null,
      a.effort ? format(strings.org_effort, { effort: a.effort }) : null].filter(Boolean).join(" · "))))) : h("p", { class: "hint" }, strings.org_no_asks),
  h("h3", {}, strings.org_offers),
  team.offers.length ? h("ul", {}, team.offers.map((o) => h("li", { "data-testid": "org-offer", dataset: { cardId: o.card_id } },
    icon(o.kind), o.text, " ", h("span", { class: "hint" }, `· ${o.person || strings.org_anonymous}`), " ", marks(o.matched)))) : h("p", { class: "hint" }, strings.org_no_offers),
  page.you === "organiser" ? h("p", { class: "row" }, h("button", { type: "button", class: "button small quiet-danger", "data-testid": "org-remove",
    onclick: () => remove(team) }, strings.org_remove)) : null);
}

/** @param {OrgPage} page */
function render(page) {
  setText(part("org-name"), page.organisation.name);
  if (page.you === "organiser") {
    setText(part("org-join-code"), page.join_code || "");
    for (const [status, n] of Object.entries(page.counts || {})) {
      const cell = document.querySelector(`[data-testid="org-count-${status}"]`);
      if (cell instanceof HTMLElement) setText(cell, String(n));
    }
  } else {
    const yours = document.querySelector('[data-testid="org-yours"]');
    if (yours instanceof HTMLElement) {
      yours.hidden = !page.waiting;
      setText(yours, page.waiting ? format(strings.org_waiting_you, { n: page.waiting }) : "");
    }
  }
  const teams = part("org-teams");
  if (!unchanged(teams, [page.teams, page.you])) fill(teams, page.teams.map((t) => teamCard(t, page)));
  part("org-empty").hidden = page.teams.length > 0;
  setText(part("org-status"), format(strings.org_updated, { time: new Date().toLocaleTimeString(document.documentElement.lang || undefined) }));
}

let timer = 0;

/** Fetch the page's JSON and draw it; again in a few seconds (sooner after a change of mine). */
async function load() {
  window.clearTimeout(timer);
  try {
    const response = await call("GET", boot.api);
    if (response.status === 404 || response.status === 401) {
      setText(part("org-status"), strings.org_gone);
      fill(part("org-teams"));
      return; // no longer ours to see: stop asking
    }
    if (response.ok) render(await response.json());
    else setText(part("org-status"), strings.org_offline);
  } catch {
    setText(part("org-status"), strings.org_offline);
  }
  timer = window.setTimeout(load, document.hidden ? EVERY_MS * 6 : EVERY_MS);
}

/** @param {OrgTeam} team */
async function remove(team) {
  if (!window.confirm(format(strings.org_remove_confirm, { team: team.title }))) return;
  const response = await call("DELETE", `${boot.api}/teams/${encodeURIComponent(team.team)}`);
  if (response.ok) load();
}

async function rotate() {
  const response = await call("POST", `${boot.api}/join-code`);
  if (response.ok) {
    toast(strings.org_rotated);
    load();
  }
}

if (boot.organiser) part("org-rotate").addEventListener("click", rotate);
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) load();
});
load();
