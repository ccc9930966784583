"""Fixtures for the deployment tests: Redis, several app processes and nginx, all real.

Without redis-server, nginx or openssl these tests skip, saying which is missing; where CI or
WORKSHOP_REQUIRE_DEPLOY is set (.ci/run sets it) that is a failure instead.
"""

from __future__ import annotations

import os

import pytest
from deployment import Deployment, missing_binaries

# Low enough that the limits tests reach them in a few requests; the per-person budget is out of
# the way, so what a refusal shows is the per-address one, keyed on the address nginx forwards.
LIMITS = {
    "WORKSHOP_GUESS_LIMIT": "1000 per minute",
    "WORKSHOP_ADDRESS_GUESS_LIMIT": "20 per minute",
    "WORKSHOP_CREATION_LIMIT": "1000 per hour",
}


def require_binaries() -> None:
    missing = missing_binaries()
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (apt-get install redis-server nginx openssl)"
    if os.environ.get("CI") or os.environ.get("WORKSHOP_REQUIRE_DEPLOY"):
        pytest.fail(reason + ": required here (CI / WORKSHOP_REQUIRE_DEPLOY)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """Three app processes behind nginx on one Redis, shared by a module's tests that leave it
    whole (the test that kills a process makes its own)."""
    require_binaries()
    deployed = Deployment(tmp_path_factory.mktemp("deploy"), processes=3, env=LIMITS)
    try:
        deployed.start()
    except BaseException:
        deployed.stop()
        raise
    yield deployed
    deployed.stop()


@pytest.fixture
def new_deployment(tmp_path):
    """Factory for a deployment of the test's own (stopped when the test ends)."""
    require_binaries()
    made: list[Deployment] = []

    def make(processes: int = 2) -> Deployment:
        deployed = Deployment(tmp_path / f"deploy{len(made)}", processes=processes, env=LIMITS)
        made.append(deployed)
        deployed.start()
        return deployed

    yield make
    for deployed in made:
        deployed.stop()
