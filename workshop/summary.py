"""The workshop summary and its downloads: pure, a snapshot in, data or text out.

``build`` answers what a manager wants to know: which goals have energy behind them (and
whose), which have none, which drives found no outlet. Renderers turn it into Markdown and CSV;
JSON is ``build``'s result as it is.
"""

from __future__ import annotations

import csv
import io
from typing import Callable, Optional

from .model import FACILITATOR, Viewer, card_for, link_for


def _identity(text: str) -> str:
    return text


def visible_part(snapshot: dict, viewer: Viewer) -> dict:
    """The snapshot as a viewer may see it. Strengths still waiting for consent are not a result
    of the workshop yet, so no summary counts them, not even the facilitator's."""
    cards = {c["id"]: c for c in snapshot["cards"]}
    shown = [v for c in snapshot["cards"] if c["status"] == "accepted" and (v := card_for(c, viewer)) is not None]
    shown_ids = {c["id"] for c in shown}
    links = [v for l in snapshot["links"]
             if l["card_id"] in shown_ids and (v := link_for(l, cards[l["card_id"]], viewer)) is not None]
    return {**snapshot, "cards": shown, "links": links}


def build(snapshot: dict, viewer: Viewer = FACILITATOR) -> dict:
    """The summary of a workshop snapshot (store.snapshot) as ``viewer`` may see it, in the
    shape docs/protocol.md gives. Anonymous cards have no person (``person.name`` is None)."""
    snapshot = visible_part(snapshot, viewer)
    workshop = snapshot["workshop"]
    people = {p["id"]: p for p in snapshot["participants"]}
    cards = {c["id"]: c for c in snapshot["cards"]}
    goals = snapshot["goals"]
    goal_text = {g["id"]: g["text"] for g in goals}
    links_by_goal: dict[str, list[dict]] = {g["id"]: [] for g in goals}
    goals_by_card: dict[str, list[str]] = {c: [] for c in cards}
    for link in snapshot["links"]:
        card = cards.get(link["card_id"])
        if card is None or link["goal_id"] not in links_by_goal:
            continue
        links_by_goal[link["goal_id"]].append(link)
        goals_by_card[card["id"]].append(link["goal_id"])

    def person(pid: Optional[str]) -> dict:
        p = people.get(pid)
        return {"id": pid, "name": p["name"] if p else None}

    goal_rows = []
    for goal in goals:
        links = []
        for link in links_by_goal[goal["id"]]:
            card = cards[link["card_id"]]
            links.append(
                {
                    "card": {"id": card["id"], "kind": card["kind"], "text": card["text"],
                             "visibility": card["visibility"]},
                    "person": person(card["about"]),
                    "linked_by": person(link["created_by"])["name"] if link["created_by"] else None,
                }
            )
        names = list(dict.fromkeys(link["person"]["name"] for link in links if link["person"]["name"]))
        goal_rows.append({"id": goal["id"], "kind": goal["kind"], "text": goal["text"], "links": links, "people": names})

    people_rows = []
    for p in snapshot["participants"]:
        mine = [c for c in snapshot["cards"] if c["about"] == p["id"]]

        def entry(card):
            return {"id": card["id"], "text": card["text"], "visibility": card["visibility"],
                    "goals": [goal_text[g] for g in goals_by_card[card["id"]]]}

        linked_goals = list(dict.fromkeys(goal_text[g] for c in mine for g in goals_by_card[c["id"]]))
        people_rows.append(
            {
                "id": p["id"],
                "name": p["name"],
                "drives": [entry(c) for c in mine if c["kind"] == "drive"],
                "strengths": [entry(c) for c in mine if c["kind"] == "strength"],
                "goals": linked_goals,
            }
        )

    open_goals = [{"id": g["id"], "kind": g["kind"], "text": g["text"]} for g in goal_rows if not g["links"]]
    unlinked = [
        {"id": c["id"], "text": c["text"], "person": person(c["about"])["name"], "visibility": c["visibility"]}
        for c in snapshot["cards"]
        if c["kind"] == "drive" and not goals_by_card[c["id"]]
    ]
    drives = sum(1 for c in snapshot["cards"] if c["kind"] == "drive")
    return {
        "workshop": {k: workshop[k] for k in ("code", "title", "language", "phase", "created_at")},
        "totals": {
            "goals": len(goals),
            "goals_with_energy": len(goals) - len(open_goals),
            "open_goals": len(open_goals),
            "people": len(people),
            "drives": drives,
            "strengths": len(cards) - drives,
            "links": sum(len(v) for v in links_by_goal.values()),
            "unlinked_drives": len(unlinked),
        },
        "goals": goal_rows,
        "people": people_rows,
        "open_goals": open_goals,
        "unlinked_drives": unlinked,
    }


def _md_escape(text: str) -> str:
    """Participant text is literal in Markdown: no headings, links or HTML can come from it."""
    out = []
    for ch in text.replace("\n", " "):
        out.append("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~" else ch)
    return "".join(out)


def to_markdown(summary: dict, _: Callable[[str], str] = _identity) -> str:
    """The summary as a Markdown document (headings in the workshop's language via ``_``)."""
    # Each label is looked up on its own line: the message extractor does not read f-strings.
    per_goal, per_person = _("Per goal"), _("Per person")
    nobody_yet, no_goal_yet, none = _("Nobody linked yet"), _("no goal yet"), _("None")
    goals_with_nobody, drives_without_outlet = _("Goals with nobody"), _("Drives with no outlet")
    drives_label, strengths_label = _("Drives"), _("Strengths")
    t = summary["totals"]
    lines = [f"# {_md_escape(summary['workshop']['title'])}", ""]
    lines.append(
        _("%(with)s of %(goals)s goals have energy behind them; %(drives)s of %(all)s drives found no outlet yet.")
        % {"with": t["goals_with_energy"], "goals": t["goals"], "drives": t["unlinked_drives"], "all": t["drives"]}
    )
    lines += ["", f"## {per_goal}", ""]
    for goal in summary["goals"]:
        lines.append(f"### {_md_escape(goal['text'])} ({_(goal['kind'])})")
        if not goal["links"]:
            lines.append(f"- _{nobody_yet}_")
        for link in goal["links"]:
            lines.append(
                f"- **{_md_escape(link['person']['name'])}**: {_md_escape(link['card']['text'])} ({_(link['card']['kind'])})"
            )
        lines.append("")
    lines += [f"## {per_person}", ""]
    for p in summary["people"]:
        lines.append(f"### {_md_escape(p['name'])}")
        for label, key in ((drives_label, "drives"), (strengths_label, "strengths")):
            for card in p[key]:
                goals = ", ".join(_md_escape(g) for g in card["goals"]) or no_goal_yet
                lines.append(f"- {label}: {_md_escape(card['text'])} → {goals}")
        lines.append("")
    lines += [f"## {goals_with_nobody}", ""]
    lines += [f"- {_md_escape(g['text'])}" for g in summary["open_goals"]] or [f"- _{none}_"]
    lines += ["", f"## {drives_without_outlet}", ""]
    lines += [
        f"- **{_md_escape(d['person'])}**: {_md_escape(d['text'])}" for d in summary["unlinked_drives"]
    ] or [f"- _{none}_"]
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    """A spreadsheet must not run participant text as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_COLUMNS = ("goal_kind", "goal", "person", "card_kind", "card", "linked_by")


def to_csv(summary: dict) -> str:
    """One row per link, then one per card that has no link."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    linked_cards = set()
    for goal in summary["goals"]:
        for link in goal["links"]:
            linked_cards.add(link["card"]["id"])
            writer.writerow([_cell(v) for v in (goal["kind"], goal["text"], link["person"]["name"],
                                                 link["card"]["kind"], link["card"]["text"], link["linked_by"])])
    for p in summary["people"]:
        for kind, key in (("drive", "drives"), ("strength", "strengths")):
            for card in p[key]:
                if card["id"] not in linked_cards:
                    writer.writerow([_cell(v) for v in ("", "", p["name"], kind, card["text"], "")])
    return buffer.getvalue()
