"""The public REST API: JSON in and out, for integrations and scripting.

Errors are ``{"error": {"code", "message"}}`` with a 4xx status; an invalid request changes nothing.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request

from . import model, service, summary
from .i18n import use_workshop_language
from .live import broadcast, close_workshop_rooms
from .web import actor_for, store, workshop_or_404, workshop_urls

bp = Blueprint("api", __name__, url_prefix="/api")


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise model.invalid("Send a JSON object with Content-Type: application/json.")
    return data


@bp.post("/workshops")
def create_workshop():
    """Create a workshop. 201 with its code, the facilitator token and its URLs."""
    req = model.parse(model.CreateWorkshop, json_body())
    workshop, token = service.create_workshop(store(), req)
    body = {"code": workshop["code"], "facilitator_token": token, "urls": workshop_urls(workshop["code"], token)}
    return jsonify(body), 201


@bp.post("/workshops/<code>/participants")
def add_participant(code):
    """Join a workshop by name. 201 with the participant's id and token; a taken name 409."""
    workshop = workshop_or_404(code)
    req = model.parse(model.Join, json_body())
    participant, token, change = service.join(store(), workshop, req)
    broadcast(workshop["id"], change)
    return jsonify({"participant_id": participant["id"], "participant_token": token}), 201


@bp.get("/workshops/<code>")
def get_workshop(code):
    """The whole workshop, for its facilitator."""
    workshop = workshop_or_404(code)
    actor_for(workshop, "facilitator")
    snap = store().snapshot(workshop["id"])
    w = snap["workshop"]
    return jsonify(
        {
            **{k: w[k] for k in ("code", "title", "language", "phase", "version", "prompts", "default_visibility",
                                 "created_at")},
            "goals": snap["goals"],
            "participants": snap["participants"],
            "drives": [c for c in snap["cards"] if c["kind"] == "drive"],
            "strengths": [c for c in snap["cards"] if c["kind"] == "strength"],
            "links": snap["links"],
        }
    )


def _summary_for(code: str) -> tuple[dict, dict]:
    workshop = workshop_or_404(code)
    actor_for(workshop, "facilitator")
    use_workshop_language(workshop["language"])
    return workshop, summary.build(store().snapshot(workshop["id"]))


def _download(body: str, mimetype: str, code: str, ext: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="workshop-{code}.{ext}"'
    return response


@bp.get("/workshops/<code>/summary.json")
def summary_json(code):
    workshop, data = _summary_for(code)
    return _download(json.dumps(data, ensure_ascii=False, indent=2), "application/json", workshop["code"], "json")


@bp.get("/workshops/<code>/summary.md")
def summary_md(code):
    from flask_babel import gettext

    workshop, data = _summary_for(code)
    return _download(summary.to_markdown(data, gettext), "text/markdown", workshop["code"], "md")


@bp.get("/workshops/<code>/summary.csv")
def summary_csv(code):
    workshop, data = _summary_for(code)
    return _download(summary.to_csv(data), "text/csv", workshop["code"], "csv")


@bp.delete("/workshops/<code>")
def delete_workshop(code):
    """Erase a workshop and everything in it (bearer token only: no cookie-driven erasure)."""
    workshop = workshop_or_404(code)
    actor = actor_for(workshop, "facilitator", allow_cookie=False)
    service.delete_workshop(store(), actor)
    close_workshop_rooms(workshop["id"])
    return "", 204
