"""``integration-hub schedule`` and ``mark`` as a partner's script runs them: real processes.

Each test runs the command in a child process against a store whose template
points at a Service Layer sandbox, then reads the result back as the client
would show it: the schedule through the Synchronization Settings' drafts, the
marks through the marking matrix's rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import time
from pathlib import Path

import pytest

from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox
from app.sandbox.template import store_credentials
from app.scheduling.drafts import ScheduleDraft, load_drafts
from app.store import Database, SyncMark, Template
from app.sync import marking
from app.sync.jobs import OBJECTS
from app.sync.marking import CUSTOMER, ITEM, Criteria
from tests.support.file_keyring import sandbox_keyring

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def company() -> Iterator[ServiceLayerSandbox]:
    server = ServiceLayerSandbox(customers=30, items=12).start()
    yield server
    server.stop()


@pytest.fixture
def template_ids(database: Database, company: ServiceLayerSandbox) -> tuple[int, int]:
    """The Sandbox template on the SAP sandbox, and a second template on the same company."""
    with database.session() as session:
        templates = [
            Template(
                name=name,
                sap_url=company.url,
                sap_company_db=demo.COMPANY_DB,
                sap_user=demo.SAP_USER,
            )
            for name in ("Sandbox", "Second Store")
        ]
        session.add_all(templates)
        session.flush()
        ids = templates[0].id, templates[1].id
    store_credentials()
    return ids


@pytest.fixture
def cli(database_file: Path, template_ids: tuple[int, int], tmp_path: Path) -> Run:
    env = {**os.environ, **sandbox_keyring(tmp_path / "keyring.json")}
    env.pop("INTEGRATION_HUB_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        script = Path(sys.executable).with_name("integration-hub")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
        return subprocess.run(
            [*command, "--database", f"sqlite:///{database_file}", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    return run


def _draft(database: Database, template_id: int, name: str) -> ScheduleDraft:
    return next(d for d in load_drafts(database, OBJECTS, template_id) if d.object == name)


def _matrix(database: Database, kind: str, template_id: int) -> list[marking.MarkRow]:
    """The rows the Set Customers / Set Items matrix lists with no criteria."""
    criteria = Criteria(kind, template_id)
    return [row for page in marking.read_rows(database, criteria) for row in page]


def _marked(rows: list[marking.MarkRow], template_id: int) -> list[str]:
    return [row.code for row in rows if row.marked_for(template_id)]


def test_schedule_set_is_what_the_settings_form_shows(
    cli: Run, database: Database, template_ids: tuple[int, int]
) -> None:
    sandbox, second = template_ids
    result = cli(
        "schedule", "set", "sales", "--template", "Sandbox",
        "--weekly", "Fri,mon", "--from", "0900", "--to", "17:30", "--every", "15m",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "saved" in result.stdout
    draft = _draft(database, sandbox, "sales")
    assert (draft.enabled, draft.frequency, draft.weekdays) == (True, "weekly", "mon,fri")
    assert (draft.window_start, draft.window_end, draft.interval_minutes) == (
        time(9, 0),
        time(17, 30),
        15,
    )
    assert _draft(database, second, "sales").schedule_id is None

    again = cli("schedule", "set", "sales", "--template", "Sandbox", "--every", "15m")
    assert again.returncode == 0 and "unchanged" in again.stdout

    off = cli("schedule", "set", "sales", "--template", "Sandbox", "--disable", "--every", "2h")
    assert off.returncode == 0, off.stderr
    draft = _draft(database, sandbox, "sales")
    assert (draft.enabled, draft.weekdays, draft.interval_minutes) == (False, "mon,fri", 120)

    night = cli(
        "schedule", "set", "customers", "--template", "Sandbox",
        "--daily", "--from", "22:00", "--to", "02:00", "--every", "off",
    )  # fmt: skip
    assert night.returncode == 0, night.stderr
    assert "Crosses midnight: runs 22:00–24:00 and 00:00–02:00" in night.stdout
    draft = _draft(database, sandbox, "customers")
    assert (draft.enabled, draft.frequency, draft.interval_minutes) == (True, "daily", 0)

    shown = cli("schedule", "show", "--template", "Sandbox", "sales")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == [
        "Sandbox  sales  disabled  weekly mon,fri  09:00-17:30  every 2h  next -  "
        f"({draft_summary(database, sandbox, 'sales')})"
    ]
    every = cli("schedule", "show")
    assert every.stdout.count("\n") == 2 * len(OBJECTS)


def draft_summary(database: Database, template_id: int, name: str) -> str:
    return _draft(database, template_id, name).summary()


def test_mark_a_code_range_then_the_same_again(
    cli: Run, database: Database, template_ids: tuple[int, int]
) -> None:
    sandbox, _second = template_ids
    codes = [row.code for row in _matrix(database, CUSTOMER, sandbox)]
    low, high = codes[2], codes[6]
    result = cli("mark", "customers", "--template", "Sandbox", "--codes", f"{low}..{high}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("5 customers selected: 5 marked, 0 unmarked, 0 moved")
    assert _marked(_matrix(database, CUSTOMER, sandbox), sandbox) == codes[2:7]

    again = cli("mark", "customers", "--template", "Sandbox", "--codes", f"{low}..{high}")
    assert again.returncode == 0
    assert "0 marked, 0 unmarked, 0 moved from another template, 5 already so" in again.stdout

    opened = cli("mark", "customers", "--template", "Sandbox", "--codes", f"..{codes[1]}")
    assert opened.returncode == 0 and "2 marked" in opened.stdout
    assert _marked(_matrix(database, CUSTOMER, sandbox), sandbox) == codes[:7]


def test_a_record_of_another_template_is_a_conflict_until_moved(
    cli: Run, database: Database, template_ids: tuple[int, int]
) -> None:
    sandbox, second = template_ids
    codes = [row.code for row in _matrix(database, CUSTOMER, sandbox)]
    marking.save_marks(database, CUSTOMER, second, [codes[7]], [])
    result = cli("mark", "customers", "--template", "Sandbox", "--codes", f"{codes[5]}..{codes[8]}")
    assert result.returncode == 1, result.stdout
    assert "3 marked" in result.stdout
    assert "1 left marked for another template (add --move to take them over):" in result.stdout
    assert f"  {codes[7]}: Second Store" in result.stdout
    rows = _matrix(database, CUSTOMER, sandbox)
    assert _marked(rows, sandbox) == [codes[5], codes[6], codes[8]]
    assert _marked(rows, second) == [codes[7]]

    moved = cli(
        "mark", "customers", "--template", "Sandbox", "--codes", f"{codes[5]}..{codes[8]}", "--move"
    )
    assert moved.returncode == 0, moved.stdout
    assert "1 moved from another template, 3 already so" in moved.stdout
    assert _marked(_matrix(database, CUSTOMER, sandbox), sandbox) == codes[5:9]


def test_mark_and_unmark_items_from_a_file(
    cli: Run, database: Database, template_ids: tuple[int, int], tmp_path: Path
) -> None:
    sandbox, second = template_ids
    codes = [row.code for row in _matrix(database, ITEM, sandbox)]
    listing = tmp_path / "items.txt"
    listing.write_text(f"# weekly assortment\n{codes[0]}\n\n{codes[3]}\n{codes[9]}\n")
    result = cli("mark", "items", "--template", "Sandbox", "--file", str(listing))
    assert result.returncode == 0, result.stderr
    assert _marked(_matrix(database, ITEM, sandbox), sandbox) == [codes[0], codes[3], codes[9]]

    marking.save_marks(database, ITEM, second, [codes[4]], [])
    listing.write_text(f"{codes[3]}\n{codes[4]}\n")
    unmarked = cli("mark", "items", "--template", "Sandbox", "--file", str(listing), "--unmark")
    assert unmarked.returncode == 0, unmarked.stderr
    assert "1 unmarked" in unmarked.stdout
    assert f"1 marked for another template, left alone:\n  {codes[4]}: Second Store" in (
        unmarked.stdout
    )
    rows = _matrix(database, ITEM, sandbox)
    assert _marked(rows, sandbox) == [codes[0], codes[9]]
    assert _marked(rows, second) == [codes[4]]

    listing.write_text(f"{codes[1]}\nNO-SUCH-ITEM\n")
    unknown = cli("mark", "items", "--template", "Sandbox", "--file", str(listing))
    assert unknown.returncode == 2
    assert unknown.stdout == ""
    assert unknown.stderr.strip() == (
        f"integration-hub: error: 1 code(s) in {listing} are not items in SAP: NO-SUCH-ITEM"
    )
    assert _marked(_matrix(database, ITEM, sandbox), sandbox) == [codes[0], codes[9]]


def test_mark_a_group_range(cli: Run, database: Database, template_ids: tuple[int, int]) -> None:
    sandbox, _second = template_ids
    groups = sorted(int(code) for code, _ in marking.choices(database, sandbox, "customer_groups"))
    first = groups[0]
    in_group = [
        row.code
        for page in marking.read_rows(
            database, Criteria(CUSTOMER, sandbox, group_from=first, group_to=first)
        )
        for row in page
    ]
    assert in_group
    result = cli("mark", "customers", "--template", "Sandbox", "--groups", f"{first}..{first}")
    assert result.returncode == 0, result.stderr
    assert _marked(_matrix(database, CUSTOMER, sandbox), sandbox) == in_group
    with database.session() as session:
        assert session.query(SyncMark).count() == len(in_group)
