"""Money, quantity and tax rules of the Tagrain sandbox (exact decimal arithmetic).

A sale line: ``line_total = quantity * unit_price - discount`` (the net amount,
tax excluded), ``tax_amount = round(line_total * rate(tax_code), 2)``. A sale:
``subtotal = sum(line_total)``, ``tax_total = sum(tax_amount)``,
``total = subtotal + tax_total``; the tenders of a completed sale sum to
``total``, an on-account sale has none. Discounts are per unit
(``discount = quantity * unit_discount``), so a refund line can carry the net
unit price ``unit_price - unit_discount`` and a full refund gives back exactly
what was paid. Rounding is half-up to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from app.sandbox import demo

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
ZERO = Decimal("0.00")
TAX_RATES: dict[str, Decimal] = {code: rate / 100 for code, _, rate in demo.TAX_CODES}
"""Tagrain's tax codes are the SAP sandbox's sales tax codes, so both compute the same tax."""


def money(value: Decimal) -> str:
    """A money amount as the contract's decimal string with two places."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def quantity(value: Decimal) -> str:
    """A quantity as the contract's decimal string with three places."""
    return str(value.quantize(MILLI, rounding=ROUND_HALF_UP))


def cents(value: Decimal) -> Decimal:
    """``value`` rounded half-up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tax(net: Decimal, tax_code: str) -> Decimal:
    """The tax on a net line amount under ``tax_code``."""
    return cents(net * TAX_RATES[tax_code])
