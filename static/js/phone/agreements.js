// @ts-check
// The agreements screen: per link of mine, who does what by when (add, change, tick off,
// delete; the open form kept on the phone as it is typed); then the agreements I own on
// colleagues' links.

import { format, h, icon, part, reconcile, refill, setText, showEmpty, toast, unchanged, valueOf } from "../dom.js";
import { LIMITS, SEND } from "../events.js";
import { agreementParts, agreementsOf, nameOf, pageLanguage, typeOf } from "../labels.js";
import { newId } from "../live.js";
import { cardById, goalById, isPresent, participantById } from "../state.js";
import { linkHeading, typeLabel } from "./linking.js";
import { askFirst, currentView, enqueue, linksOfMyCards, meId, ownedLinks, readOnly, store, strings, ui, unsentText, withdraw } from "./store.js";

/**
 * @typedef {import("../state.js").State} State
 * @typedef {import("../state.js").Link} Link
 * @typedef {import("../state.js").Agreement} Agreement
 * @typedef {import("./store.js").AgreementDraft} AgreementDraft
 * @typedef {import("./store.js").PhoneUi} PhoneUi
 */

const el = {
  links: part("agreement-links"),
  owned: part("owned-agreements"),
};

/** Whether the screen was drawn once (links present at load do not slide in). */
let drawn = false;

/**
 * One agreement: a "done" check, what, who and by when, and its controls.
 * @param {State} view
 * @param {PhoneUi} s
 * @param {Agreement} agreement
 * @returns {HTMLElement}
 */
function agreementItem(view, s, agreement) {
  const locked = readOnly(s);
  const { owner, due } = agreementParts(view, agreement, pageLanguage());
  const meta = [
    h("span", { class: "meta-part" }, icon("named"), h("span", {}, owner
      ? (agreement.owner === meId(s) ? format(strings.agreement_owner_me, { name: owner }) : owner)
      : strings.agreement_nobody)),
    due ? h("span", { class: "meta-part" }, icon("calendar"), h("span", {}, format(strings.agreement_due_only, { due }))) : null,
  ];
  const li = h("li", {
    class: `agreement ${agreement.done ? "is-done" : ""} ${agreement.unsent ? "is-pending" : ""}`.trim(), "data-testid": "agreement",
    dataset: { agreementId: agreement.id, done: String(Boolean(agreement.done)), pending: agreement.unsent ? "true" : null },
  },
  h("button", {
    type: "button", class: "done-check", "data-testid": "agreement-done", "aria-pressed": String(Boolean(agreement.done)),
    "aria-label": format(strings.agreement_done_label, { text: agreement.text }), props: { disabled: locked },
    onclick: () => setAgreementDone(agreement, !agreement.done),
  }, h("span", { class: "done-box", "aria-hidden": "true" }, icon("check")), h("span", { "aria-hidden": "true" }, strings.agreement_done_word)),
  h("div", { class: "agreement-body" },
    h("p", { class: "agreement-text", "data-testid": "agreement-text-shown" }, agreement.text),
    h("p", { class: "agreement-meta", "data-testid": "agreement-meta" }, meta),
    agreement.unsent ? h("p", { class: "card-meta" }, unsentText(s)) : null,
    h("div", { class: "card-actions" },
      h("button", { type: "button", class: "button small", "data-testid": "agreement-edit", props: { disabled: locked },
        onclick: () => openAgreementForm({ linkId: agreement.link_id, id: agreement.id, text: agreement.text, owner: agreement.owner, due: agreement.due || "" }) },
      strings.edit),
      h("button", { type: "button", class: "button small quiet-danger", "data-testid": "agreement-delete",
        props: { disabled: locked && !agreement.fresh }, onclick: () => deleteAgreement(agreement) }, strings.delete))));
  return li;
}

/**
 * The form for a new agreement on a link, or for changing one: what, who (me by default), by when.
 * Its values live in the store (agreementForm, kept on the phone), so a re-render never loses them.
 * @param {State} view
 * @param {PhoneUi} s
 * @param {AgreementDraft} form the open form
 * @returns {HTMLFormElement}
 */
function agreementForm(view, s, form) {
  const key = `${form.linkId}-${form.id || "new"}`;
  /** @param {Partial<AgreementDraft>} change */
  const keep = (change) => store.update((x) => ({ agreementForm: { ...form, ...x.agreementForm, ...change } }));
  const text = h("textarea", {
    id: `agreement-text-${key}`, class: "big-text", rows: 3, maxlength: LIMITS.TEXT_MAX, "data-testid": "agreement-text",
    placeholder: strings.agreement_placeholder,
    oninput: (event) => keep({ text: valueOf(event) }),
  });
  text.value = form.text || "";
  const me = meId(s);
  const people = [participantById(view, me), ...view.participants.filter((p) => p.id !== me)].filter(isPresent);
  const owner = h("select", {
    id: `agreement-owner-${key}`, "data-testid": "agreement-owner",
    onchange: (event) => keep({ owner: valueOf(event) || null }),
  }, people.map((p) => h("option", { value: p.id }, p.id === me ? format(strings.agreement_owner_me, { name: p.name }) : p.name)),
  h("option", { value: "" }, strings.agreement_nobody));
  owner.value = form.owner || "";
  const due = h("input", {
    id: `agreement-due-${key}`, type: "date", "data-testid": "agreement-due",
    oninput: (event) => keep({ due: valueOf(event) }),
  });
  due.value = form.due || "";
  return h("form", {
    class: "agreement-form", "data-testid": "agreement-form", novalidate: true,
    onsubmit: (event) => { event.preventDefault(); saveAgreement(); },
  },
  h("label", { for: text.id }, strings.agreement_what), text,
  h("div", { class: "form-row" },
    h("div", { class: "form-cell" }, h("label", { for: owner.id }, strings.agreement_who), owner),
    h("div", { class: "form-cell" }, h("label", { for: due.id }, strings.agreement_when), due)),
  h("div", { class: "actions" },
    h("button", { type: "button", class: "button", "data-testid": "agreement-cancel", onclick: () => closeAgreementForm() }, strings.cancel),
    h("button", { type: "submit", class: "button primary", "data-testid": "agreement-save", props: { disabled: readOnly(s) } }, strings.save)));
}

/**
 * A link with its agreements: each agreement, the open form, or "add an agreement".
 * @param {State} view
 * @param {PhoneUi} s
 * @param {HTMLElement} li
 * @param {Link} link
 * @param {{canAdd: boolean, only?: (agreement: Agreement) => boolean}} options
 */
function fillAgreementLink(view, s, li, link, options) {
  const agreements = agreementsOf(view, link.id).filter(options.only || (() => true));
  const open = s.agreementForm;
  const form = open && open.linkId === link.id ? open : null;
  const locked = readOnly(s);
  li.dataset.linkId = link.id;
  const card = cardById(view, link.card_id);
  const goal = goalById(view, link.goal_id);
  const shows = [card?.text, goal?.text, goal?.kind, typeOf(link),
    agreements.map((a) => [a.id, a.text, a.owner, nameOf(view, a.owner), a.due, a.done, a.unsent ? s.status : false]),
    form ? [form.linkId, form.id] : null, locked, options.canAdd];
  if (unchanged(li, shows)) return;
  const items = agreements.map((a) => (form && form.id === a.id
    ? h("li", { class: "agreement is-editing" }, agreementForm(view, s, form)) : agreementItem(view, s, a)));
  refill(li, [
    ...linkHeading(view, link),
    typeLabel(link),
    items.length ? h("ul", { class: "agreement-list" }, items)
      : h("p", { class: "agreement-none", "data-testid": "agreement-none" }, strings.agreement_none),
    form && !form.id ? agreementForm(view, s, form) : null,
    options.canAdd && !form ? h("button", {
      type: "button", class: "button wide add-agreement", "data-testid": "agreement-add", props: { disabled: locked },
      onclick: () => openAgreementForm({ linkId: link.id, id: null, text: "", owner: meId(), due: "" }),
    }, h("span", { "aria-hidden": "true" }, "+"), h("span", {}, strings.agreement_add)) : null,
  ]);
}

/**
 * Agreements screen: my links with their agreements; then agreements I own on colleagues' links.
 * @param {State} view
 * @param {PhoneUi} s
 */
export function renderAgreements(view, s) {
  const me = meId(s);
  const links = linksOfMyCards(view, me);
  reconcile(el.links, links, (l) => l.id,
    () => h("li", { class: "card agreement-link", "data-testid": "agreement-link" }),
    (li, link) => fillAgreementLink(view, s, li, link, { canAdd: true }),
    { animate: drawn });
  showEmpty("agreement-links-empty", !links.length);

  const owned = ownedLinks(view, me, new Set(links.map((l) => l.id)));
  reconcile(el.owned, owned, (l) => l.id,
    () => h("li", { class: "card agreement-link", "data-testid": "agreement-link" }),
    (li, link) => fillAgreementLink(view, s, li, link, { canAdd: false, only: (a) => a.owner === me }));
  part("owned-section").hidden = !owned.length;
  setText(part("owned-count"), owned.length || "");
  drawn = true;
}

// --- What the screen's controls do ---------------------------------------------------------------

/**
 * Open the agreement form (for a new agreement, or to change one); its text is kept on the phone.
 * @param {AgreementDraft} form
 */
function openAgreementForm(form) {
  store.update({ agreementForm: form });
  const key = `${form.linkId}-${form.id || "new"}`;
  document.getElementById(`agreement-text-${key}`)?.focus();
}

/** Close the agreement form without saving. */
function closeAgreementForm() {
  store.update({ agreementForm: null });
}

/** Save the agreement form: a new agreement (owner me unless chosen otherwise), or the changed fields. */
function saveAgreement() {
  const form = ui().agreementForm;
  if (!form) return;
  const text = (form.text || "").trim();
  if (!text) {
    toast(strings.empty_text);
    document.getElementById(`agreement-text-${form.linkId}-${form.id || "new"}`)?.focus();
    return;
  }
  if (!form.id) {
    /** @type {{id: string, link_id: string, text: string, owner?: string, due?: string}} */
    const payload = { id: newId(), link_id: form.linkId, text };
    if (form.owner) payload.owner = form.owner;
    if (form.due) payload.due = form.due;
    store.batch(() => {
      closeAgreementForm();
      enqueue(SEND.ADD_AGREEMENT, payload);
    });
    return;
  }
  const agreement = (currentView().agreements || []).find((a) => a.id === form.id);
  if (!agreement) {
    closeAgreementForm();
    return;
  }
  const changes = {};
  if (text !== agreement.text) changes.text = text;
  if ((form.owner || null) !== (agreement.owner || null)) changes.owner = form.owner || null;
  if ((form.due || null) !== (agreement.due || null)) changes.due = form.due || null;
  store.batch(() => {
    closeAgreementForm();
    if (Object.keys(changes).length) enqueue(SEND.EDIT_AGREEMENT, { id: agreement.id, ...changes });
  });
}

/**
 * Tick an agreement off as done (or open it again).
 * @param {Agreement} agreement
 * @param {boolean} done
 */
function setAgreementDone(agreement, done) {
  enqueue(SEND.EDIT_AGREEMENT, { id: agreement.id, done });
}

/**
 * Delete an agreement after one confirmation (an unsent one is simply taken back).
 * @param {Agreement} agreement
 */
async function deleteAgreement(agreement) {
  if (agreement.fresh && withdraw((item) => item.event === SEND.ADD_AGREEMENT && item.payload.id === agreement.id)) return;
  if (!(await askFirst(strings.confirm_delete_agreement, strings.delete))) return;
  enqueue(SEND.DELETE_AGREEMENT, { id: agreement.id });
}
