"""Small Tagrain records and template rules for the mapping unit tests (no servers).

One paid sale of two lines at store ``st_1`` (New York), its refund, an
expense, a customer and a variant product; tests change what they need with
``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from app.connectors.sapb1.records import DocumentRef
from app.connectors.tagrain.records import (
    Address,
    Customer,
    Expense,
    Product,
    Refund,
    RefundLine,
    Sale,
    SaleLine,
    Tender,
)
from app.sync.context import StoreRule, TemplateRules, TenderRule
from app.sync.mapping.money import TaxTable
from app.sync.mapping.payments import PaymentDependencies

NOW = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)
SOLD_AT = datetime(2025, 3, 2, 2, 30, tzinfo=UTC)
"""Half past two in the morning in UTC: still 1 March in New York."""
LOCAL_DATE = date(2025, 3, 1)
NEW_YORK = "America/New_York"
STORE = StoreRule("st_1", "NYC", "WH-NYC", "1010-NYC", 3)
TAXES = TaxTable({"pr_shirt": "NY8"}, {"NY8": Decimal("8.875"), "EX": Decimal(0)})
INVOICE = DocumentRef("Invoices", 41, 1041, Decimal("48.49"), False)
MEMO = DocumentRef("CreditNotes", 7, 507, Decimal("19.60"), False)


def D(value: str) -> Decimal:
    """A Decimal from its text."""
    return Decimal(value)


def rules(**changes: Any) -> TemplateRules:
    """A template with one mapped store, four tender types and two expense categories."""
    base = TemplateRules(
        id=1,
        name="Unit",
        is_sandbox=False,
        sap_url="https://sap.invalid:50000",
        sap_version="v2",
        sap_company_db="SBODEMO",
        sap_user="manager",
        sap_verify_tls=True,
        sap_ca_file=None,
        sap_sessions=1,
        tagrain_url="https://tagrain.invalid",
        price_list=2,
        cash_customer="C-WALKIN",
        payment_terms=-1,
        exempt_tax_code="EX",
        cash_account="1000",
        currency="USD",
        branch=1,
        new_customer_group=100,
        new_customer_prefix="TG",
        stores={"st_1": STORE},
        tenders={
            "cash": TenderRule("cash", "cash", None, None),
            "card": TenderRule("card", "credit_card", None, 2),
            "gift_card": TenderRule("gift_card", "transfer", "2400", None),
            "store_credit": TenderRule("store_credit", "transfer", "2400", None),
        },
        expenses={"supplies": "6100", "travel": "6200"},
    )
    return replace(base, **changes)


def sale(**changes: Any) -> Sale:
    """A paid receipt: a taxed shirt (2 × 20.00 − 4.00) and an exempt gift card line."""
    base = Sale(
        id="sa_1",
        receipt_number="R-1001",
        store_id="st_1",
        register_id="rg_1",
        customer_id="cu_1",
        status="completed",
        sold_at=SOLD_AT,
        currency="USD",
        lines=(
            SaleLine(
                2, "pr_card", "GC-10", "Gift card", D("1"), D("9.29"), D("0"), D("0"), D("9.29")
            ),
            SaleLine(
                1, "pr_shirt", "SH-1", "Shirt", D("2"), D("20.00"), D("4.00"), D("3.20"), D("36.00")
            ),
        ),
        tenders=(Tender("cash", D("20.00"), None), Tender("card", D("28.49"), "A-77")),
        subtotal=D("45.29"),
        tax_total=D("3.20"),
        total=D("48.49"),
        created_at=SOLD_AT,
        updated_at=SOLD_AT,
    )
    return replace(base, **changes)


def refund(**changes: Any) -> Refund:
    """A refund of one shirt of ``sale()`` (sale line 1), paid back in cash."""
    base = Refund(
        id="rf_1",
        refund_number="RF-2001",
        sale_id="sa_1",
        store_id="st_1",
        register_id="rg_1",
        customer_id="cu_1",
        status="completed",
        refunded_at=SOLD_AT,
        currency="USD",
        lines=(RefundLine(1, 1, "pr_shirt", "SH-1", D("1"), D("18.00"), D("1.60"), D("18.00")),),
        tenders=(Tender("cash", D("19.60"), None),),
        total=D("19.60"),
        created_at=SOLD_AT,
        updated_at=SOLD_AT,
    )
    return replace(base, **changes)


def expense(**changes: Any) -> Expense:
    """Printer paper paid out of the till."""
    base = Expense(
        id="ex_1",
        store_id="st_1",
        register_id="rg_1",
        category="supplies",
        description="Printer paper",
        amount=D("12.50"),
        currency="USD",
        paid_at=SOLD_AT,
        created_at=SOLD_AT,
        updated_at=SOLD_AT,
    )
    return replace(base, **changes)


def customer(**changes: Any) -> Customer:
    """A person with an address and a group."""
    base = Customer(
        id="cu_1",
        code="0042",
        first_name="Ada",
        last_name="Lovelace",
        company=None,
        email="ada@example.com",
        phone="+1 212 555 0100",
        group_id="cg_1",
        tax_number="US-123",
        credit_limit=D("0"),
        store_credit=D("0"),
        loyalty_points=0,
        address=Address("1 Main St", "Apt 2", "New York", "10001", "US"),
        external_ref=None,
        active=True,
        created_at=SOLD_AT,
        updated_at=SOLD_AT,
    )
    return replace(base, **changes)


def product(**changes: Any) -> Product:
    """A variant product Tagrain masters."""
    base = Product(
        id="pr_shirt",
        sku="SH-1",
        name="Shirt, blue, M",
        type="variant",
        non_stock=False,
        group_id="pg_1",
        manufacturer_id=None,
        barcode="0123456789012",
        price=D("20.00"),
        tax_code="NY8",
        active=True,
        external_ref=None,
        created_at=SOLD_AT,
        updated_at=SOLD_AT,
    )
    return replace(base, **changes)


def payment_dependencies(**changes: Any) -> PaymentDependencies:
    """What the payment of ``sale()`` needs."""
    base = PaymentDependencies("C0042", NEW_YORK, "st_1", "NYC", STORE)
    return replace(base, **changes)
