"""Templates in the store: list, add, rename (with secrets), copy, remove, what removal loses."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import secrets
from app.store import (
    Database,
    ExpenseMapping,
    Link,
    Run,
    Schedule,
    StoreMapping,
    SyncMark,
    Template,
    TenderMapping,
    changes,
)
from app.sync.leases import this_process
from app.ui.data.errors import InputError
from app.ui.words import counted

NAME_MAX = 100
COPIED_COLUMNS = (
    "sap_url",
    "sap_version",
    "sap_company_db",
    "sap_user",
    "sap_verify_tls",
    "sap_ca_file",
    "sap_sessions",
    "tagrain_url",
    "default_price_list",
    "default_cash_customer",
    "default_payment_terms",
    "exempt_tax_code",
    "cash_account",
    "default_currency",
    "branch_id",
    "new_customer_group",
    "new_customer_code_prefix",
)


@dataclass(frozen=True)
class TemplateRow:
    """One template as the Templates form lists it."""

    id: int
    name: str
    is_sandbox: bool
    active: bool
    sap_company_db: str
    tagrain_url: str


@dataclass(frozen=True)
class TemplateUsage:
    """What removing a template deletes with it."""

    marks: int
    schedules: int
    links: int
    runs: int
    mappings: int

    def describe(self) -> str:
        """One line for the confirmation message."""
        return (
            f"{counted(self.marks, 'sync mark')}, {counted(self.schedules, 'schedule')}, "
            f"{counted(self.links, 'link')}, {counted(self.runs, 'run')} of history and "
            f"{counted(self.mappings, 'mapping')}"
        )


def list_templates(db: Database) -> list[TemplateRow]:
    """Every template, by name."""
    with db.session() as session:
        rows = session.scalars(select(Template).order_by(Template.name)).all()
        return [
            TemplateRow(t.id, t.name, t.is_sandbox, t.active, t.sap_company_db, t.tagrain_url)
            for t in rows
        ]


def clean_name(session: Session, name: str, exclude_id: int | None = None) -> str:
    """A new template name, stripped; InputError when empty, too long or already taken."""
    clean = name.strip()
    if not clean:
        raise InputError("Enter a template name.", "name")
    if len(clean) > NAME_MAX:
        raise InputError(f"A template name has at most {NAME_MAX} characters.", "name")
    query = select(Template.id).where(func.lower(Template.name) == clean.lower())
    if exclude_id is not None:
        query = query.where(Template.id != exclude_id)
    if session.scalar(query) is not None:
        raise InputError(f"A template named {clean!r} already exists.", "name")
    return clean


def _get(session: Session, template_id: int) -> Template:
    template = session.get(Template, template_id)
    if template is None:
        raise InputError("The template no longer exists; it was removed elsewhere.")
    return template


def add_template(db: Database, name: str) -> int:
    """Create an empty template; returns its id."""
    with db.session() as session:
        template = Template(name=clean_name(session, name))
        session.add(template)
        session.flush()
        changes.bump(session, changes.TEMPLATES, this_process())
        return template.id


def rename_template(db: Database, template_id: int, new_name: str) -> str:
    """Rename a template and move its keyring secrets to the new name; returns the old name.

    The secrets move inside the transaction: when the keyring refuses, the
    rename is rolled back and the exception reaches the caller.
    """
    with db.session() as session:
        template = _get(session, template_id)
        clean = clean_name(session, new_name, exclude_id=template_id)
        old = template.name
        if clean == old:
            return old
        template.name = clean
        session.flush()
        changes.bump(session, changes.TEMPLATES, this_process())
        secrets.rename_template_secrets(old, clean)
        return old


def copy_template(db: Database, template_id: int, new_name: str) -> int:
    """A new template with the settings and mappings of another (no secrets, marks or links)."""
    with db.session() as session:
        source = _get(session, template_id)
        copy = Template(name=clean_name(session, new_name))
        for column in COPIED_COLUMNS:
            setattr(copy, column, getattr(source, column))
        copy.store_mappings = [
            StoreMapping(
                store_id=m.store_id,
                store_code=m.store_code,
                warehouse_code=m.warehouse_code,
                cash_account=m.cash_account,
                branch_id=m.branch_id,
            )
            for m in source.store_mappings
        ]
        copy.tender_mappings = [
            TenderMapping(
                tender_type=m.tender_type,
                payment_means=m.payment_means,
                account_code=m.account_code,
                credit_card_code=m.credit_card_code,
            )
            for m in source.tender_mappings
        ]
        copy.expense_mappings = [
            ExpenseMapping(category=m.category, account_code=m.account_code)
            for m in source.expense_mappings
        ]
        session.add(copy)
        session.flush()
        changes.bump(session, changes.TEMPLATES, this_process())
        return copy.id


def _count(session: Session, model: type, template_id: int) -> int:
    column = model.template_id  # type: ignore[attr-defined]
    return session.scalar(select(func.count()).select_from(model).where(column == template_id)) or 0


def template_usage(db: Database, template_id: int) -> TemplateUsage:
    """The counts the removal confirmation names."""
    with db.session() as session:
        return TemplateUsage(
            marks=_count(session, SyncMark, template_id),
            schedules=_count(session, Schedule, template_id),
            links=_count(session, Link, template_id),
            runs=_count(session, Run, template_id),
            mappings=sum(
                _count(session, model, template_id)
                for model in (StoreMapping, TenderMapping, ExpenseMapping)
            ),
        )


def remove_template(db: Database, template_id: int) -> str:
    """Delete a template and all that hangs on it, then forget its secrets; returns its name."""
    with db.session() as session:
        template = _get(session, template_id)
        name = template.name
        session.delete(template)
        for scope in changes.SCOPES:
            changes.bump(session, scope, this_process())
    for kind in secrets.SecretKind:
        secrets.delete_secret(name, kind)
    return name
