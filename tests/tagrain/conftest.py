"""Fixtures for the Tagrain tests: a sandbox on a free loopback port and clients for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.connectors.tagrain import TagrainClient, TagrainSettings
from app.sandbox import demo
from app.sandbox.tagrain.server import TagrainSandbox
from tests.tagrain.openapi import Contract

SMALL = {"customers": 40, "items": 60, "sales": 120, "refunds": 20, "expenses": 20}


@pytest.fixture
def sandbox() -> Iterator[TagrainSandbox]:
    """A small, freshly seeded sandbox of its own (tests may change it)."""
    server = TagrainSandbox(**SMALL).start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def demo_sandbox() -> Iterator[TagrainSandbox]:
    """The default-size demo sandbox, shared: tests must only read it."""
    server = TagrainSandbox().start()
    yield server
    server.close()


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the client asked for (the fake sleep records instead of sleeping)."""
    return []


ClientFactory = Callable[..., TagrainClient]


@pytest.fixture
def make_client(sandbox: TagrainSandbox, sleeps: list[float]) -> Iterator[ClientFactory]:
    """Build clients for ``sandbox``; settings may be overridden; sleep is faked by default."""
    made: list[TagrainClient] = []

    def make(
        server: TagrainSandbox | None = None, real_sleep: bool = False, **overrides: Any
    ) -> TagrainClient:
        target = server or sandbox
        options: dict[str, Any] = {"timeout": 5.0, "max_retries": 3, "backoff": 0.01}
        options.update(overrides)
        settings = TagrainSettings(
            target.url, options.pop("api_key", demo.TAGRAIN_API_KEY), **options
        )
        client = TagrainClient(settings, sleep=None if real_sleep else sleeps.append)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> TagrainClient:
    """A client for the per-test sandbox."""
    return make_client()


@pytest.fixture(scope="session")
def contract() -> Contract:
    """The OpenAPI document, ready to validate answers."""
    return Contract.load()
