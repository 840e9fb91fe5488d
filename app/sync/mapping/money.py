"""The money rules every Tagrain → SAP draft follows: cents, dates and a line's tax code.

Both systems round half-up to the cent; an amount with more decimals, a
receipt dated ahead of the clock, or a line whose tax no SAP tax code gives
exactly is bad data, reported with ``RecordError`` rather than posted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from app.sync.context import TemplateRules
from app.sync.records import RecordError

CENT = Decimal("0.01")
FUTURE_SLACK = timedelta(days=1)
"""How far ahead of this computer's clock a receipt may be dated (tills' clocks drift)."""


def cents(value: Decimal) -> Decimal:
    """Round half-up to the cent: the rounding rule of both systems."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def check_money(what: str, value: Decimal) -> None:
    """RecordError when an amount has more than two decimals (SAP would round it silently)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise RecordError(f"{what} {value} has more than 2 decimals")


def local_date(moment: datetime, timezone: str) -> date:
    """The date of ``moment`` in a store's time zone (SAP's DocDate), not this machine's."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def check_not_future(what: str, moment: datetime, now: datetime) -> None:
    """RecordError when a receipt is dated more than a day ahead of ``now`` (a wrong till clock)."""
    if moment - now > FUTURE_SLACK:
        raise RecordError(
            f"{what} {moment.isoformat()} is in the future; correct the date in Tagrain "
            "(SAP would post it in a period that is not open)"
        )


@dataclass(frozen=True)
class TaxTable:
    """What a record's lines need for their tax codes.

    ``product_codes``: the Tagrain tax code of each product on a taxed line;
    ``rates``: SAP's tax codes and rates (empty when no line is taxed).
    """

    product_codes: Mapping[str, str] = field(default_factory=dict)
    rates: Mapping[str, Decimal] = field(default_factory=dict)


def line_tax_code(
    taxes: TaxTable,
    rules: TemplateRules,
    *,
    product_id: str,
    net: Decimal,
    tax: Decimal,
    line_no: int,
) -> str:
    """The SAP tax code of a line, checked to give exactly the receipt's tax."""
    if tax == 0:
        return rules.exempt_tax_code
    code = taxes.product_codes[product_id]
    rate = taxes.rates.get(code)
    if rate is None:
        raise RecordError(f"line {line_no}: tax code {code!r} does not exist in SAP")
    expected = cents(net * rate / 100)
    if expected != tax:
        raise RecordError(
            f"line {line_no}: the receipt's tax {tax} is not {code} ({rate}%) of {net}, "
            f"which SAP would compute as {expected}"
        )
    return code
