"""``integration-hub company check|setup`` as a user types them: real processes, real exit codes.

The template points at a Service Layer sandbox that starts, like a fresh SAP
company, without the add-on's user fields; the child process reads the SAP
password from its keyring, as on a user's machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox
from app.store import Database, Template
from tests.support.file_keyring import sandbox_keyring

Run = Callable[..., subprocess.CompletedProcess[str]]
TABLES = ["OCRD", "OITM", "OINV", "ORCT", "OVPM", "OJDT"]


@pytest.fixture
def company() -> Iterator[ServiceLayerSandbox]:
    server = ServiceLayerSandbox(customers=5, items=5).start()
    yield server
    server.stop()


@pytest.fixture
def cli(
    database: Database, database_file: Path, company: ServiceLayerSandbox, tmp_path: Path
) -> Iterator[Run]:
    with database.session() as session:
        session.add(
            Template(
                name="Sandbox",
                sap_url=company.url,
                sap_company_db=demo.COMPANY_DB,
                sap_user=demo.SAP_USER,
            )
        )
    env = {**os.environ, **sandbox_keyring(tmp_path / "keyring.json")}
    env.pop("INTEGRATION_HUB_DATABASE_URL", None)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        script = Path(sys.executable).with_name("integration-hub")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
        return subprocess.run(
            [*command, "--database", f"sqlite:///{database_file}", *args],
            capture_output=True,
            text=True,
            env=env,
            input=stdin,
            timeout=60,
        )

    yield run


def _registered(company: ServiceLayerSandbox) -> list[str]:
    return sorted(f["TableName"] for f in company.entities("UserFieldsMD"))


def test_check_lists_what_is_missing_and_changes_nothing(
    cli: Run, company: ServiceLayerSandbox
) -> None:
    result = cli("company", "check", "--template", "Sandbox")
    assert result.returncode == 1, result.stderr
    for table in TABLES:
        assert f"U_TG_ID on {table}" in result.stdout
    assert result.stdout.count("Missing") == len(TABLES)
    assert "run Company Setup" in result.stdout
    assert "integration-hub company setup --template Sandbox" in result.stdout
    assert _registered(company) == []


def test_setup_asks_then_creates_and_check_is_then_clean(
    cli: Run, company: ServiceLayerSandbox
) -> None:
    declined = cli("company", "setup", "--template", "Sandbox", stdin="n\n")
    assert declined.returncode == 1
    assert "Company Setup will create in SAP company SBODEMOUS" in declined.stdout
    assert "Nothing was created." in declined.stdout
    assert _registered(company) == []
    agreed = cli("company", "setup", "--template", "Sandbox", stdin="y\n")
    assert agreed.returncode == 0, agreed.stdout + agreed.stderr
    assert sorted(TABLES) == _registered(company)
    assert "now has every user field the add-on needs" in agreed.stdout
    again = cli("company", "setup", "--template", "Sandbox", "--yes")
    assert again.returncode == 0 and "Nothing to do" in again.stdout
    check = cli("company", "check", "--template", "Sandbox")
    assert check.returncode == 0 and check.stdout.count("Present") == len(TABLES)


def test_setup_prints_sap_refusal_word_for_word_with_what_to_do(
    cli: Run, company: ServiceLayerSandbox
) -> None:
    company.rules.other_users_connected = True
    result = cli("company", "setup", "--template", "Sandbox", "--yes")
    assert result.returncode == 1
    assert "Ref count for this object is higher then 0" in result.stderr
    assert "What to do: " in result.stderr and "log off" in result.stderr
    assert _registered(company) == []


def test_a_wrong_template_is_one_line_and_exit_2(cli: Run) -> None:
    result = cli("company", "check", "--template", "Nope")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["integration-hub: error: no template named 'Nope' (templates: Sandbox)"]
