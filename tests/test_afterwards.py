"""After the workshop: exports, the team's read-only link, follow-ups, check-ins, erasure, retention."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
import requests
from helpers import Client

from workshop.schema import Summary, summary_json_schema

ROOT = Path(__file__).resolve().parent.parent
PRIVATE = ("Money worries", "Not agreed yet", "Said no to this", "Moderated away")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def seeded(workshop):
    """A closed workshop with every kind of card: named, anonymous, private, pending, declined,
    hidden, and links and an agreement."""
    console = workshop.facilitator()
    anna, bram, zoe = (workshop.participant(n) for n in ("Anna", "Bram", "Zoë"))
    goals = {g["text"]: g["id"] for g in console.state["goals"]}
    teach = anna.call("add_card", {"kind": "drive", "text": "Teaching newcomers"})["card"]
    anna.call("add_card", {"kind": "drive", "text": "Money worries", "visibility": "facilitator"})
    quiet = zoe.call("add_card", {"kind": "drive", "text": "=Quiet focus", "visibility": "anonymous"})["card"]
    bram.call("add_card", {"kind": "drive", "text": "Travel"})
    calm = anna.call("add_card", {"kind": "strength", "text": "Calm under fire", "about": bram.id})["card"]
    bram.call("respond_strength", {"id": calm["id"], "answer": "accept"})
    anna.call("add_card", {"kind": "strength", "text": "Not agreed yet", "about": zoe.id})
    no = bram.call("add_card", {"kind": "strength", "text": "Said no to this", "about": anna.id})["card"]
    anna.call("respond_strength", {"id": no["id"], "answer": "decline"})
    hidden = bram.call("add_card", {"kind": "drive", "text": "Moderated away"})["card"]
    console.call("set_card_hidden", {"id": hidden["id"], "hidden": True})
    onboarding = console.call("add_link", {"card_id": teach["id"], "goal_id": goals["New onboarding"]})["link"]
    console.call("add_link", {"card_id": calm["id"], "goal_id": goals["New onboarding"]})
    console.call("add_link", {"card_id": quiet["id"], "goal_id": goals["Grow sales in the north"]})
    console.call(
        "add_agreement",
        {"link_id": onboarding["id"], "text": "Buddy for March hires", "owner": anna.id, "due": "2027-03-01"},
    )
    console.call("set_phase", {"phase": "closed"})
    workshop.clients = {"console": console, "anna": anna, "bram": bram, "zoe": zoe}
    workshop.goals = goals
    return workshop


def get(workshop, path, **kwargs):
    return requests.get(
        f"{workshop.api.base}/api/workshops/{workshop.code}/{path}", headers=bearer(workshop.token), **kwargs
    )


def test_the_summary_json_has_its_documented_shape(seeded):
    body = get(seeded, "summary.json").json()
    Summary.model_validate(body)  # raises on any undocumented or missing field
    documented = json.loads((ROOT / "docs" / "summary.schema.json").read_text())
    assert documented == summary_json_schema()
    # The facilitator sees every consented card: private and moderated ones too.
    assert body["totals"] == {
        "goals": 3,
        "goals_with_energy": 2,
        "open_goals": 1,
        "people": 3,
        "drives": 5,
        "strengths": 1,
        "links": 3,
        "unlinked_drives": 3,
    }
    assert [(a["text"], a["owner"], a["due"], a["goal"]) for a in body["agreements"]] == [
        ("Buddy for March hires", "Anna", "2027-03-01", "New onboarding")
    ]


def test_the_csv_exports_have_a_row_per_link_and_per_card(seeded):
    links = list(csv.reader(io.StringIO(get(seeded, "links.csv").text)))
    assert links[0] == ["goal_kind", "goal", "person", "card_kind", "card", "linked_by"]
    assert sorted(row[4] for row in links[1:]) == ["'=Quiet focus", "Calm under fire", "Teaching newcomers"]
    cards = list(csv.reader(io.StringIO(get(seeded, "cards.csv").text)))
    assert cards[0] == ["person", "card_kind", "card", "visibility", "goals", "theme"]
    by_text = {row[2]: row for row in cards[1:]}
    assert by_text["Teaching newcomers"] == ["Anna", "drive", "Teaching newcomers", "named", "New onboarding", ""]
    assert by_text["Calm under fire"][:2] == ["Bram", "strength"]
    assert "Not agreed yet" not in by_text and "Said no to this" not in by_text


def test_the_marketplace_lists_open_asks_and_offers(seeded):
    market = get(seeded, "marketplace.json").json()
    assert market["asks"] == [{"kind": "activity", "goal": "Weekly customer calls"}]
    assert {"person": "Bram", "drive": "Travel"} in market["offers"]
    assert {"person": None, "drive": "=Quiet focus"} not in market["offers"]  # it has a link
    rows = list(csv.reader(io.StringIO(get(seeded, "marketplace.csv").text)))
    assert ["ask", "activity", "Weekly customer calls", ""] in rows
    for secret in PRIVATE:  # it leaves the room: only what the team may see
        assert secret not in json.dumps(market) and secret not in str(rows)


def test_the_link_map_is_an_svg_with_escaped_text(seeded):
    r = get(seeded, "map.svg")
    assert r.headers["Content-Type"].startswith("image/svg+xml")
    assert r.text.lstrip().startswith("<svg") and "New onboarding" in r.text and "<script" not in r.text


def test_the_team_link_shows_only_what_the_team_may_see(seeded):
    r = requests.post(f"{seeded.api.base}/api/workshops/{seeded.code}/team-link", headers=bearer(seeded.token))
    assert r.status_code == 201
    url = r.json()["url"]
    responses = [requests.get(url + suffix) for suffix in ("", "/summary.json", "/summary.md", "/map.svg")]
    assert [x.status_code for x in responses] == [200] * 4
    for response in responses:
        for secret in PRIVATE:
            assert secret not in response.text, (response.url, secret)
    team = responses[1].json()
    assert {"id": team["anonymous"][0]["id"], "text": "=Quiet focus"} == {
        k: team["anonymous"][0][k] for k in ("id", "text")
    }
    zoe = next(p for p in team["people"] if p["name"] == "Zoë")
    assert zoe["drives"] == [] and zoe["strengths"] == []
    assert all(
        link["person"]["name"] is None
        for g in team["goals"]
        for link in g["links"]
        if link["card"]["text"] == "=Quiet focus"
    )
    assert "Money worries" in get(seeded, "summary.json").text  # the facilitator's own summary keeps it

    renewed = requests.post(f"{seeded.api.base}/api/workshops/{seeded.code}/team-link", headers=bearer(seeded.token))
    assert requests.get(url).status_code == 404  # the old link died
    new_url = renewed.json()["url"]
    assert requests.get(new_url).status_code == 200
    assert (
        requests.delete(
            f"{seeded.api.base}/api/workshops/{seeded.code}/team-link", headers=bearer(seeded.token)
        ).status_code
        == 204
    )
    assert requests.get(new_url).status_code == 404
    assert requests.get(new_url + "/summary.json").status_code == 404


def test_a_participant_cannot_make_a_team_link(seeded):
    token = seeded.people["Anna"]["participant_token"]
    r = requests.post(f"{seeded.api.base}/api/workshops/{seeded.code}/team-link", headers=bearer(token))
    assert r.status_code == 403


def test_a_follow_up_starts_from_the_last_workshop_and_shows_what_changed(server, seeded):
    r = requests.post(
        f"{server.url}/api/workshops/{seeded.code}/follow-up",
        headers=bearer(seeded.token),
        json={"title": "Team day, autumn"},
    )
    assert r.status_code == 201
    follow = r.json()
    snap = seeded.api.workshop(follow["code"], follow["facilitator_token"])
    assert [g["text"] for g in snap["goals"]] == list(seeded.goals)
    assert [p["name"] for p in snap["participants"]] == ["Anna", "Bram", "Zoë"]
    assert "Not agreed yet" not in json.dumps(snap)

    # Anna rejoins as herself with her old token; Bram's phone does it through the join link.
    again = requests.post(
        f"{server.url}/api/workshops/{follow['code']}/rejoin",
        headers=bearer(seeded.people["Anna"]["participant_token"]),
    )
    assert again.status_code == 201
    anna_seat = next(p for p in snap["participants"] if p["name"] == "Anna")
    assert again.json()["participant_id"] == anna_seat["id"]
    phone = requests.Session()
    phone.cookies.set(f"wp_{seeded.code}", seeded.people["Bram"]["participant_token"])
    r = phone.get(f"{server.url}/j/{follow['code']}", allow_redirects=False)
    assert (r.status_code, r.headers["Location"]) == (303, f"/w/{follow['code']}/phone")
    assert phone.get(server.url + r.headers["Location"]).status_code == 200
    assert len(seeded.api.workshop(follow["code"], follow["facilitator_token"])["participants"]) == 3

    anna = Client(
        server.url,
        {"code": follow["code"], "role": "participant", "view": "phone", "token": again.json()["participant_token"]},
        "Anna",
    )
    console = Client(
        server.url,
        {"code": follow["code"], "role": "facilitator", "view": "console", "token": follow["facilitator_token"]},
        "console",
    )
    try:
        links = {(l["card_id"], l["goal_id"]): l for l in console.state["links"]}
        cards = {c["text"]: c for c in console.state["cards"]}
        goals = {g["text"]: g["id"] for g in console.state["goals"]}
        dropped = links[(cards["Calm under fire"]["id"], goals["New onboarding"])]
        console.call("delete_link", {"id": dropped["id"]})
        anna.call("add_link", {"card_id": cards["Teaching newcomers"]["id"], "goal_id": goals["Weekly customer calls"]})
        agreement = console.state["agreements"][0]
        assert agreement["text"] == "Buddy for March hires"
        anna.call("edit_agreement", {"id": agreement["id"], "done": True})
    finally:
        anna.disconnect()
        console.disconnect()
    changes = requests.get(
        f"{server.url}/api/workshops/{follow['code']}/summary.json", headers=bearer(follow["facilitator_token"])
    ).json()["changes"]
    assert changes["new_links"] == [
        {"goal": "Weekly customer calls", "card": "Teaching newcomers", "kind": "drive", "person": "Anna"}
    ]
    assert changes["dropped_links"] == [
        {"goal": "New onboarding", "card": "Calm under fire", "kind": "strength", "person": "Bram"}
    ]
    assert changes["agreements"] == [
        {"text": "Buddy for March hires", "due": "2027-03-01", "done": True, "still_open": False}
    ]


def test_only_a_closed_workshop_gets_a_follow_up(server, workshop):
    r = requests.post(f"{server.url}/api/workshops/{workshop.code}/follow-up", headers=bearer(workshop.token))
    assert (r.status_code, r.json()["error"]["code"]) == (409, "conflict")


def test_a_check_in_asks_whether_each_link_still_energises_its_person(seeded):
    console, anna, bram = seeded.clients["console"], seeded.clients["anna"], seeded.clients["bram"]
    links = console.call("sync")["state"]["links"]
    cards = {c["id"]: c for c in console.call("sync")["state"]["cards"]}
    annas = next(l for l in links if cards[l["card_id"]]["about"] == anna.id)
    assert anna.call("answer_checkin", {"link_id": annas["id"], "rating": 4})["error"]["code"] == "closed"
    console.call("open_checkin")
    assert anna.wait_for("checkin_changed")["checkin"]["opened_at"]
    first = anna.call("answer_checkin", {"link_id": annas["id"], "rating": 5, "comment": "Love it"})
    assert first["ok"] is True  # the workshop is closed, and check-ins still work
    assert bram.wait_for("hidden_change", lambda d: d["version"] == first["version"])
    assert console.wait_for("checkin_answered")["answer"]["rating"] == 5
    assert bram.call("answer_checkin", {"link_id": annas["id"], "rating": 1})["error"]["code"] == "forbidden"
    assert anna.call("answer_checkin", {"link_id": annas["id"], "rating": 6})["error"]["code"] == "invalid"
    console.call("open_checkin")  # a second check-in, later
    anna.call("answer_checkin", {"link_id": annas["id"], "rating": 3})
    trend = get(seeded, "summary.json").json()["checkins"]
    assert [(row["card"], [r["rating"] for r in row["ratings"]]) for row in trend] == [("Teaching newcomers", [5, 3])]
    assert trend[0]["ratings"][0]["comment"] == "Love it"


def rows_of(db_path: Path, workshop_ids: list[str]) -> int:
    """Rows anywhere in the database that belong to these workshops or point at their rows."""
    with sqlite3.connect(db_path) as db:
        total = 0
        marks = ",".join("?" * len(workshop_ids))
        total += db.execute(
            f"SELECT count(*) FROM workshops WHERE id IN ({marks}) OR previous_id IN ({marks})", workshop_ids * 2
        ).fetchone()[0]
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'workshops'"):
            columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})")]
            if "workshop_id" in columns:
                total += db.execute(
                    f"SELECT count(*) FROM {table} WHERE workshop_id IN ({marks})", workshop_ids
                ).fetchone()[0]
        return total


def workshop_id(db_path: Path, code: str) -> str:
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT id FROM workshops WHERE code = ?", (code,)).fetchone()[0]


def test_erasing_a_workshop_with_its_follow_ups_leaves_no_row(server, seeded):
    follow = requests.post(f"{server.url}/api/workshops/{seeded.code}/follow-up", headers=bearer(seeded.token)).json()
    ids = [workshop_id(server.db_path, seeded.code), workshop_id(server.db_path, follow["code"])]
    assert rows_of(server.db_path, ids) > 20
    r = requests.delete(f"{server.url}/api/workshops/{seeded.code}", headers=bearer(seeded.token))
    assert r.status_code == 204
    assert rows_of(server.db_path, ids) == 0
    assert requests.get(f"{server.url}/j/{follow['code']}").status_code == 404


def test_erasing_only_the_original_keeps_the_follow_up_but_forgets_the_origin(server, seeded):
    follow = requests.post(f"{server.url}/api/workshops/{seeded.code}/follow-up", headers=bearer(seeded.token)).json()
    old_id = workshop_id(server.db_path, seeded.code)
    with sqlite3.connect(server.db_path) as db:
        old_rows = [
            r[0]
            for t in ("goals", "participants", "cards", "links", "agreements")
            for r in db.execute(f"SELECT id FROM {t} WHERE workshop_id = ?", (old_id,))
        ]
    assert (
        requests.delete(
            f"{server.url}/api/workshops/{seeded.code}?keep_follow_ups=1", headers=bearer(seeded.token)
        ).status_code
        == 204
    )
    assert rows_of(server.db_path, [old_id]) == 0
    with sqlite3.connect(server.db_path) as db:
        marks = ",".join("?" * len(old_rows))
        for table in ("goals", "participants", "cards", "links", "agreements"):
            assert db.execute(f"SELECT count(*) FROM {table} WHERE origin_id IN ({marks})", old_rows).fetchone()[0] == 0
    summary = requests.get(
        f"{server.url}/api/workshops/{follow['code']}/summary.json", headers=bearer(follow["facilitator_token"])
    ).json()
    assert summary["changes"] is None and summary["totals"]["links"] == 3


def test_the_team_never_learns_whose_anonymous_card_an_agreement_is_on(server, new_workshop):
    workshop = new_workshop()
    workshop.facilitator()
    zoe, bram = workshop.participant("Zoë"), workshop.participant("Bram")
    quiet = zoe.call("add_card", {"kind": "drive", "text": "Quiet work", "visibility": "anonymous"})["card"]
    link = zoe.call("add_link", {"card_id": quiet["id"], "goal_id": zoe.state["goals"][0]["id"]})["link"]
    made = zoe.call("add_agreement", {"link_id": link["id"], "text": "Focus mornings", "owner": zoe.id})
    assert made["agreement"]["owner"] == zoe.id  # Zoë sees her own
    assert bram.wait_for("agreement_saved")["agreement"]["owner"] is None
    assert workshop.participant("Cas").state["agreements"][0]["owner"] is None
    team_url = requests.post(
        f"{server.url}/api/workshops/{workshop.code}/team-link", headers=bearer(workshop.token)
    ).json()["url"]
    team = requests.get(team_url + "/summary.json").json()
    assert [(a["text"], a["owner"], a["person"]) for a in team["agreements"]] == [("Focus mornings", None, None)]
    assert team["checkins"] == []
    assert "Zoë" not in requests.get(team_url + "/summary.md").text.split("Focus mornings")[1].splitlines()[0]
