"""The live channel: the Socket.IO server, its rooms, and how a committed change is broadcast.

Rooms are explicit: ``team:<workshop>`` holds phones and boards (what the team may see),
``facilitator:<workshop>`` the consoles (everything), ``participant:<id>`` one person's phones
(for what only they see, such as who named a strength).
"""

from __future__ import annotations

from flask_socketio import SocketIO

from .limits import BoundedJSON
from .model import FACILITATOR, TEAM, Viewer
from .service import Change, is_replay

socketio = SocketIO(json=BoundedJSON)  # payloads nested too deeply are refused, not parsed


def team_room(workshop_id: str) -> str:
    return f"team:{workshop_id}"


def facilitator_room(workshop_id: str) -> str:
    return f"facilitator:{workshop_id}"


def participant_room(participant_id: str) -> str:
    return f"participant:{participant_id}"


def key_room(token_hash: str) -> str:
    """Every connection made with one facilitator or board key (by its hash): when the key is
    rotated, renewed or revoked, exactly these are closed, and none made with the new one."""
    return f"key:{token_hash}"


def sids_in(room: str) -> list[str]:
    return [sid for sid, _ in socketio.server.manager.get_participants("/", room)]


def broadcast(workshop_id: str, change: Change) -> None:
    """Send a committed change to everyone in the workshop, each audience its own view.

    The facilitator's consoles get everything; each participant whose view may differ (the
    card's person and author) gets theirs on their own room and is skipped in the team's
    broadcast, unless it is the same as the team's; everyone else (phones and boards) gets the
    team's view. A replay (a request that changed nothing) is not broadcast: everyone has it.
    """
    if is_replay(change):
        return
    consoles = facilitator_room(workshop_id)
    if sids_in(consoles):  # an emit encodes its message even for an empty room
        socketio.emit(*change.view(FACILITATOR), to=consoles)
    team_view = change.view(TEAM)
    skip: list[str] = []
    for participant_id in change.special:
        if participant_id is None:
            continue
        own_view = change.view(Viewer("participant", participant_id))
        if own_view == team_view:
            continue  # nothing of theirs differs: the team's message serves them too
        room = participant_room(participant_id)
        sids = sids_in(room)
        if sids:
            socketio.emit(*own_view, to=room)
            skip += sids
    socketio.emit(*team_view, to=team_room(workshop_id), skip_sid=skip or None)


def disconnect_later(sids: list[str]) -> None:
    """Close these connections a moment from now, so the request at hand is still acknowledged."""

    def close():
        socketio.sleep(0.5)
        for sid in sids:
            socketio.server.disconnect(sid, namespace="/")

    socketio.start_background_task(close)


def disconnect_room_later(room: str) -> None:
    """Close every connection in a room a moment from now (the key they used stopped working);
    who is in it is looked up then, so a connection made meanwhile with the old key goes too."""

    def close():
        socketio.sleep(0.5)
        for sid in sids_in(room):
            socketio.server.disconnect(sid, namespace="/")

    socketio.start_background_task(close)


def close_workshop_rooms(workshop_id: str) -> None:
    """Tell everyone a workshop is gone, then disconnect them.

    The disconnect waits a moment in the background, so the request that erased the workshop
    is still acknowledged on its own connection.
    """
    rooms = (team_room(workshop_id), facilitator_room(workshop_id))
    for room in rooms:
        socketio.emit("workshop_deleted", {}, to=room)
    disconnect_later([sid for room in rooms for sid in sids_in(room)])
