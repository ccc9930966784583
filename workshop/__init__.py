"""The workshop app: ``create_app()`` wires the store, the pages, the API and the live channel."""

from __future__ import annotations

import logging
import os
import re

from flask import Flask, jsonify, make_response, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_compress import Compress
from werkzeug.exceptions import HTTPException

from . import model
from .i18n import babel, remember_chosen_language, select_locale
from .limits import limiter
from .live import socketio
from .model import WorkshopError
from .store import Store

__all__ = ["create_app", "socketio"]

MAX_MESSAGE_BYTES = 64 * 1024

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# What a browser may show as a page (then it needs the policy and the framing rules).
DOCUMENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"})

HTTP_ERRORS = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "invalid",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
}


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config from defaults, then the environment, then ``test_config``."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.path.join(root, "instance"),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "workshops.sqlite3"),
        PUBLIC_URL=None,
        RETENTION_DAYS=None,
        ASYNC_MODE=None,
        MAX_CONTENT_LENGTH=MAX_MESSAGE_BYTES,
        BABEL_DEFAULT_LOCALE="nl",
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(os.path.dirname(__file__), "translations"),
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
            "text/markdown",
            "text/csv",
        ],
        COMPRESS_MIN_SIZE=512,
        MINIFY_SCRIPTS=os.environ.get("WORKSHOP_MINIFY_SCRIPTS", "1") != "0",
    )
    if os.environ.get("WORKSHOP_DB"):
        app.config["DATABASE"] = os.environ["WORKSHOP_DB"]
    for setting in ("GUESS_LIMIT", "CREATION_LIMIT", "EVENT_RATE"):  # e.g. "30 per minute", "15"
        if os.environ.get(f"WORKSHOP_{setting}"):
            app.config[setting] = os.environ[f"WORKSHOP_{setting}"]
    if test_config:
        app.config.from_mapping(test_config)

    if isinstance(app.json, DefaultJSONProvider):  # always, unless another provider is set
        app.json.sort_keys = False  # keep payloads in the documented order
    # CLOCK: the one clock (workshop/clock.py); tests pass a FakeClock, the server the real one.
    app.extensions["workshop_store"] = Store(app.config["DATABASE"], clock=app.config.get("CLOCK"))
    babel.init_app(app, locale_selector=select_locale)
    Compress(app)
    limiter.init_app(app)

    from . import api, events, views  # noqa: F401  (events registers the socket handlers)

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        cors_allowed_origins=app.config.get("ALLOWED_ORIGINS"),
        manage_session=False,
        logger=False,
        engineio_logger=False,
    )

    @app.context_processor
    def language():
        return {"lang": str(get_locale())}

    _register_error_handlers(app)
    _register_headers(app)
    _compress_static_files_once(app)
    logging.getLogger("engineio").setLevel(logging.WARNING)
    logging.getLogger("socketio").setLevel(logging.WARNING)
    return app


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(WorkshopError)
    def workshop_error(exc: WorkshopError):
        if _wants_json():
            return jsonify({"error": exc.as_dict()}), exc.status
        return _error_page(exc.status)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500  # an HTTPException without a code is not one Flask raises
        code = HTTP_ERRORS.get(status, "invalid" if status < 500 else "internal")
        if _wants_json():
            return jsonify({"error": {"code": code, "message": exc.description}}), status
        return _error_page(status)


def _error_page(status: int):
    messages = {
        401: _("This page is for the workshop's facilitator. Open it with a sign-in link made in your console."),
        403: _("This page is for the workshop's facilitator. Open it with a sign-in link made in your console."),
        404: _("There is no workshop here. It may have been deleted, or the code is mistyped."),
        413: _("That was too much at once."),
        429: _("Too many tries. Wait a minute, then try again."),
    }
    message = messages.get(status, _("Something went wrong. Please try again."))
    forget = _erased_workshop_code() if status == 404 else None
    response = make_response(render_template("error.html", status=status, message=message, forget=forget), status)
    if forget:
        from .web import cookie_name

        response.delete_cookie(cookie_name(forget, "participant"), path="/")
    return response


def _erased_workshop_code() -> str | None:
    """The code of a workshop page (``/w/<code>/…``, ``/j/<code>``) whose workshop does not exist:
    a phone opened after its workshop was erased forgets what it kept for it (the page says so
    with ``data-forget``), and its dead cookie goes."""
    match = re.match(r"^/[wj]/([^/]+)", request.path)
    code = model.normalize_code(match.group(1)) if match else ""
    if not model.looks_like_code(code):
        return None
    from .web import store

    return code if store().workshop_by_code(code) is None else None


def _compress_static_files_once(app: Flask) -> None:
    """Scripts and styles are made small once and kept: our scripts minified (rjsmin: comments
    and spaces out, the phone's script from 87 KB to 56 KB), then compressed at brotli's best
    (13 KB as sent instead of 20 KB). Pages change per request and go through Flask-Compress.
    ``MINIFY_SCRIPTS = False`` (or WORKSHOP_MINIFY_SCRIPTS=0) serves the scripts as written."""
    import brotli
    import rjsmin

    cache: dict[tuple, tuple[bytes, bytes]] = {}

    def small(path: str, body: bytes) -> bytes:
        ours = path.startswith("/static/js/") and path.endswith(".js")
        if ours and app.config["MINIFY_SCRIPTS"]:
            return rjsmin.jsmin(body.decode("utf-8")).encode("utf-8")
        return body

    @app.after_request
    def compress_static(response):
        if request.endpoint != "static" or response.status_code != 200 or "Content-Encoding" in response.headers:
            return response
        etag, _ = response.get_etag()
        key = (request.path, etag)
        response.direct_passthrough = False
        if key not in cache:
            body = small(request.path, response.get_data())
            cache[key] = (body, brotli.compress(body, quality=11))
        plain, compressed = cache[key]
        if request.accept_encodings["br"]:
            response.set_data(compressed)
            response.headers["Content-Encoding"] = "br"
        else:
            response.set_data(plain)
        response.headers["Vary"] = "Accept-Encoding"
        return response


def _register_headers(app: Flask) -> None:
    app.after_request(remember_chosen_language)

    @app.after_request
    def security_headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        # The policy, the framing and the referrer rules only mean something on a document: a
        # script or a stylesheet goes without them (about 300 bytes less on each such file of the
        # phone's first load, whose budget is 60 KB). A static file a browser shows as a page
        # (HTML, SVG) keeps them.
        if request.endpoint != "static" or response.mimetype in DOCUMENT_TYPES:
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["X-Frame-Options"] = "DENY"
        # Pages, the API's answers, the team link's files, redirects that set an identity cookie:
        # each may carry a credential or personal data, so no cache (the browser's, a proxy's)
        # may keep one. Only static files, and answers that say otherwise (the QR code), are
        # left to be cached.
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        elif request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
