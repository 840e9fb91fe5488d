"""Company Setup end to end: a company without the add-on's user fields, then with them.

The demo company gets its fields on the Sandbox template's first start (the
product's setup over the Service Layer). A person removing them turns the
company into one SAP delivers: Test Connection names the fix, every run
stops before it reads or writes anything with one run-level error, and
Company Setup adds exactly the missing fields, after which the sync posts.
The books are read back through the Service Layer.
"""

from __future__ import annotations

import pytest

from app.connectors.sapb1 import ServiceLayerClient
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, RecordLog, Run, Template
from app.sync.company_setup import company_report, set_up_company
from app.sync.connection_check import check_sap
from app.sync.context import TemplateRules, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS

TABLES = ["OCRD", "OITM", "OINV", "ORCT", "OVPM", "OJDT"]
FIX = (
    "run Company Setup (Administration → Integration Hub → Company Setup) or "
    "`integration-hub company setup --template Sandbox`"
)


def _client(database: Database, template_id: int) -> ServiceLayerClient:
    return ServiceLayerClient(sap_settings(TemplateRules.load(database, template_id)))


def _fields(database: Database, template_id: int) -> list[tuple[str, str, str, int]]:
    with _client(database, template_id) as client:
        return sorted(
            (f["TableName"], f["Name"], f["Type"], f["Size"])
            for f in client.iter_entities("UserFieldsMD")
        )


def _remove_fields(database: Database, template_id: int, tables: list[str]) -> None:
    """What an administrator does in User-Defined Fields - Management: remove them."""
    with _client(database, template_id) as client:
        for field in list(client.iter_entities("UserFieldsMD")):
            if field["TableName"] in tables:
                client.delete(
                    "UserFieldsMD", {"TableName": field["TableName"], "FieldID": field["FieldID"]}
                )


def _count(database: Database, template_id: int, entity: str) -> int:
    with _client(database, template_id) as client:
        return client.count(entity)


def test_the_sandbox_template_sets_the_demo_company_up_over_the_service_layer(
    database: Database, template_id: int, sandboxes: RunningSandboxes
) -> None:
    assert _fields(database, template_id) == [(t, "TG_ID", "db_Alpha", 50) for t in sorted(TABLES)]
    posts = [
        r
        for r in sandboxes.service_layer.requests
        if r.method == "POST" and "UserFieldsMD" in r.path
    ]
    assert len(posts) == len(TABLES)
    assert company_report(database, template_id).complete


def test_a_company_without_the_fields_is_named_and_refused_then_set_up(
    database: Database, template_id: int
) -> None:
    _remove_fields(database, template_id, TABLES)
    invoices = _count(database, template_id, "Invoices")

    check = check_sap(database, template_id)
    assert check.ok and check.needs_setup
    assert check.message == (
        "Connected to SAP Business One company SBODEMOUS as manager, but SAP company SBODEMOUS "
        "lacks the add-on's user fields U_TG_ID on OCRD, U_TG_ID on OITM, U_TG_ID on OINV, "
        "U_TG_ID on ORCT, U_TG_ID on OVPM, U_TG_ID on OJDT — " + FIX + "."
    )

    engine = Engine(database, OBJECTS)
    for dry_run in (True, False):
        [sales] = engine.run("sales", template_id, dry_run=dry_run)
        assert sales.status == "failed"
        assert sales.message is not None and sales.message.startswith(
            "SAP company SBODEMOUS lacks the add-on's user fields U_TG_ID on OCRD"
        )
        assert sales.message.endswith(FIX)
        assert sales.total == 0
    with database.session() as session:
        assert session.query(RecordLog).count() == 0
        assert {r.status for r in session.query(Run)} == {"failed"}
    assert _count(database, template_id, "Invoices") == invoices
    assert _count(database, template_id, "IncomingPayments") == 0

    report = company_report(database, template_id)
    assert [f.table for f in report.missing] == TABLES
    outcome = set_up_company(database, template_id)
    assert [f.table for f in outcome.created] == TABLES
    assert outcome.report.complete
    assert set_up_company(database, template_id).created == ()
    assert len(_fields(database, template_id)) == len(TABLES)
    assert not check_sap(database, template_id).needs_setup

    [sales] = engine.run("sales", template_id)
    assert sales.status in {"succeeded", "partial"}, sales.message
    assert sales.created > 0
    assert _count(database, template_id, "Invoices") > invoices


def test_a_half_set_up_company_gets_only_what_it_lacks(
    database: Database, template_id: int
) -> None:
    _remove_fields(database, template_id, ["ORCT", "OJDT"])
    runs = Engine(database, OBJECTS).run("customers", template_id)
    assert [r.status for r in runs] == ["failed", "failed"]
    expected = (
        "SAP company SBODEMOUS lacks the add-on's user fields U_TG_ID on ORCT, "
        "U_TG_ID on OJDT — " + FIX
    )
    assert {r.message for r in runs} == {expected}
    outcome = set_up_company(database, template_id)
    assert [f.table for f in outcome.created] == ["ORCT", "OJDT"]


def test_a_field_of_another_type_is_named_and_left_alone(
    database: Database, template_id: int
) -> None:
    _remove_fields(database, template_id, ["OITM"])
    with _client(database, template_id) as client:
        client.create(
            "UserFieldsMD",
            {"TableName": "OITM", "Name": "TG_ID", "Type": "db_Numeric", "EditSize": 11},
        )
    report = company_report(database, template_id)
    assert [(f.table, f.status) for f in report.fields if f.status != "Present"] == [
        ("OITM", "Different type")
    ]
    outcome = set_up_company(database, template_id)
    assert outcome.created == ()
    problem = outcome.report.problem()
    assert problem is not None
    assert "U_TG_ID on OITM (Items) exists as Numeric (11); the add-on needs Alphanumeric (50)" in (
        problem
    )
    [run] = Engine(database, OBJECTS).run("expenses", template_id)
    assert run.status == "failed" and run.message == problem


def test_a_lost_answer_is_followed_by_a_new_look_never_by_a_blind_post(
    database: Database, template_id: int, sandboxes: RunningSandboxes
) -> None:
    _remove_fields(database, template_id, TABLES)
    sandboxes.service_layer.faults.lose_next_acks(2, method="POST", path=r"/UserFieldsMD$")
    outcome = set_up_company(database, template_id)
    assert sandboxes.service_layer.faults.aimed_lost_acks == 0
    assert [f.table for f in outcome.created] == TABLES
    assert outcome.report.complete
    assert _fields(database, template_id) == [(t, "TG_ID", "db_Alpha", 50) for t in sorted(TABLES)]


def test_a_sandbox_template_that_cannot_reach_its_company_says_why_and_still_starts(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    running = start_sandboxes(SandboxOptions(scale=SandboxScale(customers=3, items=3), https=True))
    try:
        template_id = ensure_sandbox_template(database, running.sap_url, running.tagrain_url)
        assert "the demo company could not be set up" in caplog.text
        assert "is not trusted" in caplog.text
        assert running.service_layer.count("UserFieldsMD") == 0
        with database.session() as session:
            session.get_one(Template, template_id).sap_ca_file = str(
                running.service_layer.certificate_path
            )
        assert [f.table for f in set_up_company(database, template_id).created] == TABLES
    finally:
        running.stop()
