// @ts-check
// Every Socket.IO event name and the protocol's fixed words, defined once (docs/protocol.md).

/** Events a client sends; each answers through an acknowledgement. */
export const SEND = Object.freeze({
  SYNC: "sync",
  ADD_CARD: "add_card",
  EDIT_CARD: "edit_card",
  DELETE_CARD: "delete_card",
  ADD_LINK: "add_link",
  DELETE_LINK: "delete_link",
  RESPOND_STRENGTH: "respond_strength",
  LEAVE_WORKSHOP: "leave_workshop",
  REMOVE_PARTICIPANT: "remove_participant",
  SET_DEFAULT_VISIBILITY: "set_default_visibility",
  ADD_GOAL: "add_goal",
  EDIT_GOAL: "edit_goal",
  DELETE_GOAL: "delete_goal",
  SET_PHASE: "set_phase",
  DELETE_WORKSHOP: "delete_workshop",
  // Running the room and afterwards.
  SET_TIMER: "set_timer",
  SET_REVEALED: "set_revealed",
  SET_JOINING_LOCKED: "set_joining_locked",
  ASSIGN_STRENGTH_ROUND: "assign_strength_round",
  SET_CARD_HIDDEN: "set_card_hidden",
  RENAME_PARTICIPANT: "rename_participant",
  SET_DONE: "set_done",
  EDIT_LINK: "edit_link",
  ENDORSE_LINK: "endorse_link",
  ADD_AGREEMENT: "add_agreement",
  EDIT_AGREEMENT: "edit_agreement",
  DELETE_AGREEMENT: "delete_agreement",
  START_FOLLOW_UP: "start_follow_up",
  CREATE_TEAM_LINK: "create_team_link",
  REVOKE_TEAM_LINK: "revoke_team_link",
  // Credentials: the board's own read-only link.
  CREATE_BOARD_LINK: "create_board_link",
  REVOKE_BOARD_LINK: "revoke_board_link",
  OPEN_CHECKIN: "open_checkin",
  CLOSE_CHECKIN: "close_checkin",
  ANSWER_CHECKIN: "answer_checkin",
  // Themes: the facilitator groups drives.
  ADD_THEME: "add_theme",
  EDIT_THEME: "edit_theme",
  DELETE_THEME: "delete_theme",
  SET_CARD_THEME: "set_card_theme",
  LINK_THEME: "link_theme",
  // A person's seat on more devices: the personal link, and signing devices out.
  MY_SEAT: "my_seat",
  CREATE_SEAT_LINK: "create_seat_link",
  REVOKE_SEAT_LINK: "revoke_seat_link",
  REISSUE_SEAT_LINK: "reissue_seat_link",
  SIGN_OUT_DEVICE: "sign_out_device",
  // The marketplace (issue 15): asks, offers, proposals, suggestions, the digest.
  OPEN_MARKET: "open_market",
  CLOSE_MARKET: "close_market",
  SET_ASK: "set_ask",
  SET_OFFER: "set_offer",
  PROPOSE: "propose",
  DECIDE_PROPOSAL: "decide_proposal",
  WITHDRAW_PROPOSAL: "withdraw_proposal",
  SUGGEST_MATCHES: "suggest_matches",
  SET_DIGEST: "set_digest",
  SET_FACILITATOR_DIGEST: "set_facilitator_digest",
  // Several teams, one marketplace: the organisation and cross-team proposals (static/js/across.js).
  JOIN_ORGANISATION: "join_organisation",
  LEAVE_ORGANISATION: "leave_organisation",
  LIST_ACROSS: "list_across",
  PROPOSE_ACROSS: "propose_across",
  DECIDE_ACROSS: "decide_across",
  WITHDRAW_ACROSS: "withdraw_across",
});

/** Events the server sends. */
export const RECEIVE = Object.freeze({
  STATE: "state",
  // Cross-team proposals: outside the workshop's version order (static/js/across.js).
  ACROSS_SAVED: "across_saved",
  ACROSS_DELETED: "across_deleted",
  PARTICIPANT_JOINED: "participant_joined",
  CARD_SAVED: "card_saved",
  CARD_DELETED: "card_deleted",
  LINK_SAVED: "link_saved",
  LINK_DELETED: "link_deleted",
  GOAL_SAVED: "goal_saved",
  GOAL_DELETED: "goal_deleted",
  PHASE_CHANGED: "phase_changed",
  PARTICIPANT_LEFT: "participant_left",
  SETTINGS_CHANGED: "settings_changed",
  HIDDEN_CHANGE: "hidden_change",
  PARTICIPANT_UPDATED: "participant_updated",
  ASSIGNMENTS_CHANGED: "assignments_changed",
  AGREEMENT_SAVED: "agreement_saved",
  AGREEMENT_DELETED: "agreement_deleted",
  PRESENCE: "presence",
  CHECKIN_CHANGED: "checkin_changed",
  CHECKIN_ANSWERED: "checkin_answered",
  WORKSHOP_DELETED: "workshop_deleted",
  REJECTED: "rejected",
  THEME_SAVED: "theme_saved",
  THEME_DELETED: "theme_deleted",
  SEAT_CHANGED: "seat_changed",
  SIGNED_OUT: "signed_out",
  PROPOSAL_SAVED: "proposal_saved",
});

/** The server events that carry a `version` and change the state by exactly one step. */
export const CHANGES = Object.freeze([
  RECEIVE.PARTICIPANT_JOINED,
  RECEIVE.CARD_SAVED,
  RECEIVE.CARD_DELETED,
  RECEIVE.LINK_SAVED,
  RECEIVE.LINK_DELETED,
  RECEIVE.GOAL_SAVED,
  RECEIVE.GOAL_DELETED,
  RECEIVE.PHASE_CHANGED,
  RECEIVE.PARTICIPANT_LEFT,
  RECEIVE.SETTINGS_CHANGED,
  RECEIVE.HIDDEN_CHANGE,
  RECEIVE.PARTICIPANT_UPDATED,
  RECEIVE.ASSIGNMENTS_CHANGED,
  RECEIVE.AGREEMENT_SAVED,
  RECEIVE.AGREEMENT_DELETED,
  RECEIVE.CHECKIN_CHANGED,
  RECEIVE.CHECKIN_ANSWERED,
  RECEIVE.THEME_SAVED,
  RECEIVE.THEME_DELETED,
  RECEIVE.PROPOSAL_SAVED,
]);

/** Workshop phases, in their order on the stepper. */
export const PHASES = Object.freeze(["join", "drives", "strengths", "linking", "agreements", "closed"]);

/** Kinds of goal on the business side. */
export const GOAL_KINDS = Object.freeze(["goal", "project", "activity"]);

/** Who sees a drive card: everyone with the name, everyone without it, or the facilitator only. */
export const VISIBILITIES = Object.freeze(["named", "anonymous", "facilitator"]);

/** Kinds of card on the people side. */
export const CARD_KINDS = Object.freeze(["drive", "strength"]);

/** How a card relates to a goal: it energises me, I want to grow in this, I already do this. */
export const LINK_TYPES = Object.freeze(["energises", "grow", "already"]);

/** Limits the server enforces; the forms mirror them. */
export const LIMITS = Object.freeze({ TEXT_MAX: 280, NAME_MAX: 40, TITLE_MAX: 120, THEME_NAME_MAX: 60, THEME_CARDS_MAX: 200 });
