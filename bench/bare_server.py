"""The bare reference: a minimal Flask-SocketIO server doing only join and broadcast.

    python bench/bare_server.py PORT [eventlet|gevent] [--message-queue redis://…]

Speaks just enough of the app's protocol for bench/load.py: a client connects with
``auth={"code": ...}`` and joins that room; ``add_card`` is acknowledged and broadcast to the
room as ``card_saved``. No database, no validation, no privacy: what is left of the app's cost
when everything the app does is taken away. ``--message-queue`` puts Flask-SocketIO's queue on
Redis, as the app's ``--message-queue`` does: the reference for several processes.
"""

import argparse
import warnings

parser = argparse.ArgumentParser(description="The bare Flask-SocketIO reference for bench/load.py.")
parser.add_argument("port", type=int)
parser.add_argument("mode", nargs="?", default="eventlet", choices=("eventlet", "gevent"))
parser.add_argument("--message-queue", default=None)
ARGS = parser.parse_args()
MODE = ARGS.mode
if MODE == "eventlet":
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet
    eventlet.monkey_patch()
else:
    from gevent import monkey

    monkey.patch_all()

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode=MODE, message_queue=ARGS.message_queue, logger=False, engineio_logger=False)
version = 0
room_of: dict[str, str] = {}


@app.get("/healthz")
def healthz():
    return {"ok": True}


@socketio.on("connect")
def connect(auth=None):
    room_of[request.sid] = (auth or {}).get("code", "room")
    join_room(room_of[request.sid])
    socketio.emit("state", {"version": version}, to=request.sid)


@socketio.on("add_card")
def add_card(data):
    global version
    version += 1
    room = room_of[request.sid]
    payload = {"version": version, "card": {"id": data.get("id"), "text": data.get("text")}}
    socketio.emit("card_saved", payload, to=room)
    return {"ok": True, "version": version, "card": payload["card"]}  # the app's ack carries the card too


if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=ARGS.port, log_output=False)
