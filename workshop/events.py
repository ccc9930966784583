"""Socket.IO handlers: check who is asking, parse the payload, call the service, emit.

Every client → server event answers through its acknowledgement, ``{"ok": true, ...}`` or
``{"ok": false, "error": {...}}``; an error also reaches the sender alone as ``rejected``.
Nobody else hears about a refused request.

Most events are one row of ``ACTIONS`` (name → payload schema → service action), registered in
a loop through ``client_event``, which holds what every handler does: the rate budget, the
identity from the connection, the board's read-only key, parsing, the acknowledgement and the
broadcast. The few events that do more (a read, credentials, closing connections) are written
out below the table.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from time import perf_counter
from typing import Any

import segno
from flask import current_app, request
from flask_socketio import ConnectionRefusedError, join_room
from pydantic import BaseModel, Field

from . import market, model, org, read, service
from .i18n import chosen_language
from .limits import bucket_for, cap
from .live import (
    broadcast,
    close_workshop_rooms,
    disconnect_later,
    disconnect_room_later,
    facilitator_room,
    key_room,
    participant_room,
    socketio,
    team_room,
)
from .logs import event_line
from .model import Actor, WorkshopError
from .shared import Connection, Registry, SharedStateAway, TooManyConnections, registry_for
from .store import Store
from .web import absolute, board_url, cookie_name, workshop_urls

log = logging.getLogger(__name__)

#: Every event a client may send, with the schema of its payload (docs/protocol.md lists them).
CLIENT_EVENTS: dict[str, type[BaseModel]] = {}


class ConnectAuth(model.Inbound):
    code: str = Field(max_length=16)
    role: str = Field(pattern="^(facilitator|participant|board)$")
    view: str = Field(pattern="^(console|board|phone)$")
    token: str | None = Field(default=None, max_length=200)


VIEWS_BY_ROLE = {"facilitator": ("console", "board"), "participant": ("phone", "board"), "board": ("board",)}

#: What a board connected with the board's own key may send: it only reads.
BOARD_EVENTS = frozenset({"sync"})


def _store() -> Store:
    store: Store = current_app.extensions["workshop_store"]
    return store


_registry_lock = threading.Lock()


def _registry() -> Registry:
    """Who is connected, and how many sockets each token and address holds: in this process's
    memory, or with a message queue in Redis for every process (workshop/shared.py). Made with
    the first connection; with a queue it then beats, and announces presence again in the
    workshops of a process found dead."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    registry = app.extensions.get("workshop_registry")
    if registry is None:
        with _registry_lock:
            registry = app.extensions.get("workshop_registry")
            if registry is None:
                registry = app.extensions["workshop_registry"] = registry_for(app.config.get("MESSAGE_QUEUE"))

                def announce(workshop_ids: set[str]) -> None:
                    with app.app_context():
                        for workshop_id in workshop_ids:
                            _announce_presence(workshop_id)

                registry.start(socketio.start_background_task, socketio.sleep, announce)
    return registry


def too_many_connections() -> WorkshopError:
    return WorkshopError(
        "too_many_connections", "Too many connections are open for this link or from this network.", 429
    )


def busy() -> WorkshopError:
    """A connection that cannot be counted now (the message queue's Redis does not answer)."""
    return WorkshopError("busy", "The server is busy. Try again in a moment.", 503)


def _sid() -> str:
    """This connection's Socket.IO session id."""
    # Flask-SocketIO sets request.sid on Flask's request; Flask's stubs cannot know it.
    sid: str = request.sid  # type: ignore[attr-defined]
    return sid


@socketio.on("connect")
def connect(auth=None):
    """A phone, board or console connects with ``auth`` (code, role, view, token or cookie).

    Joins it to its rooms and sends it ``state``. A bad identity refuses the connection.
    """
    if _sent_as_an_event():
        return _refuse("connect", model.unknown_event("connect"))
    try:
        creds = model.parse(ConnectAuth, auth)
        code = model.normalize_code(creds.code)
        token = creds.token or request.cookies.get(cookie_name(code, creds.role))
        if not token:
            raise model.unauthorized()
        if creds.role == service.BOARD_ROLE:
            actor, _workshop = service.authenticate_board(_store(), token, code)
        else:
            actor, _workshop = service.authenticate(_store(), token, code)
        if actor.role != creds.role or creds.view not in VIEWS_BY_ROLE[actor.role]:
            raise model.unauthorized()
    except WorkshopError as exc:
        raise ConnectionRefusedError(exc.message, exc.as_dict()) from None  # the client reads data.code
    connection = Connection(actor.workshop_id, actor.participant_id, model.hash_token(token), request.remote_addr or "")
    try:
        first_connection = _registry().open(
            _sid(),
            connection,
            max_per_token=cap("MAX_CONNECTIONS_PER_TOKEN"),
            max_per_address=cap("MAX_CONNECTIONS_PER_ADDRESS"),
        )
    except TooManyConnections:
        refusal = too_many_connections()
        raise ConnectionRefusedError(refusal.message, refusal.as_dict()) from None
    except SharedStateAway:  # refused with an answer: an exception here would leave it hanging
        refusal = busy()
        raise ConnectionRefusedError(refusal.message, refusal.as_dict()) from None
    try:
        socketio.server.save_session(_sid(), {"actor": actor, "view": creds.view, "token_hash": connection.token_hash})
        if actor.is_facilitator and creds.view == "console":
            join_room(facilitator_room(actor.workshop_id))
        else:
            join_room(team_room(actor.workshop_id))
        # Every connection made with one key or device token: closed when it changes or is
        # signed out (the facilitator's key, the board's, a device of a person's seat).
        join_room(key_room(connection.token_hash))
        if actor.participant_id:
            join_room(participant_room(actor.participant_id))
        socketio.emit("state", _state(actor, creds.view), to=_sid())
    except BaseException:  # refused after all (the workshop went meanwhile): it no longer counts
        _registry().close(_sid())
        raise
    if first_connection:
        _announce_presence(actor.workshop_id)


@socketio.on("disconnect")
def disconnect(*_):
    """When a participant's last connection (on any process) closes, everyone's presence list
    is updated."""
    if _sent_as_an_event():
        return _refuse("disconnect", model.unknown_event("disconnect"))
    connection, last = _registry().close(_sid())
    if connection is not None and last:
        _announce_presence(connection.workshop_id)


def _sent_as_an_event() -> bool:
    """Whether a client sent an *event* named "connect" or "disconnect".

    python-socketio hands such events to the connection handlers. While a connection is really
    being made or closed, it is not yet (or no longer) connected; an event comes on a live one.
    """
    return socketio.server.manager.is_connected(_sid(), "/")


@socketio.on("*")
def unknown(event, *_):
    """Any event name the server does not know: answered ``unknown_event`` (within the budget)."""
    if not _within_budget():
        return _refuse(event, model.rate_limited())
    return _refuse(event, model.unknown_event(event))


def _refuse(event: str, exc: WorkshopError) -> dict:
    """An error for the sender alone: as ``rejected``, and as the acknowledgement returned."""
    socketio.emit("rejected", {"event": event[:64], "error": exc.as_dict()}, to=_sid())
    return {"ok": False, "error": exc.as_dict()}


def connected_participants(workshop_id: str) -> list[str]:
    """Who has a phone connected right now, on any process (in joining order)."""
    connected = _registry().connected(workshop_id)
    if not connected:
        return []
    return [pid for pid in _store().participant_ids_in_order(workshop_id) if pid in connected]


def _announce_presence(workshop_id: str) -> None:
    payload = {"connected": connected_participants(workshop_id)}
    for room in (facilitator_room(workshop_id), team_room(workshop_id)):
        socketio.emit("presence", payload, to=room)


def _state(actor: Actor, view: str) -> dict:
    state = read.state_for(_store(), actor, view, chosen_language())
    if state is None:
        raise model.not_found()
    state["workshop"]["join_url"] = workshop_urls(state["workshop"]["code"])["join"]
    state["connected"] = connected_participants(actor.workshop_id)
    return state


def _within_budget() -> bool:
    """Spend one token of this connection's budget; cut off a client that floods."""
    session = socketio.server.get_session(_sid())
    bucket = session.get("bucket")
    if bucket is None:
        bucket = session["bucket"] = bucket_for(current_app.config, session["actor"].is_facilitator)
    if bucket.take():
        return True
    if bucket.flooding():
        log.warning("disconnecting a connection that kept flooding")  # no identity or payload in logs
        disconnect_later([_sid()])
    return False


def _connection() -> tuple[Actor, str]:
    session = socketio.server.get_session(_sid())
    return session["actor"], session["view"]


def client_event(name: str, schema: type[BaseModel]) -> Callable:
    """Register a handler for a client event: identity, parsing and error replies in one place.

    The handler gets ``(actor, view, request)`` and returns a ``Change`` or a list of them
    (acknowledged with the sender's view of the last one in the sender's workshop, each then
    broadcast) or a dict (the acknowledgement's extra fields).
    """

    def register(handler: Callable) -> Callable:
        CLIENT_EVENTS[name] = schema

        def on_event(data=None, *extra):
            started = perf_counter()
            outcome = "ok"  # or the error code it was refused with: one log line per event
            try:
                try:
                    if not _within_budget():
                        raise model.rate_limited()
                    if extra:
                        raise model.invalid("Send one payload object.")
                    actor, view = _connection()
                    if actor.role == service.BOARD_ROLE and name not in BOARD_EVENTS:
                        raise model.forbidden("The board only shows the workshop.")
                    parsed = model.parse(schema, data)
                    result = handler(actor, view, parsed)
                except WorkshopError as exc:
                    outcome = exc.code
                    return _refuse(name, exc)
                except Exception:  # a bug must not take the connection or the server down
                    outcome = "internal"
                    log.exception("handler %s failed", name)  # no payload: it may hold personal text
                    return _refuse(name, WorkshopError("internal", "Something went wrong on the server.", 500))
                if isinstance(result, service.Change):
                    result = [result]
                if isinstance(result, list):  # changes, in the order they were committed
                    own = [c for c in result if c.workshop in (None, actor.workshop_id)][-1]
                    _, payload = own.view(model.viewer_of(actor, view))
                    for change in result:
                        broadcast(change.workshop or actor.workshop_id, change)
                    return {"ok": True, **payload, **own.reply}
                return {"ok": True, **result}
            finally:
                event_line(name, outcome, started, request.remote_addr)

        on_event.__name__ = f"on_{name}"
        on_event.__doc__ = handler.__doc__
        socketio.on_event(name, on_event)
        return handler

    return register


# --- the table: events that make one change through the service, and answer with it -------

#: A service action: ``(store, actor, request)`` in, the committed change(s) out.
Action = Callable[[Store, Actor, Any], service.Change | list[service.Change]]


def _without_payload(action: Callable[[Store, Actor], service.Change]) -> Action:
    """For an action whose event carries nothing (its payload is ``{}``)."""
    return lambda store, actor, _request: action(store, actor)


#: Each event whose whole work is one service action: its payload's schema, and the action.
#: The handler takes the identity from the connection, parses the payload, calls the action,
#: acknowledges the sender's view of the change and broadcasts it (client_event). What each
#: event does and says is in docs/protocol.md.
ACTIONS: dict[str, tuple[type[BaseModel], Action]] = {
    # the facilitator steers the room
    "set_phase": (model.SetPhase, service.set_phase),
    "set_default_visibility": (model.SetDefaultVisibility, service.set_default_visibility),
    "set_timer": (model.SetTimer, service.set_timer),
    "set_revealed": (model.SetRevealed, service.set_revealed),
    "set_joining_locked": (model.SetJoiningLocked, service.set_joining_locked),
    "assign_strength_round": (model.AssignStrengthRound, service.assign_strength_round),
    "set_card_hidden": (model.SetCardHidden, service.set_card_hidden),
    "rename_participant": (model.RenameParticipant, service.rename_participant),
    "add_goal": (model.AddGoal, service.add_goal),
    "edit_goal": (model.EditGoal, service.edit_goal),
    "delete_goal": (model.ById, service.delete_goal),
    "open_checkin": (model.Empty, _without_payload(service.open_checkin)),
    "close_checkin": (model.Empty, _without_payload(service.close_checkin)),
    # cards, links and agreements
    "add_card": (model.AddCard, service.add_card),
    "edit_card": (model.EditCard, service.edit_card),
    "respond_strength": (model.RespondStrength, service.respond_strength),
    "delete_card": (model.ById, service.delete_card),
    "add_link": (model.AddLink, service.add_link),
    "edit_link": (model.EditLink, service.edit_link),
    "endorse_link": (model.EndorseLink, service.endorse_link),
    "delete_link": (model.ById, service.delete_link),
    "add_agreement": (model.AddAgreement, service.add_agreement),
    "edit_agreement": (model.EditAgreement, service.edit_agreement),
    "delete_agreement": (model.ById, service.delete_agreement),
    # themes: the facilitator groups drives
    "add_theme": (model.AddTheme, service.add_theme),
    "edit_theme": (model.EditTheme, service.edit_theme),
    "delete_theme": (model.ById, service.delete_theme),
    "set_card_theme": (model.SetCardTheme, service.set_card_theme),
    # a participant about themself
    "set_done": (model.SetDone, service.set_done),
    "answer_checkin": (model.AnswerCheckin, service.answer_checkin),
    # the marketplace (workshop/market.py)
    "open_market": (model.OpenMarket, market.open_market),
    "close_market": (model.Empty, _without_payload(market.close_market)),
    "set_ask": (model.SetAsk, market.set_ask),
    "set_offer": (model.SetOffer, market.set_offer),
    "propose": (model.Propose, market.propose),
    "decide_proposal": (model.DecideProposal, market.decide_proposal),
    "withdraw_proposal": (model.ById, market.withdraw_proposal),
}


def _acting(action: Action) -> Callable:
    def handle(actor: Actor, view: str, request: BaseModel) -> service.Change | list[service.Change]:
        return action(_store(), actor, request)

    handle.__doc__ = action.__doc__
    return handle


for _name, (_schema, _action) in ACTIONS.items():
    client_event(_name, _schema)(_acting(_action))


# --- events that do more than one change: a read, credentials, closing connections ---------


@client_event("sync", model.Empty)
def sync(actor, view, _):
    """Anyone: the whole workshop as they may see it, after a gap in versions."""
    return {"state": _state(actor, view)}


@client_event("leave_workshop", model.Empty)
def leave_workshop(actor, view, req):
    """A participant leaves and erases everything by or about them; broadcasts participant_left
    (and to other teams, their cross-team proposals withdrawn or gone)."""
    crossings = org.audiences_of_person(_store(), actor.participant_id) if actor.participant_id else []
    changes = _erased(service.leave_workshop(_store(), actor))
    org.announce_gone(_store(), crossings)
    return changes


@client_event("remove_participant", model.ById)
def remove_participant(actor, view, req):
    """The facilitator removes a person and everything by or about them; broadcasts participant_left."""
    crossings = org.audiences_of_person(_store(), req.id) if actor.is_facilitator else []
    changes = _erased(service.remove_participant(_store(), actor, req))
    org.announce_gone(_store(), crossings)
    return changes


def _erased(changes: list) -> list:
    """A person's seats are erased: their connections close (after the acknowledgement)."""
    seats = [c.data["id"] for c in changes if c.event == "participant_left"]
    if seats:
        disconnect_room_later(*(participant_room(seat) for seat in seats))
    return changes


@client_event("link_theme", model.LinkTheme)
def link_theme(actor, view, req):
    """Facilitator links every card of a theme to a goal; acks the links made (each broadcast
    as ``link_saved``)."""
    changes, version = service.link_theme(_store(), actor, req)
    viewer = model.viewer_of(actor, view)
    for change in changes:
        broadcast(actor.workshop_id, change)
    return {"version": version, "links": [change.view(viewer)[1]["link"] for change in changes]}


@client_event("suggest_matches", model.Empty)
def suggest_matches(actor, view, req):
    """Anyone but the board: suggested matches over the asks and offers they may see, each with
    its reason (no broadcast; nothing is applied)."""
    return {"suggestions": market.suggest_matches(_store(), actor, model.viewer_of(actor, view))}


@client_event("set_digest", model.SetDigest)
def set_digest(actor, view, req):
    """A participant's own address for the weekly digest (null stops it); acks it (no broadcast:
    nobody else ever sees it)."""
    return {"email": market.set_digest(_store(), actor, req)}


@client_event("set_facilitator_digest", model.SetDigest)
def set_facilitator_digest(actor, view, req):
    """The facilitator's address for the weekly digest; acks it (no broadcast)."""
    return {"email": market.set_facilitator_digest(_store(), actor, req)}


@client_event("start_follow_up", model.FollowUp)
def start_follow_up(actor, view, req):
    """Facilitator starts a follow-up of this closed workshop; acks its code and facilitator link (no broadcast)."""
    new, token = service.create_follow_up(_store(), actor, req)
    signin = service.create_signin(_store(), model.Actor(new["id"], "facilitator"), token)
    return {"code": new["code"], "urls": workshop_urls(new["code"], signin)}


@client_event("create_team_link", model.Empty)
def create_team_link(actor, view, req):
    """Facilitator makes (or renews) the team's read-only summary link; acks its URL (no broadcast)."""
    token = service.create_team_link(_store(), actor)
    return {"url": absolute("views.team_summary", token=token)}


@client_event("revoke_team_link", model.Empty)
def revoke_team_link(actor, view, req):
    """Facilitator revokes the team's summary link (no broadcast)."""
    service.revoke_team_link(_store(), actor)
    return {}


@client_event("create_board_link", model.Empty)
def create_board_link(actor, view, req):
    """Facilitator makes (or renews) the board link for another computer; acks its URL. Boards
    connected with an earlier board key are disconnected (no broadcast)."""
    token, old = service.create_board_link(_store(), actor)
    if old:
        disconnect_room_later(key_room(old))
    return {"url": board_url(read.code_of(_store(), actor.workshop_id), token)}


@client_event("revoke_board_link", model.Empty)
def revoke_board_link(actor, view, req):
    """Facilitator revokes the board link; boards connected with it are disconnected (no broadcast)."""
    old = service.revoke_board_link(_store(), actor)
    if old:
        disconnect_room_later(key_room(old))
    return {}


# --- a seat on more devices: the personal link ----------------------------------


def _seat_url(code: str, secret: str) -> str:
    """The personal link: the secret rides in the #fragment, which no request line carries (so
    no log, proxy or link preview sees it); the page's script posts it."""
    return absolute("views.seat_page", code=code) + "#" + secret


def _qr_svg(text: str) -> str:
    """A QR code of ``text`` as an SVG document, made for this answer only (it carries a secret:
    never cached, never stored)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", scale=6, border=4, dark="#000", light="#fff", xmldecl=False, svgns=True
    )
    return buffer.getvalue().decode("utf-8")


def _seat_link_answer(actor: Actor, secret: str) -> dict:
    url = _seat_url(read.code_of(_store(), actor.workshop_id), secret)
    return {"url": url, "qr": _qr_svg(url)}


def seat_changed(change: service.SeatChange) -> None:
    """The person's devices hear that their seat changed (their Me tab asks ``my_seat`` again);
    devices signed out hear ``signed_out`` and are closed a moment later."""
    for token_hash in change.signed_out:
        socketio.emit("signed_out", {}, to=key_room(token_hash))
    if change.signed_out:
        disconnect_room_later(*(key_room(token_hash) for token_hash in change.signed_out))
    socketio.emit("seat_changed", {}, to=participant_room(change.participant_id))


def _token_hash() -> str:
    """The hash of the key or token this connection was made with (to tell which device asks)."""
    token_hash: str = socketio.server.get_session(_sid())["token_hash"]
    return token_hash


@client_event("my_seat", model.Empty)
def my_seat(actor, view, req):
    """A participant: their pending personal link (who made it, when) and the devices holding
    their seat, this one marked (no broadcast)."""
    return {"seat": service.seat_of(_store(), actor, _token_hash())}


@client_event("create_seat_link", model.Empty)
def create_seat_link(actor, view, req):
    """A participant makes a personal link to open their seat on another device (a pending one
    stops working); acks its URL and QR code (SVG). Their devices get ``seat_changed``."""
    answer = _seat_link_answer(actor, service.create_seat_link(_store(), actor))
    seat_changed(service.SeatChange(actor.participant_id))
    return answer


@client_event("revoke_seat_link", model.Empty)
def revoke_seat_link(actor, view, req):
    """A participant stops their pending personal link; their devices get ``seat_changed``."""
    service.revoke_seat_link(_store(), actor)
    seat_changed(service.SeatChange(actor.participant_id))
    return {}


@client_event("reissue_seat_link", model.ReissueSeatLink)
def reissue_seat_link(actor, view, req):
    """The facilitator makes a person's personal link anew (the pending one stops working),
    with ``sign_out_devices`` signing out every device of theirs; acks its URL and QR code.
    The person's devices get ``seat_changed`` (they see the facilitator made it)."""
    secret, change = service.reissue_seat_link(_store(), actor, req)
    answer = _seat_link_answer(actor, secret)
    seat_changed(change)
    return answer


@client_event("sign_out_device", model.SignOutDevice)
def sign_out_device(actor, view, req):
    """A participant signs out another of their devices: it gets ``signed_out`` and its
    connections close; their other devices get ``seat_changed``."""
    seat_changed(service.sign_out_device(_store(), actor, req, _token_hash()))
    return {}


@client_event("delete_workshop", model.DeleteWorkshop)
def delete_workshop(actor, view, req):
    """Facilitator erases the workshop (typing its code again), with its follow-ups unless
    ``follow_ups`` is false; everyone in them gets workshop_deleted."""
    crossings = org.audiences_of_workshop(_store(), actor.workshop_id) if actor.is_facilitator else []
    for erased in service.delete_workshop(_store(), actor, follow_ups=req.follow_ups, confirm_code=req.code):
        close_workshop_rooms(erased)
    org.announce_gone(_store(), crossings)
    return {}


# --- several teams, one marketplace (workshop/org.py) --------------------------------------


@client_event("join_organisation", org.JoinOrganisation)
def join_organisation(actor, view, req):
    """The facilitator joins the workshop's marketplace to an organisation by its join code;
    broadcasts settings_changed (``organisation``) and acks ``organisation``."""
    return org.join_organisation(_store(), actor, req)


@client_event("leave_organisation", model.Empty)
def leave_organisation(actor, view, req):
    """The facilitator takes the team out of its organisation; broadcasts settings_changed."""
    return org.leave_organisation(_store(), actor)


@client_event("list_across", model.Empty)
def list_across(actor, view, req):
    """A member's view of its organisation: each team's open asks and offers (the team's view),
    the cross-team proposals they may see, how many wait for them (no broadcast)."""
    return org.list_across(_store(), actor, view)


def _console_only(actor, view) -> None:
    """Cross-team proposals are the console's (a facilitator's board only shows the room)."""
    if actor.is_facilitator and view != "console":
        raise model.forbidden("The board only shows the workshop.")


def _across(crossing) -> dict:
    org.announce(_store(), [crossing])
    return {"proposal": org.shown(_store(), crossing, _connection()[0])}


@client_event("propose_across", org.ProposeAcross)
def propose_across(actor, view, req):
    """A cross-team proposal; acks it, and those who may see it get ``across_saved``."""
    _console_only(actor, view)
    return _across(org.propose_across(_store(), actor, req))


@client_event("decide_across", org.DecideAcross)
def decide_across(actor, view, req):
    """Its decider accepts (a match) or declines a cross-team proposal; ``across_saved``."""
    _console_only(actor, view)
    return _across(org.decide_across(_store(), actor, req))


@client_event("withdraw_across", model.ById)
def withdraw_across(actor, view, req):
    """Its maker withdraws a waiting cross-team proposal; ``across_saved``."""
    _console_only(actor, view)
    return _across(org.withdraw_across(_store(), actor, req))
