"""Where the sync gets a template's SAP password and Tagrain API key.

The engine asks a ``CredentialsProvider`` by template name and never knows
where the answer comes from. The process-wide provider is the keyring
(``KeyringCredentials``, through ``app.secrets``) with any providers that
the process registered chained in front of it: the code that starts the
loopback sandbox registers a ``StaticCredentials`` answering for its own
template, so that the sandbox's credentials reach the engine without the
product knowing them.

    provider = credentials.current()          # registered providers, then the keyring
    provider.sap_password("Main") -> str | None
    credentials.require_sap_password("Main")  # raises secrets.SecretMissing
    token = credentials.register(StaticCredentials({"Sandbox": Credentials(pw, key)}))
    credentials.unregister(token)

Every value a provider hands out is registered with the log redactor.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from app import secrets
from app.redaction import register_secret


class CredentialsProvider(Protocol):
    """Answers a template's secrets by its name; None when it does not know them."""

    def sap_password(self, template_name: str) -> str | None:
        """The template's Service Layer password, or None."""
        ...

    def tagrain_api_key(self, template_name: str) -> str | None:
        """The template's Tagrain API key, or None."""
        ...


class KeyringCredentials:
    """The secrets a user stored in the OS keyring (raises ``SecretsUnavailable``)."""

    def sap_password(self, template_name: str) -> str | None:
        """The password stored for the template."""
        return secrets.get_secret(template_name, secrets.SecretKind.SAP_PASSWORD)

    def tagrain_api_key(self, template_name: str) -> str | None:
        """The API key stored for the template."""
        return secrets.get_secret(template_name, secrets.SecretKind.TAGRAIN_API_KEY)


@dataclass(frozen=True)
class Credentials:
    """Both secrets of one template."""

    sap_password: str = field(repr=False)
    tagrain_api_key: str = field(repr=False)


class StaticCredentials:
    """Fixed secrets for named templates, e.g. those a locally started sandbox accepts."""

    def __init__(self, by_template: Mapping[str, Credentials]) -> None:
        self._by_template = dict(by_template)
        for pair in self._by_template.values():
            register_secret(pair.sap_password)
            register_secret(pair.tagrain_api_key)

    def __repr__(self) -> str:
        return f"StaticCredentials(templates={sorted(self._by_template)!r})"

    def templates(self) -> frozenset[str]:
        """The template names this provider answers for."""
        return frozenset(self._by_template)

    def sap_password(self, template_name: str) -> str | None:
        """The password given for the template, if any."""
        pair = self._by_template.get(template_name)
        return pair.sap_password if pair else None

    def tagrain_api_key(self, template_name: str) -> str | None:
        """The API key given for the template, if any."""
        pair = self._by_template.get(template_name)
        return pair.tagrain_api_key if pair else None


class ChainedCredentials:
    """Asks each provider in turn; the first answer wins."""

    def __init__(self, *providers: CredentialsProvider) -> None:
        self.providers = providers

    def sap_password(self, template_name: str) -> str | None:
        """The first provider's password for the template."""
        for provider in self.providers:
            value = provider.sap_password(template_name)
            if value is not None:
                return value
        return None

    def tagrain_api_key(self, template_name: str) -> str | None:
        """The first provider's API key for the template."""
        for provider in self.providers:
            value = provider.tagrain_api_key(template_name)
            if value is not None:
                return value
        return None


class Registration:
    """The handle ``register`` returns; pass it to ``unregister``."""

    def __init__(self, key: str, provider: CredentialsProvider) -> None:
        self.key = key
        self.provider = provider


_KEYRING = KeyringCredentials()
_registered: dict[str, CredentialsProvider] = {}
_lock = threading.Lock()


def register(provider: CredentialsProvider, key: str | None = None) -> Registration:
    """Put a provider in front of the keyring for this process.

    A later registration under the same ``key`` replaces the earlier one
    (a restarted sandbox hands over its credentials again); the most recent
    registration is asked first.
    """
    name = key or f"provider-{id(provider)}"
    with _lock:
        _registered.pop(name, None)
        _registered[name] = provider
    return Registration(name, provider)


def unregister(registration: Registration) -> None:
    """Withdraw a registered provider (no error when it is already gone)."""
    with _lock:
        if _registered.get(registration.key) is registration.provider:
            del _registered[registration.key]


def reset() -> None:
    """Withdraw every registered provider: the keyring alone answers again."""
    with _lock:
        _registered.clear()


def registrations() -> tuple[Registration, ...]:
    """Every registration in force, oldest first (``register`` them again to restore)."""
    with _lock:
        return tuple(Registration(key, provider) for key, provider in _registered.items())


def registered() -> tuple[CredentialsProvider, ...]:
    """The registered providers, most recent first (the keyring not included)."""
    with _lock:
        return tuple(reversed(_registered.values()))


def current() -> CredentialsProvider:
    """The registered providers, most recent first, then the keyring."""
    return ChainedCredentials(*registered(), _KEYRING)


def handed_over(template_name: str) -> bool:
    """Whether a registered provider (not the keyring) answers for the template."""
    return any(
        p.sap_password(template_name) is not None or p.tagrain_api_key(template_name) is not None
        for p in registered()
    )


def require_sap_password(template_name: str, provider: CredentialsProvider | None = None) -> str:
    """The template's SAP password; ``SecretMissing`` says where it should be stored."""
    value = (provider or current()).sap_password(template_name)
    if value is None:
        raise secrets.SecretMissing(
            secrets.missing_message(template_name, secrets.SecretKind.SAP_PASSWORD)
        )
    return value


def require_tagrain_api_key(template_name: str, provider: CredentialsProvider | None = None) -> str:
    """The template's Tagrain API key; ``SecretMissing`` says where it should be stored."""
    value = (provider or current()).tagrain_api_key(template_name)
    if value is None:
        raise secrets.SecretMissing(
            secrets.missing_message(template_name, secrets.SecretKind.TAGRAIN_API_KEY)
        )
    return value
