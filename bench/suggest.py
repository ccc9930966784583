"""What a marketplace suggestion costs (workshop/suggest.py): ``suggest_matches`` runs it on every
request, over the asks and offers the caller may see.

    .venv/bin/python bench/suggest.py [--asks 50] [--offers 2000] [--links 2000]

Prints the first (cold: every word stemmed) and the median of five warm runs, in milliseconds,
over made-up Dutch-looking text: each ask 12 words, each offer 8, each earlier link 8 + 6, drawn
from a vocabulary of 2,000 words. A team of 50 with 4 offers each is 200 offers; the defaults
are ten times that.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from workshop.suggest import suggest


def run(asks: int, offers: int, links: int) -> None:
    rng = random.Random(15)
    vocabulary = [
        "".join(rng.choice("abcdefghijklmnoprstuvwz") for _ in range(rng.randint(4, 10))) for _ in range(2000)
    ]

    def text(n: int) -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(n))

    ask_list = [{"goal_id": f"g{i}", "text": text(12)} for i in range(asks)]
    offer_list = [{"card_id": f"c{i}", "text": text(8)} for i in range(offers)]
    link_list = [
        {"goal_text": text(8), "card_text": text(6), "type": rng.choice(["energises", "grow", "already"])}
        for _ in range(links)
    ]
    times = []
    for _ in range(6):
        started = time.perf_counter()
        suggest(ask_list, offer_list, link_list, "nl")
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"asks={asks} offers={offers} links={links}: cold {times[0]:.0f} ms, warm median {statistics.median(times[1:]):.0f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asks", type=int, default=50)
    parser.add_argument("--offers", type=int, default=2000)
    parser.add_argument("--links", type=int, default=2000)
    args = parser.parse_args()
    run(args.asks, args.offers, args.links)
