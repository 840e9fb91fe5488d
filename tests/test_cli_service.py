"""``integration-hub service install|remove|start|stop|status``: Windows only, checked here.

The pywin32 calls themselves need Windows (not run in this project's CI);
what is tested here is what every OS does: the one-line refusal elsewhere,
the account and password rules, and the command line the service is
registered with.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

import pytest

from app.cli import UsageError, main
from app.cli.parser import build_parser
from app.cli.service import WINDOWS_ONLY, check_account, read_password, service_command
from app.scheduling.service import ServiceOptions


@pytest.mark.skipif(sys.platform == "win32", reason="the refusal is for other systems")
@pytest.mark.parametrize(
    "argv",
    [
        ["service", "install", "--account", "HUB\\svc-hub", "--password-prompt"],
        ["service", "remove"],
        ["service", "start"],
        ["service", "stop"],
        ["service", "status"],
        ["service", "--windows-service-host"],
    ],
)
def test_windows_actions_elsewhere_are_one_line_and_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [f"integration-hub: error: {WINDOWS_ONLY}"]
    assert captured.out == ""


def test_service_without_action_still_parses_as_the_foreground_scheduler() -> None:
    args = build_parser().parse_args(["service", "--poll", "0.2", "--grace", "7200"])
    assert args.command == "service"
    assert args.service_action is None
    assert not args.windows_service_host
    assert (args.poll, args.grace) == (0.2, 7200.0)


@pytest.mark.parametrize("account", ["LocalSystem", "NT AUTHORITY\\SYSTEM", ".\\LocalSystem"])
def test_local_system_is_refused_because_it_cannot_read_the_secrets(account: str) -> None:
    with pytest.raises(UsageError, match="must not run as LocalSystem: Windows Credential"):
        check_account(account)


def test_account_needs_a_domain_or_dot() -> None:
    with pytest.raises(UsageError, match=r"write the account as DOMAIN\\svc-hub"):
        check_account("svc-hub")
    assert check_account(" HUB\\svc-hub ") == "HUB\\svc-hub"
    assert check_account(".\\svc-hub") == ".\\svc-hub"


def _install_args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["service", "install", "--account", *argv])


def test_password_from_environment_is_taken_and_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_SVC_PASSWORD", "s3rvice!")
    args = _install_args("HUB\\svc-hub", "--password-env", "HUB_SVC_PASSWORD")
    assert read_password(args, "HUB\\svc-hub") == "s3rvice!"
    import os

    assert "HUB_SVC_PASSWORD" not in os.environ


def test_only_a_group_managed_account_goes_without_password() -> None:
    assert read_password(_install_args("HUB\\svc-hub$"), "HUB\\svc-hub$") is None
    with pytest.raises(UsageError, match="needs its password: add --password-prompt"):
        read_password(_install_args("HUB\\svc-hub"), "HUB\\svc-hub")


def test_registered_command_line_names_the_store_and_the_host_flag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("INTEGRATION_HUB_DATABASE_URL", raising=False)
    url = "postgresql+psycopg://hub@dbserver/integration_hub"
    args = build_parser().parse_args(
        ["--database", url, "service", "install", "--account", "HUB\\svc-hub$"]
    )
    options = ServiceOptions(
        poll_seconds=15, owner_ttl=timedelta(seconds=60), misfire_grace=timedelta(minutes=15)
    )
    command = service_command(args, options)
    assert command[:3] == [sys.executable, "-m", "app.cli"]
    assert command[3:] == [
        "--database",
        url,
        "service",
        "--poll",
        "15",
        "--owner-ttl",
        "60",
        "--grace",
        "900",
        "--windows-service-host",
    ]
    reparsed = build_parser().parse_args(command[3:])
    assert reparsed.windows_service_host and reparsed.service_action is None


def test_a_database_password_never_goes_into_the_service_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTEGRATION_HUB_DATABASE_URL", "postgresql+psycopg://hub:pw@db/hub")
    args = build_parser().parse_args(["service", "install", "--account", "HUB\\svc-hub$"])
    with pytest.raises(UsageError, match="holds a password"):
        service_command(args, ServiceOptions())
