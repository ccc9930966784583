"""HTML pages: home, join, phone, facilitator console, board, summary, QR code."""

from __future__ import annotations

import io
import json
from datetime import date

import segno
from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from pydantic import ValidationError

from . import limits, model, names, read, service, summary
from .events import VIEWS_BY_ROLE, seat_changed
from .i18n import use_workshop_language
from .live import broadcast, disconnect_room_later, key_room
from .model import WorkshopError
from .rows import Workshop
from .web import (
    actor_for,
    bearer_token,
    check_same_origin,
    cookie_name,
    public_base,
    set_identity_cookie,
    store,
    workshop_urls,
)
from .web import workshop_or_404 as find_workshop

bp = Blueprint("views", __name__)
# Every request that names a join code or a team link, on any blueprint, is guess-limited.
limits.guard(bp)
#: The workshop a route's code names; none is a miss, which spends guess budget.
workshop_or_404 = limits.a_miss_when_not_found(find_workshop)


#: How many facilitator cookies the home page looks at: more than anyone facilitates in the two
#: months a cookie lasts, few enough that a browser stuffed with made-up ones costs little.
MY_WORKSHOPS_MAX = 40


def _my_workshops() -> tuple[list[dict], list[str]]:
    """The workshops this browser holds the facilitator key of (its ``wf_<code>`` cookies, the
    key itself, checked as every facilitator page checks it), newest first; and the codes whose
    cookie no longer opens anything (the key was rotated, the workshop erased). Nothing else
    names a workshop here: not a participant's, a board's or a team link's cookie, not a code
    typed before. Only what the facilitator wrote and set: title, code, phase, date."""
    prefix = cookie_name("", "facilitator")
    found, stale = [], []
    held = [(name[len(prefix) :], token) for name, token in request.cookies.items() if name.startswith(prefix)]
    for code, token in held[:MY_WORKSHOPS_MAX]:
        if not model.looks_like_code(code) or model.normalize_code(code) != code:
            continue
        try:
            actor, workshop = service.authenticate(store(), token, code)
        except WorkshopError:
            stale.append(code)
            continue
        if actor.role != "facilitator":
            continue
        found.append(
            {
                "code": workshop["code"],
                "title": workshop["title"],
                "phase": workshop["phase"],
                "created_at": workshop["created_at"],
                "created": format_date(date.fromisoformat(workshop["created_at"][:10]), "medium"),
                "console_url": url_for("views.console", code=workshop["code"]),
                "board_url": url_for("views.board", code=workshop["code"]),
                "summary_url": url_for("views.summary_page", code=workshop["code"])
                if workshop["phase"] == "closed"
                else None,
            }
        )
    found.sort(key=lambda w: w["created_at"], reverse=True)
    return found, stale


def _home(form=None, errors=None, join_error=None, status=200):
    mine, stale = _my_workshops()
    response = make_response(
        render_template(
            "home.html", form=form or {"language": "nl"}, errors=errors or {}, join_error=join_error, mine=mine
        ),
        status,
    )
    for code in stale:  # a key that opens nothing any more: the browser may forget it
        response.delete_cookie(cookie_name(code, "facilitator"), path="/")
    return response


@bp.get("/")
def home():
    return _home()


def _form_errors(exc: ValidationError) -> dict:
    """Validation errors as one message per form field, for people."""
    messages = {
        "title": _("Give the workshop a title of at most %(n)s characters.", n=model.TITLE_MAX),
        "language": _("Choose Dutch or English."),
        "default_visibility": _("Choose who sees drive cards by default."),
        "goals": _(
            "Each line is one goal of at most %(n)s characters; at most %(max)s in all.",
            n=model.TEXT_MAX,
            max=model.GOALS_MAX,
        ),
    }
    errors = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "title"
        errors[field] = messages.get(field, _("Please check this field."))
    return errors


@bp.post("/workshops")
@limits.limit_creations
def create_workshop():
    """The home page's form: create a workshop, remember the facilitator, open the console."""
    form = {
        k: request.form.get(k, "")
        for k in ("title", "language", "goals", "projects", "activities", "default_visibility")
    }
    goals = []
    for field, kind in (("goals", "goal"), ("projects", "project"), ("activities", "activity")):
        goals += model.parse_goal_lines(form[field], kind)
    try:
        req = model.CreateWorkshop.model_validate(
            {
                "title": form["title"],
                "language": form["language"] or "nl",
                "goals": goals,
                "default_visibility": form["default_visibility"] or "named",
            }
        )
    except ValidationError as exc:
        return _home(form=form, errors=_form_errors(exc), status=400)
    workshop, token = service.create_workshop(store(), req)
    response = redirect(url_for("views.console", code=workshop["code"]), 303)
    set_identity_cookie(response, workshop["code"], "facilitator", token)
    return response


@bp.post("/join")
def join_by_code():
    """The home page's code box."""
    code = model.normalize_code(request.form.get("code", ""))
    if not model.looks_like_code(code) or store().workshop_by_code(code) is None:
        limits.missed()
        return _home(
            form={"language": "nl", "code": request.form.get("code", "")[:16]},
            join_error=_("No workshop has that code. Check the code on the screen."),
            status=404,
        )
    return redirect(url_for("views.join_page", code=code), 303)


def _participant_or_none(workshop):
    try:
        return actor_for(workshop, "participant")
    except WorkshopError:
        return None


@bp.get("/j/<code>")
def join_page(code):
    """Where the QR code leads: a first name and one button (or straight on, if already joined)."""
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    if _participant_or_none(workshop):
        return redirect(url_for("views.phone", code=workshop["code"]), 303)
    rejoined = _rejoin_from_previous(workshop)
    if rejoined is not None:
        return rejoined
    # A phone cookie that no longer admits anyone (its person was removed, or left, while the
    # phone was closed): the page tells the phone to forget this workshop, and the cookie goes.
    stale = cookie_name(workshop["code"], "participant") in request.cookies
    forget = workshop["code"] if stale else None
    if workshop["phase"] == "closed":
        response = make_response(_closed_to_newcomers(workshop, forget))
    elif len(store().participant_names(workshop["id"])) >= limits.cap("MAX_PARTICIPANTS"):
        # Said before a name is typed; the form stays (someone may be removed meanwhile).
        page = render_template("join.html", workshop=workshop, name="", error=_full(), forget=forget)
        response = make_response(page, 409)
    else:
        response = make_response(render_template("join.html", workshop=workshop, name="", error=None, forget=forget))
    if stale:
        response.delete_cookie(cookie_name(workshop["code"], "participant"), path="/")
    return response


def _full() -> str:
    return _(
        "This workshop is full: it has room for %(n)s people. Ask the facilitator, who can remove someone who left.",
        n=limits.cap("MAX_PARTICIPANTS"),
    )


def _closed_to_newcomers(workshop: Workshop, forget=None):
    """Joining ends with the workshop: its code admits nobody new once it is closed."""
    return render_template("join.html", workshop=workshop, name="", error=None, closed=True, forget=forget), 409


def _rejoin_from_previous(workshop: Workshop):
    """A phone that took part in the previous workshop takes its seat in this follow-up as the
    same person, without typing anything."""
    if not workshop["previous_id"]:
        return None
    previous = store().workshop(workshop["previous_id"])
    token = previous and request.cookies.get(cookie_name(previous["code"], "participant"))
    if not token:
        return None
    try:
        _, new_token = service.rejoin(store(), workshop, token)
    except WorkshopError:
        return None
    response = redirect(url_for("views.phone", code=workshop["code"]), 303)
    set_identity_cookie(response, workshop["code"], "participant", new_token)
    return response


def _name_refusal(name: str):
    """Why a typed name cannot be read as it is (names.check_name), with what to put back in the
    field; None when it was refused for another reason (empty, too long)."""
    try:
        names.check_name(name.strip())
    except names.NameRefused as refused:
        if refused.reason == "marks":
            return _("Your name stacks accents on a letter. Type it again with at most two on each letter."), name
        return _("Your name held characters that do not show or that turn text around. Type it again."), ""
    return None


@bp.post("/j/<code>")
def join(code):
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    name = request.form.get("name", "")
    try:
        req = model.Join.model_validate({"name": name})
        _participant, token, change = service.join(store(), workshop, req)
    except ValidationError:
        refused = _name_refusal(name)
        if refused is not None:
            # Invisible characters cannot be edited out of the field: it comes back empty.
            error, name = refused
        else:
            error = _("Type your first name (at most %(n)s characters).", n=model.NAME_MAX)
        return render_template("join.html", workshop=workshop, name=name[: model.NAME_MAX], error=error), 400
    except WorkshopError as exc:
        if exc.code == "closed":
            return _closed_to_newcomers(workshop)
        if exc.code == "locked":  # for now: the form stays, with the name, to send again later
            error = _("Joining is locked right now. Ask the facilitator to let you in, then join again.")
            return render_template("join.html", workshop=workshop, name=name, error=error), 403
        if exc.code == "workshop_full":
            return render_template("join.html", workshop=workshop, name=name, error=_full()), 409
        if exc.code != "conflict":
            raise
        if getattr(exc, "look_alike", None):
            error = _(
                "That name looks too much like %(name)s, who is already here. Add an initial, for example.",
                name=exc.look_alike,
            )
        else:
            error = _("Someone here already uses that name. Add an initial, for example.")
        return render_template("join.html", workshop=workshop, name=name, error=error), 409
    broadcast(workshop["id"], change)
    response = redirect(url_for("views.phone", code=workshop["code"]), 303)
    set_identity_cookie(response, workshop["code"], "participant", token)
    return response


@bp.get("/w/<code>/phone")
def phone(code):
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    if _participant_or_none(workshop) is None:
        return redirect(url_for("views.join_page", code=workshop["code"]), 303)
    boot = {"code": workshop["code"], "role": "participant", "view": "phone"}
    return render_template("phone.html", workshop=workshop, boot=boot)


@bp.get("/w/<code>/phone/market")
def phone_market(code):
    """The phone's market section, fetched by the phone once its workshop is a
    marketplace: kept out of phone.html, whose first load must stay under 60 KB. Words only,
    no data (that comes with the live state); for the workshop's participants."""
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    if _participant_or_none(workshop) is None:
        return Response(status=403)
    return render_template("phone_market.html")


def _facilitator_page(code, template, view):
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    actor_for(workshop, "facilitator")
    return _workshop_page(workshop, template, "facilitator", view)


def _workshop_page(workshop: Workshop, template: str, role: str, view: str):
    """The console or the board; no page carries a key (the cookie holds it)."""
    urls = workshop_urls(workshop["code"])
    c = workshop["code"]
    return render_template(
        template,
        workshop=workshop,
        join_url=urls["join"],
        qr_url=url_for("views.qr_code", code=c),
        board_url=url_for("views.board", code=c),
        summary_url=url_for("views.summary_page", code=c),
        signin_link_url=url_for("views.create_signin_link", code=c),
        facilitator_key_url=url_for("views.rotate_facilitator_key", code=c),
        boot={"code": c, "role": role, "view": view, "join_url": urls["join"]},
    )


# --- credentials: the one-time sign-in link, a new facilitator key, the board's own key ------


def _facilitator_or_none(workshop):
    try:
        return actor_for(workshop, "facilitator")
    except WorkshopError:
        return None


@bp.get("/w/<code>/facilitate")
def console(code):
    """The facilitator's console. ``?key=`` (the one-time sign-in link) signs this browser in
    (the cookie gets the facilitator key), is used up, and redirects to the clean URL."""
    key = request.args.get("key")
    if key is not None:
        return _sign_in(code, key)
    return _facilitator_page(code, "console.html", "console")


def _sign_in(code: str, key: str):
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    clean = redirect(url_for("views.console", code=workshop["code"]), 303)
    try:
        token = service.use_signin(store(), workshop, key)
    except WorkshopError:
        if _facilitator_or_none(workshop):
            return clean  # a used link (the back button, a reload) in a browser already signed in
        message = _(
            "This sign-in link was already used, or a newer one replaced it. On a device where the "
            "console is open, make a new link."
        )
        return render_template("error.html", status=401, message=message), 401
    set_identity_cookie(clean, workshop["code"], "facilitator", token)
    return clean


@bp.post("/w/<code>/signin-link")
def create_signin_link(code):
    """The console (cookie) makes a one-time link that opens it on another device."""
    check_same_origin()
    workshop = workshop_or_404(code)
    actor = actor_for(workshop, "facilitator")
    token = bearer_token() or request.cookies.get(cookie_name(workshop["code"], "facilitator"))
    signin = service.create_signin(store(), actor, token)
    return _no_store({"url": workshop_urls(workshop["code"], signin)["facilitator"]})


@bp.post("/w/<code>/facilitator-key")
def rotate_facilitator_key(code):
    """The console (cookie) makes a new facilitator key: every session of the old one ends,
    this browser gets the new key in its cookie (the page then reloads)."""
    check_same_origin()
    workshop = workshop_or_404(code)
    actor = actor_for(workshop, "facilitator")
    token, old = service.rotate_facilitator_key(store(), actor)
    disconnect_room_later(key_room(old))
    response = _no_store({"ok": True})
    set_identity_cookie(response, workshop["code"], "facilitator", token)
    return response


def _no_store(body: dict):
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/w/<code>/take-part")
def take_part(code):
    """The facilitator joins their own workshop as a participant too (the manager answers first).
    The console's form posts here from this site (it opens the phone view in a new tab)."""
    check_same_origin()
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    actor_for(workshop, "facilitator")
    name = request.form.get("name", "")
    try:
        req = model.Join.model_validate({"name": name})
        _participant, token, change = service.join(store(), workshop, req)
    except ValidationError:
        refused = _name_refusal(name)
        message = refused[0] if refused else _("Type your first name (at most %(n)s characters).", n=model.NAME_MAX)
        return render_template("error.html", status=400, message=message), 400
    except WorkshopError as exc:
        messages = {
            "conflict": _("Choose another first name to take part."),
            "closed": _("This workshop is closed: nobody new can take part any more."),
            "locked": _("Joining is locked. Untick “Lock joining” in the console to take part."),
            "workshop_full": _full(),
        }
        if exc.code not in messages:
            raise
        return render_template("error.html", status=exc.status, message=messages[exc.code]), exc.status
    broadcast(workshop["id"], change)
    response = redirect(url_for("views.phone", code=workshop["code"]), 303)
    set_identity_cookie(response, workshop["code"], "participant", token)
    return response


@bp.get("/w/<code>/board")
def board(code):
    """The projector board: with the facilitator's cookie as before (it may link cards), with
    the board's own read-only key, or with a participant's cookie (their own board on a laptop:
    what the team sees and their own cards, which they link). ``?key=`` (the board link) sets the board's short-lived
    cookie, then a clean redirect."""
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    key = request.args.get("key")
    if key is not None:
        try:
            service.authenticate_board(store(), key, workshop["code"])
        except WorkshopError:
            return _board_link_refused()
        response = redirect(url_for("views.board", code=workshop["code"]), 303)
        set_identity_cookie(response, workshop["code"], "board", key)
        return response
    if _facilitator_or_none(workshop):
        return _workshop_page(workshop, "board.html", "facilitator", "board")
    board_key = request.cookies.get(cookie_name(workshop["code"], "board"))
    if board_key is None:
        if _participant_or_none(workshop):  # a participant's own board: the team's view and their cards
            return _workshop_page(workshop, "board.html", "participant", "board")
        actor_for(workshop, "facilitator")  # raises: this page is not for this browser
    try:
        service.authenticate_board(store(), board_key, workshop["code"])
    except WorkshopError:
        return _board_link_refused()
    return _workshop_page(workshop, "board.html", "board", "board")


def _board_link_refused():
    message = _(
        "This board link no longer works: the facilitator made a new one or stopped it. Ask for the new board link."
    )
    return render_template("error.html", status=401, message=message), 401


# --- a seat on more devices: the personal link -------------------------------------


@bp.get("/w/<code>/seat")
def seat_page(code):
    """Where a personal link leads. The secret is in the link's #fragment, which the browser
    never sends: this page carries none, and its script strips the fragment from the address
    and posts it (``POST`` below)."""
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    return render_template(
        "seat.html", workshop=workshop, seat_url=url_for("views.use_seat_link", code=workshop["code"])
    )


@bp.post("/w/<code>/seat")
def use_seat_link(code):
    """The seat page's script posts the link's secret (JSON ``{key}``). A valid one is used up:
    this browser gets a device token of its own in the participant's cookie, and the answer
    says where to go (``next``: the phone's page; ``board``: the team's board, where
    participants have one). A wrong key spends guess budget, as a wrong code does."""
    check_same_origin()
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    request_key = _seat_key()
    held = _participant_or_none(workshop)
    try:
        token, change = service.use_seat_link(store(), workshop, request_key.key, held)
    except WorkshopError:
        if held is not None:  # a used link (the back button, a reload) in a browser already signed in
            return _seat_next(workshop)
        limits.missed()
        message = _(
            "This personal link was used or replaced. On a device where you take part, open Me → "
            "Open on another device for a new one, or ask the facilitator."
        )
        error = model.unauthorized(message).as_dict()
        response = make_response({"error": error}, 401)
        response.headers["Cache-Control"] = "no-store"
        return response
    response = _seat_next(workshop)
    if token is not None:
        set_identity_cookie(response, workshop["code"], "participant", token)
    seat_changed(change)
    return response


def _seat_key() -> model.SeatKey:
    raw = request.get_data(cache=True)
    if not request.is_json:
        raise model.invalid("Send a JSON object with Content-Type: application/json.")
    return model.parse(model.SeatKey, model.loads_json(raw))


def _seat_next(workshop: Workshop):
    """Where a browser that holds a seat goes: the board when participants have one (a wide
    window), else the phone's page."""
    c = workshop["code"]
    boards = "board" in VIEWS_BY_ROLE["participant"]
    return _no_store(
        {"next": url_for("views.phone", code=c), "board": url_for("views.board", code=c) if boards else None}
    )


@bp.get("/w/<code>/summary")
def summary_page(code):
    workshop = workshop_or_404(code)
    use_workshop_language(workshop["language"])
    actor_for(workshop, "facilitator")
    data = read.full_summary(store(), workshop, model.FACILITATOR)
    c = workshop["code"]
    downloads = {
        "md": url_for("api.summary_md", code=c),
        "csv": url_for("api.summary_csv", code=c),
        "json": url_for("api.summary_json", code=c),
        "links_csv": url_for("api.links_csv", code=c),
        "cards_csv": url_for("api.cards_csv", code=c),
        "map_svg": url_for("api.map_svg", code=c),
        "marketplace_json": url_for("api.marketplace_json", code=c),
        "marketplace_csv": url_for("api.marketplace_csv", code=c),
    }
    return render_template(
        "summary.html", workshop=workshop, summary=data, downloads=downloads, map_url=downloads["map_svg"], team=False
    )


@limits.a_miss_when_not_found
def _team_workshop(token: str) -> Workshop:
    workshop = store().workshop_by_team_token(model.hash_token(token)) if 20 <= len(token) <= 200 else None
    if workshop is None:
        raise model.not_found()
    use_workshop_language(workshop["language"])
    return workshop


@bp.get("/t/<token>")
def team_summary(token):
    """The team's read-only summary: what the team may see, nothing more (secret, revocable link)."""
    workshop = _team_workshop(token)
    data = read.full_summary(store(), workshop, model.TEAM)
    downloads = {
        "md": url_for("views.team_summary_md", token=token),
        "json": url_for("views.team_summary_json", token=token),
        "map_svg": url_for("views.team_map", token=token),
    }
    response = make_response(
        render_template(
            "summary.html",
            workshop=workshop,
            summary=data,
            downloads=downloads,
            map_url=downloads["map_svg"],
            team=True,
        )
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/t/<token>/summary.json")
def team_summary_json(token):
    workshop = _team_workshop(token)
    return Response(
        json.dumps(read.full_summary(store(), workshop, model.TEAM), ensure_ascii=False, indent=2),
        mimetype="application/json",
    )


@bp.get("/t/<token>/summary.md")
def team_summary_md(token):
    workshop = _team_workshop(token)
    return Response(summary.to_markdown(read.full_summary(store(), workshop, model.TEAM), _), mimetype="text/markdown")


@bp.get("/t/<token>/map.svg")
def team_map(token):
    workshop = _team_workshop(token)
    return Response(
        summary.link_map_svg(
            read.full_summary(store(), workshop, model.TEAM), _("Anonymous"), read.colors_of(store(), workshop)
        ),
        mimetype="image/svg+xml",
    )


@bp.get("/w/<code>/qr.svg")
def qr_code(code):
    """The join URL as an SVG QR code, dark on light, with a quiet zone for scanning from afar.
    (An erased workshop's is gone too; like every route that names a code, it is guess-limited.)"""
    workshop = workshop_or_404(code)
    buffer = io.BytesIO()
    segno.make(workshop_urls(workshop["code"])["join"], error="m").save(
        buffer,
        kind="svg",
        scale=10,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=False,
        svgns=True,
    )
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/healthz")
def healthz():
    return {"ok": store().ping()}


__all__ = ["bp", "public_base"]
