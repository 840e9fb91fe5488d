"""Importing a template file: plan what changes, check the codes in SAP, apply it all at once.

``plan_import`` compares the file with what the store holds (a template of
the file's name, or of the name given instead). ``check_in_sap`` runs the
sync core's pre-flight on the file's settings and mappings, with the file's
connection, as General Settings and Mappings do before they store codes.
``apply_import`` writes settings, mappings, schedules and marks in ONE
transaction with the writers the forms and matrices use: all or nothing.
Marks are one template's at a time; a code the file marks that another
template owns is refused (``MarkConflict``) unless the caller moves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from app.scheduling.drafts import write_drafts
from app.store import Database, SyncMark, Template, changes
from app.sync.engine import SyncObjectSpec
from app.sync.leases import this_process
from app.sync.marking import owners_elsewhere, write_marks
from app.sync.preflight import Problem
from app.template_files.diff import Section, differences
from app.template_files.document import (
    MARK_KINDS,
    TemplateDocument,
    empty_document,
    read_document,
)
from app.template_files.yaml_file import ParsedFile
from app.ui.data.errors import InputError
from app.ui.data.mappings import mapping_rows, write_mappings
from app.ui.data.settings import write_connection, write_general
from app.ui.data.templates import clean_name

_FILE_KEYS = {
    "warehouse_code": "warehouse",
    "cash_account": "cash_account",
    "branch_id": "branch",
    "account_code": "account",
    "credit_card_code": "credit_card",
}
"""A mapping grid's column (as the pre-flight names it) → the file's key."""


@dataclass(frozen=True)
class ImportPlan:
    """What importing a document into the store would do."""

    document: TemplateDocument
    """The document under the name it is stored as."""
    template_id: int | None
    """The template it replaces; None: a new one is added."""
    current: TemplateDocument
    sections: list[Section]
    taken: dict[str, dict[str, str]] = field(default_factory=dict)
    """Marks section key → {code: the other template that has it marked now}."""

    @property
    def changes_anything(self) -> bool:
        """Whether applying it would change the store."""
        return self.template_id is None or bool(self.sections)


def find_template(database: Database, name: str) -> int | None:
    """The template of exactly this name, if there is one."""
    with database.session() as session:
        return session.scalar(select(Template.id).where(Template.name == name))


def plan_import(
    database: Database,
    document: TemplateDocument,
    objects: Mapping[str, SyncObjectSpec],
    *,
    name: str | None = None,
) -> ImportPlan:
    """Compare the document (stored as ``name`` when given) with the store.

    InputError: a new template's name is refused (as the Templates form refuses it).
    """
    target = (name if name is not None else document.name).strip()
    template_id = find_template(database, target)
    if template_id is None:
        with database.session() as session:
            target = clean_name(session, target)
        current = empty_document(target, objects)
    else:
        current = read_document(database, template_id, objects)
    wanted = document.renamed(target)
    taken = {
        key: owners_elsewhere(database, kind, template_id or 0, wanted.marked(key))
        for key, kind in MARK_KINDS.items()
    }
    return ImportPlan(
        wanted,
        template_id,
        current,
        differences(current, wanted),
        {key: owners for key, owners in taken.items() if owners},
    )


def check_in_sap(plan: ImportPlan) -> list[Problem]:
    """The codes of the file's settings and mappings its SAP company does not know.

    Raises the sync core's errors (or ``SecretMissing``) when SAP cannot be
    asked; the caller then warns and goes on, as the forms do.
    """
    from app.sync.context import TemplateRules
    from app.sync.preflight import check_rules

    document = plan.document
    draft = Template(
        id=plan.template_id or 0,
        name=document.name,
        is_sandbox=False,
        active=document.active,
        sap_sessions=document.sap_sessions,
    )
    write_connection(draft, document.connection)
    write_general(draft, document.general)
    stores, tenders, expenses = mapping_rows(document.mapping_set())
    draft.store_mappings, draft.tender_mappings, draft.expense_mappings = stores, tenders, expenses
    return check_rules(TemplateRules.of(draft))


def problem_path(problem: Problem, parsed: ParsedFile) -> str:
    """The file's key path of a code the pre-flight refused."""
    if problem.form.startswith("General"):
        return f"general.{problem.field}"
    section = problem.field
    entry = parsed.entries.get((section, problem.row or ""))
    if entry is None:
        return f"mappings.{section}"
    column = _FILE_KEYS.get(problem.column or "")
    return f"{entry}.{column}" if column else entry


def apply_import(
    database: Database, plan: ImportPlan, *, move_marks: bool = False, user: str | None = None
) -> int:
    """Store the plan's document in one transaction; returns the template's id.

    InputError: the template was removed meanwhile, or a new name was taken;
    ``MarkConflict``: a marked code belongs to another template and
    ``move_marks`` is off. Either way nothing is written.
    """
    document = plan.document
    with database.session() as session:
        if plan.template_id is None:
            template = Template(name=clean_name(session, document.name))
            session.add(template)
            session.flush()
        else:
            found = session.get(Template, plan.template_id)
            if found is None:
                raise InputError("The template no longer exists; it was removed elsewhere.")
            template = found
        template.active = document.active
        template.sap_sessions = document.sap_sessions
        write_connection(template, document.connection)
        write_general(template, document.general)
        write_mappings(session, template, document.mapping_set())
        write_drafts(session, template.id, document.schedules)
        for key, kind in MARK_KINDS.items():
            wanted = document.marked(key)
            marked = set(
                session.scalars(
                    select(SyncMark.sap_key).where(
                        SyncMark.kind == kind, SyncMark.template_id == template.id
                    )
                )
            )
            write_marks(
                session,
                kind,
                template.id,
                wanted,
                sorted(marked - set(wanted)),
                move=wanted if move_marks else (),
                user=user,
            )
        changes.bump(session, changes.TEMPLATES, this_process())
        return template.id
