// @ts-check
// The check-in (between workshops, while the facilitator has one open): per link of mine, "does
// this still energise you?" as five big buttons, and a comment (kept on the phone as it is typed).
// Not part of the phone's first load: phone.js loads it when a check-in is first open.

import { format, h, icon, part, reconcile, refill, setText, showEmpty, toast, unchanged, valueOf } from "../dom.js";
import { LIMITS, SEND } from "../events.js";
import { cardById, goalById } from "../state.js";
import { linkHeading } from "./linking.js";
import { checkinAnswer, currentView, enqueue, isInFlight, linksOfMyCards, meId, store, strings, ui, unsentText } from "./store.js";

/**
 * @typedef {import("../state.js").State} State
 * @typedef {import("../state.js").Link} Link
 * @typedef {import("./store.js").PhoneUi} PhoneUi
 */

const RATINGS = [1, 2, 3, 4, 5];
const list = part("checkin-links");

/**
 * The check-in screen (drawn only while a check-in is open).
 * @param {State} view
 * @param {PhoneUi} s
 */
export function renderCheckin(view, s) {
  const checkin = view.checkin;
  if (!checkin) return;
  const me = meId(s);
  const links = linksOfMyCards(view, me);
  reconcile(list, links, (l) => l.id,
    () => h("li", { class: "card checkin-link", "data-testid": "checkin-link" }),
    (li, link) => {
      const answer = checkinAnswer(view, me, link.id);
      li.dataset.linkId = link.id;
      li.dataset.rating = answer ? String(answer.rating) : "";
      if (answer?.unsent) li.dataset.pending = "true";
      else delete li.dataset.pending;
      const card = cardById(view, link.card_id);
      const goal = goalById(view, link.goal_id);
      const shows = [checkin.id, card?.text, goal?.text, answer?.rating, answer?.comment, answer?.unsent ? s.status : false];
      if (unchanged(li, shows)) return;
      const questionId = `checkin-q-${link.id}`;
      const commentId = `checkin-c-${link.id}`;
      const comment = h("textarea", {
        id: commentId, rows: 2, maxlength: LIMITS.TEXT_MAX, "data-testid": "checkin-comment",
        oninput: (event) => {
          store.update((x) => ({ checkinComments: { ...x.checkinComments, [link.id]: valueOf(event) } }));
        },
      });
      comment.value = s.checkinComments[link.id] ?? answer?.comment ?? "";
      refill(li, [
        ...linkHeading(view, link),
        h("p", { class: "checkin-question", id: questionId }, strings.checkin_question),
        h("div", { class: "rating", role: "group", "aria-labelledby": questionId },
          RATINGS.map((n) => h("button", {
            type: "button", class: "rate", "data-testid": "checkin-rate", dataset: { rating: n },
            "aria-pressed": String(answer?.rating === n), "aria-label": strings[`checkin_rate_${n}`],
            onclick: () => answerCheckin(link, n),
          }, String(n)))),
        h("p", { class: "rating-scale", "aria-hidden": "true" }, h("span", {}, strings.checkin_low), h("span", {}, strings.checkin_high)),
        h("label", { for: commentId, class: "comment-label" }, strings.checkin_comment_label),
        comment,
        h("div", { class: "checkin-foot" },
          h("p", { class: "checkin-answer", "data-testid": "checkin-answer", role: "status" },
            answer ? [icon(answer.unsent ? "wait" : "check"),
              h("span", {}, answer.unsent ? unsentText(s) : format(strings.checkin_answered, { rating: answer.rating }))] : null),
          h("button", { type: "button", class: "button small", "data-testid": "checkin-comment-save",
            onclick: () => saveCheckinComment(link) }, strings.checkin_comment_save)),
      ]);
    });
  const answered = links.filter((l) => checkinAnswer(view, me, l.id)).length;
  showEmpty("checkin-empty", !links.length);
  setText(part("checkin-progress"), links.length && answered === links.length
    ? strings.checkin_all_done : format(strings.checkin_progress, { n: answered, total: links.length }));
  part("checkin-meter").style.width = `${links.length ? Math.round((100 * answered) / links.length) : 0}%`;
  const progress = part("checkin-progress").closest(".round-progress");
  if (progress instanceof HTMLElement) progress.hidden = !links.length;
}

// --- What the screen's controls do ---------------------------------------------------------------

/**
 * My answer for a link in the check-in as shown now.
 * @param {string} linkId
 */
function answerNow(linkId) {
  return checkinAnswer(currentView(), meId(), linkId);
}

/**
 * Rate one of my links in the open check-in (with the comment as typed); answering again replaces it.
 * @param {Link} link
 * @param {number} rating 1–5
 */
function answerCheckin(link, rating) {
  const typed = ui().checkinComments[link.id];
  const comment = (typed ?? answerNow(link.id)?.comment ?? "").trim();
  /** @type {{link_id: string, rating: number, comment?: string}} */
  const payload = { link_id: link.id, rating };
  if (comment) payload.comment = comment;
  // An earlier answer for this link that has not left yet is replaced, not sent first.
  store.batch(() => {
    store.update((s) => {
      const { [link.id]: sent, ...rest } = s.checkinComments;
      return {
        outbox: s.outbox.filter((item) => !(item.event === SEND.ANSWER_CHECKIN && item.payload.link_id === link.id && !isInFlight(item))),
        checkinComments: typed !== undefined ? rest : s.checkinComments,
      };
    });
    enqueue(SEND.ANSWER_CHECKIN, payload);
  });
}

/**
 * Send the typed comment with the rating already given.
 * @param {Link} link
 */
function saveCheckinComment(link) {
  const answer = answerNow(link.id);
  if (!answer) {
    toast(strings.checkin_rate_first);
    return;
  }
  answerCheckin(link, answer.rating);
}

