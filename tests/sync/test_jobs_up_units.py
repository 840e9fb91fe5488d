"""The small pieces of the SAP → Tagrain jobs: write keys, fingerprints, the Tagrain index."""

from __future__ import annotations

from dataclasses import dataclass

from app.sync.jobs.common_up import TagrainIndex, write_key
from app.sync.jobs.fingerprints import customer_fingerprint


def test_write_keys_follow_record_base_and_content() -> None:
    a, b = {"name": "A"}, {"name": "B"}
    assert write_key("x", "1", "create", a) == write_key("x", "1", "create", {"name": "A"})
    assert write_key("x", "1", "create", a) != write_key("x", "2", "create", a)
    first = write_key("x", "1", "t1:fpA", b)
    back = write_key("x", "1", "t1:fpB", a)
    assert len({first, back, write_key("x", "1", "create", a)}) == 3


def fingerprint(**changes: str | None) -> str:
    fields: dict[str, str | None] = {
        "name": "Ann Lee",
        "email": "ann@example.com",
        "phone": "+1-555-0101",
        "tax_number": "US 123",
        "group": "cg_1",
        "street": "1 Main Street",
        "city": "Boston",
        "postcode": "02101",
        "country": "US",
    }
    fields.update(changes)
    return customer_fingerprint(**fields)  # type: ignore[arg-type]


def test_customer_fingerprints_ignore_case_spacing_and_punctuation_of_phones() -> None:
    assert fingerprint() == fingerprint(
        name=" ann  LEE ", email="ANN@example.com", phone="+1 555 0101", tax_number="us123"
    )
    assert fingerprint() != fingerprint(city="Salem")
    assert fingerprint() != fingerprint(group="cg_2")
    assert fingerprint(street=None) == fingerprint(street="")


@dataclass(frozen=True)
class Row:
    id: str
    code: str


def test_index_loads_once_and_follows_writes() -> None:
    loads = []

    def load() -> list[Row]:
        loads.append(1)
        return [Row("1", "A"), Row("2", "A"), Row("3", "B")]

    index = TagrainIndex(load, lambda r: [f"code:{r.code}"], lambda r: r.id)
    index.add(Row("9", "Z"))
    assert [r.id for r in index.find("code:A")] == ["1", "2"]
    index.add(Row("2", "C"))
    assert [r.id for r in index.find("code:A")] == ["1"]
    assert [r.id for r in index.find("code:C")] == ["2"]
    assert index.find("code:Z") == []
    assert loads == [1]
    index.reset()
    assert [r.id for r in index.find("code:B")] == ["3"]
    assert loads == [1, 1]
