"""Build the workshop app and run its server. Nothing else lives here.

    python app.py [--host H] [--port P] [--db PATH] [--public-url URL]
                  [--async-mode eventlet|gevent|threading] [--retention-days N]

The async server is eventlet unless ``--async-mode gevent`` or ``WORKSHOP_ASYNC_MODE=gevent``
(``threading``: Werkzeug's development server); this is the only module that imports either.
``--retention-days N`` erases workshops closed, or idle, for N days (default: keep them).
"""

import argparse
import os
import sys
import warnings


def _async_mode(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg.startswith("--async-mode="):
            return arg.split("=", 1)[1]
        if arg == "--async-mode" and i + 1 < len(argv):
            return argv[i + 1]
    return os.environ.get("WORKSHOP_ASYNC_MODE", "eventlet")


ASYNC_MODE = _async_mode(sys.argv[1:]) if __name__ == "__main__" else os.environ.get("WORKSHOP_ASYNC_MODE", "eventlet")

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

import socket

from workshop import create_app, socketio


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
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(1024)
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


def serve(app, host: str, port: int, async_mode: str) -> None:
    """Run the app's server in the chosen async mode, quietly (no request log: URLs carry codes)."""
    allow_open_files(MAX_CONNECTIONS + 100)
    if async_mode == "eventlet":
        import eventlet.wsgi

        eventlet.wsgi.server(listening_socket(host, port), app, log_output=False, max_size=MAX_CONNECTIONS)
    elif async_mode == "gevent":
        from gevent import pywsgi
        from geventwebsocket.handler import WebSocketHandler

        pywsgi.WSGIServer(listening_socket(host, port), app, handler_class=WebSocketHandler, log=None).serve_forever()
    else:
        socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Run the team workshop app.")
    parser.add_argument("--host", default=os.environ.get("WORKSHOP_HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WORKSHOP_PORT", "5000")))
    parser.add_argument(
        "--db", default=os.environ.get("WORKSHOP_DB"), help="SQLite file (default: instance/workshops.sqlite3)"
    )
    parser.add_argument(
        "--public-url",
        default=os.environ.get("WORKSHOP_PUBLIC_URL"),
        help="the address phones use, e.g. https://workshop.example.org",
    )
    parser.add_argument("--async-mode", choices=("eventlet", "gevent", "threading"), default=ASYNC_MODE)
    parser.add_argument(
        "--retention-days",
        type=float,
        default=os.environ.get("WORKSHOP_RETENTION_DAYS"),
        help="erase workshops closed, or idle, for this many days (default: keep)",
    )
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    reachable = lan_address() if args.host in ("0.0.0.0", "::") else args.host
    public_url = (args.public_url or f"http://{reachable}:{args.port}").rstrip("/")
    config = {"PUBLIC_URL": public_url, "ASYNC_MODE": args.async_mode}
    if args.db:
        config["DATABASE"] = args.db
    if args.retention_days is not None:
        config["RETENTION_DAYS"] = float(args.retention_days)
        config["RETENTION_SWEEP_SECONDS"] = float(os.environ.get("WORKSHOP_RETENTION_SWEEP_SECONDS", "3600"))
    app = create_app(config)
    if app.config.get("RETENTION_DAYS") is not None:
        from workshop.retention import keep_sweeping

        socketio.start_background_task(keep_sweeping, app)
        days = app.config["RETENTION_DAYS"]
        print(f"  Workshops closed, or idle, for {days:g} days are erased", flush=True)
    print(f"Workshop app ({args.async_mode}) on {public_url}", flush=True)
    print(f"  Phones on the same network join at {public_url}/", flush=True)
    print(f"  Start a workshop at {public_url}/ (facilitator and board links appear there)", flush=True)
    for workshop in app.extensions["workshop_store"].recent_workshops():
        base = f"{public_url}/w/{workshop['code']}"
        print(f"  Workshop {workshop['code']}: facilitator {base}/facilitate  board {base}/board", flush=True)
    print(f"  Database: {app.config['DATABASE']}", flush=True)
    serve(app, args.host, args.port, args.async_mode)


if __name__ == "__main__":
    main()
