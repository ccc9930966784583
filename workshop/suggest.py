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


def words(text: str, language: str) -> dict[str, str]:
    """The stems of ``text`` in ``language`` → the word each was first written as (lower case):
    stopwords and one-letter words left out."""
    stop = STOPWORDS.get(language, STOPWORDS["en"])
    stemmer = _stemmer(language)
    found: dict[str, str] = {}
    for match in _WORD.finditer(unicodedata.normalize("NFKC", text or "")):
        surface = match.group().lower()
        if len(surface) < 2 or fold(surface) in stop:
            continue
        # The stemmer knows its language's accents ("financiële" → "financieel"): stem first, fold after.
        stem = fold(stemmer.stemWord(surface.casefold()))
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

    learned = _learned(links, language)

    suggestions = []
    for ask, asked in zip(asks, ask_words):
        for offer, offered in zip(offers, offer_words):
            shared = sorted(asked.keys() & offered.keys(), key=lambda s: (-weight(s), _shown(s, asked, offered)))
            if not shared:
                continue
            shown = [_shown(stem, asked, offered) for stem in shared]
            score = sum(weight(stem) for stem in shared)
            reason = "shares: " + ", ".join(shown)
            agreeing, link_type = _agreeing_links(learned, asked.keys(), offered.keys())
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


def _learned(links: Iterable[dict], language: str) -> dict[str, list[tuple[frozenset[str], frozenset[str]]]]:
    """Earlier links by type: each as (the goal's stems, the card's stems)."""
    by_type: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = defaultdict(list)
    for link in links:
        goal = frozenset(words(str(link.get("goal_text") or ""), language))
        card = frozenset(words(str(link.get("card_text") or ""), language))
        if goal and card:
            by_type[str(link.get("type") or "")].append((goal, card))
    return by_type


def _agreeing_links(
    learned: dict[str, list[tuple[frozenset[str], frozenset[str]]]],
    asked: Iterable[str],
    offered: Iterable[str],
) -> tuple[int, str]:
    """How many earlier links of one type joined a goal sharing a word with this ask to a card
    sharing a word with this offer, for the type with the most (ties: by name)."""
    ask_set, offer_set = frozenset(asked), frozenset(offered)
    best, best_type = 0, ""
    for link_type in sorted(learned):
        count = sum(1 for goal, card in learned[link_type] if goal & ask_set and card & offer_set)
        if count > best:
            best, best_type = count, link_type
    return best, best_type
