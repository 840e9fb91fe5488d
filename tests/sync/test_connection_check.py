"""Test connection tells the user, in plain words, what works and what does not."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from app import secrets
from app.sandbox import demo
from app.sandbox.launcher import RunningSandboxes
from app.sandbox.sapb1.server import ServiceLayerSandbox
from app.store import Database, Template
from app.sync.connection_check import check_sap, check_tagrain
from app.sync.connection_draft import ConnectionDraft


def _real_template(database: Database, **fields: object) -> int:
    with database.session() as session:
        template = Template(
            name="Store West",
            sap_company_db=demo.COMPANY_DB,
            sap_user=demo.SAP_USER,
            **fields,
        )
        session.add(template)
        session.flush()
        return template.id


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def https_service_layer() -> Iterator[ServiceLayerSandbox]:
    server = ServiceLayerSandbox(customers=5, items=5).start(tls=True)
    yield server
    server.stop()


def test_sandbox_template_connects_on_both_sides(database: Database, template_id: int) -> None:
    sap = check_sap(database, template_id)
    assert sap.ok, sap.message
    assert sap.message == "Connected to SAP Business One company SBODEMOUS as manager."
    tagrain = check_tagrain(database, template_id)
    assert tagrain.ok and tagrain.message == "Connected to Tagrain: 4 stores."


def test_wrong_password_and_wrong_api_key_are_named(
    database: Database, sandboxes: RunningSandboxes
) -> None:
    template_id = _real_template(
        database, sap_url=sandboxes.sap_url, tagrain_url=sandboxes.tagrain_url
    )
    secrets.set_secret("Store West", secrets.SecretKind.SAP_PASSWORD, "not-the-password")
    secrets.set_secret("Store West", secrets.SecretKind.TAGRAIN_API_KEY, "tg_wrong_key_123")
    sap = check_sap(database, template_id)
    assert not sap.ok
    assert sap.message.startswith("SAP Business One refused user 'manager' for company 'SBODEMOUS'")
    assert "not-the-password" not in sap.message
    tagrain = check_tagrain(database, template_id)
    assert not tagrain.ok and tagrain.message.startswith("Tagrain refused the API key")
    assert "tg_wrong_key_123" not in tagrain.message


def test_missing_secret_says_where_to_enter_it(
    database: Database, sandboxes: RunningSandboxes
) -> None:
    template_id = _real_template(database, sap_url=sandboxes.sap_url)
    result = check_sap(database, template_id)
    assert not result.ok
    assert "No sap password is stored for template 'Store West'" in result.message


def test_unreachable_servers_are_reported_as_such(database: Database) -> None:
    port = _closed_port()
    template_id = _real_template(
        database,
        sap_url=f"http://127.0.0.1:{port}",
        tagrain_url=f"http://127.0.0.1:{port}",
    )
    secrets.set_secret("Store West", secrets.SecretKind.SAP_PASSWORD, "manager")
    secrets.set_secret("Store West", secrets.SecretKind.TAGRAIN_API_KEY, demo.TAGRAIN_API_KEY)
    sap = check_sap(database, template_id)
    assert not sap.ok and sap.message.startswith("Cannot reach the Service Layer"), sap.message
    tagrain = check_tagrain(database, template_id)
    assert not tagrain.ok and tagrain.message.startswith("Cannot reach Tagrain"), tagrain.message


def test_untrusted_certificate_is_explained_and_a_ca_file_fixes_it(
    database: Database, https_service_layer: ServiceLayerSandbox
) -> None:
    template_id = _real_template(database, sap_url=https_service_layer.url)
    secrets.set_secret("Store West", secrets.SecretKind.SAP_PASSWORD, demo.SAP_PASSWORD)
    result = check_sap(database, template_id)
    assert not result.ok
    assert "is not trusted" in result.message, result.message
    with database.session() as session:
        session.get_one(Template, template_id).sap_ca_file = str(
            https_service_layer.certificate_path
        )
    assert check_sap(database, template_id).ok


def _draft(template: Template, **changes: object) -> ConnectionDraft:
    fields: dict[str, object] = {
        "sap_url": template.sap_url,
        "sap_version": template.sap_version,
        "sap_company_db": template.sap_company_db,
        "sap_user": template.sap_user,
        "sap_verify_tls": template.sap_verify_tls,
        "sap_ca_file": template.sap_ca_file or "",
        "tagrain_url": template.tagrain_url,
    }
    fields.update(changes)
    return ConnectionDraft(**fields)  # type: ignore[arg-type]


def test_typed_values_are_tested_before_they_are_saved(
    database: Database, sandboxes: RunningSandboxes
) -> None:
    port = _closed_port()
    template_id = _real_template(
        database, sap_url=f"http://127.0.0.1:{port}", tagrain_url=f"http://127.0.0.1:{port}"
    )
    secrets.set_secret("Store West", secrets.SecretKind.SAP_PASSWORD, "not-the-password")
    with database.session() as session:
        template = session.get_one(Template, template_id)
        typed = _draft(
            template,
            sap_url=sandboxes.sap_url,
            tagrain_url=sandboxes.tagrain_url,
            sap_password=demo.SAP_PASSWORD,
            tagrain_api_key=demo.TAGRAIN_API_KEY,
        )
        stored_password_only = _draft(template, sap_url=sandboxes.sap_url)
    sap = check_sap(database, template_id, typed)
    assert sap.ok, sap.message
    assert check_tagrain(database, template_id, typed).message == "Connected to Tagrain: 4 stores."
    refused = check_sap(database, template_id, stored_password_only)
    assert refused.message.startswith("SAP Business One refused user 'manager'")
    assert "sap_password" not in repr(typed) and demo.TAGRAIN_API_KEY not in repr(typed)
    with database.session() as session:
        assert session.get_one(Template, template_id).sap_url == f"http://127.0.0.1:{port}"
    assert secrets.get_secret("Store West", secrets.SecretKind.SAP_PASSWORD) == "not-the-password"
    assert secrets.get_secret("Store West", secrets.SecretKind.TAGRAIN_API_KEY) is None
    assert not check_sap(database, template_id).ok
