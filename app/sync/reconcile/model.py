"""What a reconciliation finds: figure rows per store and day, and the records behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

RECORDS = "Records"
"""The figure every finding touches: how many of the day's records match on both sides."""

KIND_LABELS = {
    "not_posted": "not posted",
    "posted_twice": "posted twice",
    "total_differs": "total differs",
    "tax_differs": "tax differs",
    "payment_missing": "payment missing",
    "payment_cancelled": "payment cancelled",
    "payment_twice": "paid twice",
    "wrong_means": "wrong payment means",
    "no_base": "credit memo without its base",
    "unknown_to_tagrain": "not in Tagrain",
    "other_day": "posted on another day",
    "not_linked": "not linked in the hub",
    "link_differs": "hub link differs",
}
"""Each kind of finding as the report names it."""


@dataclass(frozen=True)
class Finding:
    """One record behind a difference: what is wrong, on which side, and why.

    ``figures`` are the rows it explains (always ``RECORDS`` too);
    ``record`` the Tagrain record (receipt number, refund number, expense id)
    or, for a stray SAP document, its Tagrain id; ``sap_keys`` the SAP
    documents concerned (``Invoices:12``).
    """

    store_id: str
    day: date
    kind: str
    record: str
    detail: str
    sap_keys: tuple[str, ...] = ()
    tagrain_amount: Decimal | None = None
    sap_amount: Decimal | None = None
    figures: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        """The kind as the report names it."""
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass
class FigureRow:
    """One figure of one store and day: Tagrain's value next to SAP's."""

    figure: str
    tagrain: Decimal = Decimal(0)
    sap: Decimal = Decimal(0)
    findings: list[Finding] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        """SAP less Tagrain."""
        return self.sap - self.tagrain

    @property
    def matches(self) -> bool:
        """Equal figures and no record behind a difference."""
        return self.difference == 0 and not self.findings


@dataclass
class DayReport:
    """A store's business day (in the store's time zone): its figures, in a fixed order."""

    store_id: str
    store_code: str
    day: date
    rows: dict[str, FigureRow] = field(default_factory=dict)

    def row(self, figure: str) -> FigureRow:
        """The row of a figure (created empty on first use)."""
        found = self.rows.get(figure)
        if found is None:
            found = self.rows[figure] = FigureRow(figure)
        return found

    @property
    def findings(self) -> list[Finding]:
        """Every record behind the day's differences."""
        return list(self.row(RECORDS).findings)

    @property
    def matches(self) -> bool:
        """Every figure matches and no record is behind a difference."""
        return all(row.matches for row in self.rows.values())


@dataclass
class Reconciliation:
    """A template's reconciliation over a date range, store by store and day by day."""

    template: str
    first_day: date
    last_day: date
    days: list[DayReport] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        """Every store and day matches."""
        return all(day.matches for day in self.days)

    @property
    def findings(self) -> list[Finding]:
        """Every record behind a difference, store by store and day by day."""
        return [f for day in self.days for f in day.findings]

    @property
    def unmatched_days(self) -> list[DayReport]:
        """The store days that do not match."""
        return [day for day in self.days if not day.matches]
