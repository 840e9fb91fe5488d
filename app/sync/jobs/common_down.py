"""What the Tagrain → SAP jobs share: stores, items, tax codes, and reading Tagrain.

Lookups that every record would repeat (a store's time zone, whether an item
exists in SAP, a product's tax code) are cached for the run, behind a lock,
because records are applied by several workers at once.
"""

from __future__ import annotations

import logging
import threading
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from app.connectors.tagrain.errors import TagrainBadResponseError, TagrainNotFoundError
from app.connectors.tagrain.parsing import parse_time
from app.connectors.tagrain.records import Store
from app.sync.context import StoreRule, SyncContext
from app.sync.job import ContextJob
from app.sync.jobs.errors import translate_errors
from app.sync.mapping.money import TaxTable
from app.sync.mapping.payments import PaymentDependencies, store_not_mapped
from app.sync.records import Outcome, RecordError, SourceRecord

log = logging.getLogger(__name__)
T = TypeVar("T")

ITEMS_PER_LOOKUP = 100
"""SKUs asked of SAP per request when a batch of sales is looked up ahead."""


class RunCache:
    """Per-run memo of slow lookups, safe for several worker threads."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], object] = {}
        self._loading: dict[tuple[str, str], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, kind: str, key: str, load: Callable[[], T]) -> T:
        """The cached value, loaded once even when several workers ask at the same time."""
        with self._lock:
            if (kind, key) in self._values:
                return self._values[(kind, key)]  # type: ignore[return-value]
            loading = self._loading.setdefault((kind, key), threading.Lock())
        with loading:
            with self._lock:
                if (kind, key) in self._values:
                    return self._values[(kind, key)]  # type: ignore[return-value]
            value = load()
            with self._lock:
                self._values[(kind, key)] = value
        return value

    def holds(self, kind: str, key: str) -> bool:
        """Whether a value is cached (without loading it)."""
        with self._lock:
            return (kind, key) in self._values

    def put(self, kind: str, key: str, value: object) -> None:
        """Store a value learnt in bulk (a prefetch)."""
        with self._lock:
            self._values[(kind, key)] = value

    def take(self, kind: str, key: str) -> tuple[bool, object]:
        """Remove and return a prefetched value: (found, value)."""
        with self._lock:
            if (kind, key) in self._values:
                return True, self._values.pop((kind, key))
            return False, None

    def forget(self, kind: str, key: str) -> None:
        """Drop a cached value (after creating the thing it said was missing)."""
        with self._lock:
            self._values.pop((kind, key), None)


class DownContext:
    """A sync context plus the caches and rules the Tagrain → SAP jobs need."""

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx
        self.cache = RunCache()

    def store(self, store_id: str) -> Store:
        """The Tagrain store (for its time zone and code)."""

        def load() -> dict[str, Store]:
            return {s.id: s for s in self.ctx.tagrain.list_stores()}

        stores = self.cache.get("stores", "", load)
        if store_id not in stores:
            raise RecordError(f"Tagrain store {store_id} does not exist")
        return stores[store_id]

    def store_rule(self, store_id: str) -> StoreRule:
        """The store's SAP warehouse and cash account; RecordError when unmapped."""
        rule = self.ctx.rules.stores.get(store_id)
        if rule is None:
            raise store_not_mapped(self.store(store_id).code, store_id)
        return rule

    def payment_dependencies(self, card_code: str | None, store_id: str) -> PaymentDependencies:
        """What a receipt's payment needs: its customer, date and the store's till."""
        return PaymentDependencies(
            card_code=card_code,
            timezone=self.store(store_id).timezone,
            store_id=store_id,
            store_code=self.store(store_id).code,
            store_rule=self.ctx.rules.stores.get(store_id),
        )

    def prefetch_items(self, skus: Iterable[str], pool: Executor | None = None) -> None:
        """Learn in a few requests which of these SKUs SAP has, and how it tracks them.

        SKUs already known this run are not asked again; with a ``pool``, groups of
        ``ITEMS_PER_LOOKUP`` are asked for side by side.
        """
        wanted = sorted(sku for sku in set(skus) if not self.cache.holds("item", sku))
        groups = [
            wanted[start : start + ITEMS_PER_LOOKUP]
            for start in range(0, len(wanted), ITEMS_PER_LOOKUP)
        ]
        if pool is None or len(groups) < 2:
            for group in groups:
                self._learn_items(group)
            return
        for lookup in [pool.submit(self._learn_items, group) for group in groups]:
            lookup.result()

    def _learn_items(self, skus: list[str]) -> None:
        present = self.ctx.sap.item_tracking(skus)
        for sku in skus:
            self.cache.put("item", sku, sku in present)
            if sku in present:
                self.cache.put("tracking", sku, present[sku])

    def item_tracking(self, sku: str) -> str:
        """How SAP tracks an item's units: "serial", "batch" or "none" (cached for the run)."""

        def load() -> str:
            item = self.ctx.sap.item(sku)
            return "none" if item is None else item.tracking

        return self.cache.get("tracking", sku, load)

    def item_exists(self, sku: str) -> bool:
        """Whether SAP has the item (cached for the run)."""
        return self.cache.get("item", sku, lambda: self.ctx.sap.item(sku) is not None)

    def tax_table(self, lines: Iterable[tuple[str, Decimal]]) -> TaxTable:
        """The tax codes of the taxed lines' products, and SAP's rates when a line is taxed.

        ``lines``: each line's product id and tax amount (cached for the run).
        """
        taxed = sorted({product_id for product_id, tax in lines if tax != 0})
        if not taxed:
            return TaxTable()
        codes = {product_id: self.product_tax_code(product_id) for product_id in taxed}
        return TaxTable(codes, self.cache.get("tax_rates", "", self.ctx.sap.tax_rates))

    def prefetch_taxes(self, lines: Iterable[tuple[str, Decimal]], pool: Executor) -> None:
        """Learn the tax codes of a page's taxed products (and SAP's rates) ahead of posting.

        Tagrain answers one product per request, so the products not known yet are
        asked for side by side on ``pool``.
        """
        taxed = sorted({product_id for product_id, tax in lines if tax != 0})
        if not taxed:
            return
        lookups: list[Future[object]] = [
            pool.submit(self.cache.get, "tax_rates", "", self.ctx.sap.tax_rates)
        ]
        lookups += [pool.submit(self.product_tax_code, product_id) for product_id in taxed]
        for lookup in lookups:
            try:
                lookup.result()
            except Exception:  # looked up again when the sale is applied, and reported there
                log.debug("a tax look-up ahead failed; the sale asks again", exc_info=True)

    def product_tax_code(self, product_id: str) -> str:
        """A Tagrain product's tax code (cached for the run)."""
        return self.cache.get(
            "tax_code", product_id, lambda: self.ctx.tagrain.get_product(product_id).tax_code
        )


class TagrainRecord(Protocol):
    """What every Tagrain record the down jobs read has."""

    @property
    def id(self) -> str: ...

    @property
    def updated_at(self) -> datetime: ...


R = TypeVar("R", bound=TagrainRecord)


class TagrainSourceJob(ContextJob, Generic[R]):
    """A Tagrain → SAP job: reads one Tagrain collection, applies each record to SAP.

    Subclasses name how to list and get their records and implement ``apply_record``;
    every call to either system goes through ``translate_errors``.
    """

    direction = "to_sap"
    parallel = True

    def __init__(self, ctx: SyncContext, down: DownContext | None = None) -> None:
        self.ctx = ctx
        self.down = down or DownContext(ctx)

    @abstractmethod
    def list_records(self, since: datetime | None) -> Iterator[R | Malformed]:
        """The collection's records changed at or after ``since``, oldest first.

        A job may list through ``tolerant`` so that one malformed record fails
        alone (``Malformed``) instead of stopping every run at the same place.
        """

    @abstractmethod
    def get_record(self, record_id: str) -> R:
        """One record by id (raises the connector's not-found error when gone)."""

    @abstractmethod
    def apply_record(self, record: R) -> Outcome:
        """Apply one record to SAP."""

    def records(self, since: datetime | None) -> Iterator[R | Malformed]:
        """The records ``read`` turns into source records (hook for batching)."""
        return self.list_records(since)

    def read(self, since: datetime | None) -> Iterator[SourceRecord]:
        with translate_errors():
            for record in self.records(since):
                yield SourceRecord(record.id, record.updated_at, record)

    def fetch(self, source_id: str) -> SourceRecord | None:
        with translate_errors():
            try:
                record = self.get_record(source_id)
            except TagrainNotFoundError:
                return None
            except TagrainBadResponseError as exc:
                if exc.field is None:
                    raise
                return SourceRecord(source_id, None, Malformed(source_id, None, exc.message))
        return SourceRecord(record.id, record.updated_at, record)

    def apply(self, record: SourceRecord) -> Outcome:
        if isinstance(record.payload, Malformed):
            raise RecordError(f"Tagrain: {record.payload.problem}")
        with translate_errors():
            return self.apply_record(record.payload)


@dataclass(frozen=True)
class Malformed:
    """A listed record that breaks the contract (a field missing or malformed).

    It stands in for the record so that the run goes on: it fails alone, with
    the reason, and is fetched again on the next run.
    """

    id: str
    updated_at: datetime | None
    problem: str


def tolerant(parse: Callable[[Any], T]) -> Callable[[Any], T | Malformed]:
    """A parser that turns a record-level contract break into ``Malformed``.

    Only a record with a readable id is tolerated, and only a problem with one
    of its fields; a page that is not JSON or not the contract still fails.
    """

    def read(raw: Any) -> T | Malformed:
        try:
            return parse(raw)
        except TagrainBadResponseError as exc:
            record_id = raw.get("id") if isinstance(raw, dict) else None
            if exc.field is None or not isinstance(record_id, str) or not record_id:
                raise
            updated_at: datetime | None
            try:
                updated_at = parse_time(raw.get("updated_at"))
            except ValueError:
                updated_at = None
            return Malformed(record_id, updated_at, exc.message)

    return read
