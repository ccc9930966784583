"""The workshop app: ``create_app()`` wires the store, the pages, the API and the live channel."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, jsonify, make_response, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_compress import Compress
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from . import model
from .i18n import babel, remember_chosen_language, select_locale
from .limits import limiter
from .live import socketio
from .logs import request_line
from .model import WorkshopError
from .shared import queue_manager
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


def create_app(test_config: Mapping[str, Any] | None = None, config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config``: every setting (workshop/config.py), as app.py read them from the
    command line, the environment and the config file. Without it, a test's app (``test_config``)
    starts from the defaults alone (an operator's workshop.toml or WORKSHOP_ variables do not
    reach it), any other from the environment and the config file. ``test_config`` goes on top,
    its settings checked as well. A wrong setting raises ``config.ConfigError``."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.path.join(root, "instance"),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    app.config.from_mapping(
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
    )
    if config is None:
        config = settings.defaults() if test_config is not None else settings.load()
    app.config.from_mapping(config)
    if test_config:
        app.config.from_mapping(settings.from_code(test_config))
    if app.config["DATABASE"] == settings.DEFAULT_DATABASE:
        app.config["DATABASE"] = os.path.join(app.instance_path, "workshops.sqlite3")
    # Flask-Limiter's counters: in this process, or shared through the message queue's Redis by
    # every process that serves the same workshops.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("MESSAGE_QUEUE") or "memory://")

    if isinstance(app.json, DefaultJSONProvider):  # always, unless another provider is set
        app.json.sort_keys = False  # keep payloads in the documented order
    # CLOCK: the one clock (workshop/clock.py); tests pass a FakeClock, the server the real one.
    app.extensions["workshop_store"] = Store(app.config["DATABASE"], clock=app.config.get("CLOCK"))
    babel.init_app(app, locale_selector=select_locale)
    Compress(app)
    limiter.init_app(app)

    from . import api, events, org_views, views  # noqa: F401  (events registers the socket handlers)

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(org_views.bp)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        cors_allowed_origins=_origin_check(app),
        # MESSAGE_QUEUE: Flask-SocketIO's Redis queue, with the messages our rooms need (shared.py)
        client_manager=queue_manager(app.config.get("MESSAGE_QUEUE")),
        manage_session=False,
        logger=False,
        engineio_logger=False,
    )
    # Outermost, so the Socket.IO middleware sees the client's address and scheme too.
    proxies = int(app.config.get("PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=0)  # type: ignore[method-assign]

    @app.context_processor
    def language():
        return {"lang": str(get_locale())}

    _register_error_handlers(app)
    _register_request_log(app)
    _register_headers(app)
    _compress_static_files_once(app)
    logging.getLogger("engineio").setLevel(logging.WARNING)
    logging.getLogger("socketio").setLevel(logging.WARNING)
    return app


def _origin_check(app: Flask):
    """Which pages may open a Socket.IO connection: this site (as the browser reached it, through
    the trusted proxies), the public address, and ALLOWED_ORIGINS. (An empty list would turn
    Engine.IO's check off altogether, and its own check believes any X-Forwarded-Host.)"""

    def origin_of(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def allowed(origin: str | None, environ: dict) -> bool:
        known = {origin_of(url) for url in app.config.get("ALLOWED_ORIGINS") or []}
        if app.config.get("PUBLIC_URL"):
            known.add(origin_of(app.config["PUBLIC_URL"]))
        if "HTTP_HOST" in environ:
            known.add(f"{environ.get('wsgi.url_scheme', 'http')}://{environ['HTTP_HOST']}")
        return origin is None or origin.rstrip("/") in known

    return allowed


def _register_request_log(app: Flask) -> None:
    """One log line per request: method, route rule, status, duration (workshop/logs.py). The
    route rule, never the path: a path carries join codes, a query string keys."""

    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        route = request.url_rule.rule if request.url_rule is not None else "(no route)"
        started = g.get("request_started", time.perf_counter())
        request_line(request.method, route, response.status_code, started, request.remote_addr or "")
        return response

    def log_exception(exc_info) -> None:  # Flask's own names the path, which carries the code
        route = request.url_rule.rule if request.url_rule is not None else "(no route)"
        app.logger.error("Exception on %s [%s]", route, request.method, exc_info=exc_info)

    app.log_exception = log_exception  # type: ignore[method-assign]


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
