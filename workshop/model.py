"""The rules of a workshop: words, phases, who may do what, what valid input is.

Pure: imports neither Flask, Socket.IO nor SQLite, so every rule is tested without a server.
Inbound data is parsed by the pydantic schemas here, one layer for HTTP and socket alike.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from . import names
from .config import is_mail_address
from .rows import Agreement, Assignment, Card, Goal, Link, Proposal, Snapshot, Workshop

# --- Words ---------------------------------------------------------------------------------

PHASES = ("join", "drives", "strengths", "linking", "agreements", "closed")
GOAL_KINDS = ("goal", "project", "activity")
CARD_KINDS = ("drive", "strength")
LANGUAGES = ("nl", "en")
ROLES = ("facilitator", "participant")
VISIBILITIES = ("named", "anonymous", "facilitator")
LINK_TYPES = ("energises", "grow", "already")
TIMER_MAX_SECONDS = 2 * 60 * 60
ROUND_MAX = 3
STRENGTH_ANSWERS = ("accept", "decline")
VIEWS = ("console", "board", "phone")

TITLE_MAX = 120
TEXT_MAX = 280
NAME_MAX = 40
GOALS_MAX = 100
THEME_NAME_MAX = 60
THEME_CARDS_MAX = 200  # cards one add_theme may group
THEMES_MAX = 200  # themes in one workshop
MARKET_DAYS_MAX = 365  # how far ahead a marketplace may be open
EFFORT_MAX = 80
EMAIL_MAX = 254
PROPOSAL_KINDS = ("answer", "propose", "broker")
PROPOSAL_STATUSES = ("waiting", "accepted", "declined", "withdrawn")
PALETTE_SIZE = 8
# Inbound JSON (REST bodies, socket payloads): this protocol's payloads nest three or four deep.
JSON_DEPTH_MAX = 16
JSON_CHARS_MAX = 64 * 1024

# Join codes avoid look-alikes (0/O, 1/I/L) so they can be read off a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"

Phase = Literal["join", "drives", "strengths", "linking", "agreements", "closed"]
GoalKind = Literal["goal", "project", "activity"]
CardKind = Literal["drive", "strength"]
Language = Literal["nl", "en"]
Visibility = Literal["named", "anonymous", "facilitator"]
LinkType = Literal["energises", "grow", "already"]


# --- Errors ----------------------------------------------------------------------------------


class WorkshopError(Exception):
    """A refusal with a stable machine-readable code and a message for people."""

    #: For a name refused as a look-alike: the name already here that it looks like.
    look_alike: str | None = None

    status = 400

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        """The error object sent to clients: ``{"code", "message"}``."""
        return {"code": self.code, "message": self.message}


def invalid(message: str) -> WorkshopError:
    return WorkshopError("invalid", message, 400)


def unauthorized(message: str = "Unknown or missing token.") -> WorkshopError:
    return WorkshopError("unauthorized", message, 401)


def forbidden(message: str = "You may not do that here.") -> WorkshopError:
    return WorkshopError("forbidden", message, 403)


def rate_limited() -> WorkshopError:
    return WorkshopError("rate_limited", "Too many messages at once. Slow down.", 429)


def unknown_event(name: str) -> WorkshopError:
    return WorkshopError("unknown_event", f"No such event: {name[:64]}.", 400)


def not_found(what: str = "workshop") -> WorkshopError:
    return WorkshopError("not_found", f"No such {what}.", 404)


def conflict(message: str) -> WorkshopError:
    return WorkshopError("conflict", message, 409)


def closed() -> WorkshopError:
    return WorkshopError("closed", "This workshop is closed.", 409)


def too_many_guesses() -> WorkshopError:
    """Too many unknown codes or links from this browser (or, all together, from its address)."""
    return WorkshopError("rate_limited", "Too many unknown codes or links. Wait a minute, then try again.", 429)


def too_many_creations() -> WorkshopError:
    """Too many workshops created from this address (``CREATION_LIMIT``)."""
    return WorkshopError("rate_limited", "Too many workshops created from here. Wait a while, then try again.", 429)


def workshop_full(cap: int) -> WorkshopError:
    return WorkshopError("workshop_full", f"This workshop is full: it has {cap} participants.", 409)


def too_many_cards(cap: int) -> WorkshopError:
    return WorkshopError(
        "too_many_cards", f"You wrote {cap} cards in this workshop: that is the most one person may.", 409
    )


# --- Inbound JSON: bounded before it is parsed -----------------------------------------------

#: What the shape check looks at: quotes, backslashes and brackets; everything else is skipped.
_JSON_MARKS = re.compile(r'["\\\[\]{}]')


@dataclass(frozen=True)
class Refused:
    """A socket payload that was not parsed (too deep or too large): ``parse`` refuses it."""

    message: str


def check_json_shape(text: str, max_chars: int | None = JSON_CHARS_MAX) -> None:
    """Refuse JSON text longer than ``max_chars`` or nested deeper than ``JSON_DEPTH_MAX``
    before a parser recurses into it (100,000 ``[`` would exhaust Python's stack).

    One pass over the marks, in order, with three pieces of state: inside a string or not,
    where the character an escape covers is, and the depth. Brackets inside a string do not
    count; after an unterminated string nothing does (the parser then refuses the text at that
    string, before it could nest). Linear in the text, whatever it holds: a pattern that skips
    strings by backtracking took seconds on an unterminated string full of ``\\"``."""
    if max_chars is not None and len(text) > max_chars:
        raise invalid(f"The payload is too large: at most {max_chars} characters.")
    if text.count("[") + text.count("{") <= JSON_DEPTH_MAX:
        return  # cannot nest deeper than it has brackets
    depth = 0
    in_string = False
    escaped = -1  # the position of the character a backslash in a string escapes
    for mark in _JSON_MARKS.finditer(text):
        at = mark.start()
        if at == escaped:
            continue
        char = text[at]
        if in_string:
            if char == "\\":
                escaped = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > JSON_DEPTH_MAX:
                raise invalid(f"The payload nests too deeply: at most {JSON_DEPTH_MAX} levels.")
        elif char in "]}" and depth:
            depth -= 1


def loads_json(text: str | bytes) -> object:
    """Parse inbound JSON, bounded (``check_json_shape``); anything unreadable is ``invalid``."""
    if isinstance(text, bytes | bytearray):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise invalid("The body is not UTF-8.") from None
    check_json_shape(text)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise invalid("The body is not valid JSON.") from None


# --- Secrets and codes -------------------------------------------------------------------------


def new_token() -> str:
    """A bearer secret: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Tokens are stored only as SHA-256: they are long and random, so no salt or slow hash is needed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_code() -> str:
    """A 6-character join code without look-alike characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_id() -> str:
    """A server-made id for goals, cards, links and participants (same shape as client ids)."""
    return secrets.token_urlsafe(12)


def normalize_code(raw: str) -> str:
    """What a person typed as a join code, made comparable: upper case, no spaces or dashes."""
    return re.sub(r"[\s-]", "", raw or "").upper()


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)


def name_key(name: str) -> str:
    """Names are unique per workshop whatever their case: 'Anna' and 'ANNA' are one person."""
    return unicodedata.normalize("NFKC", name).casefold()


# --- Text --------------------------------------------------------------------------------------


LINE_BREAKS = "\n\r\t\v\f\x85\u2028\u2029"
# Direction overrides can make a name display as something else; nobody needs them in a card.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError("must not be empty")
    for ch in value:
        if (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in BIDI_CONTROLS:
            raise ValueError("must not contain control characters")
    return value


def _one_line(value: str) -> str:
    if any(ch in LINE_BREAKS for ch in value):
        raise ValueError("must be one line")
    return value


def _at_most(limit: int):
    """Length is checked on the text as stored (trimmed and normalised), not as sent."""

    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"must be at most {limit} characters")
        return value

    return AfterValidator(check)


# The raw bound only stops absurd payloads early; the real limit is checked after cleaning.
Text = Annotated[str, Field(max_length=4 * TEXT_MAX), AfterValidator(_clean_text), _at_most(TEXT_MAX)]
Title = Annotated[
    str, Field(max_length=4 * TITLE_MAX), AfterValidator(_clean_text), AfterValidator(_one_line), _at_most(TITLE_MAX)
]
# Names also refuse what a reader cannot see: invisible characters, direction controls, mark stacks.
Name = Annotated[
    str,
    Field(max_length=4 * NAME_MAX),
    AfterValidator(_clean_text),
    AfterValidator(_one_line),
    AfterValidator(names.check_name),
    _at_most(NAME_MAX),
]
# A theme's name is the facilitator's words, cleaned like a title.
ThemeName = Annotated[
    str,
    Field(max_length=4 * THEME_NAME_MAX),
    AfterValidator(_clean_text),
    AfterValidator(_one_line),
    _at_most(THEME_NAME_MAX),
]
ItemId = Annotated[str, Field(pattern=ID_PATTERN)]
# What an ask takes: "two afternoons", "Q3" (one line).
Effort = Annotated[
    str, Field(max_length=4 * EFFORT_MAX), AfterValidator(_clean_text), AfterValidator(_one_line), _at_most(EFFORT_MAX)
]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _an_address(value: str) -> str:
    # The address the digest will send to, exactly (one plain ASCII address): one it would refuse
    # is refused here, where the person can correct it, not silently never mailed.
    if not _EMAIL.match(value) or not is_mail_address(value):
        raise ValueError("must be an e-mail address")
    return value


Email = Annotated[
    str,
    Field(max_length=4 * EMAIL_MAX),
    AfterValidator(_clean_text),
    AfterValidator(_one_line),
    AfterValidator(_an_address),
    _at_most(EMAIL_MAX),
]


def _a_day(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date, YYYY-MM-DD") from None
    return value


CalendarDay = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_a_day)]


# --- Inbound schemas (one layer for HTTP and socket) -----------------------------------------


class Inbound(BaseModel):
    """Strict: unknown fields and wrong types are refused, never coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class GoalIn(Inbound):
    text: Text
    kind: GoalKind = "goal"


class CreateWorkshop(Inbound):
    title: Title
    language: Language = "nl"
    goals: list[GoalIn] = Field(default_factory=list, max_length=GOALS_MAX)
    default_visibility: Visibility = "named"


class Join(Inbound):
    name: Name


class Empty(Inbound):
    pass


class AddCard(Inbound):
    id: ItemId | None = None
    kind: CardKind
    text: Text
    prompt: Annotated[int, Field(ge=0, le=50)] | None = None
    about: ItemId | None = None
    visibility: Visibility | None = None
    signed: bool | None = None


class EditCard(Inbound):
    id: ItemId
    text: Text | None = None
    visibility: Visibility | None = None
    signed: bool | None = None


class RespondStrength(Inbound):
    id: ItemId
    answer: Literal["accept", "decline"]
    text: Text | None = None


class SetDefaultVisibility(Inbound):
    visibility: Visibility


class ById(Inbound):
    id: ItemId


class AddLink(Inbound):
    id: ItemId | None = None
    card_id: ItemId
    goal_id: ItemId
    type: LinkType = "energises"


class EditLink(Inbound):
    id: ItemId
    type: LinkType


class EndorseLink(Inbound):
    id: ItemId
    endorsed: bool


Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class AddAgreement(Inbound):
    id: ItemId | None = None
    link_id: ItemId
    text: Text
    owner: ItemId | None = None
    due: Day | None = None


class EditAgreement(Inbound):
    """Fields left out stay as they are; ``owner`` or ``due`` sent as null are cleared."""

    id: ItemId
    text: Text | None = None
    owner: ItemId | None = None
    due: Day | None = None
    done: bool | None = None


class AddTheme(Inbound):
    id: ItemId
    name: ThemeName
    card_ids: Annotated[list[ItemId], Field(min_length=1, max_length=THEME_CARDS_MAX)]


class EditTheme(Inbound):
    id: ItemId
    name: ThemeName


class SetCardTheme(Inbound):
    """``theme_id`` is required: a theme to join, or null to leave the one it is in."""

    id: ItemId
    theme_id: ItemId | None


class LinkTheme(Inbound):
    theme_id: ItemId
    goal_id: ItemId
    type: LinkType = "energises"


class SetTimer(Inbound):
    seconds: Annotated[int, Field(ge=0, le=TIMER_MAX_SECONDS)]
    lock: bool = False


class SetRevealed(Inbound):
    revealed: bool


class SetJoiningLocked(Inbound):
    locked: bool


class AssignStrengthRound(Inbound):
    per_person: Annotated[int, Field(ge=1, le=ROUND_MAX)]


class SetCardHidden(Inbound):
    id: ItemId
    hidden: bool


class RenameParticipant(Inbound):
    id: ItemId
    name: Name


class FollowUp(Inbound):
    title: Title | None = None


class AnswerCheckin(Inbound):
    link_id: ItemId
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Text | None = None


class SetDone(Inbound):
    phase: Phase
    done: bool


class AddGoal(Inbound):
    id: ItemId | None = None
    text: Text
    kind: GoalKind = "goal"


class EditGoal(Inbound):
    id: ItemId
    text: Text | None = None
    kind: GoalKind | None = None


class SetPhase(Inbound):
    phase: Phase


class DeleteWorkshop(Inbound):
    code: Annotated[str, Field(max_length=16)]
    follow_ups: bool = True


#: How a device came to hold a person's seat (the devices table); the one they joined on is "joined".
DEVICE_CAME_BY = ("link", "facilitator")
#: The device a person joined on, as their device list names it (its token is the participant's).
JOINED_DEVICE = "joined"
#: What replaces the hash of a participant token whose device was signed out: never a SHA-256
#: hex digest (no token matches it), and it says the device is gone from the person's list.
SIGNED_OUT = "signed-out:"


def signed_out_hash() -> str:
    """A participant's token hash once the device they joined on is signed out (unique, unusable)."""
    return SIGNED_OUT + secrets.token_hex(16)


class SignOutDevice(Inbound):
    """``sign_out_device``: one of my other devices (an id from ``my_seat``)."""

    id: Annotated[str, Field(pattern=r"^(joined|[A-Za-z0-9_-]{8,64})$")]


class ReissueSeatLink(Inbound):
    """``reissue_seat_link``: the facilitator makes a person's personal link anew; with
    ``sign_out_devices`` every device of theirs is signed out (a lost phone)."""

    participant_id: ItemId
    sign_out_devices: bool = False


class SeatKey(Inbound):
    """``POST /w/<code>/seat``: the secret of a personal link (from the link's #fragment)."""

    key: Annotated[str, Field(min_length=1, max_length=200)]


# --- the marketplace (docs/protocol.md, "Marketplace") ---


class OpenMarket(Inbound):
    until: CalendarDay


class SetAsk(Inbound):
    """Fields left out stay as they are (for a goal without an ask: none); null clears them."""

    goal_id: ItemId
    open: bool
    text: Text | None = None
    effort: Effort | None = None
    owner_id: ItemId | None = None


class SetOffer(Inbound):
    card_id: ItemId
    offered: bool


class Propose(Inbound):
    id: ItemId
    goal_id: ItemId
    card_id: ItemId
    type: LinkType = "energises"
    note: Text | None = None


class DecideProposal(Inbound):
    id: ItemId
    answer: Literal["accept", "decline"]


class SetDigest(Inbound):
    """``email`` is required: an address, or null to stop the digest."""

    email: Email | None


Schema = TypeVar("Schema", bound=BaseModel)


def parse(schema: type[Schema], data: object) -> Schema:
    """Parse inbound data into a schema, or raise ``invalid`` naming the first bad field."""
    if isinstance(data, Refused):
        raise invalid(data.message)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise invalid("The payload must be a JSON object.")
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "payload"
        raise invalid(f"{where}: {first.get('msg', 'invalid')}") from None


def parse_goal_lines(text: str, kind: str) -> list[dict]:
    """A pasted list, one goal per line; bullets and numbering that came with the paste are dropped."""
    goals = []
    for line in (text or "").splitlines():
        line = re.sub(r"^\s*(?:[-*•·]|\d+[.)])\s*", "", line).strip()
        if line:
            goals.append({"text": line, "kind": kind})
    return goals


# --- Identity and permissions ----------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who is asking: the facilitator of a workshop, or one of its participants."""

    workshop_id: str
    role: str  # "facilitator" | "participant" | "board" (the board's read-only key)
    participant_id: str | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"


def check_can_change(actor: Actor, phase: str) -> None:
    """In a closed workshop only the facilitator changes anything (to reopen it, or to tidy up)."""
    if phase == "closed" and not actor.is_facilitator:
        raise closed()


def input_locked(workshop: Workshop, now: datetime) -> bool:
    """A phase timer with its lock on has run out."""
    ends = workshop.get("timer_ends_at")
    return bool(workshop.get("timer_lock")) and ends is not None and now >= datetime.fromisoformat(ends)


def check_can_write(actor: Actor, workshop: Workshop, now: datetime) -> None:
    """Participants write while the workshop is open and the phase's timer has not locked input."""
    check_can_change(actor, workshop["phase"])
    if not actor.is_facilitator and input_locked(workshop, now):
        raise WorkshopError("locked", "Time is up for this phase.", 409)


def color_for(joined_before: int) -> int:
    """Each person's colour on the board: the palette in joining order, round and round
    (``joined_before`` is how many people are in the workshop as they join)."""
    return joined_before % PALETTE_SIZE


def carried_over(snapshot: Snapshot) -> Snapshot:
    """What a follow-up starts with (step 3 of the method): the same goals and people, the cards
    they shared (a strength still waiting for its person's consent stays behind), and the links
    and agreements on those cards. The strength round's pairs and the themes stay behind (the
    facilitator groups the new workshop's drives anew)."""
    cards = [c for c in snapshot["cards"] if c["status"] == "accepted"]
    card_ids = {c["id"] for c in cards}
    links = [l for l in snapshot["links"] if l["card_id"] in card_ids]
    link_ids = {l["id"] for l in links}
    agreements = [a for a in snapshot["agreements"] if a["link_id"] in link_ids]
    return {**snapshot, "cards": cards, "links": links, "agreements": agreements, "assignments": [], "themes": []}


def strength_round(participant_ids: list[str], per_person: int) -> list[tuple[str, str]]:
    """Round robin in joining order: each gives to the next ``per_person`` colleagues, so that
    everyone receives as many strengths as they give."""
    n = len(participant_ids)
    pairs = []
    for i, giver in enumerate(participant_ids):
        for k in range(1, min(per_person, n - 1) + 1):
            pairs.append((giver, participant_ids[(i + k) % n]))
    return pairs


def check_facilitator(actor: Actor) -> None:
    if not actor.is_facilitator:
        raise forbidden("Only the facilitator may do that.")


def check_new_card(actor: Actor, kind: str, about: str | None, is_participant: Callable[[str], bool]) -> str:
    """Who a new card is about: a drive is one's own; a strength is a colleague's. Returns ``about``.

    ``is_participant`` tells whether an id is someone in this workshop (asked only for strengths).
    """
    if actor.is_facilitator or actor.participant_id is None:
        raise forbidden("Cards are written by participants.")
    if kind == "drive":
        if about not in (None, actor.participant_id):
            raise forbidden("A drive is named by the person themself.")
        return actor.participant_id
    if about is None:
        raise invalid("about: a strength needs the colleague it is about.")
    if about == actor.participant_id:
        raise invalid("about: strengths are named by colleagues, not by yourself.")
    if not is_participant(about):
        raise not_found("participant")
    return about


def can_edit_card(actor: Actor, card: Card) -> bool:
    return actor.participant_id is not None and card["author"] == actor.participant_id


def can_delete_card(actor: Actor, card: Card) -> bool:
    return actor.is_facilitator or (
        actor.participant_id is not None and actor.participant_id in (card["author"], card["about"])
    )


def can_link_card(actor: Actor, card: Card) -> bool:
    """A card can be linked once it is shared: a strength waits for its person's consent."""
    if card["status"] != "accepted":
        return False
    return actor.is_facilitator or card["about"] == actor.participant_id


def check_card_fields(card_kind: str, visibility: str | None, signed: bool | None) -> None:
    """Visibility is chosen for drives; signing is chosen for strengths."""
    if card_kind == "strength" and visibility is not None:
        raise invalid("visibility: a strength is shared once its person accepts it.")
    if card_kind == "drive" and signed is not None:
        raise invalid("signed: only strengths are signed.")


def check_theme_phase(workshop: Workshop) -> None:
    """Themes are made and changed while the workshop is open, by the facilitator too."""
    if workshop["phase"] == "closed":
        raise closed()


def check_can_join_theme(card: Card) -> None:
    """A theme is seen by the whole room: only drives the team sees may join one."""
    if card["kind"] != "drive":
        raise invalid("card_ids: only drives are grouped in themes.")
    if not shown_to_the_team(card):
        raise forbidden("A drive only the facilitator sees cannot join a theme the room sees.")


def shown_to_the_team(card: Card) -> bool:
    """Whether the team sees this drive (not facilitator-only, not moderated away): only such
    a drive may be in a theme."""
    return card["visibility"] != "facilitator" and not card.get("hidden")


def check_can_respond(actor: Actor, card: Card) -> None:
    if card["kind"] != "strength":
        raise invalid("id: only strengths are accepted or declined.")
    if actor.participant_id is None or card["about"] != actor.participant_id:
        raise forbidden("Only the person a strength is about can accept or decline it.")


def can_arrange_agreement(actor: Actor, card: Card, agreement: Agreement | None = None) -> bool:
    """Agreements on a link are made by the facilitator, the card's person, or the owner named."""
    if actor.is_facilitator:
        return True
    me = actor.participant_id
    return me is not None and (me == card["about"] or (agreement is not None and agreement["owner"] == me))


def can_delete_link(actor: Actor, link: Link, card: Card) -> bool:
    return actor.is_facilitator or (
        actor.participant_id is not None and actor.participant_id in (link["created_by"], card["about"])
    )


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the facilitator's console, one participant, or the team (the board and
    any participant for whom a card is nobody's business)."""

    kind: str  # "facilitator" | "participant" | "team"
    participant_id: str | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.kind == "facilitator"


FACILITATOR = Viewer("facilitator")
TEAM = Viewer("team")


def viewer_of(actor: Actor, view: str) -> Viewer:
    """The console sees everything; the board sees what the team sees; a phone is its person."""
    if actor.is_facilitator:
        return FACILITATOR if view == "console" else TEAM
    if actor.participant_id is None:
        return TEAM  # the board's own read-only key
    return Viewer("participant", actor.participant_id)


def card_for(card: Card, viewer: Viewer) -> Card | None:
    """A card as this viewer may see it, or None when it is none of their business.

    Drives: the person sees their own; others see named ones, anonymous ones without whose,
    and never facilitator-only ones. Strengths: the author and the person see it from the start
    (the author's name only if signed); the team only once the person accepted it.
    """
    if viewer.is_facilitator:
        return card
    me = viewer.participant_id
    if card.get("hidden") and me not in (card["about"], card["author"]):
        return None  # moderated away from the team
    if card["kind"] == "drive":
        if me is not None and me == card["about"]:
            return card
        if card["visibility"] == "facilitator":
            return None
        if card["visibility"] == "anonymous":
            return {**card, "about": None, "author": None}
        return card
    if me is not None and me == card["author"]:
        return card
    if card["status"] != "accepted" and not (me is not None and me == card["about"]):
        return None
    return card if card["signed"] else {**card, "author": None}


def agreement_for(agreement: Agreement, link: Link, card: Card, viewer: Viewer) -> Agreement | None:
    """An agreement is seen by whoever sees its link; on an anonymous card, its owner is not
    named when that would name the card's person."""
    shown = card_for(card, viewer)
    if shown is None:
        return None
    if shown["about"] is None and agreement.get("owner") == card["about"]:
        return {**agreement, "owner": None}
    return agreement


def link_for(link: Link, card: Card, viewer: Viewer) -> Link | None:
    """A link is seen by whoever sees its card; on an anonymous card, without who made it."""
    shown = card_for(card, viewer)
    if shown is None:
        return None
    if shown["about"] is None and link["created_by"] is not None:
        return {**link, "created_by": None}
    return link


# --- the marketplace -----------------------------------------------------------------------


def market_open(until: str | None, now: datetime) -> bool:
    """A marketplace is open until the end of its last day (UTC)."""
    return until is not None and now.date() <= date.fromisoformat(until)


def check_market_until(until: str, now: datetime) -> None:
    """A marketplace opens until a day after today, at most a year ahead."""
    today, day = now.date(), date.fromisoformat(until)
    if not today < day <= today + timedelta(days=MARKET_DAYS_MAX):
        raise invalid(f"until: a day after today, at most {MARKET_DAYS_MAX} days ahead.")


def check_can_offer(actor: Actor, card: Card, offered: bool) -> None:
    """Only a card's own person offers it: a strength once they accepted it, never a hidden card."""
    if actor.participant_id is None or card["about"] != actor.participant_id:
        raise forbidden("Only the person a card is about offers it.")
    if offered and card["status"] != "accepted":
        raise forbidden("Accept this strength before you offer it.")
    if offered and card.get("hidden"):
        raise forbidden("A hidden card cannot be offered.")


def ask_owner(goal: Goal) -> str | None:
    ask = goal.get("ask")
    return ask["owner_id"] if ask else None


def check_can_set_ask(actor: Actor, goal: Goal, request: SetAsk) -> None:
    """The facilitator lists goals and sets everything of an ask; its owner changes its text and
    effort (not whether it is open, nor who owns it)."""
    if actor.is_facilitator:
        return
    ask = goal.get("ask")
    me = actor.participant_id
    if me is None or ask is None or ask["owner_id"] != me:
        raise forbidden("Only the facilitator, or the ask's owner, changes an ask.")
    if request.open != ask["open"] or ("owner_id" in request.model_fields_set and request.owner_id != me):
        raise forbidden("The ask's owner changes its text and effort; the facilitator opens, closes and hands it over.")


def proposal_kind(actor: Actor, card: Card, seen: bool) -> str:
    """What a proposal is, by who makes it: the card's person answers an ask; a colleague proposes
    an offered card they can see; the facilitator brokers an offered card. ``seen``: whether the
    maker may see the card (one they may not is not found)."""
    if not seen:
        raise not_found("card")
    if card["status"] != "accepted":
        raise forbidden("This strength waits for its person's OK.")
    if card.get("hidden"):
        raise forbidden("A hidden card cannot be offered.")
    if actor.participant_id is not None and card["about"] == actor.participant_id:
        return "answer"
    if not card["offered"]:
        raise forbidden("Its person does not offer this card.")
    return "broker" if actor.is_facilitator else "propose"


def decider_of(proposal: Proposal, card: Card, goal: Goal) -> tuple[str, str | None]:
    """Who decides a waiting proposal: ``("person", card's person)`` for one made to a card's
    person; for an answer, ``("owner", the ask's owner)`` when the ask has an owner (not the
    answerer) who may see the card, else ``("facilitator", None)``."""
    if proposal["kind"] != "answer":
        return "person", card["about"]
    owner = ask_owner(goal)
    if owner is not None and owner != card["about"] and card_for(card, Viewer("participant", owner)) is not None:
        return "owner", owner
    return "facilitator", None


def check_can_decide(actor: Actor, proposal: Proposal, card: Card, goal: Goal) -> str:
    """Its decider decides a proposal (the facilitator may always decide an answer). Returns the
    ``decider`` it is recorded with."""
    role, person = decider_of(proposal, card, goal)
    if actor.is_facilitator and proposal["kind"] == "answer":
        return "facilitator"
    if actor.participant_id is not None and actor.participant_id == person:
        return role
    raise forbidden("This proposal is not yours to decide.")


def check_can_withdraw(actor: Actor, proposal: Proposal) -> None:
    """Its maker withdraws a proposal (the facilitator, those they brokered)."""
    mine = proposal["made_by"] == actor.participant_id if actor.participant_id else actor.is_facilitator
    if not mine or (actor.is_facilitator and proposal["kind"] != "broker"):
        raise forbidden("Only who made a proposal withdraws it.")


def proposal_for(proposal: Proposal, card: Card, goal: Goal, viewer: Viewer) -> Proposal | None:
    """A proposal as this viewer may see it, or None: seen by its maker, its decider, the card's
    person, the ask's owner and the facilitator, and by them only while they may see the card;
    on a card shown without its person, its maker is not named (but to the maker)."""
    decider = proposal["decider"] or decider_of(proposal, card, goal)[0]
    if viewer.is_facilitator:
        return {**proposal, "decider": decider}
    me = viewer.participant_id
    if me is None or me not in (card["about"], proposal["made_by"], ask_owner(goal)):
        return None
    shown = card_for(card, viewer)
    if shown is None:
        return None
    # As for a link: who made it is named only where the card's person is (a viewer always
    # knows what they made themself), so an anonymous card's person is never named by it.
    made_by = proposal["made_by"]
    if shown["about"] is None and made_by != me:
        made_by = None
    return {**proposal, "decider": decider, "made_by": made_by}


def waits_for(proposal: Proposal, card: Card, goal: Goal) -> str | None:
    """Whose decision a proposal waits for: a participant id, "" for the facilitator, None when
    it waits for nobody (decided)."""
    if proposal["status"] != "waiting":
        return None
    _, person = decider_of(proposal, card, goal)
    return person if person is not None else ""


def assignments_for(assignments: list[Assignment], viewer: Viewer) -> list[Assignment]:
    """The strength round's pairs this viewer may see: all for the facilitator, a participant's
    own (where they give), none for the team."""
    if viewer.is_facilitator:
        return assignments
    if viewer.participant_id is None:
        return []
    return [a for a in assignments if a["giver"] == viewer.participant_id]


def default_prompts(language: str) -> list[str]:
    """The method's questions (its first step) in the workshop's language: self first, then team."""
    return list(PROMPTS[language])


PROMPTS = {
    "nl": (
        "Wat bezielt jou?",
        "Wat geeft zin aan je werk en je leven?",
        "Wat wil je nou écht?",
        "Wat is voor jou werkelijk belangrijk?",
        "Waarom werk je juist zo graag bij deze organisatie (behalve voor het geld, status en/of de auto)?",
        "Welke persoonlijke ontwikkeling vind jij in deze baan?",
        "Welke talenten heb je nog meer die je op dit moment niet vaak gebruikt?",
        "Wat inspireert je?",
        "Welke talenten zou je nog graag (meer) willen ontwikkelen?",
        "Waar word je blij van?",
        "Wat kan er beter? En wat wil jij daaraan bijdragen?",
    ),
    "en": (
        "What moves you?",
        "What gives meaning to your work and your life?",
        "What do you really want?",
        "What truly matters to you?",
        "Why do you like working here (money, status and the car aside)?",
        "What personal growth does this job give you?",
        "Which other talents do you have that you rarely use now?",
        "What inspires you?",
        "Which talents would you like to develop (more)?",
        "What makes you happy?",
        "What could be better? And what do you want to contribute to that?",
    ),
}
