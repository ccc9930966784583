"""What physical erasure costs: a card deleted in a plain transaction against one deleted with
``store.transaction(erasing=True)`` (committed, then the write-ahead log checkpointed and truncated).

    .venv/bin/python bench/erasure.py [--cards 500]

Prints p50 / p99 / max in milliseconds for each, on a fresh database in a temporary folder.
Erasures are human-paced (a person leaves, declines, deletes a card), so a millisecond each is
the budget; the live write path (new cards, links) does not scrub.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from workshop import model
from workshop.store import Store


def run(cards: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(os.path.join(folder, "bench.sqlite3"))
        with store.transaction() as tx:
            workshop = tx.create_workshop(
                "Bench", "en", [{"text": "Goal", "kind": "goal"}], model.hash_token(model.new_token()), "named", []
            )
            person = tx.add_participant(workshop["id"], "Anna", model.hash_token(model.new_token()), color=0)
        assert person is not None
        made = iter(range(10**9))

        def new_card() -> str:
            card_id = f"card-{next(made):08d}"
            with store.transaction() as tx:
                tx.add_card(
                    workshop["id"],
                    {
                        "id": card_id,
                        "kind": "drive",
                        "about": person["id"],
                        "author": person["id"],
                        "text": "A drive of a hundred letters " * 4,
                        "prompt": None,
                        "visibility": "named",
                        "status": "accepted",
                        "signed": False,
                    },
                )
            return card_id

        for _ in range(cards):  # a room's worth of rows around the ones deleted
            new_card()
        for label, erasing in (("plain transaction", False), ("erasing (scrubbed)", True)):
            times = []
            for _ in range(cards):
                card_id = new_card()
                start = time.perf_counter()
                with store.transaction(erasing=erasing) as tx:
                    tx.delete_card(workshop["id"], card_id)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            print(
                f"{label:20} delete a card: p50 {statistics.median(times):.3f} ms, "
                f"p99 {times[int(len(times) * 0.99) - 1]:.3f} ms, max {times[-1]:.3f} ms ({cards} cards)"
            )
        store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=500)
    run(parser.parse_args().cards)
