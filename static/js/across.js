// @ts-check
// Several teams, one marketplace (workshop/org.py): the part of the phone's market screen and of
// the console's market panel about the organisation the workshop joined. Other teams' open asks
// (answer one with a card: "I'd like to contribute", or the console brokering its people's
// offers), other teams' offers (propose one for an ask), the cross-team proposals waiting for
// my answer (Accept / Decline) and the others I may see (Withdraw mine while they wait).
// Cross-team proposals are outside the workshop's state and its version order: the list comes
// from `list_across`, asked again when the organisation changes, when the screen shows, and
// when `across_saved` / `across_deleted` arrive.
//
// data-testid handles used here and by the browser tests:
//   across, across-org, across-org-link, across-waiting, across-waiting-empty, across-asks,
//   across-ask (data-goal-id), across-ask-card, across-ask-type, across-ask-send, across-offers,
//   across-offer (data-card-id), across-offer-goal, across-offer-send, across-proposals,
//   across-proposal (data-proposal-id, data-status, data-kind), across-status, across-accept,
//   across-decline, across-withdraw

import { fill, format, h, icon, unchanged } from "./dom.js";
import { LINK_TYPES, RECEIVE, SEND } from "./events.js";

/**
 * @typedef {{goal_id: string, goal: string, kind: string, text: ?string, effort: ?string, owner: ?string, matched: boolean}} OrgAsk
 * @typedef {{card_id: string, text: string, kind: string, person: ?string, matched: boolean}} OrgOffer
 * @typedef {{team: string, title: string, market_open: boolean, ours: boolean, asks: OrgAsk[], offers: OrgOffer[]}} OrgTeam
 * @typedef {{id: string, kind: string, type: string, note: ?string, status: string, decider: string, maker: ?string,
 *            maker_team: ?string, mine: boolean, waits_for_me: boolean, created_at: string,
 *            goal: {team_title: string, id: string, text: string, kind: string, ask: ?string, effort: ?string, owner: ?string, ours: boolean},
 *            card: {team_title: string, id: string, text: string, kind: string, person: ?string, ours: boolean}}} Crossing
 * @typedef {{organisation: ?{id: string, name: string}, teams: OrgTeam[], proposals: Crossing[], waiting: number}} Across
 * @typedef {{id: string, text: string, kind: string}} OwnCard
 * @typedef {{send: (event: string, payload: Object<string, any>) => Promise<any>, on: (event: string, handler: (data: any) => void) => void,
 *            strings: Object<string, string>, console: boolean, newId: () => string, onChange?: (data: Across) => void,
 *            toast?: (text: string, kind?: string) => void}} Options
 */

export const EMPTY = Object.freeze({ organisation: null, teams: [], proposals: [], waiting: 0 });

/**
 * The cross-team part of a screen.
 * @param {Options} options
 */
export function createAcross(options) {
  const { send, on, strings } = options;
  /** @type {Across} */
  let data = { ...EMPTY };
  /** @type {?string} the organisation the list was last asked for */
  let askedFor = null;
  let asking = false;

  /** Ask for the list again (the organisation page as this screen may see it). */
  async function refresh() {
    if (asking) return;
    asking = true;
    try {
      const ack = await send(SEND.LIST_ACROSS, {});
      if (ack && ack.ok) {
        data = { organisation: ack.organisation || null, teams: ack.teams || [], proposals: ack.proposals || [], waiting: ack.waiting || 0 };
        askedFor = data.organisation ? data.organisation.id : null;
        if (options.onChange) options.onChange(data);
      }
    } finally {
      asking = false;
    }
  }

  on(RECEIVE.ACROSS_SAVED, () => refresh());
  on(RECEIVE.ACROSS_DELETED, () => refresh());

  /**
   * Keep in step with the workshop: ask again when its organisation changed.
   * @param {?{id: string, name: string}|undefined} organisation
   */
  function follow(organisation) {
    const id = organisation ? organisation.id : null;
    if (id !== askedFor) {
      askedFor = id;
      if (id) refresh();
      else {
        data = { ...EMPTY };
        if (options.onChange) options.onChange(data);
      }
    }
  }

  /**
   * @param {string} event
   * @param {object} payload
   * @param {string} done the words of a toast once it is through
   */
  async function act(event, payload, done) {
    const ack = await send(event, payload);
    if (ack && ack.ok) {
      if (options.toast && done) options.toast(done);
      await refresh();
    } else if (options.toast) {
      options.toast((ack && ack.error && strings[`error_${ack.error.code}`]) || strings.across_refused || "", "error");
    }
    return ack;
  }

  /** @returns {?OrgTeam} */
  function ourTeam() {
    return data.teams.find((t) => t.ours) || null;
  }

  /**
   * Propose a card (of one team) for an ask (of another).
   * @param {string} goalTeam @param {string} goalId @param {string} cardTeam @param {string} cardId @param {string} type
   */
  function propose(goalTeam, goalId, cardTeam, cardId, type) {
    if (!data.organisation) return Promise.resolve(null);
    return act(SEND.PROPOSE_ACROSS, {
      id: options.newId(), organisation_id: data.organisation.id, goal_workshop: goalTeam, goal_id: goalId,
      card_workshop: cardTeam, card_id: cardId, type,
    }, strings.across_sent);
  }

  /**
   * Draw into ``root``.
   * @param {HTMLElement} root
   * @param {OwnCard[]} cards the cards this screen may put forward (mine; the console: its people's offers)
   */
  function render(root, cards) {
    root.hidden = !data.organisation;
    if (!data.organisation) return;
    if (unchanged(root, [data, cards])) return;
    const us = ourTeam();
    const others = data.teams.filter((t) => !t.ours);
    const waiting = data.proposals.filter((p) => p.waits_for_me);
    const rest = data.proposals.filter((p) => !p.waits_for_me)
      .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    const asksOfAll = data.teams.flatMap((t) => t.asks.map((a) => ({ team: t, ask: a })));
    const link = h("a", { "data-testid": "across-org-link" }, strings.across_open_page);
    link.href = `/o/${encodeURIComponent(data.organisation.id)}`; // the server's id, never anyone's words
    fill(root,
      options.console ? null : h("h2", { class: "list-title" }, strings.across_title),
      h("p", { class: "across-org", "data-testid": "across-org" }, icon("people"),
        h("span", {}, format(strings.across_part_of, { name: data.organisation.name })), " ", link),
      h("h3", { class: "list-title" }, strings.across_waiting_title, " ", h("span", { class: "count" }, String(waiting.length))),
      h("ul", { class: "card-list across-list", "data-testid": "across-waiting" }, waiting.map((p) => crossingRow(p))),
      waiting.length ? null : h("p", { class: "empty", "data-testid": "across-waiting-empty" }, strings.across_waiting_none),
      h("h3", { class: "list-title" }, strings.across_asks_title),
      h("ul", { class: "card-list across-list", "data-testid": "across-asks" },
        others.flatMap((t) => t.asks.map((a) => askRow(t, a, cards, us)))),
      others.some((t) => t.asks.length) ? null : h("p", { class: "empty" }, strings.across_asks_none),
      options.console ? null : h("h3", { class: "list-title" }, strings.across_offers_title),
      options.console ? null : h("ul", { class: "card-list across-list", "data-testid": "across-offers" },
        others.flatMap((t) => t.offers.map((o) => offerRow(t, o, asksOfAll.filter((x) => x.team.team !== t.team))))),
      h("h3", { class: "list-title" }, strings.across_proposals_title),
      h("ul", { class: "card-list across-list", "data-testid": "across-proposals" }, rest.map((p) => crossingRow(p))),
      rest.length ? null : h("p", { class: "empty" }, strings.across_proposals_none));
  }

  /** @returns {HTMLSelectElement} */
  function typeSelect() {
    return /** @type {HTMLSelectElement} */ (h("select", { "aria-label": strings.across_type, "data-testid": "across-ask-type" },
      LINK_TYPES.map((t) => h("option", { value: t }, strings[`link_type_${t}`] || t))));
  }

  /**
   * @param {OrgTeam} team @param {OrgAsk} ask @param {OwnCard[]} cards @param {?OrgTeam} us
   * @returns {HTMLElement}
   */
  function askRow(team, ask, cards, us) {
    const card = /** @type {HTMLSelectElement} */ (h("select", { "aria-label": strings.across_which_card, "data-testid": "across-ask-card" },
      cards.map((c) => h("option", { value: c.id }, c.text))));
    const type = typeSelect();
    const words = [
      ask.text ? h("p", { class: "ask-text" }, ask.text) : null,
      h("p", { class: "hint" }, [
        team.title,
        ask.owner ? format(strings.across_asked_by, { name: ask.owner }) : null,
        ask.effort ? format(strings.across_effort, { effort: ask.effort }) : null,
        ask.matched ? strings.across_matched : null,
      ].filter(Boolean).join(" · ")),
    ];
    return h("li", { class: "card across-ask", "data-testid": "across-ask", dataset: { goalId: ask.goal_id } },
      h("p", { class: "card-text" }, icon(ask.kind), h("span", {}, ask.goal)),
      words,
      cards.length && us ? h("form", { class: "row across-form", onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        propose(team.team, ask.goal_id, us.team, card.value, type.value);
      } }, card, type, h("button", { type: "submit", class: "button small primary", "data-testid": "across-ask-send" },
        options.console ? strings.across_broker : strings.across_contribute))
        : h("p", { class: "hint" }, options.console ? strings.across_no_offers_console : strings.across_no_offers));
  }

  /**
   * @param {OrgTeam} team @param {OrgOffer} offer @param {Array<{team: OrgTeam, ask: OrgAsk}>} asks
   * @returns {HTMLElement}
   */
  function offerRow(team, offer, asks) {
    const goal = /** @type {HTMLSelectElement} */ (h("select", { "aria-label": strings.across_which_ask, "data-testid": "across-offer-goal" },
      asks.map((x, i) => h("option", { value: String(i) }, `${x.ask.goal} (${x.team.title})`))));
    return h("li", { class: "card across-offer", "data-testid": "across-offer", dataset: { cardId: offer.card_id } },
      h("p", { class: "card-text" }, icon(offer.kind), h("span", {}, offer.text)),
      h("p", { class: "hint" }, [team.title, offer.person || strings.across_anonymous, offer.matched ? strings.across_matched : null]
        .filter(Boolean).join(" · ")),
      asks.length ? h("form", { class: "row across-form", onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        const chosen = asks[Number(goal.value)];
        if (chosen) propose(chosen.team.team, chosen.ask.goal_id, team.team, offer.card_id, "energises");
      } }, goal, h("button", { type: "submit", class: "button small", "data-testid": "across-offer-send" }, strings.across_propose)) : null);
  }

  /**
   * @param {Crossing} p
   * @returns {HTMLElement}
   */
  function crossingRow(p) {
    const who = p.mine ? strings.across_you : p.kind === "broker" ? format(strings.across_facilitator_of, { team: p.maker_team || "" })
      : p.maker || strings.across_someone;
    const status = p.status === "waiting"
      ? (p.waits_for_me ? strings.across_waits_for_you : strings.across_status_waiting)
      : strings[`across_status_${p.status}`] || p.status;
    return h("li", { class: `card across-proposal is-${p.status}`, "data-testid": "across-proposal",
      dataset: { proposalId: p.id, status: p.status, kind: p.kind } },
    h("p", { class: "card-text" }, icon(p.card.kind), h("span", {}, p.card.text),
      h("span", { class: "hint" }, ` · ${[p.card.person, p.card.team_title].filter(Boolean).join(", ")}`)),
    h("p", { class: "card-text is-goal" }, icon(p.goal.kind), h("span", {}, p.goal.text),
      h("span", { class: "hint" }, ` · ${p.goal.team_title}`)),
    h("p", { class: "hint" }, `${strings[`across_kind_${p.kind}`] || p.kind} · ${who}`),
    p.note ? h("p", { class: "proposal-note" }, p.note) : null,
    h("p", { class: "proposal-status", "data-testid": "across-status" }, status),
    p.waits_for_me ? h("p", { class: "row" },
      h("button", { type: "button", class: "button small", "data-testid": "across-decline",
        onclick: () => act(SEND.DECIDE_ACROSS, { id: p.id, answer: "decline" }, strings.across_declined) }, strings.across_decline),
      h("button", { type: "button", class: "button small primary", "data-testid": "across-accept",
        onclick: () => act(SEND.DECIDE_ACROSS, { id: p.id, answer: "accept" }, strings.across_accepted) }, strings.across_accept)) : null,
    p.mine && p.status === "waiting" ? h("p", { class: "row" },
      h("button", { type: "button", class: "button small", "data-testid": "across-withdraw",
        onclick: () => act(SEND.WITHDRAW_ACROSS, { id: p.id }, "") }, strings.across_withdraw)) : null);
  }

  return { refresh, follow, render, get: () => data };
}
