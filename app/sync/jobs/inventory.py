"""Inventory SAP → Tagrain: a full snapshot of the synced items' stock, store by store.

Each run reads, once, InStock and Committed of every item that is marked
for the template and linked to a Tagrain product, and sends each mapped
store the available quantity (InStock − Committed, which may be negative)
of its mapped warehouse. SAP keeps no change time on stock rows, so every
run is a full snapshot; a snapshot is a PUT of levels and may be repeated
safely. One source record per store (source id = Tagrain store id): a
store whose snapshot fails, or where Tagrain does not know some SKUs, is
logged as failed with the reason and sent again on the next run (as a
retry, which the same run then does not send a second time). The client
sends at most 1,000 levels a call. Non-stock items are left out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from app.connectors.sapb1.records import SapItem
from app.connectors.tagrain.records import InventoryResult
from app.sync.context import StoreRule, SyncContext
from app.sync.jobs.common_up import linked_sap_keys
from app.sync.jobs.sap_source import SapJob
from app.sync.records import Action, Outcome, SourceRecord

QUANTITY = Decimal("0.001")
LISTED_SKUS = 20


@dataclass(frozen=True)
class StockSnapshot:
    """The synced items with their stock per warehouse, and when SAP was read."""

    items: tuple[SapItem, ...]
    as_of: datetime


def inventory_levels(items: Iterable[SapItem], warehouse: str) -> list[tuple[str, Decimal]]:
    """Each stock item's available quantity in the warehouse (InStock − Committed), by SKU.

    Non-stock items are left out; quantities are rounded to Tagrain's three decimals.
    """
    return [
        (item.item_code, item.available(warehouse).quantize(QUANTITY))
        for item in items
        if item.inventory_item
    ]


def snapshot_outcome(rule: StoreRule, result: InventoryResult) -> Outcome:
    """What the record log says of a store's snapshot: failed while Tagrain lacks some SKUs."""
    where = f"warehouse {rule.warehouse}"
    if result.unknown_skus:
        unknown = result.unknown_skus
        listed = ", ".join(unknown[:LISTED_SKUS]) + (", ..." if len(unknown) > LISTED_SKUS else "")
        return Outcome(
            Action.FAILED,
            target_key=rule.store_id,
            message=f"Tagrain does not know {len(unknown)} SKU(s) of {where}: {listed}; "
            f"the other {result.accepted} levels were set",
        )
    return Outcome(
        Action.UPDATED,
        target_key=rule.store_id,
        message=f"{result.accepted} levels set from {where}",
    )


class InventoryJob(SapJob[StoreRule]):
    """Stock of marked, synced items in each mapped warehouse → its Tagrain store."""

    object_name = "inventory"
    parallel = True

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._snapshot: StockSnapshot | None = None
        self._sent: set[str] = set()

    def read(self, since: datetime | None) -> Iterator[SourceRecord]:
        for store_id in sorted(self.ctx.rules.stores):
            with self._lock:
                if store_id in self._sent:
                    continue
            yield SourceRecord(store_id, None, self.ctx.rules.stores[store_id])

    def count(self, since: datetime | None) -> int | None:
        return len(self.ctx.rules.stores)

    def fetch(self, source_id: str) -> SourceRecord | None:
        rule = self.ctx.rules.stores.get(source_id)
        return None if rule is None else SourceRecord(source_id, None, rule)

    def snapshot(self) -> StockSnapshot:
        """The stock of the synced items, read from SAP once per run (one job per run)."""
        with self._lock:
            if self._snapshot is None:
                marked = set(self.ctx.binder.marked("item"))
                codes = sorted(marked & linked_sap_keys(self.ctx, "products"))
                as_of = datetime.now(UTC)
                items = tuple(self.ctx.sap.stock(codes)) if codes else ()
                self._snapshot = StockSnapshot(items, as_of)
            return self._snapshot

    def apply_record(self, payload: StoreRule) -> Outcome:
        snapshot = self.snapshot()
        levels = inventory_levels(snapshot.items, payload.warehouse)
        if not levels:
            return Outcome(Action.SKIPPED, message="no synced stock items")
        result = self.ctx.tagrain.put_inventory(payload.store_id, snapshot.as_of, levels)
        with self._lock:
            self._sent.add(payload.store_id)
        return snapshot_outcome(payload, result)
