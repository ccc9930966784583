"""What the HTML pages and the REST API share: who is asking over HTTP, URLs, cookies."""

from __future__ import annotations

from typing import Optional

from flask import current_app, request, url_for

from . import model, service
from .model import Actor, WorkshopError

COOKIE_MAX_AGE = 60 * 60 * 24 * 60  # two months: long enough to come back for the summary


def store():
    return current_app.extensions["workshop_store"]


def cookie_name(code: str, role: str) -> str:
    return f"{'wf' if role == 'facilitator' else 'wp'}_{code}"


def set_identity_cookie(response, code: str, role: str, token: str) -> None:
    """The token lives in an HttpOnly cookie: page scripts never see it."""
    response.set_cookie(
        cookie_name(code, role), token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
        secure=request.is_secure or public_base().startswith("https:"), path="/",
    )


def workshop_or_404(code: str) -> dict:
    workshop = store().workshop_by_code(model.normalize_code(code))
    if workshop is None:
        raise model.not_found()
    return workshop


def bearer_token() -> Optional[str]:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def actor_for(workshop: dict, role: str, allow_cookie: bool = True) -> Actor:
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


def workshop_urls(code: str, facilitator_token: Optional[str] = None) -> dict:
    urls = {
        "join": absolute("views.join_page", code=code),
        "board": absolute("views.board", code=code),
        "facilitator": absolute("views.console", code=code),
        "summary": absolute("views.summary_page", code=code),
    }
    if facilitator_token:
        urls["facilitator"] += "?key=" + facilitator_token
    return urls
