"""Who may see what: the privacy rules as one table, and the oracle that reads it.

The adversary suite (tests/histories.py) checks every message a spy receives against this
table, and tools/security_table.py renders the same table into docs/SECURITY.md: the document
is generated from the rules the suite enforces, never written beside them.

This module never imports the app. The app has its own projection (``model.card_for`` and its
kin); if the oracle called it, a bug there would bend the oracle too and hide itself.

Reading the table: a row is a kind of item, a column an audience, a cell the words below.
The oracle turns the words into what a viewer may receive: the secret texts (card text, names,
agreement text, comments, the join code, credentials), the ids of the items it may know, and
for each item the people it may tie to that item.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# --- Audiences (the table's columns) ---------------------------------------------------------

FACILITATOR = "facilitator"
PERSON = "the person"
AUTHOR = "its author"
COLLEAGUE = "a colleague"
BOARD = "the board"
TEAM_LINK = "team link"
MARKETPLACE = "marketplace"
MARKET_KEY = "market key"
NEWCOMER = "newcomer with the code"
ANOTHER_TEAM = "another team"
ORGANISER = "organiser"
AUDIENCES = (
    FACILITATOR,
    PERSON,
    AUTHOR,
    COLLEAGUE,
    BOARD,
    TEAM_LINK,
    MARKETPLACE,
    MARKET_KEY,
    NEWCOMER,
    ANOTHER_TEAM,
    ORGANISER,
)

# --- Words (what a cell may say) -------------------------------------------------------------

EVERYTHING = "everything"
TEXT = "text"  # the item itself: its text and its id
WHOSE = "whose"  # the person it is about
AUTHOR_NAMED = "author"  # who wrote it
AS_IF_SHOWN = "as if not hidden"
WITH_CARD = "with its card"  # a link is seen exactly where its card is
MAKER = "maker if whose"  # who made the link, where the card's person is seen
WITH_LINK = "with its link"  # seen exactly where its link is
WHO = "who"  # who gave the +1s
OWNER = "owner†"  # the owner, but not when that names whom the card hides
OWN = "its own"  # a credential: only the one holding it
OFFERED = "text if offered"  # a card's words, without whose, once its person offers it
OWNED_BY = "who owns it"  # an ask's owner
PARTY = "to its parties"  # a proposal: its maker, its card's person, its ask's owner
MADE_BY = "maker if whose"  # who made a proposal, where its card's person is seen (or to the maker)
ON_THE_PAGE = "offered, on the page"  # a card on the organisation page: its words and id, once offered
WHOSE_ON_THE_PAGE = "whose, on the page"  # ... with its person's first name where the team sees it

LEGEND = {
    EVERYTHING: "all of it, with every name",
    TEXT: "the item itself: its text and its id",
    WHOSE: "who it is about (the person's name or id with it)",
    AUTHOR_NAMED: "who wrote it",
    AS_IF_SHOWN: "what they would see if it were not hidden",
    WITH_CARD: "seen exactly where its card is seen",
    MAKER: "who made the link, only where the card's person is seen",
    WITH_LINK: "seen exactly where its link is seen",
    WHO: "who gave them",
    OWNER: "the owner, unless the owner is the card's person and the card does not show whose it is",
    OWN: "only the credential it holds itself",
    OFFERED: "the card's words alone (no name), and only while its person offers it",
    OWNED_BY: "who owns it (decides the answers to it)",
    PARTY: "only to its maker, its card's person and the ask's owner, each while they see the card",
    MADE_BY: "who made it, only where the card's person is seen (and to the one who made it)",
    ON_THE_PAGE: "on the organisation page: the card's words and id, only while its person offers it",
    WHOSE_ON_THE_PAGE: "with its person's first name there, where the team sees whose it is",
}

NOTHING: tuple[str, ...] = ()
ALL = (EVERYTHING,)
T = (TEXT,)
T_WHOSE = (TEXT, WHOSE)
T_WHOSE_AUTHOR = (TEXT, WHOSE, AUTHOR_NAMED)
LINK = (WITH_CARD, MAKER)
PLUS_ONES = (WITH_LINK, WHO)
AGREEMENT = (WITH_LINK, OWNER)
ASK = (TEXT, OWNED_BY)
PROPOSAL = (PARTY, MADE_BY)
OFFER = (OFFERED,)
PAGE = (ON_THE_PAGE,)
PAGE_WHOSE = (ON_THE_PAGE, WHOSE_ON_THE_PAGE)

# --- The table --------------------------------------------------------------------------------

NAMED_DRIVE = "named drive"
ANONYMOUS_DRIVE = "anonymous drive"
PRIVATE_DRIVE = "facilitator-only drive"
HIDDEN_CARD = "hidden card"
PENDING_UNSIGNED = "pending strength, unsigned"
PENDING_SIGNED = "pending strength, signed"
ACCEPTED_UNSIGNED = "accepted strength, unsigned"
ACCEPTED_SIGNED = "accepted strength, signed"
REWORDED = "reworded strength"
LINK_ROW = "link, and who made it"
PLUS_ONES_ROW = "+1s on a link"
AGREEMENT_ROW = "agreement, and its owner"
CHECKIN_ROW = "check-in rating and comment"
PAIR_ROW = "strength-round pair"
CODE_ROW = "join code"
NAME_ROW = "a participant's name"
CREDENTIAL_ROW = "credential (token, key, team link)"
ASK_ROW = "ask, and who owns it"
PROPOSAL_ROW = "proposal, its note and who made it"
DIGEST_ROW = "digest e-mail address"

RULES: dict[str, tuple[tuple[str, ...], ...]] = {
    # item                 facilitator  the person        its author        a colleague      the board        team link        marketplace      market key       newcomer         another team  organiser
    NAMED_DRIVE:          (ALL,         T_WHOSE,          T_WHOSE,          T_WHOSE,         T_WHOSE,         T_WHOSE,         T_WHOSE,         OFFER,           T_WHOSE,         PAGE_WHOSE,   PAGE_WHOSE),
    ANONYMOUS_DRIVE:      (ALL,         T_WHOSE,          T_WHOSE,          T,               T,               T,               T,               OFFER,           T,               PAGE,         PAGE),
    PRIVATE_DRIVE:        (ALL,         T_WHOSE,          T_WHOSE,          NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,      NOTHING),
    HIDDEN_CARD:          (ALL,         (AS_IF_SHOWN,),   (AS_IF_SHOWN,),   NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,      NOTHING),
    PENDING_UNSIGNED:     (ALL,         T_WHOSE,          T_WHOSE_AUTHOR,   NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,      NOTHING),
    PENDING_SIGNED:       (ALL,         T_WHOSE_AUTHOR,   T_WHOSE_AUTHOR,   NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,      NOTHING),
    ACCEPTED_UNSIGNED:    (ALL,         T_WHOSE,          T_WHOSE_AUTHOR,   T_WHOSE,         T_WHOSE,         T_WHOSE,         NOTHING,         OFFER,           T_WHOSE,         PAGE_WHOSE,   PAGE_WHOSE),
    ACCEPTED_SIGNED:      (ALL,         T_WHOSE_AUTHOR,   T_WHOSE_AUTHOR,   T_WHOSE_AUTHOR,  T_WHOSE_AUTHOR,  T_WHOSE_AUTHOR,  NOTHING,         OFFER,           T_WHOSE_AUTHOR,  PAGE_WHOSE,   PAGE_WHOSE),
    REWORDED:             (ALL,         T_WHOSE,          T_WHOSE_AUTHOR,   T_WHOSE,         T_WHOSE,         T_WHOSE,         NOTHING,         OFFER,           T_WHOSE,         PAGE_WHOSE,   PAGE_WHOSE),
    LINK_ROW:             (ALL,         LINK,             LINK,             LINK,            LINK,            LINK,            NOTHING,         NOTHING,         LINK,            NOTHING,      NOTHING),
    PLUS_ONES_ROW:        (ALL,         PLUS_ONES,        PLUS_ONES,        PLUS_ONES,       PLUS_ONES,       PLUS_ONES,       NOTHING,         NOTHING,         PLUS_ONES,       NOTHING,      NOTHING),
    AGREEMENT_ROW:        (ALL,         AGREEMENT,        AGREEMENT,        AGREEMENT,       AGREEMENT,       AGREEMENT,       NOTHING,         NOTHING,         AGREEMENT,       NOTHING,      NOTHING),
    CHECKIN_ROW:          (ALL,         T_WHOSE,          NOTHING,          NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,      NOTHING),
    PAIR_ROW:             (ALL,         T,                NOTHING,          NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,      NOTHING),
    ASK_ROW:              (ALL,         ASK,              ASK,              ASK,             ASK,             NOTHING,         NOTHING,         T,               ASK,             ASK,          ASK),
    PROPOSAL_ROW:         (ALL,         PROPOSAL,         PROPOSAL,         PROPOSAL,        NOTHING,         NOTHING,         NOTHING,         NOTHING,         PROPOSAL,        NOTHING,      NOTHING),
    DIGEST_ROW:           ((OWN,),      (OWN,),           NOTHING,          NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,         NOTHING,      NOTHING),
    CODE_ROW:             (ALL,         T,                T,                T,               T,               NOTHING,         NOTHING,         NOTHING,         T,               NOTHING,      NOTHING),
    NAME_ROW:             (ALL,         T,                T,                T,               T,               T,               NOTHING,         NOTHING,         T,               NOTHING,      NOTHING),
    CREDENTIAL_ROW:       (ALL,         (OWN,),           (OWN,),           (OWN,),          (OWN,),          (OWN,),          NOTHING,         NOTHING,         (OWN,),          NOTHING,      (OWN,)),
}  # fmt: skip

#: Said under the table: what its rows and columns mean where that is not obvious, and the rules
#: that are about time rather than about an item.
NOTES = (
    "**The person** is whom the item is about: a card's person; for a link, its +1s or an agreement, "
    "its card's person; for a check-in answer, who answered; for a strength-round pair, the giver; "
    "for a name or a credential, its own person. **Its author** is who wrote a strength (a drive's "
    "author is its person). **A colleague** is anyone else taking part.",
    "**The board** is the projector, whether it holds the facilitator's key or the board's own key. "
    "**Team link** is the team's read-only summary (page, JSON, Markdown, SVG map); a follow-up's team "
    'link may also recall the previous workshop ("what changed"), but only as the team may see it '
    "now: each card as its copy in the follow-up is now, and nothing of someone no longer taking part. "
    "**Marketplace** is the exports that leave the room (`marketplace.json`, `marketplace.csv`): open "
    "goals and unlinked drives, as the team sees them; a name only as whose drive it is.",
    "**A newcomer with the code** joins only while the workshop is not closed; once admitted they see "
    "what a colleague sees.",
    "**Someone who left** is gone from every audience: their name, their cards, the cards about them, "
    "their +1s and check-in answers, and their ownership of agreements. Leaving erases them in the "
    "whole chain of workshops (the earlier ones and the follow-ups); the facilitator's removal erases "
    "them in that workshop and its follow-ups.",
    "A **reworded strength** (accepted in its person's own words) is shown as its person's words: it is "
    "never signed, whatever its author does, until the author writes new words.",
    "**Market key** is the marketplace's read-only key for an intranet page (`GET /api/market`): the open "
    "asks and the offered cards the team sees, words only, no names. On the **marketplace** an **ask** is part "
    "of its goal (the business's): everyone in the workshop sees it and its owner. A card's `offered` travels "
    "with the card. A **proposal** (an ask and a card brought together) is seen only by its parties — its "
    "maker, its card's person, its ask's owner — each only while they see its card, and by the facilitator; "
    "whatever becomes of it (a declined offer is nobody's business). For a proposal, **the person** is its "
    "card's person. A **digest e-mail address** is its person's alone (the facilitator's, the facilitator's): "
    "not the facilitator's console, not an export. Someone who leaves takes their proposals, offers, "
    "ownership of asks and address with them.",
    "**Another team** is a member of another workshop in the same organisation (several teams, one "
    "marketplace), reading the organisation page (`GET /o/<id>`, its JSON); the **organiser** reads the "
    "same page, with its join code and counts of the cross-team proposals. Both see each member team's open "
    "asks (with the owner's first name) and its offers as the team sees them: an anonymous offer without its "
    "person, never a facilitator-only, hidden or pending card; no proposal of one team, no join code of a "
    "workshop, no names but those of an offer's person and an ask's owner. A **cross-team proposal** is seen "
    "by its maker, its decider, the card's person, the ask's owner and both teams' facilitators, and counted "
    "(only) by the organiser (tests/test_org.py).",
    "A **theme** (drives the facilitator grouped under a name of their own) is seen by everyone in the "
    "workshop; a drive's membership is seen with the drive. Only drives every audience but the "
    "marketplace sees in full or without a name may be in one: a facilitator-only or hidden drive is "
    "refused and leaves its theme when it becomes so, a strength is never grouped, and a theme whose "
    "last card leaves is deleted, so no theme tells of a card its viewer may not see.",
)

# --- Facts: one workshop, as the oracle needs it ----------------------------------------------
# Every key is an item's (or a person's) identity across the chain of workshops: a card copied
# into a follow-up keeps the key of the card it came from.


@dataclass(frozen=True)
class Card:
    kind: str  # drive | strength
    about: str
    author: str
    text: str
    visibility: str  # named | anonymous | facilitator (drives)
    status: str  # pending | accepted
    signed: bool
    hidden: bool
    reworded: bool
    offered: bool = False


@dataclass(frozen=True)
class Ask:
    """A goal listed on the marketplace: what is asked, and who owns it (decides its answers)."""

    text: str | None
    owner: str | None


@dataclass(frozen=True)
class Proposal:
    """A proposal bringing an ask (of the goal ``ask``) and a card together."""

    card: str
    ask: str  # the key of the ask (its goal's)
    maker: str | None  # None: the facilitator
    note: str | None = None


@dataclass(frozen=True)
class Link:
    card: str
    maker: str | None
    endorsers: frozenset = frozenset()


@dataclass(frozen=True)
class Agreement:
    link: str
    text: str
    owner: str | None


@dataclass(frozen=True)
class Answer:
    """A check-in answer: a person's rating of a link of theirs, with the comments they wrote."""

    link: str
    person: str
    comments: tuple = ()


@dataclass(frozen=True)
class Facts:
    code: str
    people: dict  # person key -> name
    cards: dict = field(default_factory=dict)  # key -> Card
    links: dict = field(default_factory=dict)  # key -> Link
    agreements: dict = field(default_factory=dict)  # key -> Agreement
    answers: dict = field(default_factory=dict)  # answer key -> Answer
    pairs: frozenset = frozenset()  # (giver, receiver)
    asks: dict = field(default_factory=dict)  # ask key -> Ask
    proposals: dict = field(default_factory=dict)  # key -> Proposal


def pair_key(giver: str, receiver: str) -> str:
    return f"pair:{giver}>{receiver}"


def answer_key(link: str) -> str:
    return f"answer:{link}"


# --- Viewers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """Who receives: ``column`` is their audience for items that are not theirs (a participant's
    is COLLEAGUE or NEWCOMER); ``person`` is the participant they are; ``holds`` their credentials."""

    column: str
    person: str | None = None
    holds: frozenset = frozenset()

    def audience(self, person: str | None = None, author: str | None = None) -> str:
        """The column that applies to an item about ``person`` written by ``author``."""
        if self.person is not None and self.person == person:
            return PERSON
        if self.person is not None and self.person == author:
            return AUTHOR
        return self.column


def cell(row: str, audience: str) -> tuple[str, ...]:
    return RULES[row][AUDIENCES.index(audience)]


def card_row(card: Card, hidden_counts: bool = True) -> str:
    """The table's row for a card."""
    if card.hidden and hidden_counts:
        return HIDDEN_CARD
    if card.kind == "drive":
        return {"named": NAMED_DRIVE, "anonymous": ANONYMOUS_DRIVE, "facilitator": PRIVATE_DRIVE}[card.visibility]
    if card.status != "accepted":
        return PENDING_SIGNED if card.signed else PENDING_UNSIGNED
    if card.reworded:
        return REWORDED
    return ACCEPTED_SIGNED if card.signed else ACCEPTED_UNSIGNED


# --- The oracle -----------------------------------------------------------------------------


@dataclass
class Sight:
    """What a viewer may receive: secret texts, item ids, per item the people it may tie to it
    (in any way), and per item and field the person that field may name (``about`` and
    ``author`` of a card, ``created_by`` of a link, ``owner`` of an agreement)."""

    texts: set = field(default_factory=set)
    items: set = field(default_factory=set)
    ties: dict = field(default_factory=dict)  # item key -> set of person keys
    fields: dict = field(default_factory=dict)  # (item key, field) -> set of person keys

    def __or__(self, other: Sight) -> Sight:
        def merged(a: dict, b: dict) -> dict:
            out = {k: set(v) for k, v in a.items()}
            for k, v in b.items():
                out.setdefault(k, set()).update(v)
            return out

        return Sight(
            self.texts | other.texts,
            self.items | other.items,
            merged(self.ties, other.ties),
            merged(self.fields, other.fields),
        )


def sight(facts: Facts, viewer: Viewer) -> Sight:
    """What ``viewer`` may receive of this workshop, by the table."""
    if viewer.column == FACILITATOR:
        return _everything(facts, viewer)
    seen = Sight()
    card_words: dict[str, tuple[str, ...]] = {}
    # A card, its links and their agreements form a cluster: one set of people who may be tied
    # to any of them (a link's message names its card, an agreement's its link).
    cluster: dict[str, set] = {}
    for key, card in facts.cards.items():
        audience = viewer.audience(card.about, card.author)
        words = cell(card_row(card), audience)
        if AS_IF_SHOWN in words:
            words = cell(card_row(card, hidden_counts=False), audience)
        card_words[key] = words
        cluster[key] = seen.ties[key] = set()
        if OFFERED in words and card.offered:
            seen.texts.add(card.text)  # the words alone: no id, no one tied to them
        if ON_THE_PAGE in words and card.offered:  # the organisation page: words and id
            seen.items.add(key)
            seen.texts.add(card.text)
            if WHOSE_ON_THE_PAGE in words:
                cluster[key].add(card.about)
        if TEXT in words:
            seen.items.add(key)
            seen.texts.add(card.text)
            if WHOSE in words:
                cluster[key].add(card.about)
                seen.fields[key, "about"] = {card.about}
            if AUTHOR_NAMED in words or (WHOSE in words and card.kind == "drive"):  # a drive's author is its person
                cluster[key].add(card.author)
                seen.fields[key, "author"] = {card.author}
    for key, link in facts.links.items():
        card = facts.cards.get(link.card)
        if card is None or TEXT not in card_words[link.card]:
            continue
        audience = viewer.audience(card.about, card.author)
        if WITH_CARD not in cell(LINK_ROW, audience):
            continue
        seen.items.add(key)
        ties = seen.ties[key] = cluster[link.card]
        if MAKER in cell(LINK_ROW, audience) and WHOSE in card_words[link.card] and link.maker:
            ties.add(link.maker)
            seen.fields[key, "created_by"] = {link.maker}
        if WHO in cell(PLUS_ONES_ROW, audience):
            ties.update(link.endorsers)
    for key, agreement in facts.agreements.items():
        link = facts.links.get(agreement.link)
        if link is None or agreement.link not in seen.items:
            continue
        card = facts.cards[link.card]
        words = cell(AGREEMENT_ROW, viewer.audience(card.about, card.author))
        if WITH_LINK not in words:
            continue
        seen.items.add(key)
        seen.texts.add(agreement.text)
        ties = seen.ties[key] = cluster[link.card]
        names_hidden_person = agreement.owner == card.about and WHOSE not in card_words[link.card]
        if OWNER in words and agreement.owner and not names_hidden_person:
            ties.add(agreement.owner)
            seen.fields[key, "owner"] = {agreement.owner}
    for key, ask in facts.asks.items():
        words = cell(ASK_ROW, viewer.audience(ask.owner))
        if TEXT in words and ask.text:
            seen.texts.add(ask.text)
        if OWNED_BY in words and ask.owner:
            seen.ties[key] = {ask.owner}
    for key, proposal in facts.proposals.items():
        card = facts.cards.get(proposal.card)
        ask = facts.asks.get(proposal.ask)
        if card is None or TEXT not in card_words[proposal.card]:
            continue
        parties = {card.about, proposal.maker, ask.owner if ask else None} - {None}
        if PARTY not in cell(PROPOSAL_ROW, viewer.audience(card.about, card.author)) or viewer.person not in parties:
            continue
        seen.items.add(key)
        if proposal.note:
            seen.texts.add(proposal.note)
        ties = seen.ties[key] = cluster[proposal.card]
        if proposal.maker and (WHOSE in card_words[proposal.card] or proposal.maker == viewer.person):
            ties.add(proposal.maker)
            seen.fields[key, "made_by"] = {proposal.maker}
    for key, answer in facts.answers.items():
        if TEXT in cell(CHECKIN_ROW, viewer.audience(answer.person)):
            seen.items.add(key)
            seen.texts.update(answer.comments)
    for giver, receiver in facts.pairs:
        if TEXT in cell(PAIR_ROW, viewer.audience(giver)):
            seen.items.add(pair_key(giver, receiver))
    if TEXT in cell(CODE_ROW, viewer.column):
        seen.texts.add(facts.code)
    if OWN in cell(CREDENTIAL_ROW, viewer.column):
        seen.texts.update(viewer.holds)
    # Names: of everyone taking part where the table says so, and of anyone it may tie to an item.
    tied = set().union(*seen.ties.values()) if seen.ties else set()
    for person, name in facts.people.items():
        if TEXT in cell(NAME_ROW, viewer.audience(person)) or person in tied:
            seen.items.add(person)
            seen.texts.add(name)
    return seen


def _everything(facts: Facts, viewer: Viewer) -> Sight:
    seen = Sight(
        texts={facts.code, *facts.people.values(), *viewer.holds},
        items={
            *facts.people,
            *facts.cards,
            *facts.links,
            *facts.agreements,
            *facts.answers,
            *(pair_key(g, r) for g, r in facts.pairs),
        },
    )
    for key, card in facts.cards.items():
        seen.texts.add(card.text)
        seen.ties[key] = {card.about, card.author}
        seen.fields[key, "about"], seen.fields[key, "author"] = {card.about}, {card.author}
    for key, link in facts.links.items():
        seen.ties[key] = seen.ties.get(link.card, set())
        seen.ties[key].update({link.maker, *link.endorsers} - {None})
        seen.fields[key, "created_by"] = {link.maker}
    for key, agreement in facts.agreements.items():
        seen.texts.add(agreement.text)
        card_key = facts.links[agreement.link].card if agreement.link in facts.links else None
        seen.ties[key] = seen.ties.get(card_key, set())
        if agreement.owner:
            seen.ties[key].add(agreement.owner)
        seen.fields[key, "owner"] = {agreement.owner}
    for answer in facts.answers.values():
        seen.texts.update(answer.comments)
    for key, ask in facts.asks.items():
        seen.texts.update({ask.text} - {None})
        seen.ties[key] = {ask.owner} - {None}
    for key, proposal in facts.proposals.items():
        seen.items.add(key)
        seen.texts.update({proposal.note} - {None})
        seen.ties[key] = seen.ties.get(proposal.card, set())
        seen.ties[key].update({proposal.maker} - {None})
        seen.fields[key, "made_by"] = {proposal.maker}
    return seen


# --- Time: people leaving, and a follow-up recalling the workshop before it --------------------


def without(facts: Facts, gone: set) -> Facts:
    """The workshop with these people erased: them, everything by or about them, their +1s, their
    check-in answers and their strength-round pairs, the proposals they made or that were made to
    their cards; agreements and asks they owned lose their owner."""
    if not gone:
        return facts
    cards = {k: c for k, c in facts.cards.items() if c.about not in gone and c.author not in gone}
    links = {
        k: replace(l, maker=None if l.maker in gone else l.maker, endorsers=l.endorsers - gone)
        for k, l in facts.links.items()
        if l.card in cards
    }
    agreements = {
        k: replace(a, owner=None if a.owner in gone else a.owner)
        for k, a in facts.agreements.items()
        if a.link in links
    }
    return replace(
        facts,
        people={k: n for k, n in facts.people.items() if k not in gone},
        cards=cards,
        links=links,
        agreements=agreements,
        answers={k: a for k, a in facts.answers.items() if a.person not in gone},
        pairs=frozenset(p for p in facts.pairs if not set(p) & gone),
        asks={k: replace(a, owner=None if a.owner in gone else a.owner) for k, a in facts.asks.items()},
        proposals={k: p for k, p in facts.proposals.items() if p.card in cards and p.maker not in gone},
    )


def recalled(current: Facts, previous: Facts) -> Facts:
    """The previous workshop as a follow-up may recall it: only people still taking part in the
    follow-up, and every card as its copy in the follow-up is now (a card made facilitator-only,
    hidden or anonymous since is recalled that way; its old words may still be recalled)."""
    base = without(previous, set(previous.people) - set(current.people))
    cards = {k: replace(current.cards[k], text=c.text) if k in current.cards else c for k, c in base.cards.items()}
    return replace(base, cards=cards, answers={}, pairs=frozenset(), asks={}, proposals={})
