"""The public REST API: JSON in and out, for integrations and scripting.

Errors are ``{"error": {"code", "message"}}`` with a 4xx status; an invalid request changes nothing.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request

from . import limits, market, model, read, service, summary
from .i18n import use_workshop_language
from .live import broadcast, close_workshop_rooms, disconnect_room_later, key_room
from .rows import Workshop
from .web import (
    absolute,
    actor_for,
    bearer_token,
    board_url,
    snapshot_or_404,
    store,
    workshop_urls,
)
from .web import workshop_or_404 as find_workshop

bp = Blueprint("api", __name__, url_prefix="/api")
#: The workshop a route's code names; none is a miss, which spends guess budget (workshop/limits.py).
workshop_or_404 = limits.a_miss_when_not_found(find_workshop)


def json_body(empty: dict | None = None) -> dict:
    """The request's JSON object (``empty`` for no body at all, where the body is optional).

    Parsed bounded (model.loads_json): malformed, too deep or not an object is ``invalid``."""
    raw = request.get_data(cache=True)
    if empty is not None and not raw:
        return empty
    if not request.is_json:
        raise model.invalid("Send a JSON object with Content-Type: application/json.")
    data = model.loads_json(raw)
    if not isinstance(data, dict):
        raise model.invalid("Send a JSON object with Content-Type: application/json.")
    return data


@bp.post("/workshops")
@limits.limit_creations
def create_workshop():
    """Create a workshop. 201 with its code, the facilitator token and its URLs."""
    req = model.parse(model.CreateWorkshop, json_body())
    workshop, token = service.create_workshop(store(), req)
    return _secret(_with_key(workshop, token))


def _with_key(workshop: Workshop, token: str) -> dict:
    """A new facilitator key as an answer: the key (for the bearer) and the workshop's URLs, the
    facilitator's being a one-time sign-in link (the key itself is never in a URL)."""
    signin = service.create_signin(store(), model.Actor(workshop["id"], "facilitator"), token)
    return {"code": workshop["code"], "facilitator_token": token, "urls": workshop_urls(workshop["code"], signin)}


def _secret(body: dict, status: int = 201) -> Response:
    """An answer that carries a credential (a key, a participant token, a link with one): no cache
    may keep it. (Every other answer but static files is no-store too, by default: see
    ``security_headers`` in workshop/__init__.py.)"""
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/workshops/<code>/participants")
def add_participant(code):
    """Join a workshop by name. 201 with the participant's id and token; a taken name 409, a
    full workshop 409 ``workshop_full``."""
    workshop = workshop_or_404(code)
    req = model.parse(model.Join, json_body())
    participant, token, change = service.join(store(), workshop, req)
    broadcast(workshop["id"], change)
    return _secret({"participant_id": participant["id"], "participant_token": token})


@bp.get("/workshops/<code>")
def get_workshop(code):
    """The whole workshop, for its facilitator."""
    workshop = workshop_or_404(code)
    actor_for(workshop, "facilitator")
    return jsonify(read.facilitators_workshop(store(), workshop))


def _facilitators_workshop(code: str) -> Workshop:
    """The workshop, once the caller proved to be its facilitator; the rest of the request speaks its language."""
    workshop = workshop_or_404(code)
    actor_for(workshop, "facilitator")
    use_workshop_language(workshop["language"])
    return workshop


def _summary_for(code: str) -> tuple[Workshop, dict]:
    workshop = _facilitators_workshop(code)
    return workshop, read.full_summary(store(), workshop, model.FACILITATOR)


def _download(body: str, mimetype: str, code: str, ext: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="workshop-{code}.{ext}"'
    return response


@bp.get("/workshops/<code>/summary.json")
def summary_json(code):
    workshop, data = _summary_for(code)
    return _download(json.dumps(data, ensure_ascii=False, indent=2), "application/json", workshop["code"], "json")


@bp.get("/workshops/<code>/summary.md")
def summary_md(code):
    from flask_babel import gettext

    workshop, data = _summary_for(code)
    return _download(summary.to_markdown(data, gettext), "text/markdown", workshop["code"], "md")


@bp.get("/workshops/<code>/summary.csv")
def summary_csv(code):
    workshop, data = _summary_for(code)
    return _download(summary.to_csv(data), "text/csv", workshop["code"], "csv")


@bp.get("/workshops/<code>/links.csv")
def links_csv(code):
    workshop, data = _summary_for(code)
    return _download(summary.links_csv(data), "text/csv", workshop["code"] + "-links", "csv")


@bp.get("/workshops/<code>/cards.csv")
def cards_csv(code):
    workshop, data = _summary_for(code)
    return _download(summary.cards_csv(data), "text/csv", workshop["code"] + "-cards", "csv")


@bp.get("/workshops/<code>/themes.csv")
def themes_csv(code):
    workshop, data = _summary_for(code)
    return _download(summary.themes_csv(data), "text/csv", workshop["code"] + "-themes", "csv")


@bp.get("/workshops/<code>/map.svg")
def map_svg(code):
    from flask_babel import gettext

    workshop, data = _summary_for(code)
    return _download(
        summary.link_map_svg(data, gettext("Anonymous"), read.colors_of(store(), workshop)),
        "image/svg+xml",
        workshop["code"] + "-map",
        "svg",
    )


def _team_summary_for(code: str) -> tuple[Workshop, dict]:
    """For exports that leave the room (an intranet marketplace): only what the team may see."""
    workshop = _facilitators_workshop(code)  # not the full summary too: it would be built for nothing
    return workshop, summary.build(snapshot_or_404(workshop["id"]), model.TEAM)


@bp.get("/workshops/<code>/marketplace.json")
def marketplace_json(code):
    workshop, data = _team_summary_for(code)
    return _download(
        json.dumps(summary.marketplace(data), ensure_ascii=False, indent=2),
        "application/json",
        workshop["code"] + "-marketplace",
        "json",
    )


@bp.get("/workshops/<code>/marketplace.csv")
def marketplace_csv(code):
    workshop, data = _team_summary_for(code)
    return _download(summary.marketplace_csv(data), "text/csv", workshop["code"] + "-marketplace", "csv")


@bp.post("/workshops/<code>/follow-up")
def follow_up(code):
    """Start a follow-up of a closed workshop: 201 with the new workshop's code, token and URLs."""
    workshop = workshop_or_404(code)
    actor = actor_for(workshop, "facilitator", allow_cookie=False)
    new, token = service.create_follow_up(store(), actor, model.parse(model.FollowUp, json_body(empty={})))
    return _secret(_with_key(new, token))


@bp.post("/workshops/<code>/rejoin")
def rejoin(code):
    """Someone from the previous workshop takes their seat in this follow-up (their old token as bearer)."""
    workshop = workshop_or_404(code)
    participant, token = service.rejoin(store(), workshop, bearer_token())
    return _secret({"participant_id": participant["id"], "participant_token": token})


@bp.post("/workshops/<code>/team-link")
def create_team_link(code):
    """A new secret read-only link to the team's summary (an earlier one stops working)."""
    workshop = workshop_or_404(code)
    actor = actor_for(workshop, "facilitator", allow_cookie=False)
    token = service.create_team_link(store(), actor)
    return _secret({"url": absolute("views.team_summary", token=token)})


@bp.delete("/workshops/<code>/team-link")
def revoke_team_link(code):
    workshop = workshop_or_404(code)
    service.revoke_team_link(store(), actor_for(workshop, "facilitator", allow_cookie=False))
    return "", 204


# --- the marketplace's read-only key ---------------------------------------------------------


@bp.post("/workshops/<code>/market-key")
def create_market_key(code):
    """A new read-only key for an intranet page showing the open asks and offers (an earlier one
    stops working): 201 ``{key, url}``."""
    workshop = workshop_or_404(code)
    key = market.create_market_key(store(), actor_for(workshop, "facilitator", allow_cookie=False))
    return _secret({"key": key, "url": absolute("api.market_view", key=key)})


@bp.delete("/workshops/<code>/market-key")
def revoke_market_key(code):
    workshop = workshop_or_404(code)
    market.revoke_market_key(store(), actor_for(workshop, "facilitator", allow_cookie=False))
    return "", 204


#: The workshop a market key opens; none is a miss, which spends guess budget (workshop/limits.py).
_by_market_key = limits.a_miss_when_not_found(market.workshop_by_market_key)


@bp.get("/market")
def market_view():
    """The team's view of the marketplace for the holder of its read-only key: open asks and
    offers, no names, no proposals."""
    workshop = _by_market_key(store(), request.args.get("key"))
    return jsonify(market.market_view(store(), workshop))


# --- credentials ---------------------------------------------------------------------------


@bp.post("/workshops/<code>/board-link")
def create_board_link(code):
    """A new board link for another computer (read-only, the team's view); an earlier one stops
    working and the boards connected with it are disconnected."""
    workshop = workshop_or_404(code)
    token, old = service.create_board_link(store(), actor_for(workshop, "facilitator", allow_cookie=False))
    if old:
        disconnect_room_later(key_room(old))
    return _secret({"url": board_url(workshop["code"], token)})


@bp.delete("/workshops/<code>/board-link")
def revoke_board_link(code):
    workshop = workshop_or_404(code)
    old = service.revoke_board_link(store(), actor_for(workshop, "facilitator", allow_cookie=False))
    if old:
        disconnect_room_later(key_room(old))
    return "", 204


@bp.post("/workshops/<code>/signin-link")
def create_signin_link(code):
    """A one-time sign-in link that opens the console in a browser (an unused earlier one stops working)."""
    workshop = workshop_or_404(code)
    actor = actor_for(workshop, "facilitator", allow_cookie=False)
    signin = service.create_signin(store(), actor, bearer_token())
    return _secret({"url": workshop_urls(workshop["code"], signin)["facilitator"]})


@bp.post("/workshops/<code>/facilitator-key")
def rotate_facilitator_key(code):
    """A new facilitator key: the old one stops working (bearer, cookies, sign-in link) and every
    connection made with it is closed. 201 like creating a workshop."""
    workshop = workshop_or_404(code)
    token, old = service.rotate_facilitator_key(store(), actor_for(workshop, "facilitator", allow_cookie=False))
    disconnect_room_later(key_room(old))
    return _secret(_with_key(workshop, token))


@bp.delete("/workshops/<code>")
def delete_workshop(code):
    """Erase a workshop and everything in it (bearer token only: no cookie-driven erasure),
    with its follow-ups unless ``?keep_follow_ups=1``."""
    workshop = workshop_or_404(code)
    actor = actor_for(workshop, "facilitator", allow_cookie=False)
    keep = request.args.get("keep_follow_ups") in ("1", "true") or request.args.get("follow_ups") in ("0", "false")
    for erased in service.delete_workshop(store(), actor, follow_ups=not keep):
        close_workshop_rooms(erased)
    return "", 204
