"""The sandbox company database: one SQLite table per entity set, JSON bodies, counters.

Each entity is kept whole as JSON in ``doc`` next to its key, so that any
property can be filtered and sorted on through SQLite's ``json_extract``. All
access goes through one connection under one lock: the sandbox serves several
threads, and a ``$batch`` changeset must be one transaction.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from app.sandbox.sapb1.entities import ENTITY_SETS, EntitySet

INDEXED = ("U_TG_ID", "NumAtCard", "EmailAddress", "BarCode", "CardCode", "ItemCode")
"""Properties with an index wherever an entity set has them."""

_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


def encode(doc: dict[str, Any]) -> str:
    """Compact JSON of a body that already leaves its nulls out."""
    return _ENCODER.encode(doc)


def pack(doc: dict[str, Any]) -> str:
    """An entity as stored: JSON without its null properties (the defaults bring them back)."""
    return _ENCODER.encode({k: v for k, v in doc.items() if v is not None})


def unpack(es: EntitySet, text: str) -> dict[str, Any]:
    """A stored entity read back whole: defaults first, so property order is SL's."""
    stored = json.loads(text)
    doc = {
        k: stored.pop(k, None if not isinstance(v, list) else []) for k, v in es.defaults.items()
    }
    doc.update(stored)
    return doc


class Tx:
    """The operations of one transaction on the sandbox database."""

    def __init__(self, store: SandboxStore, conn: sa.Connection) -> None:
        self.store = store
        self.conn = conn
        self.user_fields_changed = False
        """Set when the transaction writes UserFieldsMD (the rules' cache is then bypassed)."""

    def table(self, es: EntitySet) -> sa.Table:
        """The table behind an entity set."""
        return self.store.tables[es.name]

    def get(self, es: EntitySet, key: Any) -> dict[str, Any] | None:
        """The entity with this key (int or str, or ``a|b`` for composite keys)."""
        t = self.table(es)
        row = self.conn.execute(sa.select(t.c.doc).where(t.c.key == key)).first()
        return unpack(es, row[0]) if row else None

    def exists(self, es: EntitySet, key: Any) -> bool:
        """Whether an entity with this key exists."""
        t = self.table(es)
        return self.conn.execute(sa.select(t.c.key).where(t.c.key == key)).first() is not None

    def insert(self, es: EntitySet, key: Any, doc: dict[str, Any]) -> None:
        """Add one entity (the caller checked the key is free)."""
        self.conn.execute(self.table(es).insert().values(key=key, doc=pack(doc)))

    def replace(self, es: EntitySet, key: Any, doc: dict[str, Any]) -> None:
        """Overwrite one entity's body."""
        t = self.table(es)
        self.conn.execute(t.update().where(t.c.key == key).values(doc=pack(doc)))

    def delete(self, es: EntitySet, key: Any) -> None:
        """Remove one entity."""
        t = self.table(es)
        self.conn.execute(t.delete().where(t.c.key == key))

    def query(
        self,
        es: EntitySet,
        where: sa.ColumnElement[bool] | None = None,
        order_by: Sequence[sa.ColumnElement[Any]] = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Entities matching ``where`` in the given order (key order by default)."""
        t = self.table(es)
        stmt = sa.select(t.c.doc)
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.order_by(*order_by, t.c.key)
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        return [unpack(es, r[0]) for r in self.conn.execute(stmt)]

    def count(self, es: EntitySet, where: sa.ColumnElement[bool] | None = None) -> int:
        """How many entities match ``where``."""
        t = self.table(es)
        stmt = sa.select(sa.func.count()).select_from(t)
        if where is not None:
            stmt = stmt.where(where)
        return int(self.conn.execute(stmt).scalar_one())

    def max_key(self, es: EntitySet) -> int:
        """The highest integer key in use (0 when empty)."""
        t = self.table(es)
        return int(self.conn.execute(sa.select(sa.func.max(t.c.key))).scalar() or 0)

    def next_number(self, counter: str) -> int:
        """The next value of a named counter (DocEntry, DocNum, JdtNum...), starting at 1."""
        c = self.store.counters
        row = self.conn.execute(sa.select(c.c.value).where(c.c.name == counter)).first()
        value = (row[0] if row else 0) + 1
        if row:
            self.conn.execute(c.update().where(c.c.name == counter).values(value=value))
        else:
            self.conn.execute(c.insert().values(name=counter, value=value))
        return int(value)

    def bulk_insert(self, es: EntitySet, rows: Iterable[tuple[Any, dict[str, Any]]]) -> None:
        """Insert many entities at once (seeding)."""
        self.bulk_insert_packed(es, ((key, pack(doc)) for key, doc in rows))

    def bulk_insert_packed(self, es: EntitySet, rows: Iterable[tuple[Any, str]]) -> None:
        """Insert many entities given as stored JSON text."""
        sql = f'INSERT INTO "{self.table(es).name}" (key, doc) VALUES (?, ?)'
        batch: list[tuple[Any, str]] = []
        for key, text in rows:
            batch.append((key, text))
            if len(batch) >= 5000:
                self.conn.exec_driver_sql(sql, batch)
                batch = []
        if batch:
            self.conn.exec_driver_sql(sql, batch)

    def meta(self, name: str) -> str | None:
        """A value from the meta table (e.g. the seed marker)."""
        m = self.store.meta
        row = self.conn.execute(sa.select(m.c.value).where(m.c.name == name)).first()
        return str(row[0]) if row else None

    def set_meta(self, name: str, value: str) -> None:
        """Write a value to the meta table."""
        m = self.store.meta
        self.conn.execute(m.delete().where(m.c.name == name))
        self.conn.execute(m.insert().values(name=name, value=value))


class SandboxStore:
    """The SQLite database of the sandbox company (a file, or in memory when None)."""

    def __init__(self, database: str | Path | None = None) -> None:
        url = "sqlite://" if database is None else f"sqlite:///{Path(database)}"
        self.engine = sa.create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
        self._lock = threading.RLock()
        md = sa.MetaData()
        self.tables: dict[str, sa.Table] = {}
        for es in ENTITY_SETS.values():
            key_type: sa.types.TypeEngine[Any] = sa.Integer() if es.key_is_int else sa.String()
            self.tables[es.name] = sa.Table(
                f"sl_{es.name}",
                md,
                sa.Column("key", key_type, primary_key=True),
                sa.Column("doc", sa.Text, nullable=False),
            )
        self.counters = sa.Table(
            "sl_counters",
            md,
            sa.Column("name", sa.String, primary_key=True),
            sa.Column("value", sa.Integer, nullable=False),
        )
        self.meta = sa.Table(
            "sl_meta",
            md,
            sa.Column("name", sa.String, primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )
        with self.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            md.create_all(conn)

    def ensure_indexes(self) -> None:
        """Expression indexes for the look-ups a sync makes (after bulk seeding: faster)."""
        with self._lock, self.engine.begin() as conn:
            for es in ENTITY_SETS.values():
                table = self.tables[es.name].name
                wanted: list[tuple[str, ...]] = [
                    (p,) for p in INDEXED if p in es.defaults and es.key != (p,)
                ]
                if "UpdateDate" in es.defaults and "UpdateTime" in es.defaults:
                    wanted.append(("UpdateDate", "UpdateTime"))
                for names in wanted:
                    columns = ", ".join(f"json_extract(doc, '$.\"{n}\"')" for n in names)
                    conn.exec_driver_sql(
                        f'CREATE INDEX IF NOT EXISTS "ix_{table}_{"_".join(names)}" '
                        f'ON "{table}" ({columns})'
                    )

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One atomic unit of work: committed on success, rolled back on any exception."""
        with self._lock, self.engine.begin() as conn:
            yield Tx(self, conn)

    def close(self) -> None:
        """Release the database."""
        self.engine.dispose()
