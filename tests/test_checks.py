"""The code's own checks, so the README's one test command runs them too: lint and format (ruff)
and types (mypy, settings in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> None:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


def test_ruff_finds_nothing():
    run(sys.executable, "-m", "ruff", "check", ".")


def test_ruff_would_not_reformat_anything():
    run(sys.executable, "-m", "ruff", "format", "--check", ".")


def test_mypy_finds_no_type_errors():
    run(sys.executable, "-m", "mypy")
