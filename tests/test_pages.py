"""The HTML pages over real HTTP: the flows without JavaScript, identity cookies, and safety headers."""

import re

import pytest
import requests

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def assert_safe_page(response):
    csp = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in re.search(r"style-src ([^;]*)", csp).group(1)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for tag in re.findall(r"<script\b[^>]*>", response.text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<[^>]*\son[a-z]+=", response.text), "inline event handler"
    assert not re.search(r"<[^>]*\sstyle=", response.text), "inline style"


def test_home_follows_the_browser_language_and_a_chosen_one(server):
    dutch = requests.get(server.url + "/", headers={"Accept-Language": "nl-NL,nl;q=0.9"})
    english = requests.get(server.url + "/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    chosen = requests.get(server.url + "/?lang=nl", headers={"Accept-Language": "en"})
    assert '<html lang="nl"' in dutch.text
    assert '<html lang="en"' in english.text
    assert '<html lang="nl"' in chosen.text
    assert chosen.cookies.get("lang") == "nl"
    assert dutch.text != english.text  # the words differ, not only the attribute
    assert_safe_page(dutch)


def test_creating_a_workshop_from_the_form_opens_the_console(server):
    browser = requests.Session()
    r = browser.post(
        server.url + "/workshops",
        data={
            "title": "Team Noord",
            "language": "nl",
            "goals": "- Meer klanten\n\n2. Minder verloop",
            "projects": "Nieuwe website",
            "activities": "",
        },
        allow_redirects=False,
    )
    assert r.status_code == 303
    code = re.search(r"/w/([A-Z0-9]{6})/facilitate$", r.headers["Location"]).group(1)
    cookie = next(c for c in browser.cookies if c.name == f"wf_{code}")
    assert cookie.has_nonstandard_attr("HttpOnly")
    console = browser.get(server.url + r.headers["Location"])
    assert console.status_code == 200
    assert '<html lang="nl"' in console.text
    assert_safe_page(console)
    assert requests.get(server.url + r.headers["Location"]).status_code == 401


def test_an_invalid_form_is_shown_again_with_what_was_typed(server):
    r = requests.post(server.url + "/workshops", data={"title": "", "language": "en", "goals": "Keep this line"})
    assert r.status_code == 400
    assert "Keep this line" in r.text


def test_the_secret_link_sets_the_cookie_and_leaves_a_clean_address(server, api):
    created = api.create_workshop()
    wrong = requests.get(created["urls"]["facilitator"].replace("key=", "key=x"), allow_redirects=False)
    assert wrong.status_code == 401
    browser = requests.Session()
    r = browser.get(created["urls"]["facilitator"], allow_redirects=False)
    assert r.status_code == 303
    assert "key=" not in r.headers["Location"]
    assert browser.get(server.url + r.headers["Location"]).status_code == 200
    assert browser.get(created["urls"]["board"]).status_code == 200
    # The link signs in once (tests/test_credentials.py has the rest).
    assert requests.get(created["urls"]["facilitator"], allow_redirects=False).status_code == 401


def test_a_phone_joins_by_code_and_comes_back_as_the_same_person(server, api):
    created = api.create_workshop(language="nl")
    code = created["code"]
    phone = requests.Session()
    r = phone.post(server.url + "/join", data={"code": f" {code[:3].lower()}-{code[3:]} "}, allow_redirects=False)
    assert (r.status_code, r.headers["Location"]) == (303, f"/j/{code}")
    page = phone.get(server.url + f"/j/{code}")
    assert page.status_code == 200 and '<html lang="nl"' in page.text
    assert_safe_page(page)
    r = phone.post(server.url + f"/j/{code}", data={"name": "Anna"}, allow_redirects=False)
    assert (r.status_code, r.headers["Location"]) == (303, f"/w/{code}/phone")
    assert phone.get(server.url + f"/w/{code}/phone").status_code == 200
    back = phone.get(server.url + f"/j/{code}", allow_redirects=False)
    assert (back.status_code, back.headers["Location"]) == (303, f"/w/{code}/phone")
    participants = api.workshop(code, created["facilitator_token"])["participants"]
    assert [p["name"] for p in participants] == ["Anna"]

    stranger = requests.Session()
    assert stranger.get(server.url + f"/w/{code}/phone", allow_redirects=False).status_code == 303
    taken = stranger.post(server.url + f"/j/{code}", data={"name": "ANNA"})
    assert taken.status_code == 409
    assert len(api.workshop(code, created["facilitator_token"])["participants"]) == 1


def test_an_unknown_code_says_so(server):
    r = requests.post(server.url + "/join", data={"code": "QQQQQQ"})
    assert r.status_code == 404
    assert requests.get(server.url + "/j/QQQQQQ").status_code == 404


def test_the_qr_code_is_an_svg_of_the_join_url(server, api):
    created = api.create_workshop()
    r = requests.get(f"{server.url}/w/{created['code']}/qr.svg")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("image/svg+xml")
    assert r.text.lstrip().startswith("<svg")


@pytest.mark.parametrize("page", ["summary", "board", "facilitate"])
def test_participant_text_never_reaches_a_page_as_html(workshop, page):
    anna = workshop.participant(HOSTILE[:40])
    anna.call("add_card", {"kind": "drive", "text": HOSTILE})
    browser = requests.Session()
    browser.get(workshop.urls["facilitator"])
    r = browser.get(f"{workshop.api.base}/w/{workshop.code}/{page}")
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img src=x" not in r.text
    assert_safe_page(r)


def test_the_summary_page_lists_goals_people_and_gaps(workshop):
    anna = workshop.participant("Anna")
    card = anna.call("add_card", {"kind": "drive", "text": "Coaching new colleagues"})["card"]
    anna.call("add_link", {"card_id": card["id"], "goal_id": anna.state["goals"][1]["id"]})
    anna.call("add_card", {"kind": "drive", "text": "Drawing"})
    browser = requests.Session()
    browser.get(workshop.urls["facilitator"])
    r = browser.get(workshop.urls["summary"])
    assert r.status_code == 200
    for text in ("Coaching new colleagues", "New onboarding", "Drawing", "Weekly customer calls", "Anna"):
        assert text in r.text
    for ext in ("md", "csv", "json"):
        assert f"/api/workshops/{workshop.code}/summary.{ext}" in r.text
        assert browser.get(f"{workshop.api.base}/api/workshops/{workshop.code}/summary.{ext}").status_code == 200


@pytest.mark.live  # as the async server sends them
def test_every_page_sends_the_safety_headers(server, api):
    code = api.create_workshop()["code"]
    for path in ("/", f"/j/{code}", "/healthz", f"/w/{code}/qr.svg", "/nope", "/api/nope"):
        r = requests.get(server.url + path)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert "script-src 'self'" in r.headers["Content-Security-Policy"], path
    assert requests.get(server.url + "/api/nope").json()["error"]["code"] == "not_found"


@pytest.mark.live  # as the async server sends them
def test_scripts_and_styles_are_served_compressed_and_intact(server):
    """Compressed, and byte for byte the file, except our own scripts: those are minified."""
    from pathlib import Path

    import brotli
    import rjsmin

    root = Path(__file__).resolve().parent.parent
    for path in ("/static/js/phone.js", "/static/css/app.css", "/static/vendor/socket.io/socket.io.esm.min.js"):
        file = (root / path.lstrip("/")).read_bytes()
        expected = rjsmin.jsmin(file.decode()).encode() if path.startswith("/static/js/") else file
        r = requests.get(server.url + path, headers={"Accept-Encoding": "br"}, stream=True)
        assert r.headers["Content-Encoding"] == "br"
        raw = r.raw.read()
        assert len(raw) < len(file) / 2
        assert brotli.decompress(raw) == expected
        plain = requests.get(server.url + path, headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers and plain.content == expected
        if path == "/static/js/phone.js":
            assert b"// @ts-check" not in plain.content and len(plain.content) < 0.8 * len(file)
