"""A template exported on one store and imported on another (SQLite → PostgreSQL) syncs alike.

The Sandbox template is set up on a SQLite store against one pair of
sandboxes, given a schedule, exported with ``integration-hub template
export`` and its sales synchronized. A second, identical pair of sandboxes
then listens on the same ports; the file is imported into a PostgreSQL store
with ``integration-hub template import`` (whose pre-flight now reaches SAP
and refuses a wrong warehouse with the file's key path and line) and its
sales synchronized from there. Both companies' books, read back through the
Service Layer, hold the same invoices: count, totals, customers, warehouses.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.connectors.sapb1 import ServiceLayerClient
from app.sandbox.launcher import SandboxOptions, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.scheduling.drafts import load_drafts, save_drafts
from app.store import Database, open_database
from app.sync.company_setup import set_up_company
from app.sync.context import TemplateRules, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.template_files.importer import find_template
from tests.conftest import fresh_postgres_database
from tests.support.file_keyring import sandbox_keyring
from tests.sync.conftest import SMALL

Books = list[tuple[str, str, Decimal, tuple[str, ...]]]


def cli(url: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("integration-hub")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
    return subprocess.run(
        [*command, "--database", url, *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def sales_and_books(database: Database, template_id: int) -> tuple[list[tuple[Any, ...]], Books]:
    """Synchronize sales, then read every invoice back through the Service Layer."""
    results = Engine(database, OBJECTS).run("sales", template_id, trigger="cli")
    outcome = [(r.object_name, r.status, r.created, r.failed, r.waiting) for r in results]
    client = ServiceLayerClient(sap_settings(TemplateRules.load(database, template_id)))
    try:
        invoices = list(client.iter_entities("Invoices", page_size=500))
    finally:
        client.close()
    books = sorted(
        (
            str(i["U_TG_ID"]),
            str(i["CardCode"]),
            Decimal(str(i["DocTotal"])).quantize(Decimal("0.01")),
            tuple(sorted({str(line["WarehouseCode"]) for line in i["DocumentLines"]})),
        )
        for i in invoices
    )
    return outcome, books


def test_a_template_file_moved_from_sqlite_to_postgresql_runs_the_same_sync(
    tmp_path: Path,
) -> None:
    file = tmp_path / "sandbox.yaml"
    env = {**os.environ, **sandbox_keyring(tmp_path / "keyring.json")}
    env.pop("INTEGRATION_HUB_DATABASE_URL", None)
    sqlite_url = f"sqlite:///{tmp_path / 'first.sqlite3'}"
    with fresh_postgres_database("hub_transfer") as postgres_url:
        first = start_sandboxes(SandboxOptions(scale=SMALL))
        sqlite = open_database(sqlite_url)
        urls = (first.sap_url, first.tagrain_url)
        try:
            template_id = ensure_sandbox_template(sqlite, *urls)
            drafts = load_drafts(sqlite, OBJECTS, template_id)
            save_drafts(
                sqlite,
                template_id,
                [
                    d.with_changes(enabled=True, frequency="weekly", weekdays="tue,sat")
                    if d.object == "sales"
                    else d
                    for d in drafts
                ],
            )
            exported = cli(sqlite_url, env, "template", "export", "Sandbox", "--file", str(file))
            assert exported.returncode == 0, exported.stderr
            before, books_before = sales_and_books(sqlite, template_id)
        finally:
            sqlite.dispose()
            first.stop()
        assert books_before, "the first sync posted no invoice"

        ports = {
            "sap_port": urlsplit(urls[0]).port or 0,
            "tagrain_port": urlsplit(urls[1]).port or 0,
        }
        second = start_sandboxes(SandboxOptions(scale=SMALL, **ports))
        postgres = open_database(postgres_url)
        try:
            assert (second.sap_url, second.tagrain_url) == urls
            text = file.read_text(encoding="utf-8")
            wrong = tmp_path / "wrong.yaml"
            wrong.write_text(text.replace("warehouse: NY", "warehouse: XX"), encoding="utf-8")
            refused = cli(postgres_url, env, "template", "import", str(wrong), "--yes")
            assert refused.returncode == 2, refused.stdout
            line = 1 + text.splitlines().index("    warehouse: NY")
            assert f"wrong.yaml: line {line}: mappings.stores[3].warehouse: " in refused.stderr
            assert "warehouse 'XX' does not exist in SAP company" in refused.stderr
            assert find_template(postgres, "Sandbox") is None

            imported = cli(postgres_url, env, "template", "import", str(file), "--yes")
            assert imported.returncode == 0, imported.stderr
            assert "not checked" not in imported.stderr
            moved = find_template(postgres, "Sandbox")
            assert moved is not None
            again = cli(postgres_url, env, "template", "export", "Sandbox")
            assert again.stdout == text
            set_up_company(postgres, moved)
            after, books_after = sales_and_books(postgres, moved)
        finally:
            postgres.dispose()
            second.stop()
    assert after == before
    assert books_after == books_before
