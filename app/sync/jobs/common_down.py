"""What the Tagrain → SAP jobs share: stores, customers, items, tax codes and tenders.

Lookups that every record would repeat (a store's time zone, whether an item
exists in SAP, a product's tax code) are cached for the run, behind a lock,
because records are applied by several workers at once.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from app.connectors.sapb1.company import CardPayment, DocumentRef, PaymentDraft
from app.connectors.tagrain.errors import TagrainBadResponseError, TagrainNotFoundError
from app.connectors.tagrain.parsing import parse_time
from app.connectors.tagrain.records import Store, Tender
from app.sync.context import StoreRule, SyncContext
from app.sync.job import ContextJob
from app.sync.jobs.errors import translate_errors
from app.sync.records import Outcome, RecordError, SourceRecord

CENT = Decimal("0.01")
FUTURE_SLACK = timedelta(days=1)
"""How far ahead of this computer's clock a receipt may be dated (tills' clocks drift)."""
T = TypeVar("T")


def cents(value: Decimal) -> Decimal:
    """Round half-up to the cent: the rounding rule of both systems."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def check_money(what: str, value: Decimal) -> None:
    """RecordError when an amount has more than two decimals (SAP would round it silently)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise RecordError(f"{what} {value} has more than 2 decimals")


def check_not_future(what: str, moment: datetime) -> None:
    """RecordError when a receipt is dated more than a day ahead of now (a wrong till clock)."""
    if moment - datetime.now(UTC) > FUTURE_SLACK:
        raise RecordError(
            f"{what} {moment.isoformat()} is in the future; correct the date in Tagrain "
            "(SAP would post it in a period that is not open)"
        )


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
            name = self.store(store_id).code
            raise RecordError(
                f"Tagrain store {name} ({store_id}) is not mapped to an SAP warehouse "
                "(Integration Hub → Mappings → Stores)"
            )
        return rule

    def local_date(self, store_id: str, moment: datetime) -> date:
        """The date in the store's time zone (SAP's DocDate), not the machine's."""
        return moment.astimezone(ZoneInfo(self.store(store_id).timezone)).date()

    def cash_account(self, store_id: str) -> str:
        """The cash account of a store's till."""
        account = self.store_rule(store_id).cash_account or self.ctx.rules.cash_account
        if not account:
            raise RecordError(
                f"no cash account is set for store {self.store(store_id).code} "
                "or in the template's general settings"
            )
        return account

    def prefetch_items(self, skus: Iterable[str]) -> None:
        """Learn in one request which of these SKUs SAP has."""
        wanted = sorted(set(skus))
        present = self.ctx.sap.existing_items(wanted)
        for sku in wanted:
            self.cache.put("item", sku, sku in present)

    def item_exists(self, sku: str) -> bool:
        """Whether SAP has the item (cached for the run)."""
        return self.cache.get("item", sku, lambda: self.ctx.sap.item(sku) is not None)

    def tax_code(self, product_id: str, net: Decimal, tax: Decimal, line_no: int) -> str:
        """The SAP tax code for a line, checked to give exactly the receipt's tax."""
        if tax == 0:
            return self.ctx.rules.exempt_tax_code
        code = self.cache.get(
            "tax_code", product_id, lambda: self.ctx.tagrain.get_product(product_id).tax_code
        )
        rates = self.cache.get("tax_rates", "", self.ctx.sap.tax_rates)
        rate = rates.get(code)
        if rate is None:
            raise RecordError(f"line {line_no}: tax code {code!r} does not exist in SAP")
        expected = cents(net * rate / 100)
        if expected != tax:
            raise RecordError(
                f"line {line_no}: the receipt's tax {tax} is not {code} ({rate}%) of {net}, "
                f"which SAP would compute as {expected}"
            )
        return code


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


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def tender_payment(
    down: DownContext,
    *,
    card_code: str,
    store_id: str,
    tenders: Iterable[Tender],
    doc_date: date,
    tagrain_id: str,
    reference: str,
    applies_to: DocumentRef,
) -> PaymentDraft | None:
    """The SAP payment for a receipt's tenders, split by the tender mapping (None: nothing paid)."""
    cash = transfer = Decimal(0)
    transfer_account: str | None = None
    cards: list[CardPayment] = []
    for tender in tenders:
        check_money(f"tender {tender.type} amount", tender.amount)
        if tender.amount < 0:
            raise RecordError(f"tender {tender.type} has a negative amount {tender.amount}")
        if tender.amount == 0:
            continue
        rule = down.ctx.rules.tenders.get(tender.type)
        if rule is None:
            raise RecordError(
                f"tender {tender.type!r} is not mapped to an SAP payment means "
                "(Integration Hub → Mappings → Tenders)"
            )
        if rule.means == "cash":
            cash += tender.amount
        elif rule.means == "credit_card":
            if rule.credit_card is None:
                raise RecordError(f"tender {tender.type!r} is mapped to no credit card code")
            cards.append(CardPayment(rule.credit_card, tender.amount, tender.reference or ""))
        elif rule.means == "transfer":
            if not rule.account:
                raise RecordError(f"tender {tender.type!r} is mapped to no transfer account")
            if transfer_account not in (None, rule.account):
                raise RecordError(
                    "the receipt's tenders map to two different transfer accounts; "
                    "SAP takes one transfer account per payment"
                )
            transfer_account = rule.account
            transfer += tender.amount
        else:
            raise RecordError(f"tender {tender.type!r} has an unknown payment means {rule.means!r}")
    if not (cash or transfer or cards):
        return None
    cash_account = None
    if cash:
        rule = down.ctx.rules.tenders.get("cash")
        cash_account = (rule.account if rule else None) or down.cash_account(store_id)
    return PaymentDraft(
        card_code=card_code,
        doc_date=doc_date,
        tagrain_id=tagrain_id,
        reference=reference,
        applies_to=applies_to.entry,
        applies_to_type="invoice" if applies_to.kind == "Invoices" else "credit_memo",
        cash_sum=cash,
        cash_account=cash_account,
        transfer_sum=transfer,
        transfer_account=transfer_account,
        cards=tuple(cards),
    )
