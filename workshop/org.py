"""Several teams, one marketplace: organisations, their members and cross-team proposals.

An organiser creates an organisation (``create_organisation``): a secret key (the organiser's,
in an HttpOnly cookie ``wo_<id>`` set by a one-time sign-in link, like the facilitator's) and a
join code handed to facilitators. A facilitator joins their workshop's marketplace to it
(``join_organisation``) and leaves it (``leave_organisation``; the organiser may remove a team):
each member is known on the organisation page by a handle of its own (``team``), never by its
join code, which would let another team's members in.

The organisation page (``org_page``: JSON at ``GET /api/organisations/<id>``, the page at
``GET /o/<id>`` fetching it again every few seconds) shows each member team's TEAM view of its
open asks and offers: never a facilitator-only, hidden, pending or declined card; an anonymous
offer without its person.

A cross-team proposal (a *crossing*) joins an open ask of one member and an offered card of
another, with the same consent as in one team (``propose_across``, ``decide_across``,
``withdraw_across``); accepted, it is a *match* (not a link: a link joins a card and a goal of
one workshop). Who sees one (``crossing_for``): its maker, its decider, the card's person, the
ask's owner, and both teams' facilitators; the organiser only counts them. Crossings are outside
the workshops' version order (like presence): each change reaches those who may see it as
``across_saved`` (``announce``), and a screen asks for the whole list again with ``list_across``.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal

from pydantic import Field

from . import model
from .model import Actor, WorkshopError
from .rows import Card, Crossing, Goal, Member, Organisation, Workshop
from .service import Change, _changing, _must, _workshop, _wrap, open_signin
from .store import Store
from .store.reads import Reads

JOIN_CODE_LENGTH = 12  # from model.CODE_ALPHABET: about 59 bits, handed out by hand
TEAM_HANDLE = r"^[A-Za-z0-9_-]{8,64}$"
ORGANISER_COOKIE_PREFIX = "wo"


def organiser_cookie(organisation_id: str) -> str:
    return f"{ORGANISER_COOKIE_PREFIX}_{organisation_id}"


# --- what comes in -------------------------------------------------------------------------


class CreateOrganisation(model.Inbound):
    name: model.Title


class JoinOrganisation(model.Inbound):
    code: Annotated[str, Field(min_length=1, max_length=40)]


TeamHandle = Annotated[str, Field(pattern=TEAM_HANDLE)]


class ProposeAcross(model.Inbound):
    """``goal_workshop`` / ``card_workshop``: the member teams' handles on the organisation page."""

    id: model.ItemId
    organisation_id: model.ItemId
    goal_workshop: TeamHandle
    goal_id: model.ItemId
    card_workshop: TeamHandle
    card_id: model.ItemId
    type: model.LinkType = "energises"
    note: model.Text | None = None


class DecideAcross(model.Inbound):
    id: model.ItemId
    answer: Literal["accept", "decline"]


def not_member() -> WorkshopError:
    return model.not_found("organisation")


def new_join_code() -> str:
    return "".join(secrets.choice(model.CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


# --- the organiser -------------------------------------------------------------------------


def create_organisation(store: Store, request: CreateOrganisation) -> tuple[Organisation, str]:
    """A new organisation. Returns it and a one-time sign-in code that opens the organiser's page
    (the organiser's key itself never appears in a URL)."""
    key, signin = model.new_token(), model.new_token()
    with store.transaction() as tx:
        organisation = tx.add_organisation(model.new_id(), request.name, model.hash_token(key), new_join_code())
        tx.set_organiser_signin(organisation["id"], f"{model.hash_token(signin)}:{_wrap(key, signin)}")
    return organisation, signin


def use_organiser_signin(store: Store, organisation_id: str, code: str | None) -> str:
    """Use up the organiser's one-time sign-in code: the organiser key it opens (unauthorized
    for an unknown or used one)."""
    if not code or len(code) > 200:
        raise model.unauthorized()
    pending = store.organiser_signin(organisation_id) or ""
    key = open_signin(pending, code, store.organiser_key_hash(organisation_id))
    with store.transaction() as tx:
        if not tx.take_organiser_signin(organisation_id, pending):
            raise model.unauthorized()
    return key


def organiser_signin(store: Store, organisation_id: str, key: str) -> str:
    """A new one-time sign-in code for the organiser holding ``key`` (another device)."""
    check_organiser(store, organisation_id, key)
    signin = model.new_token()
    with store.transaction() as tx:
        tx.set_organiser_signin(organisation_id, f"{model.hash_token(signin)}:{_wrap(key, signin)}")
    return signin


def is_organiser(store: Reads, organisation_id: str, key: str | None) -> bool:
    if not key or len(key) > 200:
        return False
    stored = store.organiser_key_hash(organisation_id)
    return stored is not None and hmac.compare_digest(stored, model.hash_token(key))


def check_organiser(store: Reads, organisation_id: str, key: str | None) -> Organisation:
    organisation = store.organisation(organisation_id)
    if organisation is None or not is_organiser(store, organisation_id, key):
        raise not_member()
    return organisation


def rotate_join_code(store: Store, organisation_id: str, key: str | None) -> str:
    """A new join code: the old one stops working (teams that joined stay)."""
    check_organiser(store, organisation_id, key)
    code = new_join_code()
    with store.transaction() as tx:
        tx.set_join_code(organisation_id, code)
    return code


# --- teams joining and leaving ---------------------------------------------------------------


def _settings_saved(store: Store, tx: Reads, workshop_id: str) -> Change:
    from .read import settings_of

    return Change("settings_changed", settings_of(_must(tx.workshop(workshop_id)), store.clock))


def join_organisation(store: Store, actor: Actor, request: JoinOrganisation) -> Change:
    """The facilitator joins their workshop's marketplace to an organisation (leaving the one it
    was in). Broadcast ``settings_changed`` (``organisation``); acks ``organisation``."""
    with _changing(store, actor, may=model.check_facilitator) as step:
        organisation = step.tx.organisation_by_join_code(normalize_join_code(request.code))
        if organisation is None:
            raise model.not_found("organisation")
        reply = {"organisation": {"id": organisation["id"], "name": organisation["name"]}}
        current = step.workshop["organisation"]
        if current is not None and current["id"] == organisation["id"]:
            unchanged = step.unchanged(_settings_saved(store, step.tx, actor.workshop_id))
            return replace(unchanged, reply={**unchanged.reply, **reply})
        withdrawn = step.tx.withdraw_crossings_of(actor.workshop_id) if current is not None else []
        step.tx.set_organisation(actor.workshop_id, organisation["id"], model.new_id())
        change = step.changed(_settings_saved(store, step.tx, actor.workshop_id))
    announce(store, withdrawn)
    return replace(change, reply=reply)


def leave_organisation(store: Store, actor: Actor) -> Change:
    """The facilitator takes their team out of its organisation at once: its waiting cross-team
    proposals are withdrawn (``across_saved`` to those who saw them)."""
    with _changing(store, actor, may=model.check_facilitator) as step:
        if step.workshop["organisation"] is None:
            return step.unchanged(_settings_saved(store, step.tx, actor.workshop_id))
        withdrawn = step.tx.withdraw_crossings_of(actor.workshop_id)
        step.tx.set_organisation(actor.workshop_id, None, None)
        change = step.changed(_settings_saved(store, step.tx, actor.workshop_id))
    announce(store, withdrawn)
    return change


def remove_team(store: Store, organisation_id: str, key: str | None, team: str) -> tuple[str, Change]:
    """The organiser takes a team out (as if its facilitator left). Returns the workshop's id and
    its change to broadcast."""
    check_organiser(store, organisation_id, key)
    member = store.member_by_team(organisation_id, team)
    if member is None:
        raise model.not_found("team")
    actor = Actor(member["id"], "facilitator")
    return member["id"], leave_organisation(store, actor)


# --- who sees a crossing -----------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """Who looks at crossings: a participant (their id) or the facilitator (``participant_id``
    None) of a workshop."""

    workshop_id: str
    participant_id: str | None = None


@dataclass(frozen=True)
class Parts:
    """A crossing with what it joins: its ask's goal, its card, and their teams."""

    crossing: Crossing
    goal: Goal
    card: Card
    goal_team: Workshop
    card_team: Workshop
    names: dict[str, str]  # participant id -> name, for those it may name


def _parts(reads: Reads, crossing: Crossing) -> Parts | None:
    goal = reads.goal(crossing["workshop_id"], crossing["goal_id"])
    card = reads.card(crossing["card_workshop"], crossing["card_id"])
    goal_team, card_team = reads.workshop(crossing["workshop_id"]), reads.workshop(crossing["card_workshop"])
    if goal is None or card is None or goal_team is None or card_team is None:
        return None
    names = {}
    for workshop_id, pid in (
        (crossing["card_workshop"], card["about"]),
        (crossing["made_in"], crossing["made_by"]),
        (crossing["workshop_id"], model.ask_owner(goal)),
    ):
        if workshop_id and pid:
            person = reads.participant(workshop_id, pid)
            if person is not None:
                names[pid] = person["name"]
    return Parts(crossing, goal, card, goal_team, card_team, names)


def first_name(name: str | None) -> str | None:
    return name.split()[0] if name and name.split() else None


def decider_of(crossing: Crossing, goal: Goal, card: Card) -> tuple[str, str | None]:
    """Who decides a waiting crossing: the card's person for a proposal or a broker; for an answer
    the ask's owner (when there is one, and not the answerer), else the ask's team's facilitator."""
    if crossing["kind"] != "answer":
        return "person", card["about"]
    owner = model.ask_owner(goal)
    if owner is not None and owner != card["about"]:
        return "owner", owner
    return "facilitator", None


def waits_for(parts: Parts, seat: Seat) -> bool:
    crossing = parts.crossing
    if crossing["status"] != "waiting":
        return False
    _role, person = decider_of(crossing, parts.goal, parts.card)
    if seat.participant_id is None:
        return crossing["kind"] == "answer" and seat.workshop_id == crossing["workshop_id"]
    return person == seat.participant_id


def may_see(parts: Parts, seat: Seat) -> bool:
    crossing = parts.crossing
    me = seat.participant_id
    if me is None:
        return seat.workshop_id in (crossing["workshop_id"], crossing["card_workshop"])
    return me in (crossing["made_by"], parts.card["about"], model.ask_owner(parts.goal))


def crossing_for(parts: Parts, seat: Seat) -> dict[str, Any] | None:
    """A crossing as this seat may see it, or None. The card's person is named (first name) only
    where the card is named to the team; on an anonymous card, a maker who is its person is not
    named to others."""
    if not may_see(parts, seat):
        return None
    crossing, goal, card = parts.crossing, parts.goal, parts.card
    me = seat.participant_id
    team_card = model.card_for(card, model.TEAM)
    card_side = me == card["about"] if me is not None else seat.workshop_id == crossing["card_workshop"]
    if team_card is None and not card_side:
        return None  # made facilitator-only or hidden since: other teams no longer see it
    named = team_card is not None and team_card["about"] is not None
    own_card = me is not None and me == card["about"]
    person = first_name(parts.names.get(card["about"] or "")) if (named or own_card) else None
    made_by = crossing["made_by"]
    if made_by is not None and made_by == card["about"] and not named and made_by != me:
        made_by = None
    maker = first_name(parts.names.get(made_by or "")) if made_by else None
    ask = goal["ask"] or {"text": None, "effort": None, "owner_id": None}
    owner = ask["owner_id"]
    decider = crossing["decider"] or decider_of(crossing, goal, card)[0]
    return {
        "id": crossing["id"],
        "organisation_id": crossing["organisation_id"],
        "kind": crossing["kind"],
        "type": crossing["type"],
        "note": crossing["note"],
        "status": crossing["status"],
        "decider": decider,
        "created_at": crossing["created_at"],
        "decided_at": crossing["decided_at"],
        "made_by": made_by,
        "maker": maker,
        "maker_team": parts.goal_team["title"]
        if crossing["made_in"] == crossing["workshop_id"]
        else parts.card_team["title"]
        if crossing["made_in"] == crossing["card_workshop"]
        else None,
        "mine": (me is not None and made_by == me)
        or (me is None and crossing["made_in"] == seat.workshop_id and crossing["kind"] == "broker"),
        "waits_for_me": waits_for(parts, seat),
        "goal": {
            "team_title": parts.goal_team["title"],
            "id": goal["id"],
            "text": goal["text"],
            "kind": goal["kind"],
            "ask": ask["text"],
            "effort": ask["effort"],
            "owner": first_name(parts.names.get(owner)) if owner else None,
            "ours": seat.workshop_id == crossing["workshop_id"],
        },
        "card": {
            "team_title": parts.card_team["title"],
            "id": card["id"],
            "text": card["text"],
            "kind": card["kind"],
            "person": person,
            "ours": seat.workshop_id == crossing["card_workshop"],
        },
    }


def _audience(parts: Parts) -> list[Seat]:
    """Every seat that may see a crossing (its teams' facilitators, and the people in it)."""
    crossing, goal, card = parts.crossing, parts.goal, parts.card
    seats = [Seat(crossing["workshop_id"]), Seat(crossing["card_workshop"])]
    for workshop_id, pid in (
        (crossing["card_workshop"], card["about"]),
        (crossing["made_in"], crossing["made_by"]),
        (crossing["workshop_id"], model.ask_owner(goal)),
    ):
        if workshop_id and pid:
            seats.append(Seat(workshop_id, pid))
    return list(dict.fromkeys(seats))


def announce(store: Store, crossings: list[Crossing]) -> None:
    """Each committed crossing to those who may see it: ``across_saved {proposal}`` on each
    person's own room and each team's consoles (not versioned: outside the workshops' order)."""
    from .live import facilitator_room, participant_room, socketio

    for crossing in crossings:
        parts = _parts(store, crossing)
        if parts is None:
            continue
        for seat in _audience(parts):
            shown = crossing_for(parts, seat)
            if shown is None:
                continue
            room = participant_room(seat.participant_id) if seat.participant_id else facilitator_room(seat.workshop_id)
            socketio.emit("across_saved", {"proposal": shown}, to=room)


def announce_gone(store: Store, before: list[tuple[str, list[Seat]]]) -> None:
    """After an erasure: each crossing that went with it is ``across_deleted`` for those who saw
    it; one that stayed (a maker gone, its note with them) is ``across_saved`` again."""
    from .live import facilitator_room, participant_room, socketio

    for crossing_id, seats in before:
        now = store.crossing(crossing_id)
        parts = _parts(store, now) if now is not None else None
        for seat in seats:
            room = participant_room(seat.participant_id) if seat.participant_id else facilitator_room(seat.workshop_id)
            shown = crossing_for(parts, seat) if parts is not None else None
            if shown is None:
                socketio.emit("across_deleted", {"id": crossing_id}, to=room)
            else:
                socketio.emit("across_saved", {"proposal": shown}, to=room)


def audiences_of_person(store: Store, participant_id: str) -> list[tuple[str, list[Seat]]]:
    """Before a person is erased: the crossings they touch, and who sees each."""
    found = []
    for crossing in store.crossings_touching(participant_id):
        parts = _parts(store, crossing)
        if parts is not None:
            found.append((crossing["id"], _audience(parts)))
    return found


def audiences_of_workshop(store: Store, workshop_id: str) -> list[tuple[str, list[Seat]]]:
    """Before a workshop is erased: its crossings, and who in other workshops sees each."""
    found = []
    for crossing in store.crossings_of(workshop_id):
        parts = _parts(store, crossing)
        if parts is not None:
            found.append((crossing["id"], [s for s in _audience(parts) if s.workshop_id != workshop_id]))
    return found


# --- cross-team proposals ------------------------------------------------------------------


def _member(reads: Reads, organisation_id: str, team: str) -> Member:
    member = reads.member_by_team(organisation_id, team)
    if member is None:
        raise model.not_found("team")
    return member


def _offered_to_all(card: Card) -> bool:
    """A card other teams may see on the market: the team sees it, accepted, not hidden, offered."""
    return (
        model.card_for(card, model.TEAM) is not None
        and card["status"] == "accepted"
        and not card["hidden"]
        and card["offered"]
    )


def propose_across(store: Store, actor: Actor, request: ProposeAcross) -> Crossing:
    """A cross-team proposal between an open ask of one member team and an offered card of
    another, both markets open: an answer by the card's person, a proposal by anyone else of a
    member team, a broker by the facilitator of the card's team. The same ``id`` with the same
    content again answers it as it is."""
    with _changing(store, actor, writes=True) as step:
        tx, workshop = step.tx, step.workshop
        organisation = workshop["organisation"]
        if organisation is None or organisation["id"] != request.organisation_id:
            raise not_member()
        existing = tx.crossing(request.id)
        if existing is not None:
            same = (
                existing["organisation_id"],
                existing["goal_id"],
                existing["card_id"],
                existing["type"],
                existing["note"],
                existing["made_in"],
                existing["made_by"],
            )
            wanted = (
                request.organisation_id,
                request.goal_id,
                request.card_id,
                request.type,
                request.note,
                actor.workshop_id,
                actor.participant_id,
            )
            if same != wanted:
                raise model.conflict("That id is already used.")
            return existing
        if tx.id_taken("crossings", request.id) or tx.id_taken("proposals", request.id):
            raise model.conflict("That id is already used.")
        goal_team = _member(tx, organisation["id"], request.goal_workshop)
        card_team = _member(tx, organisation["id"], request.card_workshop)
        if goal_team["id"] == card_team["id"]:
            raise model.invalid("card_workshop: within one team, use propose.")
        if actor.is_facilitator and card_team["id"] != actor.workshop_id:
            raise model.forbidden("A facilitator brokers their own people's offers.")
        for team in (goal_team, card_team):
            other = _workshop(tx, team["id"])
            if other["phase"] == "closed" or not model.market_open(other["market_until"], store.clock.now()):
                raise WorkshopError("closed", "That team's marketplace is not open.", 409)
        goal = tx.goal(goal_team["id"], request.goal_id)
        if goal is None or goal["ask"] is None or not goal["ask"]["open"]:
            raise model.not_found("goal")
        card = tx.card(card_team["id"], request.card_id)
        if card is None or (model.card_for(card, model.TEAM) is None and card["about"] != actor.participant_id):
            raise model.not_found("card")
        if not _offered_to_all(card):
            raise model.forbidden("Only a card its person offers, that the team sees, goes to other teams.")
        if tx.open_crossing_between(card["id"], goal["id"]) is not None:
            raise model.conflict("A proposal for this card and ask is waiting or matched already.")
        if actor.participant_id is not None and card["about"] == actor.participant_id:
            kind = "answer"
        else:
            kind = "broker" if actor.is_facilitator else "propose"
        return tx.add_crossing(
            {
                "id": request.id,
                "organisation_id": organisation["id"],
                "workshop_id": goal_team["id"],
                "goal_id": goal["id"],
                "card_workshop": card_team["id"],
                "card_id": card["id"],
                "kind": kind,
                "type": request.type,
                "note": request.note,
                "made_in": actor.workshop_id,
                "made_by": actor.participant_id,
            }
        )


def _in_sight(reads: Reads, actor: Actor, crossing_id: str) -> Parts:
    crossing = reads.crossing(crossing_id)
    parts = _parts(reads, crossing) if crossing is not None else None
    if parts is None or not may_see(parts, Seat(actor.workshop_id, actor.participant_id)):
        raise model.not_found("proposal")
    return parts


def decide_across(store: Store, actor: Actor, request: DecideAcross) -> Crossing:
    """Its decider accepts (a match) or declines a waiting cross-team proposal: the card's person
    a proposal or a broker; the ask's owner or the ask's team's facilitator an answer."""
    with _changing(store, actor, writes=True) as step:
        parts = _in_sight(step.tx, actor, request.id)
        crossing = parts.crossing
        status = "accepted" if request.answer == "accept" else "declined"
        if crossing["status"] != "waiting":
            if crossing["status"] == status:
                return crossing
            raise model.conflict(f"This proposal was {crossing['status']} already.")
        role, person = decider_of(crossing, parts.goal, parts.card)
        if actor.is_facilitator and crossing["kind"] == "answer" and actor.workshop_id == crossing["workshop_id"]:
            decider = "facilitator"
        elif actor.participant_id is not None and actor.participant_id == person:
            decider = role
        else:
            raise model.forbidden("This proposal is not yours to decide.")
        if status == "accepted" and not _offered_to_all(parts.card):
            raise model.forbidden("This card is no longer offered.")
        return step.tx.decide_crossing(crossing["id"], status, decider)


def withdraw_across(store: Store, actor: Actor, request: model.ById) -> Crossing:
    """Its maker withdraws a cross-team proposal while it waits."""
    with _changing(store, actor, writes=True) as step:
        parts = _in_sight(step.tx, actor, request.id)
        crossing = parts.crossing
        if actor.participant_id is not None:
            mine = crossing["made_by"] == actor.participant_id
        else:
            mine = crossing["kind"] == "broker" and crossing["made_in"] == actor.workshop_id
        if not mine:
            raise model.forbidden("Only who made a proposal withdraws it.")
        if crossing["status"] == "withdrawn":
            return crossing
        if crossing["status"] != "waiting":
            raise model.conflict(f"This proposal was {crossing['status']} already.")
        return step.tx.decide_crossing(crossing["id"], "withdrawn", None)


def shown(store: Store, crossing: Crossing, actor: Actor) -> dict[str, Any]:
    """The actor's view of a crossing they just changed."""
    parts = _parts(store, crossing)
    view = crossing_for(parts, Seat(actor.workshop_id, actor.participant_id)) if parts else None
    return _must(view)


# --- the organisation page -------------------------------------------------------------------


def _team_market(store: Store, member: Member, matched: set[str]) -> dict[str, Any]:
    """One member team's TEAM view of its market: open asks and offers, no proposals."""
    snap = store.snapshot(member["id"])
    if snap is None:
        return {"team": member["team"], "title": member["title"], "market_open": False, "asks": [], "offers": []}
    workshop = snap["workshop"]
    is_open = workshop["phase"] != "closed" and model.market_open(workshop["market_until"], store.clock.now())
    names = {p["id"]: p["name"] for p in snap["participants"]}
    asks, offers = [], []
    if is_open:
        for goal in snap["goals"]:
            ask = goal["ask"]
            if ask is None or not ask["open"]:
                continue
            asks.append(
                {
                    "goal_id": goal["id"],
                    "goal": goal["text"],
                    "kind": goal["kind"],
                    "text": ask["text"],
                    "effort": ask["effort"],
                    "owner": first_name(names.get(ask["owner_id"] or "")),
                    "matched": goal["id"] in matched,
                }
            )
        for card in snap["cards"]:
            team_card = model.card_for(card, model.TEAM)
            if team_card is None or not _offered_to_all(card):
                continue
            offers.append(
                {
                    "card_id": card["id"],
                    "text": card["text"],
                    "kind": card["kind"],
                    "person": first_name(names.get(team_card["about"] or "")),
                    "matched": card["id"] in matched,
                }
            )
    return {"team": member["team"], "title": member["title"], "market_open": is_open, "asks": asks, "offers": offers}


def org_page(store: Store, organisation: Organisation, seat: Seat | None) -> dict[str, Any]:
    """The organisation page's JSON for the organiser (``seat`` None: counts, the join code) or a
    member's facilitator or participant (the crossings they may see)."""
    crossings = store.crossings_in(organisation["id"])
    matched = {c["goal_id"] for c in crossings if c["status"] == "accepted"} | {
        c["card_id"] for c in crossings if c["status"] == "accepted"
    }
    teams = []
    for member in store.members(organisation["id"]):
        team = _team_market(store, member, matched)
        team["ours"] = seat is not None and seat.workshop_id == member["id"]
        teams.append(team)
    page: dict[str, Any] = {
        "organisation": {"id": organisation["id"], "name": organisation["name"]},
        "you": "organiser" if seat is None else ("facilitator" if seat.participant_id is None else "participant"),
        "teams": teams,
    }
    if seat is None:
        counts = {status: 0 for status in model.PROPOSAL_STATUSES}
        for crossing in crossings:
            counts[crossing["status"]] += 1
        page["join_code"] = organisation["join_code"]
        page["counts"] = counts
        page["proposals"] = []
        page["waiting"] = 0
        return page
    proposals = seen_by(store, seat, crossings)
    page["proposals"] = proposals
    page["waiting"] = sum(1 for p in proposals if p["waits_for_me"])
    return page


def seen_by(store: Store, seat: Seat, crossings: list[Crossing] | None = None) -> list[dict[str, Any]]:
    found = []
    for crossing in crossings if crossings is not None else store.crossings_of(seat.workshop_id):
        parts = _parts(store, crossing)
        if parts is not None and (view := crossing_for(parts, seat)) is not None:
            found.append(view)
    return found


def list_across(store: Store, actor: Actor, view: str) -> dict[str, Any]:
    """A member's screen: the organisation page as they may see it (``organisation`` None when
    their workshop is in none)."""
    workshop = _workshop(store, actor.workshop_id)
    ref = workshop["organisation"]
    if ref is None or (actor.is_facilitator and view != "console"):
        return {"organisation": None, "teams": [], "proposals": [], "waiting": 0}
    organisation = _must(store.organisation(ref["id"]))
    return org_page(store, organisation, Seat(actor.workshop_id, actor.participant_id))


def matches_of(store: Store, workshop_id: str) -> list[dict[str, Any]]:
    """A workshop's matches with other teams, for its summary: goal, team, card text, the card's
    person's first name where the card is named."""
    found = []
    for crossing in store.crossings_of(workshop_id):
        if crossing["status"] != "accepted" or workshop_id not in (crossing["workshop_id"], crossing["card_workshop"]):
            continue
        parts = _parts(store, crossing)
        if parts is None:
            continue
        team_card = model.card_for(parts.card, model.TEAM)
        if team_card is None:
            continue  # made facilitator-only or hidden since
        named = team_card["about"] is not None
        ours = crossing["workshop_id"] == workshop_id
        found.append(
            {
                "goal": parts.goal["text"],
                "team": (parts.card_team if ours else parts.goal_team)["title"],
                "card": parts.card["text"],
                "person": first_name(parts.names.get(parts.card["about"] or "")) if named else None,
                "ours": "goal" if ours else "card",
            }
        )
    return found
