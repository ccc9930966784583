"""What each action does: the rules (model) applied to the data (store), one transaction each.

Every action returns the ``Change`` it committed, which the caller acknowledges and
broadcasts. HTTP views, the REST API and socket handlers all go through here, so a rule holds
the same way on every channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from . import model
from .model import Actor, WorkshopError
from .store import Store


@dataclass(frozen=True)
class Change:
    """A committed change: the event to broadcast and its payload.

    ``data`` is what the facilitator sees. ``team_data`` is what phones and boards see when it
    differs (None: the same). ``private_to`` names a participant who sees ``data`` rather than
    ``team_data`` (the author of a strength).
    """

    event: str
    version: int
    data: dict
    team_data: Optional[dict] = None
    private_to: Optional[str] = None
    reply: dict = field(default_factory=dict)

    def payload(self, view: str = "facilitator") -> dict:
        body = self.data if view == "facilitator" or self.team_data is None else self.team_data
        return {"version": self.version, **body}


# --- workshops and people ----------------------------------------------------------------


def create_workshop(store: Store, request: model.CreateWorkshop) -> tuple[dict, str]:
    """Create a workshop; returns it with the facilitator token (shown once, stored hashed)."""
    token = model.new_token()
    goals = [{"text": g.text, "kind": g.kind} for g in request.goals]
    workshop = store.create_workshop(request.title, request.language, goals, model.hash_token(token))
    return workshop, token


def join(store: Store, workshop: dict, request: model.Join) -> tuple[dict, str, Change]:
    """Add a participant; returns them, their token and the change to broadcast."""
    token = model.new_token()
    with store.atomic():
        participant = store.add_participant(workshop["id"], request.name, model.hash_token(token))
        if participant is None:
            raise model.conflict("That name is already taken in this workshop.")
        version = store.bump_version(workshop["id"])
    return participant, token, Change("participant_joined", version, {"participant": participant})


def authenticate(store: Store, token: Optional[str], code: Optional[str] = None) -> tuple[Actor, dict]:
    """Who holds this token; with ``code``, only within that workshop. Raises unauthorized."""
    if not token or not isinstance(token, str) or len(token) > 200:
        raise model.unauthorized()
    token_hash = model.hash_token(token)
    workshop = store.workshop_by_facilitator(token_hash)
    if workshop is not None:
        actor = Actor(workshop["id"], "facilitator")
    else:
        found = store.participant_by_token(token_hash)
        if found is None:
            raise model.unauthorized()
        participant, workshop = found
        actor = Actor(workshop["id"], "participant", participant["id"])
    if code is not None and workshop["code"] != code:
        raise model.unauthorized()
    return actor, workshop


def delete_workshop(store: Store, actor: Actor) -> None:
    model.check_facilitator(actor)
    store.delete_workshop(actor.workshop_id)


def set_phase(store: Store, actor: Actor, request: model.SetPhase) -> Change:
    model.check_facilitator(actor)
    with store.atomic():
        store.set_phase(actor.workshop_id, request.phase)
        version = store.bump_version(actor.workshop_id)
    return Change("phase_changed", version, {"phase": request.phase})


# --- goals --------------------------------------------------------------------------------


def add_goal(store: Store, actor: Actor, request: model.AddGoal) -> Change:
    model.check_facilitator(actor)
    with store.atomic():
        if request.id is not None:
            existing = store.goal(actor.workshop_id, request.id)
            if existing is not None:
                if (existing["text"], existing["kind"]) == (request.text, request.kind):
                    return _replayed("goal_saved", store, actor, {"goal": existing})
                raise model.conflict("That id is already used.")
            if store.goal_id_taken(request.id):
                raise model.conflict("That id is already used.")
        if store.count_goals(actor.workshop_id) >= model.GOALS_MAX:
            raise model.invalid(f"A workshop has at most {model.GOALS_MAX} goals.")
        goal = store.add_goal(actor.workshop_id, request.id or model.new_id(), request.text, request.kind)
        version = store.bump_version(actor.workshop_id)
    return Change("goal_saved", version, {"goal": goal})


def edit_goal(store: Store, actor: Actor, request: model.EditGoal) -> Change:
    model.check_facilitator(actor)
    fields = {k: v for k, v in (("text", request.text), ("kind", request.kind)) if v is not None}
    if not fields:
        raise model.invalid("Nothing to change: give text or kind.")
    with store.atomic():
        if store.goal(actor.workshop_id, request.id) is None:
            raise model.not_found("goal")
        goal = store.update_goal(actor.workshop_id, request.id, **fields)
        version = store.bump_version(actor.workshop_id)
    return Change("goal_saved", version, {"goal": goal})


def delete_goal(store: Store, actor: Actor, request: model.ById) -> Change:
    model.check_facilitator(actor)
    with store.atomic():
        if store.goal(actor.workshop_id, request.id) is None:
            return _replayed("goal_deleted", store, actor, {"id": request.id, "link_ids": []})
        link_ids = store.delete_goal(actor.workshop_id, request.id)
        version = store.bump_version(actor.workshop_id)
    return Change("goal_deleted", version, {"id": request.id, "link_ids": link_ids})


# --- cards --------------------------------------------------------------------------------


def _card_change(card: dict, version: int) -> Change:
    team = model.team_view_of_card(card)
    return Change(
        "card_saved",
        version,
        {"card": card},
        team_data={"card": team} if team is not card else None,
        private_to=card["author"] if team is not card else None,
    )


def _own_card(store: Store, actor: Actor, card_id: str) -> Optional[dict]:
    card = store.card(card_id)
    if card is None or card.pop("workshop_id") != actor.workshop_id:
        return None
    return card


def add_card(store: Store, actor: Actor, request: model.AddCard) -> Change:
    """A new drive or strength card. Replaying the same id with the same content is a no-op."""
    with store.atomic():
        phase = store.workshop(actor.workshop_id)["phase"]
        model.check_can_change(actor, phase)
        about = model.check_new_card(
            actor, request.kind, request.about, store.participant_ids(actor.workshop_id)
        )
        card = {
            "id": request.id or model.new_id(),
            "kind": request.kind,
            "about": about,
            "author": actor.participant_id,
            "text": request.text,
            "prompt": request.prompt,
        }
        if request.id is not None:
            existing = store.card(request.id)
            if existing is not None:
                same = existing.pop("workshop_id") == actor.workshop_id and all(
                    existing[k] == card[k] for k in ("kind", "about", "author", "text", "prompt")
                )
                if not same:
                    raise model.conflict("That id is already used.")
                return _replayed_card(store, actor, existing)
        saved = store.add_card(actor.workshop_id, card)
        version = store.bump_version(actor.workshop_id)
    return _card_change(saved, version)


def edit_card(store: Store, actor: Actor, request: model.EditCard) -> Change:
    with store.atomic():
        model.check_can_change(actor, store.workshop(actor.workshop_id)["phase"])
        card = _own_card(store, actor, request.id)
        if card is None:
            raise model.not_found("card")
        if not model.can_edit_card(actor, card):
            raise model.forbidden("Only the person who wrote a card can edit it.")
        if card["text"] == request.text:
            return _replayed_card(store, actor, card)
        saved = store.update_card_text(request.id, request.text)
        version = store.bump_version(actor.workshop_id)
    return _card_change(saved, version)


def delete_card(store: Store, actor: Actor, request: model.ById) -> Change:
    with store.atomic():
        model.check_can_change(actor, store.workshop(actor.workshop_id)["phase"])
        card = _own_card(store, actor, request.id)
        if card is None:
            # Already gone (a replay, or someone else removed it): the wish is fulfilled.
            return _replayed("card_deleted", store, actor, {"id": request.id, "link_ids": []})
        if not model.can_delete_card(actor, card):
            raise model.forbidden("You may only delete your own cards.")
        link_ids = store.delete_card(request.id)
        version = store.bump_version(actor.workshop_id)
    return Change("card_deleted", version, {"id": request.id, "link_ids": link_ids})


# --- links --------------------------------------------------------------------------------


def add_link(store: Store, actor: Actor, request: model.AddLink) -> Change:
    """Connect a card to a goal; a pair is linked at most once (re-linking acks the link)."""
    with store.atomic():
        model.check_can_change(actor, store.workshop(actor.workshop_id)["phase"])
        card = _own_card(store, actor, request.card_id)
        if card is None:
            raise model.not_found("card")
        if store.goal(actor.workshop_id, request.goal_id) is None:
            raise model.not_found("goal")
        if not model.can_link_card(actor, card):
            raise model.forbidden("You may link only your own cards.")
        existing = store.link_between(request.card_id, request.goal_id)
        if existing is not None:
            return _replayed("link_saved", store, actor, {"link": existing})
        if request.id is not None and store.link(request.id) is not None:
            raise model.conflict("That id is already used.")
        link = store.add_link(
            actor.workshop_id, request.id or model.new_id(), request.card_id, request.goal_id,
            actor.participant_id,
        )
        version = store.bump_version(actor.workshop_id)
    return Change("link_saved", version, {"link": link})


def delete_link(store: Store, actor: Actor, request: model.ById) -> Change:
    with store.atomic():
        model.check_can_change(actor, store.workshop(actor.workshop_id)["phase"])
        link = store.link(request.id)
        if link is None or link.pop("workshop_id") != actor.workshop_id:
            return _replayed("link_deleted", store, actor, {"id": request.id})
        card = _own_card(store, actor, link["card_id"])
        if not model.can_delete_link(actor, link, card):
            raise model.forbidden("You may remove only your own links.")
        store.delete_link(request.id)
        version = store.bump_version(actor.workshop_id)
    return Change("link_deleted", version, {"id": request.id})


# --- replays ------------------------------------------------------------------------------


def _replayed(event: str, store: Store, actor: Actor, data: dict) -> Change:
    """A request that changed nothing: acknowledged at the current version, never broadcast."""
    version = store.workshop(actor.workshop_id)["version"]
    return Change(event, version, data, reply={"replayed": True})


def _replayed_card(store: Store, actor: Actor, card: dict) -> Change:
    visible = card if actor.is_facilitator or actor.participant_id == card["author"] else model.team_view_of_card(card)
    return _replayed("card_saved", store, actor, {"card": visible})


# --- reading ------------------------------------------------------------------------------


def state_for(store: Store, actor: Actor, view: str) -> Optional[dict]:
    """The whole workshop as this viewer may see it (the socket ``state`` event)."""
    snap = store.snapshot(actor.workshop_id)
    if snap is None:
        return None
    workshop = snap["workshop"]
    team = not actor.is_facilitator or view == "board"
    cards = snap["cards"]
    if team:
        viewer = None if actor.is_facilitator else actor.participant_id
        cards = [model.team_view_of_card(c, viewer) for c in cards]
    return {
        "version": workshop["version"],
        "workshop": {k: workshop[k] for k in ("code", "title", "language", "phase", "prompts")},
        "goals": snap["goals"],
        "participants": snap["participants"],
        "cards": cards,
        "links": snap["links"],
        "me": {"role": actor.role, "id": actor.participant_id, "view": view},
    }


def is_replay(change: Change) -> bool:
    return bool(change.reply.get("replayed"))


__all__ = ["Change", "WorkshopError"]
