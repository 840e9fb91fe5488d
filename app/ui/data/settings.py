"""A template's connection and general settings: load for a form, save in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app import secrets
from app.secrets import SecretKind
from app.store import Database, Template, changes
from app.sync.leases import this_process
from app.ui.data.errors import InputError
from app.ui.data.validation import check_code, check_currency, check_int, check_url

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

_GENERAL_RULES: dict[str, tuple[str, str, int]] = {
    "default_price_list": ("int", "default price list", 0),
    "default_cash_customer": ("code", "cash customer", 50),
    "default_payment_terms": ("int", "payment terms code", 0),
    "exempt_tax_code": ("code", "exempt tax code", 20),
    "cash_account": ("code", "cash account", 50),
    "default_currency": ("currency", "default currency", 0),
    "branch_id": ("int", "branch", 0),
    "new_customer_group": ("int", "customer group", 0),
    "new_customer_code_prefix": ("code", "code prefix", 20),
}
"""General Settings field → (kind of value, its label in messages, at most so many characters)."""


def general_settings(texts: Mapping[str, str]) -> GeneralSettings:
    """The posting defaults as typed (field → text; a missing field is empty).

    InputError names the field that is wrong. The General Settings form and a
    template file (``app.template_files``) both go through here.
    """
    values: dict[str, Any] = {}
    for name, (kind, label, length) in _GENERAL_RULES.items():
        text = texts.get(name, "")
        if kind == "int":
            values[name] = check_int(text, name, label)
        elif kind == "currency":
            values[name] = check_currency(text, name, label)
        else:
            values[name] = check_code(text, name, label, length)
    return GeneralSettings(**values)


def connection_settings(
    *,
    sap_url: str,
    sap_version: str,
    sap_company_db: str,
    sap_user: str,
    sap_verify_tls: bool,
    sap_ca_file: str,
    tagrain_url: str,
) -> ConnectionSettings:
    """The connection fields as typed, checked; InputError names the field that is wrong.

    Once any SAP field is filled, the URL, company database and user are all
    needed. The Connections form and a template file both go through here.
    """
    settings = ConnectionSettings(
        sap_url=check_url(sap_url, "sap_url", "Service Layer URL"),
        sap_version=sap_version,
        sap_company_db=sap_company_db.strip(),
        sap_user=sap_user.strip(),
        sap_verify_tls=sap_verify_tls,
        sap_ca_file=sap_ca_file.strip(),
        tagrain_url=check_url(tagrain_url, "tagrain_url", "Tagrain base URL"),
    )
    if settings.sap_version not in SAP_VERSIONS:
        raise InputError(f"Unknown Service Layer version {settings.sap_version!r}.", "sap_version")
    required = (
        ("sap_url", settings.sap_url, "Service Layer URL"),
        ("sap_company_db", settings.sap_company_db, "company database"),
        ("sap_user", settings.sap_user, "SAP user name"),
    )
    if any(value for _name, value, _label in required):
        for name, value, label in required:
            if not value:
                raise InputError(f"Enter the {label}: the SAP connection needs it.", name)
    return settings


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
        write_connection(t, settings)
        session.flush()
        changes.bump(session, changes.TEMPLATES, this_process())
        if sap_password:
            secrets.set_secret(t.name, SecretKind.SAP_PASSWORD, sap_password)
        if tagrain_api_key:
            secrets.set_secret(t.name, SecretKind.TAGRAIN_API_KEY, tagrain_api_key)


def write_connection(template: Template, settings: ConnectionSettings) -> None:
    """Put the connection fields on a template row (the caller's transaction stores them)."""
    template.sap_url = settings.sap_url
    template.sap_version = settings.sap_version
    template.sap_company_db = settings.sap_company_db
    template.sap_user = settings.sap_user
    template.sap_verify_tls = settings.sap_verify_tls
    template.sap_ca_file = settings.sap_ca_file or None
    template.tagrain_url = settings.tagrain_url


def write_general(template: Template, settings: GeneralSettings) -> None:
    """Put the posting defaults on a template row (the caller's transaction stores them)."""
    for name in GENERAL_FIELDS:
        setattr(template, name, getattr(settings, name))


def load_general(db: Database, template_id: int) -> GeneralSettings:
    """The stored posting defaults."""
    with db.session() as session:
        t = _template(session, template_id)
        return GeneralSettings(**{name: getattr(t, name) for name in GENERAL_FIELDS})


def save_general(db: Database, template_id: int, settings: GeneralSettings) -> None:
    """Store the posting defaults in one transaction."""
    with db.session() as session:
        write_general(_template(session, template_id), settings)
        changes.bump(session, changes.TEMPLATES, this_process())


def check_general(db: Database, template_id: int, settings: GeneralSettings) -> list[Problem]:
    """The codes of ``settings`` SAP does not know (the run's pre-flight, before saving).

    Raises the sync core's errors when SAP cannot be asked.
    """
    from app.sync.preflight import check_general as preflight_general

    return preflight_general(db, template_id, asdict(settings))
