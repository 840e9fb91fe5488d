"""A Tagrain client for previews: reads from Tagrain, answers writes without sending them.

A dry run must show what a sync would write and change nothing. This client
reads through the real account as usual; each write is handed to a
``PreviewWrites`` callback instead and answered the way Tagrain would answer
it (a created record with a ``preview-N`` id, an updated record merged over
the current one, an inventory snapshot accepted whole), so the job goes on
exactly as in a live run. Its transport refuses every write as a last guard.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import requests

from app.connectors.tagrain.client import Parser, T, TagrainClient
from app.connectors.tagrain.drafts import to_payload
from app.connectors.tagrain.parsing import format_time
from app.connectors.tagrain.settings import TagrainSettings

PreviewWrites = Callable[[str, str, str, dict[str, Any]], None]
"""Called with (action, collection, id, body) for each write a preview would make."""

_ACTIONS = {"POST": "create", "PATCH": "update", "PUT": "replace"}
_NEW_RECORD = {
    "customers": {
        "credit_limit": "0.00",
        "store_credit": "0.00",
        "loyalty_points": 0,
        "active": True,
    },
    "products": {"type": "standard", "non_stock": False, "active": True},
}
"""What a record created without these fields starts with in Tagrain."""


class PreviewTagrainClient(TagrainClient):
    """Tagrain reads as usual; writes reported to ``on_write`` and never sent."""

    def __init__(
        self,
        settings: TagrainSettings,
        on_write: PreviewWrites,
        *,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(settings, session=session)
        self.transport.read_only = True
        self._on_write = on_write
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._created: dict[str, dict[str, Any]] = {}

    def _write(self, method: str, path: str, payload: Any, parse: Parser[T], key: str | None) -> T:
        body = to_payload(payload)
        parts = [p for p in path.split("/") if p]
        now = format_time(datetime.now(UTC))
        if method == "POST":
            with self._lock:
                record_id = f"preview-{next(self._numbers)}"
            defaults = _NEW_RECORD.get(parts[0], {})
            answer = {**defaults, "created_at": now, **body, "id": record_id, "updated_at": now}
            with self._lock:
                self._created[path.rstrip("/") + "/" + record_id] = answer
        elif method == "PATCH":
            record_id = parts[-1]
            with self._lock:
                created = self._created.get(path)
            current = created if created is not None else self.transport.request("GET", path)
            answer = {**(current if isinstance(current, dict) else {}), **body, "updated_at": now}
        else:
            record_id = parts[1] if len(parts) > 1 else ""
            items = body.get("items") or []
            answer = {"accepted": len(items), "unknown_skus": []}
        self._on_write(_ACTIONS.get(method, method.lower()), parts[0], record_id, body)
        return parse(answer)
