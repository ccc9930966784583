"""Make the README's screenshots: docs/screenshots/*.png, and nothing else writes them.

    .venv/bin/python tools/screenshots.py            # every picture
    .venv/bin/python tools/screenshots.py -k dutch   # some of them (pytest's -k)
    .venv/bin/python tools/screenshots.py --list     # which scenes make them

The pictures are taken where the browser tests bring the app into the state they show (a
workshop of 50 people, a phone in Dutch, the summary on A4), so they cannot drift from what is
tested. A test run puts them in the untracked test-results/screenshots/; this tool runs the
scenes that take them (every browser test that calls ``screenshot()`` for the README) against a
server of their own, in Debian's Chromium (/usr/bin/chromium, through Playwright), with
WORKSHOP_SCREENSHOTS pointing at docs/screenshots/. Then it names any picture in
docs/screenshots/ that no scene made any more, and any the README shows that is missing.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
E2E = ROOT / "tests" / "e2e"
SHOTS = ROOT / "docs" / "screenshots"


def takes_readme_screenshot(function: ast.AST) -> bool:
    """Whether a test (its nested helpers included) calls ``screenshot(...)`` without ``folder=``."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "screenshot"
        and not any(k.arg == "folder" for k in node.keywords)
        for node in ast.walk(function)
    )


def scenes() -> list[str]:
    """The browser tests that take the README's screenshots, as pytest node ids."""
    found = []
    for path in sorted(E2E.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and takes_readme_screenshot(node):
                found.append(f"{path.relative_to(ROOT)}::{node.name}")
    return found


def readme_pictures() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"docs/screenshots/([\w.-]+\.png)", text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print the scenes and exit")
    parser.add_argument("-k", help="only the scenes matching this pytest -k expression")
    args = parser.parse_args(argv)
    wanted = scenes()
    if args.list:
        print("\n".join(wanted))
        return 0
    if not Path("/usr/bin/chromium").exists():
        print("tools/screenshots.py needs Debian's Chromium: apt-get install -y chromium", file=sys.stderr)
        return 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    started = time.time()
    env = {**os.environ, "WORKSHOP_SCREENSHOTS": str(SHOTS), "WORKSHOP_REQUIRE_BROWSER": "1"}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-q", "-p", "no:xdist"]
    command += ["-k", args.k] if args.k else []
    result = subprocess.run(command + wanted, cwd=ROOT, env=env)
    made = {p.name for p in SHOTS.glob("*.png") if p.stat().st_mtime >= started}
    print(f"\n{len(made)} screenshots written to {SHOTS.relative_to(ROOT)}/")
    missing = sorted(name for name in readme_pictures() if not (SHOTS / name).exists())
    if missing:
        print("The README shows pictures that do not exist:", *missing, sep="\n  ", file=sys.stderr)
    if not args.k and result.returncode == 0:
        stale = sorted(p.name for p in SHOTS.glob("*.png") if p.name not in made)
        if stale:
            print("No scene makes these any more (delete them?):", *stale, sep="\n  ", file=sys.stderr)
    return result.returncode or bool(missing)


if __name__ == "__main__":
    sys.exit(main())
