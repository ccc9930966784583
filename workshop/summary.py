"""The workshop summary and its downloads: pure, a snapshot in, data or text out.

``build`` answers what a manager wants to know: which goals have energy behind them (and
whose), which have none, which drives found no outlet. Renderers turn it into Markdown and CSV;
JSON is ``build``'s result as it is.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .model import FACILITATOR, Viewer, card_for, link_for
from .rows import Card, CheckinWithAnswers, Goal, Link, Origins, Snapshot
from .textfit import fit


def _identity(text: str) -> str:
    return text


def name_of(names: dict[str, str], pid: str | None) -> str | None:
    """A person's name by id; None for nobody (an anonymous card has no person)."""
    return names.get(pid) if pid is not None else None


def visible_part(snapshot: Snapshot, viewer: Viewer) -> Snapshot:
    """The snapshot as a viewer may see it. Strengths still waiting for consent are not a result
    of the workshop yet, so no summary counts them, not even the facilitator's."""
    cards = {c["id"]: c for c in snapshot["cards"]}
    shown = [v for c in snapshot["cards"] if c["status"] == "accepted" and (v := card_for(c, viewer)) is not None]
    shown_ids = {c["id"] for c in shown}
    links = [
        w
        for l in snapshot["links"]
        if l["card_id"] in shown_ids and (w := link_for(l, cards[l["card_id"]], viewer)) is not None
    ]
    return {**snapshot, "cards": shown, "links": links}


def build(snapshot: Snapshot, viewer: Viewer = FACILITATOR) -> dict:
    """The summary of a workshop snapshot (store.snapshot) as ``viewer`` may see it, in the
    shape workshop/schema.py defines (docs/summary.schema.json). Anonymous cards have no person (``person.name`` is None)."""
    snapshot = visible_part(snapshot, viewer)
    workshop = snapshot["workshop"]
    people = {p["id"]: p for p in snapshot["participants"]}
    cards = {c["id"]: c for c in snapshot["cards"]}
    goals = snapshot["goals"]
    goal_text = {g["id"]: g["text"] for g in goals}
    links_by_goal: dict[str, list[Link]] = {g["id"]: [] for g in goals}
    goals_by_card: dict[str, list[str]] = {c: [] for c in cards}
    for link in snapshot["links"]:
        card = cards.get(link["card_id"])
        if card is None or link["goal_id"] not in links_by_goal:
            continue
        links_by_goal[link["goal_id"]].append(link)
        goals_by_card[card["id"]].append(link["goal_id"])

    def person(pid: str | None) -> dict:
        p = people.get(pid) if pid is not None else None
        return {"id": pid, "name": p["name"] if p else None}

    goal_rows = []
    for goal in goals:
        links: list[dict[str, Any]] = []
        for link in links_by_goal[goal["id"]]:
            card = cards[link["card_id"]]
            links.append(
                {
                    "card": {
                        "id": card["id"],
                        "kind": card["kind"],
                        "text": card["text"],
                        "visibility": card["visibility"],
                        "hidden": card["hidden"],
                    },
                    "type": link["type"],
                    "endorsements": len(link["endorsements"]),
                    "person": person(card["about"]),
                    "linked_by": person(link["created_by"])["name"] if link["created_by"] else None,
                }
            )
        names = list(dict.fromkeys(link["person"]["name"] for link in links if link["person"]["name"]))
        goal_rows.append(
            {"id": goal["id"], "kind": goal["kind"], "text": goal["text"], "links": links, "people": names}
        )

    theme_names = {t["id"]: t["name"] for t in snapshot.get("themes", [])}

    def entry(card):
        return {
            "id": card["id"],
            "text": card["text"],
            "visibility": card["visibility"],
            "hidden": card["hidden"],
            "goals": [goal_text[g] for g in goals_by_card[card["id"]]],
            "theme": theme_names.get(card.get("theme_id") or ""),
        }

    people_rows = []
    for p in snapshot["participants"]:
        mine = [c for c in snapshot["cards"] if c["about"] == p["id"]]

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
        {
            "id": c["id"],
            "text": c["text"],
            "person": person(c["about"])["name"],
            "visibility": c["visibility"],
            "hidden": c["hidden"],
        }
        for c in snapshot["cards"]
        if c["kind"] == "drive" and not goals_by_card[c["id"]]
    ]
    drives = sum(1 for c in snapshot["cards"] if c["kind"] == "drive")
    return {
        # The join code admits people while the workshop is open: it stays with the facilitator.
        "workshop": {
            k: workshop[k]
            for k in ("code", "title", "language", "phase", "created_at")
            if k != "code" or viewer.is_facilitator
        },
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
        "themes": themes_of(snapshot, goals, goals_by_card),
        "people": people_rows,
        "open_goals": open_goals,
        "unlinked_drives": unlinked,
        # Cards shared without a name (the team's view of anonymous drives).
        "anonymous": [{**entry(c), "kind": c["kind"]} for c in snapshot["cards"] if c["about"] is None],
        "market": market_of(snapshot),
        "matches": [],  # with other teams: read.full_summary adds them (workshop/org.py)
    }


def market_of(seen: Snapshot) -> dict:
    """What the marketplace produced, in counts only (no names, no texts): its proposals by
    status and the median time from a proposal to its acceptance, in hours. Counted over the
    proposals on cards the reader may see (``seen`` is ``visible_part``'s)."""
    cards = {c["id"] for c in seen["cards"]}
    proposals = [p for p in seen.get("proposals", []) if p["card_id"] in cards]
    statuses = [p["status"] for p in proposals]
    hours = [
        (datetime.fromisoformat(p["decided_at"]) - datetime.fromisoformat(p["created_at"])).total_seconds() / 3600
        for p in proposals
        if p["status"] == "accepted" and p["decided_at"]
    ]
    return {
        "until": seen["workshop"].get("market_until"),
        "proposals": len(proposals),
        "accepted": statuses.count("accepted"),
        "declined": statuses.count("declined"),
        "withdrawn": statuses.count("withdrawn"),
        "waiting": statuses.count("waiting"),
        "median_hours_to_match": round(statistics.median(hours), 2) if hours else None,
    }


def themes_of(seen: Snapshot, goals: list[Goal], goals_by_card: dict[str, list[str]]) -> list[dict]:
    """Each theme with what it holds, counted over the cards the viewer sees (``seen`` is
    ``visible_part``'s): its drives, the people of its named ones (sorted, once each), how many
    are anonymous, and the goals its drives are linked to (in the goals' order, with how many
    of its links each has). A theme none of whose cards the viewer sees is left out."""
    names = {p["id"]: p["name"] for p in seen["participants"]}
    rows = []
    for theme in seen.get("themes", []):
        cards = [c for c in seen["cards"] if c.get("theme_id") == theme["id"]]
        if not cards:
            continue
        people = {names[c["about"]] for c in cards if c["about"] in names}
        linked = [g for c in cards for g in goals_by_card.get(c["id"], [])]
        rows.append(
            {
                "id": theme["id"],
                "name": theme["name"],
                "drives": len(cards),
                "people": sorted(people, key=lambda n: (n.casefold(), n)),
                "anonymous": sum(1 for c in cards if c["about"] is None),
                "goals": [
                    {"id": g["id"], "text": g["text"], "links": linked.count(g["id"])}
                    for g in goals
                    if g["id"] in linked
                ],
            }
        )
    return rows


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
    anonymous = _("Anonymous")
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
                f"- **{_md_escape(link['person']['name'] or anonymous)}**: {_md_escape(link['card']['text'])} "
                f"({_(link['card']['kind'])})"
            )
        lines.append("")
    if summary.get("themes"):
        themes_label, people_label, goals_label = _("Themes"), _("People"), _("Goals")
        lines += [f"## {themes_label}", ""]
        for theme in summary["themes"]:
            lines.append(f"### {_md_escape(theme['name'])} ({_('Drives: %(n)s') % {'n': theme['drives']}})")
            named = [_md_escape(n) for n in theme["people"]]
            if theme["anonymous"]:
                named.append(f"{anonymous} × {theme['anonymous']}")
            lines.append(f"- {people_label}: {', '.join(named) or none}")
            reached = ", ".join(f"{_md_escape(g['text'])} ({g['links']})" for g in theme["goals"])
            lines.append(f"- {goals_label}: {reached or no_goal_yet}")
            lines.append("")
    lines += [f"## {per_person}", ""]
    for p in summary["people"]:
        lines.append(f"### {_md_escape(p['name'])}")
        for label, key in ((drives_label, "drives"), (strengths_label, "strengths")):
            for card in p[key]:
                goals = ", ".join(_md_escape(g) for g in card["goals"]) or no_goal_yet
                lines.append(f"- {label}: {_md_escape(card['text'])} → {goals}")
        lines.append("")
    if summary.get("anonymous"):
        lines.append(f"### {anonymous}")
        for card in summary["anonymous"]:
            goals = ", ".join(_md_escape(g) for g in card["goals"]) or no_goal_yet
            lines.append(f"- {_md_escape(card['text'])} → {goals}")
        lines.append("")
    if summary.get("agreements"):
        agreed, nobody, done_word = _("What was agreed"), _("nobody yet"), _("done")
        lines += [f"## {agreed}", ""]
        for a in summary["agreements"]:
            who = _md_escape(a["owner"]) if a["owner"] else nobody
            when = f" ({a['due']})" if a["due"] else ""
            status = f" — {done_word}" if a["done"] else ""
            lines.append(f"- {_md_escape(a['text'])}: {who}{when}{status} · {_md_escape(a['goal'])}")
        lines.append("")
    market = summary.get("market")
    if market and (market["until"] or market["proposals"]):
        marketplace_label = _("Marketplace")
        lines += [f"## {marketplace_label}", ""]
        if market["until"]:
            lines.append("- " + _("Open until %(day)s") % {"day": market["until"]})
        lines.append(
            "- "
            + _(
                "Proposals: %(n)s (accepted %(accepted)s, declined %(declined)s, withdrawn %(withdrawn)s, waiting %(waiting)s)"
            )
            % {
                "n": market["proposals"],
                "accepted": market["accepted"],
                "declined": market["declined"],
                "withdrawn": market["withdrawn"],
                "waiting": market["waiting"],
            }
        )
        if market["median_hours_to_match"] is not None:
            lines.append(
                "- " + _("Median time to a match: %(hours)s hours") % {"hours": market["median_hours_to_match"]}
            )
        lines.append("")
    if summary.get("matches"):
        lines += ["## " + _("Matches with other teams"), ""]
        for m in summary["matches"]:
            who = f" ({_md_escape(m['person'])})" if m["person"] else ""
            lines.append(f"- {_md_escape(m['goal'])} · {_md_escape(m['card'])}{who} · {_md_escape(m['team'])}")
        lines.append("")
    lines += [f"## {goals_with_nobody}", ""]
    lines += [f"- {_md_escape(g['text'])}" for g in summary["open_goals"]] or [f"- _{none}_"]
    lines += ["", f"## {drives_without_outlet}", ""]
    lines += [
        f"- **{_md_escape(d['person'] or anonymous)}**: {_md_escape(d['text'])}" for d in summary["unlinked_drives"]
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
            writer.writerow(
                [
                    _cell(v)
                    for v in (
                        goal["kind"],
                        goal["text"],
                        link["person"]["name"],
                        link["card"]["kind"],
                        link["card"]["text"],
                        link["linked_by"],
                    )
                ]
            )
    for p in summary["people"]:
        for kind, key in (("drive", "drives"), ("strength", "strengths")):
            for card in p[key]:
                if card["id"] not in linked_cards:
                    writer.writerow([_cell(v) for v in ("", "", p["name"], kind, card["text"], "")])
    return buffer.getvalue()


# --- the link map as a picture ---------------------------------------------------------------

# The board's colour-blind-safe palette (Okabe–Ito), its yellow darkened to stay visible on white paper.
PALETTE = ("#e69f00", "#56b4e9", "#009e73", "#b8a600", "#0072b2", "#d55e00", "#cc79a7", "#000000")


def _xml(text: str) -> str:
    """Participant text as SVG text content: escaped, so it can never become markup."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def link_map_svg(summary: dict, anonymous_label: str = "Anonymous", colors: dict | None = None) -> str:
    """The link map as a standalone SVG: goals on the left, people's cards on the right, a curve
    for each link (drives solid, strengths dashed), goals nobody linked in a dashed frame.

    Pure and deterministic; every piece of participant text is escaped.
    """
    colors = colors or {}
    row, width, gap = 34, 760, 10
    goals = summary["goals"]
    cards: list[tuple[str, str, str | None, str]] = []  # (card id, label, person id, kind)
    name_room = 150  # px: a long name is cut, so that the card's own words still show after it
    seen = set()
    for goal in goals:
        for link in goal["links"]:
            card = link["card"]
            if card["id"] not in seen:
                seen.add(card["id"])
                name = link["person"]["name"] or anonymous_label
                label = f"{fit(name, name_room, 14)}: {card['text']}"
                cards.append((card["id"], label, link["person"]["id"], card["kind"]))
    for drive in summary["unlinked_drives"]:
        if drive["id"] not in seen:
            seen.add(drive["id"])
            name = drive["person"] or anonymous_label
            cards.append((drive["id"], f"{fit(name, name_room, 14)}: {drive['text']}", None, "drive"))
    height = max(len(goals), len(cards), 1) * row + 2 * gap
    goal_y = {g["id"]: gap + i * row + row / 2 for i, g in enumerate(goals)}
    card_y = {c[0]: gap + i * row + row / 2 for i, c in enumerate(cards)}
    person_color: dict[str, str] = {}
    for _, _, pid, _ in cards:
        if pid is not None and pid not in person_color:
            person_color[pid] = colors.get(pid, PALETTE[len(person_color) % len(PALETTE)])
    left_x, right_x = 300, 400
    # Each label is cut to its column (textfit: measured as the widest likely font draws it), and
    # clipped to it besides, so no text of any length or script runs out of its box or the map.
    goal_room, card_room = (left_x - 16) - 20, width - (right_x + 22) - gap
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'font-family="system-ui, sans-serif" font-size="14" role="img">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<clipPath id="goal-labels"><rect x="10" y="0" width="{left_x - 20}" height="{height}"/></clipPath>',
        f'<clipPath id="card-labels"><rect x="{right_x + 16}" y="0" width="{width - right_x - 16}" height="{height}"/>'
        "</clipPath>",
    ]
    for goal in goals:
        y = goal_y[goal["id"]]
        dashed = ' stroke-dasharray="5 4"' if not goal["links"] else ""
        out.append(
            f'<rect x="8" y="{y - 13}" width="{left_x - 16}" height="26" rx="6" fill="#f3f4f6" '
            f'stroke="#3c4450"{dashed}/>'
        )
        words = fit(goal["text"], goal_room, 14, keep=f" ({len(goal['links'])})")
        out.append(f'<text x="18" y="{y + 5}" fill="#16191d" clip-path="url(#goal-labels)">{_xml(words)}</text>')
    for goal in goals:
        for link in goal["links"]:
            y1, y2 = goal_y[goal["id"]], card_y[link["card"]["id"]]
            color = person_color.get(link["person"]["id"], "#3c4450")
            dash = ' stroke-dasharray="8 5"' if link["card"]["kind"] == "strength" else ""
            out.append(
                f'<path d="M{left_x - 8},{y1} C{(left_x + right_x) / 2},{y1} {(left_x + right_x) / 2},{y2} '
                f'{right_x + 8},{y2}" fill="none" stroke="{color}" stroke-width="3"{dash}/>'
            )
    for card_id, label, pid, kind in cards:
        y = card_y[card_id]
        color = person_color.get(pid, "#6b7480") if pid is not None else "#6b7480"
        out.append(f'<rect x="{right_x + 8}" y="{y - 13}" width="6" height="26" fill="{color}"/>')
        mark = "★ " if kind == "strength" else ""
        out.append(
            f'<text x="{right_x + 22}" y="{y + 5}" fill="#16191d" clip-path="url(#card-labels)">'
            f"{_xml(fit(mark + label, card_room, 14))}</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


# --- follow-ups and check-ins ------------------------------------------------------------------


def changes_since(current: Snapshot, previous: Snapshot, origins: Origins, viewer: Viewer = FACILITATOR) -> dict:
    """What changed since the previous workshop: links made anew, links dropped, and what became
    of last time's agreements. ``origins`` maps this workshop's rows to the ones they were copied
    from (store.origins).

    The facilitator sees the past as it was. Anyone else sees it only through what they may see
    now: a card taken back since (made facilitator-only, hidden, erased with its person) takes
    its past with it, and a card is named or anonymous as it is now.
    """
    now_seen, before_seen = visible_part(current, viewer), visible_part(previous, viewer)
    now_cards = {c["id"]: c for c in now_seen["cards"]}
    if viewer.is_facilitator:
        as_now = {c["id"]: c for c in before_seen["cards"]}
        people = {p["id"]: p["name"] for p in previous["participants"]}
    else:
        as_now = {origin: now_cards[cid] for cid, origin in origins.get("cards", {}).items() if cid in now_cards}
        people = {p["id"]: p["name"] for p in current["participants"]}

    def describe(link: Link, card: Card, goals: dict[str, Goal], names: dict[str, str]) -> dict:
        return {
            "goal": goals[link["goal_id"]]["text"],
            "card": card["text"],
            "kind": card["kind"],
            "person": name_of(names, card["about"]),
        }

    goals_now = {g["id"]: g for g in now_seen["goals"]}
    goals_before = {g["id"]: g for g in before_seen["goals"]}
    names_now = {p["id"]: p["name"] for p in current["participants"]}
    kept_origins = {origins["links"].get(l["id"]) for l in now_seen["links"]} - {None}
    new_links = [
        describe(l, now_cards[l["card_id"]], goals_now, names_now)
        for l in now_seen["links"]
        if l["id"] not in origins["links"]
    ]
    dropped = [
        describe(l, as_now[l["card_id"]], goals_before, people)
        for l in before_seen["links"]
        if l["id"] not in kept_origins and l["card_id"] in as_now
    ]
    visible_links = {l["id"] for l in before_seen["links"] if l["card_id"] in as_now}
    by_origin = {origin: aid for aid, origin in origins["agreements"].items()}
    current_agreements = {a["id"]: a for a in current.get("agreements", [])}
    agreements = []
    for agreement in previous.get("agreements", []):
        if agreement["link_id"] not in visible_links:
            continue
        copy = by_origin.get(agreement["id"])
        now = current_agreements.get(copy) if copy is not None else None
        agreements.append(
            {
                "text": agreement["text"],
                "due": agreement["due"],
                "done": bool(now and now["done"]),
                "still_open": now is not None and not now["done"],
            }
        )
    return {"new_links": new_links, "dropped_links": dropped, "agreements": agreements}


def checkin_trend(snapshot: Snapshot, checkins: list[CheckinWithAnswers], viewer: Viewer = FACILITATOR) -> list[dict]:
    """Per link, how its person rated it at each check-in (1–5: does it still energise me?)."""
    seen = visible_part(snapshot, viewer)
    cards = {c["id"]: c for c in seen["cards"]}
    goals = {g["id"]: g["text"] for g in seen["goals"]}
    people = {p["id"]: p["name"] for p in seen["participants"]}
    rows = []
    for link in seen["links"]:
        ratings = []
        for checkin in checkins:
            answer = next((a for a in checkin["answers"] if a["link_id"] == link["id"]), None)
            ratings.append(
                None
                if answer is None
                else {"rating": answer["rating"], "comment": answer["comment"] if viewer.is_facilitator else None}
            )
        if any(ratings):
            card = cards[link["card_id"]]
            rows.append(
                {
                    "goal": goals[link["goal_id"]],
                    "card": card["text"],
                    "person": name_of(people, card["about"]),
                    "ratings": ratings,
                }
            )
    return rows


# --- more downloads -----------------------------------------------------------------------------


def _csv(rows: list[list], header: tuple) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def links_csv(summary: dict) -> str:
    """One row per link."""
    return _csv(
        [
            [g["kind"], g["text"], l["person"]["name"], l["card"]["kind"], l["card"]["text"], l["linked_by"]]
            for g in summary["goals"]
            for l in g["links"]
        ],
        CSV_COLUMNS,
    )


def cards_csv(summary: dict) -> str:
    """One row per card, with the goals it is linked to (separated by ' | ') and its theme."""
    rows = []
    for p in summary["people"]:
        for kind, key in (("drive", "drives"), ("strength", "strengths")):
            rows += [
                [p["name"], kind, c["text"], c["visibility"], " | ".join(c["goals"]), c.get("theme")] for c in p[key]
            ]
    rows += [
        [None, c["kind"], c["text"], c["visibility"], " | ".join(c["goals"]), c.get("theme")]
        for c in summary.get("anonymous", [])
    ]
    return _csv(rows, ("person", "card_kind", "card", "visibility", "goals", "theme"))


def themes_csv(summary: dict) -> str:
    """One row per theme and goal it reaches (a theme linked to no goal: one row without one)."""
    rows = []
    for t in summary.get("themes", []):
        head = [t["name"], t["drives"], " | ".join(t["people"]), t["anonymous"]]
        rows += [[*head, g["text"], g["links"]] for g in t["goals"]] or [[*head, None, None]]
    return _csv(rows, ("theme", "drives", "people", "anonymous", "goal", "links"))


def marketplace(summary: dict) -> dict:
    """For an intranet marketplace: open asks (goals nobody linked) and offers (drives with no outlet)."""
    return {
        "workshop": {"title": summary["workshop"]["title"]},
        "asks": [{"kind": g["kind"], "goal": g["text"]} for g in summary["open_goals"]],
        "offers": [{"person": d["person"], "drive": d["text"]} for d in summary["unlinked_drives"]],
        "market": summary.get("market"),
    }


def marketplace_csv(summary: dict) -> str:
    market = marketplace(summary)
    rows = [["ask", a["kind"], a["goal"], None] for a in market["asks"]]
    rows += [["offer", "drive", o["drive"], o["person"]] for o in market["offers"]]
    return _csv(rows, ("type", "kind", "text", "person"))
