"""OData query options ($filter, $select, $orderby, $top, $skip) turned into SQL.

``$filter`` is parsed by the odata-query library; its SQLAlchemy Core visitor
is pointed at ``json_extract`` of the stored JSON body, so any property of an
entity can be filtered on. Dates and times are stored as ``YYYY-MM-DD`` and
``HH:MM:SS`` text, which makes SL's literal forms (v2 ``2024-01-31``, v1
``'2024-01-31'``, times ``'14:33:12'``) compare correctly as text.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from odata_query import ast
from odata_query import exceptions as odata_errors
from odata_query.grammar import ODataLexer, ODataParser
from odata_query.sqlalchemy.core import AstToSqlAlchemyCoreVisitor

from app.sandbox.sapb1.entities import EntitySet
from app.sandbox.sapb1.errors import SlError

logging.getLogger("odata_query").setLevel(logging.ERROR)


def property_expr(
    table: sa.Table, es: EntitySet, name: str, user_fields: frozenset[str] | None = None
) -> sa.ColumnElement[Any]:
    """The SQL expression for one property of an entity set, or -1000 when it has none.

    A ``U_`` property exists only when registered on the table (``user_fields``;
    None: any, for the sandbox's own look-ups).
    """
    if not known_property(es, name, user_fields) or not _NAME.match(name):
        raise SlError.malformed(f"Property '{name}' of '{es.entity_type}' is invalid")
    if len(es.key) == 1 and name == es.key[0]:
        return table.c.key
    return json_property(table.c.doc, name)


def known_property(es: EntitySet, name: str, user_fields: frozenset[str] | None) -> bool:
    """Whether an entity has the property (a ``U_`` one when registered on its table)."""
    if name.startswith("U_"):
        return user_fields is None or name in user_fields
    return name in es.defaults


def json_property(doc: sa.ColumnElement[Any], name: str) -> sa.ColumnElement[Any]:
    """``json_extract(doc, '$."Name"')`` with the path inlined, so expression indexes apply."""
    return sa.func.json_extract(doc, sa.literal_column(f"'$.\"{name}\"'"))


_ENUM_VALUES = {
    "CardType": {"C": "cCustomer", "S": "cSupplier", "L": "cLid"},
    "DocumentStatus": {"O": "bost_Open", "C": "bost_Close"},
    "DocType": {"C": "rCustomer", "S": "rSupplier", "A": "rAccount"},
}
_YES_NO = {"Y": "tYES", "N": "tNO"}


def enum_by_name(es: EntitySet, prop: str, value: str) -> str:
    """SL takes enum values by name or by their one-letter value (``'C'`` = ``'cCustomer'``)."""
    if es.defaults.get(prop) in {"tYES", "tNO"}:
        return _YES_NO.get(value, value)
    if prop == "DocType" and es.kind != "payment":
        return value
    return _ENUM_VALUES.get(prop, {}).get(value, value)


class _Visitor(AstToSqlAlchemyCoreVisitor):
    def __init__(
        self,
        table: sa.Table,
        es: EntitySet,
        case_insensitive: bool,
        user_fields: frozenset[str] | None = None,
    ) -> None:
        super().__init__(cast(Any, table))
        self.sl_table = table
        self.es = es
        self.case_insensitive = case_insensitive
        self.user_fields = user_fields

    def visit_Compare(self, node: ast.Compare) -> Any:
        if isinstance(node.left, ast.Identifier) and isinstance(node.right, ast.String):
            value = enum_by_name(self.es, node.left.name, node.right.val)
            if value != node.right.val:
                node = ast.Compare(node.comparator, node.left, ast.String(value))
        left, right = self.visit(node.left), self.visit(node.right)
        if self.case_insensitive and isinstance(node.right, ast.String):
            left, right = sa.func.lower(left), sa.func.lower(right)
        return self.visit(node.comparator)(left, right)

    def visit_Identifier(self, node: ast.Identifier) -> Any:
        return property_expr(self.sl_table, self.es, node.name, self.user_fields)

    def visit_Date(self, node: ast.Date) -> Any:
        return sa.literal(node.val)

    def visit_DateTime(self, node: ast.DateTime) -> Any:
        value: dt.datetime = node.py_val
        if value.time() == dt.time(0, 0):
            return sa.literal(value.date().isoformat())
        return sa.literal(value.strftime("%Y-%m-%dT%H:%M:%S"))

    def visit_Time(self, node: ast.Time) -> Any:
        return sa.literal(node.py_val.strftime("%H:%M:%S"))


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SUBSTRINGOF = re.compile(r"substringof\(\s*('(?:[^']|'')*')\s*,\s*([A-Za-z_]\w*)\s*\)")


def filter_clause(
    table: sa.Table,
    es: EntitySet,
    text: str,
    case_insensitive: bool = False,
    user_fields: frozenset[str] | None = None,
) -> sa.ColumnElement[bool]:
    """The SQL condition for a ``$filter`` expression (v1's ``substringof`` included).

    ``case_insensitive`` (SL's ``B1S-CaseInsensitive: true``) compares strings ignoring case.
    """
    text = _SUBSTRINGOF.sub(r"contains(\2,\1)", text)
    try:
        tree = ODataParser().parse(ODataLexer().tokenize(text))
        visitor = _Visitor(table, es, case_insensitive, user_fields)
        return cast(sa.ColumnElement[bool], visitor.visit(tree))
    except SlError:
        raise
    except odata_errors.ODataException as exc:
        raise SlError.malformed(f"Invalid filter: {exc}") from exc


@dataclass
class QueryOptions:
    """The OData system query options of one GET."""

    filter: str = ""
    select: list[str] = field(default_factory=list)
    orderby: list[tuple[str, bool]] = field(default_factory=list)
    top: int | None = None
    skip: int = 0
    inlinecount: bool = False
    case_insensitive: bool = False
    user_fields: frozenset[str] | None = None
    """The ``U_`` properties registered on the table (None: any)."""

    @classmethod
    def from_query(cls, query: dict[str, str]) -> QueryOptions:
        """Read ``$filter``, ``$select``, ``$orderby``, ``$top``, ``$skip``, counts."""
        opts = cls(filter=query.get("$filter", "").strip())
        opts.select = [s.strip() for s in query.get("$select", "").split(",") if s.strip()]
        for part in query.get("$orderby", "").split(","):
            words = part.split()
            if not words:
                continue
            if len(words) > 2 or (len(words) == 2 and words[1].lower() not in {"asc", "desc"}):
                raise SlError.malformed(f"Invalid $orderby: {part.strip()}")
            opts.orderby.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
        try:
            if "$top" in query:
                opts.top = int(query["$top"])
            opts.skip = int(query.get("$skip") or 0)
        except ValueError as exc:
            raise SlError.malformed(f"Invalid $top or $skip: {exc}") from exc
        if (opts.top is not None and opts.top < 0) or opts.skip < 0:
            raise SlError.malformed("$top and $skip must not be negative")
        opts.inlinecount = (
            query.get("$inlinecount") == "allpages" or query.get("$count", "") == "true"
        )
        return opts

    def where(self, table: sa.Table, es: EntitySet) -> sa.ColumnElement[bool] | None:
        """The SQL condition of ``$filter`` (None when there is none)."""
        if not self.filter:
            return None
        return filter_clause(table, es, self.filter, self.case_insensitive, self.user_fields)

    def order(self, table: sa.Table, es: EntitySet) -> list[sa.ColumnElement[Any]]:
        """The SQL ordering of ``$orderby``."""
        result: list[sa.ColumnElement[Any]] = []
        for name, desc in self.orderby:
            expr = property_expr(table, es, name, self.user_fields)
            result.append(expr.desc() if desc else expr.asc())
        return result

    def project(self, es: EntitySet, body: dict[str, Any]) -> dict[str, Any]:
        """The entity reduced to ``$select`` (the whole entity when none)."""
        if not self.select:
            return body
        for name in self.select:
            if name not in body and not known_property(es, name, self.user_fields):
                raise SlError.malformed(f"Property '{name}' of '{es.entity_type}' is invalid")
        return {name: body.get(name) for name in self.select}
