"""The shapes of the rows the store returns, written out once.

The store (workshop/store/) reads SQLite rows into these; the service, the visibility rules
(model.py) and the summary work on them; the socket protocol (docs/protocol.md) sends them
as they are. Flags are booleans and lists are lists here, whatever SQLite keeps.
"""

from __future__ import annotations

from typing import TypedDict


class Workshop(TypedDict):
    id: str
    code: str
    title: str
    language: str
    phase: str
    version: int
    prompts: list[str]
    default_visibility: str
    timer_ends_at: str | None
    timer_seconds: int
    timer_lock: bool
    revealed: bool
    joining_locked: bool
    team_link: bool  # whether a team link is set (its hash never leaves the store)
    board_link: bool  # whether a board link is set
    previous_id: str | None  # the workshop this one follows up
    closed_at: str | None
    created_at: str
    last_active_at: str | None
    market_until: str | None  # the last day the marketplace is open (ISO date), or None
    market_key: bool  # whether a read-only market key is set (its hash never leaves the store)
    organisation: OrganisationRef | None  # the organisation whose marketplace it joined


class OrganisationRef(TypedDict):
    id: str
    name: str


class Ask(TypedDict):
    """A goal listed for the marketplace: open or not, what is asked, the effort, its owner."""

    open: bool
    text: str | None
    effort: str | None
    owner_id: str | None


class Goal(TypedDict):
    id: str
    kind: str  # "goal" | "project" | "activity"
    text: str
    position: int
    ask: Ask | None


class NewGoal(TypedDict):
    text: str
    kind: str


class Participant(TypedDict):
    id: str
    name: str
    color: int
    done: list[str]  # the phases they said they are done with


class Card(TypedDict):
    id: str
    kind: str  # "drive" | "strength"
    about: str | None  # None only as a viewer sees an anonymous card (model.card_for)
    author: str | None  # None as a viewer sees an anonymous or unsigned card
    text: str
    prompt: int | None
    visibility: str  # "named" | "anonymous" | "facilitator"
    status: str  # "accepted" | "pending"
    signed: bool
    reworded: bool
    hidden: bool
    created_at: str
    theme_id: str | None  # the theme it is grouped in (drives only), or None
    offered: bool  # its person offers it on the marketplace


class NewCard(TypedDict):
    id: str
    kind: str
    about: str
    author: str
    text: str
    prompt: int | None
    visibility: str
    status: str
    signed: bool


class Link(TypedDict):
    id: str
    card_id: str
    goal_id: str
    type: str  # "energises" | "grow" | "already"
    endorsements: list[str]  # who gave it a +1, in order
    created_by: str | None
    created_at: str


class Theme(TypedDict):
    """Drives the facilitator grouped under a name of their own (never empty)."""

    id: str
    name: str
    created_at: str


class Agreement(TypedDict):
    id: str
    link_id: str
    text: str
    owner: str | None
    due: str | None
    done: bool
    created_at: str


class NewAgreement(TypedDict):
    id: str
    link_id: str
    text: str
    owner: str | None
    due: str | None


class Assignment(TypedDict):
    """One pair of the strength round: ``giver`` names a strength of ``receiver``."""

    giver: str
    receiver: str


class Checkin(TypedDict):
    id: str
    opened_at: str
    closed_at: str | None


class CheckinAnswer(TypedDict):
    link_id: str
    participant_id: str
    rating: int
    comment: str | None


class CheckinWithAnswers(Checkin):
    answers: list[CheckinAnswer]


class Answer(CheckinAnswer):
    """A check-in answer as it is sent: with its check-in."""

    checkin_id: str


class NewProposal(TypedDict):
    """A proposal as it is made (what ``Proposal`` holds before anyone decides)."""

    id: str
    goal_id: str
    card_id: str
    kind: str
    type: str
    note: str | None
    made_by: str | None


class Proposal(NewProposal):
    """A proposed match between an ask (a goal) and a card, waiting for its decider's yes.

    ``kind``: "answer" (the card's person offers to contribute), "propose" (a colleague proposes
    an offered card), "broker" (the facilitator does). ``made_by``: the participant who made it,
    None for the facilitator. ``decider``: who decides ("owner": the ask's owner, "facilitator",
    "person": the card's person) while it waits, who decided once it is decided."""

    status: str  # "waiting" | "accepted" | "declined" | "withdrawn"
    created_at: str
    decided_at: str | None
    link_id: str | None
    decider: str | None  # stored once decided; while waiting, model.decider_of says who


class Subscriber(TypedDict):
    """Someone who wants the weekly digest: a participant (``participant_id``) or the
    facilitator (``participant_id`` None), with their address, when it was last sent, and (the
    facilitator's) the matches it told of then."""

    workshop_id: str
    participant_id: str | None
    name: str | None
    email: str
    sent_at: str | None
    told: list[str]


class Snapshot(TypedDict):
    """Everything about a workshop, read at one version."""

    workshop: Workshop
    goals: list[Goal]
    participants: list[Participant]
    cards: list[Card]
    links: list[Link]
    agreements: list[Agreement]
    assignments: list[Assignment]
    themes: list[Theme]
    proposals: list[Proposal]


class Origins(TypedDict):
    """For a follow-up: the id each copied row came from, by its own id."""

    cards: dict[str, str]
    links: dict[str, str]
    agreements: dict[str, str]


class Device(TypedDict):
    """A device that holds a person's seat besides the one they joined with: how it
    came ("link": their own personal link; "facilitator": a link the facilitator made) and when.
    Its token is stored only as a hash, never in this shape."""

    id: str
    came_by: str
    created_at: str


class SeatLink(TypedDict):
    """A person's pending personal link, as they may know of it: who made it ("link": they did;
    "facilitator") and when. Its secret is stored only as a hash, never in this shape."""

    by: str
    created_at: str


class Organisation(TypedDict):
    """Several teams' marketplaces brought together by an organiser (workshop/org.py). The
    organiser's key and sign-in link never leave the store but as hashes compared."""

    id: str
    name: str
    join_code: str
    created_at: str


class Member(TypedDict):
    """A workshop in an organisation: its id, its handle on the organisation page (``team``:
    never its join code) and its title."""

    id: str
    team: str
    title: str


class Crossing(TypedDict):
    """A cross-team proposal between an ask of one member workshop (``workshop_id``, the goal's)
    and a card of another (``card_workshop``). ``made_in``/``made_by``: the maker's workshop and
    participant id (``made_by`` None: that workshop's facilitator, or a maker since erased).
    Accepted, it is a match."""

    id: str
    organisation_id: str
    workshop_id: str
    goal_id: str
    card_workshop: str
    card_id: str
    kind: str  # "answer" | "propose" | "broker"
    type: str
    note: str | None
    made_in: str | None
    made_by: str | None
    status: str  # "waiting" | "accepted" | "declined" | "withdrawn"
    decider: str | None
    created_at: str
    decided_at: str | None
