"""The marketplace's weekly digest (workshop/digest.py): composed from plain data, sent to a real
SMTP server (aiosmtpd, started here on a free port: plain, STARTTLS with a certificate made for
the test, a login), and ``python app.py digest`` over a real database."""

from __future__ import annotations

import email
import email.policy
import logging
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from helpers import free_port, run_app, self_signed_certificate
from inprocess import elapse

from workshop import config as settings
from workshop.cli import send_digests
from workshop.digest import SECTION_MAX, Mail, Match, SendFailed, SmtpSettings, Waiting, compose, send, smtp_settings

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
SENDER = "workshop@example.org"


def mail(**changes) -> Mail:
    fields = {
        "to": "anna@example.org",
        "language": "en",
        "workshop": "Team Q2",
        "until": "2025-03-31",
        "name": "Anna",
        "workshop_id": "w1",
        "participant_id": "p-anna",
    }
    return Mail(**{**fields, **changes})


def body(message) -> str:
    return message.get_content()


# --- compose -----------------------------------------------------------------------------------


def test_a_participants_digest_names_what_waits_for_them_in_words():
    message = compose(
        mail(
            waiting=(
                Waiting("answer", "Faster onboarding", "Coaching newcomers", "grow", "Bob", "Fridays suit me"),
                Waiting("propose", "Customer days", "Telling stories", "energises", "Carol"),
                Waiting("broker", "Quarterly plan", "Spreadsheets", "already"),
            ),
            link="https://workshop.example.org/w/ABC123/phone",
        ),
        SENDER,
        NOW,
    )
    text = body(message)
    assert text.startswith("Hello Anna,\n")
    assert "marketplace of “Team Q2”, open until March 31, 2025." in text
    assert "Waiting for your decision: 3" in text
    assert (
        "- Bob would like to contribute “Coaching newcomers” to “Faster onboarding”. (I want to grow in this)" in text
    )
    assert "  “Fridays suit me”" in text
    assert "- Carol proposes your “Telling stories” for “Customer days”. (It energises me)" in text
    assert "- The facilitator proposes your “Spreadsheets” for “Quarterly plan”. (I already do this)" in text
    assert "Open the marketplace: https://workshop.example.org/w/ABC123/phone" in text
    assert "clear your e-mail address under Me" in text
    assert "Marketplace “Team Q2”: your weekly digest" == message["Subject"]


def test_matches_come_with_their_reasons():
    text = body(
        compose(mail(matches=(Match("Faster onboarding", "Coaching newcomers", ("onboarding", "klant")),)), SENDER, NOW)
    )
    assert "Asks that match what you offer" in text
    assert "- “Faster onboarding” ← “Coaching newcomers”\n  shares: onboarding, klant\n" in text


def test_an_ask_owner_hears_of_offers_that_match_their_ask():
    text = body(compose(mail(offers=(Match("Faster onboarding", "Onboarding buddies", ("onboarding",)),)), SENDER, NOW))
    assert "Offers that match your asks" in text
    assert "Asks that match what you offer" not in text
    assert "- “Faster onboarding” ← “Onboarding buddies”\n  shares: onboarding\n" in text


def test_the_facilitators_digest_tells_new_matches_and_where_to_stop_it():
    text = body(compose(mail(name=None, participant_id=None, matches=(Match("Plan", "Maps", ("map",)),)), SENDER, NOW))
    assert text.startswith("Hello,\n")
    assert "New matches since your last digest" in text
    assert "in the console" in text


def test_a_dutch_workshop_gets_a_dutch_digest():
    message = compose(
        mail(
            language="nl",
            waiting=(Waiting("answer", "Snellere onboarding", "Nieuwe collega's coachen", "energises", "Bob"),),
            matches=(Match("Klantdagen", "Verhalen vertellen", ("verhal",)),),
        ),
        SENDER,
        NOW,
    )
    text = body(message)
    assert text.startswith("Hallo Anna,\n")
    assert "open tot 31 maart 2025" in text
    assert "Wacht op jouw beslissing: 1" in text
    assert (
        "Bob wil graag bijdragen met “Nieuwe collega's coachen” aan “Snellere onboarding”. (Dit geeft me energie)"
        in text
    )
    assert "  deelt: verhal" in text
    assert "Marktplaats “Team Q2”: je weekoverzicht" == message["Subject"]
    assert "nl" == message["Content-Language"]


def test_a_language_the_app_does_not_speak_gets_english():
    message = compose(mail(language="xx"), SENDER, NOW)
    assert body(message).startswith("Hello Anna,")
    assert "en" == message["Content-Language"]


def test_an_anonymous_cards_person_is_never_named():
    text = body(compose(mail(waiting=(Waiting("answer", "Goal", "A quiet card", "energises", None),)), SENDER, NOW))
    assert "- Someone would like to contribute “A quiet card” to “Goal” (an anonymous card)." in text


def test_participant_text_stays_on_its_line_and_out_of_the_headers():
    message = compose(
        mail(
            workshop="Team\r\nBcc: everyone@example.org",
            name="Anna\nP.S. click here",
            waiting=(Waiting("propose", "Goal\n\n- fake line", "Card\u0007", "energises", "Bob\r\nX: y"),),
        ),
        SENDER,
        NOW,
    )
    raw = message.as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None and parsed["X"] is None
    assert "Marketplace “Team Bcc: everyone@example.org”: your weekly digest" == parsed["Subject"]
    text = body(parsed)
    assert "Hello Anna P.S. click here," in text
    assert "- Bob X: y proposes your “Card” for “Goal - fake line”. (It energises me)" in text
    assert "\u0007" not in text


def test_long_text_is_cut_and_long_lists_point_to_the_app():
    many = tuple(Waiting("broker", f"Goal {i}", "x" * 500, "energises") for i in range(SECTION_MAX + 3))
    text = body(compose(mail(waiting=many), SENDER, NOW))
    assert f"Waiting for your decision: {SECTION_MAX + 3}" in text
    assert text.count("The facilitator proposes") == SECTION_MAX
    assert "- and 3 more in the app" in text
    assert "x" * 120 not in text
    assert "x" * 119 + "…" in text


def test_the_address_is_in_the_to_header_only():
    message = compose(mail(to="anna.private@example.org"), SENDER, NOW)
    assert "anna.private@example.org" == message["To"]
    assert "anna.private" not in body(message)
    assert SENDER == message["From"]
    assert "auto-generated" == message["Auto-Submitted"]
    assert message["Message-ID"].endswith("@example.org>")


@pytest.mark.parametrize(
    "address",
    ["anna@example.org, bob@example.org", "Anna <anna@example.org>", "anna", "anna@example.org\nBcc: x@y.z", ""],
)
def test_only_one_plain_address_is_written_to(address):
    with pytest.raises(ValueError):
        compose(mail(to=address), SENDER, NOW)


# --- the SMTP settings ---------------------------------------------------------------------------


def test_without_an_smtp_server_nothing_is_to_be_sent():
    assert "No SMTP server" in smtp_settings(settings.load(environ={}))
    assert "No sender address" in smtp_settings(settings.load(environ={"WORKSHOP_SMTP_HOST": "mail.example.org"}))


def test_the_smtp_settings_come_from_the_settings_table():
    loaded = settings.load(
        environ={
            "WORKSHOP_SMTP_HOST": "mail.example.org",
            "WORKSHOP_SMTP_PORT": "2525",
            "WORKSHOP_SMTP_FROM": SENDER,
            "WORKSHOP_SMTP_USERNAME": "workshop",
            "WORKSHOP_SMTP_PASSWORD": "s3cret",
        }
    )
    assert SmtpSettings("mail.example.org", 2525, SENDER, "workshop", "s3cret", True) == smtp_settings(loaded)
    assert "s3cret" not in repr(smtp_settings(loaded))


def test_a_login_is_never_sent_in_the_clear_to_another_machine():
    environ = {
        "WORKSHOP_SMTP_HOST": "mail.example.org",
        "WORKSHOP_SMTP_FROM": SENDER,
        "WORKSHOP_SMTP_USERNAME": "workshop",
        "WORKSHOP_SMTP_PASSWORD": "s3cret",
        "WORKSHOP_SMTP_STARTTLS": "off",
    }
    assert "turn WORKSHOP_SMTP_STARTTLS on" in smtp_settings(settings.load(environ=environ))
    assert "needs both" in smtp_settings(settings.load(environ={**environ, "WORKSHOP_SMTP_PASSWORD": ""}))


@pytest.mark.parametrize(
    ("key", "raw"),
    [("SMTP_FROM", "not an address"), ("SMTP_FROM", "a@b.org, c@d.org"), ("SMTP_PORT", "0"), ("SMTP_HOST", "a b")],
)
def test_a_wrong_smtp_setting_stops_with_one_line(key, raw):
    with pytest.raises(settings.ConfigError, match=rf"^{key} \(from environment variable WORKSHOP_{key}\): "):
        settings.load(environ={f"WORKSHOP_{key}": raw})


# --- a real SMTP server --------------------------------------------------------------------------


@dataclass
class Inbox:
    """What the local SMTP server received, and how: each envelope with whether it came over TLS
    and who had logged in."""

    refuse: set[str] = field(default_factory=set)
    received: list[dict] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": email.message_from_bytes(envelope.original_content, policy=email.policy.default),
                "tls": session.ssl is not None,
                "login": session.auth_data.login if session.authenticated else None,
            }
        )
        return "250 OK"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: the digest's client checks it for real."""
    return self_signed_certificate(folder)


def password_check(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"workshop", b"s3cret")
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.fixture
def smtp_server():
    """Start a local SMTP server (aiosmtpd) on a free port; stopped after the test."""
    started: list[Controller] = []

    def start(inbox: Inbox, **options) -> int:
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def trusted_certificate(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A certificate the digest's client trusts, as a system's trusted certificates would be."""
    cert, key = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return cert, key


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def test_digests_reach_a_local_smtp_server_one_recipient_each(smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    stamped: list[str] = []
    mails = [mail(), mail(to="bob@example.org", name="Bob", participant_id="p-bob", language="nl")]

    sent = send(mails, SmtpSettings("127.0.0.1", port, SENDER, starttls=False), NOW, lambda m: stamped.append(m.to))

    assert sent == mails
    assert ["anna@example.org", "bob@example.org"] == stamped
    assert [["anna@example.org"], ["bob@example.org"]] == [r["to"] for r in inbox.received]
    assert {SENDER} == {r["from"] for r in inbox.received}
    assert inbox.received[0]["message"].get_content().startswith("Hello Anna,")
    assert inbox.received[1]["message"].get_content().startswith("Hallo Bob,")
    assert "Marktplaats “Team Q2”: je weekoverzicht" == inbox.received[1]["message"]["Subject"]


def test_a_refused_address_does_not_stop_the_others_and_is_not_logged(smtp_server, caplog):
    inbox = Inbox(refuse={"gone@example.org"})
    port = smtp_server(inbox)
    mails = [mail(to="gone@example.org"), mail(to="bob@example.org", name="Bob")]

    with caplog.at_level(logging.INFO, logger="workshop.digest"):
        sent = send(mails, SmtpSettings("127.0.0.1", port, SENDER, starttls=False), NOW)

    assert [mails[1]] == sent
    assert [["bob@example.org"]] == [r["to"] for r in inbox.received]
    assert "refused a digest" in caplog.text
    assert "gone@" not in caplog.text


def test_starttls_and_a_login_when_the_server_asks_for_them(smtp_server, trusted_certificate):
    inbox = Inbox()
    port = smtp_server(
        inbox,
        tls_context=tls_context(*trusted_certificate),
        require_starttls=True,
        authenticator=password_check,
        auth_require_tls=True,
    )
    secure = SmtpSettings("127.0.0.1", port, SENDER, "workshop", "s3cret", starttls=True)

    assert [mail()] == send([mail()], secure, NOW)
    assert [(True, b"workshop")] == [(r["tls"], r["login"]) for r in inbox.received]


def test_a_wrong_password_sends_nothing(smtp_server, trusted_certificate):
    inbox = Inbox()
    port = smtp_server(inbox, tls_context=tls_context(*trusted_certificate), authenticator=password_check)
    with pytest.raises(SendFailed, match="refused the login"):
        send([mail()], SmtpSettings("127.0.0.1", port, SENDER, "workshop", "guess", starttls=True), NOW)
    assert [] == inbox.received


def test_an_untrusted_certificate_sends_nothing(smtp_server, tmp_path):
    inbox = Inbox()
    port = smtp_server(inbox, tls_context=tls_context(*make_certificate(tmp_path)), require_starttls=True)
    with pytest.raises(SendFailed, match=f"port {port}"):
        send([mail()], SmtpSettings("127.0.0.1", port, SENDER, starttls=True), NOW)
    assert [] == inbox.received


def test_without_starttls_a_server_that_requires_it_gets_nothing(smtp_server, trusted_certificate):
    inbox = Inbox()
    port = smtp_server(inbox, tls_context=tls_context(*trusted_certificate), require_starttls=True)
    with pytest.raises(SendFailed):
        send([mail()], SmtpSettings("127.0.0.1", port, SENDER, starttls=False), NOW)
    assert [] == inbox.received


def test_no_server_listening_is_one_line_without_an_address():
    port = free_port()
    with pytest.raises(SendFailed) as failed:
        send([mail()], SmtpSettings("127.0.0.1", port, SENDER, starttls=False), NOW)
    assert f"Cannot send through 127.0.0.1 port {port}" in str(failed.value)
    assert "anna" not in str(failed.value)


def test_nothing_to_send_opens_no_connection():
    assert [] == send([], SmtpSettings("127.0.0.1", free_port(), SENDER, starttls=False), NOW)


# --- a week of a marketplace, and ``python app.py digest`` ------------------------------------------


GOALS = [
    {"text": "Klant onboarding verbeteren", "kind": "project"},
    {"text": "Grow sales in the north", "kind": "goal"},
]


class Market:
    """A workshop open as a marketplace for a week: the console, Anna, Bram and Cas. Anna owns the
    onboarding ask; the sales ask has no owner. Each wrote a drive; Cas offers his."""

    def __init__(self, server, workshop):
        self.server, self.workshop = server, workshop
        self.store = server.app.extensions["workshop_store"]
        self.console = workshop.facilitator()
        self.anna, self.bram, self.cas = (workshop.participant(n) for n in ("Anna", "Bram", "Cas"))
        self.onboarding, self.sales = (g["id"] for g in self.anna.state["goals"])
        self.until = (server.clock.now().date() + timedelta(days=7)).isoformat()
        assert self.console.call("open_market", {"until": self.until})["ok"] is True
        self.ask(self.onboarding, text="Wie helpt klanten op weg?", effort="twee middagen", owner_id=self.anna.id)
        self.ask(self.sales, text="Ideas for the north", effort="an hour a week")
        self.a1 = self.drive(self.anna, "Coaching nieuwe collega's")
        self.b1 = self.drive(self.bram, "Klanten blij maken met onboarding")
        self.c1 = self.drive(self.cas, "Sales in the north")
        assert self.cas.call("set_offer", {"card_id": self.c1["id"], "offered": True})["ok"] is True

    @staticmethod
    def drive(phone, text, visibility="named") -> dict:
        ack = phone.call("add_card", {"kind": "drive", "text": text, "visibility": visibility})
        assert ack["ok"] is True, ack
        return ack["card"]

    def ask(self, goal_id, **fields) -> None:
        ack = self.console.call("set_ask", {"goal_id": goal_id, "open": True, **fields})
        assert ack["ok"] is True, ack

    def propose(self, client, goal_id, card, **fields) -> dict:
        ack = client.call("propose", {"id": str(uuid.uuid4()), "goal_id": goal_id, "card_id": card["id"], **fields})
        assert ack["ok"] is True, ack
        return ack

    def subscribe(self, **addresses) -> None:
        for name, address in addresses.items():
            if name == "facilitator":
                ack = self.console.call("set_facilitator_digest", {"email": address})
            else:
                ack = getattr(self, name).call("set_digest", {"email": address})
            assert ack["ok"] is True, ack


@pytest.fixture
def market(server, new_workshop, request):
    if not hasattr(server, "app"):
        pytest.skip("the digest reads the database in this process")
    language = getattr(request, "param", "nl")
    return Market(server, new_workshop(title="Team Noord", language=language, goals=GOALS))


@pytest.fixture
def inbox(smtp_server) -> tuple[Inbox, dict]:
    """A local SMTP server, and the settings that send to it."""
    box = Inbox()
    port = smtp_server(box)
    config = {
        **settings.defaults(),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_FROM": SENDER,
        "SMTP_STARTTLS": False,
        "PUBLIC_URL": "https://workshop.example.org",
    }
    return box, config


def mails_to(box: Inbox) -> dict[str, str]:
    """Each recipient's one mail: its text."""
    found: dict[str, str] = {}
    for received in box.received:
        (to,) = received["to"]
        assert to not in found, f"two digests to {to}"
        assert [to] == [received["message"]["To"]]
        found[to] = received["message"].get_content()
    return found


def test_each_subscriber_hears_what_waits_for_them_and_what_matches(market, inbox, capsys):
    box, config = inbox
    market.propose(market.bram, market.onboarding, market.b1, type="grow", note="Vrijdagmiddag?")  # Anna decides
    market.propose(market.console, market.sales, market.c1)  # Cas decides
    market.propose(market.anna, market.sales, market.a1)  # the sales ask has no owner: the facilitator decides
    market.subscribe(
        anna="anna@example.org", bram="bram@example.org", cas="cas@example.org", facilitator="lead@example.org"
    )

    assert 0 == send_digests(config, market.store)

    mails = mails_to(box)
    assert {"anna@example.org", "cas@example.org", "lead@example.org"} == set(mails)  # Bram: nothing to tell
    anna = mails["anna@example.org"]
    assert anna.startswith("Hallo Anna,")
    assert "Bram wil graag bijdragen met “Klanten blij maken met onboarding” aan “Klant onboarding verbeteren”." in anna
    assert "(Hierin wil ik groeien)" in anna and "“Vrijdagmiddag?”" in anna
    assert f"https://workshop.example.org/w/{market.workshop.code}/phone" in anna
    cas = mails["cas@example.org"]
    assert "De facilitator stelt voor om je “Sales in the north” aan “Grow sales in the north” te koppelen." in cas
    lead = mails["lead@example.org"]
    assert lead.startswith("Hallo,")
    assert "- Anna wil graag bijdragen met “Coaching nieuwe collega's” aan “Grow sales in the north”." in lead
    assert f"https://workshop.example.org/w/{market.workshop.code}/facilitate" in lead
    printed = capsys.readouterr().out
    assert "Sent 3 digest(s)" in printed
    for private in ("anna@", "cas@", "lead@", "Anna", "Cas", "Bram", "Team Noord"):
        assert private not in printed


def test_matches_are_suggested_with_their_shared_words(market, inbox):
    box, config = inbox
    market.subscribe(anna="anna@example.org", bram="bram@example.org", facilitator="lead@example.org")
    market.cas.call("set_offer", {"card_id": market.c1["id"], "offered": False})
    assert market.bram.call("set_offer", {"card_id": market.b1["id"], "offered": True})["ok"] is True

    assert 0 == send_digests(config, market.store)

    mails = mails_to(box)
    bram = mails["bram@example.org"]
    assert "Vragen die passen bij wat jij aanbiedt" in bram
    assert "- “Klant onboarding verbeteren” ← “Klanten blij maken met onboarding”" in bram
    assert "deelt: " in bram and "onboarding" in bram.split("deelt: ")[1].splitlines()[0]
    assert "Nieuwe matches sinds je vorige overzicht" in mails["lead@example.org"]
    anna = mails["anna@example.org"]  # she owns the onboarding ask
    assert "Aanbod dat past bij jouw vragen" in anna
    assert "- “Klant onboarding verbeteren” ← “Klanten blij maken met onboarding”" in anna
    assert "Vragen die passen bij wat jij aanbiedt" not in anna  # her own card is offered to nothing that matches


def test_the_facilitators_next_digest_tells_only_new_matches(market, inbox):
    box, config = inbox
    market.subscribe(facilitator="lead@example.org")
    market.cas.call("set_offer", {"card_id": market.c1["id"], "offered": False})
    assert market.bram.call("set_offer", {"card_id": market.b1["id"], "offered": True})["ok"] is True
    assert 0 == send_digests(config, market.store)
    first = mails_to(box)["lead@example.org"]
    assert "“Klanten blij maken met onboarding”" in first  # Bram's offer, told once

    # A week on, with one more offer: only that one is new.
    market.server.clock.set(market.server.clock.now() + timedelta(days=7))
    assert market.cas.call("set_offer", {"card_id": market.c1["id"], "offered": True})["ok"] is True
    box.received.clear()
    assert 0 == send_digests(config, market.store)
    second = mails_to(box).get("lead@example.org", "")
    assert "“Klanten blij maken met onboarding”" not in second
    assert f"“{market.c1['text']}”" in second


def test_at_most_once_a_week_and_only_while_the_market_is_open(market, inbox, capsys):
    box, config = inbox
    market.propose(market.console, market.sales, market.c1)
    market.subscribe(cas="cas@example.org")
    assert 0 == send_digests(config, market.store)
    assert 1 == len(box.received)

    sent_at = market.server.clock.now()
    for later in (timedelta(minutes=1), timedelta(days=3), timedelta(days=6)):  # however often cron runs
        market.server.clock.set(sent_at + later)
        assert 0 == send_digests(config, market.store)
        assert 1 == len(box.received)
    assert "No digest is due" in capsys.readouterr().out

    # A week on, at an earlier hour than last week's (cron a little early): due by the day.
    market.server.clock.set(datetime.combine(sent_at.date() + timedelta(days=7), datetime.min.time(), UTC))
    assert 0 == send_digests(config, market.store)
    assert 2 == len(box.received)

    elapse(market.server, 7 * 86400)  # the market closed after its last day
    assert 0 == send_digests(config, market.store)
    assert 2 == len(box.received)


def test_a_decided_proposal_is_news_no_more(market, inbox):
    box, config = inbox
    ack = market.propose(market.console, market.sales, market.c1)
    market.subscribe(cas="cas@example.org")
    assert market.cas.call("decide_proposal", {"id": ack["proposal"]["id"], "answer": "decline"})["ok"] is True

    assert 0 == send_digests(config, market.store)
    assert "Wacht op jouw beslissing" not in "".join(mails_to(box).values())


def test_an_anonymous_answer_never_names_its_person(market, inbox):
    box, config = inbox
    quiet = market.drive(market.bram, "Onboarding in stilte verbeteren", "anonymous")
    market.propose(market.bram, market.onboarding, quiet)
    market.subscribe(anna="anna@example.org")

    assert 0 == send_digests(config, market.store)

    anna = mails_to(box)["anna@example.org"]
    assert "Iemand wil graag bijdragen met “Onboarding in stilte verbeteren”" in anna
    assert "Bram" not in anna


def test_a_person_who_left_gets_no_digest(market, inbox):
    box, config = inbox
    market.propose(market.console, market.sales, market.c1)
    market.subscribe(cas="cas@example.org")
    assert market.console.call("remove_participant", {"id": market.cas.id})["ok"] is True

    assert 0 == send_digests(config, market.store)
    assert [] == box.received


def test_what_the_server_refused_or_never_got_goes_at_the_next_run(market, inbox, capsys):
    box, config = inbox
    market.propose(market.console, market.sales, market.c1)
    market.propose(market.bram, market.onboarding, market.b1)
    market.subscribe(anna="anna@example.org", cas="cas@example.org")

    box.refuse.add("anna@example.org")
    assert 0 == send_digests(config, market.store)
    assert "Sent 1 digest(s); the SMTP server refused 1" in capsys.readouterr().out
    assert ["cas@example.org"] == list(mails_to(box))

    down = {**config, "SMTP_PORT": free_port()}
    box.refuse.clear()
    assert 1 == send_digests(down, market.store)
    assert "Sent 0 of 1 digest(s) before that" in capsys.readouterr().out

    assert 0 == send_digests(config, market.store)  # Anna's, at last; Cas had his this week
    assert ["anna@example.org", "cas@example.org"] == sorted(mails_to(box))


def test_without_smtp_settings_the_command_sends_nothing_and_says_so(server, tmp_path):
    done = run_app("digest", "--db", str(tmp_path / "none.sqlite3"), env={"WORKSHOP_SMTP_HOST": ""})
    assert 0 == done.returncode, done.stderr
    assert "No SMTP server is set" in done.stdout
    half = run_app("digest", "--db", str(tmp_path / "none.sqlite3"), env={"WORKSHOP_SMTP_HOST": "127.0.0.1"})
    assert 2 == half.returncode
    assert "No sender address" in half.stdout


def test_the_digest_command_sends_from_the_database(market, inbox):
    box, config = inbox
    market.propose(market.console, market.sales, market.c1)
    market.subscribe(cas="cas@example.org")
    env = {
        "WORKSHOP_SMTP_HOST": "127.0.0.1",
        "WORKSHOP_SMTP_PORT": str(config["SMTP_PORT"]),
        "WORKSHOP_SMTP_FROM": SENDER,
        "WORKSHOP_SMTP_STARTTLS": "off",
    }

    done = run_app("digest", "--db", str(market.server.db_path), env=env)

    assert 0 == done.returncode, done.stdout + done.stderr
    assert "Sent 1 digest(s)" in done.stdout
    assert "cas@" not in done.stdout + done.stderr
    assert "De facilitator stelt voor" in mails_to(box)["cas@example.org"]
    again = run_app("digest", "--db", str(market.server.db_path), env=env)
    assert "No digest is due" in again.stdout
    assert 1 == len(box.received)
