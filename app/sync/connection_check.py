"""Test connection: log in to SAP or call Tagrain with a template's settings, in plain words.

The answer is for a user looking at the Connections form: success with what
was reached, or the one reason it failed (wrong password, unreachable
server, untrusted certificate, timeout, missing secret), never a traceback.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import requests

from app import secrets
from app.connectors.sapb1 import AuthenticationError, ServiceLayerClient, ServiceLayerError
from app.connectors.tagrain.client import TagrainClient
from app.connectors.tagrain.errors import TagrainAuthError, TagrainError
from app.store import Database
from app.sync.context import TemplateRules, sap_settings, tagrain_settings
from app.sync.jobs.errors import is_unreachable


@dataclass(frozen=True)
class CheckResult:
    """Whether the connection works, and the sentence to show."""

    ok: bool
    message: str


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend((current.__cause__, current.__context__))
        todo.extend(a for a in current.args if isinstance(a, BaseException))
    return seen


def _network_reason(exc: BaseException, what: str, url: str) -> str | None:
    chain = _chain(exc)
    text = " ".join(str(e) for e in chain)
    if any(isinstance(e, (requests.exceptions.SSLError, ssl.SSLError)) for e in chain) or (
        "CERTIFICATE_VERIFY_FAILED" in text
    ):
        return (
            f"The certificate of {what} at {url} is not trusted. Choose its CA file in "
            "Connections (Service Layer uses a self-signed certificate by default)."
        )
    if "NameResolutionError" in text or "Name or service not known" in text:
        return f"The server name of {what} ({url}) cannot be found. Check the URL."
    if is_unreachable(exc) or any(
        isinstance(e, requests.exceptions.ConnectionError) for e in chain
    ):
        return f"Cannot reach {what} at {url}: the server does not answer. Check the URL and port."
    if any(isinstance(e, requests.exceptions.Timeout) for e in chain) or "timed out" in text:
        return f"{what} at {url} did not answer in time."
    return None


def check_sap(database: Database, template_id: int) -> CheckResult:
    """Log in to the template's Service Layer and log out again."""
    rules = TemplateRules.load(database, template_id)
    if not rules.sap_url:
        return CheckResult(False, "Enter the Service Layer URL first.")
    try:
        settings = sap_settings(rules, timeout=20.0)
        client = ServiceLayerClient(settings)
        try:
            client.login()
        finally:
            client.close()
    except (secrets.SecretMissing, secrets.SecretsUnavailable) as exc:
        return CheckResult(False, str(exc))
    except AuthenticationError as exc:
        return CheckResult(
            False,
            f"SAP Business One refused user {rules.sap_user!r} for company "
            f"{rules.sap_company_db!r}: {exc.message}",
        )
    except (ServiceLayerError, requests.RequestException, OSError) as exc:
        reason = _network_reason(exc, "the Service Layer", rules.sap_url)
        message = getattr(exc, "message", None) or str(exc)
        return CheckResult(False, reason or f"The Service Layer answered: {message}")
    return CheckResult(
        True,
        f"Connected to SAP Business One company {rules.sap_company_db} as {rules.sap_user}.",
    )


def check_tagrain(database: Database, template_id: int) -> CheckResult:
    """Call Tagrain with the template's API key and list its stores."""
    rules = TemplateRules.load(database, template_id)
    if not rules.tagrain_url:
        return CheckResult(False, "Enter the Tagrain URL first.")
    try:
        with TagrainClient(tagrain_settings(rules)) as client:
            stores = client.list_stores()
    except (secrets.SecretMissing, secrets.SecretsUnavailable) as exc:
        return CheckResult(False, str(exc))
    except TagrainAuthError as exc:
        return CheckResult(False, f"Tagrain refused the API key: {exc.message}")
    except (TagrainError, requests.RequestException, OSError) as exc:
        reason = _network_reason(exc, "Tagrain", rules.tagrain_url)
        message = getattr(exc, "message", None) or str(exc)
        return CheckResult(False, reason or f"Tagrain answered: {message}")
    except ValueError as exc:
        return CheckResult(False, str(exc))
    return CheckResult(True, f"Connected to Tagrain: {len(stores)} stores.")
