"""Serial and batch numbers from a receipt or refund line onto the SAP line; no servers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.connectors.sapb1.records import BatchPick
from app.connectors.tagrain.records import LotPick
from app.sync.mapping.refunds import RefundDependencies, map_refund
from app.sync.mapping.sales import SaleDependencies, map_sale
from app.sync.records import WaitingError
from tests.sync.mapping_records import INVOICE, NEW_YORK, NOW, TAXES, D, refund, rules, sale


def sale_deps(**tracking: str) -> SaleDependencies:
    return SaleDependencies("C0042", "NYC", "WH-NYC", 3, NEW_YORK, TAXES, NOW, tracking=tracking)


def refund_deps(**tracking: str) -> RefundDependencies:
    return RefundDependencies(
        "C0042", "WH-NYC", 3, NEW_YORK, TAXES, INVOICE, sale(), NOW, tracking=tracking
    )


def shirts(**changes: Any) -> Any:
    """``sale()`` with its shirt line (line 1, two units) changed."""
    card, shirt = sale().lines
    return sale(lines=(card, replace(shirt, **changes)))


def test_serials_go_on_the_invoice_line_one_per_unit() -> None:
    draft = map_sale(
        shirts(serial_numbers=("S-1", "S-2")), sale_deps(**{"SH-1": "serial"}), rules()
    )
    line = draft.lines[0]
    assert (line.item_code, line.serials, line.batches) == ("SH-1", ("S-1", "S-2"), ())
    assert draft.lines[1].serials == () and draft.lines[1].batches == ()
    assert draft.to_entity()["DocumentLines"][0]["SerialNumbers"] == [
        {"InternalSerialNumber": "S-1", "Quantity": 1.0, "BaseLineNumber": 0},
        {"InternalSerialNumber": "S-2", "Quantity": 1.0, "BaseLineNumber": 0},
    ]
    assert "SerialNumbers" not in draft.to_entity()["DocumentLines"][1]


def test_batches_go_on_the_invoice_line_with_their_quantities() -> None:
    picks = (LotPick("L-1", D("1.5")), LotPick("L-2", D("0.5")))
    draft = map_sale(shirts(batches=picks), sale_deps(**{"SH-1": "batch"}), rules())
    assert draft.lines[0].batches == (BatchPick("L-1", D("1.5")), BatchPick("L-2", D("0.5")))
    assert draft.to_entity()["DocumentLines"][0]["BatchNumbers"] == [
        {"BatchNumber": "L-1", "Quantity": 1.5, "BaseLineNumber": 0},
        {"BatchNumber": "L-2", "Quantity": 0.5, "BaseLineNumber": 0},
    ]


def test_numbers_of_an_item_sap_does_not_track_are_not_sent() -> None:
    draft = map_sale(shirts(serial_numbers=("S-1", "S-2")), sale_deps(), rules())
    assert draft.lines[0].serials == ()


@pytest.mark.parametrize(
    ("changes", "tracking", "message"),
    [
        (
            {"serial_numbers": ("S-1",)},
            "serial",
            "line 1, item SH-1 (serial-managed): Tagrain sent 1 of 2 serial numbers; "
            "scan them in Tagrain",
        ),
        (
            {},
            "serial",
            "line 1, item SH-1 (serial-managed): Tagrain sent 0 of 2 serial numbers; "
            "scan them in Tagrain",
        ),
        (
            {"serial_numbers": ("S-1", "S-1")},
            "serial",
            "line 1, item SH-1 (serial-managed): Tagrain sent the same serial number twice; "
            "scan them in Tagrain",
        ),
        (
            {"batches": (LotPick("L-1", D("1")),)},
            "batch",
            "line 1, item SH-1 (batch-managed): Tagrain's batches cover 1 of 2 units; "
            "scan them in Tagrain",
        ),
        (
            {},
            "batch",
            "line 1, item SH-1 (batch-managed): Tagrain's batches cover 0 of 2 units; "
            "scan them in Tagrain",
        ),
    ],
)
def test_a_line_without_complete_numbers_waits(
    changes: dict[str, Any], tracking: str, message: str
) -> None:
    with pytest.raises(WaitingError) as waiting:
        map_sale(shirts(**changes), sale_deps(**{"SH-1": tracking}), rules())
    assert str(waiting.value) == message


def test_a_refund_line_carries_the_serials_coming_back() -> None:
    line = replace(refund().lines[0], serial_numbers=("S-2",))
    draft, _ = map_refund(refund(lines=(line,)), refund_deps(**{"SH-1": "serial"}), rules())
    memo_line = draft.lines[0]
    assert (memo_line.serials, memo_line.base_entry, memo_line.base_line) == (("S-2",), 41, 0)
    body = draft.to_entity(base_type=13)["DocumentLines"][0]
    assert body["SerialNumbers"] == [
        {"InternalSerialNumber": "S-2", "Quantity": 1.0, "BaseLineNumber": 0}
    ]


def test_a_refund_line_without_its_serial_waits() -> None:
    with pytest.raises(
        WaitingError, match=r"^line 1, item SH-1 \(serial-managed\): Tagrain sent 0 of 1"
    ):
        map_refund(refund(), refund_deps(**{"SH-1": "serial"}), rules())
