"""``TagrainSandbox``: the Tagrain contract served over real HTTP on loopback.

It seeds its own SQLite database (a file or in memory) with the demo company,
answers the contract through ``api.TagrainApi``, injects the faults of a
``FaultPlan`` (rate limiting answers 429 with ``Retry-After``), can run a live
till, and offers helpers that tests use to ring up sales (``ring_up``, with or
without scanned serial/batch numbers), to change records behind a client's
back (``touch``, ``scan_missing``) or to serve broken answers (see
``BAD_ANSWERS``) or to revoke the API key.
A write can be applied and its answer lost (``lose_next_acks`` or the plan's
``lost_ack_rate``): the idempotency key is remembered with the write, so a retry
under the same key gets the first answer replayed.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections import deque
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.sandbox import demo
from app.sandbox.faults import Fault, FaultInjector, FaultPlan
from app.sandbox.httpserver import LoopbackServer, SandboxRequest, SandboxResponse
from app.sandbox.tagrain.api import TagrainApi
from app.sandbox.tagrain.clock import Clock, parse, render
from app.sandbox.tagrain.db import Database, encode_cursor
from app.sandbox.tagrain.errors import error_response
from app.sandbox.tagrain.live import LiveMode
from app.sandbox.tagrain.seed import SEED_ANCHOR, SeedParams, unique_key
from app.sandbox.tagrain.seed import seed as seed_database

BAD_ANSWERS = (
    "html",
    "truncated",
    "missing_field",
    "no_offset",
    "float_money",
    "duplicate_ids",
    "repeat_cursor",
    "empty_page",
)
"""Answers ``serve_bad_answers`` can spoil: ``html`` (a 200 with an HTML page), ``truncated``
(half the JSON), ``missing_field`` / ``no_offset`` / ``float_money`` (the first record
without ``updated_at``, with a timestamp without offset, with money as a number); and for
listings: ``duplicate_ids`` (the page lists its last record twice), ``repeat_cursor`` (the
page's ``next_cursor`` is the cursor the request sent, or a restart when it sent none: a
server stuck on one page) and ``empty_page`` (no records, with a ``next_cursor`` that goes
on from where the request stood)."""
START_CURSOR = encode_cursor(-1, "")
"""A cursor before every record: following it lists a collection from its start."""


class TagrainSandbox(LoopbackServer):
    """A loopback Tagrain server over its own seeded SQLite database.

    ``database`` is a file path (seeded once, reused as is later) or None for
    an in-memory database. ``customers``, ``items``, ``sales``, ``refunds`` and
    ``expenses`` size the demo data; ``items`` is how many demo SAP items
    exist as Tagrain products. ``live_interval`` starts live mode with
    ``start()``. The same ``seed`` always gives the same data.
    """

    def __init__(
        self,
        database: str | Path | None = None,
        *,
        api_key: str = demo.TAGRAIN_API_KEY,
        customers: int = 150,
        items: int = 300,
        sales: int = 500,
        refunds: int = 60,
        expenses: int = 80,
        faults: FaultPlan | None = None,
        live_interval: float | None = None,
        seed: int = 1,
        anchor: datetime = SEED_ANCHOR,
    ) -> None:
        super().__init__(FaultInjector(faults or FaultPlan()))
        self.db = Database(database)
        self.params = SeedParams(
            customers, items, sales, refunds, expenses, seed, anchor.isoformat()
        )
        self.seeded_now = seed_database(self.db, self.params)
        self.clock = Clock(self.db.max_updated_us())
        self.api = TagrainApi(self.db, self.clock, api_key)
        self.live = LiveMode(self.db, self.clock, seed)
        self.live_interval = live_interval
        self._bad_answers: deque[tuple[str, str | None]] = deque()
        self._bad_lock = threading.Lock()
        self._api_key = api_key
        self._revoke_after: int | None = None

    def start(
        self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> TagrainSandbox:
        """Serve in the background (and start live mode if an interval was given)."""
        super().start(host, port, tls)
        if self.live_interval:
            self.live.start(self.live_interval)
        return self

    def stop(self) -> None:
        """Stop live mode and the server; the database stays readable."""
        self.live.stop()
        super().stop()

    def close(self) -> None:
        """Stop and close the database."""
        self.stop()
        self.db.close()

    def __enter__(self) -> TagrainSandbox:
        return self

    @property
    def api_url(self) -> str:
        """The API base: ``url + "/api/v1"``."""
        return self.url + "/api/v1"

    def configure_faults(self, plan: FaultPlan) -> None:
        """Swap the fault plan at run time."""
        self.faults.configure(plan)

    def start_live(self, interval: float) -> None:
        """Start live mode (no-op when it runs)."""
        self.live.start(interval)

    def stop_live(self) -> None:
        """Stop live mode; nothing more is written once this returns."""
        self.live.stop()

    def is_authenticated(self, request: SandboxRequest) -> bool:
        """Whether the request carries the API key."""
        return self.api.authenticated(request)

    def fault_response(self, fault: Fault, request: SandboxRequest) -> SandboxResponse | None:
        """Answer 429 with Retry-After for RATE_LIMIT; the base handles the rest."""
        if fault is Fault.RATE_LIMIT:
            seconds = self.faults.plan.retry_after_seconds
            response = error_response(429, "rate_limited", "too many requests; slow down")
            response.headers.append(("Retry-After", str(seconds)))
            return response
        return super().fault_response(fault, request)

    def route(self, request: SandboxRequest) -> SandboxResponse:
        """Answer one request, spoiled by a pending bad answer if a test asked for one."""
        with self._bad_lock:
            if self._revoke_after is not None:
                if self._revoke_after <= 0:
                    self._revoke_after = None
                    self.revoke_api_key()
                else:
                    self._revoke_after -= 1
        response = self.api.handle(request)
        kind = None
        with self._bad_lock:
            for n, (bad, path) in enumerate(self._bad_answers):
                if path is None or path == request.path:
                    kind = bad
                    del self._bad_answers[n]
                    break
        return response if kind is None else _spoil(kind, response, request)

    def serve_bad_answers(self, kind: str, times: int = 1, path: str | None = None) -> None:
        """Spoil the next ``times`` answers: one of ``BAD_ANSWERS`` (test-only).

        ``path`` (e.g. ``/api/v1/sales``) spoils only the answers to that path, so
        that a test can aim at a listing whatever else the client asks first.
        """
        if kind not in BAD_ANSWERS:
            raise ValueError(f"unknown bad answer {kind!r}; known: {', '.join(BAD_ANSWERS)}")
        with self._bad_lock:
            self._bad_answers.extend([(kind, path)] * times)

    def clear_bad_answers(self) -> int:
        """Forget the bad answers not served yet; returns how many there were."""
        with self._bad_lock:
            left = len(self._bad_answers)
            self._bad_answers.clear()
        return left

    def revoke_api_key(self, after_requests: int = 0) -> None:
        """Revoke the API key, as an admin would in Tagrain: every later call answers 401.

        ``after_requests`` lets that many more requests through first (mid-run).
        """
        if after_requests > 0:
            with self._bad_lock:
                self._revoke_after = after_requests
            return
        self.api.api_key = f"revoked-{self._api_key}"

    def restore_api_key(self) -> None:
        """Accept the original API key again (and forget a revocation still to come)."""
        with self._bad_lock:
            self._revoke_after = None
        self.api.api_key = self._api_key

    def count(self, collection: str) -> int:
        """How many records a collection holds."""
        return self.db.count(collection)

    def ids(self, collection: str) -> list[str]:
        """Every id of a collection."""
        return self.db.ids(collection)

    def record(self, collection: str, id: str) -> dict[str, Any] | None:
        """A record as served, or None."""
        return self.db.get(collection, id)

    def touch(self, collection: str, id: str, **changes: Any) -> dict[str, Any]:
        """Change a record behind the API's back and move its ``updated_at`` to now."""
        with self.db.transaction():
            body = self.db.get(collection, id)
            if body is None:
                raise KeyError(f"{collection}/{id}")
            now = self.clock.now_us()
            body = {**body, **changes, "updated_at": render(now)}
            self.db.replace(collection, id, now, unique_key(collection, body), body)
        return body

    def void_sale(self, id: str) -> dict[str, Any]:
        """Void a sale now, as a cashier would after the fact."""
        return self.touch("sales", id, status="voided")

    def settle_sale(self, id: str) -> dict[str, Any]:
        """Pay an on-account sale now, by card (its ``updated_at`` moves)."""
        return self.live.settle(id)

    def refund_sale(self, id: str) -> dict[str, Any]:
        """Ring up a full or partial refund of a sale now; returns the refund."""
        return self.live.refund(id)

    def ring_up(
        self, store_code: str, items: list[tuple[str, Decimal]], scan: bool = True
    ) -> dict[str, Any]:
        """Sell (SKU, quantity) pairs now at a store's till, walk-in, cash; returns the sale.

        Serial and batch products get the numbers the cashier scans off the
        store's shelf (``scan`` False: none, as when the cashier skipped them).
        """
        return self.live.ring_up(store_code, items, scan)

    def scan_missing(self, sale_id: str) -> dict[str, Any]:
        """Scan the serial and batch numbers a sale lacks, as the store's back office would."""
        return self.live.scan_missing(sale_id)

    def inventory_level(self, store_id: str, sku: str) -> dict[str, Any] | None:
        """One stored inventory level, or None."""
        return self.db.inventory_level(store_id, sku)

    def leave_alone(self, ids: list[str]) -> None:
        """Keep live mode from voiding, settling or refunding these sales from now on."""
        self.live.leave_alone(ids)

    def live_tick(self) -> int:
        """Ring up one round of live activity now; returns how many records were written."""
        return self.live.tick()


def _spoil(kind: str, response: SandboxResponse, request: SandboxRequest) -> SandboxResponse:
    if kind == "html":
        html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        return SandboxResponse(200, html, [("Content-Type", "text/html")])
    if kind == "truncated":
        return SandboxResponse(
            response.status, response.body[: len(response.body) // 2], response.headers
        )
    payload = json.loads(response.body)
    if kind in ("duplicate_ids", "repeat_cursor", "empty_page"):
        return _spoil_page(kind, payload, response.status, request)
    record = payload["data"][0] if isinstance(payload.get("data"), list) else payload
    if kind == "missing_field":
        record.pop("updated_at", None)
    elif kind == "no_offset":
        record["updated_at"] = render(parse(record["updated_at"]))[:26]
    elif kind == "float_money":
        for name in ("total", "price", "amount", "credit_limit"):
            if name in record:
                record[name] = float(record[name])
    return SandboxResponse.json(response.status, payload)


def _spoil_page(
    kind: str, payload: dict[str, Any], status: int, request: SandboxRequest
) -> SandboxResponse:
    """A listing answer with a paging fault (other answers pass unchanged)."""
    if not isinstance(payload.get("data"), list):
        return SandboxResponse.json(status, payload)
    if kind == "duplicate_ids" and payload["data"]:
        payload["data"].append(payload["data"][-1])
    elif kind == "repeat_cursor":
        payload["next_cursor"] = request.query.get("cursor") or START_CURSOR
    elif kind == "empty_page":
        payload["data"] = []
        payload["next_cursor"] = request.query.get("cursor") or START_CURSOR
    return SandboxResponse.json(status, payload)
