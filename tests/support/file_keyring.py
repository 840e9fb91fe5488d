"""A keyring backend in one JSON file, so that a test's or a bench's child processes share it.

The product reads secrets from the keyring only. A child process started by a
test (``integration-hub sync``, ``integration-hub service``) gets the
sandbox's credentials the way a user's machine would have them: stored in
its keyring, here a file chosen through the environment that
``sandbox_keyring`` returns.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

FILE_ENV = "INTEGRATION_HUB_TEST_KEYRING_FILE"
BACKEND = "tests.support.file_keyring.FileKeyring"
ROOT = Path(__file__).resolve().parents[2]


class FileKeyring(KeyringBackend):
    """Passwords in a JSON file (``$INTEGRATION_HUB_TEST_KEYRING_FILE`` unless given)."""

    _lock = threading.Lock()

    @properties.classproperty
    def priority(cls) -> float:
        """Viable only where the environment names the file (keyring never picks it itself)."""
        if FILE_ENV not in os.environ:
            raise RuntimeError(f"{FILE_ENV} is not set")
        return 0.5

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self._path = path

    @property
    def path(self) -> Path:
        """The file: the one given, else the environment's."""
        return self._path or Path(os.environ[FILE_ENV])

    def _read(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data

    def _write(self, data: dict[str, str]) -> None:
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(json.dumps(data), encoding="utf-8")
        scratch.replace(self.path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            data = self._read()
            data[f"{service}\n{username}"] = password
            self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            data = self._read()
            if data.pop(f"{service}\n{username}", None) is None:
                raise PasswordDeleteError(username)
            self._write(data)


def environment(path: Path) -> dict[str, str]:
    """The variables that make a child process use the file keyring at ``path``."""
    return {
        "PYTHON_KEYRING_BACKEND": BACKEND,
        FILE_ENV: str(path),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


def sandbox_keyring(path: Path) -> dict[str, str]:
    """A file keyring holding the Sandbox template's credentials, as ``integration-hub
    sandbox`` stores them; returns the environment that makes a child process use it."""
    from app.sandbox.template import store_credentials

    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring(path))
    try:
        store_credentials()
    finally:
        keyring.set_keyring(previous)
    return environment(path)
