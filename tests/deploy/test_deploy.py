"""The app deployed as docs/OPERATIONS.md says: app processes on Redis behind nginx (TLS).

Clients come from different loopback addresses, so nginx's sticky hash puts them on different
processes; the access log says which process served each request.
"""

from __future__ import annotations

import sqlite3
import textwrap
import threading
import uuid
from collections import Counter

import pytest
from deployment import NGINX_CONF, ROOT, Deployment, Phone

pytestmark = [pytest.mark.deploy, pytest.mark.live]


def new_id() -> str:
    """A client-made id, as the phone makes them (32 hex characters)."""
    return uuid.uuid4().hex


def create_workshop(deployment: Deployment, source: str = "127.0.0.1") -> dict:
    r = deployment.http(source).post(
        deployment.url + "/api/workshops",
        json={"title": "Team day", "language": "en", "goals": [{"text": "Grow sales", "kind": "goal"}]},
        timeout=10,
    )
    assert r.status_code == 201, r.text
    return r.json()


def join(deployment: Deployment, code: str, name: str, source: str) -> dict:
    r = deployment.http(source).post(
        f"{deployment.url}/api/workshops/{code}/participants", json={"name": name}, timeout=10
    )
    assert r.status_code == 201, r.text
    return r.json()


def phone(deployment: Deployment, workshop: dict, name: str, source: str) -> Phone:
    person = join(deployment, workshop["code"], name, source)
    auth = {"code": workshop["code"], "role": "participant", "view": "phone", "token": person["participant_token"]}
    return Phone(deployment.nginx, source, auth, name)


def board(deployment: Deployment, workshop: dict, source: str) -> Phone:
    auth = {"code": workshop["code"], "role": "facilitator", "view": "board", "token": workshop["facilitator_token"]}
    return Phone(deployment.nginx, source, auth, "board")


def add_drive(client: Phone, text: str) -> dict:
    ack = client.call("add_card", {"id": new_id(), "kind": "drive", "text": text})
    assert ack["ok"], ack
    return ack["card"]


def card_ids_in_database(deployment: Deployment, workshop: dict) -> Counter:
    """The cards in the shared SQLite file itself, read beside the running processes."""
    with sqlite3.connect(f"file:{deployment.db}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT cards.id FROM cards JOIN workshops ON workshops.id = cards.workshop_id WHERE workshops.code = ?",
            (workshop["code"],),
        ).fetchall()
    return Counter(row[0] for row in rows)


@pytest.fixture
def connected():
    made: list[Phone] = []
    yield made
    for client in made:
        client.close()


def test_operations_shows_the_nginx_config_these_tests_run():
    """OPERATIONS.md shows docs/nginx.conf whole: what an operator copies is what is tested."""
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    assert textwrap.indent(NGINX_CONF.read_text(encoding="utf-8"), "      ") in operations


def test_phones_on_every_process_and_a_board_on_another_see_every_card(deployment, connected):
    workshop = create_workshop(deployment)
    (board_source,) = deployment.sources_on(0)
    screen = board(deployment, workshop, board_source)
    connected.append(screen)
    phones = []
    for process in (1, 2):
        for n, source in enumerate(deployment.sources_on(process, 2)):
            phones.append(phone(deployment, workshop, f"Person {process}.{n}", source))
    connected.extend(phones)

    cards = {add_drive(p, f"What {p.name} cares about")["id"]: p for p in phones}

    for card_id in cards:
        screen.wait_for("card_saved", lambda d, card_id=card_id: d["card"]["id"] == card_id)
    # Each phone sees the cards written on the other process too (the queue carries them).
    for p in phones:
        for card_id, author in cards.items():
            if author is not p:
                p.wait_for("card_saved", lambda d, card_id=card_id: d["card"]["id"] == card_id)

    # Sticky: every request of a client went to one process, the one nginx pins its address to
    # (long-polling first: a request on another process would not know the session), and each
    # ended on a WebSocket through nginx.
    served = {c.source: set(deployment.upstreams_of(c.source)) for c in [screen, *phones]}
    assert {source: {deployment.index_of(u) for u in ups} for source, ups in served.items()} == {
        c.source: {deployment.process_of(c.source)} for c in [screen, *phones]
    }
    assert {deployment.process_of(p.source) for p in phones} == {1, 2}
    assert deployment.process_of(screen.source) == 0
    assert all(c.sio.transport() == "websocket" for c in [screen, *phones])
    assert [app.output().count("Traceback") for app in deployment.apps] == [0, 0, 0]


def test_one_address_spending_its_misses_does_not_refuse_another_address(deployment):
    """nginx forwards the client's address (X-Forwarded-For) and the app trusts one proxy: the
    per-address budget of misses (20 a minute here) is the client's, not nginx's."""
    workshop = create_workshop(deployment)
    guesser, neighbour = deployment.sources_on(1, 2)  # one process: the address decides, not the process
    guesses = deployment.http(guesser)
    unknown = deployment.url + "/api/workshops/QQQQQQ/participants"
    statuses = [guesses.post(unknown, json={"name": "Mallory"}, timeout=10).status_code for _ in range(25)]
    assert 404 in statuses and statuses[-1] == 429, statuses
    # A forged X-Forwarded-For does not buy a new budget: the app reads the address nginx adds.
    forged = guesses.post(unknown, json={"name": "Mallory"}, headers={"X-Forwarded-For": "10.9.8.7"}, timeout=10)
    assert forged.status_code == 429

    other = deployment.http(neighbour)
    assert other.post(unknown, json={"name": "Typo"}, timeout=10).status_code == 404
    joined = other.post(
        f"{deployment.url}/api/workshops/{workshop['code']}/participants", json={"name": "Ada"}, timeout=10
    )
    assert joined.status_code == 201, joined.text


def test_the_access_log_of_a_whole_workshop_holds_no_code_or_token(deployment, connected):
    source = deployment.sources_on(2)[0]
    http = deployment.http(source)
    workshop = create_workshop(deployment, source)
    code, bearer = workshop["code"], {"Authorization": f"Bearer {workshop['facilitator_token']}"}
    secrets = {"join code": code, "facilitator key": workshop["facilitator_token"]}

    # The facilitator signs in a browser with the one-time link, opens the board link, the QR code.
    signin = workshop["urls"]["facilitator"]
    secrets["sign-in code"] = signin.split("key=", 1)[1]
    assert http.get(signin, allow_redirects=False, timeout=10).status_code == 303
    board_link = http.post(f"{deployment.url}/api/workshops/{code}/board-link", headers=bearer, timeout=10).json()[
        "url"
    ]
    secrets["board key"] = board_link.split("key=", 1)[1]
    assert http.get(board_link, timeout=10).status_code == 200
    assert http.get(f"{deployment.url}/w/{code}/qr.svg", timeout=10).status_code == 200

    # Phones open the join page, join, write; one joins in its browser with the form.
    assert http.get(f"{deployment.url}/j/{code}", timeout=10).status_code == 200
    people = [phone(deployment, workshop, name, source) for name in ("Anna", "Bram")]
    connected.extend(people)
    for person in people:
        secrets[f"{person.name}'s token"] = person.auth["token"]
        add_drive(person, "Quiet, deep work")
    assert http.get(f"{deployment.url}/w/{code}/phone", timeout=10).status_code == 200  # the redirect to join

    # The facilitator downloads the summary and shares the team link, which the team opens.
    assert http.get(f"{deployment.url}/api/workshops/{code}/summary.json", headers=bearer, timeout=10).ok
    team_link = http.post(f"{deployment.url}/api/workshops/{code}/team-link", headers=bearer, timeout=10).json()["url"]
    secrets["team link token"] = team_link.rsplit("/t/", 1)[1]
    for suffix in ("", "/summary.json", "/summary.md", "/map.svg"):
        assert http.get(team_link + suffix, timeout=10).status_code == 200

    deployment.nginx.wait_logged(source, "/t/*/map.svg")
    log = deployment.nginx.log()
    leaked = {what: value for what, value in secrets.items() if value.lower() in log.lower()}
    assert leaked == {}
    # The log is there all the same, and names each route with its secret masked by "*".
    mine = [row["path"] for row in deployment.nginx.log_lines(source)]
    for route in (
        "/w/*/facilitate",
        "/w/*/board",
        "/w/*/qr.svg",
        "/j/*",
        "/api/workshops/*/board-link",
        "/t/*",
        "/t/*/summary.md",
    ):
        assert route in mine, (route, mine)
    assert any(path.startswith("/socket.io/") for path in mine)


def test_kill_9_of_a_process_its_phones_reconnect_to_a_survivor_and_lose_nothing(new_deployment, connected):
    deployment = new_deployment(processes=2)
    survivor, victim = 0, 1
    workshop = create_workshop(deployment)
    screen = board(deployment, workshop, deployment.sources_on(survivor)[0])
    connected.append(screen)
    on_victim = [phone(deployment, workshop, f"Victim {n}", s) for n, s in enumerate(deployment.sources_on(victim, 3))]
    on_survivor = [
        phone(deployment, workshop, f"Safe {n}", s) for n, s in enumerate(deployment.sources_on(survivor, 2))
    ]
    connected.extend(on_victim + on_survivor)

    acked: dict[str, dict] = {}  # card id -> the card as acknowledged
    before = {p.name: add_drive(p, f"Before, from {p.name}") for p in on_victim + on_survivor}
    acked.update({card["id"]: card for card in before.values()})

    deployment.apps[victim].kill()

    # Each phone on the dead process has an outbox: two cards written while it was cut off,
    # and the card it wrote before, sent again as if its acknowledgement had been lost. The
    # outbox sends each until acknowledged, always with the same id.
    outboxes = {
        p.name: [{"id": new_id(), "kind": "drive", "text": f"Cut off, from {p.name} ({n})"} for n in range(2)]
        + [{"id": before[p.name]["id"], "kind": "drive", "text": before[p.name]["text"]}]
        for p in on_victim
    }
    acks: dict[str, list[dict]] = {}

    def drain(p: Phone) -> None:
        acks[p.name] = [p.send_until_acked("add_card", payload) for payload in outboxes[p.name]]

    senders = [threading.Thread(target=drain, args=(p,)) for p in on_victim]
    for t in senders:
        t.start()
    after = {p.name: add_drive(p, f"After, from {p.name}") for p in on_survivor}
    for t in senders:
        t.join(60)
    assert sorted(acks) == sorted(p.name for p in on_victim), "an outbox was not delivered"
    for p in on_victim:
        assert all(ack["ok"] for ack in acks[p.name]), acks[p.name]
        sent_ids = [payload["id"] for payload in outboxes[p.name]]
        assert [ack["card"]["id"] for ack in acks[p.name]] == sent_ids
        acked.update({ack["card"]["id"]: ack["card"] for ack in acks[p.name]})
    acked.update({card["id"]: card for card in after.values()})

    # The cut-off phones came back through nginx, to the survivor.
    for p in on_victim:
        p.wait_connects(2)
        served = [deployment.index_of(u) for u in deployment.upstreams_of(p.source)]
        assert served[0] == victim and set(served) == {victim, survivor}, served
        assert p.sio.connected

    # Nothing acknowledged is lost, nothing is there twice: in the database, in the state a
    # survivor gives, and on the board (which stayed connected to the survivor throughout).
    assert card_ids_in_database(deployment, workshop) == Counter(list(acked))
    state = screen.call("sync", {})["state"]
    assert Counter(c["id"] for c in state["cards"]) == Counter(list(acked))
    assert {c["id"]: c["text"] for c in state["cards"]} == {i: c["text"] for i, c in acked.items()}
    for card_id in acked:
        screen.wait_for("card_saved", lambda d, card_id=card_id: d["card"]["id"] == card_id)
    assert screen.connects == 1
    assert "Traceback" not in deployment.apps[survivor].output()
