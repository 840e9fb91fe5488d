"""OData pieces the client writes: key literals, string quoting, changed-since filters.

Keys go into URL paths percent-encoded (RFC 3986): the OData literal is built
first (``'O''Brien'``) and then every character but the unreserved ones and
the literal's quotes is escaped, so ``A#1``, ``X?Y``, ``50%`` or ``a/b`` reach
the Service Layer as the key they are, not as a fragment, a query or a path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote as percent_encode
from urllib.parse import urljoin

Key = int | str | Mapping[str, Any]


def quote(value: str) -> str:
    """A string literal: ``'O''Brien'``."""
    return "'" + value.replace("'", "''") + "'"


def literal(value: Any) -> str:
    """An OData literal for a key part or a filter value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return quote(str(value))


def path_segment(text: str) -> str:
    """Text percent-encoded for a URL path (UTF-8; ``/ ? # % & + = ( ) ,`` and spaces escaped)."""
    return percent_encode(text, safe="")


def key_literal(value: Any) -> str:
    """A key value as it goes into a URL path: its OData literal, percent-encoded.

    The literal's own quotes (and a quote doubled inside it) stay as they are:
    ``O'Brien #1`` is ``'O''Brien%20%231'``.
    """
    return percent_encode(literal(value), safe="'")


def key_path(entity: str, key: Key) -> str:
    """The URL path of one entity, ready to append to the service root.

    ``Items('A1')``, ``Invoices(22)``, ``UserFieldsMD(TableName='OINV',FieldID=0)``;
    key values are percent-encoded, e.g. ``Items('A%231')`` for item ``A#1``.
    """
    if isinstance(key, Mapping):
        inner = ",".join(
            f"{path_segment(name)}={key_literal(value)}" for name, value in key.items()
        )
    else:
        inner = key_literal(key)
    return f"{path_segment(entity)}({inner})"


def date_literal(day: dt.date, version: str) -> str:
    """A date in a filter: bare in v2 (``2024-01-31``), quoted in v1 (``'2024-01-31'``)."""
    text = day.isoformat()
    return text if version == "v2" else quote(text)


def changed_since_filter(watermark: dt.datetime, version: str = "v2") -> str:
    """The inclusive changed-since filter for a watermark (one-second resolution).

    ``UpdateDate ge D and (UpdateDate gt D or UpdateTime ge 'T')``: changes in the
    watermark's own second are read again, so the sync must be idempotent. The
    same condition as ``UpdateDate gt D or (UpdateDate eq D and UpdateTime ge
    'T')``, written with a leading range on ``UpdateDate`` so that the database
    seeks its (UpdateDate, UpdateTime) index however the values are bound: the
    ``or`` form alone made SQLite (the sandbox) scan the whole index, a cost that
    grows with the company on every incremental run.
    """
    day = date_literal(watermark.date(), version)
    time = quote(watermark.strftime("%H:%M:%S"))
    return f"UpdateDate ge {day} and (UpdateDate gt {day} or UpdateTime ge {time})"


def resolve_link(service_root: str, link: str) -> str:
    """A ``nextLink`` (relative to the service root, or absolute) as a full URL."""
    return urljoin(service_root, link)
