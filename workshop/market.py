"""The marketplace: asks and offers meeting over days, with every person's consent.

The facilitator opens the workshop as a marketplace until a day (``open_market``). Goals are
listed as asks (``set_ask``: what is asked, the effort, an owner); a card's own person offers it
(``set_offer``). A proposal joins an ask and a card (``propose``): the card's person answers an
ask ("I'd like to contribute"), a colleague proposes an offered card, the facilitator brokers
one; its decider accepts (a link is made, the card's person's) or declines it
(``decide_proposal``); its maker may withdraw it while it waits. Suggestions explain themselves
(the words an ask and a card share: workshop/suggest.py) and are never applied.

Each action is one transaction through the service's skeleton (``service._changing``): who may,
the workshop as it is, a participant's input only while the workshop is open. Who sees a
proposal is ``model.proposal_for``; each change is broadcast per viewer like any other.
"""

from __future__ import annotations

from . import model
from .model import Actor, Viewer, WorkshopError
from .read import settings_of
from .rows import Ask, Card, Goal, Proposal, Workshop
from .service import Change, Step, _card_saved, _changing, _link_change, _must, _own_card, _workshop
from .store import Store


def not_open() -> WorkshopError:
    return WorkshopError("closed", "The marketplace is not open.", 409)


def ask_closed() -> WorkshopError:
    return WorkshopError("closed", "This goal asks for nothing right now.", 409)


def _settings_saved(step: Step, store: Store) -> Change:
    """The workshop's settings (the market's among them) as every screen follows them."""
    return Change("settings_changed", settings_of(_workshop(step.tx, step.actor.workshop_id), store.clock))


def _goal_saved(goal: Goal) -> Change:
    """A goal and its ask: the business's, seen by everyone."""
    return Change("goal_saved", {"goal": goal})


def _proposal_saved(proposal: Proposal, card: Card, goal: Goal) -> Change:
    """A proposal made or decided: to those who may see it (model.proposal_for), a
    ``hidden_change`` to everyone else."""

    def render(viewer: Viewer):
        shown = model.proposal_for(proposal, card, goal, viewer)
        return ("proposal_saved", {"proposal": shown}) if shown is not None else None

    special = frozenset({card["about"], proposal["made_by"], model.ask_owner(goal)} - {None})
    return Change(
        "proposal_saved", {"proposal": model.proposal_for(proposal, card, goal, model.FACILITATOR)}, render, special
    )


# --- the facilitator opens and closes the market ---------------------------------------------


def open_market(store: Store, actor: Actor, request: model.OpenMarket) -> Change:
    """Open the marketplace until a day (after today, at most a year ahead), in any phase but
    closed. Broadcast ``settings_changed`` (with ``market_until`` and ``market_open``)."""
    with _changing(store, actor, may=model.check_facilitator) as step:
        if step.workshop["phase"] == "closed":
            raise model.closed()
        model.check_market_until(request.until, store.clock.now())
        if step.workshop["market_until"] == request.until:
            return step.unchanged(_settings_saved(step, store))
        step.tx.set_market(actor.workshop_id, request.until)
        return step.changed(_settings_saved(step, store))


def close_market(store: Store, actor: Actor) -> Change:
    """Close the marketplace now (proposals still waiting may still be decided)."""
    with _changing(store, actor, may=model.check_facilitator) as step:
        if step.workshop["market_until"] is None:
            return step.unchanged(_settings_saved(step, store))
        step.tx.set_market(actor.workshop_id, None)
        return step.changed(_settings_saved(step, store))


# --- asks and offers -------------------------------------------------------------------------


def set_ask(store: Store, actor: Actor, request: model.SetAsk) -> list[Change]:
    """List a goal for the market or change its ask (the facilitator; its owner changes text and
    effort). A new owner also receives the proposals on the goal (one ``proposal_saved`` each,
    before the ``goal_saved`` acknowledged)."""
    with _changing(store, actor, writes=True) as step:
        tx, workshop_id = step.tx, actor.workshop_id
        goal = tx.goal(workshop_id, request.goal_id)
        if goal is None:
            raise model.not_found("goal")
        model.check_can_set_ask(actor, goal, request)
        ask = goal["ask"] or {"open": False, "text": None, "effort": None, "owner_id": None}
        given = request.model_fields_set
        owner = request.owner_id if "owner_id" in given else ask["owner_id"]
        if owner is not None and owner != ask["owner_id"] and tx.participant(workshop_id, owner) is None:
            raise model.not_found("participant")
        text = request.text if "text" in given else ask["text"]
        effort = request.effort if "effort" in given else ask["effort"]
        wanted: Ask = {"open": request.open, "text": text, "effort": effort, "owner_id": owner}
        if goal["ask"] == wanted:
            return [step.unchanged(_goal_saved(goal))]
        saved = tx.set_ask(workshop_id, goal["id"], request.open, text, effort, owner)
        changes = []
        if owner != ask["owner_id"]:
            for proposal in tx.proposals(workshop_id):
                if proposal["goal_id"] == goal["id"]:
                    card = _must(tx.card(workshop_id, proposal["card_id"]))
                    changes.append(step.changed(_proposal_saved(proposal, card, saved)))
        return [*changes, step.changed(_goal_saved(saved))]


def set_offer(store: Store, actor: Actor, request: model.SetOffer) -> Change:
    """A card's own person offers it on the market, or stops offering it. Broadcast
    ``card_saved`` (seen where the card is)."""
    with _changing(store, actor, writes=True) as step:
        card = _own_card(step.tx, actor, request.card_id)
        if card is None or model.card_for(card, model.viewer_of(actor, "console")) is None:
            raise model.not_found("card")
        model.check_can_offer(actor, card, request.offered)
        if card["offered"] == request.offered:
            return step.unchanged(_card_saved(card))
        saved = step.tx.update_card(actor.workshop_id, card["id"], offered=request.offered)
        return step.changed(_card_saved(saved, before=card))


# --- proposals -------------------------------------------------------------------------------


def propose(store: Store, actor: Actor, request: model.Propose) -> Change:
    """A proposal between an open ask and a card, while the market is open: an answer by the
    card's person, a colleague's proposal of an offered card, the facilitator's brokering. The
    same ``id`` with the same content again acks it as it is."""
    with _changing(store, actor, writes=True) as step:
        tx, workshop_id = step.tx, actor.workshop_id
        viewer = model.viewer_of(actor, "console")
        existing = tx.proposal(workshop_id, request.id)
        if existing is not None:
            same = (existing["goal_id"], existing["card_id"], existing["type"], existing["note"], existing["made_by"])
            if same != (request.goal_id, request.card_id, request.type, request.note, actor.participant_id):
                raise model.conflict("That id is already used.")
            card, goal = (
                _must(tx.card(workshop_id, existing["card_id"])),
                _must(tx.goal(workshop_id, existing["goal_id"])),
            )
            if model.proposal_for(existing, card, goal, viewer) is None:
                raise model.conflict("That id is already used.")
            return step.unchanged(_proposal_saved(existing, card, goal))
        if tx.id_taken("proposals", request.id):
            raise model.conflict("That id is already used.")
        if step.workshop["phase"] == "closed":
            raise model.closed()
        if not model.market_open(step.workshop["market_until"], store.clock.now()):
            raise not_open()
        found_goal = tx.goal(workshop_id, request.goal_id)
        if found_goal is None:
            raise model.not_found("goal")
        found_card = _own_card(tx, actor, request.card_id)
        if found_card is None:
            raise model.not_found("card")
        goal, card = found_goal, found_card
        kind = model.proposal_kind(actor, card, model.card_for(card, viewer) is not None)
        if goal["ask"] is None or not goal["ask"]["open"]:
            raise ask_closed()
        if tx.link_between(card["id"], goal["id"]) is not None:
            raise model.conflict("This card is linked to this goal already.")
        if tx.waiting_proposal_between(card["id"], goal["id"]) is not None:
            raise model.conflict("A proposal for this card and goal is waiting already.")
        proposal = tx.add_proposal(
            workshop_id,
            {
                "id": request.id,
                "goal_id": goal["id"],
                "card_id": card["id"],
                "kind": kind,
                "type": request.type,
                "note": request.note,
                "made_by": actor.participant_id,
            },
        )
        return step.changed(_proposal_saved(proposal, card, goal))


def _proposal_in_sight(step: Step, proposal_id: str) -> tuple[Proposal, Card, Goal]:
    """A proposal of the actor's workshop that they may see, with its card and goal; any other
    is not found."""
    tx, workshop_id = step.tx, step.actor.workshop_id
    proposal = tx.proposal(workshop_id, proposal_id)
    if proposal is None:
        raise model.not_found("proposal")
    card, goal = _must(tx.card(workshop_id, proposal["card_id"])), _must(tx.goal(workshop_id, proposal["goal_id"]))
    if model.proposal_for(proposal, card, goal, model.viewer_of(step.actor, "console")) is None:
        raise model.not_found("proposal")
    return proposal, card, goal


def decide_proposal(store: Store, actor: Actor, request: model.DecideProposal) -> list[Change]:
    """Its decider accepts or declines a waiting proposal. Accepted, the card is linked to the
    goal as if its person linked it (``link_saved`` first, to all who see the card) and the
    proposal records the link; an already linked pair keeps its link."""
    with _changing(store, actor, writes=True) as step:
        tx, workshop_id = step.tx, actor.workshop_id
        proposal, card, goal = _proposal_in_sight(step, request.id)
        status = "accepted" if request.answer == "accept" else "declined"
        if proposal["status"] != "waiting":
            if proposal["status"] == status:
                return [step.unchanged(_proposal_saved(proposal, card, goal))]
            raise model.conflict(f"This proposal was {proposal['status']} already.")
        decider = model.check_can_decide(actor, proposal, card, goal)
        changes: list[Change] = []
        link_id = None
        if status == "accepted":
            if card["status"] != "accepted":
                raise model.forbidden("This strength waits for its person's OK before it can be linked.")
            link = tx.link_between(card["id"], goal["id"])
            if link is None:
                link = tx.add_link(workshop_id, model.new_id(), card["id"], goal["id"], card["about"], proposal["type"])
                changes.append(step.changed(_link_change("link_saved", link, card)))
            link_id = link["id"]
        saved = tx.decide_proposal(workshop_id, proposal["id"], status, decider, link_id)
        return [*changes, step.changed(_proposal_saved(saved, card, goal))]


def withdraw_proposal(store: Store, actor: Actor, request: model.ById) -> Change:
    """Its maker withdraws a proposal while it waits."""
    with _changing(store, actor, writes=True) as step:
        proposal, card, goal = _proposal_in_sight(step, request.id)
        model.check_can_withdraw(actor, proposal)
        if proposal["status"] == "withdrawn":
            return step.unchanged(_proposal_saved(proposal, card, goal))
        if proposal["status"] != "waiting":
            raise model.conflict(f"This proposal was {proposal['status']} already.")
        saved = step.tx.decide_proposal(actor.workshop_id, proposal["id"], "withdrawn", None)
        return step.changed(_proposal_saved(saved, card, goal))


# --- suggestions ------------------------------------------------------------------------------

SUGGESTIONS_MAX = 20


def suggest_matches(store: Store, actor: Actor, viewer: Viewer) -> list[dict]:
    """Suggested matches this caller may see, each with its reason (never applied): a
    participant's for their own cards and for the asks they own, the facilitator's for every
    offer (on the facilitator's board: those the team sees). Pairs already linked, with a
    proposal waiting, or declined once are left out: a no is not asked again by a suggestion."""
    from .suggest import suggest

    snap = store.snapshot(actor.workshop_id)
    if snap is None:
        raise model.not_found()
    language = snap["workshop"]["language"]
    seen = {c["id"]: c for c in snap["cards"] if model.card_for(c, viewer) is not None}
    goals = {g["id"]: g for g in snap["goals"]}
    asks = [g for g in snap["goals"] if g["ask"] is not None and g["ask"]["open"]]
    ask_text = {g["id"]: ask["text"] for g in asks if (ask := g["ask"]) is not None}
    taken = {(l["goal_id"], l["card_id"]) for l in snap["links"]} | {
        (p["goal_id"], p["card_id"]) for p in snap["proposals"] if p["status"] in ("waiting", "declined")
    }

    def shareable(card: Card) -> bool:
        return card["status"] == "accepted" and not card["hidden"]

    offered = [c for c in seen.values() if shareable(c) and c["offered"]]
    me = actor.participant_id
    if me is None:  # the facilitator: every offer, every ask
        rounds = [(asks, offered)]
    else:
        own = [c for c in seen.values() if shareable(c) and c["about"] == me]
        mine = [g for g in asks if model.ask_owner(g) == me]
        rounds = [(asks, own), (mine, [c for c in offered if c["about"] != me])]
    links = [
        {"goal_text": goals[l["goal_id"]]["text"], "card_text": seen[l["card_id"]]["text"], "type": l["type"]}
        for l in snap["links"]
        if l["card_id"] in seen
    ]
    found: dict[tuple[str, str], dict] = {}
    for round_asks, round_offers in rounds:
        if not round_asks or not round_offers:
            continue
        for suggestion in suggest(
            [{"goal_id": g["id"], "text": "\n".join(filter(None, (g["text"], ask_text[g["id"]])))} for g in round_asks],
            [{"card_id": c["id"], "text": c["text"]} for c in round_offers],
            links,
            language,
            limit=SUGGESTIONS_MAX + len(taken),
        ):
            pair = (suggestion["goal_id"], suggestion["card_id"])
            if pair in taken or pair in found:
                continue
            found[pair] = {
                "goal_id": pair[0],
                "card_id": pair[1],
                "shared": list(suggestion["shared"]),
                "reason": suggestion["reason"],
                "score": suggestion["score"],
            }
    return sorted(found.values(), key=lambda s: -s["score"])[:SUGGESTIONS_MAX]


# --- the digest: each person's own address ---------------------------------------------------


def set_digest(store: Store, actor: Actor, request: model.SetDigest) -> str | None:
    """A participant's address for the weekly digest (``None`` stops it): theirs alone, never
    shown to anyone else. A changed or removed address is erased from the disk."""
    if actor.participant_id is None:
        raise model.forbidden("The facilitator sets theirs with set_facilitator_digest.")
    return _set_digest(store, actor, actor.participant_id, request.email)


def set_facilitator_digest(store: Store, actor: Actor, request: model.SetDigest) -> str | None:
    """The facilitator's address for the weekly digest of new matches."""
    model.check_facilitator(actor)
    return _set_digest(store, actor, None, request.email)


def _set_digest(store: Store, actor: Actor, participant_id: str | None, email: str | None) -> str | None:
    with store.transaction(erasing=True) as tx:
        _workshop(tx, actor.workshop_id)
        if participant_id is not None and tx.participant(actor.workshop_id, participant_id) is None:
            raise model.not_found("participant")
        tx.set_digest_email(actor.workshop_id, participant_id, email)
    return email


# --- the read-only market key: an intranet page shows the open asks and offers ---------------


def create_market_key(store: Store, actor: Actor) -> str:
    """A new read-only market key (an earlier one stops working); only its hash is kept."""
    model.check_facilitator(actor)
    key = model.new_token()
    with store.transaction() as tx:
        _workshop(tx, actor.workshop_id)
        tx.set_market_key(actor.workshop_id, model.hash_token(key))
    return key


def revoke_market_key(store: Store, actor: Actor) -> None:
    model.check_facilitator(actor)
    with store.transaction() as tx:
        tx.set_market_key(actor.workshop_id, None)


def workshop_by_market_key(store: Store, key: str | None) -> Workshop:
    """The workshop a market key opens; an unknown key is ``not_found`` (a miss)."""
    if not key or len(key) > 200:
        raise model.not_found()
    workshop = store.workshop_by_market_key(model.hash_token(key))
    if workshop is None:
        raise model.not_found()
    return workshop


def market_view(store: Store, workshop: Workshop) -> dict:
    """What the read-only key shows (``GET /api/market``): the team's view only — the open asks
    and the offered cards the team sees, without names, facilitator-only, hidden or pending
    cards, and no proposals."""
    snap = store.snapshot(workshop["id"])
    if snap is None:
        raise model.not_found()
    asks = [
        {"goal": g["text"], "kind": g["kind"], "text": ask["text"], "effort": ask["effort"]}
        for g in snap["goals"]
        if (ask := g["ask"]) is not None and ask["open"]
    ]
    offers = [
        {"text": c["text"], "kind": c["kind"]}
        for c in snap["cards"]
        if c["offered"] and c["status"] == "accepted" and model.card_for(c, model.TEAM) is not None
    ]
    return {"workshop": {"title": workshop["title"]}, "until": workshop["market_until"], "asks": asks, "offers": offers}
