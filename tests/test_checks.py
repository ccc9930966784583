"""The code's own checks, so the README's one test command runs them too.

Lint and format (ruff), types (mypy over the Python; TypeScript's checker over the JSDoc-typed
scripts, settings in pyproject.toml and tsconfig.json) and the JavaScript unit tests
(`node --test tests/js/`). Without Node.js the JavaScript checks skip, except where CI or
WORKSHOP_REQUIRE_BROWSER is set: there a missing Node.js is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> None:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


def node_tool(name: str) -> str:
    if not shutil.which("node"):
        if os.environ.get("CI") or os.environ.get("WORKSHOP_REQUIRE_BROWSER"):
            pytest.fail("Node.js is required here (CI): apt-get install -y nodejs npm")
        pytest.skip("no Node.js on this machine")
    tool = ROOT / "node_modules" / ".bin" / name
    assert tool.exists(), f"{tool} is missing: run `npm ci` (the README's test command does)"
    return str(tool)


def test_ruff_finds_nothing():
    run(sys.executable, "-m", "ruff", "check", ".")


def test_ruff_would_not_reformat_anything():
    run(sys.executable, "-m", "ruff", "format", "--check", ".")


def test_mypy_finds_no_type_errors():
    run(sys.executable, "-m", "mypy")


def test_the_scripts_type_check():
    run(node_tool("tsc"), "--noEmit", "-p", ".")


def test_the_javascript_unit_tests_pass():
    node_tool("tsc")  # the same set-up: Node.js and `npm ci`
    run("node", "--test", "tests/js/")


def test_the_javascript_unit_tests_pass_on_the_scripts_as_served(tmp_path):
    """The server minifies our scripts (rjsmin): the unit tests run again on what phones get."""
    import rjsmin

    node_tool("tsc")
    for folder in ("static", "tests/js", "templates", "docs"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "package.json", tmp_path / "package.json")
    scripts = list((tmp_path / "static" / "js").rglob("*.js"))
    for script in scripts:
        script.write_text(rjsmin.jsmin(script.read_text(encoding="utf-8")), encoding="utf-8")
    assert len(scripts) > 10
    done = subprocess.run(["node", "--test", "tests/js/"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
