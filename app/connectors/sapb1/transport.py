"""Sessions and HTTP for the Service Layer client: login, cookies, re-login, retries.

Each SL session is a ``requests.Session`` with its own ``B1SESSION``; a small
pool lends one to each calling thread, so several workers can talk to SAP at
once. Cookies are taken from the Login answer by hand and sent back as one
``Cookie`` header: SL's ``B1SESSION=<id>;HttpOnly;`` (no Path, trailing ``;``)
is not left to a cookie jar's judgement.
"""

from __future__ import annotations

import http.cookiejar
import logging
import queue
import random
import re
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3

from app.connectors.http_session import environment_session, with_environment_ca
from app.connectors.sapb1.errors import (
    AuthenticationError,
    ServiceLayerError,
    SessionError,
    TransientError,
    error_for,
    is_session_expired,
    is_transient_status,
)
from app.connectors.sapb1.settings import ServiceLayerSettings

log = logging.getLogger(__name__)


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


class SlSession:
    """One Service Layer session: an HTTP connection pool and the cookies of one Login."""

    def __init__(self, settings: ServiceLayerSettings) -> None:
        self.http = environment_session(settings.base_url)
        self.http.cookies.set_policy(_NoCookies())
        self.verify = with_environment_ca(settings.tls_verify, settings.base_url)
        self.http.verify = self.verify
        self.http.headers.update({"Accept": "application/json"})
        if settings.case_insensitive:
            self.http.headers["B1S-CaseInsensitive"] = "true"
        self.cookie: str | None = None
        self.lock = threading.Lock()

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()


def session_cookies(response: requests.Response) -> dict[str, str]:
    """``B1SESSION`` and ``ROUTEID`` from a Login answer's Set-Cookie headers."""
    raw_headers = getattr(response.raw, "headers", None)
    values: list[str] = []
    if raw_headers is not None and hasattr(raw_headers, "getlist"):
        values = list(raw_headers.getlist("Set-Cookie"))
    if not values and response.headers.get("Set-Cookie"):
        values = [response.headers["Set-Cookie"]]
    cookies: dict[str, str] = {}
    for header in values:
        for piece in header.split(","):
            name, sep, value = piece.split(";", 1)[0].strip().partition("=")
            if sep and name in {"B1SESSION", "ROUTEID"}:
                cookies[name] = value.strip()
    return cookies


class ReadOnlyError(RuntimeError):
    """A write reached the transport of a preview (a bug: previews never write)."""


class Transport:
    """Sends requests to one Service Layer with login, one re-login and bounded retries."""

    def __init__(self, settings: ServiceLayerSettings) -> None:
        self.settings = settings
        if not settings.verify:
            log.warning(
                "TLS certificate verification is OFF for %s: any certificate is accepted",
                settings.base_url,
            )
            # Said once above, by choice; urllib3 would repeat it on every request.
            warnings.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)
        self._idle: queue.LifoQueue[SlSession] = queue.LifoQueue()
        self._all: list[SlSession] = []
        self._slots = threading.BoundedSemaphore(max(1, settings.max_sessions))
        self._pool_lock = threading.Lock()
        self._login_failure: AuthenticationError | None = None
        self._first_login = threading.Lock()
        self.logins = 0
        self.read_only = False
        """Set for a preview: any request but a GET (and the login) raises instead."""

    # --- pool ------------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[SlSession]:
        """Borrow a session for one request (blocks while all are busy)."""
        self._slots.acquire()
        try:
            try:
                sl = self._idle.get_nowait()
            except queue.Empty:
                sl = SlSession(self.settings)
                with self._pool_lock:
                    self._all.append(sl)
            try:
                yield sl
            finally:
                self._idle.put(sl)
        finally:
            self._slots.release()

    def close(self, *, wait: bool = True) -> None:
        """Log out every session (all at once: a slow server costs one round trip) and close.

        ``wait=False`` returns at once and logs out behind the caller (a finished
        run does not wait for it); the process still waits for those logouts
        before it exits, so no session is left open on the server.
        """
        with self._pool_lock:
            sessions, self._all = list(self._all), []
        threads = [
            threading.Thread(target=self._log_out, args=(sl,), name="sl-logout", daemon=not wait)
            for sl in sessions
        ]
        for thread in threads:
            thread.start()
        if wait:
            for thread in threads:
                thread.join()

    def _log_out(self, sl: SlSession) -> None:
        if sl.cookie:
            try:
                sl.http.post(
                    self.settings.service_root + "Logout",
                    headers={"Cookie": sl.cookie},
                    timeout=self.settings.timeout,
                    verify=sl.verify,
                )
            except requests.RequestException:
                log.debug("logout failed", exc_info=True)
        sl.close()

    # --- login ------------------------------------------------------------------

    def login(self, sl: SlSession) -> None:
        """Log in on this session (once; a refused login is remembered and not retried).

        Until one login has succeeded, sessions log in one at a time: several
        threads starting together must not each send a password SAP refuses.
        """
        if self._login_failure is not None:
            raise self._login_failure
        if self.logins == 0:
            with self._first_login:
                if self._login_failure is not None:
                    raise self._login_failure
                if self.logins == 0:
                    self._log_in(sl)
                    return
        self._log_in(sl)

    def _log_in(self, sl: SlSession) -> None:
        body = {
            "CompanyDB": self.settings.company_db,
            "UserName": self.settings.user,
            "Password": self.settings.password,
        }
        response = self.send(
            sl,
            "POST",
            self.settings.service_root + "Login",
            json_body=body,
            cookie=False,
        )
        if response.status_code != 200:
            error = error_for(response.status_code, response.content)
            if response.status_code in {400, 401, 403}:
                failure = AuthenticationError(error.status, error.code, error.message)
                self._login_failure = failure
                log.error(
                    "Service Layer login refused for user %s on %s: %s",
                    self.settings.user,
                    self.settings.company_db,
                    failure.message,
                )
                raise failure
            raise error
        cookies = session_cookies(response)
        if "B1SESSION" not in cookies:
            cookies["B1SESSION"] = str(response.json().get("SessionId", ""))
        sl.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        with self._pool_lock:
            self.logins += 1

    def reset_login_failure(self) -> None:
        """Allow logging in again after a refused login (e.g. once settings were fixed)."""
        self._login_failure = None

    # --- requests ---------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """Send a request on a pooled session; raise a typed error unless it succeeded."""
        if self.read_only and method != "GET":
            raise ReadOnlyError(f"a preview must not write to SAP: {method} {url}")
        with self.session() as sl:
            relogged = False
            while True:
                with sl.lock:
                    if sl.cookie is None:
                        self.login(sl)
                response = self.send(
                    sl,
                    method,
                    url,
                    params=params,
                    json_body=json_body,
                    data=data,
                    headers=headers,
                    unsafe=method == "POST",
                )
                if is_session_expired(response.status_code, response.content):
                    with sl.lock:
                        sl.cookie = None
                    if relogged:
                        error = error_for(response.status_code, response.content)
                        raise SessionError(error.status, error.code, error.message)
                    relogged = True
                    log.info("Service Layer session expired; logging in again")
                    continue
                if response.status_code >= 400:
                    raise error_for(response.status_code, response.content)
                return response

    def request_json(self, method: str, url: str, **kwargs: Any) -> Any:
        """``request`` and its answer's JSON (None when empty); a non-JSON answer is an error."""
        response = self.request(method, url, **kwargs)
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError as exc:
            snippet = response.text[:200]
            raise ServiceLayerError(
                response.status_code, None, f"answer is not JSON: {snippet!r}"
            ) from exc

    def send(
        self,
        sl: SlSession,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        cookie: bool = True,
        unsafe: bool = False,
    ) -> requests.Response:
        """One request with bounded retries and backoff for transient failures only.

        ``unsafe`` marks a POST that creates something: it is retried only when SAP
        cannot have seen it (no connection made, or 503 from the load balancer). A
        timeout, a dropped answer, 502, 504 or an empty 500 may come after SAP
        posted it, so they raise ``TransientError(possibly_processed=True)`` at
        once: look the record up (``U_TG_ID``) before posting it again.

        A DELETE is sent again after a dropped answer; when the first one had
        already been applied, SAP answers the second with 404, which means the
        record is gone as asked: that answer is turned into 204 No Content.
        """
        settings = self.settings
        all_headers = dict(headers or {})
        if cookie and sl.cookie:
            all_headers["Cookie"] = sl.cookie
        attempt = 0
        maybe_applied = False
        while True:
            try:
                response = sl.http.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    data=data,
                    headers=all_headers,
                    timeout=settings.timeout,
                    verify=sl.verify,
                )
            except requests.exceptions.SSLError as exc:
                raise ServiceLayerError(0, None, _tls_problem(url, exc)) from exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                unsent = _never_sent(exc)
                if unsafe and not unsent:
                    raise TransientError(
                        0,
                        None,
                        f"{type(exc).__name__} talking to {_host(url)}; the document may "
                        "have been posted",
                        True,
                    ) from exc
                if attempt >= settings.max_retries:
                    raise TransientError(0, None, _connection_problem(url, exc)) from exc
                maybe_applied = maybe_applied or not unsent
                attempt = self._pause(attempt, f"{type(exc).__name__}")
                continue
            status = response.status_code
            if method == "DELETE" and maybe_applied and status == 404:
                log.info("DELETE %s answered 404 after a dropped answer: it was applied", url)
                response.status_code, response._content = 204, b""
                return response
            if is_transient_status(status, response.content):
                if unsafe and status != 503:
                    error = error_for(status, response.content)
                    raise TransientError(status, error.code, error.message, True)
                if attempt < settings.max_retries:
                    attempt = self._pause(attempt, f"HTTP {status}")
                    continue
            return response

    def _pause(self, attempt: int, reason: str) -> int:
        delay = min(self.settings.max_backoff, self.settings.backoff * 2**attempt)
        delay *= 0.5 + random.random() / 2
        log.info(
            "Service Layer transient failure (%s); retry %d in %.2fs", reason, attempt + 1, delay
        )
        time.sleep(delay)
        return attempt + 1


def _never_sent(exc: Exception) -> bool:
    """Whether a connection error happened before the request could reach the server."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


_VERIFY_FAILED = re.compile(r"certificate verify failed: ([^(]+?)\s*\(_ssl")


def _tls_problem(url: str, exc: Exception) -> str:
    """A TLS failure in words: an untrusted certificate says what to do about it."""
    text = str(exc)
    match = _VERIFY_FAILED.search(text)
    if match or "CERTIFICATE_VERIFY_FAILED" in text:
        reason = match.group(1) if match else "certificate verify failed"
        return (
            f"the TLS certificate of {_host(url)} is not trusted ({reason}); if the server's "
            "certificate was renewed, choose its new CA file in Integration Hub → Connections"
        )
    return f"TLS error talking to {_host(url)}: {text}"


def _connection_problem(url: str, exc: Exception) -> str:
    """A connection failure in words: a name that does not resolve, a refused port."""
    text = str(exc)
    if "NameResolutionError" in text or "Name or service not known" in text:
        host = urlsplit(url).hostname or url
        return f"ConnectionError talking to {_host(url)}: the server name {host} cannot be found"
    if "Connection refused" in text:
        return f"ConnectionError talking to {_host(url)}: the connection was refused"
    return f"{type(exc).__name__} talking to {_host(url)}"


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
