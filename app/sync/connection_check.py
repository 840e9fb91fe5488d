"""Test connection: log in to SAP or call Tagrain with a template's settings, in plain words.

The answer is for a user looking at the Connections form: success with what
was reached (and, for SAP, whether the company lacks the add-on's user
fields, with the fix), or the one reason it failed (wrong password, unreachable
server, untrusted certificate, timeout, missing secret), never a traceback.

A ``ConnectionDraft`` tests what is in the form before it is saved: its
fields replace the template's stored ones, and a typed password or API key
is used for this one test (never stored); an empty one means the stored one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import requests

from app import credentials, secrets
from app.connectors.sapb1 import AuthenticationError, ServiceLayerClient, ServiceLayerError
from app.connectors.sapb1.user_fields import survey
from app.connectors.tagrain.client import TagrainClient
from app.connectors.tagrain.errors import TagrainAuthError, TagrainError
from app.store import Database
from app.sync.company_setup import SetupField, fields_message
from app.sync.connection_draft import ConnectionDraft
from app.sync.context import TemplateRules, sap_settings, tagrain_settings
from app.sync.network_words import network_reason


@dataclass(frozen=True)
class CheckResult:
    """Whether the connection works, and the sentence to show."""

    ok: bool
    message: str
    needs_setup: bool = False
    """Connected, but the company lacks the add-on's user fields (offer Company Setup)."""


class _TypedFirst:
    """The secrets typed in the form, else the ones the process's provider answers."""

    def __init__(self, draft: ConnectionDraft) -> None:
        self.draft = draft

    def sap_password(self, template_name: str) -> str | None:
        """The typed password, or the stored one."""
        return self.draft.sap_password or credentials.current().sap_password(template_name)

    def tagrain_api_key(self, template_name: str) -> str | None:
        """The typed API key, or the stored one."""
        return self.draft.tagrain_api_key or credentials.current().tagrain_api_key(template_name)


def _rules(
    database: Database, template_id: int, draft: ConnectionDraft | None
) -> tuple[TemplateRules, credentials.CredentialsProvider | None]:
    """The template's rules with the draft's fields over the stored ones."""
    rules = TemplateRules.load(database, template_id)
    if draft is None:
        return rules, None
    rules = replace(
        rules,
        sap_url=draft.sap_url,
        sap_version=draft.sap_version,
        sap_company_db=draft.sap_company_db,
        sap_user=draft.sap_user,
        sap_verify_tls=draft.sap_verify_tls,
        sap_ca_file=draft.sap_ca_file or None,
        tagrain_url=draft.tagrain_url,
    )
    return rules, _TypedFirst(draft)


def check_sap(
    database: Database, template_id: int, draft: ConnectionDraft | None = None
) -> CheckResult:
    """Log in to the template's Service Layer (as in ``draft`` if given) and log out again."""
    rules, provider = _rules(database, template_id, draft)
    if not rules.sap_url:
        return CheckResult(False, "Enter the Service Layer URL first.")
    try:
        settings = sap_settings(rules, timeout=20.0, provider=provider)
        client = ServiceLayerClient(settings)
        try:
            client.login()
            fields = survey(client)
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
        reason = network_reason(exc, "the Service Layer", rules.sap_url)
        message = getattr(exc, "message", None) or str(exc)
        return CheckResult(False, reason or f"The Service Layer answered: {message}")
    connected = f"Connected to SAP Business One company {rules.sap_company_db} as {rules.sap_user}"
    rows = [SetupField.from_state(s) for s in fields.states]
    problem = fields_message(
        rules.sap_company_db,
        rules.name,
        [r for r in rows if r.status == "Missing"],
        [r for r in rows if r.status == "Different type"],
    )
    if problem:
        return CheckResult(True, f"{connected}, but {problem}.", needs_setup=True)
    return CheckResult(True, f"{connected}.")


def check_tagrain(
    database: Database, template_id: int, draft: ConnectionDraft | None = None
) -> CheckResult:
    """Call Tagrain with the template's API key (as in ``draft`` if given); list its stores."""
    rules, provider = _rules(database, template_id, draft)
    if not rules.tagrain_url:
        return CheckResult(False, "Enter the Tagrain URL first.")
    try:
        with TagrainClient(tagrain_settings(rules, provider=provider)) as client:
            stores = client.list_stores()
    except (secrets.SecretMissing, secrets.SecretsUnavailable) as exc:
        return CheckResult(False, str(exc))
    except TagrainAuthError as exc:
        return CheckResult(False, f"Tagrain refused the API key: {exc.message}")
    except (TagrainError, requests.RequestException, OSError) as exc:
        reason = network_reason(exc, "Tagrain", rules.tagrain_url)
        message = getattr(exc, "message", None) or str(exc)
        return CheckResult(False, reason or f"Tagrain answered: {message}")
    except ValueError as exc:
        return CheckResult(False, str(exc))
    return CheckResult(True, f"Connected to Tagrain: {len(stores)} stores.")
