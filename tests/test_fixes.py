"""What a docs audit found: answers caches may keep, refusals that said the wrong thing,
team-link files that could be guessed at without limit."""

from __future__ import annotations

import requests


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# --- every answer with a credential or personal data is no-store ----------------------------


def test_every_answer_with_a_token_or_personal_data_is_no_store(server, workshop):
    base, code, key = server.url, workshop.code, workshop.token
    console = workshop.facilitator()
    anna = workshop.participant("Anna")
    anna.call("add_card", {"kind": "drive", "text": "Teaching"})
    answers: dict[str, requests.Response] = {}

    answers["API join"] = requests.post(f"{base}/api/workshops/{code}/participants", json={"name": "Bram"})
    assert answers["API join"].status_code == 201
    answers["page join"] = requests.post(f"{base}/j/{code}", data={"name": "Cas"}, allow_redirects=False)
    assert answers["page join"].status_code == 303
    answers["create from the home page"] = requests.post(
        f"{base}/workshops", data={"title": "Another", "language": "en"}, allow_redirects=False
    )
    browser = requests.Session()
    answers["sign-in link"] = browser.get(workshop.signin_url(), allow_redirects=False)
    answers["take part"] = browser.post(f"{base}/w/{code}/take-part", data={"name": "Manager"}, allow_redirects=False)
    board = requests.post(f"{base}/api/workshops/{code}/board-link", headers=bearer(key)).json()["url"]
    answers["board link"] = requests.get(board, allow_redirects=False)
    answers["team link made"] = requests.post(f"{base}/api/workshops/{code}/team-link", headers=bearer(key))
    team = answers["team link made"].json()["url"]
    for part in ("summary.json", "summary.md", "map.svg"):
        answers[f"team link's {part}"] = requests.get(f"{team}/{part}")
    answers["workshop"] = requests.get(f"{base}/api/workshops/{code}", headers=bearer(key))
    for export in (
        "summary.json",
        "summary.md",
        "summary.csv",
        "links.csv",
        "cards.csv",
        "map.svg",
        "marketplace.json",
        "marketplace.csv",
    ):
        answers[export] = requests.get(f"{base}/api/workshops/{code}/{export}", headers=bearer(key))

    console.call("set_phase", {"phase": "closed"})
    follow = requests.post(f"{base}/api/workshops/{code}/follow-up", headers=bearer(key)).json()
    answers["API rejoin"] = requests.post(
        f"{base}/api/workshops/{follow['code']}/rejoin", headers=bearer(workshop.people["Anna"]["participant_token"])
    )
    assert answers["API rejoin"].status_code == 201
    phone = requests.Session()
    phone.cookies.set(f"wp_{code}", answers["API join"].json()["participant_token"])
    answers["page rejoin"] = phone.get(f"{base}/j/{follow['code']}", allow_redirects=False)
    assert answers["page rejoin"].status_code == 303

    for what, r in answers.items():
        assert r.status_code < 400, (what, r.status_code)
    assert {what: r.headers.get("Cache-Control") for what, r in answers.items()} == {
        what: "no-store" for what in answers
    }


def test_the_qr_code_and_static_files_may_still_be_cached(server, workshop):
    qr = requests.get(f"{server.url}/w/{workshop.code}/qr.svg")
    assert qr.headers["Cache-Control"] == "private, max-age=300"
    script = requests.get(f"{server.url}/static/js/phone.js")
    assert script.status_code == 200 and script.headers.get("Cache-Control") != "no-store"
