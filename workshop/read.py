"""Read models: what each screen and download shows, built from the store for one viewer.

Every read a page, the API or the live channel answers with is shaped here, through the
visibility rules of model.py (``card_for``, ``link_for``, ``agreement_for``): the socket
``state``, the settings every screen follows, and the summary with its agreements and colours.
Nothing here writes.
"""

from __future__ import annotations

from typing import Any

from . import model, summary
from .clock import Clock
from .model import Actor, Viewer
from .rows import Proposal, Snapshot, Workshop
from .store import Store


def _snapshot(store: Store, workshop_id: str) -> Snapshot:
    snapshot = store.snapshot(workshop_id)
    if snapshot is None:
        raise model.not_found()
    return snapshot


# --- the live channel -----------------------------------------------------------------------


def settings_of(workshop: Workshop, clock: Clock) -> dict[str, Any]:
    """The settings every screen follows, with the server's clock (timers count down on skewed clocks)."""
    return {"server_time": clock.stamp(), **_settings(workshop, clock)}


def _settings(workshop: Workshop, clock: Clock) -> dict[str, Any]:
    return {
        "market_until": workshop["market_until"],
        "market_open": model.market_open(workshop["market_until"], clock.now()),
        # The organisation whose marketplace this one joined (workshop/org.py), or None.
        "organisation": workshop["organisation"],
        "default_visibility": workshop["default_visibility"],
        "timer_ends_at": workshop["timer_ends_at"],
        "timer_seconds": workshop["timer_seconds"],
        "timer_lock": workshop["timer_lock"],
        "revealed": workshop["revealed"],
        "joining_locked": workshop["joining_locked"],
    }


def state_for(store: Store, actor: Actor, view: str, language: str | None = None) -> dict | None:
    """The whole workshop as this viewer may see it (the socket ``state`` event).

    The method's prompts come in the viewer's language when they chose one.
    """
    snap = store.snapshot(actor.workshop_id)
    if snap is None:
        return None
    viewer = model.viewer_of(actor, view)
    workshop = snap["workshop"]
    cards_by_id = {c["id"]: c for c in snap["cards"]}
    cards = [shown for c in snap["cards"] if (shown := model.card_for(c, viewer)) is not None]
    links = [seen for l in snap["links"] if (seen := model.link_for(l, cards_by_id[l["card_id"]], viewer)) is not None]
    links_by_id = {l["id"]: l for l in snap["links"]}
    agreements = [
        agreed
        for a in snap["agreements"]
        if (
            agreed := model.agreement_for(
                a, links_by_id[a["link_id"]], cards_by_id[links_by_id[a["link_id"]]["card_id"]], viewer
            )
        )
    ]
    prompts = workshop["prompts"]
    if language and language != workshop["language"] and prompts == model.default_prompts(workshop["language"]):
        prompts = model.default_prompts(language)
    return {
        "version": workshop["version"],
        "server_time": store.clock.stamp(),
        "workshop": {
            "code": workshop["code"],
            "title": workshop["title"],
            "language": workshop["language"],
            "phase": workshop["phase"],
            "team_link": workshop["team_link"] if viewer.is_facilitator else None,
            "board_link": workshop["board_link"] if viewer.is_facilitator else None,
            "follow_up_of": bool(workshop["previous_id"]),
            "follow_ups": store.follow_up_count(workshop["id"]) if viewer.is_facilitator else None,
            **_settings(workshop, store.clock),
            "market_key": workshop["market_key"] if viewer.is_facilitator else None,
            "prompts": prompts,
        },
        "goals": snap["goals"],
        "participants": snap["participants"],
        "cards": cards,
        "links": links,
        "agreements": agreements,
        "assignments": model.assignments_for(snap["assignments"], viewer),
        # Every theme holds drives the whole room sees (service: add_theme), so all see them all.
        "themes": snap["themes"],
        "checkin": _checkin_for(store, actor, viewer),
        **market_state(snap, viewer),
        # Each person's own digest address reaches only their own screens (not a board).
        "digest_email": _own_digest_email(store, actor, view),
        "me": {"role": actor.role, "id": actor.participant_id, "view": view},
    }


def _own_digest_email(store: Store, actor: Actor, view: str) -> str | None:
    if actor.is_facilitator:
        return store.digest_email_of(actor.workshop_id, None) if view == "console" else None
    if actor.participant_id is None:
        return None
    return store.digest_email_of(actor.workshop_id, actor.participant_id)


def _checkin_for(store: Store, actor: Actor, viewer: Viewer) -> dict | None:
    """The open check-in, with the answers this viewer may see (their own; all for the facilitator)."""
    checkin = store.open_checkin_of(actor.workshop_id)
    if checkin is None:
        return None
    answers = next(c["answers"] for c in store.checkins(actor.workshop_id) if c["id"] == checkin["id"])
    if not viewer.is_facilitator:
        answers = [a for a in answers if a["participant_id"] == viewer.participant_id]
    return {**checkin, "answers": answers}


# --- the marketplace ------------------------------------------------------------------------


def market_state(snap: Snapshot, viewer: Viewer) -> dict[str, Any]:
    """The proposals this viewer may see, how many wait for their decision, and for the
    facilitator how many wait for each person (``waiting_by_person``; ``None`` for others)."""
    cards = {c["id"]: c for c in snap["cards"]}
    goals = {g["id"]: g for g in snap["goals"]}
    proposals: list[Proposal] = []
    waiting_by: dict[str, int] = {}
    for proposal in snap["proposals"]:
        card, goal = cards[proposal["card_id"]], goals[proposal["goal_id"]]
        shown = model.proposal_for(proposal, card, goal, viewer)
        if shown is not None:
            proposals.append(shown)
        whose = model.waits_for(proposal, card, goal)
        if whose is not None:
            waiting_by[whose] = waiting_by.get(whose, 0) + 1
    me = "" if viewer.is_facilitator else viewer.participant_id
    return {
        "proposals": proposals,
        "waiting": waiting_by.get(me, 0) if me is not None else 0,
        "waiting_by_person": {k: n for k, n in waiting_by.items() if k} if viewer.is_facilitator else None,
    }


# --- the REST API ---------------------------------------------------------------------------


def facilitators_workshop(store: Store, workshop: Workshop) -> dict[str, Any]:
    """The whole workshop for its facilitator (``GET /api/workshops/<code>``): everything, the
    cards split into drives and strengths."""
    snap = _snapshot(store, workshop["id"])
    w = snap["workshop"]
    return {
        **{
            k: w[k]
            for k in (
                "code",
                "title",
                "language",
                "phase",
                "version",
                "prompts",
                "default_visibility",
                "timer_ends_at",
                "timer_seconds",
                "timer_lock",
                "revealed",
                "joining_locked",
                "team_link",
                "created_at",
            )
        },
        "goals": snap["goals"],
        "participants": snap["participants"],
        "drives": [c for c in snap["cards"] if c["kind"] == "drive"],
        "strengths": [c for c in snap["cards"] if c["kind"] == "strength"],
        "links": snap["links"],
        "agreements": snap["agreements"],
        "assignments": snap["assignments"],
        "themes": snap["themes"],
        "market_until": w["market_until"],
        "market_key": w["market_key"],
        "proposals": market_state(snap, model.FACILITATOR)["proposals"],
    }


def code_of(store: Store, workshop_id: str) -> str:
    """A workshop's join code."""
    return _workshop(store, workshop_id)["code"]


def _workshop(store: Store, workshop_id: str) -> Workshop:
    workshop = store.workshop(workshop_id)
    if workshop is None:
        raise model.not_found()
    return workshop


# --- the summary ----------------------------------------------------------------------------


def full_summary(store: Store, workshop: Workshop, viewer: Viewer) -> dict:
    """The summary as ``viewer`` may see it, with what changed since the previous workshop
    (for a follow-up) and the check-ins' trend."""
    snapshot = _snapshot(store, workshop["id"])
    data = summary.build(snapshot, viewer)
    previous = store.snapshot(workshop["previous_id"]) if workshop["previous_id"] else None
    data["changes"] = (
        summary.changes_since(snapshot, previous, store.origins(workshop["id"]), viewer) if previous else None
    )
    # Check-in ratings are personal: the facilitator's summary shows the trend, the team's does not.
    data["checkins"] = (
        summary.checkin_trend(snapshot, store.checkins(workshop["id"]), viewer) if viewer.is_facilitator else []
    )
    data["agreements"] = agreements_of(snapshot, viewer)
    from .org import matches_of

    data["matches"] = matches_of(store, workshop["id"])
    return data


def agreements_of(snapshot: Snapshot, viewer: Viewer) -> list[dict]:
    """The agreements as a viewer may see them, with their goal, card and owner spelled out."""
    seen = summary.visible_part(snapshot, viewer)
    links = {l["id"]: l for l in seen["links"]}
    all_cards = {c["id"]: c for c in snapshot["cards"]}
    cards = {c["id"]: c for c in seen["cards"]}
    goals = {g["id"]: g["text"] for g in seen["goals"]}
    people = {p["id"]: p["name"] for p in seen["participants"]}
    rows = []
    for agreement in snapshot["agreements"]:
        link = links.get(agreement["link_id"])
        if link is None:
            continue
        shown = model.agreement_for(agreement, link, all_cards[link["card_id"]], viewer)
        if shown is None:  # not reached: whoever sees the link sees its agreements
            continue
        card = cards[link["card_id"]]
        rows.append(
            {
                "id": agreement["id"],
                "text": agreement["text"],
                "owner": summary.name_of(people, shown["owner"]),
                "due": agreement["due"],
                "done": agreement["done"],
                "goal": goals[link["goal_id"]],
                "card": card["text"],
                "person": summary.name_of(people, card["about"]),
                "visibility": card["visibility"],
                "hidden": card["hidden"],
            }
        )
    return rows


def colors_of(store: Store, workshop: Workshop) -> dict[str, str]:
    """Each person's colour on the board, so the map matches it."""
    return {
        p["id"]: summary.PALETTE[p["color"] % len(summary.PALETTE)]
        for p in _snapshot(store, workshop["id"])["participants"]
    }
