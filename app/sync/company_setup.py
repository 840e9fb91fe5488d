"""Company Setup: the add-on's user fields in a template's SAP company, checked and created.

Every run checks, before it reads or writes anything, that the company has
the user fields the sync marks records with (``require_user_fields``: one
``GET UserFieldsMD`` per run context) and stops with one run-level error
naming the fix when it does not. ``company_report`` lists each field as
Present, Missing or Different type; ``set_up_company`` adds the missing ones
through the Service Layer, as the Company Setup form, ``integration-hub
company setup`` and the Sandbox template's first start do. Nothing here
knows Qt; the connector alone knows ``UserFieldsMD``.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import requests

from app import secrets
from app.connectors.sapb1 import ServiceLayerClient, ServiceLayerError
from app.connectors.sapb1 import user_fields as udf
from app.store import Database
from app.sync.context import SyncContext, TemplateRules, sap_settings
from app.sync.job import ContextJob, SyncJob
from app.sync.records import RunError

MENU_PATH = "Administration → Integration Hub → Company Setup"


@dataclass(frozen=True)
class SetupField:
    """One user field of the add-on and how the company has it."""

    property_name: str
    table: str
    table_label: str
    type_label: str
    status: str  # Present, Missing, Different type
    note: str = ""

    @classmethod
    def from_state(cls, state: udf.FieldState) -> SetupField:
        """The row for one surveyed field."""
        f, note = state.field, state.conflict or ""
        return cls(f.property_name, f.table, f.table_label, f.type_label, state.status, note)

    def describe(self) -> str:
        """``U_TG_ID on OCRD (Business partners)``."""
        return f"{self.property_name} on {self.table} ({self.table_label})"


@dataclass(frozen=True)
class CompanyReport:
    """The add-on's fields in one template's SAP company."""

    template_name: str
    company_db: str
    user: str
    fields: tuple[SetupField, ...]

    @property
    def missing(self) -> list[SetupField]:
        """Fields Company Setup would create."""
        return [f for f in self.fields if f.status == "Missing"]

    @property
    def conflicts(self) -> list[SetupField]:
        """Fields present with another type or size (a person must fix them in SAP)."""
        return [f for f in self.fields if f.status == "Different type"]

    @property
    def complete(self) -> bool:
        """Whether the company has every field as the add-on needs it."""
        return all(f.status == "Present" for f in self.fields)

    def problem(self) -> str | None:
        """One sentence naming what is wrong and the fix (None when complete)."""
        return fields_message(self.company_db, self.template_name, self.missing, self.conflicts)


def fields_message(
    company_db: str,
    template_name: str,
    missing: Sequence[SetupField],
    conflicts: Sequence[SetupField] = (),
) -> str | None:
    """The one message for a company that lacks the add-on's fields (None when it has them)."""
    parts = []
    if missing:
        names = ", ".join(f"{f.property_name} on {f.table}" for f in missing)
        parts.append(
            f"SAP company {company_db} lacks the add-on's user fields {names} — run Company "
            f"Setup ({MENU_PATH}) or `integration-hub company setup --template {template_name}`"
        )
    parts.extend(f.note for f in conflicts)
    return "; ".join(parts) if parts else None


class CompanySetupError(Exception):
    """The company could not be checked or set up; ``str`` is the sentence for the user.

    ``sap_message`` is SAP's refusal word for word and ``advice`` what to do,
    when SAP refused to add a field; ``created`` the fields added before.
    """

    def __init__(
        self,
        message: str,
        *,
        sap_message: str | None = None,
        advice: str | None = None,
        created: Sequence[SetupField] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.sap_message = sap_message
        self.advice = advice
        self.created = list(created)

    def __str__(self) -> str:
        return self.message


def _explain(exc: BaseException, rules: TemplateRules) -> CompanySetupError:
    from app.sync.network_words import network_reason  # app.sync.jobs imports the runner

    if isinstance(exc, (secrets.SecretMissing, secrets.SecretsUnavailable)):
        return CompanySetupError(str(exc))
    reason = network_reason(exc, "the Service Layer", rules.sap_url)
    if reason:
        return CompanySetupError(reason)
    message = getattr(exc, "message", None) or str(exc)
    return CompanySetupError(f"The Service Layer answered: {message}")


def _client(rules: TemplateRules) -> ServiceLayerClient:
    if not rules.sap_url:
        raise CompanySetupError("Enter the Service Layer URL in Connections first.")
    return ServiceLayerClient(sap_settings(rules, timeout=60.0))


_FAILURES = (
    ServiceLayerError,
    requests.RequestException,
    OSError,
    secrets.SecretMissing,
    secrets.SecretsUnavailable,
)


def _report(rules: TemplateRules, client: ServiceLayerClient) -> CompanyReport:
    state = udf.survey(client)
    return CompanyReport(
        rules.name,
        rules.sap_company_db,
        rules.sap_user,
        tuple(SetupField.from_state(s) for s in state.states),
    )


def company_report(database: Database, template_id: int) -> CompanyReport:
    """Read which of the add-on's fields the template's company has (changes nothing)."""
    rules = TemplateRules.load(database, template_id)
    try:
        client = _client(rules)
        try:
            return _report(rules, client)
        finally:
            client.close()
    except _FAILURES as exc:
        raise _explain(exc, rules) from exc


@dataclass(frozen=True)
class SetupOutcome:
    """What Company Setup created, and the company's fields afterwards."""

    created: tuple[SetupField, ...]
    report: CompanyReport


def set_up_company(database: Database, template_id: int) -> SetupOutcome:
    """Create the fields the template's company lacks; CompanySetupError when SAP refuses.

    Fields that exist with another type are left alone (SAP cannot change a
    field's type); the report afterwards still names them.
    """
    rules = TemplateRules.load(database, template_id)
    try:
        client = _client(rules)
        try:
            lacking = udf.survey(client).missing
            _create(client, rules, lacking)
            report = _report(rules, client)
        finally:
            client.close()
    except _FAILURES as exc:
        raise _explain(exc, rules) from exc
    still = {f.table for f in report.missing}
    created = [_row(f, "Present") for f in lacking if f.table not in still]
    return SetupOutcome(tuple(created), report)


SETUP_ATTEMPTS = 3
"""How often Company Setup looks again and adds what is still missing after a lost answer."""


def _create(client: ServiceLayerClient, rules: TemplateRules, lacking: list[udf.UserField]) -> None:
    """Add ``lacking``; a POST whose answer was lost is followed by a new survey, never blindly.

    SAP may have added the field before its answer was lost (a 502, a dropped
    connection), so the company is read again and only what is still missing is posted.
    """
    wanted = lacking
    for attempt in range(SETUP_ATTEMPTS):
        try:
            udf.create(client, wanted, user=rules.sap_user, company=rules.sap_company_db)
            return
        except udf.SetupRefused as refused:
            still = udf.missing(client)
            raise CompanySetupError(
                str(refused),
                sap_message=refused.sap_message,
                advice=refused.advice,
                created=[_row(f, "Present") for f in lacking if f not in still],
            ) from refused
        except ServiceLayerError as exc:
            lost = exc.status == 0 or exc.status >= 500
            if not lost or attempt == SETUP_ATTEMPTS - 1:
                raise
            wanted = udf.missing(client)


def _row(wanted: udf.UserField, status: str) -> SetupField:
    return SetupField(
        wanted.property_name, wanted.table, wanted.table_label, wanted.type_label, status
    )


_checked: weakref.WeakSet[SyncContext] = weakref.WeakSet()


def require_user_fields(ctx: SyncContext) -> None:
    """RunError naming the fix when the context's company lacks the add-on's fields.

    One ``GET UserFieldsMD`` per context: the jobs of one engine call share it.
    """
    from app.sync.jobs.errors import translate_errors  # app.sync.jobs imports the runner

    if ctx in _checked:
        return
    with translate_errors():
        state = udf.survey(ctx.sap.client)
    if not state.complete:
        rows = [SetupField.from_state(s) for s in state.states]
        message = fields_message(
            ctx.rules.sap_company_db,
            ctx.rules.name,
            [r for r in rows if r.status == "Missing"],
            [r for r in rows if r.status == "Different type"],
        )
        raise RunError(message or "the SAP company lacks the add-on's user fields")
    _checked.add(ctx)


def require_for_job(job: SyncJob) -> None:
    """The pre-flight of a run: jobs over a sync context need the add-on's fields."""
    if isinstance(job, ContextJob):
        require_user_fields(job.ctx)
