"""Audit the installed dependencies for known vulnerabilities: pip-audit, with a fallback.

    .venv/bin/python tools/audit.py [--strict]

Runs pip-audit over this environment (everything requirements-dev.txt installed). pip-audit
asks PyPI for each release (``/pypi/<name>/<version>/json``); where that is out of reach (some
build networks serve only the project pages), a dependency it could not audit is looked up on
its project page (``/pypi/<name>/json``), whose ``vulnerabilities`` are those of the latest
release: for a dependency at the latest release that is a full answer. A dependency that is
neither audited by pip-audit nor at its latest release is listed as unaudited.

Exit status 1 when any known vulnerability is found (or, with --strict, when anything is left
unaudited); 0 otherwise. Nothing is installed or changed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import requests

PYPI = "https://pypi.org/pypi/{name}/json"
ROOT = Path(__file__).resolve().parent.parent


def this_project() -> str:
    """The app's own distribution (installed editable from this checkout): not a dependency, and
    PyPI's project of that name, if there is one, is somebody else's."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["name"]


def pip_audit() -> dict[str, dict]:
    """pip-audit's answer per dependency (lower-case name), or {} when pip-audit is not there."""
    tool = Path(sys.executable).parent / "pip-audit"
    if not tool.exists():
        return {}
    out = subprocess.run([str(tool), "--format", "json", "--progress-spinner", "off"], capture_output=True, text=True)
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        print(out.stderr[-2000:], file=sys.stderr)
        return {}
    return {dep["name"].lower(): dep for dep in report.get("dependencies", [])}


def from_project_page(name: str, version: str) -> tuple[str, list[str]]:
    """('audited' | 'unaudited: why', vulnerability ids) from the project's page on PyPI."""
    try:
        r = requests.get(PYPI.format(name=name), timeout=30)
    except requests.RequestException as exc:
        return f"unaudited: PyPI out of reach ({type(exc).__name__})", []
    if r.status_code != 200:
        return f"unaudited: no project page ({r.status_code})", []
    page = r.json()
    latest = page["info"]["version"]
    if latest != version:
        return f"unaudited: {version} is not the latest release ({latest})", []
    vulns = [v for v in page.get("vulnerabilities", []) if not v.get("withdrawn")]
    return "audited (project page)", [v.get("id") or ",".join(v.get("aliases", [])) for v in vulns]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="fail when anything is left unaudited")
    args = parser.parse_args()
    audited = pip_audit()
    found, unaudited, rows = [], [], []
    ours = this_project().lower()
    installed = sorted(
        {(d.metadata["Name"], d.version) for d in metadata.distributions() if d.metadata["Name"].lower() != ours},
        key=lambda d: d[0].lower(),
    )
    for name, version in installed:
        dep = audited.get(name.lower()) or audited.get(name.lower().replace("_", "-"))
        if dep is not None and "skip_reason" not in dep:
            how, vulns = "audited (pip-audit)", [v["id"] for v in dep.get("vulns", [])]
        else:
            how, vulns = from_project_page(name, version)
        rows.append((name, version, how, vulns))
        if vulns:
            found.append(f"{name} {version}: {', '.join(vulns)}")
        if how.startswith("unaudited"):
            unaudited.append(name)
    width = max(len(r[0]) for r in rows)
    for name, version, how, vulns in rows:
        print(f"{name:<{width}}  {version:<12} {how}{'  VULNERABLE: ' + ', '.join(vulns) if vulns else ''}")
    print(
        f"\n{len(rows)} dependencies: {len(rows) - len(unaudited)} audited, {len(unaudited)} unaudited, "
        f"{len(found)} with known vulnerabilities"
    )
    if found:
        print("Known vulnerabilities:\n  " + "\n  ".join(found))
        return 1
    if args.strict and unaudited:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
