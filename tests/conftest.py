"""Fixtures: a real server on a free port, real HTTP and Socket.IO clients against it.

The async server follows WORKSHOP_ASYNC_MODE (eventlet by default; CI runs gevent too).
"""

from __future__ import annotations

import pytest
from helpers import Api, Client, LiveServer, Workshop


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> LiveServer:
    live = LiveServer(tmp_path_factory.mktemp("live") / "workshops.sqlite3").start()
    yield live
    live.stop()


@pytest.fixture
def api(server) -> Api:
    return Api(server.url)


@pytest.fixture
def clients():
    made: list[Client] = []
    yield made
    for client in made:
        client.disconnect()


@pytest.fixture
def new_workshop(server, api, clients):
    """Factory: ``new_workshop(title=..., goals=[...])`` → a Workshop on the live server."""

    def make(**kwargs) -> Workshop:
        return Workshop(server, api, clients, **kwargs)

    return make


@pytest.fixture
def workshop(new_workshop) -> Workshop:
    return new_workshop()
