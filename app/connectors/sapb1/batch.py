"""``$batch`` for the client: building the multipart request, reading the multipart answer.

A changeset is atomic on the server: all its writes are applied or none. Each
request in a changeset gets a ``Content-ID`` (mandatory in v2) and a later one
may point at an earlier created entity as ``$<id>``. Paths are URLs as in a
plain request: a key goes in through ``odata.key_path`` (percent-encoded), and
what is left that cannot stand in a request line (a space, a non-ASCII letter)
is escaped as ``requests`` escapes it on a plain request. Answers are read
leniently: CRLF or bare LF line ends both work.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from requests.utils import requote_uri

from app.connectors.sapb1.errors import ServiceLayerError, error_for

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


@dataclass(frozen=True)
class BatchRequest:
    """One request in a batch; ``path`` is relative to the service root (or ``$1``).

    Name an entity with ``key_path``: ``BatchRequest("PATCH", key_path("Items", "A#1"), ...)``.
    """

    method: str
    path: str
    body: Any = None
    content_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeSet:
    """Requests applied atomically; Content-IDs are numbered 1.. when not given."""

    requests: list[BatchRequest]


@dataclass(frozen=True)
class BatchResponse:
    """The answer to one request of a batch (a failed changeset answers one of these)."""

    status: int
    headers: dict[str, str]
    body: bytes
    content_id: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the request succeeded."""
        return self.status < 400

    def json(self) -> Any:
        """The body as JSON (None when empty)."""
        return json.loads(self.body) if self.body.strip() else None

    @property
    def error(self) -> ServiceLayerError | None:
        """The typed error of a failed request, None on success."""
        return None if self.ok else error_for(self.status, self.body)


def _http_request(service_path: str, request: BatchRequest, content_id: str | None) -> str:
    lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"]
    if content_id:
        lines.append(f"Content-ID: {content_id}")
    path = requote_uri(request.path)
    target = path if path.startswith("$") else service_path + path
    lines += ["", f"{request.method.upper()} {target} HTTP/1.1"]
    body = ""
    if request.body is not None:
        lines.append("Content-Type: application/json")
        body = json.dumps(request.body, ensure_ascii=False)
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    lines += ["", body]
    return "\r\n".join(lines)


def build_batch(service_path: str, parts: list[BatchRequest | ChangeSet]) -> tuple[str, bytes]:
    """(Content-Type, body) of a ``$batch`` request; ``service_path`` like ``/b1s/v2/``."""
    outer = f"batch_{uuid.uuid4()}"
    chunks = []
    for part in parts:
        if isinstance(part, ChangeSet):
            inner = f"changeset_{uuid.uuid4()}"
            body = "".join(
                f"--{inner}\r\n{_http_request(service_path, r, r.content_id or str(n))}\r\n"
                for n, r in enumerate(part.requests, start=1)
            )
            chunks.append(
                f"--{outer}\r\nContent-Type: multipart/mixed;boundary={inner}\r\n\r\n"
                f"{body}--{inner}--\r\n"
            )
        else:
            chunks.append(f"--{outer}\r\n{_http_request(service_path, part, part.content_id)}\r\n")
    payload = "".join(chunks) + f"--{outer}--\r\n"
    return f"multipart/mixed;boundary={outer}", payload.encode("utf-8")


def _split(text: str, boundary: str) -> list[str]:
    parts = []
    for chunk in text.split(f"--{boundary}")[1:]:
        if chunk.startswith("--"):
            break
        parts.append(chunk.lstrip("\n"))
    return parts


def _headers(block: str) -> dict[str, str]:
    headers = {}
    for line in block.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers


def _response(text: str) -> BatchResponse:
    mime_block, _, rest = text.partition("\n\n")
    mime = _headers(mime_block)
    status_line, _, rest = rest.partition("\n")
    words = status_line.split()
    if len(words) < 2 or not words[1].isdigit():
        raise ValueError(f"not an HTTP status line: {status_line!r}")
    head, _, body = rest.partition("\n\n")
    headers = _headers(head)
    return BatchResponse(
        int(words[1]), headers, body.strip().encode("utf-8"), mime.get("content-id")
    )


def parse_batch_response(content_type: str, body: bytes) -> list[BatchResponse]:
    """The answers of a ``$batch`` response, in order, changesets flattened."""
    match = _BOUNDARY.search(content_type)
    if not match:
        raise ValueError("batch response without a multipart boundary")
    text = body.decode("utf-8").replace("\r\n", "\n")
    answers: list[BatchResponse] = []
    for chunk in _split(text, match.group(1)):
        mime_block, _, rest = chunk.partition("\n\n")
        inner = _BOUNDARY.search(_headers(mime_block).get("content-type", ""))
        if inner:
            answers.extend(_response(sub) for sub in _split(rest, inner.group(1)))
        else:
            answers.append(_response(chunk))
    return answers
