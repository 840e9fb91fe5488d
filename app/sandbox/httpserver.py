"""A small threaded HTTP server on loopback that both sandboxes build on.

Standard library only, so a sandbox starts in milliseconds inside a test, a
benchmark or the desktop app. It turns each request into a ``SandboxRequest``,
lets the sandbox's ``route`` answer it, and applies the fault plan around it:
latency, injected 5xx answers, dropped connections, hung answers and lost
acknowledgements (a write applied whose answer never leaves: the socket closes
before its first byte). Latency and hangs come before the route runs, or after
it with the plan's ``wait_after_apply``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from app.sandbox.faults import WRITE_METHODS, Fault, FaultInjector

log = logging.getLogger(__name__)


@dataclass
class SandboxRequest:
    """One HTTP request as a sandbox sees it."""

    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str]

    def json(self) -> Any:
        """The body parsed as JSON (raises ValueError when it is not JSON)."""
        return json.loads(self.body.decode("utf-8")) if self.body else None

    def header(self, name: str, default: str = "") -> str:
        """A request header, looked up case-insensitively."""
        return self.headers.get(name.lower(), default)


@dataclass
class SandboxResponse:
    """What a sandbox answers: status, headers (several Set-Cookie allowed) and body."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(
        cls, status: int, payload: Any, content_type: str = "application/json; charset=utf-8"
    ) -> SandboxResponse:
        """A JSON answer; decimals and dates must already be strings in ``payload``."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return cls(status, body, [("Content-Type", content_type)])


class Traffic:
    """How many requests a server has begun and finished answering (thread-safe).

    ``in_flight`` at an instant is what a client still waits for: a benchmark
    reads it when it cancels a run, to state the best a cancel can do.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = 0
        self.finished = 0

    def begin(self) -> None:
        """A request arrived (its headers and body are read)."""
        with self._lock:
            self.started += 1

    def end(self) -> None:
        """A request was answered, failed or dropped."""
        with self._lock:
            self.finished += 1

    @property
    def in_flight(self) -> int:
        """Requests begun and not yet answered."""
        with self._lock:
            return self.started - self.finished


Router = Callable[[SandboxRequest], SandboxResponse]
FaultResponder = Callable[[Fault, SandboxRequest], SandboxResponse | None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out separately: no 40 ms ACK waits
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _handle(self) -> None:
        traffic = self.server.owner.traffic
        traffic.begin()
        try:
            self._answer()
        finally:
            traffic.end()

    def _answer(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        limit = owner.longest_request_line
        if limit is not None and len(self.requestline) > limit:
            self.close_connection = True
            self._send(request_line_too_long(limit))
            return
        parts = urlsplit(self.path)
        cookies: dict[str, str] = {}
        for raw in self.headers.get_all("Cookie") or []:
            for item in raw.split(";"):
                name, sep, value = item.strip().partition("=")
                if sep:
                    cookies[name] = value
        request = SandboxRequest(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            raw_query=parts.query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            cookies=cookies,
        )
        faults = owner.faults
        plan = faults.plan
        if not plan.wait_after_apply:
            faults.delay()
        write = owner.is_write(request)
        fault = faults.choose(authenticated=owner.is_authenticated(request), write=write)
        if fault is Fault.DROP:
            self._drop()
            return
        if fault is Fault.SLOW and not plan.wait_after_apply:
            time.sleep(plan.slow_seconds)
        response = owner.fault_response(fault, request) if fault is not Fault.NONE else None
        if response is None:
            try:
                response = owner.route(request)
            except Exception:  # a sandbox bug must answer 500, not kill the thread
                log.exception("sandbox failed on %s %s", self.command, self.path)
                response = SandboxResponse(500, b"", [])
        if plan.wait_after_apply:
            faults.delay()
            if fault is Fault.SLOW:
                time.sleep(plan.slow_seconds)
        if write and faults.lose_ack(fault, request.method, request.path, response.status):
            log.debug(
                "lost acknowledgement: %s %s applied, answer dropped", request.method, request.path
            )
            self._drop()
            return
        try:
            self._send(response)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a SLOW answer)
            self.close_connection = True

    def _drop(self) -> None:
        """Close the connection without a byte of answer (the client sees it drop)."""
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone already
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, response: SandboxResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], owner: LoopbackServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)


def request_line_too_long(limit: int) -> SandboxResponse:
    """Apache's answer to a request line over its ``LimitRequestLine``."""
    body = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
        "<title>414 Request-URI Too Long</title>\n</head><body>\n"
        "<h1>Request-URI Too Long</h1>\n"
        f"<p>The requested URL's length exceeds the capacity\nlimit for this server "
        f"({limit} bytes).<br />\n</p>\n</body></html>\n"
    )
    return SandboxResponse(414, body.encode(), [("Content-Type", "text/html; charset=iso-8859-1")])


class LoopbackServer:
    """Base of a sandbox server: subclasses implement ``route`` (and may refine faults).

    ``start()`` binds a free loopback port unless one is given and serves from a
    daemon thread; ``url`` is the root to give a client; ``stop()`` shuts down.
    ``longest_request_line``: bytes of ``METHOD /path?query HTTP/1.1`` the server
    takes (None: Python's own 64 KiB); longer ones are answered 414.
    """

    longest_request_line: int | None = None

    def __init__(self, faults: FaultInjector | None = None) -> None:
        self.faults = faults or FaultInjector()
        self.traffic = Traffic()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._scheme = "http"

    def route(self, request: SandboxRequest) -> SandboxResponse:
        """Answer one request; subclasses override."""
        raise NotImplementedError

    def is_authenticated(self, request: SandboxRequest) -> bool:
        """Whether the request carries a session or key (counts toward forced expiry)."""
        return False

    def is_write(self, request: SandboxRequest) -> bool:
        """Whether the request may change data (only writes can lose their answer)."""
        return request.method in WRITE_METHODS

    def lose_next_acks(
        self, times: int = 1, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Apply the next ``times`` matching writes, then drop their answers.

        See ``FaultInjector.lose_next_acks``; ``lost_acks`` lists the writes hit.
        """
        self.faults.lose_next_acks(times, method=method, path=path)

    @property
    def lost_acks(self) -> list[tuple[str, str, int]]:
        """Every write whose answer was dropped so far: (method, path, status)."""
        return list(self.faults.lost_acks)

    def fault_response(self, fault: Fault, request: SandboxRequest) -> SandboxResponse | None:
        """The answer for an injected fault; None lets the request through."""
        if fault is Fault.ERROR_5XX:
            status = self.faults.error_status()
            return SandboxResponse(status, b"", [("Content-Type", "text/html")])
        return None

    def start(
        self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> LoopbackServer:
        """Bind and serve in the background; returns self for chaining."""
        self._server = _Server((host, port), self)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"{type(self).__name__}-http",
            daemon=True,
        )
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        """The bound port."""
        assert self._server is not None, "server not started"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http(s)://127.0.0.1:<port>`` with no trailing slash."""
        assert self._server is not None, "server not started"
        host = (
            str(self._server.server_address[0], "ascii")
            if isinstance(self._server.server_address[0], bytes)
            else self._server.server_address[0]
        )
        return f"{self._scheme}://{host}:{self.port}"

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
