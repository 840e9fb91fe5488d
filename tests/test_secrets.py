"""Secrets live in the keyring only: never in the store, the logs or error text."""

from __future__ import annotations

import logging
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from app import logsetup, secrets
from app.secrets import SecretKind, SecretMissing, SecretsUnavailable
from app.store import Database, Template
from tests.support.memory_keyring import MemoryKeyring

KNOWN_SECRET = "Pa55-w0rd-Known-To-The-Test-7731"


def test_secret_round_trip_through_the_keyring_api(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret("Main", SecretKind.SAP_PASSWORD, KNOWN_SECRET)
    assert secrets.get_secret("Main", SecretKind.SAP_PASSWORD) == KNOWN_SECRET
    assert secrets.get_secret("Main", SecretKind.TAGRAIN_API_KEY) is None
    assert (secrets.SERVICE, "Main/sap-password") in memory_keyring.passwords
    secrets.delete_secret("Main", SecretKind.SAP_PASSWORD)
    assert secrets.get_secret("Main", SecretKind.SAP_PASSWORD) is None
    secrets.delete_secret("Main", SecretKind.SAP_PASSWORD)


def test_empty_value_deletes() -> None:
    secrets.set_secret("Main", SecretKind.TAGRAIN_API_KEY, "tg_live_key_123")
    secrets.set_secret("Main", SecretKind.TAGRAIN_API_KEY, "")
    assert secrets.get_secret("Main", SecretKind.TAGRAIN_API_KEY) is None


def test_renaming_a_template_moves_its_secrets() -> None:
    secrets.set_secret("Old", SecretKind.SAP_PASSWORD, KNOWN_SECRET)
    secrets.rename_template_secrets("Old", "New")
    assert secrets.get_secret("New", SecretKind.SAP_PASSWORD) == KNOWN_SECRET
    assert secrets.get_secret("Old", SecretKind.SAP_PASSWORD) is None


def test_missing_secret_names_template_account_and_backend() -> None:
    with pytest.raises(SecretMissing) as caught:
        secrets.require_secret("Store West", SecretKind.TAGRAIN_API_KEY)
    message = str(caught.value)
    assert "tagrain api key" in message
    assert "'Store West'" in message
    assert "MemoryKeyring" in message


def test_no_keyring_backend_is_a_clear_error_not_a_plain_text_fallback() -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(SecretsUnavailable, match="No keyring backend is available"):
        secrets.set_secret("Main", SecretKind.SAP_PASSWORD, KNOWN_SECRET)
    with pytest.raises(SecretsUnavailable, match="No keyring backend is available"):
        secrets.get_secret("Main", SecretKind.SAP_PASSWORD)


def test_a_key_too_long_for_windows_credential_manager_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="Credential Manager holds at most 1280"):
        secrets.set_secret("Main", SecretKind.TAGRAIN_API_KEY, "k" * 1281)
    assert secrets.get_secret("Main", SecretKind.TAGRAIN_API_KEY) is None
    secrets.set_secret("Main", SecretKind.TAGRAIN_API_KEY, "k" * 1280)
    with pytest.raises(ValueError, match="is 1281 characters long; the Windows Credential"):
        secrets.set_secret("Main", SecretKind.SAP_PASSWORD, "p" * 1279 + "\U0001f511")


def test_known_secret_leaves_no_trace_in_database_or_log(
    database: Database, database_file: Path
) -> None:
    log_path = logsetup.configure(logging.DEBUG, console=False)
    with database.session() as session:
        session.add(Template(name="Main", sap_user="manager", sap_company_db="SBODEMOUS"))
    secrets.set_secret("Main", SecretKind.SAP_PASSWORD, KNOWN_SECRET)

    password = secrets.require_secret("Main", SecretKind.SAP_PASSWORD)
    log = logging.getLogger("app.test")
    log.info("logging in as manager with %s", password)
    log.debug(f"careless f-string with {password}")
    try:
        raise RuntimeError(f"login refused for password {password}")
    except RuntimeError:
        log.exception("login failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    database.dispose()

    needle = KNOWN_SECRET.encode()
    for path in [database_file, *database_file.parent.glob("store.sqlite3*"), log_path]:
        assert needle not in path.read_bytes(), path
        assert KNOWN_SECRET.encode("utf-16-le") not in path.read_bytes(), path
    text = log_path.read_text()
    assert "login failed" in text
    assert "RuntimeError: login refused for password ***" in text


def test_missing_message_tells_how_to_store_it_as_this_account_on_linux(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import getpass

    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv(secrets.KEYRING_SESSION_ENV, "/opt/integration-hub/secret-service-session")
    message = secrets.missing_message("Store West", SecretKind.SAP_PASSWORD)
    assert f"of account {getpass.getuser()}." in message
    assert message.endswith(
        f"sudo -u {getpass.getuser()} dbus-run-session -- "
        "/opt/integration-hub/secret-service-session integration-hub secrets set "
        "--template 'Store West' --kind sap-password"
    )


def test_missing_message_names_the_domain_account_and_runas_on_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import getpass

    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("USERDOMAIN", "HUB")
    message = secrets.missing_message("Store West", SecretKind.TAGRAIN_API_KEY)
    account = f"HUB\\{getpass.getuser()}"
    assert secrets.account_name() == account
    assert f"of account {account}." in message
    assert message.endswith(
        f'runas /user:{account} "integration-hub secrets set --template \\"Store West\\" '
        '--kind tagrain-api-key"'
    )
