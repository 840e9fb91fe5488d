"""Everything one sync run needs: the template's rules, both systems, links and marks.

The template is read once into a frozen ``TemplateRules`` so that worker
threads never share ORM objects; the clients are built from the template
and the credentials provider (the keyring, behind whatever the process that
started a sandbox handed over). A preview context builds clients that write
nothing and a binder that keeps links in memory.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from app import credentials
from app.connectors.sapb1 import ServiceLayerClient, ServiceLayerSettings
from app.connectors.sapb1.company import SapCompany
from app.connectors.sapb1.preview import PreviewSapCompany
from app.connectors.tagrain.client import TagrainClient
from app.connectors.tagrain.preview import PreviewTagrainClient
from app.connectors.tagrain.settings import TagrainSettings
from app.store import Database, Template
from app.sync.binder import Binder, PreviewRow, current_work


@dataclass(frozen=True)
class StoreRule:
    """Where a Tagrain store's stock and cash live in SAP."""

    store_id: str
    store_code: str | None
    warehouse: str
    cash_account: str | None
    branch: int | None


@dataclass(frozen=True)
class TenderRule:
    """How one Tagrain tender type is paid in SAP."""

    tender_type: str
    means: str  # cash, credit_card, transfer
    account: str | None
    credit_card: int | None


@dataclass(frozen=True)
class TemplateRules:
    """A template's settings and mappings, read once per run."""

    id: int
    name: str
    is_sandbox: bool
    sap_url: str
    sap_version: str
    sap_company_db: str
    sap_user: str
    sap_verify_tls: bool
    sap_ca_file: str | None
    sap_sessions: int
    tagrain_url: str
    price_list: int | None
    cash_customer: str | None
    payment_terms: int | None
    exempt_tax_code: str
    cash_account: str | None
    currency: str | None
    branch: int | None
    new_customer_group: int | None
    new_customer_prefix: str
    stores: dict[str, StoreRule] = field(default_factory=dict)
    tenders: dict[str, TenderRule] = field(default_factory=dict)
    expenses: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, database: Database, template_id: int) -> TemplateRules:
        """Read the template and its mappings."""
        with database.session() as session:
            return cls.of(session.get_one(Template, template_id))

    @classmethod
    def of(cls, t: Template) -> TemplateRules:
        """The rules of a template row, stored or not yet (a template file being imported)."""
        return cls(
            id=t.id,
            name=t.name,
            is_sandbox=t.is_sandbox,
            sap_url=t.sap_url,
            sap_version=t.sap_version,
            sap_company_db=t.sap_company_db,
            sap_user=t.sap_user,
            sap_verify_tls=t.sap_verify_tls,
            sap_ca_file=t.sap_ca_file,
            sap_sessions=t.sap_sessions,
            tagrain_url=t.tagrain_url,
            price_list=t.default_price_list,
            cash_customer=t.default_cash_customer,
            payment_terms=t.default_payment_terms,
            exempt_tax_code=t.exempt_tax_code or "EX",
            cash_account=t.cash_account,
            currency=t.default_currency,
            branch=t.branch_id,
            new_customer_group=t.new_customer_group,
            new_customer_prefix=t.new_customer_code_prefix or "TG",
            stores={
                m.store_id: StoreRule(
                    m.store_id, m.store_code, m.warehouse_code, m.cash_account, m.branch_id
                )
                for m in t.store_mappings
            },
            tenders={
                m.tender_type: TenderRule(
                    m.tender_type, m.payment_means, m.account_code, m.credit_card_code
                )
                for m in t.tender_mappings
            },
            expenses={m.category: m.account_code for m in t.expense_mappings},
        )


def sap_settings(
    rules: TemplateRules,
    *,
    timeout: float = 60.0,
    provider: credentials.CredentialsProvider | None = None,
) -> ServiceLayerSettings:
    """Service Layer settings of a template; the password from the credentials provider.

    Without ``provider`` the process's own is asked (``app.credentials.current``:
    the keyring, behind whatever the process registered).
    """
    password = credentials.require_sap_password(rules.name, provider)
    return ServiceLayerSettings(
        base_url=rules.sap_url,
        company_db=rules.sap_company_db,
        user=rules.sap_user,
        password=password,
        version=rules.sap_version,
        verify=rules.sap_verify_tls,
        ca_file=rules.sap_ca_file,
        timeout=(5.0, timeout),
        max_sessions=max(1, rules.sap_sessions),
    )


def tagrain_settings(
    rules: TemplateRules, *, provider: credentials.CredentialsProvider | None = None
) -> TagrainSettings:
    """Tagrain settings of a template; the API key from the credentials provider."""
    api_key = credentials.require_tagrain_api_key(rules.name, provider)
    return TagrainSettings(rules.tagrain_url, api_key)


class SyncContext:
    """One run's view of a template: rules, the binder, and lazily opened clients.

    ``preview``: the clients read as usual but answer every write without
    sending it (``PreviewSapCompany``, ``PreviewTagrainClient``), each write
    noted in the record being applied, and the binder keeps links in memory:
    a dry run goes through the same code as a live run and changes nothing.
    """

    def __init__(self, database: Database, template_id: int, *, preview: bool = False) -> None:
        self.database = database
        self.preview = preview
        self.rules = TemplateRules.load(database, template_id)
        self.binder = Binder(database, template_id, self.rules.sap_company_db, preview=preview)
        self._sap: SapCompany | None = None
        self._tagrain: TagrainClient | None = None
        self._lock = threading.Lock()

    @property
    def sap(self) -> SapCompany:
        """The SAP company (thread-safe client with a pool of SL sessions)."""
        with self._lock:
            if self._sap is None:
                client = ServiceLayerClient(sap_settings(self.rules))
                self._sap = (
                    PreviewSapCompany(client, _note_sap_write)
                    if self.preview
                    else SapCompany(client)
                )
            return self._sap

    @property
    def tagrain(self) -> TagrainClient:
        """The Tagrain client."""
        with self._lock:
            if self._tagrain is None:
                settings = tagrain_settings(self.rules)
                self._tagrain = (
                    PreviewTagrainClient(settings, _note_tagrain_write)
                    if self.preview
                    else TagrainClient(settings)
                )
            return self._tagrain

    def close(self) -> None:
        """Close both clients; SAP's sessions are logged out behind the caller.

        A finished run does not wait a round trip for its logouts (the process
        waits for them before it exits).
        """
        with self._lock:
            if self._sap is not None:
                self._sap.close(wait=False)
                self._sap = None
            if self._tagrain is not None:
                self._tagrain.close()
                self._tagrain = None


def _note_sap_write(action: str, what: str, key: str, detail: str) -> None:
    work = current_work()
    if work is not None:
        work.previews.append(PreviewRow("SAP", action, what, key, detail))


def _note_tagrain_write(action: str, collection: str, record_id: str, body: dict[str, Any]) -> None:
    work = current_work()
    if work is not None:
        detail = str(body.get("name") or body.get("code") or body.get("sku") or "")
        if collection == "stores":
            detail = f"inventory snapshot of {len(body.get('items') or [])} SKUs"
        what = collection[:-1].replace("-", " ") if collection.endswith("s") else collection
        work.previews.append(PreviewRow("Tagrain", action, what, record_id, detail))
