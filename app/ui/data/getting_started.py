"""What the Getting Started form shows: each setup step, done or not, and why.

``read_progress`` looks at every active template: is there a template, do its
connections answer (the injected checkers, else reading the company and the
Tagrain values), does the SAP company have the add-on's user fields, is every
Tagrain store, tender and expense category mapped, are customers and items
marked, is any schedule on. It talks to SAP and Tagrain, so the form calls it
on a worker. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.store import Database, Schedule, SyncMark, Template
from app.ui.connection_check import ConnectionChecker
from app.ui.data.company_setup import CompanyFieldsView, read_fields
from app.ui.data.export import plural
from app.ui.data.mappings import load_mappings
from app.ui.lists import ListKind, ListSource

DONE, TODO, UNKNOWN = "done", "todo", "unknown"
Survey = Callable[[Database, int], CompanyFieldsView]


@dataclass(frozen=True)
class Step:
    """One step of the setup: the form that does it, whether it is done, and what is left."""

    key: str
    title: str
    state: str
    detail: str
    button: str


@dataclass
class _Findings:
    notes: dict[str, list[str]] = field(default_factory=dict)
    open: dict[str, bool] = field(default_factory=dict)

    def note(self, step: str, text: str, done: bool) -> None:
        self.notes.setdefault(step, []).append(text)
        self.open[step] = self.open.get(step, False) or not done


def _check_connections(
    template: Template,
    view: CompanyFieldsView,
    lists_error: str | None,
    sap_checker: ConnectionChecker | None,
    tagrain_checker: ConnectionChecker | None,
) -> tuple[bool, str]:
    problems = []
    if sap_checker is not None:
        report = sap_checker(template.id, None)
        if not report.ok:
            problems.append(f"SAP: {report.message}")
    elif view.error is not None:
        problems.append(f"SAP: {view.error}")
    if tagrain_checker is not None:
        report = tagrain_checker(template.id, None)
        if not report.ok:
            problems.append(f"Tagrain: {report.message}")
    elif lists_error is not None:
        problems.append(f"Tagrain: {lists_error}")
    if problems:
        return False, f"{template.name}: " + "; ".join(problems)
    return True, f"{template.name}: SAP and Tagrain answer."


def _mapping_gaps(
    database: Database, template_id: int, lists: ListSource
) -> tuple[list[str], str | None]:
    try:
        stores = list(lists.rows(ListKind.TAGRAIN_STORES, template_id))
        tenders = list(lists.rows(ListKind.TENDER_TYPES, template_id))
        categories = list(lists.rows(ListKind.EXPENSE_CATEGORIES, template_id))
    except Exception as exc:
        return [], str(exc) or type(exc).__name__
    loaded = load_mappings(database, template_id, stores, tenders, categories)
    gaps = []
    for rows, noun in (
        (loaded.stores, "store"),
        (loaded.tenders, "tender"),
        (loaded.expenses, "expense category"),
    ):
        missing = sum(1 for row in rows if row.problem() is not None)
        if missing:
            nouns = "expense categories" if noun == "expense category" else None
            gaps.append(f"{plural(missing, noun, nouns)} not mapped")
    return gaps, None


def _counts(database: Database, template_id: int) -> tuple[int, int, int]:
    with database.session() as session:

        def marks(kind: str) -> int:
            query = select(func.count()).where(
                SyncMark.template_id == template_id, SyncMark.kind == kind
            )
            return session.scalar(query) or 0

        schedules = session.scalar(
            select(func.count()).where(
                Schedule.template_id == template_id, Schedule.enabled.is_(True)
            )
        )
        return marks("customer"), marks("item"), schedules or 0


def read_progress(
    database: Database,
    lists: ListSource,
    *,
    sap_checker: ConnectionChecker | None = None,
    tagrain_checker: ConnectionChecker | None = None,
    survey: Survey = read_fields,
) -> list[Step]:
    """The six steps for the active templates (slow: reads SAP and Tagrain; on a worker)."""
    with database.session() as session:
        templates = list(
            session.scalars(
                select(Template).where(Template.active.is_(True)).order_by(Template.name)
            )
        )
        session.expunge_all()
    if not templates:
        return _without_templates()
    found = _Findings()
    for template in templates:
        view = survey(database, template.id)
        gaps, lists_error = _mapping_gaps(database, template.id, lists)
        ok, text = _check_connections(template, view, lists_error, sap_checker, tagrain_checker)
        found.note("connections", text, ok)
        if view.error is not None:
            found.note("company_setup", f"{template.name}: not read ({view.error})", False)
        else:
            missing = len(view.missing) + sum(1 for r in view.rows if r.status == "Different type")
            found.note(
                "company_setup",
                f"{template.name}: "
                + (
                    f"{plural(missing, 'user field')} to add"
                    if missing
                    else "every user field present"
                ),
                missing == 0,
            )
        if lists_error is not None:
            found.note("mappings", f"{template.name}: Tagrain's values not read", False)
        else:
            found.note(
                "mappings",
                f"{template.name}: " + ("; ".join(gaps) if gaps else "everything mapped"),
                not gaps,
            )
        customers, items, schedules = _counts(database, template.id)
        found.note(
            "marks",
            f"{template.name}: {plural(customers, 'customer')} and {plural(items, 'item')} marked",
            customers > 0 and items > 0,
        )
        found.note(
            "schedules",
            f"{template.name}: "
            + (f"{plural(schedules, 'schedule')} on" if schedules else "no schedule on"),
            schedules > 0,
        )
    steps = [
        Step(
            "templates",
            "1. Templates",
            DONE,
            f"{plural(len(templates), 'active template')}: " + ", ".join(t.name for t in templates),
            "Open Templates",
        )
    ]
    for number, (key, title, button) in enumerate(STEPS, start=2):
        state = TODO if found.open.get(key) else DONE
        steps.append(Step(key, f"{number}. {title}", state, "\n".join(found.notes[key]), button))
    return steps


STEPS = (
    ("connections", "Connections", "Open Connections"),
    ("company_setup", "Company Setup", "Open Company Setup"),
    ("mappings", "Mappings", "Open Mappings"),
    ("marks", "Customers and Items", "Set Customers…"),
    ("schedules", "Schedules", "Open Synchronization Settings"),
)
FORM_OF_STEP = {
    "templates": "templates",
    "connections": "connections",
    "company_setup": "company_setup",
    "mappings": "mappings",
    "marks": "set_customers",
    "schedules": "sync_settings",
}
WHAT_EACH_STEP_DOES = {
    "templates": "A template names one SAP company and one Tagrain account.",
    "connections": "The Service Layer and Tagrain addresses, user and secrets; Test Connection.",
    "company_setup": "The add-on's user fields (U_TG_ID) in the SAP company.",
    "mappings": (
        "Each Tagrain store to a warehouse, tender to a payment means, expense to an account."
    ),
    "marks": "Which customers and items go to Tagrain.",
    "schedules": "When each object synchronizes; Sync Now works without one.",
}


def _without_templates() -> list[Step]:
    steps = [Step("templates", "1. Templates", TODO, "No template yet: add one.", "Open Templates")]
    for number, (key, title, button) in enumerate(STEPS, start=2):
        steps.append(Step(key, f"{number}. {title}", UNKNOWN, "After a template exists.", button))
    return steps


def pending(steps: Sequence[Step]) -> Step | None:
    """The first step not done (what to do next), or None when all are done."""
    return next((s for s in steps if s.state != DONE), None)
