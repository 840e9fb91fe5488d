"""The SAP password and the Tagrain API key of each template, in the OS keyring.

This is the only module that touches ``keyring``. Secrets never go to the
database, config files, logs or exception text: every value read or written
here is also registered with the log redactor, so that even a careless log
line cannot leak it. When no keyring backend is available the user is told
so; there is never a silent plain-text fallback.
"""

from __future__ import annotations

import getpass
import os
import shlex
import sys

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from app.redaction import register_secret
from app.secret_kinds import MAIL_OWNER, SecretKind

__all__ = ["MAIL_OWNER", "SecretKind", "SecretMissing", "SecretsUnavailable"]

SERVICE = "Tagrain Integration Hub"
WINDOWS_CREDENTIAL_LIMIT = 1280


class SecretsUnavailable(Exception):
    """No usable keyring backend on this machine or account; the message says what to do."""


class SecretMissing(Exception):
    """A template has no secret of this kind in the keyring of the current account."""


def _username(template_name: str, kind: SecretKind) -> str:
    return f"{template_name}/{kind.value}"


def _backend() -> KeyringBackend:
    backend = keyring.get_keyring()
    if _is_unusable(backend):
        raise SecretsUnavailable(
            "No keyring backend is available to store passwords safely "
            f"(keyring found: {type(backend).__module__}.{type(backend).__name__}). "
            "On Windows the Credential Manager is used; on Linux install and unlock a "
            "Secret Service (GNOME Keyring or KWallet), or set PYTHON_KEYRING_BACKEND."
        )
    return backend


def _is_unusable(backend: KeyringBackend) -> bool:
    from keyring.backends import chainer, fail

    if isinstance(backend, fail.Keyring):
        return True
    if isinstance(backend, chainer.ChainerBackend):
        return not backend.backends
    return False


NO_KEYRING = "Passwords and API keys cannot be kept on this machine: it has no usable keyring."


def keyring_advice(platform: str | None = None) -> str:
    """What to install or unlock so that this machine can keep secrets, in plain words."""
    platform = platform or sys.platform
    if platform == "win32":
        return (
            "Windows keeps them in the Credential Manager, which every Windows account has; "
            "sign in to Windows with your own account (not a temporary profile) and start "
            "the client again."
        )
    if platform == "darwin":
        return "macOS keeps them in the login Keychain; unlock it and start the client again."
    return (
        "Install and unlock a Secret Service, such as GNOME Keyring (package gnome-keyring) "
        "or KWallet, log in to the desktop again and start the client again "
        "(docs/admin-guide.md: Secrets; A Linux server)."
    )


def backend_name() -> str:
    """The keyring backend in use, for the about box and `integration-hub service` output."""
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


_BACKEND_LABELS = {
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.SecretService.Keyring": "Secret Service",
    "keyring.backends.libsecret.Keyring": "Secret Service (libsecret)",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
}


def backend_description() -> str:
    """The keyring in words, e.g. "Windows Credential Manager (keyring.backends...)"."""
    name = backend_name()
    label = _BACKEND_LABELS.get(name)
    return f"{label} ({name})" if label else f"keyring {name}"


def account_name() -> str:
    """The OS account whose keyring this process reads: ``DOMAIN\\user`` on Windows.

    Windows Credential Manager, the Secret Service and the Keychain are per
    user: a service reads the secrets of the account it runs as, not those
    of the desktop user who typed them in.
    """
    user = getpass.getuser()
    domain = os.environ.get("USERDOMAIN") if sys.platform == "win32" else None
    return f"{domain}\\{user}" if domain else user


KEYRING_SESSION_ENV = "INTEGRATION_HUB_KEYRING_SESSION"
"""Set by packaging/linux/secret-service-session: the wrapper that gives a headless
server its Secret Service, so the fix we print runs through it too."""


def _program() -> str:
    return sys.executable if getattr(sys, "frozen", False) else "integration-hub"


def store_command(template_name: str, kind: SecretKind) -> str:
    """The command that stores this secret as the current account (what a message tells IT)."""
    if kind is SecretKind.SMTP_PASSWORD:
        args = [_program(), "secrets", "set", "--kind", kind.value]
    else:
        args = [_program(), "secrets", "set", "--template", template_name, "--kind", kind.value]
    account = account_name()
    if sys.platform == "win32":
        inner = " ".join(f'\\"{arg}\\"' if " " in arg else arg for arg in args)
        return f'runas /user:{account} "{inner}"'
    session = os.environ.get(KEYRING_SESSION_ENV)
    if session:
        args = ["dbus-run-session", "--", session, *args]
    return f"sudo -u {shlex.quote(account)} {shlex.join(args)}"


def missing_message(template_name: str, kind: SecretKind) -> str:
    """Which secret is missing, in whose keyring, and the command that stores it there."""
    return (
        f"No {kind.value.replace('-', ' ')} is stored for template {template_name!r} "
        f"in the {backend_description()} of account {account_name()}. Enter it in "
        "Integration Hub → Connections while logged in as that account, or store it as "
        f"that account: {store_command(template_name, kind)}"
    )


def set_secret(template_name: str, kind: SecretKind, value: str) -> None:
    """Store a template's secret; an empty value deletes it."""
    if not value:
        delete_secret(template_name, kind)
        return
    # CredWrite takes at most 2,560 bytes of UTF-16 (keyring issues #355, #540).
    length = len(value.encode("utf-16-le")) // 2
    if length > WINDOWS_CREDENTIAL_LIMIT:
        raise ValueError(
            f"The {kind.value.replace('-', ' ')} is {length} characters long; the Windows "
            f"Credential Manager holds at most {WINDOWS_CREDENTIAL_LIMIT}."
        )
    register_secret(value)
    try:
        _backend().set_password(SERVICE, _username(template_name, kind), value)
    except keyring.errors.KeyringError as exc:
        raise SecretsUnavailable(f"The keyring refused to store the secret: {exc}") from None


def get_secret(template_name: str, kind: SecretKind) -> str | None:
    """A template's secret, or None when it was never stored."""
    try:
        value = _backend().get_password(SERVICE, _username(template_name, kind))
    except keyring.errors.KeyringError as exc:
        raise SecretsUnavailable(f"The keyring could not be read: {exc}") from None
    if value:
        register_secret(value)
    return value or None


def require_secret(template_name: str, kind: SecretKind) -> str:
    """A template's secret; SecretMissing names the template, the secret and the backend."""
    value = get_secret(template_name, kind)
    if value is None:
        raise SecretMissing(missing_message(template_name, kind))
    return value


def delete_secret(template_name: str, kind: SecretKind) -> None:
    """Forget a template's secret (no error when there is none)."""
    try:
        _backend().delete_password(SERVICE, _username(template_name, kind))
    except keyring.errors.PasswordDeleteError:
        return
    except keyring.errors.KeyringError as exc:
        raise SecretsUnavailable(f"The keyring could not delete the secret: {exc}") from None


def rename_template_secrets(old_name: str, new_name: str) -> None:
    """Move both secrets when a template is renamed."""
    for kind in SecretKind:
        value = get_secret(old_name, kind)
        if value is not None:
            set_secret(new_name, kind, value)
            delete_secret(old_name, kind)
