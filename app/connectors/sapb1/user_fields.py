"""The add-on's user fields in an SAP company: what they are, what is missing, adding them.

The sync marks every record it posts or links with the Tagrain id in
``U_TG_ID``. A company has no such field until someone adds it through
``UserFieldsMD``; until then SAP refuses every body, filter and ``$select``
naming it. ``ADDON_FIELDS`` is the one list of the fields the product uses;
``survey`` reads what the company has in one request, ``create`` adds fields
and turns SAP's refusals into ``SetupRefused``: SAP's message word for word
plus what to do about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.connectors.sapb1.client import ServiceLayerClient
from app.connectors.sapb1.errors import ForbiddenError, ServiceLayerError
from app.connectors.sapb1.odata import quote

USER_FIELDS_MD = "UserFieldsMD"
TYPE_LABELS = {
    "db_Alpha": "Alphanumeric",
    "db_Numeric": "Numeric",
    "db_Date": "Date",
    "db_Float": "Units and Totals",
    "db_Memo": "Text",
}


@dataclass(frozen=True)
class UserField:
    """One user-defined field the add-on needs on one SAP table."""

    table: str
    table_label: str
    name: str = "TG_ID"
    description: str = "Tagrain ID"
    type: str = "db_Alpha"
    size: int = 50

    @property
    def property_name(self) -> str:
        """How the Service Layer names it on the entity: ``U_TG_ID``."""
        return f"U_{self.name}"

    @property
    def type_label(self) -> str:
        """The type as SAP's User-Defined Fields window shows it, with its size."""
        return f"{TYPE_LABELS.get(self.type, self.type)} ({self.size})"

    def describe(self) -> str:
        """``U_TG_ID on OCRD (Business partners)``."""
        return f"{self.property_name} on {self.table} ({self.table_label})"

    def to_entity(self) -> dict[str, Any]:
        """The ``POST UserFieldsMD`` body."""
        return {
            "TableName": self.table,
            "Name": self.name,
            "Description": self.description,
            "Type": self.type,
            "EditSize": self.size,
        }


ADDON_FIELDS: tuple[UserField, ...] = (
    UserField("OCRD", "Business partners"),
    UserField("OITM", "Items"),
    UserField("OINV", "Marketing documents: A/R invoices, credit memos and the others"),
    UserField("ORCT", "Incoming payments"),
    UserField("OVPM", "Outgoing payments"),
    UserField("OJDT", "Journal entries"),
)
"""Every user field the product reads or writes (document lines carry none).

SAP keeps one set of user-defined fields for all marketing documents: the field
added on OINV is on A/R invoices and credit memos alike (and on every other
sales, purchasing and inventory document), so there is no separate ORIN field."""


@dataclass(frozen=True)
class FieldState:
    """One field as the company has it: present, missing, or present with another type or size."""

    field: UserField
    present: bool
    conflict: str | None = None

    @property
    def status(self) -> str:
        """``Present``, ``Missing`` or ``Different type``, as the form and the CLI show it."""
        if self.conflict:
            return "Different type"
        return "Present" if self.present else "Missing"


@dataclass(frozen=True)
class CompanyFields:
    """The add-on's fields in one company."""

    states: tuple[FieldState, ...]

    @property
    def missing(self) -> list[UserField]:
        """Fields the company does not have at all (Company Setup adds them)."""
        return [s.field for s in self.states if not s.present]

    @property
    def conflicts(self) -> list[FieldState]:
        """Fields that exist with another type or a smaller size (only a person can fix them)."""
        return [s for s in self.states if s.conflict]

    @property
    def complete(self) -> bool:
        """Whether every field is there as the add-on needs it."""
        return all(s.present and not s.conflict for s in self.states)


def _conflict(wanted: UserField, raw: dict[str, Any]) -> str | None:
    kind = str(raw.get("Type") or "")
    size = int(raw.get("EditSize") or raw.get("Size") or 0)
    if kind == wanted.type and size >= wanted.size:
        return None
    found = f"{TYPE_LABELS.get(kind, kind)} ({size})"
    return (
        f"{wanted.describe()} exists as {found}; the add-on needs {wanted.type_label}. "
        f"Remove or rename it in SAP Business One (Tools → Customization Tools → "
        f"User-Defined Fields - Management), then run Company Setup"
    )


def survey(client: ServiceLayerClient, fields: Sequence[UserField] = ADDON_FIELDS) -> CompanyFields:
    """Which of ``fields`` the company has: one ``GET UserFieldsMD`` per field name."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for name in sorted({f.name for f in fields}):
        for raw in client.iter_entities(
            USER_FIELDS_MD,
            filter=f"Name eq {quote(name)}",
            select=["TableName", "Name", "Type", "Size", "EditSize"],
            page_size=100,
        ):
            found[(str(raw.get("TableName")), str(raw.get("Name")))] = raw
    states = []
    for wanted in fields:
        existing = found.get((wanted.table, wanted.name))
        if existing is None:
            states.append(FieldState(wanted, present=False))
        else:
            states.append(FieldState(wanted, present=True, conflict=_conflict(wanted, existing)))
    return CompanyFields(tuple(states))


def missing(
    client: ServiceLayerClient, fields: Sequence[UserField] = ADDON_FIELDS
) -> list[UserField]:
    """The fields the company lacks altogether."""
    return survey(client, fields).missing


NO_RIGHT_CODES = frozenset({-6006, -3000})
BUSY_CODES = frozenset({-1120})
EXISTS_CODES = frozenset({-2035})


def advice_for(error: ServiceLayerError, wanted: UserField, user: str, company: str) -> str:
    """What a person can do about SAP refusing to add ``wanted``."""
    text = (error.message or "").lower()
    if (
        isinstance(error, ForbiddenError)
        or error.code in NO_RIGHT_CODES
        or "not permitted" in text
        or "permission" in text
        or "authoriz" in text
    ):
        return (
            f"SAP user {user!r} may not add user-defined fields. Run Company Setup as a "
            f"superuser (e.g. manager), or give {user!r} Full Authorization for Administration "
            "→ System Initialization → Authorizations → General Authorizations → Tools → "
            "Customization Tools → User-Defined Fields - Management, then run it again."
        )
    if error.code in BUSY_CODES or "other user" in text or "ref count" in text:
        return (
            f"SAP Business One changes company {company!r}'s database structure only while "
            "nobody else is connected to it. Ask every other user to log off (and stop other "
            "add-ons, DI API services and Service Layer clients using the company), then run "
            "Company Setup again."
        )
    if error.code in EXISTS_CODES or "already exists" in text:
        return (
            f"{wanted.describe()} already exists (perhaps with another type or size). Run the "
            "check again to see how it is defined; if it differs, remove or rename it in SAP "
            "Business One (Tools → Customization Tools → User-Defined Fields - Management) "
            "and run Company Setup again."
        )
    return (
        f"Add {wanted.describe()} as {wanted.type_label} in SAP Business One (Tools → "
        "Customization Tools → User-Defined Fields - Management), or correct what SAP names "
        "and run Company Setup again."
    )


class SetupRefused(Exception):
    """SAP refused to add a field; ``created`` lists those added before the refusal."""

    def __init__(
        self,
        wanted: UserField,
        error: ServiceLayerError,
        advice: str,
        created: Sequence[UserField] = (),
    ) -> None:
        super().__init__(wanted, error, advice)
        self.field = wanted
        self.error = error
        self.sap_message = error.message or str(error)
        self.code = error.code
        self.advice = advice
        self.created = list(created)

    def __str__(self) -> str:
        code = f" ({self.code})" if self.code is not None else ""
        return (
            f"SAP refused to add {self.field.describe()}{code}: {self.sap_message}\n"
            f"What to do: {self.advice}"
        )


@dataclass
class CreateResult:
    """What ``create`` added."""

    created: list[UserField] = field(default_factory=list)


def create(
    client: ServiceLayerClient,
    fields: Iterable[UserField],
    *,
    user: str = "",
    company: str = "",
) -> CreateResult:
    """POST each field to ``UserFieldsMD`` in order; SetupRefused at the first refusal."""
    result = CreateResult()
    for wanted in fields:
        try:
            client.create(USER_FIELDS_MD, wanted.to_entity())
        except ServiceLayerError as exc:
            if exc.status == 0 or exc.status >= 500:
                raise
            advice = advice_for(
                exc, wanted, user or client.settings.user, company or client.settings.company_db
            )
            raise SetupRefused(wanted, exc, advice, result.created) from exc
        result.created.append(wanted)
    return result
