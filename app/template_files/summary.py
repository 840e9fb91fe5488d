"""Templates in words for the command line: one line each, or one template in full."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select

from app.scheduling.calendar import describe
from app.store import Database, Schedule, SyncMark, Template
from app.sync.engine import SyncObjectSpec
from app.template_files.diff import codes, shown
from app.template_files.document import MARK_KINDS, TemplateDocument
from app.ui.data.settings import GENERAL_FIELDS


@dataclass(frozen=True)
class TemplateLine:
    """One template as ``template list`` shows it."""

    name: str
    active: bool
    sap: str
    tagrain: str
    scheduled: int
    marks: tuple[tuple[str, int], ...]

    def __str__(self) -> str:
        marks = ", ".join(f"{count:,} {key}" for key, count in self.marks)
        state = "" if self.active else " (inactive)"
        return (
            f"{self.name}{state}: SAP {self.sap}; Tagrain {self.tagrain}; "
            f"{self.scheduled} object(s) scheduled; marked {marks}"
        )


def list_lines(database: Database) -> list[TemplateLine]:
    """Every template by name, with its connections, scheduled objects and marks."""
    with database.session() as session:
        templates = session.scalars(select(Template).order_by(Template.name)).all()
        scheduled = dict(
            session.execute(
                select(Schedule.template_id, func.count())
                .where(Schedule.enabled.is_(True))
                .group_by(Schedule.template_id)
            ).all()
        )
        marked = {
            (template_id, kind): count
            for template_id, kind, count in session.execute(
                select(SyncMark.template_id, SyncMark.kind, func.count()).group_by(
                    SyncMark.template_id, SyncMark.kind
                )
            )
        }
        return [
            TemplateLine(
                t.name,
                t.active,
                f"{t.sap_url or '(none)'} company {t.sap_company_db or '(none)'}",
                t.tagrain_url or "(none)",
                scheduled.get(t.id, 0),
                tuple((key, marked.get((t.id, kind), 0)) for key, kind in MARK_KINDS.items()),
            )
            for t in templates
        ]


def show_lines(document: TemplateDocument, objects: Mapping[str, SyncObjectSpec]) -> list[str]:
    """A template in full, section by section (never its secrets: they are not in it)."""
    c = document.connection
    lines = [
        f"Template {document.name}" + ("" if document.active else " (inactive)"),
        "Connection:",
        f"  SAP Service Layer: {shown(c.sap_url)} ({c.sap_version}), company "
        f"{shown(c.sap_company_db)}, user {shown(c.sap_user)}",
        f"  TLS verified: {shown(c.sap_verify_tls)}, CA file {shown(c.sap_ca_file)}, "
        f"{document.sap_sessions} session(s)",
        f"  Tagrain: {shown(c.tagrain_url)}",
        "General Settings:",
        *(f"  {name}: {shown(getattr(document.general, name))}" for name in GENERAL_FIELDS),
        f"Stores ↔ Warehouses ({len(document.stores)}):",
        *(
            f"  {s.store_code or s.store_id} ({s.store_id}) → warehouse {s.warehouse}, "
            f"cash account {shown(s.cash_account)}, branch {shown(s.branch)}"
            for s in document.stores
        ),
        f"Tenders ↔ Payment Means ({len(document.tenders)}):",
        *(
            f"  {t.tender_type} → {t.payment_means}"
            + (f", credit card {t.credit_card}" if t.credit_card is not None else "")
            + (f", account {t.account}" if t.account else "")
            for t in document.tenders
        ),
        f"Expenses ↔ G/L Accounts ({len(document.expenses)}):",
        *(f"  {e.category} → {e.account}" for e in document.expenses),
        "Schedules:",
        *(f"  {d.label}: {describe(d)}" for d in document.schedules),
        "Marked for synchronization:",
    ]
    for key, marked in document.marks:
        listed = f": {codes(list(marked))}" if marked else ""
        lines.append(f"  {key}: {len(marked):,}{listed}")
    return lines
