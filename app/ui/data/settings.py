"""A template's connection and general settings: load for a form, save in one transaction."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app import secrets
from app.secrets import SecretKind
from app.store import Database, Template, changes
from app.sync.leases import this_process
from app.ui.data.errors import InputError

if TYPE_CHECKING:
    from app.sync.preflight import Problem

SAP_VERSIONS = ("v2", "v1")


@dataclass(frozen=True)
class ConnectionSettings:
    """The non-secret connection fields of a template."""

    sap_url: str
    sap_version: str
    sap_company_db: str
    sap_user: str
    sap_verify_tls: bool
    sap_ca_file: str
    tagrain_url: str


@dataclass(frozen=True)
class SecretState:
    """Whether each secret is stored (the value itself never leaves app.secrets here)."""

    sap_password: bool
    tagrain_api_key: bool


@dataclass(frozen=True)
class GeneralSettings:
    """The posting defaults of a template."""

    default_price_list: int | None
    default_cash_customer: str | None
    default_payment_terms: int | None
    exempt_tax_code: str | None
    cash_account: str | None
    default_currency: str | None
    branch_id: int | None
    new_customer_group: int | None
    new_customer_code_prefix: str | None


GENERAL_FIELDS = tuple(GeneralSettings.__dataclass_fields__)


def _template(session: Session, template_id: int) -> Template:
    template = session.get(Template, template_id)
    if template is None:
        raise InputError("The template no longer exists; it was removed elsewhere.")
    return template


def template_name(db: Database, template_id: int) -> str:
    """The template's current name (secrets are keyed by it)."""
    with db.session() as session:
        return _template(session, template_id).name


def load_connection(db: Database, template_id: int) -> ConnectionSettings:
    """The stored connection fields."""
    with db.session() as session:
        t = _template(session, template_id)
        return ConnectionSettings(
            sap_url=t.sap_url,
            sap_version=t.sap_version,
            sap_company_db=t.sap_company_db,
            sap_user=t.sap_user,
            sap_verify_tls=t.sap_verify_tls,
            sap_ca_file=t.sap_ca_file or "",
            tagrain_url=t.tagrain_url,
        )


def secret_state(template_name: str) -> SecretState:
    """Which secrets the keyring holds for the template (raises SecretsUnavailable)."""
    return SecretState(
        sap_password=secrets.get_secret(template_name, SecretKind.SAP_PASSWORD) is not None,
        tagrain_api_key=secrets.get_secret(template_name, SecretKind.TAGRAIN_API_KEY) is not None,
    )


def save_connection(
    db: Database,
    template_id: int,
    settings: ConnectionSettings,
    *,
    sap_password: str = "",
    tagrain_api_key: str = "",
) -> None:
    """Store the fields; a non-empty secret replaces the stored one, an empty one keeps it.

    The keyring is written last inside the transaction, so a refused secret
    rolls the field changes back too.
    """
    if settings.sap_version not in SAP_VERSIONS:
        raise InputError(f"Unknown Service Layer version {settings.sap_version!r}.", "sap_version")
    with db.session() as session:
        t = _template(session, template_id)
        t.sap_url = settings.sap_url
        t.sap_version = settings.sap_version
        t.sap_company_db = settings.sap_company_db
        t.sap_user = settings.sap_user
        t.sap_verify_tls = settings.sap_verify_tls
        t.sap_ca_file = settings.sap_ca_file or None
        t.tagrain_url = settings.tagrain_url
        session.flush()
        changes.bump(session, changes.TEMPLATES, this_process())
        if sap_password:
            secrets.set_secret(t.name, SecretKind.SAP_PASSWORD, sap_password)
        if tagrain_api_key:
            secrets.set_secret(t.name, SecretKind.TAGRAIN_API_KEY, tagrain_api_key)


def load_general(db: Database, template_id: int) -> GeneralSettings:
    """The stored posting defaults."""
    with db.session() as session:
        t = _template(session, template_id)
        return GeneralSettings(**{name: getattr(t, name) for name in GENERAL_FIELDS})


def save_general(db: Database, template_id: int, settings: GeneralSettings) -> None:
    """Store the posting defaults in one transaction."""
    with db.session() as session:
        t = _template(session, template_id)
        for name in GENERAL_FIELDS:
            setattr(t, name, getattr(settings, name))
        changes.bump(session, changes.TEMPLATES, this_process())


def check_general(db: Database, template_id: int, settings: GeneralSettings) -> list[Problem]:
    """The codes of ``settings`` SAP does not know (the run's pre-flight, before saving).

    Raises the sync core's errors when SAP cannot be asked.
    """
    from app.sync.preflight import check_general as preflight_general

    return preflight_general(db, template_id, asdict(settings))
