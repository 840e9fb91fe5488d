"""A network failure in the user's words: untrusted certificate, unknown host, no answer.

Test Connection and Company Setup both explain why the Service Layer (or
Tagrain) could not be reached with the same sentences.
"""

from __future__ import annotations

import ssl

import requests

from app.sync.jobs.errors import is_unreachable


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend((current.__cause__, current.__context__))
        todo.extend(a for a in current.args if isinstance(a, BaseException))
    return seen


def network_reason(exc: BaseException, what: str, url: str) -> str | None:
    """Why ``what`` at ``url`` could not be reached, or None when it is no network failure."""
    chain = _chain(exc)
    text = " ".join(str(e) for e in chain)
    if any(isinstance(e, (requests.exceptions.SSLError, ssl.SSLError)) for e in chain) or (
        "CERTIFICATE_VERIFY_FAILED" in text
    ):
        return (
            f"The certificate of {what} at {url} is not trusted. Choose its CA file in "
            "Connections (Service Layer uses a self-signed certificate by default)."
        )
    if "NameResolutionError" in text or "Name or service not known" in text:
        return f"The server name of {what} ({url}) cannot be found. Check the URL."
    if is_unreachable(exc) or any(
        isinstance(e, requests.exceptions.ConnectionError) for e in chain
    ):
        return f"Cannot reach {what} at {url}: the server does not answer. Check the URL and port."
    if any(isinstance(e, requests.exceptions.Timeout) for e in chain) or "timed out" in text:
        return f"{what} at {url} did not answer in time."
    return None
