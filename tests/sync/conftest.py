"""Both sandboxes on loopback plus a store with the ready-made Sandbox template."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete

from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, SyncMark
from app.sync.context import SyncContext

SMALL = SandboxScale(
    customers=60, items=80, tagrain_customers=40, sales=60, refunds=12, expenses=15
)


@pytest.fixture
def sandboxes() -> Iterator[RunningSandboxes]:
    """Fresh in-memory SAP and Tagrain sandboxes (a small demo company)."""
    running = start_sandboxes(SandboxOptions(scale=SMALL))
    yield running
    running.stop()


@pytest.fixture
def template_id(database: Database, sandboxes: RunningSandboxes) -> int:
    """The Sandbox template pointing at this test's sandboxes, with nothing marked yet.

    The demo's first marks are dropped so that each test marks exactly what it checks.
    """
    template = ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)
    with database.session() as session:
        session.execute(delete(SyncMark).where(SyncMark.template_id == template))
    return template


@pytest.fixture
def context(database: Database, template_id: int) -> Iterator[SyncContext]:
    """A sync context on the Sandbox template."""
    ctx = SyncContext(database, template_id)
    yield ctx
    ctx.close()
