"""The organisation page and its REST API (workshop/org.py holds the rules).

- ``POST /organisations`` (the home page's form) and ``POST /api/organisations {name}`` create one;
- ``GET /o/<id>``: the page (``?key=``: the organiser's one-time sign-in link, used up, then a
  clean redirect), which fetches ``GET /api/organisations/<id>`` again every few seconds;
- the organiser: a new join code, a team taken out, a sign-in link for another device.

Who may read: the organiser (their cookie ``wo_<id>``, or their key as a bearer token), and a
facilitator or participant of a member workshop (their cookie for that workshop, or their token
as a bearer). Anyone else gets 404, as for an organisation that does not exist, and spends
guess budget.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from . import limits, model, org, service
from .i18n import use_workshop_language
from .live import broadcast
from .model import WorkshopError
from .rows import Organisation
from .web import COOKIE_MAX_AGE, absolute, bearer_token, check_same_origin, cookie_name, public_base, store

bp = Blueprint("org", __name__)


def _organisation(organisation_id: str) -> Organisation:
    if len(organisation_id) > 64:
        raise org.not_member()
    organisation = store().organisation(organisation_id)
    if organisation is None:
        raise org.not_member()
    return organisation


def _organiser_key(organisation_id: str) -> str | None:
    return bearer_token() or request.cookies.get(org.organiser_cookie(organisation_id))


def _seat(organisation: Organisation) -> org.Seat | None:
    """Who asks: None for the organiser, a member's seat, or not found (a miss)."""
    if org.is_organiser(store(), organisation["id"], _organiser_key(organisation["id"])):
        return None
    members = store().members(organisation["id"])
    member_ids = {m["id"] for m in members}
    bearer = bearer_token()
    if bearer:
        try:
            actor, _workshop = service.authenticate(store(), bearer)
        except WorkshopError:
            actor = None
        if actor is not None and actor.workshop_id in member_ids:
            return org.Seat(actor.workshop_id, actor.participant_id)
    for member in members:
        workshop = store().workshop(member["id"])
        if workshop is None:
            continue
        for role in ("facilitator", "participant"):
            token = request.cookies.get(cookie_name(workshop["code"], role))
            if not token:
                continue
            try:
                actor, _workshop = service.authenticate(store(), token, workshop["code"])
            except WorkshopError:
                continue
            return org.Seat(actor.workshop_id, actor.participant_id)
    raise org.not_member()


#: The organisation a request names, with who asks; none (or no right to it) is a miss.
_found = limits.a_miss_when_not_found(lambda organisation_id: _with_seat(organisation_id))


def _with_seat(organisation_id: str) -> tuple[Organisation, org.Seat | None]:
    organisation = _organisation(organisation_id)
    return organisation, _seat(organisation)


def _set_organiser_cookie(response, organisation_id: str, key: str) -> None:
    response.set_cookie(
        org.organiser_cookie(organisation_id),
        key,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure or public_base().startswith("https:"),
        path="/",
    )


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _created(organisation: Organisation, signin: str) -> dict:
    return {
        "id": organisation["id"],
        "name": organisation["name"],
        "organiser_url": absolute("org.page", organisation_id=organisation["id"], key=signin),
        "join_code": organisation["join_code"],
    }


# --- pages ----------------------------------------------------------------------------------


@bp.post("/organisations")
@limits.limit_creations
def create_from_home():
    """The home page's small form "Bring teams together": the organiser's page, signed in."""
    check_same_origin()
    request_ = model.parse(org.CreateOrganisation, {"name": request.form.get("name", "")})
    organisation, signin = org.create_organisation(store(), request_)
    key = org.use_organiser_signin(store(), organisation["id"], signin)
    response = redirect(url_for("org.page", organisation_id=organisation["id"]), 303)
    _set_organiser_cookie(response, organisation["id"], key)
    return response


@bp.get("/o/<organisation_id>")
def page(organisation_id):
    """The organisation page: every member team's open asks and offers (re-fetched every few
    seconds), the viewer's cross-team proposals, and for the organiser the join code and counts."""
    signin = request.args.get("key")
    if signin is not None:
        organisation = limits.a_miss_when_not_found(_organisation)(organisation_id)
        clean = redirect(url_for("org.page", organisation_id=organisation["id"]), 303)
        try:
            key = org.use_organiser_signin(store(), organisation["id"], signin)
        except WorkshopError:
            if org.is_organiser(store(), organisation["id"], _organiser_key(organisation["id"])):
                return clean
            message = _(
                "This sign-in link was already used. On a device where the organisation page is open, make a new link."
            )
            return render_template("error.html", status=401, message=message), 401
        _set_organiser_cookie(clean, organisation["id"], key)
        return clean
    organisation, seat = _found(organisation_id)
    if seat is not None:
        workshop = store().workshop(seat.workshop_id)
        if workshop is not None:
            use_workshop_language(workshop["language"])
    boot = {
        "id": organisation["id"],
        "api": url_for("org.api_page", organisation_id=organisation["id"]),
        "organiser": seat is None,
    }
    return _no_store(make_response(render_template("org.html", organisation=organisation, boot=boot)))


# --- the REST API ---------------------------------------------------------------------------


@bp.post("/api/organisations")
@limits.limit_creations
def api_create():
    """201 ``{id, name, organiser_url, join_code}``: the organiser's URL is a one-time sign-in link."""
    from .api import json_body

    organisation, signin = org.create_organisation(store(), model.parse(org.CreateOrganisation, json_body()))
    response = jsonify(_created(organisation, signin))
    response.status_code = 201
    return _no_store(response)


@bp.get("/api/organisations/<organisation_id>")
def api_page(organisation_id):
    """The organisation page's JSON, as the one asking may see it."""
    organisation, seat = _found(organisation_id)
    return _no_store(jsonify(org.org_page(store(), organisation, seat)))


def _as_organiser(organisation_id: str) -> tuple[Organisation, str]:
    organisation, seat = _found(organisation_id)
    if seat is not None:
        raise model.forbidden("Only the organiser does that.")
    if not bearer_token():
        check_same_origin()
    key = _organiser_key(organisation["id"])
    assert key is not None
    return organisation, key


@bp.post("/api/organisations/<organisation_id>/join-code")
def api_join_code(organisation_id):
    """The organiser: a new join code (the old one stops working; teams in stay)."""
    organisation, key = _as_organiser(organisation_id)
    return _no_store(jsonify({"join_code": org.rotate_join_code(store(), organisation["id"], key)}))


@bp.post("/api/organisations/<organisation_id>/signin-link")
def api_signin_link(organisation_id):
    """The organiser: a one-time link that opens the organisation page on another device."""
    organisation, key = _as_organiser(organisation_id)
    signin = org.organiser_signin(store(), organisation["id"], key)
    response = jsonify({"url": absolute("org.page", organisation_id=organisation["id"], key=signin)})
    response.status_code = 201
    return _no_store(response)


@bp.delete("/api/organisations/<organisation_id>/teams/<team>")
def api_remove_team(organisation_id, team):
    """The organiser takes a team out: its waiting cross-team proposals are withdrawn, its
    screens hear ``settings_changed``."""
    organisation, key = _as_organiser(organisation_id)
    workshop_id, change = org.remove_team(store(), organisation["id"], key, team)
    broadcast(workshop_id, change)
    return "", 204
