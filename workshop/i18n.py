"""Which language a page speaks: a workshop's own pages follow the workshop; the home page
follows the visitor's choice (``?lang=``, remembered in a cookie) or their browser.
Translations live in ``workshop/translations/<lang>/LC_MESSAGES/messages.po``.
"""

from __future__ import annotations

from flask import g, request
from flask_babel import Babel
from flask_babel import lazy_gettext as _l

from .model import LANGUAGES

babel = Babel()


def chosen_language() -> str | None:
    """The language asked for with ``?lang=`` or remembered in the ``lang`` cookie."""
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return None


def select_locale() -> str:
    """A person's own choice first; then the workshop's language on its pages; then the browser's."""
    chosen = chosen_language()
    if chosen:
        return chosen
    workshop_language = g.get("workshop_language")
    if workshop_language in LANGUAGES:
        return workshop_language
    return request.accept_languages.best_match(LANGUAGES) or "nl"


def remember_chosen_language(response):
    """``?lang=`` on any page is remembered for this browser (a cookie for a year)."""
    language = request.args.get("lang")
    if language in LANGUAGES and request.cookies.get("lang") != language:
        response.set_cookie("lang", language, max_age=60 * 60 * 24 * 365, samesite="Lax")
    return response


def use_workshop_language(language: str) -> None:
    """Make the rest of this request speak the workshop's language."""
    g.workshop_language = language


# Words used as data (a goal's kind, a card's kind) and translated where they are shown.
KIND_WORDS = (_l("goal"), _l("project"), _l("activity"), _l("drive"), _l("strength"))
