"""What each action does: the rules (model) applied to the data (store), one transaction each.

Every action that changes a workshop has the same skeleton, written once in ``_changing``:
who may (before anything is read), one transaction, the workshop as it is, and for a
participant's input whether the workshop is open and the phase's timer has not locked it. The
action then either changes something and returns ``step.changed(Change(...))`` (the
workshop's next version), or finds it already so and returns ``step.unchanged(Change(...))``
(acknowledged again with the current version, broadcast to nobody: a phone's replay).

Every action returns the ``Change`` it committed, which the caller acknowledges and
broadcasts. HTTP views, the REST API and socket handlers all go through here, so a rule holds
the same way on every channel.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, TypeVar

from . import model, names
from .clock import stamp
from .limits import cap
from .model import Actor, Viewer, WorkshopError
from .read import settings_of
from .rows import Agreement, Card, Link, NewCard, NewGoal, Participant, Theme, Workshop
from .store import Store, StoreBusy, Transaction
from .store.reads import Reads

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """A committed change: the event to broadcast, and how each viewer sees it.

    ``data`` is the facilitator's payload (everything). ``render`` gives another viewer's
    ``(event, payload)``, or None when the change is none of their business (they receive
    ``hidden_change`` with the version only); without ``render`` everyone sees ``data``.
    ``special`` names the participants whose view may differ from the team's. The version is
    the workshop's once the change is made (``Step.changed``, ``Step.unchanged``).
    """

    event: str
    data: dict
    render: Callable[[Viewer], tuple[str, dict] | None] | None = None
    special: frozenset = frozenset()
    version: int = 0
    reply: dict = field(default_factory=dict)
    #: The workshop it happened in, when not the actor's own (a person's seat in a follow-up).
    workshop: str | None = None

    def view(self, viewer: Viewer) -> tuple[str, dict]:
        """The event name and payload this viewer receives."""
        if viewer.is_facilitator or self.render is None:
            return self.event, {"version": self.version, **self.data}
        shown = self.render(viewer)
        if shown is None:
            return "hidden_change", {"version": self.version}
        event, body = shown
        return event, {"version": self.version, **body}


def is_replay(change: Change) -> bool:
    return bool(change.reply.get("replayed"))


@dataclass(frozen=True)
class Step:
    """One action in the making: its transaction, who asks, and their workshop as it was."""

    tx: Transaction
    actor: Actor
    workshop: Workshop

    def changed(self, change: Change, workshop_id: str | None = None) -> Change:
        """The change, made: it carries the workshop's next version (of ``workshop_id``, a
        follow-up where a person's seat is erased too; the actor's own by default)."""
        elsewhere = workshop_id not in (None, self.actor.workshop_id)
        version = self.tx.bump_version(workshop_id or self.actor.workshop_id)
        return replace(change, version=version, workshop=workshop_id if elsewhere else None)

    def unchanged(self, change: Change) -> Change:
        """Already so (a replay): acknowledged with the current version, broadcast to nobody."""
        return replace(change, version=self.workshop["version"], reply={"replayed": True})


@contextmanager
def _changing(
    store: Store,
    actor: Actor,
    *,
    may: Callable[[Actor], None] | None = None,
    writes: bool = False,
    erasing: bool = False,
) -> Iterator[Step]:
    """The skeleton of every action that changes a workshop.

    ``may`` refuses who may not (before anything is read: ``model.check_facilitator``,
    ``_participants``); ``writes`` marks a participant's input, refused once the workshop is
    closed or the phase's timer locked it; ``erasing`` scrubs what the transaction erased from
    the disk once it is committed.
    """
    if may is not None:
        may(actor)
    with store.transaction(erasing=erasing) as tx:
        workshop = _workshop(tx, actor.workshop_id)
        if writes:
            model.check_can_write(actor, workshop, store.clock.now())
        yield Step(tx, actor, workshop)


def _participants(message: str) -> Callable[[Actor], None]:
    """``may`` for what only participants do (not the facilitator, not the board)."""

    def check(actor: Actor) -> None:
        if actor.participant_id is None:
            raise model.forbidden(message)

    return check


def _must(value: T | None) -> T:
    """What was just read inside the same transaction that made sure it is there."""
    if value is None:
        raise model.not_found()
    return value


def _workshop(reads: Reads, workshop_id: str) -> Workshop:
    """The actor's workshop (erased a moment ago: not found)."""
    return _must(reads.workshop(workshop_id))


# --- workshops and people ----------------------------------------------------------------


def create_workshop(store: Store, request: model.CreateWorkshop) -> tuple[Workshop, str]:
    """Create a workshop; returns it with the facilitator token (shown once, stored hashed)."""
    token = model.new_token()
    goals: list[NewGoal] = [{"text": g.text, "kind": g.kind} for g in request.goals]
    with store.transaction() as tx:
        workshop = tx.create_workshop(
            request.title,
            request.language,
            goals,
            model.hash_token(token),
            request.default_visibility,
            prompts=model.default_prompts(request.language),
        )
    return workshop, token


def _refuse_look_alike(name: str, others) -> None:
    """Nobody may pass for a colleague: a name that looks like one already here (equal TR39
    skeletons, up to case) is refused, naming that one (what was typed already looks like it)."""
    other = names.confusable_with(name, others)
    if other is None:
        return
    if model.name_key(other) == model.name_key(name):
        raise model.conflict("That name is already taken in this workshop.")
    error = model.conflict(f"That name looks too much like someone else's ({other}). Add an initial, for example.")
    error.look_alike = other  # the join page says it in the workshop's language
    raise error


def _refuse_when_full(here: dict) -> None:
    """A workshop takes at most ``MAX_PARTICIPANTS`` people (a script cannot flood its room)."""
    most = cap("MAX_PARTICIPANTS")
    if len(here) >= most:
        raise model.workshop_full(most)


def _refuse_past_card_cap(tx: Transaction, actor: Actor) -> None:
    """One participant writes at most ``MAX_CARDS_PER_PERSON`` cards in a workshop (drives and
    strengths together; deleted ones no longer count). The facilitator writes no cards as such
    (taking part, they are a participant like any other)."""
    most = cap("MAX_CARDS_PER_PERSON")
    if actor.participant_id is not None and tx.count_cards_by(actor.workshop_id, actor.participant_id) >= most:
        raise model.too_many_cards(most)


def join(store: Store, workshop: Workshop, request: model.Join) -> tuple[Participant, str, Change]:
    """Add a participant; returns them, their token and the change to broadcast.

    Joining ends with the workshop: a closed one admits nobody new (the code on an old photo of
    the projector must not open what was said there). Whoever has the code may ask: there is no
    actor yet, so this is the one change made without ``_changing``."""
    token = model.new_token()
    with store.transaction() as tx:
        current = _workshop(tx, workshop["id"])
        if current["phase"] == "closed":
            raise WorkshopError("closed", "This workshop is closed: nobody new can join.", 409)
        if current["joining_locked"]:
            raise WorkshopError("locked", "Joining this workshop is closed for now.", 403)
        here = tx.participant_names(workshop["id"])
        _refuse_when_full(here)
        _refuse_look_alike(request.name, here.values())
        participant = tx.add_participant(
            workshop["id"], request.name, model.hash_token(token), color=model.color_for(len(here))
        )
        if participant is None:
            raise model.conflict("That name is already taken in this workshop.")
        version = tx.bump_version(workshop["id"])
    return participant, token, Change("participant_joined", {"participant": participant}, version=version)


def authenticate(store: Store, token: str | None, code: str | None = None) -> tuple[Actor, Workshop]:
    """Who holds this token; with ``code``, only within that workshop. Raises unauthorized."""
    if not token or not isinstance(token, str) or len(token) > 200:
        raise model.unauthorized()
    token_hash = model.hash_token(token)
    workshop = store.workshop_by_facilitator(token_hash)
    if workshop is not None:
        actor = Actor(workshop["id"], "facilitator")
    else:
        found = store.participant_by_token(token_hash) or store.participant_by_device(token_hash)
        if found is None:
            raise model.unauthorized()
        participant, workshop = found
        actor = Actor(workshop["id"], "participant", participant["id"])
    if code is not None and workshop["code"] != code:
        raise model.unauthorized()
    return actor, workshop


def delete_workshop(store: Store, actor: Actor, follow_ups: bool = True, confirm_code: str | None = None) -> list[str]:
    """Erase the workshop, and its follow-ups unless they are kept on purpose (they then stand
    on their own). Returns the ids of the erased workshops, follow-ups first.

    ``confirm_code``: the console asks the facilitator to type the workshop's code again (the
    API's bearer token is confirmation enough)."""
    model.check_facilitator(actor)
    if confirm_code is not None and model.normalize_code(confirm_code) != _workshop(store, actor.workshop_id)["code"]:
        raise model.invalid("code: type the workshop's code to confirm.")
    doomed = store.follow_up_ids(actor.workshop_id) if follow_ups else []
    doomed.append(actor.workshop_id)
    with store.transaction(erasing=True) as tx:
        for workshop_id in doomed:
            tx.delete_workshop(workshop_id)
    return doomed


def set_phase(store: Store, actor: Actor, request: model.SetPhase) -> Change:
    """Move the workshop to a phase; the previous phase's timer (and its lock) ends with it."""
    with _changing(store, actor, may=model.check_facilitator) as step:
        step.tx.set_phase(actor.workshop_id, request.phase)
        # A phase's timer ends with the phase: the next one starts without a clock (or a lock).
        step.tx.update_workshop(actor.workshop_id, timer_ends_at=None, timer_seconds=0, timer_lock=False)
        return step.changed(Change("phase_changed", {"phase": request.phase}))


# --- goals --------------------------------------------------------------------------------


def add_goal(store: Store, actor: Actor, request: model.AddGoal) -> Change:
    with _changing(store, actor, may=model.check_facilitator) as step:
        tx = step.tx
        if request.id is not None:
            existing = tx.goal(actor.workshop_id, request.id)
            if existing is not None:
                if (existing["text"], existing["kind"]) == (request.text, request.kind):
                    return step.unchanged(Change("goal_saved", {"goal": existing}))
                raise model.conflict("That id is already used.")
            if tx.id_taken("goals", request.id):
                raise model.conflict("That id is already used.")
        if tx.count_goals(actor.workshop_id) >= model.GOALS_MAX:
            raise model.invalid(f"A workshop has at most {model.GOALS_MAX} goals.")
        goal = tx.add_goal(actor.workshop_id, request.id or model.new_id(), request.text, request.kind)
        return step.changed(Change("goal_saved", {"goal": goal}))


def edit_goal(store: Store, actor: Actor, request: model.EditGoal) -> Change:
    with _changing(store, actor, may=model.check_facilitator) as step:
        fields = {k: v for k, v in (("text", request.text), ("kind", request.kind)) if v is not None}
        if not fields:
            raise model.invalid("Nothing to change: give text or kind.")
        if step.tx.goal(actor.workshop_id, request.id) is None:
            raise model.not_found("goal")
        goal = step.tx.update_goal(actor.workshop_id, request.id, **fields)
        return step.changed(Change("goal_saved", {"goal": goal}))


def delete_goal(store: Store, actor: Actor, request: model.ById) -> Change:
    with _changing(store, actor, may=model.check_facilitator) as step:
        if step.tx.goal(actor.workshop_id, request.id) is None:
            return step.unchanged(Change("goal_deleted", {"id": request.id, "link_ids": []}))
        link_ids = step.tx.delete_goal(actor.workshop_id, request.id)
        return step.changed(Change("goal_deleted", {"id": request.id, "link_ids": link_ids}))


# --- cards --------------------------------------------------------------------------------


def _card_saved(card: Card, before: Card | None = None, link_ids: Sequence[str] = ()) -> Change:
    """A card added or changed: each viewer sees it as they may, and loses it if they no longer may."""

    def render(viewer: Viewer):
        shown = model.card_for(card, viewer)
        if shown is not None:
            return "card_saved", {"card": shown}
        if before is not None and model.card_for(before, viewer) is not None:
            return "card_deleted", {"id": card["id"], "link_ids": list(link_ids)}
        return None

    return Change("card_saved", {"card": card}, render, frozenset({card["about"], card["author"]}))


def _card_deleted(card: Card, link_ids: list[str]) -> Change:
    def render(viewer: Viewer):
        if model.card_for(card, viewer) is None:
            return None
        return "card_deleted", {"id": card["id"], "link_ids": link_ids}

    return Change(
        "card_deleted",
        {"id": card["id"], "link_ids": link_ids},
        render,
        frozenset({card["about"], card["author"]}),
    )


def _gone(event: str, item_id: str) -> Change:
    """What a client asked to delete (or a late resend of what was deleted) is not there."""
    return Change(event, {"id": item_id, "link_ids": []} if event == "card_deleted" else {"id": item_id})


def _own_card(tx: Reads, actor: Actor, card_id: str) -> Card | None:
    """A card of the actor's workshop (another workshop's ids are not found)."""
    return tx.card(actor.workshop_id, card_id)


def add_card(store: Store, actor: Actor, request: model.AddCard) -> Change:
    """A new drive or strength card. Replaying the same id with the same content is a no-op."""
    model.check_card_fields(request.kind, request.visibility, request.signed)
    with _changing(store, actor, writes=True) as step:
        tx = step.tx
        about = model.check_new_card(
            actor,
            request.kind,
            request.about,
            lambda pid: tx.participant(actor.workshop_id, pid) is not None,
        )
        drive = request.kind == "drive"
        card: NewCard = {
            "id": request.id or model.new_id(),
            "kind": request.kind,
            "about": about,
            "author": _must(actor.participant_id),  # check_new_card refused anyone else
            "text": request.text,
            "prompt": request.prompt,
            "visibility": (request.visibility or step.workshop["default_visibility"]) if drive else "named",
            "status": "accepted" if drive else "pending",
            "signed": bool(request.signed) if not drive else False,
        }
        if request.id is not None:
            existing = tx.card(actor.workshop_id, request.id)
            if existing is not None:
                same = (
                    existing["kind"],
                    existing["about"],
                    existing["author"],
                    existing["text"],
                    existing["prompt"],
                ) == (
                    card["kind"],
                    card["about"],
                    card["author"],
                    card["text"],
                    card["prompt"],
                )
                if not same:
                    raise model.conflict("That id is already used.")
                return step.unchanged(_card_saved(existing))
            if tx.id_taken("cards", request.id):
                raise model.conflict("That id is already used.")
            if tx.is_buried(request.id):
                # Made, then deleted before this late resend: it stays deleted.
                return step.unchanged(_gone("card_deleted", request.id))
        _refuse_past_card_cap(tx, actor)
        return step.changed(_card_saved(tx.add_card(actor.workshop_id, card)))


def edit_card(store: Store, actor: Actor, request: model.EditCard) -> Change | list[Change]:
    """The author changes a card's text, visibility (drives) or signature (strengths).

    A strength whose text changes waits for its person's consent again. A drive made
    facilitator-only leaves its theme (a theme it leaves empty goes, just before).
    """
    fields: dict[str, Any] = {
        k: v
        for k, v in (("text", request.text), ("visibility", request.visibility), ("signed", request.signed))
        if v is not None
    }
    if not fields:
        raise model.invalid("Nothing to change: give text, visibility or signed.")
    with _changing(store, actor, writes=True, erasing=True) as step:
        card = _own_card(step.tx, actor, request.id)
        if card is None:
            raise model.not_found("card")
        if not model.can_edit_card(actor, card):
            raise model.forbidden("Only the person who wrote a card can edit it.")
        model.check_card_fields(card["kind"], request.visibility, request.signed)
        fields = {k: v for k, v in fields.items() if card.get(k) != v}
        if not fields:
            return step.unchanged(_card_saved(card))
        if card["reworded"] and fields.get("signed") and "text" not in fields:
            raise model.invalid("signed: its person reworded this strength; sign it only with words of your own.")
        if card["kind"] == "strength" and "text" in fields:
            # New words wait for the person's consent again, and for their offer again too.
            fields.update(status="pending", reworded=False, offered=False)
        link_ids = step.tx.link_ids_of_card(card["id"])
        saved = _out_of_theme_if_unseen(step, step.tx.update_card(actor.workshop_id, card["id"], **fields))
        return [*_emptied_themes(step), step.changed(_card_saved(saved, before=card, link_ids=link_ids))]


def respond_strength(store: Store, actor: Actor, request: model.RespondStrength) -> Change:
    """The person a strength is about accepts it (maybe in their own words) or declines it."""
    with _changing(store, actor, writes=True, erasing=True) as step:
        card = _own_card(step.tx, actor, request.id)
        if card is None:
            if request.answer == "decline":  # already gone: the wish is fulfilled
                return step.unchanged(_gone("card_deleted", request.id))
            raise model.not_found("card")
        model.check_can_respond(actor, card)
        if request.answer == "decline":
            link_ids = step.tx.delete_card(actor.workshop_id, card["id"])
            return step.changed(_card_deleted(card, link_ids))
        fields: dict[str, Any] = {"status": "accepted"}
        if request.text is not None and request.text != card["text"]:
            # The person's own words: no longer the author's, so no longer under the author's name.
            fields.update(text=request.text, signed=False, reworded=True)
        if all(card.get(k) == v for k, v in fields.items()):
            return step.unchanged(_card_saved(card))
        saved = step.tx.update_card(actor.workshop_id, card["id"], **fields)
        return step.changed(_card_saved(saved, before=card))


def delete_card(store: Store, actor: Actor, request: model.ById) -> Change | list[Change]:
    """A card goes with its links (and its theme, when it was the theme's last card)."""
    with _changing(store, actor, writes=True, erasing=True) as step:
        card = _own_card(step.tx, actor, request.id)
        if card is None:
            # Already gone (a replay, or someone else removed it): the wish is fulfilled.
            return step.unchanged(_gone("card_deleted", request.id))
        if not model.can_delete_card(actor, card):
            raise model.forbidden("You may only delete your own cards.")
        link_ids = step.tx.delete_card(actor.workshop_id, request.id)
        return [*_emptied_themes(step), step.changed(_card_deleted(card, link_ids))]


# --- people leaving -----------------------------------------------------------------------


def leave_workshop(store: Store, actor: Actor) -> list[Change]:
    """A participant leaves: they are erased with everything by or about them, in the whole
    chain of workshops (the ones this follows and its follow-ups)."""
    may = _participants("Only participants leave; the facilitator deletes the workshop.")
    with _changing(store, actor, may=may, erasing=True) as step:
        return _erase_person(step, _must(actor.participant_id), leaving=True)


def remove_participant(store: Store, actor: Actor, request: model.ById) -> list[Change]:
    """The facilitator removes a person with everything by or about them, in this workshop and
    its follow-ups."""
    with _changing(store, actor, may=model.check_facilitator, erasing=True) as step:
        return _erase_person(step, request.id, leaving=False)


def _erase_person(step: Step, participant_id: str, leaving: bool) -> list[Change]:
    """Erase a person and everything by or about them. Returns the changes to broadcast, this
    workshop's last."""
    if step.tx.participant(step.actor.workshop_id, participant_id) is None:
        raise model.not_found("participant")
    changes: list[Change] = []
    for workshop_id, seat in step.tx.seats_of(participant_id, earlier=leaving):
        changes += _erase_seat(step, workshop_id, seat)
    return changes + _erase_seat(step, step.actor.workshop_id, participant_id)


def _erase_seat(step: Step, workshop_id: str, participant_id: str) -> list[Change]:
    """Erase one person in one workshop.

    Nobody learns from the erasure what they could not know before: a card someone sees without
    whose it is (an anonymous drive, an unsigned strength) goes in a ``card_deleted`` of its
    own, and ``participant_left`` lists, for each viewer, only the cards they saw as this
    person's (and those cards' links).
    """
    cards, links = step.tx.delete_participant(workshop_id, participant_id)
    links_of = {c["id"]: [l for l in links if l["card_id"] == c["id"]] for c in cards}
    unnamed = [c for c in cards if not _ties_everywhere(c, participant_id)]
    changes = []
    for card in unnamed:
        changes.append(step.changed(_card_deleted(card, [l["id"] for l in links_of[card["id"]]]), workshop_id))
    named = [c for c in cards if c not in unnamed]

    def shown_to(viewer: Viewer) -> dict:
        mine = [c for c in named if model.card_for(c, viewer) is not None]
        return {
            "id": participant_id,
            "card_ids": [c["id"] for c in mine],
            "link_ids": [l["id"] for c in mine for l in links_of[c["id"]] if model.link_for(l, c, viewer) is not None],
        }

    def render(viewer: Viewer):
        return "participant_left", shown_to(viewer)

    special = frozenset({c["about"] for c in named} | {c["author"] for c in named}) - {participant_id}
    changes += _emptied_themes(step, workshop_id)
    changes.append(step.changed(Change("participant_left", shown_to(model.FACILITATOR), render, special), workshop_id))
    return changes


def _ties_everywhere(card: Card, participant_id: str) -> bool:
    """Whether everyone who sees this card (but the facilitator) sees it as this person's."""
    viewers = [model.TEAM] + [Viewer("participant", p) for p in {card["about"], card["author"]} - {participant_id}]
    for viewer in viewers:
        shown = model.card_for(card, viewer)
        if shown is not None and participant_id not in (shown["about"], shown["author"]):
            return False
    return True


# --- themes -------------------------------------------------------------------------------
#
# The facilitator groups similar drives under a name of their own. A theme is seen by the whole
# room, so only drives the team sees are in one (model.check_can_join_theme), and it is never
# empty: a theme whose last card leaves (moved, deleted, erased with its person, made
# facilitator-only or hidden) is deleted in the same transaction, in a ``theme_deleted`` sent
# just before the change that emptied it (so that the change asked for is the last, the one
# acknowledged).


def _theme_saved(theme: Theme, cards: Sequence[Card] = ()) -> Change:
    """A theme made or renamed, with the cards that joined it (each as the viewer may see it)."""

    def render(viewer: Viewer):
        return "theme_saved", {"theme": theme, "cards": [v for c in cards if (v := model.card_for(c, viewer))]}

    special = frozenset({c["about"] for c in cards} | {c["author"] for c in cards})
    return Change("theme_saved", {"theme": theme, "cards": list(cards)}, render, special)


def _theme_deleted(theme_id: str, cards: Sequence[Card] = ()) -> Change:
    """A theme gone; ``cards``: those that were still in it (now in none), listed per viewer."""

    def render(viewer: Viewer):
        return "theme_deleted", {"id": theme_id, "card_ids": [c["id"] for c in cards if model.card_for(c, viewer)]}

    special = frozenset({c["about"] for c in cards} | {c["author"] for c in cards})
    return Change("theme_deleted", {"id": theme_id, "card_ids": [c["id"] for c in cards]}, render, special)


def _emptied_themes(step: Step, workshop_id: str | None = None) -> list[Change]:
    """Delete the themes no card is in any longer (the invariant: no empty themes)."""
    where = workshop_id or step.actor.workshop_id
    return [step.changed(_theme_deleted(tid), workshop_id) for tid in step.tx.delete_empty_themes(where)]


def _scrubbed(store: Store, changes: list[Change]) -> list[Change]:
    """After a transaction that was not an erasure but deleted a theme on the way (its last card
    left): the theme's name is erased from the disk too, as an erasing transaction would."""
    if any(c.event == "theme_deleted" and not is_replay(c) for c in changes):
        try:
            store.scrub()
        except StoreBusy:  # committed: the request succeeds; the log is scrubbed later
            store.scrub_soon()
    return changes


def _out_of_theme_if_unseen(step: Step, card: Card) -> Card:
    """A drive the team no longer sees (facilitator-only, hidden) leaves its theme."""
    if card["theme_id"] is None or model.shown_to_the_team(card):
        return card
    return step.tx.set_card_theme(step.actor.workshop_id, card["id"], None)


def _theme_of(tx: Reads, actor: Actor, theme_id: str) -> Theme:
    theme = tx.theme(actor.workshop_id, theme_id)
    if theme is None:
        raise model.not_found("theme")
    return theme


def add_theme(store: Store, actor: Actor, request: model.AddTheme) -> list[Change]:
    """Group drives under a new theme (a card in another theme moves). All or nothing: one card
    that may not join refuses the whole request. Replaying the id acks the theme as it is."""
    with _changing(store, actor, may=model.check_facilitator) as step:
        tx, workshop_id = step.tx, actor.workshop_id
        model.check_theme_phase(step.workshop)
        existing = tx.theme(workshop_id, request.id)
        if existing is not None:
            return [step.unchanged(_theme_saved(existing, tx.cards_of_theme(workshop_id, request.id)))]
        if tx.is_buried(request.id):
            # Made, then deleted before this late resend: it stays deleted.
            return [step.unchanged(_theme_deleted(request.id))]
        if tx.id_taken("themes", request.id):
            raise model.conflict("That id is already used.")
        cards = []
        for card_id in dict.fromkeys(request.card_ids):
            card = _own_card(tx, actor, card_id)
            if card is None:
                raise model.not_found("card")
            model.check_can_join_theme(card)
            cards.append(card)
        if tx.count_themes(workshop_id) >= model.THEMES_MAX:
            raise model.invalid(f"A workshop has at most {model.THEMES_MAX} themes.")
        theme = tx.add_theme(workshop_id, request.id, request.name)
        for card in cards:
            tx.set_card_theme(workshop_id, card["id"], theme["id"])
        emptied = _emptied_themes(step)
        changes = [*emptied, step.changed(_theme_saved(theme, tx.cards_of_theme(workshop_id, theme["id"])))]
    return _scrubbed(store, changes)


def edit_theme(store: Store, actor: Actor, request: model.EditTheme) -> Change:
    """Rename a theme (the old name is erased from the disk)."""
    with _changing(store, actor, may=model.check_facilitator, erasing=True) as step:
        model.check_theme_phase(step.workshop)
        theme = _theme_of(step.tx, actor, request.id)
        if theme["name"] == request.name:
            return step.unchanged(_theme_saved(theme))
        return step.changed(_theme_saved(step.tx.rename_theme(actor.workshop_id, request.id, request.name)))


def delete_theme(store: Store, actor: Actor, request: model.ById) -> Change:
    """Ungroup a theme: its cards stay, in no theme. Deleting one already gone acks."""
    with _changing(store, actor, may=model.check_facilitator, erasing=True) as step:
        model.check_theme_phase(step.workshop)
        if step.tx.theme(actor.workshop_id, request.id) is None:
            return step.unchanged(_theme_deleted(request.id))
        cards = step.tx.cards_of_theme(actor.workshop_id, request.id)
        step.tx.delete_theme(actor.workshop_id, request.id)
        return step.changed(_theme_deleted(request.id, cards))


def set_card_theme(store: Store, actor: Actor, request: model.SetCardTheme) -> Change | list[Change]:
    """A drive joins a theme (moving out of the one it was in) or, with ``theme_id`` null,
    leaves its theme. The card travels as ``card_saved``, seen as any change of the card."""
    with _changing(store, actor, may=model.check_facilitator) as step:
        tx = step.tx
        model.check_theme_phase(step.workshop)
        card = _own_card(tx, actor, request.id)
        if card is None:
            raise model.not_found("card")
        if card["kind"] != "drive":
            raise model.invalid("id: only drives are grouped in themes.")
        if request.theme_id is not None:
            model.check_can_join_theme(card)
            _theme_of(tx, actor, request.theme_id)
        if card["theme_id"] == request.theme_id:
            return step.unchanged(_card_saved(card))
        saved = tx.set_card_theme(actor.workshop_id, card["id"], request.theme_id)
        changes = [*_emptied_themes(step), step.changed(_card_saved(saved, before=card))]
    return _scrubbed(store, changes)


def link_theme(store: Store, actor: Actor, request: model.LinkTheme) -> tuple[list[Change], int]:
    """Link every card of a theme to a goal (each link still its card's, made by the
    facilitator); cards already linked to it keep their link. Returns the links made (one
    change each) and the workshop's version after them."""
    with _changing(store, actor, may=model.check_facilitator) as step:
        tx, workshop_id = step.tx, actor.workshop_id
        model.check_theme_phase(step.workshop)
        _theme_of(tx, actor, request.theme_id)
        if tx.goal(workshop_id, request.goal_id) is None:
            raise model.not_found("goal")
        changes = []
        for card in tx.cards_of_theme(workshop_id, request.theme_id):
            if tx.link_between(card["id"], request.goal_id) is not None:
                continue
            link = tx.add_link(workshop_id, model.new_id(), card["id"], request.goal_id, None, request.type)
            changes.append(step.changed(_link_change("link_saved", link, card)))
        return changes, changes[-1].version if changes else step.workshop["version"]


# --- links --------------------------------------------------------------------------------


def _link_change(event: str, link: Link, card: Card) -> Change:
    body_key = "link" if event == "link_saved" else None

    def render(viewer: Viewer):
        shown = model.link_for(link, card, viewer)
        if shown is None:
            return None
        return event, ({"link": shown} if body_key else {"id": link["id"]})

    data = {"link": link} if body_key else {"id": link["id"]}
    return Change(event, data, render, frozenset({card["about"], card["author"]}))


def _link_and_card(tx: Reads, actor: Actor, link_id: str) -> tuple[Link, Card] | None:
    """A link of the actor's workshop with its card, or None."""
    link = tx.link(actor.workshop_id, link_id)
    card = _own_card(tx, actor, link["card_id"]) if link else None
    return (link, card) if link and card else None


def add_link(store: Store, actor: Actor, request: model.AddLink) -> Change:
    """Connect a card to a goal; a pair is linked at most once (re-linking acks the link)."""
    with _changing(store, actor, writes=True) as step:
        tx = step.tx
        if request.id is not None and tx.is_buried(request.id):
            # Made, then deleted (or its card was) before this late resend: it stays deleted.
            return step.unchanged(_gone("link_deleted", request.id))
        card = _own_card(tx, actor, request.card_id)
        if card is None:
            raise model.not_found("card")
        if tx.goal(actor.workshop_id, request.goal_id) is None:
            raise model.not_found("goal")
        if not model.can_link_card(actor, card):
            if card["status"] != "accepted":
                raise model.forbidden("This strength waits for its person's OK before it can be linked.")
            raise model.forbidden("You may link only your own cards.")
        existing = tx.link_between(request.card_id, request.goal_id)
        if existing is not None:
            return step.unchanged(_link_change("link_saved", existing, card))
        if request.id is not None and tx.id_taken("links", request.id):
            raise model.conflict("That id is already used.")
        link = tx.add_link(
            actor.workshop_id,
            request.id or model.new_id(),
            request.card_id,
            request.goal_id,
            actor.participant_id,
            request.type,
        )
        return step.changed(_link_change("link_saved", link, card))


def delete_link(store: Store, actor: Actor, request: model.ById) -> Change:
    with _changing(store, actor, writes=True) as step:
        found = _link_and_card(step.tx, actor, request.id)
        if found is None:
            return step.unchanged(_gone("link_deleted", request.id))
        link, card = found
        if not model.can_delete_link(actor, link, card):
            raise model.forbidden("You may remove only your own links.")
        step.tx.delete_link(actor.workshop_id, request.id)
        return step.changed(_link_change("link_deleted", link, card))


def edit_link(store: Store, actor: Actor, request: model.EditLink) -> Change:
    """Say how a card relates to its goal: it energises me, I want to grow in this, I already do this."""
    with _changing(store, actor, writes=True) as step:
        found = _link_and_card(step.tx, actor, request.id)
        if found is None:
            raise model.not_found("link")
        link, card = found
        if not model.can_delete_link(actor, link, card):
            raise model.forbidden("You may change only your own links.")
        if link["type"] == request.type:
            return step.unchanged(_link_change("link_saved", link, card))
        link = step.tx.set_link_type(actor.workshop_id, request.id, request.type)
        return step.changed(_link_change("link_saved", link, card))


def endorse_link(store: Store, actor: Actor, request: model.EndorseLink) -> Change:
    """A colleague's +1 on a link they can see (not on their own card)."""
    may = _participants("Endorsing is for participants.")
    with _changing(store, actor, may=may, writes=True) as step:
        me = _must(actor.participant_id)
        found = _link_and_card(step.tx, actor, request.id)
        if found is None or model.link_for(*found, model.Viewer("participant", me)) is None:
            raise model.not_found("link")
        link, card = found
        if card["about"] == me:
            raise model.forbidden("Endorsing is for colleagues, not for your own card.")
        if (me in link["endorsements"]) == request.endorsed:
            return step.unchanged(_link_change("link_saved", link, card))
        link = step.tx.set_endorsement(actor.workshop_id, request.id, me, request.endorsed)
        return step.changed(_link_change("link_saved", link, card))


# --- running the room ---------------------------------------------------------------------


def _update_settings(store: Store, actor: Actor, **fields: Any) -> Change:
    with _changing(store, actor, may=model.check_facilitator) as step:
        step.tx.update_workshop(actor.workshop_id, **fields)
        workshop = _workshop(step.tx, actor.workshop_id)
        return step.changed(Change("settings_changed", settings_of(workshop, store.clock)))


def set_default_visibility(store: Store, actor: Actor, request: model.SetDefaultVisibility) -> Change:
    return _update_settings(store, actor, default_visibility=request.visibility)


def set_timer(store: Store, actor: Actor, request: model.SetTimer) -> Change:
    """Start (or with 0 seconds, stop) the phase's timer; with ``lock``, input stops when it ends."""
    ends = stamp(store.clock.now() + timedelta(seconds=request.seconds)) if request.seconds else None
    return _update_settings(
        store,
        actor,
        timer_ends_at=ends,
        timer_seconds=request.seconds,
        timer_lock=int(request.lock and bool(request.seconds)),
    )


def set_revealed(store: Store, actor: Actor, request: model.SetRevealed) -> Change:
    return _update_settings(store, actor, revealed=int(request.revealed))


def set_joining_locked(store: Store, actor: Actor, request: model.SetJoiningLocked) -> Change:
    return _update_settings(store, actor, joining_locked=int(request.locked))


def assign_strength_round(store: Store, actor: Actor, request: model.AssignStrengthRound) -> Change:
    """Give each participant colleagues to name strengths for, round robin, so everyone receives some."""
    with _changing(store, actor, may=model.check_facilitator) as step:
        pairs = model.strength_round(step.tx.participant_ids_in_order(actor.workshop_id), request.per_person)
        assignments = step.tx.replace_assignments(actor.workshop_id, pairs)

        def render(viewer: Viewer):
            return "assignments_changed", {"assignments": model.assignments_for(assignments, viewer)}

        # Each giver sees their own pairs; the team none (with one colleague each, the pairs
        # would name the author of every unsigned strength).
        givers = frozenset(a["giver"] for a in assignments)
        return step.changed(Change("assignments_changed", {"assignments": assignments}, render, givers))


def set_card_hidden(store: Store, actor: Actor, request: model.SetCardHidden) -> Change | list[Change]:
    """The facilitator moderates a card away from the team (or back). A hidden drive leaves its
    theme, like a facilitator-only one (a theme it leaves empty goes, just before)."""
    with _changing(store, actor, may=model.check_facilitator) as step:
        card = _own_card(step.tx, actor, request.id)
        if card is None:
            raise model.not_found("card")
        if card["hidden"] == request.hidden:
            return step.unchanged(_card_saved(card))
        link_ids = step.tx.link_ids_of_card(card["id"])
        # A card moderated away is no longer offered on the marketplace (it is not offered again
        # by itself when shown: its person offers it anew).
        fields = {"hidden": request.hidden, **({"offered": False} if request.hidden else {})}
        saved = _out_of_theme_if_unseen(step, step.tx.update_card(actor.workshop_id, card["id"], **fields))
        changes = [*_emptied_themes(step), step.changed(_card_saved(saved, before=card, link_ids=link_ids))]
    return _scrubbed(store, changes)


def rename_participant(store: Store, actor: Actor, request: model.RenameParticipant) -> Change:
    with _changing(store, actor, may=model.check_facilitator, erasing=True) as step:
        tx = step.tx
        if tx.participant(actor.workshop_id, request.id) is None:
            raise model.not_found("participant")
        # Their own name is no look-alike: a new spelling of it (case, an accent) is theirs to take.
        _refuse_look_alike(
            request.name,
            [name for pid, name in tx.participant_names(actor.workshop_id).items() if pid != request.id],
        )
        participant = tx.rename_participant(actor.workshop_id, request.id, request.name)
        if participant is None:
            raise model.conflict("That name is already taken in this workshop.")
        return step.changed(Change("participant_updated", {"participant": participant}))


def set_done(store: Store, actor: Actor, request: model.SetDone) -> Change:
    """A participant says they are done with a phase (or not yet)."""
    with _changing(store, actor, may=_participants("Only participants mark themselves done.")) as step:
        me = _must(actor.participant_id)
        participant = _must(step.tx.participant(actor.workshop_id, me))
        done = [p for p in participant["done"] if p != request.phase] + ([request.phase] if request.done else [])
        if sorted(done) == sorted(participant["done"]):
            return step.unchanged(Change("participant_updated", {"participant": participant}))
        participant = step.tx.set_done(actor.workshop_id, me, sorted(done, key=model.PHASES.index))
        return step.changed(Change("participant_updated", {"participant": participant}))


# --- agreements ---------------------------------------------------------------------------


def _agreement_change(event: str, agreement: Agreement, link: Link, card: Card) -> Change:
    data = {"agreement": agreement} if event == "agreement_saved" else {"id": agreement["id"]}

    def render(viewer: Viewer):
        shown = model.agreement_for(agreement, link, card, viewer)
        if shown is None:
            return None
        return event, ({"agreement": shown} if event == "agreement_saved" else data)

    special = frozenset({card["about"], card["author"], agreement.get("owner")} - {None})
    return Change(event, data, render, special)


def _check_owner(tx: Reads, actor: Actor, owner: str | None) -> None:
    if owner is not None and tx.participant(actor.workshop_id, owner) is None:
        raise model.not_found("participant")


def _own_agreement(tx: Reads, actor: Actor, agreement_id: str) -> tuple[Agreement, Link, Card] | None:
    """An agreement of the actor's workshop with its link and card, or None."""
    agreement = tx.agreement(actor.workshop_id, agreement_id)
    found = _link_and_card(tx, actor, agreement["link_id"]) if agreement else None
    return (agreement, *found) if agreement and found else None


def add_agreement(store: Store, actor: Actor, request: model.AddAgreement) -> Change:
    """Who does what by when, for a link (the agreements phase)."""
    with _changing(store, actor, writes=True) as step:
        tx = step.tx
        found = _link_and_card(tx, actor, request.link_id)
        if found is None:
            raise model.not_found("link")
        link, card = found
        if not model.can_arrange_agreement(actor, card):
            raise model.forbidden("Agreements are made by the facilitator or the card's person.")
        _check_owner(tx, actor, request.owner)
        if request.id is not None:
            existing = tx.agreement(actor.workshop_id, request.id)
            if existing is not None and (existing["link_id"], existing["text"]) == (link["id"], request.text):
                return step.unchanged(_agreement_change("agreement_saved", existing, link, card))
            if tx.id_taken("agreements", request.id):
                raise model.conflict("That id is already used.")
        agreement = tx.add_agreement(
            actor.workshop_id,
            {
                "id": request.id or model.new_id(),
                "link_id": link["id"],
                "text": request.text,
                "owner": request.owner,
                "due": request.due,
            },
        )
        return step.changed(_agreement_change("agreement_saved", agreement, link, card))


def edit_agreement(store: Store, actor: Actor, request: model.EditAgreement) -> Change:
    fields = {k: getattr(request, k) for k in ("text", "owner", "due", "done") if k in request.model_fields_set}
    if fields.get("text", "") is None or fields.get("done", False) is None:
        raise model.invalid("text and done cannot be empty.")
    if not fields:
        raise model.invalid("Nothing to change.")
    with _changing(store, actor, writes=True, erasing=True) as step:
        found = _own_agreement(step.tx, actor, request.id)
        if found is None:
            raise model.not_found("agreement")
        agreement, link, card = found
        if not model.can_arrange_agreement(actor, card, agreement):
            raise model.forbidden("Only the facilitator, the card's person or the owner change an agreement.")
        _check_owner(step.tx, actor, fields.get("owner"))
        fields = {k: v for k, v in fields.items() if agreement.get(k) != v}
        if not fields:
            return step.unchanged(_agreement_change("agreement_saved", agreement, link, card))
        saved = step.tx.update_agreement(actor.workshop_id, request.id, **fields)
        return step.changed(_agreement_change("agreement_saved", saved, link, card))


def delete_agreement(store: Store, actor: Actor, request: model.ById) -> Change:
    with _changing(store, actor, writes=True, erasing=True) as step:
        found = _own_agreement(step.tx, actor, request.id)
        if found is None:
            return step.unchanged(_gone("agreement_deleted", request.id))
        agreement, link, card = found
        if not model.can_arrange_agreement(actor, card, agreement):
            raise model.forbidden("Only the facilitator, the card's person or the owner remove an agreement.")
        step.tx.delete_agreement(actor.workshop_id, request.id)
        return step.changed(_agreement_change("agreement_deleted", agreement, link, card))


# --- afterwards: follow-ups, the team's link, check-ins ------------------------------------


def create_follow_up(store: Store, actor: Actor, request: model.FollowUp) -> tuple[Workshop, str]:
    """A new workshop from a closed one (step 3 of the method: keep stimulating)."""
    model.check_facilitator(actor)
    old = _workshop(store, actor.workshop_id)
    if old["phase"] != "closed":
        raise WorkshopError("conflict", "Close the workshop before starting its follow-up.", 409)
    token = model.new_token()
    with store.transaction() as tx:
        new = tx.create_workshop(
            request.title or old["title"],
            old["language"],
            [],
            model.hash_token(token),
            old["default_visibility"],
            prompts=old["prompts"],
            previous_id=old["id"],
        )
        tx.copy_into(new["id"], model.carried_over(_must(tx.snapshot(old["id"]))))
    return new, token


def rejoin(store: Store, workshop: Workshop, previous_token: str | None) -> tuple[Participant, str]:
    """Someone from the previous workshop takes their seat in its follow-up, with a new token."""
    if not workshop["previous_id"]:
        raise model.not_found("previous workshop")
    actor, previous = authenticate(store, previous_token)
    if actor.participant_id is None or previous["id"] != workshop["previous_id"]:
        raise model.forbidden("That token is not from the previous workshop.")
    token = model.new_token()
    with store.transaction() as tx:
        participant = tx.rejoin(workshop["id"], actor.participant_id, model.hash_token(token))
    if participant is None:
        raise model.not_found("participant")
    return participant, token


def create_team_link(store: Store, actor: Actor) -> str:
    """A new secret for the team's read-only summary (an earlier one stops working)."""
    model.check_facilitator(actor)
    token = model.new_token()
    with store.transaction() as tx:
        tx.set_team_token(actor.workshop_id, model.hash_token(token))
    return token


def revoke_team_link(store: Store, actor: Actor) -> None:
    model.check_facilitator(actor)
    with store.transaction() as tx:
        tx.set_team_token(actor.workshop_id, None)


def open_checkin(store: Store, actor: Actor) -> Change:
    """A short check-in between workshops: does each link still energise its person?"""
    with _changing(store, actor, may=model.check_facilitator) as step:
        checkin = step.tx.open_checkin(actor.workshop_id)
        return step.changed(Change("checkin_changed", {"checkin": checkin}))


def close_checkin(store: Store, actor: Actor) -> Change:
    with _changing(store, actor, may=model.check_facilitator) as step:
        step.tx.close_checkins(actor.workshop_id)
        return step.changed(Change("checkin_changed", {"checkin": None}))


def answer_checkin(store: Store, actor: Actor, request: model.AnswerCheckin) -> Change:
    """A person rates one of their links (1–5: does it still energise me?), maybe with a comment.
    Answering again replaces the answer. Open even in a closed workshop: check-ins come after."""
    may = _participants("Check-ins are answered by participants.")
    with _changing(store, actor, may=may, erasing=True) as step:
        tx, me = step.tx, _must(actor.participant_id)
        checkin = tx.open_checkin_of(actor.workshop_id)
        if checkin is None:
            raise WorkshopError("closed", "There is no open check-in.", 409)
        found = _link_and_card(tx, actor, request.link_id)
        if found is None:
            raise model.not_found("link")
        link, card = found
        if card["about"] != me:
            raise model.forbidden("You answer for links of your own cards.")
        previous = next(
            (
                a
                for c in tx.checkins(actor.workshop_id)
                if c["id"] == checkin["id"]
                for a in c["answers"]
                if a["link_id"] == link["id"] and a["participant_id"] == me
            ),
            None,
        )
        if previous and (previous["rating"], previous["comment"]) == (request.rating, request.comment):
            return step.unchanged(Change("checkin_answered", {"answer": {"checkin_id": checkin["id"], **previous}}))
        answer = tx.answer_checkin(actor.workshop_id, checkin["id"], link["id"], me, request.rating, request.comment)

        def render(viewer: Viewer):
            return ("checkin_answered", {"answer": answer}) if viewer.participant_id == me else None

        return step.changed(Change("checkin_answered", {"answer": answer}, render, frozenset({me})))


# --- credentials --------------------------------------------------------------------------
#
# The facilitator key F is the bearer for scripts and the value of the console's cookie; a URL
# never carries it. A browser signs in through a one-time sign-in code S (the secret link to
# keep): the server keeps only SHA-256(S) and F wrapped with a pad derived from S, so the code
# opens F once and is used up. The board's key B is a credential of its own: read-only, the
# team's view, renewed or revoked by the facilitator.

BOARD_ROLE = "board"


def _signin_pad(code: str) -> bytes:
    """64 bytes only the holder of the sign-in code can make (a hash of it, apart from its lookup hash)."""
    return hashlib.sha512(b"workshop sign-in pad\0" + code.encode("utf-8")).digest()


def _wrap(token: str, code: str) -> str:
    raw = token.encode("ascii")
    assert len(raw) <= 64
    return bytes(a ^ b for a, b in zip(raw, _signin_pad(code))).hex()


def _unwrap(wrapped: str, code: str) -> str | None:
    try:
        raw = bytes.fromhex(wrapped)
        return bytes(a ^ b for a, b in zip(raw, _signin_pad(code))).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None


def create_signin(store: Store, actor: Actor, token: str | None) -> str:
    """A one-time sign-in code for the facilitator holding ``token`` (their current key).

    Only one code is pending per workshop: a new one replaces an unused earlier one.
    """
    model.check_facilitator(actor)
    if not token or store.facilitator_token_hash(actor.workshop_id) != model.hash_token(token):
        raise model.unauthorized()
    code = model.new_token()
    with store.transaction() as tx:
        tx.set_signin(actor.workshop_id, f"{model.hash_token(code)}:{_wrap(token, code)}")
    return code


def open_signin(pending: str, code: str, key_hash: str | None) -> str:
    """The key a one-time sign-in code opens: ``pending`` is what was stored when it was made
    (the code's hash and the key wrapped with the code; "" when none waits), ``key_hash`` the
    key's hash now (a key rotated away since opens nothing). Raises unauthorized."""
    if not pending or ":" not in pending:
        raise model.unauthorized()
    code_hash, wrapped = pending.split(":", 1)
    if not hmac.compare_digest(code_hash, model.hash_token(code)):
        raise model.unauthorized()
    key = _unwrap(wrapped, code)
    if key is None or key_hash != model.hash_token(key):
        raise model.unauthorized()
    return key


def use_signin(store: Store, workshop: Workshop, code: str | None) -> str:
    """Use up a sign-in code of this workshop: the facilitator key it opens. Raises unauthorized
    (an unknown, used, replaced or rotated-away code)."""
    if not code or not isinstance(code, str) or len(code) > 200:
        raise model.unauthorized()
    pending = store.signin_of(workshop["id"]) or ""
    token = open_signin(pending, code, store.facilitator_token_hash(workshop["id"]))
    with store.transaction() as tx:
        taken = tx.take_signin(workshop["id"], pending)
    if not taken:
        raise model.unauthorized()  # someone else used it a moment ago
    return token


def create_board_link(store: Store, actor: Actor) -> tuple[str, str | None]:
    """A new board key (read-only, the team's view); an earlier one stops working.
    Returns the new key and the hash of the one it replaced (whose boards the caller closes)."""
    model.check_facilitator(actor)
    token = model.new_token()
    with store.transaction() as tx:
        old = tx.board_token_hash(actor.workshop_id)
        tx.set_board_token(actor.workshop_id, model.hash_token(token))
    return token, old


def revoke_board_link(store: Store, actor: Actor) -> str | None:
    """The board key stops working; returns the hash it had (whose boards the caller closes)."""
    model.check_facilitator(actor)
    with store.transaction() as tx:
        old = tx.board_token_hash(actor.workshop_id)
        tx.set_board_token(actor.workshop_id, None)
    return old


def authenticate_board(store: Store, token: str | None, code: str) -> tuple[Actor, Workshop]:
    """The board holding this board key, in the workshop with this code. Raises unauthorized."""
    if not token or not isinstance(token, str) or len(token) > 200:
        raise model.unauthorized()
    workshop = store.workshop_by_board_token(model.hash_token(token))
    if workshop is None or workshop["code"] != code:
        raise model.unauthorized()
    return Actor(workshop["id"], BOARD_ROLE), workshop


def rotate_facilitator_key(store: Store, actor: Actor) -> tuple[str, str]:
    """A new facilitator key: the old one stops working everywhere (cookie, bearer, a pending
    sign-in code). Returns the new key and the old one's hash (whose connections the caller closes)."""
    model.check_facilitator(actor)
    token = model.new_token()
    with store.transaction() as tx:
        old = _must(tx.facilitator_token_hash(actor.workshop_id))
        tx.set_facilitator_token(actor.workshop_id, model.hash_token(token))
    return token, old


# --- a seat on more devices: the personal link -----------------------------------
#
# A person's personal link L carries a secret S in its #fragment (never in a request line, so
# never in a log). The server keeps SHA-256(S), who made it and when; one pending link per
# person, valid until used, replaced, stopped, or the person or the workshop is erased. Using
# it gives the browser a device token D of its own (stored as SHA-256(D) in ``devices``), so
# the link itself is spent: the browser's history keeps a dead link. Each device is signed out
# on its own; the device a person joined on holds the participant token itself.


@dataclass(frozen=True)
class SeatChange:
    """What a seat action did: whose seat, and the hashes of the tokens that stopped working
    (whose connections the caller closes)."""

    participant_id: str
    signed_out: tuple[str, ...] = ()


def _seat_holder(actor: Actor) -> str:
    """Only a participant has a seat to open elsewhere (not the facilitator's key, not a board)."""
    if actor.role != "participant" or actor.participant_id is None:
        raise model.forbidden("Only a participant opens their seat on another device.")
    return actor.participant_id


def _new_seat_link(tx: Transaction, workshop_id: str, participant_id: str, by: str) -> str:
    secret = model.new_token()
    tx.set_seat_link(workshop_id, participant_id, model.hash_token(secret), by)
    return secret


def create_seat_link(store: Store, actor: Actor) -> str:
    """A new personal link for the person asking; a pending one stops working. Returns its
    secret (shown once, stored hashed)."""
    me = _seat_holder(actor)
    with store.transaction() as tx:
        _must(tx.participant(actor.workshop_id, me))
        return _new_seat_link(tx, actor.workshop_id, me, "link")


def revoke_seat_link(store: Store, actor: Actor) -> None:
    """The person stops their pending personal link (if any)."""
    me = _seat_holder(actor)
    with store.transaction() as tx:
        tx.set_seat_link(actor.workshop_id, me, None, None)


def reissue_seat_link(store: Store, actor: Actor, request: model.ReissueSeatLink) -> tuple[str, SeatChange]:
    """The facilitator makes a person's personal link anew (for someone who lost theirs); the
    person sees that the facilitator made it. With ``sign_out_devices`` every device of theirs
    is signed out, the one they joined on too, so only the new link lets them back in."""
    model.check_facilitator(actor)
    pid = request.participant_id
    with store.transaction() as tx:
        if tx.participant(actor.workshop_id, pid) is None:
            raise model.not_found("participant")
        secret = _new_seat_link(tx, actor.workshop_id, pid, "facilitator")
        signed_out: list[str] = []
        if request.sign_out_devices:
            signed_out = tx.delete_devices(actor.workshop_id, pid)
            joined = _must(tx.participant_token_hash(actor.workshop_id, pid))
            if not joined.startswith(model.SIGNED_OUT):
                signed_out.append(joined)
            tx.set_participant_token(actor.workshop_id, pid, model.signed_out_hash())
    return secret, SeatChange(pid, tuple(signed_out))


def use_seat_link(
    store: Store, workshop: Workshop, secret: str, held: Actor | None = None
) -> tuple[str | None, SeatChange]:
    """Use up a personal link of this workshop: a new device token for the browser that opened
    it (None when ``held``, the browser's identity, is already that person: it just goes on).
    Raises unauthorized for a link that is unknown, used, replaced or stopped."""
    with store.transaction() as tx:
        taken = tx.take_seat_link(workshop["id"], model.hash_token(secret))
        if taken is None:
            raise model.unauthorized("This personal link was used or replaced.")
        pid, by = taken
        if held is not None and held.workshop_id == workshop["id"] and held.participant_id == pid:
            return None, SeatChange(pid)
        token = model.new_token()
        tx.add_device(workshop["id"], pid, model.hash_token(token), by if by in model.DEVICE_CAME_BY else "link")
    return token, SeatChange(pid)


def seat_of(store: Store, actor: Actor, token_hash: str) -> dict:
    """What the person knows of their seat: their pending personal link (who made it, when) and
    every device holding it, the one asking (``token_hash``) marked ``this``."""
    me = _seat_holder(actor)
    participant = _must(store.participant(actor.workshop_id, me))
    joined_hash = _must(store.participant_token_hash(actor.workshop_id, me))
    devices: list[dict[str, object]] = []
    if not joined_hash.startswith(model.SIGNED_OUT):  # the device they joined on, until signed out
        devices.append(
            {
                "id": model.JOINED_DEVICE,
                "came_by": model.JOINED_DEVICE,
                "created_at": store.joined_at(actor.workshop_id, me),
                "this": joined_hash == token_hash,
            }
        )
    for device, hashed in store.devices_of(actor.workshop_id, me):
        devices.append(
            {
                "id": device["id"],
                "came_by": device["came_by"],
                "created_at": device["created_at"],
                "this": hashed == token_hash,
            }
        )
    link = store.seat_link_of(actor.workshop_id, me)
    return {"participant_id": participant["id"], "link": link, "devices": devices}


def sign_out_device(store: Store, actor: Actor, request: model.SignOutDevice, token_hash: str) -> SeatChange:
    """The person signs out one of their other devices (not the one asking, ``token_hash``):
    its token stops working at once."""
    me = _seat_holder(actor)
    with store.transaction() as tx:
        if request.id == model.JOINED_DEVICE:
            old = _must(tx.participant_token_hash(actor.workshop_id, me))
            if old.startswith(model.SIGNED_OUT):
                raise model.not_found("device")
            if old == token_hash:
                raise model.invalid("id: that is this device; sign it out from another one.")
            tx.set_participant_token(actor.workshop_id, me, model.signed_out_hash())
            return SeatChange(me, (old,))
        mine = {device["id"]: hashed for device, hashed in tx.devices_of(actor.workshop_id, me)}
        if request.id not in mine:
            raise model.not_found("device")
        if mine[request.id] == token_hash:
            raise model.invalid("id: that is this device; sign it out from another one.")
        return SeatChange(me, tuple(tx.delete_devices(actor.workshop_id, me, request.id)))


__all__ = ["Change", "WorkshopError"]
