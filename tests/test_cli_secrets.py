"""``integration-hub secrets`` through the real keyring API (an in-memory backend)."""

from __future__ import annotations

import getpass
import io
from pathlib import Path

import pytest

from app import secrets
from app.cli import main
from app.secrets import SecretKind
from app.store import Database, Template
from tests.support.memory_keyring import MemoryKeyring

VALUE = "Svc-Account-Secret-4471"


@pytest.fixture
def url(database: Database, database_file: Path) -> str:
    with database.session() as session:
        session.add(Template(name="Main"))
        session.add(Template(name="Store West"))
        session.add(Template(name="Sandbox", is_sandbox=True))
    return f"sqlite:///{database_file}"


def test_set_from_stdin_then_list_shows_presence_never_values(
    url: str,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(VALUE + "\n"))
    base = ["--database", url, "secrets"]
    assert main([*base, "set", "--template", "Main", "--kind", "sap-password", "--stdin"]) == 0
    assert secrets.get_secret("Main", SecretKind.SAP_PASSWORD) == VALUE
    assert (secrets.SERVICE, "Main/sap-password") in memory_keyring.passwords
    stored = capsys.readouterr().out
    assert "SAP password of 'Main' stored in the keyring tests.support.memory_keyring." in stored
    assert f"of account {getpass.getuser()}" in stored

    assert main(["--database", url, "secrets", "list"]) == 0
    listing = capsys.readouterr().out
    assert f"account {getpass.getuser()}" in listing
    assert "MemoryKeyring" in listing
    assert "  Main: sap-password stored, tagrain-api-key MISSING" in listing
    assert "  Store West: sap-password MISSING, tagrain-api-key MISSING" in listing
    assert (
        "  Sandbox: sap-password MISSING, tagrain-api-key MISSING"
        " (sandbox template: `integration-hub sandbox` stores them)"
    ) in listing
    assert VALUE not in stored + listing

    assert main([*base, "delete", "--template", "Main", "--kind", "sap-password"]) == 0
    assert secrets.get_secret("Main", SecretKind.SAP_PASSWORD) is None


def test_set_prompts_twice_without_echo(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return "tg_live_9f8e7d"

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    argv = ["--database", url, "secrets", "set", "--template", "Store West"]
    assert main([*argv, "--kind", "tagrain-api-key"]) == 0
    assert prompts == ["Tagrain API key of 'Store West': ", "Again, to confirm: "]
    assert secrets.get_secret("Store West", SecretKind.TAGRAIN_API_KEY) == "tg_live_9f8e7d"
    assert "tg_live_9f8e7d" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "stdin", "expected"),
    [
        (["--template", "Nope", "--kind", "sap-password"], "x\n", "no template named 'Nope'"),
        (["--kind", "sap-password"], "x\n", "--template is required for --kind sap-password"),
        (["--template", "Main", "--kind", "sap-password"], "\n", "empty SAP password of 'Main'"),
        (
            ["--template", "Main", "--kind", "tagrain-api-key"],
            "k" * 1281 + "\n",
            "Credential Manager holds at most 1280",
        ),
        (["--template", "Main", "--kind", "smtp-password"], "x\n", "leave out --template"),
    ],
)
def test_bad_input_stores_nothing_and_says_why(
    url: str,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    expected: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(["--database", url, "secrets", "set", *argv, "--stdin"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("integration-hub: error: ")
    assert expected in error
    assert len(error.splitlines()) == 1
    assert memory_keyring.passwords == {}


def test_smtp_password_belongs_to_no_template(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("smtp-pw\n"))
    assert main(["--database", url, "secrets", "set", "--kind", "smtp-password", "--stdin"]) == 0
    assert secrets.get_secret(secrets.MAIL_OWNER, SecretKind.SMTP_PASSWORD) == "smtp-pw"
    capsys.readouterr()
    assert main(["--database", url, "secrets", "list"]) == 0
    assert f"  {secrets.MAIL_OWNER}: smtp-password stored" in capsys.readouterr().out
