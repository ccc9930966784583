"""What the HTML pages and the REST API share: who is asking over HTTP, URLs, cookies."""

from __future__ import annotations

from flask import current_app, request, url_for

from . import model, service
from .model import Actor, WorkshopError
from .rows import Snapshot, Workshop
from .store import Store

COOKIE_MAX_AGE = 60 * 60 * 24 * 60  # two months: long enough to come back for the summary
BOARD_COOKIE_MAX_AGE = 60 * 60 * 24  # the projector's PC: one workshop day
COOKIE_PREFIX = {"facilitator": "wf", "participant": "wp", "board": "wb"}


def store() -> Store:
    """The app's store (create_app made it)."""
    opened: Store = current_app.extensions["workshop_store"]
    return opened


def cookie_name(code: str, role: str) -> str:
    return f"{COOKIE_PREFIX[role]}_{code}"


def set_identity_cookie(response, code: str, role: str, token: str) -> None:
    """The token lives in an HttpOnly cookie: page scripts never see it."""
    response.set_cookie(
        cookie_name(code, role),
        token,
        max_age=BOARD_COOKIE_MAX_AGE if role == "board" else COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure or public_base().startswith("https:"),
        path="/",
    )


def workshop_or_404(code: str) -> Workshop:
    workshop = store().workshop_by_code(model.normalize_code(code))
    if workshop is None:
        raise model.not_found()
    return workshop


def snapshot_or_404(workshop_id: str) -> Snapshot:
    """Everything about a workshop that was there a moment ago (erased since: not found)."""
    snapshot = store().snapshot(workshop_id)
    if snapshot is None:
        raise model.not_found()
    return snapshot


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def actor_for(workshop: Workshop, role: str, allow_cookie: bool = True) -> Actor:
    """The caller's identity in this workshop, from the bearer token or (pages) the cookie.

    Raises unauthorized (no or unknown token, or another workshop's) or forbidden (wrong role).
    """
    token = bearer_token()
    if token is None and allow_cookie:
        token = request.cookies.get(cookie_name(workshop["code"], role))
    actor, found = service.authenticate(store(), token)
    if found["id"] != workshop["id"]:
        raise WorkshopError("forbidden", "That token belongs to another workshop.", 403)
    if actor.role != role:
        raise model.forbidden(f"Only the {role} may do that.")
    return actor


def public_base() -> str:
    """The address phones use: --public-url, else the machine's LAN address, else this request's host."""
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def absolute(endpoint: str, **values) -> str:
    return public_base() + url_for(endpoint, **values)


def workshop_urls(code: str, signin: str | None = None) -> dict:
    """The workshop's addresses; with ``signin`` (a one-time sign-in code), the facilitator's
    is the sign-in link. No URL ever carries the facilitator key itself."""
    urls = {
        "join": absolute("views.join_page", code=code),
        "board": absolute("views.board", code=code),
        "facilitator": absolute("views.console", code=code),
        "summary": absolute("views.summary_page", code=code),
    }
    if signin:
        urls["facilitator"] = signin_url(code, signin)
    return urls


def signin_url(code: str, signin: str) -> str:
    """The one-time sign-in link: opening it signs a browser in to the console once."""
    return absolute("views.console", code=code, key=signin)


def board_url(code: str, board_key: str) -> str:
    """The board link for another computer: read-only, the team's view."""
    return absolute("views.board", code=code, key=board_key)


def check_same_origin() -> None:
    """For a form or script POST that a cookie authorises: the browser must say it came from
    this site (SameSite=Lax already keeps other sites' POSTs from carrying the cookie)."""
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        raise model.forbidden("That request came from another site.")
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        allowed = {request.host_url.rstrip("/"), public_base()}
        extra = current_app.config.get("ALLOWED_ORIGINS") or []
        allowed |= {extra} if isinstance(extra, str) else set(extra)
        if origin.rstrip("/") not in allowed:
            raise model.forbidden("That request came from another site.")
