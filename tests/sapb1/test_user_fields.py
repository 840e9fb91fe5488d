"""The connector's company setup: surveys the add-on's user fields and adds the missing ones.

Against a sandbox company that starts without them, over v1 and v2: the
survey reads what is there, ``create`` adds exactly what is missing and a
second pass adds nothing, a field of another type is reported and never
overwritten, and each refusal of SAP comes back word for word with what to do.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.connectors.sapb1 import ServiceLayerClient
from app.connectors.sapb1 import user_fields as udf
from app.connectors.sapb1.errors import ServiceLayerError, error_for
from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import settings_for

TABLES = ["OCRD", "OITM", "OINV", "ORCT", "OVPM", "OJDT"]


@pytest.fixture
def fresh_client(fresh_sandbox: ServiceLayerSandbox, version: str) -> Iterator[ServiceLayerClient]:
    """A client of a company without the add-on's fields, in the parametrized version."""
    with ServiceLayerClient(settings_for(fresh_sandbox, version)) as client:
        yield client


def _registered(sandbox: ServiceLayerSandbox) -> list[tuple[str, str, str, int]]:
    return sorted(
        (f["TableName"], f["Name"], f["Type"], f["Size"]) for f in sandbox.entities("UserFieldsMD")
    )


def test_the_add_on_needs_tg_id_on_every_table_it_marks() -> None:
    assert [f.table for f in udf.ADDON_FIELDS] == TABLES
    assert {(f.property_name, f.type, f.size, f.description) for f in udf.ADDON_FIELDS} == {
        ("U_TG_ID", "db_Alpha", 50, "Tagrain ID")
    }


def test_setup_creates_exactly_the_missing_fields_once(
    fresh_sandbox: ServiceLayerSandbox, fresh_client: ServiceLayerClient
) -> None:
    before = udf.survey(fresh_client)
    assert not before.complete
    assert [f.table for f in before.missing] == TABLES
    done = udf.create(fresh_client, before.missing)
    assert [f.table for f in done.created] == TABLES
    assert _registered(fresh_sandbox) == sorted((t, "TG_ID", "db_Alpha", 50) for t in TABLES)
    assert udf.survey(fresh_client).complete
    assert udf.missing(fresh_client) == []
    posts = len([r for r in fresh_sandbox.requests if r.method == "POST"])
    udf.create(fresh_client, udf.missing(fresh_client))
    assert len([r for r in fresh_sandbox.requests if r.method == "POST"]) == posts


def test_setup_adds_only_what_a_half_set_up_company_lacks(
    fresh_sandbox: ServiceLayerSandbox, fresh_client: ServiceLayerClient
) -> None:
    udf.create(fresh_client, [udf.ADDON_FIELDS[0], udf.ADDON_FIELDS[3]])
    missing = udf.missing(fresh_client)
    assert [f.table for f in missing] == ["OITM", "OINV", "OVPM", "OJDT"]
    udf.create(fresh_client, missing)
    assert len(_registered(fresh_sandbox)) == len(TABLES)


def test_marketing_documents_share_one_field_as_in_sap(
    fresh_sandbox: ServiceLayerSandbox, fresh_client: ServiceLayerClient
) -> None:
    """SAP keeps one set of user fields for all marketing documents: the field the
    setup adds on OINV is on credit memos too, and a second one on ORIN is refused
    as a duplicate."""
    with pytest.raises(ServiceLayerError) as before:
        fresh_client.first("CreditNotes", "U_TG_ID eq 'R-1'")
    assert before.value.message == "Property 'U_TG_ID' of 'Document' is invalid"
    fresh_client.create("UserFieldsMD", udf.ADDON_FIELDS[2].to_entity())
    assert fresh_client.first("CreditNotes", "U_TG_ID eq 'R-1'") is None
    with pytest.raises(ServiceLayerError) as refused:
        fresh_client.create(
            "UserFieldsMD", {**udf.ADDON_FIELDS[2].to_entity(), "TableName": "ORIN"}
        )
    assert refused.value.code == -2035


def test_a_field_of_another_type_is_a_conflict_and_sap_refuses_it_twice(
    fresh_sandbox: ServiceLayerSandbox, fresh_client: ServiceLayerClient
) -> None:
    fresh_client.create(
        "UserFieldsMD",
        {"TableName": "OCRD", "Name": "TG_ID", "Type": "db_Numeric", "EditSize": 11},
    )
    state = udf.survey(fresh_client)
    assert [f.table for f in state.missing] == TABLES[1:]
    [conflict] = state.conflicts
    assert conflict.status == "Different type"
    assert conflict.conflict is not None
    assert "exists as Numeric (11); the add-on needs Alphanumeric (50)" in conflict.conflict
    with pytest.raises(udf.SetupRefused) as caught:
        udf.create(fresh_client, [udf.ADDON_FIELDS[0], udf.ADDON_FIELDS[1]])
    refused = caught.value
    assert refused.code == -2035
    assert refused.sap_message == "This entry already exists in the following tables (ODBC -2035)"
    assert (
        "already exists" in refused.advice and "User-Defined Fields - Management" in refused.advice
    )
    assert refused.created == []
    assert _registered(fresh_sandbox) == [("OCRD", "TG_ID", "db_Numeric", 11)]


def test_a_user_without_the_right_is_told_who_may(
    fresh_sandbox: ServiceLayerSandbox, fresh_client: ServiceLayerClient
) -> None:
    fresh_sandbox.rules.user_fields_denied.add(demo.SAP_USER)
    with pytest.raises(udf.SetupRefused) as caught:
        udf.create(fresh_client, udf.ADDON_FIELDS)
    refused = caught.value
    assert (refused.code, refused.sap_message) == (
        -6006,
        "You are not permitted to perform this action",
    )
    assert f"SAP user '{demo.SAP_USER}' may not add user-defined fields" in refused.advice
    assert "superuser" in refused.advice
    assert str(refused).startswith(
        "SAP refused to add U_TG_ID on OCRD (Business partners) (-6006): "
        "You are not permitted to perform this action\nWhat to do: "
    )
    assert _registered(fresh_sandbox) == []


def test_other_users_connected_stop_the_setup_midway_and_it_says_what_to_do(
    fresh_sandbox: ServiceLayerSandbox, fresh_client: ServiceLayerClient
) -> None:
    udf.create(fresh_client, udf.ADDON_FIELDS[:2])
    fresh_sandbox.rules.other_users_connected = True
    with pytest.raises(udf.SetupRefused) as caught:
        udf.create(fresh_client, udf.missing(fresh_client))
    refused = caught.value
    assert (refused.code, refused.sap_message) == (
        -1120,
        "Ref count for this object is higher then 0",
    )
    assert "Ask every other user to log off" in refused.advice
    assert demo.COMPANY_DB in refused.advice
    fresh_sandbox.rules.other_users_connected = False
    udf.create(fresh_client, udf.missing(fresh_client))
    assert udf.survey(fresh_client).complete


@pytest.mark.parametrize(
    ("status", "code", "message", "advice"),
    [
        (403, -6006, "You are not permitted to perform this action", "may not add user-defined"),
        (400, -10, "User has no authorization for this action", "may not add user-defined"),
        (400, -1120, "Ref count for this object is higher then 0", "Ask every other user"),
        (400, -10, "Other users are connected to the company", "Ask every other user"),
        (400, -2035, "This entry already exists in the following tables (ODBC -2035)", "exists"),
        (400, -10, "Invalid field name", "Add U_TG_ID on OCRD (Business partners) as Alpha"),
    ],
)
def test_advice_follows_sap_code_or_words(
    status: int, code: int, message: str, advice: str
) -> None:
    body = f'{{"error": {{"code": "{code}", "message": "{message}"}}}}'.encode()
    error = error_for(status, body)
    words = udf.advice_for(error, udf.ADDON_FIELDS[0], "clerk", "SBODEMOUS")
    assert advice in words
