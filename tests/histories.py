"""The adversary: generated workshop histories against a real server, with spies listening.

Each history is a new workshop: a facilitator's console and 3–4 participants' phones, who
first write some cards (some linked), then do everything they can (cards of every visibility,
strengths signed or not and accepted, reworded or declined, hiding, leaving and removal,
phases, closing and reopening, links, +1s, agreements, check-ins, the strength round, themes
(grouping any card, moving, ungrouping, linking a theme), follow-ups, team links, erasure, and the
marketplace: asks and their owners, offers, proposals made, accepted, declined and withdrawn,
suggestions asked for, digest addresses, the market key), while these spies listen:

- every participant's phone (each is a colleague for the others' items), and the first person's
  own board as well (their laptop: view ``board`` with their token, the same person's sight),
- the board (the facilitator's key, view ``board``; and a board with its own key, where the
  server offers one),
- the team link (page, JSON, Markdown, SVG map), the marketplace exports and the market key's JSON,
- a newcomer holding only the join code, who tries to join (and, admitted, is one more phone),
- the organisation page's JSON (several teams, one marketplace: the workshop joins an
  organisation at the start), read by a member of another team and by the organiser.

Every text, name and comment is a fresh marker, so the leak finder recognises it anywhere.
After every step each spy's new messages are read (the HTTP documents are fetched every third
step, on every ``look`` and at the end): no spy may have received a secret text it may not see
(before or after the step), the id of an item it may never have known, or a tie between a
person and an item that it may not make. What each spy may see comes from
tests/privacy_rules.py, never from the app.

Ties are read from how a message groups things: a JSON object with its own values and those of
the objects directly inside it (``{"card": {...}, "person": {...}}`` is one group; an object
with a ``name`` is a person's record, so the objects in its lists are theirs too); a Markdown or
HTML line with the heading it stands under; an SVG ``<text>``; a CSV row. Where an item's JSON
object names a person in a field (a card's ``about`` or ``author``, a link's ``created_by``, an
agreement's ``owner``), that field is checked for its own relation too. A strength-round pair
(``{"giver", "receiver"}``) and a check-in answer (an object with a ``rating``) are items in
themselves.

The machine is driven by hypothesis (tests/test_adversary.py in CI, bench/adversary.py for the
long run). It raises on the first step with a leak, or hands every leak to ``collect``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import secrets
import sys
import typing
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import ClassVar, NamedTuple
from urllib.parse import urlsplit

import privacy_rules as rules
import requests
from helpers import Client
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from inprocess import InProcessClient, server_at
from privacy_rules import Facts, Sight, Viewer

VISIBILITIES = ("named", "anonymous", "facilitator")
PHASES = ("join", "drives", "strengths", "linking", "agreements", "closed")
LINK_TYPES = ("energises", "grow", "already")
FIRST_NAMES = ("Anna", "Bram", "Cas", "Dewi")
GOALS = [
    {"text": "Grow sales", "kind": "goal"},
    {"text": "Onboarding", "kind": "project"},
    {"text": "Customer calls", "kind": "activity"},
]


def secret(prefix: str) -> str:
    """A marker: recognisable wherever it turns up (letters and digits only, so no export escapes it)."""
    return prefix + secrets.token_hex(3)


# --- Reading what a spy received: groups of things said together ---------------------------

TOKEN = re.compile(r"[A-Za-z0-9_-]+")


@dataclass
class Group:
    """Things said together: strings to search for secrets, objects to recognise items by shape."""

    strings: list = field(default_factory=list)
    objects: list = field(default_factory=list)


def _scalars(value, out: list) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        out.extend(v for v in value if isinstance(v, str))


def json_groups(value) -> list[Group]:
    """Every JSON object as a group: its own values, the values of the objects directly inside it,
    and, for a person's record (an object with a ``name``), the objects in its lists."""
    groups: list[Group] = []

    def visit(node) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, str):
            groups.append(Group([node]))
        elif isinstance(node, dict):
            group = Group(objects=[node])
            inner = [v for v in node.values() if isinstance(v, dict)]
            if "name" in node:
                inner += [x for v in node.values() if isinstance(v, list) for x in v if isinstance(x, dict)]
            for v in node.values():
                _scalars(v, group.strings)
            for obj in inner:
                group.objects.append(obj)
                for v in obj.values():
                    _scalars(v, group.strings)
            groups.append(group)
            for v in node.values():
                visit(v)

    visit(value)
    return groups


def line_groups(lines: list[str]) -> list[Group]:
    """Each line with the ``###`` heading it stands under (a ``#``/``##`` heading ends its reach)."""
    groups, heading = [], None
    for line in lines:
        if line.startswith("### "):
            heading = line
            groups.append(Group([line]))
            continue
        if line.startswith("#"):
            heading = None
        groups.append(Group([line, heading] if heading else [line]))
    return groups


def markdown_groups(text: str) -> list[Group]:
    return line_groups(text.splitlines())


class _HtmlLines(HTMLParser):
    """A page as lines, headings marked as in Markdown; attribute values are lines of their own."""

    BLOCKS: typing.ClassVar = {
        "p",
        "li",
        "tr",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "div",
        "section",
        "article",
        "header",
        "nav",
        "main",
        "footer",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "title",
        "form",
        "label",
        "button",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    }
    HEADINGS: typing.ClassVar = {"h1": "# ", "h2": "## ", "h3": "### "}
    SKIPPED: typing.ClassVar = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._text: list[str] = []
        self._prefix = ""
        self._skipping = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.lines.append(self._prefix + text)
        self._text, self._prefix = [], ""

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        if tag in self.BLOCKS:
            self._flush()
        if tag in self.HEADINGS:
            self._prefix = self.HEADINGS[tag]
        self.lines += [value for name, value in attrs if value and name not in ("class", "style")]

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self._skipping -= 1
        if tag in self.BLOCKS:
            self._flush()
        if tag in ("article", "section"):
            self.lines.append("##")  # a heading speaks for its own block only

    def handle_data(self, data):
        if not self._skipping:
            self._text.append(data)


def html_groups(text: str) -> list[Group]:
    parser = _HtmlLines()
    parser.feed(text)
    parser.close()
    parser._flush()
    return line_groups(parser.lines)


def svg_groups(text: str) -> list[Group]:
    return [Group([html.unescape(t)]) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", text, re.S)]


def csv_groups(text: str) -> list[Group]:
    return [Group(row) for row in csv.reader(io.StringIO(text))]


# --- Leaks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """What a marker or an id stands for: an item's (or person's) key, its kind, and whether the
    string is the item's ``id`` or its ``text`` (a name, a card's words, a code, a credential)."""

    key: str
    kind: str  # person | card | link | agreement | proposal | ask | answer | code | credential
    form: str  # id | text


@dataclass(frozen=True)
class Leak:
    """Something a spy received that the table does not allow it (or another broken promise:
    a newcomer admitted after close, a revoked link still working, a spy left without news)."""

    audience: str  # the table's column of the spy
    spy: str  # which spy: "the board", "Anna1f2e3d's phone", "team link"
    channel: str  # the event, acknowledgement or document it came in
    kind: str  # text | id | tie | item | joined | served | silent
    row: str  # the table's row of what leaked
    relation: str  # for a tie: how the person relates to the item (whose, author, ...)
    subject: str  # what leaked: the secret, or the item and the person tied to it
    excerpt: str = ""  # where: the message, line or row it came in

    @property
    def signature(self) -> tuple:
        """Leaks with the same signature are the same hole."""
        return self.audience, self.channel, self.kind, self.row, self.relation

    def __str__(self) -> str:
        where = f" in {self.excerpt[:400]}" if self.excerpt else ""
        return f"[{self.audience}] {self.spy} · {self.channel} · {self.kind}: {self.subject}{where}"


class Finder:
    """Reads groups against what a spy may see, and describes what leaked."""

    def __init__(self, known: dict[str, Known]):
        self.known = known

    def find(
        self,
        groups: list[Group],
        allowed: Sight,
        ever_known: set,
        facts: list[Facts],
        where: tuple[str, str, str],
        excerpt: str,
    ) -> list[Leak]:
        audience, spy, channel = where
        found: dict[tuple, Leak] = {}

        def leak(kind: str, key: str, token: str = "", person: str | None = None) -> None:
            row, what = self.describe(key, facts)
            relation = self.relation(person, key, facts) if person else ""
            said = f"{what} tied to {self.name(person, facts)} ({relation})" if person else f"{what} ({token})"
            found.setdefault((kind, key, person), Leak(audience, spy, channel, kind, row, relation, said, excerpt))

        for group in groups:
            persons, items = set(), set()
            for string in group.strings:
                for token in TOKEN.findall(string):
                    known = self.known.get(token)
                    if known is None:
                        continue
                    if known.form == "text" and token not in allowed.texts:
                        leak("text", known.key, token)
                    if known.form == "id" and known.key not in ever_known:
                        leak("id", known.key, token)
                    if known.kind == "person":
                        persons.add(known.key)
                    elif known.kind in ("card", "link", "agreement", "proposal"):
                        items.add(known.key)
            for obj in group.objects:
                key = self.item_by_shape(obj)
                if key is not None and key not in allowed.items:
                    leak("item", key, json.dumps(obj)[:120])
                for item, field_name, person in self.named_fields(obj):
                    if person not in allowed.fields.get((item, field_name), ()):
                        leak("tie", item, person=person)
            for person in persons:
                for item in items:
                    if person not in allowed.ties.get(item, ()):
                        leak("tie", item, person=person)
        return list(found.values())

    PERSON_FIELDS = ("about", "author", "created_by", "owner", "made_by")

    def named_fields(self, obj: dict) -> list[tuple[str, str, str]]:
        """(item, field, person) for each field of an item's object that names a person:
        checked field by field, so that a person who may be tied to a card in one way (say, as
        the owner of an agreement on it) cannot pass as its author."""
        item = self.known.get(obj.get("id")) if isinstance(obj.get("id"), str) else None
        if item is None or item.form != "id" or item.kind not in ("card", "link", "agreement", "proposal"):
            return []
        named = []
        for field_name in self.PERSON_FIELDS:
            person = self.known.get(obj.get(field_name)) if isinstance(obj.get(field_name), str) else None
            if person is not None and person.kind == "person":
                named.append((item.key, field_name, person.key))
        return named

    def item_by_shape(self, obj: dict) -> str | None:
        """A strength-round pair or a check-in answer, recognised by its fields."""
        if "giver" in obj and "receiver" in obj:
            return rules.pair_key(self._key(obj["giver"]), self._key(obj["receiver"]))
        if "rating" in obj:
            return rules.answer_key(self._key(obj.get("link_id")) or "?")
        return None

    def _key(self, token) -> str | None:
        known = self.known.get(token) if isinstance(token, str) else None
        return known.key if known else token

    # Descriptions, for people reading a leak.

    def describe(self, key: str, facts: list[Facts]) -> tuple[str, str]:
        """The table's row of an item, and a few words naming it."""
        for f in facts:
            if key in f.people:
                return rules.NAME_ROW, f"the name {f.people[key]}"
            _, card = self._card_behind(key, f)
            if card is not None:
                row = rules.card_row(card)
                if key in f.cards:
                    return row, f"{row} {card.text} of {self.name(card.about, facts)}"
                what = (
                    rules.LINK_ROW
                    if key in f.links
                    else rules.PROPOSAL_ROW
                    if key in f.proposals
                    else rules.AGREEMENT_ROW
                )
                return what, f"{what.split(',')[0]} on {row} {card.text} of {self.name(card.about, facts)}"
        if key.startswith("pair:"):
            giver, receiver = key[5:].split(">")
            return rules.PAIR_ROW, f"the pair {self.name(giver, facts)} → {self.name(receiver, facts)}"
        if key.startswith("answer:"):
            return rules.CHECKIN_ROW, "a check-in answer"
        if key.startswith("ask:"):
            return rules.ASK_ROW, "an ask"
        kind = next((k.kind for k in self.known.values() if k.key == key), "item")
        row = {"code": rules.CODE_ROW, "credential": rules.CREDENTIAL_ROW, "digest": rules.DIGEST_ROW}.get(kind, kind)
        return row, row if kind != "card" else "a card (gone by now)"

    @staticmethod
    def _card_behind(key: str, f: Facts) -> tuple[str | None, rules.Card | None]:
        """The card an item is (or whose link or agreement it is), with its key."""
        if key in f.proposals:
            return f.proposals[key].card, f.cards.get(f.proposals[key].card)
        if key in f.agreements:
            key = f.agreements[key].link
        if key in f.links:
            key = f.links[key].card
        return key, f.cards.get(key)

    def relation(self, person: str, key: str, facts: list[Facts]) -> str:
        """How a person relates to an item, the closest first: whose it is, who wrote it, who owns
        an agreement on it, who made its link, who +1'd it (a tie leak is sorted by this word)."""
        for f in facts:
            card_key, card = self._card_behind(key, f)
            if card is None:
                continue
            links = [l for l in f.links.values() if l.card == card_key]
            owners = {a.owner for a in f.agreements.values() if f.links.get(a.link) in links}
            for word, related in (
                ("whose", person == card.about),
                ("author", person == card.author),
                ("owner", person in owners),
                ("maker", any(l.maker == person for l in links)),
                ("+1", any(person in l.endorsers for l in links)),
                ("proposer", any(p.maker == person for p in f.proposals.values() if p.card == card_key)),
            ):
                if related:
                    return word
            return "no relation"
        return "no relation"

    @staticmethod
    def name(person: str | None, facts: list[Facts]) -> str:
        return next((f.people[person] for f in facts if person in f.people), str(person))


# --- Spies ----------------------------------------------------------------------------------


class Socket(Client):
    """A connected socket that also keeps the acknowledgements of its own requests, and tells
    which of its messages are new since it was last read (``InProcessSocket`` for the app in the
    test's own process)."""

    def __new__(cls, base: str, *args, **kwargs):
        if server_at(base) is not None:
            return InProcessSocket(base, *args, **kwargs)
        return object.__new__(cls)

    def __init__(self, base: str, auth: dict, label: str, viewer: Viewer):
        self.acks: list[tuple[str, dict]] = []
        self.viewer = viewer
        self.known_ids: set = set()  # every item id it was allowed to know so far
        self._read = self._acks_read = 0
        super().__init__(base, auth, label)

    def call(self, event: str, payload=None) -> dict:
        ack = super().call(event, payload)
        self.acks.append((f"ack {event}", ack))
        return ack

    def fresh(self) -> list[tuple[str, object]]:
        with self._cond:
            new = self.events[self._read :]
            self._read = len(self.events)
        acks, self._acks_read = self.acks[self._acks_read :], len(self.acks)
        return new + acks

    def heard(self, version: int, timeout: float) -> bool:
        """Whether (waiting up to ``timeout``) it received the workshop's ``version``."""

        def top() -> int:
            return max((d.get("version", 0) for _, d in self.events if isinstance(d, dict)), default=0)

        with self._cond:
            self._cond.wait_for(lambda: top() >= version or not self.sio.connected, timeout)
            return top() >= version


class InProcessSocket(InProcessClient):
    """``Socket`` on Flask-SocketIO's test client: everything a step sends has arrived when it ends."""

    def __init__(self, base: str, auth: dict, label: str, viewer: Viewer):
        self.acks: list[tuple[str, dict]] = []
        self.viewer = viewer
        self.known_ids: set = set()
        self._read = self._acks_read = 0
        super().__init__(server_at(base), auth, label)

    def call(self, event: str, payload=None) -> dict:
        ack = super().call(event, payload)
        self.acks.append((f"ack {event}", ack))
        return ack

    fresh = Socket.fresh

    def heard(self, version: int, timeout: float) -> bool:
        return max((d.get("version", 0) for _, d in self.events if isinstance(d, dict)), default=0) >= version


class Seat(NamedTuple):
    """Someone's place in a workshop."""

    key: str  # who they are across the chain of workshops
    name: str
    id: str  # their id in this workshop
    token: str
    newcomer: bool = False


@dataclass
class Person:
    """Someone taking part now, with their phone (a spy)."""

    key: str
    name: str
    id: str
    token: str
    newcomer: bool
    phone: Socket
    board: Socket | None = None  # their own board on a laptop (the first person of a room has one)


@dataclass
class Room:
    """One workshop of the history: the original, or a follow-up of an earlier one."""

    index: int
    code: str
    token: str  # the facilitator's key
    previous: int | None = None  # the workshop it follows up
    raw: dict = field(default_factory=dict)  # GET /api/workshops/<code>
    facts: Facts | None = None  # as the oracle reads it: erasures applied
    whole: Facts | None = None  # as the server keeps it (to describe what leaked)
    team_token: str | None = None
    revoked: list = field(default_factory=list)  # team link tokens that must no longer work
    market_key: str | None = None
    market_revoked: list = field(default_factory=list)  # market keys that must no longer work
    answers: dict = field(default_factory=dict)  # answer key -> rules.Answer
    deleted: bool = False
    gone_checked: bool = False

    def cards(self) -> list[dict]:
        return self.raw.get("drives", []) + self.raw.get("strengths", [])

    @property
    def closed(self) -> bool:
        return self.raw.get("phase") == "closed"


def by_json(text: str) -> list[Group]:
    return json_groups(json.loads(text))


TEAM_DOCUMENTS = (
    ("", "page", html_groups),
    ("/summary.json", "JSON", by_json),
    ("/summary.md", "Markdown", markdown_groups),
    ("/map.svg", "SVG map", svg_groups),
)
MARKETPLACE_DOCUMENTS = (("marketplace.json", by_json), ("marketplace.csv", csv_groups))


# --- The machine ------------------------------------------------------------------------------


class Adversary(RuleBasedStateMachine):
    """A workshop history with spies; see the module's docstring."""

    #: The server under attack (set by the test or the bench before running).
    server_url: ClassVar[str] = ""
    #: None: raise on the first step with a leak. Else called with (machine, leaks) for each.
    collect: ClassVar[Callable | None] = None
    #: Fetch the HTTP documents after every n-th step (and on every ``look``).
    http_every: ClassVar[int] = 3
    #: Steps run by all histories so far, and how many steps reached each situation (the
    #: table's rows present, and the rarer moments), for the bench's report.
    steps_run: ClassVar[int] = 0
    reached: ClassVar[Counter] = Counter()

    def __init__(self):
        super().__init__()
        self.web = requests.Session()  # one connection for the history's requests
        self.known: dict[str, Known] = {}
        self.root: dict[str, str] = {}  # an id in some workshop -> the key of who or what it is
        self.finder = Finder(self.known)
        self.history: list[str] = []
        self.sockets: list[Client] = []  # every socket made, closed at the end
        self.rooms: list[Room] = []
        self.current = 0  # the room the history acts in
        self.people: list[Person] = []  # taking part in the current room
        self.console: Client | None = None
        self.boards: list[Socket] = []
        self.reworded: set = set()  # strengths their person accepted in their own words
        self.left: set = set()  # people who left: erased in the whole chain
        self.removed: dict = {}  # person -> index of the room they were removed from
        self.steps_in_chain = 0
        # The step in progress: leaks found, what each spy could see before it, who is leaving.
        self.leaks: list[Leak] = []
        self.before: dict[int, Sight] = {}
        self.before_facts: Facts | None = None
        self.leaving: Person | None = None
        #: The organisation the first workshop joined: its id, the organiser's key, the join code,
        #: and the token of a participant of another member workshop (a spy of another team).
        self.org: dict[str, str] = {}

    @property
    def room(self) -> Room:
        return self.rooms[self.current]

    # --- the workshop and its people ------------------------------------------------------------

    @initialize(data=st.data())
    def open_workshop(self, data):
        self._open_workshop(data)

    def _open_workshop(self, data) -> None:
        """A new workshop with its console, boards and 3–4 phones; then the first cards people
        write, some of them linked (in one step, so that every history has something to work
        with from the start)."""
        people = data.draw(st.integers(3, 4), label="participants")
        default = self.pick(data, list(VISIBILITIES), "drives by default")
        self.steps_in_chain = 0
        with self.step(f"a new workshop (drives {default} by default) with {people} participants"):
            self._create_workshop(people, default)
        first = []
        for person in self.people:
            for _ in range(data.draw(st.integers(0, 2), label=f"drives by {person.name}")):
                visibility = self.pick(data, [None, *VISIBILITIES], "visibility")
                goal = self.pick(data, [None, *self.room.raw["goals"]], "linked to")
                first.append((person, (visibility, goal)))
            if data.draw(st.booleans(), label=f"a strength by {person.name}"):
                about = self.pick(data, [p for p in self.people if p is not person], "about")
                first.append((person, (about, data.draw(st.booleans(), label="signed"))))
        if first:
            with self.step("first cards:"):
                for person, (what, more) in first:
                    if isinstance(what, Person):
                        self._add_strength(person, what, more)
                    elif (card := self._add_drive(person, what)) and more:
                        if more["position"] == 0:  # a drive linked to the first goal is offered too
                            self._tell("offered")
                            self.as_person(person, "set_offer", {"card_id": card["id"], "offered": True})
                        self._tell(f"linked to {more['text']}")
                        self._new_item(
                            self.as_person(person, "add_link", {"card_id": card["id"], "goal_id": more["id"]}),
                            "link",
                            "link",
                        )

    def _create_workshop(self, people: int, default: str) -> None:
        created = self.http(
            "post",
            "/api/workshops",
            json={"title": "Team day", "language": "en", "goals": GOALS, "default_visibility": default},
        )
        assert created.status_code == 201, created.text
        self.rooms, self.current, self.people = [], 0, []
        self.left, self.removed = set(), {}
        room = self._add_room(created.json(), previous=None)
        self.rooms.append(room)
        seats = [self._join(room, first + secrets.token_hex(3)) for first in FIRST_NAMES[:people]]
        self._enter(room, [seat for seat in seats if isinstance(seat, Seat)])
        self._open_market()
        # Two goals listed from the start: one owned by the first person, one by nobody.
        goals = self.console.call("sync", {})["state"]["goals"]
        for goal, owner in zip(goals, (self.people[0] if self.people else None, None)):
            text = secret("drive")
            self._register(text, "ask:" + goal["id"], "ask", "text")
            payload = {"goal_id": goal["id"], "open": True, "text": text, "owner_id": owner.id if owner else None}
            self.as_facilitator("set_ask", payload)
        self._join_organisation()

    def _join_organisation(self) -> None:
        """An organisation with another member workshop (one participant: the spy of another team);
        this workshop joins it. The organiser signs in with the one-time link (its cookie read, then
        dropped: every request of the history goes without it)."""
        created = self.http("post", "/api/organisations", json={"name": "Acme"})
        assert created.status_code == 201, created.text
        body = created.json()
        link = urlsplit(body["organiser_url"])
        signed = self.http("get", f"{link.path}?{link.query}", allow_redirects=False)
        found = re.search(r"wo_[A-Za-z0-9_-]+=([A-Za-z0-9_-]+)", signed.headers.get("Set-Cookie", ""))
        assert signed.status_code == 303 and found, signed.headers
        self.web.cookies.clear()
        self.org = {"id": body["id"], "key": found.group(1), "join_code": body["join_code"]}
        self._register(self.org["key"], "credential:organiser", "credential", "text")
        self._register(self.org["join_code"], "credential:organisation-join-code", "credential", "text")
        other = self.http("post", "/api/workshops", json={"title": "Neighbours", "language": "en", "goals": GOALS[:1]})
        assert other.status_code == 201, other.text
        code, token = other.json()["code"], other.json()["facilitator_token"]
        member = self.http("post", f"/api/workshops/{code}/participants", json={"name": "Zed" + secrets.token_hex(3)})
        self.org["member"] = member.json()["participant_token"]
        self._register(self.org["member"], "credential:another-team", "credential", "text")
        (console,) = self._connect_to(code, [(Client, {"role": "facilitator", "view": "console", "token": token}, "n")])
        for joining in (console, self.console):
            assert joining.call("join_organisation", {"code": self.org["join_code"]})["ok"] is True

    def _add_room(self, created: dict, previous: int | None) -> Room:
        room = Room(len(self.rooms), created["code"], created["facilitator_token"], previous)
        self._register(room.code, "code:" + room.code, "code", "text")
        self._register(room.token, "credential:facilitator", "credential", "text")
        return room

    def _join(self, room: Room, name: str, newcomer: bool = False) -> Seat | requests.Response:
        """Join through the API: the seat taken, or the refusal."""
        answer = self.http("post", f"/api/workshops/{room.code}/participants", json={"name": name})
        if answer.status_code != 201:
            return answer
        body = answer.json()
        self._register(body["participant_id"], body["participant_id"], "person", "id")
        self._register(name, body["participant_id"], "person", "text")
        return Seat(body["participant_id"], name, body["participant_id"], body["participant_token"], newcomer)

    def _enter(self, room: Room, seats: list[Seat]) -> None:
        """Connect the facilitator's console, the boards and these people's phones to the room
        (all at once: a connection takes a while, and they do not depend on each other)."""
        wanted = [
            (Client, {"role": "facilitator", "view": "console", "token": room.token}, "the console"),
            (
                Socket,
                {"role": "facilitator", "view": "board", "token": room.token},
                "the board",
                Viewer(rules.BOARD, holds=frozenset({room.token})),
            ),
        ]
        made = self.http("post", f"/api/workshops/{room.code}/board-link", token=room.token)
        if made.status_code == 201:  # a board with a key of its own, where the server offers one
            key = re.search(r"[?&]key=([A-Za-z0-9_-]+)", made.json()["url"]).group(1)
            self._register(key, "credential:board", "credential", "text")
            wanted.append(
                (
                    Socket,
                    {"role": "board", "view": "board", "token": key},
                    "the board (its own key)",
                    Viewer(rules.BOARD, holds=frozenset({key})),
                )
            )
        # The first person follows on their own board too (their laptop): the same person's sight.
        laptops = [self._phone(seat, view="board") for seat in seats[:1]]
        clients = self._connect(room, wanted + [self._phone(seat) for seat in seats] + laptops)
        self.console, self.boards = clients[0], clients[1 : len(wanted)]
        phones = clients[len(wanted) : len(wanted) + len(seats)]
        boards = clients[len(wanted) + len(seats) :] + [None] * (len(seats) - len(laptops))
        self.people += [Person(*seat, phone=phone, board=board) for seat, phone, board in zip(seats, phones, boards)]

    def _phone(self, seat: Seat, view: str = "phone") -> tuple:
        self._register(seat.token, "credential:" + seat.key, "credential", "text")
        viewer = Viewer(rules.NEWCOMER if seat.newcomer else rules.COLLEAGUE, seat.key, frozenset({seat.token}))
        label = f"{seat.name}'s phone" if view == "phone" else f"{seat.name}'s own board"
        return Socket, {"role": "participant", "view": view, "token": seat.token}, label, viewer

    def _connect(self, room: Room, wanted: list[tuple]) -> list[Client]:
        """Connect sockets in parallel; ``wanted`` holds (class, auth, label[, viewer]) each."""
        return self._connect_to(room.code, wanted)

    def _connect_to(self, code: str, wanted: list[tuple]) -> list[Client]:
        def connect(want: tuple) -> Client:
            kind, auth, *rest = want
            return kind(self.server_url, {"code": code, **auth}, *rest)

        if server_at(self.server_url) is not None:  # in this process: one at a time, as fast
            clients = [connect(want) for want in wanted]
        else:
            with ThreadPoolExecutor(len(wanted)) as pool:
                clients = list(pool.map(connect, wanted))
        self.sockets += clients
        return clients

    def _register(self, token: str, key: str, kind: str, form: str) -> None:
        """Remember what a marker or id stands for (an id of a copy stands for its original)."""
        self.known[token] = Known(key, kind, form)
        if form == "id":
            self.root[token] = key

    def teardown(self):
        """The documents are read once more at the end of a history that ended well (not by a
        leak or by hypothesis cutting it short), then everything is closed."""
        try:
            if self.rooms and sys.exc_info()[0] is None:
                with self.step("at the end, every document is read once more", http=True):
                    pass
        finally:
            for client in self.sockets:
                client.disconnect()
            self.web.close()

    # --- helpers for rules ------------------------------------------------------------------------

    def http(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.web.request(method, self.server_url + path, headers=headers, timeout=10, **kwargs)

    def key(self, local_id: str | None) -> str | None:
        return self.root.get(local_id, local_id) if local_id else None

    def person(self, local_id: str | None) -> Person | None:
        return next((p for p in self.people if p.id == local_id), None)

    def writers(self) -> list[Person]:
        """Who may write now: everyone taking part, unless the workshop is closed."""
        return [] if self.room.closed else self.people

    def describe(self, card: dict) -> str:
        """A card as the history tells it: its words, what it is, and whose."""
        person = self.person(card["about"])
        what = card["visibility"] if card["kind"] == "drive" else card["status"]
        return f"{card['text']} ({what} {card['kind']} of {person.name if person else '?'})"

    def pick(self, data, options: list, label: str):
        return data.draw(st.sampled_from(options), label=label)

    def as_facilitator(self, event: str, payload: dict) -> dict:
        return self._noted(self.console.call(event, payload))

    def as_person(self, person: Person, event: str, payload: dict) -> dict:
        return self._noted(person.phone.call(event, payload))

    def _tell(self, what: str) -> None:
        """Add to the step's line in the history (a step may do several things)."""
        line = self.history[-1]
        self.history[-1] = f"{line}; {what}" if line and not line.endswith(":") else f"{line} {what}".strip()

    def _noted(self, ack: dict) -> dict:
        """A refusal goes into the history (a refused request is an attempt too)."""
        if not ack.get("ok"):
            self.history[-1] += f" → refused ({ack.get('error', {}).get('code')})"
        return ack

    def _new_item(self, ack: dict, field_name: str, kind: str, text: str | None = None) -> None:
        if ack.get("ok"):
            item_id = ack[field_name]["id"]
            self._register(item_id, item_id, kind, "id")
            if text:
                self._register(text, item_id, kind, "text")

    # --- rules: cards -----------------------------------------------------------------------------

    @precondition(lambda self: self.writers())
    @rule(data=st.data())
    def add_drive(self, data):
        person = self.pick(data, self.writers(), "who")
        visibility = self.pick(data, [None, *VISIBILITIES], "visibility")
        with self.step(""):
            self._add_drive(person, visibility)

    def _add_drive(self, person: Person, visibility: str | None) -> dict | None:
        text = secret("drive")
        self._tell(f"{person.name} adds drive {text} ({visibility or 'default visibility'})")
        payload = {"kind": "drive", "text": text, **({"visibility": visibility} if visibility else {})}
        ack = self.as_person(person, "add_card", payload)
        self._new_item(ack, "card", "card", text)
        return ack.get("card")

    @precondition(lambda self: len(self.writers()) >= 2)
    @rule(data=st.data())
    def add_strength(self, data):
        author = self.pick(data, self.writers(), "author")
        about = self.pick(data, [p for p in self.people if p is not author], "about")
        signed = data.draw(st.booleans(), label="signed")
        with self.step(""):
            self._add_strength(author, about, signed)

    def _add_strength(self, author: Person, about: Person, signed: bool) -> None:
        text = secret("strength")
        self._tell(f"{author.name} names strength {text} of {about.name} ({'' if signed else 'un'}signed)")
        payload = {"kind": "strength", "text": text, "about": about.id, "signed": signed}
        self._new_item(self.as_person(author, "add_card", payload), "card", "card", text)

    def own_cards(self) -> list[tuple[Person, dict]]:
        return [(self.person(c["author"]), c) for c in self.room.cards() if self.person(c["author"]) in self.writers()]

    @precondition(lambda self: self.own_cards())
    @rule(data=st.data())
    def edit_card(self, data):
        author, card = self.pick(data, self.own_cards(), "card")
        change = self.pick(data, ["text", "visibility"] if card["kind"] == "drive" else ["text", "signed"], "change")
        if change == "text":
            value = secret(card["kind"])
            self._register(value, self.key(card["id"]), "card", "text")
        elif change == "visibility":
            value = self.pick(data, [v for v in VISIBILITIES if v != card["visibility"]], "visibility")
        else:
            value = not card["signed"]
        with self.step(f"{author.name} sets the {change} of {self.describe(card)} to {value}"):
            ack = self.as_person(author, "edit_card", {"id": card["id"], change: value})
            if ack.get("ok") and change == "text":
                self.reworded.discard(self.key(card["id"]))  # the author's own words again

    def strengths_to_answer(self) -> list[tuple[Person, dict]]:
        return [
            (self.person(c["about"]), c)
            for c in self.room.raw.get("strengths", [])
            if self.person(c["about"]) in self.writers()
        ]

    @precondition(lambda self: self.strengths_to_answer())
    @rule(data=st.data())
    def respond_strength(self, data):
        person, card = self.pick(data, self.strengths_to_answer(), "strength")
        answer = self.pick(data, ["accept", "reword", "decline"], "answer")
        payload = {"id": card["id"], "answer": "decline" if answer == "decline" else "accept"}
        if answer == "reword":
            payload["text"] = secret("words")
            self._register(payload["text"], self.key(card["id"]), "card", "text")
        said = f" as {payload['text']}" if answer == "reword" else ""
        with self.step(f"{person.name} answers {self.describe(card)}: {answer}{said}"):
            if self.as_person(person, "respond_strength", payload).get("ok") and answer == "reword":
                self.reworded.add(self.key(card["id"]))

    @precondition(lambda self: self.room.cards())
    @rule(data=st.data())
    def delete_card(self, data):
        card = self.pick(data, self.room.cards(), "card")
        by = self.person(card[self.pick(data, ["author", "about"], "by")])
        if by not in self.writers() or data.draw(st.booleans(), label="the facilitator does it"):
            by = None
        with self.step(f"{by.name if by else 'the facilitator'} deletes {self.describe(card)}"):
            payload = {"id": card["id"]}
            self.as_person(by, "delete_card", payload) if by else self.as_facilitator("delete_card", payload)

    @precondition(lambda self: self.room.cards())
    @rule(data=st.data())
    def hide_card(self, data):
        card = self.pick(data, self.room.cards(), "card")
        hidden = not card.get("hidden")
        with self.step(f"the facilitator {'hides' if hidden else 'shows'} {self.describe(card)}"):
            self.as_facilitator("set_card_hidden", {"id": card["id"], "hidden": hidden})

    # --- rules: people ----------------------------------------------------------------------------

    @precondition(lambda self: self.people)
    @rule(data=st.data())
    def someone_goes(self, data):
        person = self.pick(data, self.people, "who")
        leaves = data.draw(st.booleans(), label="leaves (else is removed)")
        with self.step(f"{person.name} {'leaves' if leaves else 'is removed by the facilitator'}"):
            self.leaving = person
            if leaves and self.as_person(person, "leave_workshop", {}).get("ok"):
                self.left.add(person.key)
            elif not leaves and self.as_facilitator("remove_participant", {"id": person.id}).get("ok"):
                self.removed.setdefault(person.key, self.room.index)
        if person.key in self.left or person.key in self.removed:
            person.phone.disconnect()
            if person.board is not None:
                person.board.disconnect()
            self.people.remove(person)

    @rule(data=st.data())
    def newcomer_knocks(self, data):
        """Someone holding only a join code (of this workshop or an earlier one) tries to join:
        through the API, and through the join page's form."""
        room = self.pick(data, [r for r in self.rooms if not r.deleted], "with the code of")
        name = "Nina" + secrets.token_hex(3)
        closed = room.closed
        with self.step(f"newcomer {name} joins with the code of workshop {room.index}{' (closed)' if closed else ''}"):
            if closed:
                form = self.http("post", f"/j/{room.code}", data={"name": "Form" + name}, allow_redirects=False)
                if form.status_code == 303:
                    self.leaks.append(
                        Leak(
                            rules.NEWCOMER,
                            name,
                            "join form",
                            "joined",
                            "joining",
                            "",
                            f"the join form admitted {name} to closed workshop {room.index}",
                        )
                    )
            seat = self._join(room, name, newcomer=True)
            admitted = isinstance(seat, Seat)
            self.history[-1] += " → admitted" if admitted else f" → refused ({seat.status_code})"
            moment = f"a newcomer {'admitted' if admitted else 'refused'}{' after close' if closed else ''}"
            type(self).reached[moment] += 1
            if admitted and room is self.room:
                self.people.append(Person(*seat, phone=self._connect(room, [self._phone(seat)])[0]))
            if closed and admitted:
                self.leaks.append(
                    Leak(
                        rules.NEWCOMER,
                        name,
                        "POST participants",
                        "joined",
                        "joining",
                        "",
                        f"{name} joined workshop {room.index} after it was closed",
                    )
                )

    # --- rules: the room --------------------------------------------------------------------------

    @rule(phase=st.sampled_from(PHASES))
    def set_phase(self, phase):
        with self.step(f"the facilitator sets the phase to {phase}"):
            self.as_facilitator("set_phase", {"phase": phase})

    @rule(per_person=st.integers(1, 3))
    def strength_round(self, per_person):
        with self.step(f"the facilitator hands out a strength round ({per_person} each)"):
            self.as_facilitator("assign_strength_round", {"per_person": per_person})

    @rule(opening=st.booleans())
    def checkin(self, opening):
        with self.step(f"the facilitator {'opens' if opening else 'closes'} a check-in"):
            self.as_facilitator("open_checkin" if opening else "close_checkin", {})

    def own_links(self) -> list[tuple[Person, dict]]:
        about = {c["id"]: self.person(c["about"]) for c in self.room.cards()}
        return [(about[l["card_id"]], l) for l in self.room.raw.get("links", []) if about.get(l["card_id"])]

    @precondition(lambda self: self.own_links())
    @rule(data=st.data())
    def answer_checkin(self, data):
        person, link = self.pick(data, self.own_links(), "link")
        rating = data.draw(st.integers(1, 5), label="rating")
        comment = secret("comment") if data.draw(st.booleans(), label="with a comment") else None
        key = rules.answer_key(self.key(link["id"]))
        with self.step(f"{person.name} rates their link {rating}" + (f" saying {comment}" if comment else "")):
            if comment:
                self._register(comment, key, "answer", "text")
            payload = {"link_id": link["id"], "rating": rating, **({"comment": comment} if comment else {})}
            if self.as_person(person, "answer_checkin", payload).get("ok"):
                earlier = self.room.answers.get(key)
                comments = (earlier.comments if earlier else ()) + ((comment,) if comment else ())
                self.room.answers[key] = rules.Answer(self.key(link["id"]), person.key, comments)

    # --- rules: links and agreements --------------------------------------------------------------

    def linkable(self) -> list[dict]:
        return [c for c in self.room.cards() if c["status"] == "accepted"] if not self.room.closed else []

    @precondition(lambda self: self.linkable())
    @rule(data=st.data())
    def add_link(self, data):
        card = self.pick(data, self.linkable(), "card")
        goal = self.pick(data, self.room.raw["goals"], "goal")
        by = self.person(card["about"]) if data.draw(st.booleans(), label="by its person") else None
        kind = self.pick(data, list(LINK_TYPES), "type")
        with self.step(f"{by.name if by else 'the facilitator'} links {self.describe(card)} to {goal['text']}"):
            payload = {"card_id": card["id"], "goal_id": goal["id"], "type": kind}
            ack = self.as_person(by, "add_link", payload) if by else self.as_facilitator("add_link", payload)
            self._new_item(ack, "link", "link")

    def links(self) -> list[dict]:
        return self.room.raw.get("links", []) if not self.room.closed else []

    def card_of(self, link: dict) -> dict:
        return next(c for c in self.room.cards() if c["id"] == link["card_id"])

    @precondition(lambda self: self.links())
    @rule(data=st.data())
    def change_link(self, data):
        link = self.pick(data, self.links(), "link")
        retype = data.draw(st.booleans(), label="retype (else delete)")
        with self.step(
            f"the facilitator {'retypes' if retype else 'deletes'} the link of {self.describe(self.card_of(link))}"
        ):
            if retype:
                new = self.pick(data, [t for t in LINK_TYPES if t != link["type"]], "type")
                self.as_facilitator("edit_link", {"id": link["id"], "type": new})
            else:
                self.as_facilitator("delete_link", {"id": link["id"]})

    @precondition(lambda self: self.links() and len(self.people) >= 2)
    @rule(data=st.data())
    def endorse_link(self, data):
        link = self.pick(data, self.links(), "link")
        card = self.card_of(link)
        who = self.pick(data, [p for p in self.people if p.id != card["about"]], "who")
        endorsed = who.id not in link["endorsements"]
        with self.step(f"{who.name} {'+1s' if endorsed else 'takes back the +1 on'} the link of {self.describe(card)}"):
            self.as_person(who, "endorse_link", {"id": link["id"], "endorsed": endorsed})

    @precondition(lambda self: self.links())
    @rule(data=st.data())
    def add_agreement(self, data):
        link = self.pick(data, self.links(), "link")
        card = self.card_of(link)
        owner = self.pick(data, [None, *self.people], "owner")
        by = self.person(card["about"]) if data.draw(st.booleans(), label="by the card's person") else None
        text = secret("agree")
        with self.step(
            f"{by.name if by else 'the facilitator'} agrees {text} on the link of {self.describe(card)}, "
            f"owner {owner.name if owner else 'nobody'}"
        ):
            payload = {"link_id": link["id"], "text": text, **({"owner": owner.id} if owner else {})}
            ack = self.as_person(by, "add_agreement", payload) if by else self.as_facilitator("add_agreement", payload)
            self._new_item(ack, "agreement", "agreement", text)

    def agreements(self) -> list[dict]:
        return self.room.raw.get("agreements", []) if not self.room.closed else []

    @precondition(lambda self: self.agreements())
    @rule(data=st.data())
    def change_agreement(self, data):
        agreement = self.pick(data, self.agreements(), "agreement")
        how = self.pick(data, ["owner", "text", "delete"], "how")
        if how == "owner":
            owner = self.pick(data, [None, *self.people], "owner")
            payload = {"id": agreement["id"], "owner": owner.id if owner else None}
            said = f"gives {agreement['text']} to {owner.name if owner else 'nobody'}"
        elif how == "text":
            text = secret("agree")
            self._register(text, self.key(agreement["id"]), "agreement", "text")
            payload, said = {"id": agreement["id"], "text": text}, f"rewrites {agreement['text']} as {text}"
        else:
            payload, said = {"id": agreement["id"]}, f"deletes {agreement['text']}"
        with self.step(f"the facilitator {said}"):
            self.as_facilitator("delete_agreement" if how == "delete" else "edit_agreement", payload)

    # --- rules: themes (the facilitator groups drives; any card may be tried, refusals included) --

    def themes(self) -> list[dict]:
        return self.room.raw.get("themes", []) if not self.room.closed else []

    @precondition(lambda self: self.room.cards() and not self.room.closed)
    @rule(data=st.data())
    def group_theme(self, data):
        shared = [
            c for c in self.room.raw.get("drives", []) if c["visibility"] != "facilitator" and not c.get("hidden")
        ]
        # Mostly drives the room sees (so that themes exist to work with), sometimes any card.
        pool = shared if shared and data.draw(st.integers(0, 2), label="which cards") else self.room.cards()
        cards = data.draw(
            st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique_by=lambda c: c["id"]), label="cards"
        )
        name = f"Theme {len(self.room.raw.get('themes', [])) + 1}"  # the facilitator's words, never a card's
        with self.step(f"the facilitator groups {', '.join(self.describe(c) for c in cards)} as {name}"):
            payload = {"id": "theme-" + secrets.token_hex(6), "name": name, "card_ids": [c["id"] for c in cards]}
            self.as_facilitator("add_theme", payload)

    @precondition(lambda self: self.themes())
    @rule(data=st.data())
    def change_theme(self, data):
        theme = self.pick(data, self.themes(), "theme")
        how = self.pick(data, ["join", "leave", "rename", "delete", "link"], "how")
        if how in ("join", "leave"):
            card = self.pick(data, self.room.cards(), "card")
            said = f"puts {self.describe(card)} {'in' if how == 'join' else 'out of its theme, not'} {theme['name']}"
            event, payload = "set_card_theme", {"id": card["id"], "theme_id": theme["id"] if how == "join" else None}
        elif how == "rename":
            said, event, payload = f"renames {theme['name']}", "edit_theme", {"id": theme["id"], "name": "Renamed"}
        elif how == "delete":
            said, event, payload = f"ungroups {theme['name']}", "delete_theme", {"id": theme["id"]}
        else:
            goal = self.pick(data, self.room.raw["goals"], "goal")
            said, event = f"links {theme['name']} to {goal['text']}", "link_theme"
            payload = {"theme_id": theme["id"], "goal_id": goal["id"]}
        with self.step(f"the facilitator {said}"):
            ack = self.as_facilitator(event, payload)
            for link in ack.get("links", []):
                self._register(link["id"], link["id"], "link", "id")

    # --- rules: the marketplace (issue 15) -------------------------------------------------------

    def _open_market(self, open_it: bool = True) -> None:
        """The facilitator opens the marketplace for a week (or closes it)."""
        if not open_it:
            self.as_facilitator("close_market", {})
            return
        until = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
        self.as_facilitator("open_market", {"until": until})

    @rule(open_it=st.booleans())
    def market(self, open_it):
        with self.step(f"the facilitator {'opens' if open_it else 'closes'} the marketplace"):
            self._open_market(open_it)

    @rule(data=st.data())
    def ask(self, data):
        """The facilitator lists a goal as an ask (words that share a word with drives or
        strengths, so that suggestions find matches), with an owner or none; or its owner
        rewrites it."""
        goal = self.pick(data, self.room.raw["goals"], "goal")
        ask = goal.get("ask")
        owner = self.person(ask["owner_id"]) if ask else None
        text = secret(self.pick(data, ["drive", "strength", "ask"], "words"))
        self._register(text, "ask:" + goal["id"], "ask", "text")
        if owner is not None and owner in self.writers() and data.draw(st.booleans(), label="by its owner"):
            with self.step(f"{owner.name} rewrites the ask of {goal['text']} as {text}"):
                self.as_person(owner, "set_ask", {"goal_id": goal["id"], "open": ask["open"], "text": text})
            return
        new_owner = self.pick(data, [None, *self.people], "owner")
        is_open = data.draw(st.integers(0, 3), label="open") > 0
        with self.step(
            f"the facilitator asks {text} for {goal['text']} ({'open' if is_open else 'closed'}), "
            f"owner {new_owner.name if new_owner else 'nobody'}"
        ):
            payload = {
                "goal_id": goal["id"],
                "open": is_open,
                "text": text,
                "owner_id": new_owner.id if new_owner else None,
            }
            self.as_facilitator("set_ask", payload)

    @precondition(lambda self: self.room.cards() and self.writers())
    @rule(data=st.data())
    def offer(self, data):
        card = self.pick(data, self.room.cards(), "card")
        by = self.person(card["about"])
        if by not in self.writers() or not data.draw(st.integers(0, 4), label="by its person"):
            by = self.pick(data, self.writers(), "who tries")
        offered = not card.get("offered")
        with self.step(f"{by.name} {'offers' if offered else 'stops offering'} {self.describe(card)}"):
            self.as_person(by, "set_offer", {"card_id": card["id"], "offered": offered})

    @precondition(lambda self: self.room.cards())
    @rule(data=st.data())
    def propose(self, data):
        """A proposal between a goal and a card: by the card's person (an answer), a colleague or
        the facilitator (refusals included: any card, any goal, market open or not)."""
        card = self.pick(data, self.room.cards(), "card")
        asked = [g for g in self.room.raw["goals"] if (g.get("ask") or {}).get("open")]
        goals = asked if asked and data.draw(st.integers(0, 3), label="an asked goal") else self.room.raw["goals"]
        goal = self.pick(data, goals, "goal")
        person = self.person(card["about"])
        choices = [None, *self.writers()] + ([person] * 2 if person in self.writers() else [])
        by = self.pick(data, choices, "by")
        note = secret("note") if data.draw(st.booleans(), label="with a note") else None
        kind = self.pick(data, list(LINK_TYPES), "type")
        with self.step(
            f"{by.name if by else 'the facilitator'} proposes {self.describe(card)} for {goal['text']}"
            + (f" saying {note}" if note else "")
        ):
            payload = {"id": "prop-" + secrets.token_hex(6), "goal_id": goal["id"], "card_id": card["id"], "type": kind}
            payload |= {"note": note} if note else {}
            ack = self.as_person(by, "propose", payload) if by else self.as_facilitator("propose", payload)
            self._new_item(ack, "proposal", "proposal", note)

    def answerable(self) -> list[tuple[Person, dict, dict]]:
        """(person, their card, a goal with an open ask) for every card of someone taking part."""
        asked = [g for g in self.room.raw["goals"] if (g.get("ask") or {}).get("open")]
        taken = {(l["card_id"], l["goal_id"]) for l in self.room.raw.get("links", [])}
        taken |= {(p["card_id"], p["goal_id"]) for p in self.proposals() if p["status"] == "waiting"}
        return [
            (p, c, g)
            for c in self.room.cards()
            if (p := self.person(c["about"])) in self.writers()
            for g in asked
            if (c["id"], g["id"]) not in taken
        ]

    @precondition(lambda self: self.answerable())
    @rule(data=st.data())
    def answer_ask(self, data):
        """A person answers an open ask with one of their cards: "I'd like to contribute"."""
        person, card, goal = self.pick(data, self.answerable(), "answer")
        note = secret("note")
        with self.step(f"{person.name} answers the ask of {goal['text']} with {self.describe(card)} saying {note}"):
            payload = {"id": "prop-" + secrets.token_hex(6), "goal_id": goal["id"], "card_id": card["id"], "note": note}
            self._new_item(self.as_person(person, "propose", payload), "proposal", "proposal", note)

    def proposals(self) -> list[dict]:
        return self.room.raw.get("proposals", [])

    @precondition(lambda self: self.proposals())
    @rule(data=st.data())
    def decide(self, data):
        """Someone accepts, declines or withdraws a proposal (whoever tries: refusals included)."""
        proposal = self.pick(data, self.proposals(), "proposal")
        how = self.pick(data, ["accept", "accept", "decline", "withdraw"], "how")
        card = next((c for c in self.room.cards() if c["id"] == proposal["card_id"]), None)
        deciders = [self.person(card["about"]) if card else None, self.person(proposal["made_by"])]
        deciders += [
            self.person((g.get("ask") or {}).get("owner_id"))
            for g in self.room.raw["goals"]
            if g["id"] == proposal["goal_id"]
        ]
        options = [None, *(p for p in deciders if p in self.people), *self.people]
        by = self.pick(data, options, "by")
        with self.step(f"{by.name if by else 'the facilitator'} tries to {how} a proposal"):
            if how == "withdraw":
                event, payload = "withdraw_proposal", {"id": proposal["id"]}
            else:
                event, payload = "decide_proposal", {"id": proposal["id"], "answer": how}
            ack = self.as_person(by, event, payload) if by else self.as_facilitator(event, payload)
            link_id = (ack.get("proposal") or {}).get("link_id")
            if link_id and link_id not in self.known:
                self._register(link_id, link_id, "link", "id")

    def waiting(self) -> list[tuple[Person | None, dict]]:
        """(its decider, proposal) for each waiting proposal whose decider may act now."""
        goals = {g["id"]: g for g in self.room.raw["goals"]}
        cards = {c["id"]: c for c in self.room.cards()}
        found = []
        for proposal in self.proposals():
            if proposal["status"] != "waiting" or proposal["card_id"] not in cards:
                continue
            if proposal["decider"] == "facilitator":
                found.append((None, proposal))
                continue
            owner = (goals[proposal["goal_id"]].get("ask") or {}).get("owner_id")
            who = self.person(owner if proposal["decider"] == "owner" else cards[proposal["card_id"]]["about"])
            if who in self.writers():
                found.append((who, proposal))
        return found

    @precondition(lambda self: self.waiting())
    @rule(data=st.data(), accept=st.booleans())
    def respond_proposal(self, data, accept):
        """A proposal's decider says yes (a link is made) or no."""
        by, proposal = self.pick(data, self.waiting(), "proposal")
        with self.step(f"{by.name if by else 'the facilitator'} {'accepts' if accept else 'declines'} a proposal"):
            payload = {"id": proposal["id"], "answer": "accept" if accept else "decline"}
            ack = (
                self.as_person(by, "decide_proposal", payload)
                if by
                else self.as_facilitator("decide_proposal", payload)
            )
            link_id = (ack.get("proposal") or {}).get("link_id")
            if link_id and link_id not in self.known:
                self._register(link_id, link_id, "link", "id")

    @precondition(lambda self: self.people)
    @rule(data=st.data())
    def suggest(self, data):
        person = self.pick(data, self.people, "who")
        with self.step(f"{person.name} asks for suggestions"):
            self.as_person(person, "suggest_matches", {})

    @rule(data=st.data())
    def digest(self, data):
        """A person (or the facilitator) gives an address for the digest, or stops it: the
        address is theirs alone, like a credential."""
        person = self.pick(data, [None, *self.people], "whose")
        stop = data.draw(st.integers(0, 3), label="stop") == 0
        word = secret("mail")
        address = None if stop else f"{word}@example.org"
        with self.step(f"{person.name if person else 'the facilitator'} {'stops' if stop else 'sets'} their digest"):
            if address:
                self._register(word, "digest:" + (person.key if person else "facilitator"), "digest", "text")
                if person is not None:
                    for spy in (person.phone, person.board):
                        if spy is not None:
                            viewer = spy.viewer
                            spy.viewer = rules.Viewer(viewer.column, viewer.person, viewer.holds | {word})
            if person is None:
                self.as_facilitator("set_facilitator_digest", {"email": address})
            else:
                self.as_person(person, "set_digest", {"email": address})

    @rule(create=st.booleans())
    def market_key(self, create):
        with self.step(f"the facilitator {'makes a new' if create else 'revokes the'} market key"):
            room = self.room
            if room.market_key:
                room.market_revoked.append(room.market_key)
            room.market_key = None
            if create:
                made = self.http("post", f"/api/workshops/{room.code}/market-key", token=room.token)
                assert made.status_code == 201, made.text
                room.market_key = made.json()["key"]
                self._register(room.market_key, "credential:market", "credential", "text")
            else:
                self.http("delete", f"/api/workshops/{room.code}/market-key", token=room.token)

    # --- rules: afterwards ------------------------------------------------------------------------

    @rule(create=st.booleans())
    def team_link(self, create):
        with self.step(f"the facilitator {'makes a new' if create else 'revokes the'} team link"):
            self._team_link(self.room, create)

    def _team_link(self, room: Room, create: bool) -> None:
        if room.team_token:
            room.revoked.append(room.team_token)
        room.team_token = None
        if create:
            made = self.http("post", f"/api/workshops/{room.code}/team-link", token=room.token)
            assert made.status_code == 201, made.text
            room.team_token = made.json()["url"].rsplit("/", 1)[1]
            self._register(room.team_token, "credential:team", "credential", "text")
        else:
            self.http("delete", f"/api/workshops/{room.code}/team-link", token=room.token)

    # --- rules: a person's seat on another device (issue 14) -------------------------------------

    @precondition(lambda self: self.people)
    @rule(data=st.data(), by_facilitator=st.booleans(), opened=st.booleans())
    def personal_link(self, data, by_facilitator, opened):
        """A person's personal link, made on their phone or reissued by the facilitator, and maybe
        opened on another device (over HTTP, not a spy): its secret and the device's token are
        that person's own credentials, which no other spy may receive; their phone asks what
        its seat holds."""
        person = self.pick(data, self.people, "whose")
        maker = "the facilitator" if by_facilitator else person.name
        with self.step(f"{maker} makes {person.name}'s personal link{', which is opened' if opened else ''}"):
            if by_facilitator:
                ack = self.as_facilitator("reissue_seat_link", {"participant_id": person.id})
            else:
                ack = self.as_person(person, "create_seat_link", {})
            if not ack.get("ok"):
                return
            secret = ack["url"].rsplit("#", 1)[1]
            self._register(secret, "credential:" + person.key, "credential", "text")
            if not by_facilitator:  # it is in the phone's own acknowledgement: a credential it holds
                viewer = person.phone.viewer
                person.phone.viewer = rules.Viewer(viewer.column, viewer.person, viewer.holds | {secret})
            if opened:
                used = requests.post(f"{self.server_url}/w/{self.room.code}/seat", json={"key": secret}, timeout=10)
                token = used.cookies.get(f"wp_{self.room.code}")
                if token:
                    self._register(token, "credential:" + person.key, "credential", "text")
                    type(self).reached["a personal link opened on another device"] += 1
            self.as_person(person, "my_seat", {})

    @rule(move=st.booleans(), share=st.booleans())
    def follow_up(self, move, share):
        """The facilitator closes the workshop (if not yet) and starts its follow-up; the history
        goes on in the follow-up (everyone takes their seat there, and the facilitator may share
        its team link at once), or stays where it is."""
        room = self.room
        share = move and share
        with self.step(
            f"the facilitator starts a follow-up of workshop {room.index}"
            f"{', and everyone moves there' if move else ''}{', with a team link' if share else ''}"
        ):
            if not room.closed:
                self.as_facilitator("set_phase", {"phase": "closed"})
            made = self.http("post", f"/api/workshops/{room.code}/follow-up", token=room.token, json={})
            assert made.status_code == 201, made.text
            new = self._add_room(made.json(), previous=room.index)
            self.rooms.append(new)
            self._adopt(new, room)
            self.history[-1] += f" (workshop {new.index})"
            if move:
                self._move_to(new)
            if share:
                self._team_link(new, create=True)

    def _adopt(self, new: Room, old: Room) -> None:
        """Register the follow-up's copies as the people and items they were copied from."""
        self._refresh(old)
        self._refresh(new)
        old_goal = {g["id"]: g["text"] for g in old.raw["goals"]}
        new_goal = {g["id"]: g["text"] for g in new.raw["goals"]}
        people = {p["name"]: self.key(p["id"]) for p in old.raw["participants"]}
        cards = {c["text"]: self.key(c["id"]) for c in old.cards()}
        links = {(self.key(l["card_id"]), old_goal[l["goal_id"]]): self.key(l["id"]) for l in old.raw["links"]}
        agreements = {(self.key(a["link_id"]), a["text"]): self.key(a["id"]) for a in old.raw["agreements"]}
        for p in new.raw["participants"]:
            self._register(p["id"], people.get(p["name"], p["id"]), "person", "id")
        for c in new.cards():
            self._register(c["id"], cards.get(c["text"], c["id"]), "card", "id")
        for l in new.raw["links"]:
            self._register(l["id"], links.get((self.key(l["card_id"]), new_goal[l["goal_id"]]), l["id"]), "link", "id")
        for a in new.raw["agreements"]:
            self._register(a["id"], agreements.get((self.key(a["link_id"]), a["text"]), a["id"]), "agreement", "id")
        new.facts = self._facts(new)

    def _move_to(self, new: Room) -> None:
        """Everyone takes their seat in the follow-up: phones rejoin with their old token; the
        console and the boards follow. What the old sockets heard is read first."""
        self._settle(self.room)
        for spy in self.spies():
            self._check_socket(spy, self.before.get(id(spy)), self.before_facts)
        for client in [self.console, *self.spies()]:
            client.disconnect()
        seats = []
        for person in self.people:
            answer = self.http("post", f"/api/workshops/{new.code}/rejoin", token=person.token)
            assert answer.status_code == 201, answer.text
            body = answer.json()
            self._register(body["participant_id"], person.key, "person", "id")
            seats.append(
                Seat(person.key, person.name, body["participant_id"], body["participant_token"], person.newcomer)
            )
        self.people, self.current = [], new.index
        self._enter(new, seats)

    @precondition(lambda self: self.steps_in_chain >= 5)
    @rule(data=st.data())
    def delete_workshop(self, data):
        """The facilitator erases the workshop (and its follow-ups); then a new one begins."""
        room = self.room
        with self.step(f"the facilitator erases workshop {room.index}", http=True):
            self.as_facilitator("delete_workshop", {"code": room.code})
        for client in self.sockets:
            client.disconnect()
        self._open_workshop(data)

    @rule()
    def look(self):
        """The spies look again: every socket asks for the whole state; the documents are fetched."""
        with self.step("every spy looks again", http=True):
            for spy in self.spies():
                spy.call("sync", {})

    # --- after every step: what each spy received -------------------------------------------------

    def spies(self) -> list[Socket]:
        return [*self.boards, *(p.phone for p in self.people), *(p.board for p in self.people if p.board is not None)]

    @contextmanager
    def step(self, what: str, http: bool = False):
        """Do a step, then read every spy's new messages against what it could see before or after."""
        self.history.append(what)
        self.steps_in_chain += 1
        type(self).steps_run += 1
        self.leaks, self.leaving = [], None
        room = self.room if self.rooms else None
        self.before_facts = room.facts if room else None
        self.before = {id(s): rules.sight(room.facts, s.viewer) for s in self.spies()} if self.before_facts else {}
        yield
        self._settle(self.room)
        for spy in self.spies():
            self._check_socket(spy, self.before.get(id(spy)), self.before_facts)
        self._tally(self.before_facts)
        if http or self.steps_in_chain % self.http_every == 0:
            self._check_http()
        if self.leaks:
            # One line per thing leaked, however many groups of a message held it.
            self._found(list({(l.spy, l.channel, l.kind, l.subject): l for l in self.leaks}.values()))

    def _tally(self, before: Facts | None) -> None:
        """Count what this step reached: each row of the table present, and a few rare moments."""
        facts, reached = self.room.facts, type(self).reached
        if facts is None or self.room.deleted:
            return
        rows = {rules.card_row(c) for c in facts.cards.values()}
        rows |= {rules.LINK_ROW} if facts.links else set()
        rows |= {rules.PLUS_ONES_ROW} if any(l.endorsers for l in facts.links.values()) else set()
        rows |= {rules.AGREEMENT_ROW} if facts.agreements else set()
        rows |= {rules.CHECKIN_ROW} if facts.answers else set()
        rows |= {rules.PAIR_ROW} if facts.pairs else set()
        rows |= {rules.ASK_ROW} if facts.asks else set()
        rows |= {rules.PROPOSAL_ROW} if facts.proposals else set()
        reached.update(rows)
        for proposal in self.room.raw.get("proposals", []):
            reached[f"a proposal ({proposal['kind']}) {proposal['status']}"] += 1
        reached["a theme grouping drives"] += bool(self.room.raw.get("themes"))
        if self.leaving and before is not None:
            hidden_whose = [
                c
                for c in before.cards.values()
                if self.leaving.key in (c.about, c.author)
                and rules.card_row(c)
                in (rules.ANONYMOUS_DRIVE, rules.ACCEPTED_UNSIGNED, rules.PENDING_UNSIGNED, rules.REWORDED)
            ]
            reached["someone left, leaving an item not tied to them"] += bool(hidden_whose)

    def _found(self, leaks: list[Leak]) -> None:
        if self.collect is not None:
            self.collect(self, leaks)
            return
        raise AssertionError(
            "privacy leak:\n"
            + "\n".join(f"  {leak}" for leak in leaks)
            + "\nhistory:\n"
            + "\n".join(f"  {i}. {s}" for i, s in enumerate(self.history, 1))
        )

    def _settle(self, room: Room) -> None:
        """Refresh the facts, then wait until every spy heard the workshop's latest version."""
        self._refresh(room)
        if room.deleted:
            return
        version = room.raw["version"]
        for spy in self.spies():
            leaving = self.leaving is not None and spy in (self.leaving.phone, self.leaving.board)
            if not spy.heard(version, 1 if leaving else 5) and not leaving:
                self.leaks.append(
                    Leak(
                        spy.viewer.column,
                        spy.name,
                        "versions",
                        "silent",
                        "",
                        "",
                        f"{spy.name} never heard version {version}",
                    )
                )

    def _refresh(self, room: Room) -> None:
        if room.deleted:
            return
        answer = self.http("get", f"/api/workshops/{room.code}", token=room.token)
        if answer.status_code == 404:
            room.deleted = True
            return
        assert answer.status_code == 200, answer.text
        room.raw = answer.json()
        room.facts = self._facts(room)

    def _facts(self, room: Room) -> Facts:
        """The workshop as the oracle reads it: keys for people and items, erasures applied."""
        raw, key = room.raw, self.key
        cards = {
            key(c["id"]): rules.Card(
                c["kind"],
                key(c["about"]),
                key(c["author"]),
                c["text"],
                c["visibility"],
                c["status"],
                bool(c["signed"]),
                bool(c.get("hidden")),
                key(c["id"]) in self.reworded,
                bool(c.get("offered")),
            )
            for c in room.cards()
        }
        links = {
            key(l["id"]): rules.Link(
                key(l["card_id"]), key(l["created_by"]), frozenset(key(e) for e in l["endorsements"])
            )
            for l in raw["links"]
        }
        agreements = {
            key(a["id"]): rules.Agreement(key(a["link_id"]), a["text"], key(a["owner"])) for a in raw["agreements"]
        }
        pairs = frozenset((key(a["giver"]), key(a["receiver"])) for a in raw["assignments"])
        asks = {
            "ask:" + g["id"]: rules.Ask(g["ask"]["text"], key(g["ask"]["owner_id"]))
            for g in raw["goals"]
            if g.get("ask") is not None
        }
        proposals = {
            key(p["id"]): rules.Proposal(key(p["card_id"]), "ask:" + p["goal_id"], key(p["made_by"]), p["note"])
            for p in raw.get("proposals", [])
        }
        room.whole = Facts(
            raw["code"],
            {key(p["id"]): p["name"] for p in raw["participants"]},
            cards,
            links,
            agreements,
            dict(room.answers),
            pairs,
            asks,
            proposals,
        )
        return rules.without(room.whole, self._gone_from(room))

    def _gone_from(self, room: Room) -> set:
        """Who is erased from this room: whoever left anywhere in the chain, and whoever was
        removed from it or from a workshop it follows up."""
        ancestors, r = set(), room
        while r is not None:
            ancestors.add(r.index)
            r = self.rooms[r.previous] if r.previous is not None else None
        return self.left | {person for person, index in self.removed.items() if index in ancestors}

    def _check_socket(self, spy: Socket, before: Sight | None, before_facts: Facts | None) -> None:
        room = self.room
        allowed = rules.sight(room.facts, spy.viewer) if room.facts and not room.deleted else Sight()
        if before is not None:
            allowed = before | allowed
        spy.known_ids |= allowed.items
        facts = [f for f in (room.facts, before_facts, *(r.whole for r in self.rooms)) if f]
        for channel, message in spy.fresh():
            excerpt = f"{channel} {json.dumps(message, ensure_ascii=False)}"
            self.leaks += self.finder.find(
                json_groups(message), allowed, spy.known_ids, facts, (spy.viewer.column, spy.name, channel), excerpt
            )

    def _check_http(self) -> None:
        """The documents that leave the room, fetched now, against what they may show now."""
        documents = []  # (path, token, reader, what it may show, audience, spy, name, room)
        for room in self.rooms:
            if room is not self.room:  # the current room's facts are fresh from this step
                self._refresh(room)
            if room.deleted:
                self._expect_gone(room)
                continue
            market = rules.sight(room.facts, Viewer(rules.MARKETPLACE))
            documents += [
                (
                    f"/api/workshops/{room.code}/{path}",
                    room.token,
                    reader,
                    market,
                    rules.MARKETPLACE,
                    "marketplace",
                    path,
                    room,
                )
                for path, reader in MARKETPLACE_DOCUMENTS
            ]
            documents += [
                (f"/t/{token}", None, None, None, rules.TEAM_LINK, "a revoked team link", "page", room)
                for token in room.revoked
            ]
            documents += [
                (f"/api/market?key={key}", None, None, None, rules.MARKET_KEY, "a revoked market key", "JSON", room)
                for key in room.market_revoked
            ]
            if room.market_key:
                sight = rules.sight(room.facts, Viewer(rules.MARKET_KEY))
                documents.append(
                    (
                        f"/api/market?key={room.market_key}",
                        None,
                        by_json,
                        sight,
                        rules.MARKET_KEY,
                        "market key",
                        "JSON",
                        room,
                    )
                )
            if room.team_token:
                team = self._team_sight(room)
                documents += [
                    (f"/t/{room.team_token}{path}", None, reader, team, rules.TEAM_LINK, "team link", name, room)
                    for path, name, reader in TEAM_DOCUMENTS
                ]
        if self.org and self.rooms:
            # The organisation page's JSON: the first workshop joined it (a follow-up does not).
            first = self.rooms[0]
            for audience, token, spy in (
                (rules.ANOTHER_TEAM, self.org["member"], "another team"),
                (rules.ORGANISER, self.org["key"], "organiser"),
            ):
                holds = (
                    frozenset({self.org["key"], self.org["join_code"]}) if audience == rules.ORGANISER else frozenset()
                )
                viewer = Viewer(audience, holds=holds)
                allowed = rules.sight(first.facts, viewer) if first.facts and not first.deleted else Sight(holds)
                path = f"/api/organisations/{self.org['id']}"
                documents.append((path, token, by_json, allowed, audience, spy, "organisation JSON", first))
            type(self).reached["the organisation page read"] += 1
        for path, token, reader, allowed, audience, spy, name, room in documents:
            answer = self.http("get", path, token=token)
            if reader is None:
                if answer.status_code != 404:
                    self.leaks.append(
                        Leak(
                            audience,
                            spy,
                            name,
                            "served",
                            "",
                            "",
                            f"{spy} of workshop {room.index} still works",
                        )
                    )
            else:
                self._read_document(answer, reader, allowed, audience, spy, name, room)

    def _team_sight(self, room: Room) -> Sight:
        """What a room's team link may show: the team's view, and for a follow-up, the previous
        workshop as the follow-up may recall it."""
        viewer = Viewer(rules.TEAM_LINK, holds=frozenset({room.team_token}))
        team = rules.sight(room.facts, viewer)
        if room.previous is not None and self.rooms[room.previous].facts is not None:
            previous = self.rooms[room.previous].facts
            team = team | rules.sight(rules.recalled(room.facts, previous), viewer)
            type(self).reached["a follow-up's team link read"] += 1
            taken_back = [
                k
                for k, c in room.facts.cards.items()
                if k in previous.cards and rules.card_row(c) != rules.card_row(previous.cards[k])
            ]
            type(self).reached["... with a card shown otherwise than before"] += bool(taken_back)
        return team

    def _read_document(self, answer, reader, allowed: Sight, audience: str, spy: str, name: str, room: Room) -> None:
        if answer.status_code != 200:
            self.leaks.append(
                Leak(
                    audience,
                    spy,
                    name,
                    "unavailable",
                    "",
                    "",
                    f"the {spy} {name} of workshop {room.index} answered {answer.status_code}",
                )
            )
            return
        facts = [f for f in (room.facts, *(r.whole for r in self.rooms)) if f]
        for group in reader(answer.text):
            excerpt = f"{spy} {name} of workshop {room.index}: " + " | ".join(s for s in group.strings if s)
            self.leaks += self.finder.find([group], allowed, allowed.items, facts, (audience, spy, name), excerpt)

    def _expect_gone(self, room: Room) -> None:
        """An erased workshop's documents are gone too (checked once)."""
        if room.gone_checked:
            return
        room.gone_checked = True
        paths = [f"/api/workshops/{room.code}/marketplace.json"]
        paths += [f"/t/{room.team_token}"] if room.team_token else []
        paths += [f"/api/market?key={room.market_key}"] if room.market_key else []
        for path in paths:
            status = self.http("get", path, token=room.token).status_code
            if status != 404:
                self.leaks.append(
                    Leak(
                        rules.TEAM_LINK,
                        path,
                        path,
                        "served",
                        "",
                        "",
                        f"{path} of erased workshop {room.index} answered {status}",
                    )
                )
