"""The marketplace's weekly digest (workshop/digest.py): composed from plain data, sent to a real
SMTP server (aiosmtpd, started here on a free port: plain, STARTTLS with a certificate made for
the test, a login), and ``python app.py digest`` over a real database."""

from __future__ import annotations

import email
import email.policy
import logging
import ssl
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from helpers import free_port

from workshop import config as settings
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
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


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
