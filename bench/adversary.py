"""The adversary's long run: 100,000 steps of generated insider histories against a running app.

    .venv/bin/python bench/adversary.py [--steps 100000] [--steps-per-history 20] [--mode eventlet|gevent] [--seed 1]
    .venv/bin/python bench/adversary.py --url http://127.0.0.1:5000    # a server already running

Starts the app (its own SQLite file in a temporary folder) and runs the adversary suite's
state machine (tests/histories.py: a new workshop per history, a facilitator and 3–4 people
doing everything they can while phones, boards, the team link, the marketplace and a newcomer
with the code listen), with longer histories than CI's so that deep ones (a follow-up of a
follow-up, a reopened workshop) come up. Unlike the suite it does not stop at a leak: every
leak is counted, and for each distinct hole (its signature: the spy's audience, the channel,
the kind of leak, the table's row, how the person relates to the item) it keeps the shortest
history that showed it.

It prints histories, steps and leaks found, then each distinct hole with its history; exit
status 1 when any leak was found, or when the server it started logged a traceback. The suite runs 1,000 histories of the same in CI
(tests/test_adversary.py).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis.stateful import run_state_machine_as_test

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from histories import Adversary, Leak  # noqa: E402
from load import start_server  # noqa: E402


class Found:
    """Every leak, and per distinct hole the shortest history that showed it."""

    def __init__(self):
        self.leaks = 0
        self.histories_with_leaks: set[int] = set()
        self.holes: dict[tuple, tuple[Leak, list[str]]] = {}

    def __call__(self, machine: Adversary, leaks: list[Leak]) -> None:
        self.leaks += len(leaks)
        self.histories_with_leaks.add(id(machine))
        for leak in leaks:
            shortest = self.holes.get(leak.signature)
            if shortest is None or len(machine.history) < len(shortest[1]):
                self.holes[leak.signature] = (leak, list(machine.history))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--steps-per-history", type=int, default=20)
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="attack this running server (raise its event and creation limits) instead")
    args = parser.parse_args()

    proc, url = start_server(args.mode) if not args.url else (None, args.url.rstrip("/"))
    found = Found()
    histories = 0

    class LongRun(Adversary):
        server_url = url
        collect = found

        def __init__(self):
            nonlocal histories
            histories += 1
            super().__init__()

    started = time.monotonic()
    try:
        # Some generated histories end early, so batches run until the steps are all taken.
        for batch in itertools.count():
            remaining = args.steps - LongRun.steps_run
            if remaining <= 0:
                break
            run_state_machine_as_test(
                seed(args.seed + batch)(LongRun),
                settings=settings(
                    max_examples=-(-remaining // args.steps_per_history),
                    stateful_step_count=args.steps_per_history,
                    deadline=None,
                    database=None,
                    phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck),
                ),
            )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
    elapsed = time.monotonic() - started
    tracebacks = Path(proc.log_path).read_text(errors="replace").count("Traceback") if proc is not None else 0

    print(
        f"histories {histories}, steps {LongRun.steps_run} in {elapsed:.0f} s "
        f"({LongRun.steps_run / elapsed:.0f} steps/s)"
    )
    print("steps that reached each situation:")
    for situation, steps in sorted(LongRun.reached.items(), key=lambda item: -item[1]):
        print(f"  {steps:7d}  {situation}")
    print(f"leaks found {found.leaks} (in {len(found.histories_with_leaks)} histories), distinct {len(found.holes)}")
    for signature, (leak, history) in sorted(found.holes.items(), key=lambda item: (len(item[1][1]), item[0])):
        print(f"\n{' · '.join(s for s in signature if s)}\n  {leak}")
        print("\n".join(f"    {i}. {step}" for i, step in enumerate(history, 1)))
    if tracebacks:
        print(f"\nthe server logged {tracebacks} tracebacks: {proc.log_path}")
    return 1 if found.leaks or tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
