"""Multi-site tests: a fresh PostgreSQL database, the sandboxes and Sandbox template, helpers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.conftest import POSTGRES_ENV
from tests.scheduling.conftest import add_schedule, wait_for
from tests.sync.conftest import sandboxes, template_id

__all__ = ["add_schedule", "postgres_url", "sandboxes", "template_id", "wait_for"]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database (with its password); skipped without a server."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"no PostgreSQL server for this run: set {POSTGRES_ENV} (.ci/run does)")
    name = f"hub_multisite_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
