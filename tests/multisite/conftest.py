"""Multi-site tests: a fresh PostgreSQL database, the sandboxes and Sandbox template, helpers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import fresh_postgres_database
from tests.scheduling.conftest import add_schedule, wait_for
from tests.sync.conftest import sandboxes, template_id

__all__ = ["add_schedule", "postgres_url", "sandboxes", "template_id", "wait_for"]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database (with its password); skipped without a server."""
    with fresh_postgres_database("hub_multisite") as url:
        yield url
