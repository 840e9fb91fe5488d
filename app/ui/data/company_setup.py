"""What the Company Setup form shows and does, through the sync core's Company Setup.

``read_fields`` and ``create_missing`` talk to the SAP company, so the form
calls them on a worker (``app.ui.background``); both return a
``CompanyFieldsView`` and never raise for what a user can fix: a company
that cannot be reached, or SAP refusing to add a field, is part of the view
(``error``, with SAP's words in ``sap_message`` and what to do in ``advice``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.store import Database
from app.sync.company_setup import (
    CompanyReport,
    CompanySetupError,
    SetupField,
    company_report,
    set_up_company,
)

FieldRow = SetupField
"""One field of the grid: property, table, what the table holds, type, status."""


@dataclass(frozen=True)
class CompanyFieldsView:
    """The company's fields as last read, and the outcome of the last action."""

    template_id: int
    company_db: str = ""
    rows: tuple[FieldRow, ...] = ()
    problem: str | None = None
    error: str | None = None
    sap_message: str | None = None
    advice: str | None = None
    created: tuple[str, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> list[FieldRow]:
        """Rows Create Missing Fields would add."""
        return [r for r in self.rows if r.status == "Missing"]

    @property
    def read(self) -> bool:
        """Whether the company's fields could be read at all."""
        return bool(self.rows)


def _view(
    template_id: int, report: CompanyReport, created: Sequence[str] = ()
) -> CompanyFieldsView:
    return CompanyFieldsView(
        template_id,
        report.company_db,
        report.fields,
        report.problem(),
        created=tuple(created),
    )


def read_fields(database: Database, template_id: int) -> CompanyFieldsView:
    """Read the add-on's fields in the template's company (slow: on a worker)."""
    try:
        return _view(template_id, company_report(database, template_id))
    except CompanySetupError as exc:
        return CompanyFieldsView(template_id, error=exc.message)


def create_missing(database: Database, template_id: int) -> CompanyFieldsView:
    """Create the fields the company lacks, then read them again (slow: on a worker)."""
    try:
        outcome = set_up_company(database, template_id)
    except CompanySetupError as exc:
        again = read_fields(database, template_id)
        return CompanyFieldsView(
            template_id,
            again.company_db,
            again.rows,
            again.problem,
            error=exc.message,
            sap_message=exc.sap_message,
            advice=exc.advice,
            created=tuple(f.describe() for f in exc.created),
        )
    return _view(template_id, outcome.report, [f.describe() for f in outcome.created])
