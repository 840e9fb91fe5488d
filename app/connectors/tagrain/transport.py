"""HTTP to Tagrain: bearer auth, bounded retries, Retry-After, JSON decoding, typed errors.

Only 5xx answers, dropped connections and timeouts are retried (with
exponential backoff and jitter), and 429 after its ``Retry-After``; every
write carries an ``Idempotency-Key`` so that retrying it is safe. Error texts
never contain the API key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from app.connectors.http_session import environment_session, with_environment_ca
from app.connectors.tagrain.errors import (
    TagrainAuthError,
    TagrainBadResponseError,
    TagrainError,
    TagrainNotFoundError,
    TagrainRateLimitedError,
    TagrainTransientError,
    TagrainValidationError,
)
from app.connectors.tagrain.settings import TagrainSettings

log = logging.getLogger(__name__)
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


def idempotency_key(method: str, path: str, body: Any) -> str:
    """The key derived from what is written: sha256 of method, path and canonical JSON."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


class ReadOnlyError(RuntimeError):
    """A write reached the transport of a preview (a bug: previews never write)."""


class Transport:
    """Sends contract requests and returns decoded JSON (decimals as ``Decimal``)."""

    def __init__(
        self,
        settings: TagrainSettings,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.session = session or environment_session(settings.base_url)
        self.verify = with_environment_ca(settings.verify, settings.base_url)
        self.sleep = sleep
        self._jitter = random.Random()
        self._pace_lock = threading.Lock()
        self._not_before = 0.0
        self.read_only = False
        """Set for a preview: any write raises instead of being sent."""

    def close(self) -> None:
        """Close the HTTP session."""
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        key: str | None = None,
    ) -> Any:
        """One call with retries; ``key`` is the Idempotency-Key of a write."""
        if self.read_only and method != "GET":
            raise ReadOnlyError(f"a preview must not write to Tagrain: {method} {path}")
        s = self.settings
        url = s.api_root + path
        headers = {
            "Authorization": f"Bearer {s.api_key}",
            "Accept": "application/json",
            "User-Agent": s.user_agent,
        }
        data: bytes | None = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if key is not None:
            headers["Idempotency-Key"] = key
        attempt = rate_limited = 0
        rate_waited = 0.0
        while True:
            if attempt == 0 and rate_limited == 0:
                self._wait_for_pace()
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers=headers,
                    timeout=s.timeout,
                    verify=self.verify,
                )
            except NETWORK_ERRORS as exc:
                problem = f"{type(exc).__name__} talking to Tagrain at {method} {path}"
                text = str(exc)
                if "NameResolutionError" in text or "Name or service not known" in text:
                    problem += ": the server name cannot be found (check the Tagrain URL)"
                elif "Connection refused" in text:
                    problem += ": the connection was refused"
                if attempt >= s.max_retries:
                    # The cause stays chained: it tells an unreachable server from a blip.
                    raise TagrainTransientError(self._redact(problem)) from exc
                self._pause(attempt, problem)
                attempt += 1
                continue
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__} on {method} {path}: {exc}"
                raise TagrainError(self._redact(problem)) from None
            status = response.status_code
            if status in TRANSIENT_STATUSES:
                if attempt >= s.max_retries:
                    raise self._error(response)
                self._pause(attempt, f"HTTP {status} on {method} {path}")
                attempt += 1
                continue
            if status == 429:
                wait = _retry_after(response.headers.get("Retry-After"))
                if wait is not None and wait > s.max_retry_after:
                    raise self._error(response)
                delay = wait if wait is not None else self._backoff(rate_limited)
                if rate_waited + delay > s.max_rate_limit_wait:
                    raise self._error(response)
                log.info("Tagrain rate limit on %s %s: waiting %.1f s", method, path, delay)
                self._slow_everyone_down(delay)
                self.sleep(delay)
                rate_waited += delay
                rate_limited += 1
                continue
            if 200 <= status < 300:
                return self._decode(response, method, path)
            raise self._error(response)

    def _backoff(self, attempt: int) -> float:
        s = self.settings
        return min(s.max_backoff, s.backoff * 2**attempt) * (0.5 + self._jitter.random() / 2)

    def _pause(self, attempt: int, problem: str) -> None:
        delay = self._backoff(attempt)
        log.info("%s; retry %d in %.2f s", self._redact(problem), attempt + 1, delay)
        self.sleep(delay)

    def _slow_everyone_down(self, seconds: float) -> None:
        """After a 429, hold this client's new requests (from every worker) for ``seconds``.

        The rate limit is the account's, not the thread's: without this, the
        other workers would keep asking and collect 429s of their own.
        """
        with self._pace_lock:
            self._not_before = max(self._not_before, time.monotonic() + seconds)

    def _wait_for_pace(self) -> None:
        with self._pace_lock:
            delay = self._not_before - time.monotonic()
        if delay > 0:
            self.sleep(delay)

    def _decode(self, response: requests.Response, method: str, path: str) -> Any:
        where = f"{method} {path}"
        kind = response.headers.get("Content-Type", "")
        if "json" not in kind.lower():
            snippet = self._snippet(response)
            raise TagrainBadResponseError(
                f"{where} answered {kind or 'no content type'} instead of JSON: {snippet}",
                status=response.status_code,
            )
        try:
            return json.loads(response.content.decode("utf-8"), parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise TagrainBadResponseError(
                f"{where} answered invalid or truncated JSON ({exc})", status=response.status_code
            ) from None

    def _error(self, response: requests.Response) -> TagrainError:
        status = response.status_code
        code: str | None = None
        field: str | None = None
        message = f"HTTP {status} {response.reason or ''}".strip()
        try:
            payload = json.loads(response.content.decode("utf-8"))
            error = payload["error"]
            code = str(error["code"]) if error.get("code") is not None else None
            message = str(error.get("message") or message)
            field = str(error["field"]) if error.get("field") else None
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            if response.content:
                message = f"{message}: {self._snippet(response)}"
        message = self._redact(message)
        kw: dict[str, Any] = {"status": status, "code": code, "field": field}
        if status == 429:
            wait = _retry_after(response.headers.get("Retry-After"))
            return TagrainRateLimitedError(message, retry_after=wait, **kw)
        if status in (401, 403):
            return TagrainAuthError(message, **kw)
        if status == 404:
            return TagrainNotFoundError(message, **kw)
        if status >= 500:
            return TagrainTransientError(message, **kw)
        if 400 <= status < 500:
            return TagrainValidationError(message, **kw)
        return TagrainBadResponseError(message, **kw)

    def _snippet(self, response: requests.Response) -> str:
        text = response.content[:160].decode("utf-8", "replace")
        return self._redact(" ".join(text.split()))

    def _redact(self, text: str) -> str:
        return text.replace(self.settings.api_key, "***")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
