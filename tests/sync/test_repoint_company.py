"""A template pointed at another SAP company database: refused in words, never a raw database error.

Links name SAP records by key (``BusinessPartners:C001``, ``Invoices:12``); the
same keys mean other records in another company. A run of a template whose
links were made in another company stops before it reads or writes anything,
saying which company the links belong to and what to do; pointed back, the
template runs as before.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.store import Database, Link, Template
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS


def _point_at(database: Database, template_id: int, company_db: str) -> str:
    with database.session() as session:
        template = session.get_one(Template, template_id)
        previous, template.sap_company_db = template.sap_company_db, company_db
        return previous


def _links(database: Database) -> list[tuple[str, str, str | None]]:
    with database.session() as session:
        return [
            (link.tagrain_id, link.sap_key, link.sap_company_db)
            for link in session.scalars(select(Link).order_by(Link.id))
        ]


def test_a_template_pointed_at_another_company_is_refused_with_a_clear_message(
    database: Database, template_id: int
) -> None:
    engine = Engine(database, OBJECTS)
    engine.run("customer_groups", template_id)
    engine.run("customers", template_id)
    links = _links(database)
    original = links[0][2]
    assert links and {company for _, _, company in links} == {original}

    _point_at(database, template_id, "SBO_OTHER_COMPANY")
    results = engine.run("sales", template_id)

    assert [r.status for r in results] == ["failed"]
    message = results[0].message or ""
    assert "now points at SAP company 'SBO_OTHER_COMPANY'" in message
    assert f"were made in company {original!r}" in message
    assert "Point the template back" in message and "add a new template" in message
    assert "UNIQUE" not in message and "constraint" not in message.lower()
    assert _links(database) == links, "nothing was linked for the other company"

    _point_at(database, template_id, original or "")
    [sales] = engine.run("sales", template_id)
    assert sales.status in ("succeeded", "partial") and sales.created > 0
    with database.session() as session:
        companies = session.scalars(select(func.distinct(Link.sap_company_db))).all()
    assert companies == [original]
