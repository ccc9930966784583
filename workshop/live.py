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
from .shared import QueueManager

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
    """This process's connections in a room (with a queue, other processes have theirs)."""
    return [sid for sid, _ in socketio.server.manager.get_participants("/", room)]


def _queue() -> QueueManager | None:
    """The message queue, when several processes share the workshops."""
    manager = socketio.server.manager
    return manager if isinstance(manager, QueueManager) else None


def broadcast(workshop_id: str, change: Change) -> None:
    """Send a committed change to everyone in the workshop, each audience its own view.

    The facilitator's consoles get everything; each participant whose view may differ (the
    card's person and author) gets theirs on their own room and is left out of the team's
    broadcast, unless it is the same as the team's; everyone else (phones and boards) gets the
    team's view. A replay (a request that changed nothing) is not broadcast: everyone has it.

    With a message queue, members may be on any process: every room is sent to, even an empty
    one (this process cannot know; each such emit costs a Redis PUBLISH, and each other process
    a lookup of the room), and the team's message leaves out the participants' rooms on each
    process (``QueueManager.emit_skipping_rooms``), so a phone on another process gets its own
    view and not the team's too.
    """
    if is_replay(change):
        return
    queue = _queue()
    consoles = facilitator_room(workshop_id)
    if queue or sids_in(consoles):  # an emit encodes its message even for an empty room
        socketio.emit(*change.view(FACILITATOR), to=consoles)
    event, team_payload = team_view = change.view(TEAM)
    own_rooms: list[str] = []
    for participant_id in change.special:
        if participant_id is None:
            continue
        own_view = change.view(Viewer("participant", participant_id))
        if own_view == team_view:
            continue  # nothing of theirs differs: the team's message serves them too
        room = participant_room(participant_id)
        if queue or sids_in(room):
            socketio.emit(*own_view, to=room)
            own_rooms.append(room)
    if queue and own_rooms:
        queue.emit_skipping_rooms(event, team_payload, team_room(workshop_id), own_rooms)
        return
    skip = [sid for room in own_rooms for sid in sids_in(room)]
    socketio.emit(*team_view, to=team_room(workshop_id), skip_sid=skip or None)


def disconnect_later(sids: list[str]) -> None:
    """Close these connections (of this process) a moment from now, so the request at hand is
    still acknowledged."""

    def close():
        socketio.sleep(0.5)
        for sid in sids:
            socketio.server.disconnect(sid, namespace="/")

    socketio.start_background_task(close)


def disconnect_rooms(*rooms: str) -> None:
    """Close every connection in these rooms, on every process, now (with a queue, one message
    each for every process; without, this process's own)."""
    queue = _queue()
    for room in rooms:
        if queue:
            queue.disconnect_room(room)
            continue
        for sid in sids_in(room):
            socketio.server.disconnect(sid, namespace="/")


def disconnect_room_later(*rooms: str) -> None:
    """Close every connection in these rooms, on every process, a moment from now (so the
    request at hand is still acknowledged); who is in them is looked up then, so a connection
    made meanwhile with a key that stopped working goes too."""

    def close():
        socketio.sleep(0.5)
        disconnect_rooms(*rooms)

    socketio.start_background_task(close)


def close_workshop_rooms(workshop_id: str, now: bool = False) -> None:
    """Tell everyone a workshop is gone, then disconnect them (on every process).

    The disconnect waits a moment in the background, so the request that erased the workshop
    is still acknowledged on its own connection; ``now``: at once, before this returns (an
    operator's command, which ends right after and has no connection of its own to answer).
    """
    rooms = (team_room(workshop_id), facilitator_room(workshop_id))
    for room in rooms:
        socketio.emit("workshop_deleted", {}, to=room)
    if now:
        disconnect_rooms(*rooms)
    else:
        disconnect_room_later(*rooms)
