// Every Socket.IO event name and the protocol's fixed words, defined once (docs/protocol.md).

/** Events a client sends; each answers through an acknowledgement. */
export const SEND = Object.freeze({
  SYNC: "sync",
  ADD_CARD: "add_card",
  EDIT_CARD: "edit_card",
  DELETE_CARD: "delete_card",
  ADD_LINK: "add_link",
  DELETE_LINK: "delete_link",
  ADD_GOAL: "add_goal",
  EDIT_GOAL: "edit_goal",
  DELETE_GOAL: "delete_goal",
  SET_PHASE: "set_phase",
  DELETE_WORKSHOP: "delete_workshop",
});

/** Events the server sends. */
export const RECEIVE = Object.freeze({
  STATE: "state",
  PARTICIPANT_JOINED: "participant_joined",
  CARD_SAVED: "card_saved",
  CARD_DELETED: "card_deleted",
  LINK_SAVED: "link_saved",
  LINK_DELETED: "link_deleted",
  GOAL_SAVED: "goal_saved",
  GOAL_DELETED: "goal_deleted",
  PHASE_CHANGED: "phase_changed",
  WORKSHOP_DELETED: "workshop_deleted",
  REJECTED: "rejected",
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
]);

/** Workshop phases, in their order on the stepper. */
export const PHASES = Object.freeze(["join", "drives", "strengths", "linking", "agreements", "closed"]);

/** Kinds of goal on the business side. */
export const GOAL_KINDS = Object.freeze(["goal", "project", "activity"]);

/** Kinds of card on the people side. */
export const CARD_KINDS = Object.freeze(["drive", "strength"]);

/** Limits the server enforces; the forms mirror them. */
export const LIMITS = Object.freeze({ TEXT_MAX: 280, NAME_MAX: 40, TITLE_MAX: 120 });
