"""``$batch`` on the wire for the sandbox: reading the multipart request, writing the answer.

Lenient as SL's clients need it: CRLF and bare LF line ends are both read.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    412: "Precondition Failed",
    500: "Internal Server Error",
}


def boundary_of(content_type: str) -> str | None:
    """The multipart boundary named in a Content-Type header."""
    match = _BOUNDARY.search(content_type)
    return match.group(1).strip() if match else None


def _split(text: str, boundary: str) -> list[str]:
    parts = []
    for chunk in text.split(f"--{boundary}")[1:]:
        if chunk.startswith("--"):
            break
        parts.append(chunk.lstrip("\n"))
    return parts


def _headers_and_rest(text: str) -> tuple[dict[str, str], str]:
    head, _, rest = text.partition("\n\n")
    headers: dict[str, str] = {}
    for line in head.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers, rest


@dataclass
class BatchOperation:
    """One HTTP request inside a batch."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    content_id: str | None = None


@dataclass
class BatchPart:
    """A top-level part: a single request, or a changeset of requests."""

    operations: list[BatchOperation] = field(default_factory=list)
    changeset: bool = False


def _operation(text: str, mime: dict[str, str]) -> BatchOperation:
    request_line, _, rest = text.partition("\n")
    words = request_line.split()
    if len(words) < 2:
        raise ValueError("Incomplete Batch Request Body!")
    headers, body = _headers_and_rest(rest) if rest.strip() else ({}, "")
    content_id = mime.get("content-id") or headers.get("content-id")
    return BatchOperation(
        words[0].upper(), words[1], headers, body.strip().encode("utf-8"), content_id
    )


def parse_batch(body: bytes, content_type: str) -> list[BatchPart]:
    """The parts of a ``$batch`` request; ValueError when it cannot be read."""
    boundary = boundary_of(content_type)
    if not boundary:
        raise ValueError("Incomplete Batch Request Body!")
    text = body.decode("utf-8").replace("\r\n", "\n")
    parts: list[BatchPart] = []
    for chunk in _split(text, boundary):
        mime, rest = _headers_and_rest(chunk)
        inner = boundary_of(mime.get("content-type", ""))
        if mime.get("content-type", "").lower().startswith("multipart/mixed") and inner:
            ops = []
            for sub in _split(rest, inner):
                sub_mime, sub_rest = _headers_and_rest(sub)
                ops.append(_operation(sub_rest, sub_mime))
            parts.append(BatchPart(ops, changeset=True))
        else:
            parts.append(BatchPart([_operation(rest, mime)]))
    if not parts:
        raise ValueError("Incomplete Batch Request Body!")
    return parts


@dataclass
class BatchAnswer:
    """The answer to one operation, to be written into the batch response."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    content_id: str | None = None


def _http_part(answer: BatchAnswer) -> str:
    lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"]
    if answer.content_id:
        lines.append(f"Content-ID: {answer.content_id}")
    lines += ["", f"HTTP/1.1 {answer.status} {_STATUS_TEXT.get(answer.status, '')}".rstrip()]
    lines += [f"{name}: {value}" for name, value in answer.headers]
    lines += ["", answer.body.decode("utf-8")]
    return "\r\n".join(lines)


def write_batch(groups: list[tuple[bool, list[BatchAnswer]]]) -> tuple[str, bytes]:
    """The multipart answer (Content-Type, body) for groups of (is changeset, answers)."""
    outer = f"batchresponse_{uuid.uuid4()}"
    chunks = []
    for is_changeset, answers in groups:
        if is_changeset:
            inner = f"changesetresponse_{uuid.uuid4()}"
            body = "".join(f"--{inner}\r\n{_http_part(a)}\r\n" for a in answers)
            body += f"--{inner}--"
            chunks.append(
                f"--{outer}\r\nContent-Type: multipart/mixed;boundary={inner}\r\n\r\n{body}\r\n"
            )
        else:
            chunks.append(f"--{outer}\r\n{_http_part(answers[0])}\r\n")
    payload = "".join(chunks) + f"--{outer}--\r\n"
    return f"multipart/mixed;boundary={outer}", payload.encode("utf-8")
