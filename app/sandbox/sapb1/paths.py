"""Resource paths as the Service Layer reads them: percent-decoding, then OData keys.

A request path is percent-decoded first (UTF-8), then read as
``Set``, ``Set(key)`` or ``Set(key)/Action``. A string key is an OData literal:
quoted, with a quote inside doubled (``'O''Brien'``); the parenthesis that ends
the key is the first one outside a literal, so a decoded ``/``, ``)`` or ``,``
inside quotes belongs to the key. Locations are written the other way round:
the literal, then percent-encoded (RFC 3986) with its quotes kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from app.sandbox.sapb1.entities import EntitySet
from app.sandbox.sapb1.errors import SlError

_NAME = re.compile(r"[A-Za-z_$][\w$]*")


@dataclass(frozen=True)
class Resource:
    """A decoded resource path: the set's name, the key text between parentheses, the rest."""

    name: str
    key: str | None
    tail: str | None


def decode(path: str) -> str:
    """A path with its percent-escapes decoded as UTF-8 (``+`` stays a plus in a path)."""
    try:
        return unquote(path, errors="strict")
    except UnicodeDecodeError as exc:
        raise SlError(400, -1000, f"Invalid resource path '{path}'") from exc


def parse(resource: str) -> Resource | None:
    """``Items('A#1')/Cancel`` as (``Items``, ``'A#1'``, ``Cancel``); None when unreadable."""
    text = resource.strip("/")
    match = _NAME.match(text)
    if match is None:
        return None
    rest = text[match.end() :]
    key: str | None = None
    if rest.startswith("("):
        end = _closing_parenthesis(rest)
        if end is None:
            return None
        key, rest = rest[1:end], rest[end + 1 :]
    if not rest:
        return Resource(match.group(), key, None)
    if not rest.startswith("/") or len(rest) == 1:
        return None
    return Resource(match.group(), key, rest[1:])


def _closing_parenthesis(text: str) -> int | None:
    """Where the key's ``)`` is in ``(…)…``: the first one outside a quoted literal."""
    quoted = False
    n = 1
    while n < len(text):
        char = text[n]
        if quoted:
            if char == "'":
                if text[n + 1 : n + 2] == "'":
                    n += 2
                    continue
                quoted = False
        elif char == "'":
            quoted = True
        elif char == ")":
            return n
        n += 1
    return None


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == "'":
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _string_literal(raw: str) -> str | None:
    """The value of ``'…'`` with doubled quotes undone; None when it is not one literal."""
    if len(raw) < 2 or not (raw.startswith("'") and raw.endswith("'")):
        return None
    inner = raw[1:-1]
    if inner.replace("''", "").count("'"):
        return None
    return inner.replace("''", "'")


def key_value(es: EntitySet, raw: str) -> Any:
    """The stored key for the text between the parentheses of ``Set(...)``."""
    invalid = SlError.malformed(f"Invalid key for '{es.name}'")
    raw = raw.strip()
    if len(es.key) > 1:
        values: dict[str, str] = {}
        for part in _split_outside_quotes(raw, ","):
            name, sep, value = part.partition("=")
            value = value.strip()
            text = _string_literal(value) if value.startswith("'") else value
            if not sep or text is None:
                raise invalid
            values[name.strip()] = text
        if set(values) != set(es.key):
            raise invalid
        return "|".join(values[k] for k in es.key)
    if not raw.startswith("'") and "=" in raw:
        name, _, raw = raw.partition("=")
        if name.strip() != es.key[0]:
            raise invalid
        raw = raw.strip()
    if raw.startswith("'"):
        text = _string_literal(raw)
        if text is None or es.key_is_int:
            raise invalid
        return text
    if es.key_is_int:
        try:
            return int(raw)
        except ValueError as exc:
            raise invalid from exc
    raise invalid


def _literal(value: str) -> str:
    return quote("'" + value.replace("'", "''") + "'", safe="'")


def key_url(es: EntitySet, key: Any) -> str:
    """The key as it goes between the parentheses of a URL (a Location header)."""
    if len(es.key) > 1:
        values = str(key).split("|")
        return ",".join(
            f"{k}={_literal(v) if k == 'TableName' else quote(v, safe='')}"
            for k, v in zip(es.key, values, strict=True)
        )
    if es.key_is_int:
        return str(key)
    return _literal(str(key))
