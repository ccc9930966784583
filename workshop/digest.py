"""The marketplace's weekly e-mail digest: composed from plain data, sent over SMTP.

Who gets one: a person who gave their own address on their phone (``set_digest``) and the
facilitator who gave theirs (``set_facilitator_digest``), while their workshop's marketplace is
open, at most once a week. What it says: the proposals waiting for their decision, the asks that
match their offers and the offers that match the asks they own (workshop/suggest.py), and to the
facilitator the new matches since their last digest. In the workshop's language, as plain text
(participant text is never HTML here either).

The address is personal data: it goes into the envelope and the ``To`` header of its own mail,
and nowhere else — not into a log line, not into an error. Without SMTP settings nothing is sent.

Three steps, each testable alone: ``gather`` reads who is due and what to tell them (the store),
``compose`` turns one into an ``EmailMessage`` (pure), ``send`` delivers them over one SMTP
connection (STARTTLS when set) and reports each one sent, so the caller stamps it at once.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.support import NullTranslations, Translations

from .config import is_mail_address
from .model import LANGUAGES

log = logging.getLogger("workshop.digest")

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
#: Seconds to wait for the SMTP server at each step.
SMTP_TIMEOUT = 30
#: A digest at most this often per subscriber.
INTERVAL_DAYS = 7
#: At most this many lines per section: a digest is a nudge to open the app, not the app.
SECTION_MAX = 10
#: Participant text in a mail line: one line, at most this long.
TEXT_MAX = 120
LOOPBACK = ("localhost", "127.0.0.1", "::1")


# --- what a digest tells, as plain data ---------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A proposal waiting for the reader's decision, in words.

    ``kind``: "answer" (someone would like to contribute their card to the reader's ask),
    "propose" (a colleague proposes the reader's card for an ask), "broker" (the facilitator
    does). ``by``: the maker's name as the reader may see it; None for the facilitator, or for the
    person of an anonymous card answering themself."""

    kind: str
    goal: str
    card: str
    type: str = "energises"
    by: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Match:
    """A suggestion (workshop/suggest.py) in words: an ask, an offered card, the words they share."""

    goal: str
    card: str
    shared: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mail:
    """One digest to send. ``name`` None: the reader is the facilitator. ``workshop_id`` and
    ``participant_id`` (None for the facilitator) say whose last-sent stamp to set once sent."""

    to: str
    language: str
    workshop: str
    until: str
    name: str | None = None
    waiting: tuple[Waiting, ...] = ()
    #: Asks that match the reader's own cards (the facilitator: matches of any offer).
    matches: tuple[Match, ...] = ()
    #: Colleagues' offers that match the asks the reader owns.
    offers: tuple[Match, ...] = ()
    link: str | None = None
    workshop_id: str = ""
    participant_id: str | None = None
    #: The facilitator's matches this time (``match_key``s): a store that keeps them with the
    #: last-sent stamp (a subscriber's ``told``) lets the next digest leave them out.
    told: tuple[str, ...] = field(default=(), compare=False)

    @property
    def facilitator(self) -> bool:
        return self.name is None

    @property
    def empty(self) -> bool:
        return not self.waiting and not self.matches and not self.offers


# --- compose -----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _translations(language: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [language])


def one_line(text: str | None, limit: int = TEXT_MAX) -> str:
    """Participant text as one line of a mail: whitespace (line breaks too) folded, control
    characters out, cut at ``limit`` with an ellipsis. A header or a list line stays one line."""
    folded = re.sub(r"\s+", " ", "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in text or "")).strip()
    return folded if len(folded) <= limit else folded[: limit - 1].rstrip() + "…"


def _until(until: str, language: str) -> str:
    try:
        return format_date(date.fromisoformat(until), format="long", locale=language)
    except ValueError:
        return until


def compose(mail: Mail, sender: str, now: datetime) -> EmailMessage:
    """One digest as an e-mail (plain text, UTF-8) in the mail's language, from ``sender``.

    Raises ValueError for an address that is not one plain address (never sent, never shown)."""
    if not is_mail_address(mail.to) or not is_mail_address(sender):
        raise ValueError("not one e-mail address")
    language = mail.language if mail.language in LANGUAGES else "en"
    _ = _translations(language).gettext
    title = one_line(mail.workshop, 80)
    type_words = {
        "energises": _("It energises me"),
        "grow": _("I want to grow in this"),
        "already": _("I already do this"),
    }

    lines = [
        _("Hello %(name)s,") % {"name": one_line(mail.name, 60)} if mail.name else _("Hello,"),
        "",
        _("Your weekly digest of the marketplace of “%(title)s”, open until %(until)s.")
        % {"title": title, "until": _until(mail.until, language)},
    ]

    if mail.waiting:
        lines += ["", _("Waiting for your decision: %(n)s") % {"n": len(mail.waiting)}]
        for proposal in mail.waiting[:SECTION_MAX]:
            words = {
                "goal": one_line(proposal.goal),
                "card": one_line(proposal.card),
                "name": one_line(proposal.by, 60),
            }
            if proposal.kind == "answer":
                sentence = (
                    _("%(name)s would like to contribute “%(card)s” to “%(goal)s”.")
                    if proposal.by
                    else _("Someone would like to contribute “%(card)s” to “%(goal)s” (an anonymous card).")
                )
            elif proposal.kind == "broker":
                sentence = _("The facilitator proposes your “%(card)s” for “%(goal)s”.")
            else:
                sentence = (
                    _("%(name)s proposes your “%(card)s” for “%(goal)s”.")
                    if proposal.by
                    else _("A colleague proposes your “%(card)s” for “%(goal)s”.")
                )
            lines.append(f"- {sentence % words} ({type_words.get(proposal.type, type_words['energises'])})")
            if proposal.note and one_line(proposal.note):
                lines.append(f"  “{one_line(proposal.note)}”")
        if len(mail.waiting) > SECTION_MAX:
            lines.append("- " + _("and %(n)s more in the app") % {"n": len(mail.waiting) - SECTION_MAX})

    sections = [
        (
            mail.matches,
            _("New matches since your last digest (suggestions: nobody is asked until you propose):")
            if mail.facilitator
            else _("Asks that match what you offer (suggestions: nothing happens until you act):"),
        ),
        (mail.offers, _("Offers that match your asks (suggestions: nothing happens until you act):")),
    ]
    for matches, heading in sections:
        if not matches:
            continue
        lines += ["", heading]
        for match in matches[:SECTION_MAX]:
            lines.append(f"- “{one_line(match.goal)}” ← “{one_line(match.card)}”")
            if match.shared:
                lines.append("  " + _("shares: %(words)s") % {"words": one_line(", ".join(match.shared))})
        if len(matches) > SECTION_MAX:
            lines.append("- " + _("and %(n)s more in the app") % {"n": len(matches) - SECTION_MAX})

    lines += [""]
    if mail.link:
        lines += [_("Open the marketplace: %(link)s") % {"link": mail.link}, ""]
    lines.append(
        _("You get this digest because you asked for it in the console. To stop it, clear your e-mail address there.")
        if mail.facilitator
        else _(
            "You get this digest because you asked for it on your phone. To stop it, clear your e-mail address under Me."
        )
    )

    message = EmailMessage()
    message["Subject"] = _("Marketplace “%(title)s”: your weekly digest") % {"title": title}
    message["From"] = sender
    message["To"] = mail.to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[1])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to it
    message.set_content("\n".join(lines) + "\n", charset="utf-8")
    message["Content-Language"] = language  # after set_content, which drops Content-* headers
    return message


# --- send --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True


def smtp_settings(config: Mapping[str, Any]) -> SmtpSettings | str:
    """The SMTP settings the operator gave, or why there are none to send with (one line)."""
    host = config.get("SMTP_HOST")
    if not host:
        return "No SMTP server is set (WORKSHOP_SMTP_HOST): no digest is sent"
    sender = config.get("SMTP_FROM")
    if not sender:
        return "No sender address is set (WORKSHOP_SMTP_FROM): no digest is sent"
    username, password = config.get("SMTP_USERNAME"), config.get("SMTP_PASSWORD")
    if bool(username) != bool(password):
        return "An SMTP login needs both WORKSHOP_SMTP_USERNAME and WORKSHOP_SMTP_PASSWORD: no digest is sent"
    starttls = bool(config.get("SMTP_STARTTLS", True))
    if username and not starttls and host not in LOOPBACK:
        return "An SMTP login over an unencrypted connection would show the password: turn WORKSHOP_SMTP_STARTTLS on"
    return SmtpSettings(host, int(config.get("SMTP_PORT") or 587), sender, username, password, starttls)


class SendFailed(Exception):
    """The SMTP server could not be reached, refused the login, or broke off: one line, no address."""


def send(
    mails: Iterable[Mail],
    settings: SmtpSettings,
    now: datetime,
    on_sent: Callable[[Mail], None] | None = None,
) -> list[Mail]:
    """Send each mail over one SMTP connection; returns those the server took. ``on_sent`` is
    called right after each (the caller stamps it then: a crash later does not send it twice).

    A mail the server refuses (its address, its size) is left out and logged without the
    address; the others still go. A connection that cannot be made, secured or logged into, or
    that breaks off, raises ``SendFailed``: what was sent before it stays sent (and stamped)."""
    mails = list(mails)
    sent: list[Mail] = []
    if not mails:
        return sent
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT) as smtp:
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.username and settings.password:
                smtp.login(settings.username, settings.password)
            for mail in mails:
                try:
                    message = compose(mail, settings.sender, now)
                except ValueError:
                    log.warning("a digest was not sent: its address is not one e-mail address")
                    continue
                try:
                    # The envelope names exactly one recipient, whatever a header could say.
                    smtp.send_message(message, from_addr=settings.sender, to_addrs=[mail.to])
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                    code = getattr(exc, "smtp_code", None) or "refused"
                    log.warning("the SMTP server refused a digest", extra={"fields": {"smtp_code": code}})
                    continue
                sent.append(mail)
                if on_sent is not None:
                    on_sent(mail)
    except smtplib.SMTPAuthenticationError:
        raise SendFailed(f"The SMTP server {settings.host} refused the login") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        reason = type(exc).__name__ if not isinstance(exc, OSError) else (exc.strerror or type(exc).__name__)
        raise SendFailed(f"Cannot send through {settings.host} port {settings.port}: {reason}") from None
    return sent


# --- gather: who is due, and what to tell them ----------------------------------------------------


def due(sent_at: str | None, today: date) -> bool:
    """At most once a week: due when never sent, or last sent seven or more days ago (by the UTC
    day, so a weekly cron job a few seconds early still finds last week's digest due)."""
    return sent_at is None or (today - datetime.fromisoformat(sent_at).date()).days >= INTERVAL_DAYS


def match_key(goal_id: str, card_id: str) -> str:
    return f"{goal_id} {card_id}"


def gather(store: Any, clock: Any, public_url: str | None = None) -> list[Mail]:
    """The digests due now: for each subscriber of each open marketplace whose last digest is a
    week old (or who never had one), the proposals waiting for their decision and the matches
    suggested to them (workshop/market.py's ``suggest_matches``: only what they may see, pairs
    linked, waiting or declined left out). The facilitator's leave out those their last digest
    told of (a subscriber's ``told``): they hear of new matches only. A digest with
    nothing to tell is not sent (nor stamped). ``public_url``: where the mail's link points
    (none without one: an address that only works on the server's own network helps nobody)."""
    from . import model

    now = clock.now()
    mails: list[Mail] = []
    for workshop in store.open_markets(now.date().isoformat()):
        subscribers = [s for s in store.digest_subscribers(workshop["id"]) if due(s["sent_at"], now.date())]
        if not subscribers:
            continue
        snap = store.snapshot(workshop["id"])
        if snap is None or not model.market_open(snap["workshop"]["market_until"], now):
            continue
        for subscriber in subscribers:
            mail = _digest_of(store, snap, dict(subscriber), public_url)
            if mail is not None and not mail.empty:
                mails.append(mail)
    return mails


def _digest_of(store: Any, snap: Any, subscriber: dict[str, Any], public_url: str | None) -> Mail | None:
    """One subscriber's digest, everything in it as they may see it in the app."""
    from . import model
    from .market import suggest_matches

    workshop = snap["workshop"]
    me = subscriber["participant_id"]
    names = {p["id"]: p["name"] for p in snap["participants"]}
    if me is not None and me not in names:
        return None  # left meanwhile
    viewer = model.FACILITATOR if me is None else model.Viewer("participant", me)
    actor = model.Actor(workshop["id"], "facilitator") if me is None else model.Actor(workshop["id"], "participant", me)
    cards = {c["id"]: c for c in snap["cards"]}
    goals = {g["id"]: g for g in snap["goals"]}

    waiting = []
    for proposal in snap["proposals"]:
        card, goal = cards.get(proposal["card_id"]), goals.get(proposal["goal_id"])
        if card is None or goal is None or model.waits_for(proposal, card, goal) != ("" if me is None else me):
            continue
        shown, seen = model.proposal_for(proposal, card, goal, viewer), model.card_for(card, viewer)
        if shown is None or seen is None:
            continue
        by = names.get(shown["made_by"]) if shown["made_by"] else None
        waiting.append(Waiting(proposal["kind"], goal["text"], seen["text"], proposal["type"], by, proposal["note"]))

    told = set(subscriber.get("told") or ())
    matches: list[Match] = []
    offers: list[Match] = []
    keys: list[str] = []
    for suggestion in suggest_matches(store, actor, viewer):
        key = match_key(suggestion["goal_id"], suggestion["card_id"])
        card, goal = cards.get(suggestion["card_id"]), goals.get(suggestion["goal_id"])
        seen = model.card_for(card, viewer) if card is not None else None
        if card is None or seen is None or goal is None:
            continue
        keys.append(key)
        if me is None and key in told:
            continue  # the facilitator heard of this one last time
        match = Match(goal["text"], seen["text"], tuple(suggestion["shared"]))
        (matches if me is None or card["about"] == me else offers).append(match)

    link = None
    if public_url:
        link = f"{public_url.rstrip('/')}/w/{workshop['code']}/{'facilitate' if me is None else 'phone'}"
    return Mail(
        to=subscriber["email"],
        language=workshop["language"],
        workshop=workshop["title"],
        until=workshop["market_until"],
        name=None if me is None else names[me],
        waiting=tuple(waiting),
        matches=tuple(matches),
        offers=tuple(offers),
        link=link,
        workshop_id=workshop["id"],
        participant_id=me,
        told=tuple(keys) if me is None else (),
    )
