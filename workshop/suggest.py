"""Explainable match suggestions for the marketplace: which offered card might answer which ask,
and why (the words they share). Plain data in, plain data out: no Flask, no SQLite, no state.

A suggestion is never applied: the people decide (``propose``, ``decide_proposal``). So each one
carries its reason in words a person can check, ``shares: klant, onboarding``, and a score only
to order them.

How it matches. Both sides' text is cut into words, folded (case, accents), stopwords of the
workshop's language removed, and each word stemmed with the Snowball stemmer of that language
(Dutch or English), then folded: "klanten" and "klant" are one word, "onboarding" and "onboard"
too. A stemmer is rules, not a dictionary: it misses some pairs ("mens" and "mensen") and Dutch
compounds ("klantonboarding" is one word of its own). A pair
(ask, offer) is suggested when they share at least one stem. Its score is the sum, over the stems
they share, of how rare each stem is among all the asks and offers given (a word on every card
says little), plus a small boost when earlier links of one type joined a goal sharing a word with
this ask to a card sharing a word with this offer (what the team already linked, it may link
again). The boost orders; it never makes a suggestion alone.

The caller decides what the caller may see: it passes only the asks and offers this viewer may
be shown, and leaves out pairs already linked or proposed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import snowballstemmer

#: The workshop's language → Snowball's algorithm. Anything else is stemmed as English.
ALGORITHMS = {"nl": "dutch", "en": "english"}

#: Snowball's own stop lists for Dutch and English (snowballstem.org, "stop.txt"), folded as the
#: words are (no accents); their last lines are ours: words every goal or card may say without
#: saying anything.
_DUTCH_STOPWORDS = """
    de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem
    dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb
    hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel
    meer doen toen moet ben zonder kan hun dus alles onder ja eens hier wie werd altijd doch wordt
    wezen kunnen ons zelf tegen na reeds wil kon niets uw iemand geweest andere
    we wij jij jou jouw jullie onze mee meest erg heel wel graag willen kun kunt gaan gaat elk elke
    alle sommige vaak soms echt dingen ding
"""
_ENGLISH_STOPWORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing would should
    could ought a an the and but if or because as until while of at by for with about against
    between into through during before after above below to from up down in out on off over under
    again further then once here there when where why how all any both each few more most other
    some such no nor not only own same so than too very can will just don t s
    shall may might must also really thing things get gets getting like
"""
STOPWORDS = {"nl": frozenset(_DUTCH_STOPWORDS.split()), "en": frozenset(_ENGLISH_STOPWORDS.split())}

#: Each earlier link of one type agreeing with a pair adds this much, up to BOOST_LINKS links:
#: less than one shared rare word (whose weight is at least 1).
BOOST_PER_LINK = 0.2
BOOST_LINKS = 3

_WORD = re.compile(r"[^\W\d_]+")


def fold(word: str) -> str:
    """A word as matched: case folded, accents off ("één" and "een", "Café" and "cafe" meet)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(ALGORITHMS.get(language, "english"))


@lru_cache(maxsize=65_536)
def _stem(word: str, language: str) -> str:
    """A word's stem, folded. Remembered: a team writes the same words again and again, and the
    stemmer is pure Python (nine in ten of a cold suggestion's time)."""
    # The stemmer knows its language's accents ("financiële" → "financieel"): stem first, fold after.
    return fold(_stemmer(language).stemWord(word.casefold()))


def words(text: str, language: str) -> dict[str, str]:
    """The stems of ``text`` in ``language`` → the word each was first written as (lower case):
    stopwords and one-letter words left out."""
    stop = STOPWORDS.get(language, STOPWORDS["en"])
    found: dict[str, str] = {}
    for match in _WORD.finditer(unicodedata.normalize("NFKC", text or "")):
        surface = match.group().lower()
        if len(surface) < 2 or fold(surface) in stop:
            continue
        stem = _stem(surface, language)
        if stem:
            found.setdefault(stem, surface)
    return found


def _shown(stem: str, ask: dict[str, str], offer: dict[str, str]) -> str:
    """The word shown for a shared stem: the shorter of the two spellings (``klant`` over
    ``klanten``), the ask's on a tie."""
    a, b = ask[stem], offer[stem]
    return b if len(b) < len(a) else a


def suggest(
    asks: list[dict],
    offers: list[dict],
    links: list[dict],
    language: str,
    limit: int = 20,
) -> list[dict]:
    """Suggested (ask, offer) pairs, best first, at most ``limit``.

    ``asks``: ``[{goal_id, text}]``, the text being the goal's and its ask's together;
    ``offers``: ``[{card_id, text}]``; ``links``: earlier links, ``[{goal_text, card_text, type}]``.
    Returns ``[{goal_id, card_id, shared: [words], reason: "shares: klant, onboarding", score}]``;
    ``shared`` is ordered as the reason names them (the rarest first).
    """
    if limit <= 0 or not asks or not offers:
        return []
    ask_words = [words(str(ask.get("text") or ""), language) for ask in asks]
    offer_words = [words(str(offer.get("text") or ""), language) for offer in offers]

    documents = len(asks) + len(offers)
    frequency: Counter[str] = Counter()
    for found in (*ask_words, *offer_words):
        frequency.update(found.keys())

    def weight(stem: str) -> float:
        return 1.0 + math.log(documents / frequency[stem])

    # Only pairs that share a word are looked at: each ask meets the offers through its stems.
    offers_with: dict[str, list[int]] = defaultdict(list)
    for index, offered in enumerate(offer_words):
        for stem in offered:
            offers_with[stem].append(index)
    learned = _Learned(links, language)
    offer_links = [learned.cards_sharing(offered) for offered in offer_words]

    suggestions = []
    for ask, asked in zip(asks, ask_words):
        ask_links = learned.goals_sharing(asked)
        candidates = sorted({index for stem in asked for index in offers_with.get(stem, ())})
        for index in candidates:
            offer, offered = offers[index], offer_words[index]
            shared = sorted(asked.keys() & offered.keys(), key=lambda s: (-weight(s), _shown(s, asked, offered)))
            shown = [_shown(stem, asked, offered) for stem in shared]
            score = sum(weight(stem) for stem in shared)
            reason = "shares: " + ", ".join(shown)
            agreeing, link_type = _agreeing(ask_links, offer_links[index])
            if agreeing:
                score += BOOST_PER_LINK * min(agreeing, BOOST_LINKS)
                reason += f"; like {agreeing} earlier {link_type} link{'s' if agreeing > 1 else ''}"
            suggestions.append(
                {
                    "goal_id": ask["goal_id"],
                    "card_id": offer["card_id"],
                    "shared": shown,
                    "reason": reason,
                    "score": round(score, 3),
                }
            )
    suggestions.sort(key=lambda s: (-s["score"], str(s["goal_id"]), str(s["card_id"])))
    return suggestions[:limit]


class _Learned:
    """Earlier links, indexed: which links of each type have a goal (or a card) with a stem."""

    def __init__(self, links: Iterable[dict], language: str):
        self.goals: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.cards: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        for number, link in enumerate(links):
            goal = words(str(link.get("goal_text") or ""), language)
            card = words(str(link.get("card_text") or ""), language)
            if not goal or not card:
                continue
            link_type = str(link.get("type") or "")
            for stem in goal:
                self.goals[link_type][stem].add(number)
            for stem in card:
                self.cards[link_type][stem].add(number)

    @staticmethod
    def _sharing(index: dict[str, dict[str, set[int]]], stems: Iterable[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        for link_type, by_stem in index.items():
            numbers = set().union(*(by_stem.get(stem, ()) for stem in stems))
            if numbers:
                found[link_type] = numbers
        return found

    def goals_sharing(self, stems: Iterable[str]) -> dict[str, set[int]]:
        """By type, the links whose goal shares a word with these stems."""
        return self._sharing(self.goals, list(stems))

    def cards_sharing(self, stems: Iterable[str]) -> dict[str, set[int]]:
        """By type, the links whose card shares a word with these stems."""
        return self._sharing(self.cards, list(stems))


def _agreeing(ask_links: dict[str, set[int]], offer_links: dict[str, set[int]]) -> tuple[int, str]:
    """How many earlier links of one type joined a goal sharing a word with the ask to a card
    sharing a word with the offer, for the type with the most (ties: by name)."""
    best, best_type = 0, ""
    for link_type in sorted(ask_links.keys() & offer_links.keys()):
        count = len(ask_links[link_type] & offer_links[link_type])
        if count > best:
            best, best_type = count, link_type
    return best, best_type
