"""Everything one sync run needs: the template's rules, both systems, links and marks.

The template is read once into a frozen ``TemplateRules`` so that worker
threads never share ORM objects; the clients are built from the template
and the keyring (the sandbox template uses the sandbox's public demo
credentials, which are not secrets).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from app import credentials
from app.connectors.sapb1 import ServiceLayerClient, ServiceLayerSettings
from app.connectors.sapb1.company import SapCompany
from app.connectors.tagrain.client import TagrainClient
from app.connectors.tagrain.settings import TagrainSettings
from app.store import Database, Link, SyncMark, Template


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
            t = session.get_one(Template, template_id)
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


class LinkBook:
    """Reads and writes links of one template (thread-safe: a session per call)."""

    def __init__(self, database: Database, template_id: int) -> None:
        self.database = database
        self.template_id = template_id

    def by_tagrain(self, object_name: str, tagrain_id: str) -> Link | None:
        """The link of a Tagrain record."""
        with self.database.session() as session:
            return session.scalars(
                select(Link).where(
                    Link.template_id == self.template_id,
                    Link.object == object_name,
                    Link.tagrain_id == tagrain_id,
                )
            ).first()

    def by_sap(self, object_name: str, sap_key: str) -> Link | None:
        """The link of an SAP record."""
        with self.database.session() as session:
            return session.scalars(
                select(Link).where(
                    Link.template_id == self.template_id,
                    Link.object == object_name,
                    Link.sap_key == sap_key,
                )
            ).first()

    def save(
        self,
        object_name: str,
        tagrain_id: str,
        sap_key: str,
        *,
        sap_secondary_key: str | None = None,
        sap_doc_num: str | None = None,
        fingerprint: str | None = None,
    ) -> None:
        """Create or update a link at once (for dependencies synced inside another record)."""
        with self.database.session() as session:
            link = session.scalars(
                select(Link).where(
                    Link.template_id == self.template_id,
                    Link.object == object_name,
                    Link.tagrain_id == tagrain_id,
                )
            ).first()
            if link is None:
                link = Link(
                    template_id=self.template_id,
                    object=object_name,
                    tagrain_id=tagrain_id,
                    sap_key=sap_key,
                )
                session.add(link)
            link.sap_key = sap_key
            link.sap_secondary_key = sap_secondary_key or link.sap_secondary_key
            link.sap_doc_num = sap_doc_num or link.sap_doc_num
            link.fingerprint = fingerprint
            link.synced_at = datetime.now(UTC)

    def marked(self, kind: str) -> list[str]:
        """SAP keys marked "Sync" for this template (kind: customer or item)."""
        with self.database.session() as session:
            return list(
                session.scalars(
                    select(SyncMark.sap_key)
                    .where(SyncMark.template_id == self.template_id, SyncMark.kind == kind)
                    .order_by(SyncMark.sap_key)
                )
            )


class SyncContext:
    """One run's view of a template: rules, links, and lazily opened clients."""

    def __init__(self, database: Database, template_id: int) -> None:
        self.database = database
        self.rules = TemplateRules.load(database, template_id)
        self.links = LinkBook(database, template_id)
        self._sap: SapCompany | None = None
        self._tagrain: TagrainClient | None = None
        self._lock = threading.Lock()

    @property
    def sap(self) -> SapCompany:
        """The SAP company (thread-safe client with a pool of SL sessions)."""
        with self._lock:
            if self._sap is None:
                self._sap = SapCompany(ServiceLayerClient(sap_settings(self.rules)))
            return self._sap

    @property
    def tagrain(self) -> TagrainClient:
        """The Tagrain client."""
        with self._lock:
            if self._tagrain is None:
                self._tagrain = TagrainClient(tagrain_settings(self.rules))
            return self._tagrain

    def close(self) -> None:
        """Log out of SAP and close both clients."""
        with self._lock:
            if self._sap is not None:
                self._sap.close()
                self._sap = None
            if self._tagrain is not None:
                self._tagrain.close()
                self._tagrain = None
