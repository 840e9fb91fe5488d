"""What every rule of the sandbox company needs: the clock, look-ups and common refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from app.sandbox.sapb1.entities import (
    ENTITY_SETS,
    MARKETING_DOCUMENT_TABLES,
    EntitySet,
    user_field_table,
)
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.odata import json_property
from app.sandbox.sapb1.store import Tx

SETS = ENTITY_SETS

_LINE_TYPES = {
    "DocumentLines": "DocumentLine",
    "JournalEntryLines": "JournalEntryLine",
    "PaymentInvoices": "PaymentInvoice",
}
"""The collections whose rows live in the entity's line table (INV1, JDT1, RCT2...)."""


def line_table(es: EntitySet, collection: str) -> tuple[str, str]:
    """The SAP table and entity type of a collection's rows (no table: no user fields)."""
    if collection in _LINE_TYPES:
        return es.line_table, _LINE_TYPES[collection]
    return "", collection


FIELD_LENGTHS: dict[str, dict[str, int]] = {
    "BusinessPartners": {"CardName": 100},
    "Items": {"ItemName": 200},
}
"""Column sizes SL enforces on the strings most likely to be too long (names)."""


class RuleBase:
    """The company's clock and settings, and the look-ups every kind of rule shares."""

    multi_branch: bool = False
    """Whether the company has branches: then every posting names an active one."""

    def __init__(self, clock: Callable[[], dt.datetime], negative_stock_allowed: bool) -> None:
        self.clock = clock
        self.negative_stock_allowed = negative_stock_allowed
        self.user_name = ""
        """Who is logged on (the server sets it): UserFieldsMD checks their rights."""
        self.other_users_connected = False
        """Whether other users are connected to the company (SAP then refuses schema changes)."""
        self.user_fields_denied: set[str] = set()
        """Users without the authorization to add user-defined fields."""
        self._user_field_cache: dict[str, frozenset[str]] = {}

    def _stamp(self, body: dict[str, Any], created: bool) -> None:
        now = self.clock().replace(microsecond=0)
        date, time = now.date().isoformat(), now.strftime("%H:%M:%S")
        body["UpdateDate"], body["UpdateTime"] = date, time
        if created:
            for name, value in (("CreateDate", date), ("CreateTime", time), ("CreationDate", date)):
                if name in body:
                    body[name] = value

    def _today(self) -> str:
        return self.clock().date().isoformat()

    def user_fields(self, tx: Tx, table: str) -> frozenset[str]:
        """The ``U_`` properties registered on an SAP table through UserFieldsMD.

        Marketing documents share theirs: a field registered on any of them
        (``MARKETING_DOCUMENT_TABLES``) is on all.

        Cached per table; a transaction that writes UserFieldsMD clears the cache and
        reads past it until it ends, so a rolled-back registration is never cached.
        """
        table = user_field_table(table)
        cache = self._user_field_cache
        if not tx.user_fields_changed and table in cache:
            return cache[table]
        if not table:
            return frozenset()
        es = SETS["UserFieldsMD"]
        tables = MARKETING_DOCUMENT_TABLES if table in MARKETING_DOCUMENT_TABLES else (table,)
        registered = frozenset(
            f"U_{f['Name']}"
            for f in tx.query(es, json_property(tx.table(es).c.doc, "TableName").in_(tables))
        )
        if not tx.user_fields_changed:
            cache[table] = registered
        return registered

    def user_fields_changed(self, tx: Tx) -> None:
        """A write to UserFieldsMD: forget the cached registrations."""
        tx.user_fields_changed = True
        self._user_field_cache.clear()

    def _check_user_fields(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> None:
        """SL refuses a ``U_`` property not registered on the table (or its lines' table)."""
        self._check_registered(tx, es.table, es.entity_type, body)
        for name in es.list_properties:
            rows = body.get(name)
            if not isinstance(rows, list):
                continue
            table, row_type = line_table(es, name)
            for row in rows:
                if isinstance(row, dict):
                    self._check_registered(tx, table, row_type, row)

    def _check_registered(self, tx: Tx, table: str, entity_type: str, body: dict[str, Any]) -> None:
        wanted = [k for k in body if k.startswith("U_")]
        if not wanted:
            return
        known = self.user_fields(tx, table)
        for name in wanted:
            if name not in known:
                raise SlError.malformed(f"Property '{name}' of '{entity_type}' is invalid")

    @staticmethod
    def _check_lengths(es: EntitySet, body: dict[str, Any]) -> None:
        """SL refuses a string longer than its column (e.g. OCRD.CardName, 100 characters)."""
        for name, limit in FIELD_LENGTHS.get(es.name, {}).items():
            value = body.get(name)
            if isinstance(value, str) and len(value) > limit:
                raise SlError.malformed(
                    f"Value too long in property '{name}' of '{es.entity_type}'"
                )

    def _partner(self, tx: Tx, es: EntitySet, code: Any) -> dict[str, Any]:
        bp = tx.get(SETS["BusinessPartners"], code) if code else None
        if bp is None:
            raise SlError.business(f"Invalid BP code '{code}' [{es.table}.CardCode]")
        return bp

    def _account(self, tx: Tx, code: Any, where: str) -> None:
        if not code or not tx.exists(SETS["ChartOfAccounts"], code):
            raise SlError.business(f"Invalid account code '{code}' {where}")

    @staticmethod
    def key_of(es: EntitySet, doc: dict[str, Any]) -> Any:
        """The stored key of an entity body."""
        if len(es.key) == 1:
            return doc[es.key[0]]
        return "|".join(str(doc[k]) for k in es.key)

    def _new_entry(self, tx: Tx, es: EntitySet) -> tuple[int, int]:
        return tx.next_number(f"{es.name}.DocEntry"), tx.next_number(f"{es.name}.DocNum")

    def _settle(self, tx: Tx, es: EntitySet, doc: dict[str, Any], amount: float) -> None:
        doc["PaidToDate"] = round(doc["PaidToDate"] + amount, 2)
        open_amount = round(doc["DocTotal"] - doc["PaidToDate"], 2)
        doc["DocumentStatus"] = "bost_Close" if open_amount <= 0 else "bost_Open"
        tx.replace(es, doc["DocEntry"], doc)
