"""The integration-hub command as a user types it: real processes, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__


def run_cli(
    *args: str, home: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("integration-hub")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
    environment = {
        **os.environ,
        "INTEGRATION_HUB_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **(env or {}),
    }
    environment.pop("INTEGRATION_HUB_DATABASE_URL", None) if not env else None
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=environment, timeout=60
    )


def test_version(isolated_home: Path) -> None:
    result = run_cli("--version", home=isolated_home)
    assert result.returncode == 0
    assert result.stdout.strip() == f"integration-hub {__version__}"


def test_help_lists_every_command(isolated_home: Path) -> None:
    result = run_cli("--help", home=isolated_home)
    assert result.returncode == 0
    for command in ("gui", "sandbox", "sync", "service", "db", "reconcile", "schedule", "mark"):
        assert command in result.stdout


HEAVY = ("sqlalchemy", "requests", "PySide6", "keyring", "apscheduler", "app.sync", "app.store")


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_none_of_the_heavy_packages(isolated_home: Path, flag: str) -> None:
    environment = {**os.environ, "INTEGRATION_HUB_HOME": str(isolated_home)}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "app.cli", flag],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert result.returncode == 0
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "app.cli.parser" in imported
    heavy = sorted(name for name in imported if name.split(".")[0] in HEAVY or name in HEAVY)
    heavy += sorted(n for n in imported if n.startswith(("app.sync.", "app.store.")))
    assert heavy == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["teleport"], "invalid choice: 'teleport'"),
        (["db"], "the following arguments are required: ACTION"),
        (["--database", "nonsense", "status"], "invalid database URL 'nonsense'"),
        (["--database", "oracle9://x/y", "status"], "no SQLAlchemy dialect"),
        (["reconcile", "--from", "2026-13-01", "--to", "2026-12-31"], "is not a date"),
        (["reconcile", "--from", "2026-01-02"], "the following arguments are required: --to"),
        (["reconcile", "--from", "2026-01-02", "--to", "2026-01-01"], "is before --from"),
    ],
)
def test_bad_input_is_one_clear_line(isolated_home: Path, args: list[str], expected: str) -> None:
    result = run_cli(*args, home=isolated_home)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("integration-hub: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_driver_is_one_line_without_the_password(isolated_home: Path) -> None:
    result = run_cli(
        "--database",
        "postgresql+pg8000://hub:Hunter2Secret@127.0.0.1:1/hub",
        "status",
        home=isolated_home,
    )
    assert result.returncode != 0
    assert "pg8000" in result.stderr
    assert "Hunter2Secret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_a_database_that_cannot_be_reached_is_one_line_and_the_log_keeps_it(
    isolated_home: Path,
) -> None:
    result = run_cli(
        "--database", "postgresql+psycopg://hub@127.0.0.1:1/hub", "status", home=isolated_home
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("integration-hub: error: cannot open the database")
    log = next((isolated_home / "logs").glob("*.log")).read_text()
    assert "cannot open the database" in log


def test_db_upgrade_creates_the_store_in_the_data_folder(isolated_home: Path) -> None:
    result = run_cli("db", "upgrade", home=isolated_home)
    assert result.returncode == 0, result.stderr
    assert "latest schema" in result.stdout
    assert (isolated_home / "data" / "integration-hub.sqlite3").is_file()
    current = run_cli("db", "current", home=isolated_home)
    assert "(latest)" in current.stdout


def test_database_option_and_environment(isolated_home: Path, tmp_path: Path) -> None:
    by_option = tmp_path / "option.sqlite3"
    result = run_cli("--database", f"sqlite:///{by_option}", "db", "upgrade", home=isolated_home)
    assert result.returncode == 0, result.stderr
    assert by_option.is_file()
    by_env = tmp_path / "env.sqlite3"
    result = run_cli(
        "db",
        "upgrade",
        home=isolated_home,
        env={"INTEGRATION_HUB_DATABASE_URL": f"sqlite:///{by_env}"},
    )
    assert result.returncode == 0, result.stderr
    assert by_env.is_file()


def test_status_says_where_data_and_logs_live(isolated_home: Path) -> None:
    result = run_cli("status", home=isolated_home)
    assert result.returncode == 0, result.stderr
    assert f"data folder: {isolated_home / 'data'}" in result.stdout
    assert f"log file: {isolated_home / 'logs' / 'integration-hub.log'}" in result.stdout
    assert (isolated_home / "logs" / "integration-hub.log").is_file()


def test_sandbox_command_serves_both_systems_and_stops_on_sigterm(isolated_home: Path) -> None:
    import re
    import signal

    import requests

    script = Path(sys.executable).with_name("integration-hub")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
    environment = {
        **os.environ,
        "INTEGRATION_HUB_HOME": str(isolated_home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    process = subprocess.Popen(
        [*command, "sandbox", "--sap-port", "0", "--tagrain-port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        output = "".join(lines)
        sap = re.search(r"Service Layer: (http://127\.0\.0\.1:\d+/b1s/v2/)", output)
        tagrain = re.search(r"Tagrain API: (http://127\.0\.0\.1:\d+/api/v1)", output)
        assert sap and tagrain, output + process.stderr.read() if process.stderr else output
        assert "no usable keyring: `integration-hub sync` cannot log in" in output
        login = requests.post(
            sap.group(1) + "Login",
            json={"CompanyDB": "SBODEMOUS", "UserName": "manager", "Password": "manager"},
            timeout=10,
        )
        assert login.status_code == 200
        stores = requests.get(
            tagrain.group(1) + "/stores",
            headers={"Authorization": "Bearer tg_sandbox_0123456789abcdef"},
            timeout=10,
        )
        assert stores.status_code == 200 and len(stores.json()["data"]) == 4
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        process.kill()
        process.wait(timeout=10)
    status = run_cli("status", home=isolated_home)
    assert "Sandbox: SAP http://127.0.0.1:" in status.stdout


def test_summary_prints_and_writes_csv(isolated_home: Path, tmp_path: Path) -> None:
    target = tmp_path / "summary.csv"
    result = run_cli("summary", "--date", "2026-11-27", "--csv", str(target), home=isolated_home)
    assert result.returncode == 0, result.stderr
    assert "Integration Hub summary for 2026-11-27" in result.stdout
    assert target.read_text().startswith("template,object,runs,succeeded,retried,failed,waiting")
    bad = run_cli("summary", "--date", "27/11/2026", home=isolated_home)
    assert bad.returncode == 2
    assert "is not a date like 2026-11-27" in bad.stderr
