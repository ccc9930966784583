// @ts-check
// The links screen: tap one of my cards, then the goals it serves (a goal just linked asks how
// the card relates to it); my links, with their type; and my colleagues' links, each with a +1.
// Here too: a link as the agreements and the check-in head it (linkHeading, typeLabel).

import { fill, focusIn, format, h, icon, part, prefersReducedMotion, reconcile, refill, setText, showEmpty, toast, unchanged, valueOf } from "../dom.js";
import { LINK_TYPES, SEND } from "../events.js";
import { colorClass, countText, linkCountText, typeOf, typeWords } from "../labels.js";
import { newId } from "../live.js";
import { cardById, goalById, goalsInOrder, linkBetween, linksOfCard, participantById } from "../state.js";
import {
  currentView, enqueue, isInFlight, linkableCards, meId, myLinks, readOnly, store, strings, teamLinks, ui, unsentText, withdraw,
} from "./store.js";

/**
 * @typedef {import("../state.js").State} State
 * @typedef {import("../state.js").Link} Link
 * @typedef {import("./store.js").OutboxItem} OutboxItem
 * @typedef {import("./store.js").PhoneUi} PhoneUi
 */

const el = {
  cards: part("link-cards"),
  goals: part("link-goals"),
  myLinks: part("my-links"),
  teamLinks: part("team-links"),
};

/** Whether the screen was drawn once (links present at load do not slide in). */
let drawn = false;

/**
 * A link's type as an icon and words (never the icon alone).
 * @param {Link} link
 * @returns {HTMLElement}
 */
export function typeLabel(link) {
  const type = typeOf(link);
  return h("p", { class: `link-type type-${type}`, "data-testid": "link-type-label", dataset: { type } },
    icon(type), h("span", {}, typeWords(strings, link)));
}

/**
 * A link's card and goal, as the heading of its agreements or its check-in question.
 * @param {State} view
 * @param {Link} link
 * @returns {Array<Node|null>}
 */
export function linkHeading(view, link) {
  const card = cardById(view, link.card_id);
  const goal = goalById(view, link.goal_id);
  return [
    h("p", { class: "card-text" }, card ? card.text : ""),
    h("p", { class: "link-goal" }, icon(goal ? goal.kind : "goal"), h("span", {}, goal ? goal.text : "")),
  ];
}

/**
 * The card picked on the links screen, while it can still be linked (null: none, or it is gone).
 * @param {PhoneUi} [s]
 * @returns {?string}
 */
function pickedCard(s = ui()) {
  const id = s.linkCard;
  return id && linkableCards(currentView(s), meId(s)).some((c) => c.id === id) ? id : null;
}

/**
 * A <select> of the three link types, showing `value`.
 * @param {string} value
 * @param {import("../dom.js").Attrs} attrs
 * @returns {HTMLSelectElement}
 */
function typeSelect(value, attrs) {
  const select = h("select", attrs, LINK_TYPES.map((t) => h("option", { value: t }, strings[`link_type_${t}`])));
  select.value = value;
  return select;
}

/**
 * Under a goal just linked: "How does it relate?" with the three types as big buttons.
 * @param {HTMLElement} li the goal's list item
 * @param {?Link} link the link just made (null: no choice shown here)
 * @param {boolean} locked whether the workshop takes no changes now
 */
function renderTypeChoice(li, link, locked) {
  const current = li.querySelector(".type-choice");
  if (!link) {
    current?.remove();
    return;
  }
  const shows = [link.id, typeOf(link), locked];
  if (current instanceof HTMLElement && unchanged(current, shows)) return;
  const active = document.activeElement;
  const focused = current && active instanceof HTMLElement && current.contains(active) ? active.dataset.type : null;
  const questionId = `type-question-${link.id}`;
  const choice = h("div", { class: "type-choice", role: "group", "aria-labelledby": questionId, "data-testid": "link-type-choice" },
    h("p", { class: "type-question", id: questionId }, strings.link_type_question),
    LINK_TYPES.map((type) => h("button", {
      type: "button", class: `type-option type-${type}`, "data-testid": "link-type", dataset: { type },
      "aria-pressed": String(typeOf(link) === type), props: { disabled: locked },
      onclick: () => setLinkType(link, type),
    }, icon(type), h("span", {}, strings[`link_type_${type}`]))));
  unchanged(choice, shows);
  if (current) current.replaceWith(choice);
  else li.appendChild(choice);
  if (focused) focusIn(choice, `[data-type="${focused}"]`, { preventScroll: true });
}

/**
 * Colleagues' links I can see, in the goals' order, each with a +1.
 * @param {State} view
 * @param {PhoneUi} s
 * @param {Set<string>} mine ids of the links listed as mine
 */
function renderTeamLinks(view, s, mine) {
  const me = meId(s);
  const locked = readOnly(s);
  const links = teamLinks(view, me, mine);
  reconcile(el.teamLinks, links, ({ link }) => link.id,
    () => h("li", { class: "card team-link", "data-testid": "team-link" }),
    (li, { link, card, goal }) => {
      const person = card.about ? participantById(view, card.about) : null;
      const endorsements = link.endorsements || [];
      const endorsed = Boolean(me && endorsements.includes(me));
      li.dataset.linkId = link.id;
      li.classList.toggle("is-strength", card.kind === "strength");
      if (link.unsent) li.dataset.pending = "true";
      else delete li.dataset.pending;
      const shows = [person?.name, person?.color, card.text, goal.text, goal.kind, typeOf(link), endorsements.length, endorsed,
        link.unsent ? s.status : false, locked];
      if (unchanged(li, shows)) return;
      refill(li, [
        h("p", { class: "team-who" },
          h("span", { class: `dot ${colorClass("color", person)}`, "aria-hidden": "true" }),
          h("span", {}, person ? person.name : strings.anonymous)),
        h("p", { class: "card-text" }, card.text),
        h("p", { class: "link-goal" }, icon(goal.kind), h("span", {}, goal.text)),
        typeLabel(link),
        h("div", { class: "card-actions" },
          h("button", {
            type: "button", class: "button small endorse", "data-testid": "endorse", "aria-pressed": String(endorsed),
            "aria-label": format(strings.endorse_label, { n: endorsements.length }), props: { disabled: locked },
            onclick: () => endorse(link, !endorsed),
          }, icon("thumb"), h("span", {}, "+1"), " ", h("span", { class: "endorse-count", "data-testid": "endorse-count" }, String(endorsements.length)))),
      ]);
    }, { animate: drawn });
  setText(part("team-links-count"), links.length || "");
  showEmpty("team-links-empty", !links.length);
  part("team-links-hint").hidden = !links.length;
}

/**
 * Links screen: my cards, the goals, my links, my colleagues' links.
 * @param {State} view
 * @param {PhoneUi} s
 */
export function renderLinks(view, s) {
  const me = meId(s);
  const locked = readOnly(s);
  const myCards = linkableCards(view, me);
  const linkCard = pickedCard(s);

  reconcile(el.cards, myCards, (c) => c.id,
    (card) => h("li", {}, h("button", {
      type: "button", class: "pick pick-card", "data-testid": "link-card", dataset: { cardId: card.id },
      onclick: () => selectLinkCard(card.id),
    })),
    (li, card) => {
      const button = /** @type {HTMLButtonElement} */ (li.firstElementChild);
      const count = linksOfCard(view, card.id).length;
      button.setAttribute("aria-pressed", String(linkCard === card.id));
      button.classList.toggle("is-strength", card.kind === "strength");
      // Named by what it shows (voice control says what it sees), the kind and the count in words.
      fill(button,
        icon(card.kind),
        h("span", { class: "pick-text" }, h("span", { class: "visually-hidden" }, `${strings[`kind_${card.kind}`]}: `), card.text),
        h("span", { class: `pick-badge ${count ? "" : "is-open"}`, "aria-hidden": "true" }, String(count)),
        h("span", { class: "visually-hidden" }, ` (${linkCountText(strings, count)})`));
    });
  showEmpty("link-cards-empty", !myCards.length);

  const goals = goalsInOrder(view);
  el.goals.classList.toggle("is-waiting", !linkCard);
  reconcile(el.goals, goals, (g) => g.id,
    (goal) => h("li", {}, h("button", {
      type: "button", class: "pick pick-goal", "data-testid": "link-goal", dataset: { goalId: goal.id },
      onclick: () => toggleLink(goal.id),
    })),
    (li, goal) => {
      const button = /** @type {HTMLButtonElement} */ (li.firstElementChild);
      const link = linkCard ? linkBetween(view, linkCard, goal.id) : null;
      button.setAttribute("aria-pressed", String(Boolean(link)));
      button.disabled = locked;
      fill(button,
        icon(goal.kind),
        h("span", { class: "pick-text" }, h("span", { class: "pick-kind" }, strings[`kind_${goal.kind}`] || goal.kind), goal.text),
        link ? h("span", { class: "pick-badge is-linked" }, `✓ ${strings.linked}`) : null);
      renderTypeChoice(li, link && s.choosing === link.id ? link : null, locked);
    });
  showEmpty("link-goals-empty", !goals.length);
  part("link-goal-hint").hidden = !linkCard;

  const links = myLinks(view, me);
  reconcile(el.myLinks, links, (l) => l.id,
    () => h("li", { class: "card link-item", "data-testid": "my-link" }),
    (li, link) => {
      const card = cardById(view, link.card_id);
      const goal = goalById(view, link.goal_id);
      li.dataset.linkId = link.id;
      li.dataset.type = typeOf(link);
      li.classList.toggle("is-pending", Boolean(link.unsent));
      if (link.unsent) li.dataset.pending = "true";
      else delete li.dataset.pending;
      const endorsed = (link.endorsements || []).length;
      const shows = [card?.text, goal?.text, goal?.kind, typeOf(link), endorsed, link.unsent ? s.status : false, locked];
      if (unchanged(li, shows)) return;
      refill(li, [
        h("p", { class: "card-text" }, card ? card.text : ""),
        h("p", { class: "link-goal" }, icon(goal ? goal.kind : "goal"), h("span", {}, goal ? goal.text : "")),
        h("div", { class: "link-type-field" },
          h("span", { class: "select-wrap" },
            icon(typeOf(link)),
            typeSelect(typeOf(link), {
              "data-testid": "my-link-type", "aria-label": strings.link_type_label, props: { disabled: locked },
              onchange: (event) => setLinkType(link, valueOf(event)),
            }))),
        endorsed ? h("p", { class: "endorsed", "data-testid": "my-link-endorsements" }, icon("thumb"),
          h("span", {}, countText(strings, "endorsed_count", endorsed))) : null,
        link.unsent ? h("p", { class: "card-meta" }, unsentText(s)) : null,
        h("div", { class: "card-actions" },
          h("button", { type: "button", class: "button small quiet-danger", "data-testid": "link-remove", props: { disabled: locked },
            onclick: () => removeLink(link) }, strings.remove)),
      ]);
    }, { animate: drawn });
  setText(part("my-links-count"), links.length || "");
  showEmpty("my-links-empty", !links.length);
  renderTeamLinks(view, s, new Set(links.map((l) => l.id)));
  drawn = true;
}

// --- What the screen's controls do ---------------------------------------------------------------

/**
 * Pick (or unpick) a card on the links screen.
 * @param {string} cardId
 */
function selectLinkCard(cardId) {
  store.update({ linkCard: pickedCard() === cardId ? null : cardId, choosing: null });
  // Step 2 may be below the fold when there are many cards: bring it up.
  const step = part("link-goals-title");
  if (pickedCard() && step.getBoundingClientRect().top > window.innerHeight * 0.6) {
    step.scrollIntoView({ block: "start", behavior: prefersReducedMotion() ? "auto" : "smooth" });
  }
}

/**
 * Link the picked card to a goal, or undo that link when it exists (through the outbox).
 * @param {string} goalId
 */
function toggleLink(goalId) {
  const cardId = pickedCard();
  if (!cardId) {
    toast(strings.pick_card_first);
    return;
  }
  const existing = linkBetween(currentView(), cardId, goalId);
  // The goal's "✓ Linked" badge is the confirmation; only errors get a toast. The new link is
  // made at once ("it energises me"), and its goal then offers the other two types.
  if (existing) {
    store.batch(() => {
      store.update({ choosing: null });
      removeLink(existing);
    });
  } else {
    const id = newId();
    store.batch(() => {
      store.update({ choosing: id });
      enqueue(SEND.ADD_LINK, { id, card_id: cardId, goal_id: goalId, type: "energises" });
    });
  }
}

/**
 * Say how a card relates to its goal. While the link itself still waits in the outbox its
 * type travels with it (add_link); once sent, the type is changed with edit_link.
 * @param {Link} link
 * @param {string} type one of LINK_TYPES
 */
function setLinkType(link, type) {
  if (!LINK_TYPES.includes(type) || typeOf(link) === type) return;
  /** @param {OutboxItem} item */
  const queued = (item) => item.event === SEND.ADD_LINK && item.payload.id === link.id && !isInFlight(item);
  if (ui().outbox.some(queued)) {
    store.update((s) => ({ outbox: s.outbox.map((item) => (queued(item) ? { ...item, payload: { ...item.payload, type } } : item)) }));
    return;
  }
  enqueue(SEND.EDIT_LINK, { id: link.id, type });
}

/**
 * A colleague's link: +1 (or take it back).
 * @param {Link} link
 * @param {boolean} endorsed
 */
function endorse(link, endorsed) {
  enqueue(SEND.ENDORSE_LINK, { id: link.id, endorsed });
}

/**
 * Remove one of my links (an unsent one is simply taken back).
 * @param {Link} link
 */
function removeLink(link) {
  if (link.fresh && withdraw((item) => item.event === SEND.ADD_LINK && item.payload.id === link.id)) return;
  enqueue(SEND.DELETE_LINK, { id: link.id });
}
