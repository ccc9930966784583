"""The public REST API against a live server: shapes, status codes, and that bad input changes nothing."""

import requests


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_create_workshop_returns_code_token_and_absolute_urls(server, api):
    created = api.create_workshop(title="Sales team", language="nl")
    code = created["code"]
    assert len(code) == 6
    assert len(created["facilitator_token"]) >= 43
    facilitator = created["urls"].pop("facilitator")
    assert created["urls"] == {
        "join": f"{server.url}/j/{code}",
        "board": f"{server.url}/w/{code}/board",
        "summary": f"{server.url}/w/{code}/summary",
    }
    # A one-time sign-in link: the key itself is for the Authorization header only.
    assert facilitator.startswith(f"{server.url}/w/{code}/facilitate?key=")
    assert created["facilitator_token"] not in facilitator


def test_get_workshop_gives_the_whole_workshop_to_its_facilitator(api):
    created = api.create_workshop(goals=[{"text": "Happier customers", "kind": "goal"}])
    body = api.workshop(created["code"], created["facilitator_token"])
    assert body["phase"] == "join"
    assert body["version"] == 0
    assert [(g["text"], g["kind"]) for g in body["goals"]] == [("Happier customers", "goal")]
    assert (body["participants"], body["drives"], body["strengths"], body["links"]) == ([], [], [], [])


def test_join_gives_id_and_token_and_a_taken_name_is_409_whatever_its_case(api):
    code = api.create_workshop()["code"]
    joined = api.join(code, "Anna")
    assert set(joined) == {"participant_id", "participant_token"}
    again = api.http.post(f"{api.base}/api/workshops/{code}/participants", json={"name": "aNNA"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_join_an_unknown_code_is_404(api):
    r = api.http.post(f"{api.base}/api/workshops/ZZZZZZ/participants", json={"name": "Anna"})
    assert r.status_code == 404
    assert r.json() == {"error": {"code": "not_found", "message": "No such workshop."}}


def test_get_workshop_refuses_missing_wrong_participant_and_foreign_tokens(api):
    a = api.create_workshop()
    b = api.create_workshop()
    person = api.join(a["code"], "Piet")
    url = f"{api.base}/api/workshops/{a['code']}"
    assert api.http.get(url).status_code == 401
    assert api.http.get(url, headers=bearer("x" * 43)).status_code == 401
    assert api.http.get(url, headers=bearer(person["participant_token"])).status_code == 403
    assert api.http.get(url, headers=bearer(b["facilitator_token"])).status_code in (401, 403)


def test_invalid_requests_are_refused_with_an_error_object_and_change_nothing(api):
    created = api.create_workshop()
    before = api.workshop(created["code"], created["facilitator_token"])
    bad_bodies = [
        {"title": ""},
        {"title": "x" * 121},
        {"title": "ok", "language": "de"},
        {"title": "ok", "goals": [{"text": "y" * 281, "kind": "goal"}]},
        {"title": "ok", "goals": [{"text": "fine", "kind": "dream"}]},
        {"title": "ok", "surprise": 1},
        {"title": 5},
    ]
    for body in bad_bodies:
        r = api.http.post(api.base + "/api/workshops", json=body)
        assert r.status_code == 400, body
        assert r.json()["error"]["code"] == "invalid"
        assert r.json()["error"]["message"]
    for body in ({"name": ""}, {"name": "n" * 41}, {"name": "a\nb"}, {"nom": "x"}, ["Anna"]):
        r = api.http.post(f"{api.base}/api/workshops/{created['code']}/participants", json=body)
        assert r.status_code == 400, body
    r = api.http.post(f"{api.base}/api/workshops/{created['code']}/participants", data="name=Anna")
    assert r.status_code == 400
    assert api.workshop(created["code"], created["facilitator_token"]) == before


def test_a_body_over_64_kb_is_refused_as_too_large(api):
    r = api.http.post(api.base + "/api/workshops", json={"title": "x" * 70_000})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"


def test_summary_downloads_have_their_media_types(api):
    created = api.create_workshop()
    for ext, mime in (("json", "application/json"), ("md", "text/markdown"), ("csv", "text/csv")):
        r = api.http.get(
            f"{api.base}/api/workshops/{created['code']}/summary.{ext}", headers=bearer(created["facilitator_token"])
        )
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith(mime)
        r = api.http.get(f"{api.base}/api/workshops/{created['code']}/summary.{ext}")
        assert r.status_code == 401


def test_delete_erases_the_workshop_and_its_urls_answer_404(api):
    created = api.create_workshop()
    code, token = created["code"], created["facilitator_token"]
    api.join(code, "Anna")
    assert api.http.delete(f"{api.base}/api/workshops/{code}", headers=bearer("nope" * 11)).status_code == 401
    r = api.http.delete(f"{api.base}/api/workshops/{code}", headers=bearer(token))
    assert r.status_code == 204
    assert api.http.get(f"{api.base}/api/workshops/{code}", headers=bearer(token)).status_code == 404
    for path in (f"/j/{code}", f"/w/{code}/board", f"/w/{code}/summary", f"/w/{code}/qr.svg"):
        assert api.http.get(api.base + path).status_code == 404, path


def test_delete_with_only_the_cookie_is_refused(api):
    created = api.create_workshop()
    jar = requests.Session()
    jar.get(created["urls"]["facilitator"])  # sets the facilitator cookie
    r = jar.delete(f"{api.base}/api/workshops/{created['code']}")
    assert r.status_code == 401
    assert api.workshop(created["code"], created["facilitator_token"])["code"] == created["code"]
