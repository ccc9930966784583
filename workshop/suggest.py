"""STAND-IN for the mail helper's workshop/suggest.py, so the core's tests of
``suggest_matches`` run before it lands on main: the same signature, plain words shared (no
stemming, no stopwords but a few, no boost). The mail helper's version replaces this file whole.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset({"the", "and", "for", "with", "een", "het", "van", "voor", "met"})


def _words(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for word in _WORD.findall((text or "").lower()):
        if word not in _STOP:
            seen.setdefault(word)
    return list(seen)


def suggest(asks: list[dict], offers: list[dict], links: list[dict], language: str, limit: int = 20) -> list[dict]:
    """Suggested (ask, offer) pairs that share words, best first: ``[{goal_id, card_id, shared,
    reason, score}]``."""
    found = []
    for ask in asks:
        asked = _words(str(ask.get("text") or ""))
        for offer in offers:
            offered = set(_words(str(offer.get("text") or "")))
            shared = [w for w in asked if w in offered]
            if shared:
                found.append(
                    {
                        "goal_id": ask["goal_id"],
                        "card_id": offer["card_id"],
                        "shared": shared,
                        "reason": "shares: " + ", ".join(shared),
                        "score": float(len(shared)),
                    }
                )
    found.sort(key=lambda s: (-s["score"], s["goal_id"], s["card_id"]))
    return found[:limit]
