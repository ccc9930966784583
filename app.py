"""Build the workshop app and run its server, or run an operator's command. Nothing else lives here.

    python app.py [serve] [--host H] [--port P] [--db PATH] [--public-url URL]
                  [--async-mode eventlet|gevent|threading] [--retention-days N] [--config FILE] ...
    python app.py list | sweep | backup FILE | erase CODE | rotate-key CODE | digest   [settings]

Every setting (``python app.py --help`` lists them) also comes from the environment
(``WORKSHOP_<KEY>``) and from ``instance/workshop.toml``; the table is workshop/config.py, and
docs/OPERATIONS.md ("Settings") shows it. A wrong value stops the start with one line naming it.
The async server is eventlet unless ``--async-mode gevent`` (``threading``: Werkzeug's development
server); this is the only module that imports either. ``--retention-days N`` erases workshops
closed, or idle, for N days (default: keep them).
"""

import os
import sys
import warnings


def _early_async_mode(argv: list[str]) -> str:
    """The async mode before anything is imported (monkey-patching comes first): from the command
    line, the environment or the config file. workshop/config.py checks it properly later."""
    for i, arg in enumerate(argv):
        if arg.startswith("--async-mode="):
            return arg.split("=", 1)[1]
        if arg == "--async-mode" and i + 1 < len(argv):
            return argv[i + 1]
    if os.environ.get("WORKSHOP_ASYNC_MODE", "").strip():
        return os.environ["WORKSHOP_ASYNC_MODE"].strip()
    path = os.environ.get("WORKSHOP_CONFIG") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "instance", "workshop.toml"
    )
    for i, arg in enumerate(argv):
        if arg.startswith("--config="):
            path = arg.split("=", 1)[1]
        elif arg == "--config" and i + 1 < len(argv):
            path = argv[i + 1]
    try:
        import tomllib

        with open(path, "rb") as f:
            table = {key.upper(): value for key, value in tomllib.load(f).items()}
        return str(table.get("ASYNC_MODE", "eventlet"))
    except (OSError, ValueError):
        return "eventlet"


ASYNC_MODE = _early_async_mode(sys.argv[1:]) if __name__ == "__main__" else "eventlet"

# Monkey-patch before anything else imports socket or threading.
if __name__ == "__main__":
    if ASYNC_MODE == "eventlet":
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
            import eventlet

        eventlet.monkey_patch()
    elif ASYNC_MODE == "gevent":
        from gevent import monkey

        monkey.patch_all()

import argparse
import errno
import logging
import socket

from workshop import config as settings
from workshop import create_app, socketio
from workshop.cli import COMMANDS, run
from workshop.logs import configure

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def lan_address() -> str:
    """This machine's address on the local network, as phones on the same Wi-Fi reach it.

    Connecting a UDP socket sends nothing; it only asks the OS which interface would be used.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def listening_socket(host: str, port: int) -> socket.socket:
    """The server's socket, with Nagle's algorithm off for every connection it accepts.

    A change often sends two small messages in a row to one phone (the broadcast and the
    acknowledgement, or ``rejected`` and the acknowledgement); with Nagle on, the second waits
    for the phone's delayed ACK, 40 ms or more. Accepted connections inherit TCP_NODELAY.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


#: Open connections the server takes at once: a phone, board or console is one each, for as long
#: as it is open (eventlet's own default, 1,024, would make the 1,025th phone wait).
MAX_CONNECTIONS = 10_000


def allow_open_files(wanted: int) -> None:
    """Raise this process's limit on open files (every connection is one) as far as allowed."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


server_log = logging.getLogger("workshop.server")


class QuietErrorLog:
    """The WSGI server's error log (gevent's ``error_log``, the app's ``wsgi.errors``): one line
    saying that something went wrong, without the text, which names the client's socket and
    address and may quote the request line (a path with a join code, a query with a key)."""

    def write(self, text: str) -> None:
        if text.strip():
            server_log.warning("the server refused or failed a request (its details name the client: not logged)")

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass


def quiet_gevent_handler():
    """gevent-websocket's handler, but an exception escaping the app is logged by its type and
    traceback alone: gevent's own hands the request's environ (the client's address; cookies
    and query string only masked by gevent's current defaults) to the hub, which prints it."""
    from gevent import GreenletExit
    from geventwebsocket.handler import WebSocketHandler

    class QuietHandler(WebSocketHandler):
        def _log_error(self, t, v, tb):  # gevent's hook for an unexpected error in a request
            if not issubclass(t, GreenletExit):
                server_log.error("a request failed: %s", t.__name__, exc_info=(t, v, tb))

    return QuietHandler


def serve(app, sock: socket.socket, async_mode: str) -> None:
    """Run the app's server on its socket, quietly (no request log of the server's own: URLs carry
    codes; the app logs each request by its route instead). An exception escaping the app is
    logged without the request: eventlet's server, without ``log_output``, logs nothing at all;
    gevent's gets a quiet handler and error log."""
    allow_open_files(MAX_CONNECTIONS + 100)
    if async_mode == "eventlet":
        import eventlet.wsgi

        eventlet.wsgi.server(sock, app, log_output=False, max_size=MAX_CONNECTIONS)
    elif async_mode == "gevent":
        from gevent import pywsgi

        pywsgi.WSGIServer(
            sock, app, handler_class=quiet_gevent_handler(), log=None, error_log=QuietErrorLog()
        ).serve_forever()
    else:
        import flask.cli

        host, port = sock.getsockname()[:2]
        sock.close()  # Werkzeug opens its own (the port was free a moment ago)
        flask.cli.show_server_banner = lambda *args, **kwargs: None  # printed, not logged: off
        socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True)


def parser() -> argparse.ArgumentParser:
    """Settings as flags (only those given are kept), before or after the command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="a TOML file of settings (default: instance/workshop.toml, if there) [WORKSHOP_CONFIG]",
    )
    settings.add_flags(common)
    main = argparse.ArgumentParser(
        description="Run the team workshop app, or an operator's command on its database.",
        parents=[common],
        epilog="Each flag's environment variable is in brackets; docs/OPERATIONS.md has the table.",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND", title="commands (default: serve)")
    for name, (help_text, argument) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[common])
        if argument:
            sub.add_argument("argument", metavar=argument)
    return main


def say(text: str, log_format: str) -> None:
    """A line for whoever started the server: printed, or one more JSON line when logs are JSON."""
    if log_format == "json":
        logging.getLogger("workshop.start").info(text.strip())
    else:
        print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = vars(parser().parse_args(argv))
    command = args.pop("command", None) or "serve"
    argument = args.pop("argument", None)
    config_path = args.pop("config", None)
    try:
        config = settings.load(command_line=args, config_path=config_path)
    except settings.ConfigError as exc:
        print(f"app.py: {exc}", file=sys.stderr)
        return 2
    configure(config["LOG_LEVEL"], config["LOG_FORMAT"])
    if command != "serve":
        return run(command, config, argument)
    return start(config)


def start(config: dict) -> int:
    host, port, form = config["HOST"], config["PORT"], config["LOG_FORMAT"]
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"Port {port} is in use: another program listens there (choose another with --port)", file=sys.stderr)
        else:
            print(f"Cannot listen on {host} port {port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    loopback = host in LOOPBACK
    reachable = lan_address() if host in ("0.0.0.0", "::", "") else host
    if ":" in reachable:
        reachable = f"[{reachable}]"
    public_url = (config["PUBLIC_URL"] or f"http://{reachable}:{port}").rstrip("/")
    app = create_app({"PUBLIC_URL": public_url}, config=config)
    if app.config.get("RETENTION_DAYS") is not None:
        from workshop.retention import keep_sweeping

        socketio.start_background_task(keep_sweeping, app)
        days = app.config["RETENTION_DAYS"]
        say(f"  Workshops closed, or idle, for {days:g} days are erased", form)
    say(f"Workshop app ({config['ASYNC_MODE']}) on {public_url}", form)
    if loopback and not config["PUBLIC_URL"]:
        say(f"  Only this computer can open it, at {public_url}/: phones on other devices cannot reach it", form)
        say("  (listening on loopback: use --host 0.0.0.0 for the local network, or --public-url behind a proxy)", form)
    else:
        say(f"  Phones on the same network join at {public_url}/", form)
    say(f"  Start a workshop at {public_url}/ (facilitator and board links appear there)", form)
    if config["SHOW_CODES"]:
        for workshop in app.extensions["workshop_store"].recent_workshops():
            base = f"{public_url}/w/{workshop['code']}"
            say(f"  Workshop {workshop['code']}: facilitator {base}/facilitate  board {base}/board", form)
    say(f"  Database: {app.config['DATABASE']}", form)
    serve(app, sock, config["ASYNC_MODE"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
