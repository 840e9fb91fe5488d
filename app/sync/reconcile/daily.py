"""Yesterday's reconciliation for the daily summary: per template, does the day match?

Each active template's stores are reconciled for one business day; a
template whose systems cannot be read says so instead of failing the
summary. ``lines`` is the summary's text section, ``subject_note`` what the
e-mail's subject adds when a day does not match.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.store import Database, Template
from app.sync.reconcile.model import Reconciliation
from app.sync.reconcile.run import reconcile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DayCheck:
    """One template's reconciliation of one day, or why it could not be made."""

    template: str
    day: date
    unmatched: tuple[str, ...] = field(default_factory=tuple)
    """Each store that does not match, with how many records are behind it."""
    error: str | None = None

    @property
    def matches(self) -> bool:
        """Read and found matching."""
        return self.error is None and not self.unmatched

    @classmethod
    def of(cls, report: Reconciliation, day: date) -> DayCheck:
        """The check of a reconciled day."""
        unmatched = tuple(
            f"{d.store_code} ({len(d.findings)} record{'' if len(d.findings) == 1 else 's'})"
            for d in report.unmatched_days
        )
        return cls(report.template, day, unmatched)


def check_day(database: Database, day: date) -> list[DayCheck]:
    """Reconcile ``day`` for every active template (reading both systems live)."""
    with database.session() as session:
        templates = session.execute(
            select(Template.id, Template.name)
            .where(Template.active.is_(True))
            .order_by(Template.name)
        ).all()
    checks = []
    for template_id, name in templates:
        try:
            checks.append(DayCheck.of(reconcile(database, template_id, day, day), day))
        except Exception as exc:
            log.warning("reconciliation of %s on %s failed: %s", name, day, exc)
            checks.append(DayCheck(name, day, error=str(exc) or type(exc).__name__))
    return checks


def lines(checks: Sequence[DayCheck]) -> list[str]:
    """The summary's section: one line per template."""
    if not checks:
        return []
    out = [f"Reconciliation of {checks[0].day.isoformat()} (Tagrain's tills against SAP's books):"]
    for check in checks:
        if check.error is not None:
            out.append(f"  {check.template}: could not reconcile: {check.error}")
        elif check.unmatched:
            out.append(f"  {check.template}: DOES NOT MATCH in {', '.join(check.unmatched)}")
        else:
            out.append(f"  {check.template}: matches")
    return out


def subject_note(checks: Sequence[DayCheck]) -> str:
    """`` - books do not match on 2026-11-27`` when a template's day does not match."""
    failed = [c for c in checks if not c.matches]
    if not failed:
        return ""
    if all(c.error is not None for c in failed):
        return f" - reconciliation of {failed[0].day.isoformat()} failed"
    return f" - books do not match on {failed[0].day.isoformat()}"
