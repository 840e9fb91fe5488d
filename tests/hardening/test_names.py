"""Names from the real world: other scripts, right to left, emoji, and a 100 kB name.

Customers renamed in Tagrain flow to SAP's CardName; what SAP can hold must
arrive unchanged, character for character, and what it cannot (a name longer
than its column) must fail alone with SAP's words and wait for a retry.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.connectors.sapb1.errors import BusinessRuleError
from app.store import Link, RecordLog
from tests.hardening.conftest import Raw, World


def _customer(world: World, position: int) -> Raw:
    """A Tagrain customer already linked to SAP (a different one per test)."""
    ids = world.sandboxes.tagrain.ids("customers")
    record = world.sandboxes.tagrain.record("customers", ids[position])
    assert record is not None
    return record


def _card_code(world: World, customer_id: str) -> str:
    with world.database.session() as session:
        link = (
            session.query(Link)
            .filter(Link.template_id == world.template_id, Link.object == "customers")
            .filter(Link.tagrain_id == customer_id)
            .one()
        )
        return link.sap_key


def _sap_name(world: World, customer_id: str) -> str:
    bp = world.sandboxes.service_layer.entity("BusinessPartners", _card_code(world, customer_id))
    assert bp is not None
    return str(bp["CardName"])


def _rename(world: World, customer: Raw, **names: Any) -> None:
    world.sandboxes.tagrain.touch(
        "customers",
        customer["id"],
        **{"company": None, "first_name": None, "last_name": None} | names,
    )


def test_non_latin_and_right_to_left_names_arrive_unchanged(clean_world: World) -> None:
    world = clean_world
    arabic_hebrew, chinese = _customer(world, -1), _customer(world, -2)
    _rename(world, arabic_hebrew, first_name="مريم", last_name="כהן־לוי")
    _rename(world, chinese, company="王氏贸易有限公司")
    down = world.runs("customers")[0]
    assert down.status == "succeeded" and down.updated >= 2, down
    assert _sap_name(world, arabic_hebrew["id"]) == "مريم כהן־לוי"
    assert _sap_name(world, chinese["id"]) == "王氏贸易有限公司"
    again = world.runs("customers")[0]
    assert again.updated == 0, "a name that went through unchanged is not written again"
    for customer in (arabic_hebrew, chinese):
        body = world.sandboxes.tagrain.record("customers", customer["id"])
        assert body is not None and body["updated_at"] != customer["updated_at"]


def test_emoji_in_names_and_receipt_lines_arrive_unchanged(clean_world: World) -> None:
    world = clean_world
    customer = _customer(world, -3)
    _rename(world, customer, first_name="Zoë 🌻", last_name="Café ☕👩‍👩‍👧")
    down = world.runs("customers")[0]
    assert down.failed == 0, down
    assert _sap_name(world, customer["id"]) == "Zoë 🌻 Café ☕👩‍👩‍👧"
    sale = world.fresh_sales(1)[0]
    lines = [dict(line) for line in sale["lines"]]
    lines[0]["description"] = "Gift wrap 🎁 ✨"
    world.sandboxes.tagrain.touch("sales", sale["id"], lines=lines)
    result = world.run("sales")
    assert result.failed == 0, result
    invoices = world.sandboxes.service_layer.entities("Invoices", f"U_TG_ID eq '{sale['id']}'")
    assert len(invoices) == 1
    first = min(invoices[0]["DocumentLines"], key=lambda line: line["LineNum"])
    assert first["ItemDescription"] == "Gift wrap 🎁 ✨"


def test_a_100_kb_name_is_cut_to_what_sap_holds_and_the_log_says_so(clean_world: World) -> None:
    world = clean_world
    huge, renamed = _customer(world, -4), _customer(world, -5)
    _rename(world, huge, first_name="A" * 100_000)
    _rename(world, renamed, first_name="Renée", last_name="Okafor")
    down = world.runs("customers")[0]
    assert down.status == "succeeded" and down.updated == 2, down
    assert _sap_name(world, huge["id"]) == "A" * 100, "SAP's CardName holds 100 characters"
    assert _sap_name(world, renamed["id"]) == "Renée Okafor", "the rest of the run went on"
    with world.database.session() as session:
        logged = (
            session.query(RecordLog)
            .filter(RecordLog.run_id == down.run_id, RecordLog.source_id == huge["id"])
            .one()
        )
    assert logged.message is not None and logged.message.endswith(
        "the name has 100000 characters; SAP keeps the first 100 (BusinessPartner.CardName)"
    )
    again = world.runs("customers")[0]
    assert again.updated == 0 and again.failed == 0, "the cut name is not written again and again"
    world.sandboxes.tagrain.touch(
        "customers",
        huge["id"],
        first_name=huge["first_name"],
        last_name=huge["last_name"],
        company=huge["company"],
    )
    world.runs("customers")


def test_sap_refuses_a_name_longer_than_its_column(clean_world: World) -> None:
    """The sandbox holds SAP to its column size, so the cut above is needed, not cosmetic."""
    world = clean_world
    customer = _customer(world, -6)
    card_code = _card_code(world, customer["id"])
    ctx = world.context()
    try:
        with pytest.raises(BusinessRuleError) as refused:
            ctx.sap.client.update("BusinessPartners", card_code, {"CardName": "B" * 101})
    finally:
        ctx.close()
    assert refused.value.message == "Value too long in property 'CardName' of 'BusinessPartner'"
