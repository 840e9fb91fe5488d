"""The ready-made "Sandbox" template, so a newcomer can sync everything with no setup.

Each start of the embedded sandbox (ports change) updates the template's
URLs and, on the demo company's first start, runs Company Setup (the add-on's
user fields) through the Service Layer; its mappings come from what the
Tagrain sandbox reports (store ids) and the demo company's chart of
accounts; a first set of customers and items is marked for sync, as a user
would in the marking matrices. The demo deliberately leaves one expense
category unmapped, so the monitor shows what a real failure looks like.

The sync core knows nothing of the sandbox: ``ensure_sandbox_template`` hands
the sandbox's credentials to this process's engine (``app.credentials``), and
``store_credentials`` puts them in the keyring for other processes (the
``integration-hub sandbox`` command does, so that ``integration-hub sync`` in
another terminal can log in).
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import credentials, secrets
from app.connectors.tagrain.client import TagrainClient
from app.connectors.tagrain.records import TENDER_TYPES
from app.connectors.tagrain.settings import TagrainSettings
from app.credentials import Credentials, Registration, StaticCredentials
from app.sandbox import demo
from app.store import (
    Database,
    ExpenseMapping,
    StoreMapping,
    SyncMark,
    Template,
    TenderMapping,
    changes,
)
from app.sync.company_setup import CompanySetupError, company_report, set_up_company
from app.sync.leases import this_process

log = logging.getLogger(__name__)

SANDBOX_TEMPLATE = "Sandbox"
MARKED_CUSTOMERS = 20
MARKED_ITEMS = 60

TENDER_PAYMENTS: dict[str, tuple[str, str | None, int | None]] = {
    "cash": ("cash", None, None),
    "card": ("credit_card", None, 1),
    "gift_card": ("transfer", "_SYS00000000130", None),
    "store_credit": ("transfer", "_SYS00000000140", None),
    "other": ("transfer", "_SYS00000000110", None),
}
"""How the demo company takes each Tagrain tender type: payment means, account, credit card."""

CREDENTIALS = Credentials(demo.SAP_PASSWORD, demo.TAGRAIN_API_KEY)
"""What both sandboxes accept (public demo values, the same in every sandbox)."""


def sandbox_credentials(template_name: str = SANDBOX_TEMPLATE) -> StaticCredentials:
    """A provider answering the sandbox's credentials for the named template."""
    return StaticCredentials({template_name: CREDENTIALS})


def hand_over_credentials(template_name: str = SANDBOX_TEMPLATE) -> Registration:
    """Give this process's engine the sandbox's credentials for the template.

    Registered in front of the keyring (``app.credentials``) under one key, so
    that a restarted sandbox replaces rather than stacks its registration.
    """
    return credentials.register(sandbox_credentials(template_name), key=f"sandbox:{template_name}")


def store_credentials(template_name: str = SANDBOX_TEMPLATE) -> None:
    """Put the sandbox's credentials in the keyring, as a user would for a real template.

    For processes that do not start the sandbox themselves; raises
    ``secrets.SecretsUnavailable`` when there is no usable keyring.
    """
    secrets.set_secret(template_name, secrets.SecretKind.SAP_PASSWORD, CREDENTIALS.sap_password)
    secrets.set_secret(
        template_name, secrets.SecretKind.TAGRAIN_API_KEY, CREDENTIALS.tagrain_api_key
    )


def ensure_sandbox_template(
    database: Database,
    sap_url: str,
    tagrain_url: str,
    sap_ca_file: str | None = None,
    *,
    multi_branch: bool = False,
) -> int:
    """Create or refresh the Sandbox template for sandboxes at these URLs; returns its id.

    ``multi_branch``: the SAP sandbox is a multi-branch company, so each store
    is mapped to its demo branch (``demo.STORE_BRANCHES``) as well.

    Over HTTPS the sandbox's self-signed certificate is trusted through its CA
    file, exactly as a user would configure a real Service Layer. The
    sandbox's credentials for the template are handed to this process's
    engine (``hand_over_credentials``). A demo company without the add-on's
    user fields (its first start) gets them through the product's Company
    Setup, over the Service Layer, as a real company would; when that fails
    (a Service Layer over HTTPS without its CA file, injected faults) the
    reason is logged and the client's Company Setup can do it later.
    """
    template_id = _write_template(database, sap_url, tagrain_url, sap_ca_file, multi_branch)
    try:
        if not company_report(database, template_id).complete:
            set_up_company(database, template_id)
    except CompanySetupError as exc:
        log.warning(
            "the demo company could not be set up (%s); Company Setup in the client or "
            "`integration-hub company setup --template %s` does it",
            exc,
            SANDBOX_TEMPLATE,
        )
    return template_id


def _write_template(
    database: Database,
    sap_url: str,
    tagrain_url: str,
    sap_ca_file: str | None,
    multi_branch: bool,
) -> int:
    hand_over_credentials(SANDBOX_TEMPLATE)
    with TagrainClient(TagrainSettings(tagrain_url, CREDENTIALS.tagrain_api_key)) as tagrain:
        stores = tagrain.list_stores()
    by_code = {store.code: store for store in demo.STORES}
    with database.session() as session:
        template = session.scalars(
            select(Template).where(Template.name == SANDBOX_TEMPLATE)
        ).first()
        created = template is None
        if template is None:
            template = Template(name=SANDBOX_TEMPLATE, is_sandbox=True)
            session.add(template)
        template.is_sandbox = True
        template.sap_url = sap_url
        template.sap_version = "v2"
        template.sap_company_db = demo.COMPANY_DB
        template.sap_user = demo.SAP_USER
        template.sap_verify_tls = True
        template.sap_ca_file = sap_ca_file
        template.tagrain_url = tagrain_url
        template.default_price_list = template.default_price_list or demo.PRICE_LISTS[0][0]
        template.default_cash_customer = template.default_cash_customer or demo.WALK_IN_CUSTOMER
        template.exempt_tax_code = template.exempt_tax_code or demo.TAX_CODE
        template.cash_account = template.cash_account or demo.STORES[0].cash_account
        template.default_currency = template.default_currency or demo.CURRENCY
        template.new_customer_group = template.new_customer_group or demo.CUSTOMER_GROUPS[0].code
        template.new_customer_code_prefix = template.new_customer_code_prefix or "TG"

        mapped_stores = {m.store_id for m in template.store_mappings}
        if multi_branch:
            for mapping in template.store_mappings:
                if mapping.branch_id is None and mapping.store_code in demo.STORE_BRANCHES:
                    mapping.branch_id = demo.STORE_BRANCHES[mapping.store_code]
        for store in stores:
            known = by_code.get(store.code)
            if known is None or store.id in mapped_stores:
                continue
            template.store_mappings.append(
                StoreMapping(
                    store_id=store.id,
                    store_code=store.code,
                    warehouse_code=known.warehouse,
                    cash_account=known.cash_account,
                    branch_id=demo.STORE_BRANCHES.get(store.code) if multi_branch else None,
                )
            )
        mapped_tenders = {m.tender_type for m in template.tender_mappings}
        for tender, _label in TENDER_TYPES:
            means, account, card = TENDER_PAYMENTS[tender]
            if tender not in mapped_tenders:
                template.tender_mappings.append(
                    TenderMapping(
                        tender_type=tender,
                        payment_means=means,
                        account_code=account,
                        credit_card_code=card,
                    )
                )
        mapped_categories = {m.category for m in template.expense_mappings}
        for category, account in demo.EXPENSE_CATEGORIES:
            if category not in mapped_categories:
                template.expense_mappings.append(
                    ExpenseMapping(category=category, account_code=account)
                )
        session.flush()
        if created:
            _mark_demo_records(session, template.id)
            changes.bump(session, changes.MARKS, this_process())
        changes.bump(session, changes.TEMPLATES, this_process())
        return template.id


def _mark_demo_records(session: Session, template_id: int) -> None:
    """Mark a first set of demo customers and items, as a user would in the matrices."""
    taken = set(session.scalars(select(SyncMark.kind + ":" + SyncMark.sap_key)))
    for customer in demo.customers(MARKED_CUSTOMERS):
        if f"customer:{customer.code}" not in taken:
            session.add(SyncMark(kind="customer", sap_key=customer.code, template_id=template_id))
    for item in demo.items(MARKED_ITEMS):
        if f"item:{item.code}" not in taken:
            session.add(SyncMark(kind="item", sap_key=item.code, template_id=template_id))
