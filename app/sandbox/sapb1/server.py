"""A faithful SAP Business One Service Layer on loopback, for tests, benches and demos.

Serves ``/b1s/v1`` and ``/b1s/v2`` (each with its own annotations, error shapes
and date formats), sessions with SL's cookies and idle timeout, OData queries
with SL's paging, writes under SAP's business rules, ``$batch`` with atomic
changesets, ``$metadata`` (CSDL v4 for v2, v3 for v1), keys in paths read as SL
reads them (percent-decoded, then OData literals), optional HTTPS with a
self-signed certificate, and the fault plan.
Tests can also spoil chosen answers (``spoil_next``: an unknown error code, a
success without a body), expire the session in the middle of a ``$batch``
(``expire_session_in_batch``), renew the certificate (``renew_certificate``) and
apply chosen writes but lose their answers (``lose_next_acks``, or the plan's
``lost_ack_rate``; a ``$batch`` counts as one write, Login and Logout never do).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import ssl
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from app.sandbox import demo
from app.sandbox.faults import Fault, FaultInjector, FaultPlan
from app.sandbox.httpserver import LoopbackServer, SandboxRequest, SandboxResponse
from app.sandbox.sapb1.batch import BatchAnswer, parse_batch, write_batch
from app.sandbox.sapb1.company_setup import ensure_periods
from app.sandbox.sapb1.controls import CompanyControls
from app.sandbox.sapb1.entities import EntitySet, entity_set
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.formats import DIALECTS, V2, Dialect, etag
from app.sandbox.sapb1.metadata import csdl, user_field_types
from app.sandbox.sapb1.odata import QueryOptions, filter_clause
from app.sandbox.sapb1.paths import decode, key_url, key_value, parse
from app.sandbox.sapb1.rules import Rules
from app.sandbox.sapb1.rules.base import line_table
from app.sandbox.sapb1.seed import seed
from app.sandbox.sapb1.sessions import SessionRegistry
from app.sandbox.sapb1.store import SandboxStore, Tx
from app.sandbox.sapb1.tls import ensure_certificate, server_context

SL_VERSION = "1000280"
DEFAULT_PAGE_SIZE = 20
_PATH = re.compile(r"^/b1s/(v1|v2)/(.*)$")
_PREFER_PAGE = re.compile(r"odata\.maxpagesize\s*=\s*(\d+)")
SPOILS = ("unknown_error", "no_body")
"""What ``spoil_next`` does to an answer: ``unknown_error`` answers 400 with an error code
this client has never seen (the request is not applied); ``no_body`` applies the request
and answers its success status with an empty body, as a proxy that loses the body would."""
UNKNOWN_ERROR_CODE = -99999
UNKNOWN_ERROR_MESSAGE = "Internal error (-99999) occurred"


def _without_annotations(value: Any) -> Any:
    """A JSON value with every ``@``-annotation (``@odata.type``, ``Prop@odata.type``) left out."""
    if isinstance(value, dict):
        return {k: _without_annotations(v) for k, v in value.items() if "@" not in k}
    if isinstance(value, list):
        return [_without_annotations(v) for v in value]
    return value


def _case_insensitive(headers: dict[str, str]) -> bool:
    return headers.get("b1s-caseinsensitive", "").strip().lower() == "true"


class ServiceLayerSandbox(CompanyControls, LoopbackServer):
    """The Service Layer sandbox: a seeded demo company behind SL's HTTP API.

    ``database`` is a SQLite file (reused if already seeded) or None for memory;
    ``customers``/``items`` size the demo company; ``session_timeout`` is the idle
    timeout in seconds; ``negative_stock_allowed`` mirrors the company setting;
    ``multi_branch`` makes it a multi-branch company (see ``CompanyControls``).
    """

    longest_request_line = 8190
    """Apache (in front of the Service Layer) takes request lines up to its default
    ``LimitRequestLine`` of 8,190 bytes; a longer ``$filter`` is answered 414."""

    def __init__(
        self,
        database: str | Path | None = None,
        *,
        customers: int = 200,
        items: int = 300,
        faults: FaultPlan | None = None,
        session_timeout: float = 30 * 60,
        negative_stock_allowed: bool = False,
        multi_branch: bool = False,
    ) -> None:
        super().__init__(FaultInjector(faults or FaultPlan()))
        self.database = Path(database) if database is not None else None
        self.store = SandboxStore(database)
        seed(self.store, customers, items)
        self.store.ensure_indexes()
        ensure_periods(self.store)
        self.sessions = SessionRegistry(session_timeout)
        self.clock: Callable[[], dt.datetime] = dt.datetime.now
        self.rules = Rules(lambda: self.clock(), negative_stock_allowed)
        self.enable_branches(multi_branch)
        self.credentials = {
            "CompanyDB": demo.COMPANY_DB,
            "UserName": demo.SAP_USER,
            "Password": demo.SAP_PASSWORD,
        }
        self.requests: collections.deque[SandboxRequest] = collections.deque(maxlen=5000)
        self.certificate_path: Path | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._spoils: collections.deque[tuple[str, str, str]] = collections.deque()
        self._batch_expiry: int | None = None

    # --- lifecycle ---------------------------------------------------------------

    def start(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: bool | ssl.SSLContext | None = False,
    ) -> ServiceLayerSandbox:
        """Serve in the background; ``tls=True`` serves HTTPS with a self-signed certificate."""
        context: ssl.SSLContext | None = None
        if isinstance(tls, ssl.SSLContext):
            context = tls
        elif tls:
            if self.database is not None:
                folder = self.database.parent / f"{self.database.name}.tls"
            else:
                self._tmp = tempfile.TemporaryDirectory(prefix="sl-sandbox-tls-")
                folder = Path(self._tmp.name)
            cert, key = ensure_certificate(folder, host)
            self.certificate_path = cert
            context = server_context(cert, key)
        super().start(host, port, context)
        return self

    def stop(self) -> None:
        """Stop serving and close the database."""
        super().stop()
        self.store.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def service_url(self, version: str = "v2") -> str:
        """The service root a client is given, e.g. ``https://127.0.0.1:PORT/b1s/v2/``."""
        return f"{self.url}/b1s/{version}/"

    def configure_faults(self, plan: FaultPlan) -> None:
        """Swap the fault plan at run time."""
        self.faults.configure(plan)

    # --- helpers for tests ----------------------------------------------------------

    def entity(self, set_name: str, key: Any) -> dict[str, Any] | None:
        """One stored entity (internal form: dates as ``YYYY-MM-DD``), or None."""
        es = self._set(set_name)
        with self.store.transaction() as tx:
            doc = tx.get(es, key)
        return {k: v for k, v in doc.items() if not k.startswith("_")} if doc else None

    def entities(self, set_name: str, filter: str = "") -> list[dict[str, Any]]:
        """The stored entities of a set, optionally filtered with an OData ``$filter``."""
        es = self._set(set_name)
        with self.store.transaction() as tx:
            where = filter_clause(tx.table(es), es, filter) if filter else None
            docs = tx.query(es, where)
        return [{k: v for k, v in d.items() if not k.startswith("_")} for d in docs]

    def count(self, set_name: str, filter: str = "") -> int:
        """How many entities a set holds (matching an OData ``$filter`` if given)."""
        es = self._set(set_name)
        with self.store.transaction() as tx:
            where = filter_clause(tx.table(es), es, filter) if filter else None
            return tx.count(es, where)

    def stock(self, item_code: str, warehouse: str) -> float:
        """An item's InStock in one warehouse."""
        item = self.entity("Items", item_code)
        assert item is not None, f"no item {item_code}"
        for info in item["ItemWarehouseInfoCollection"]:
            if info["WarehouseCode"] == warehouse:
                return float(info["InStock"])
        return 0.0

    def expire_all_sessions(self) -> None:
        """Invalidate every session, as an SL restart would."""
        self.sessions.close_all()

    def spoil_next(self, kind: str, method: str, entity: str, times: int = 1) -> None:
        """Spoil the next ``times`` answers to ``method`` on an entity set (see ``SPOILS``).

        Only requests on the set itself count (``POST Invoices``), not those on one
        of its entities or actions (``POST Invoices(5)/Cancel``).
        """
        if kind not in SPOILS:
            raise ValueError(f"unknown spoil {kind!r}; known: {', '.join(SPOILS)}")
        self._spoils.extend([(kind, method.upper(), entity)] * times)

    def _take_spoil(self, method: str, resource: str) -> str | None:
        """The spoil for a request on the entity set itself (not on one entity or action)."""
        for n, (kind, m, e) in enumerate(self._spoils):
            if m == method and e == resource:
                del self._spoils[n]
                return kind
        return None

    def expire_session_in_batch(self, after_parts: int) -> None:
        """Expire the caller's session inside its next ``$batch``, after ``after_parts`` parts.

        The parts before are applied and answered; the next one answers 401 / 301
        and the batch stops there, as when SL's session times out during a long batch.
        """
        self._batch_expiry = after_parts

    def renew_certificate(self) -> Path:
        """Serve HTTPS on the same port with a new self-signed certificate; returns its file.

        As when an administrator re-installs the Service Layer: clients that
        trusted the old certificate's file no longer trust the server.
        """
        assert self._scheme == "https", "renew_certificate needs a server started with tls=True"
        host, port = "127.0.0.1", self.port
        folder = Path(tempfile.mkdtemp(prefix="sl-sandbox-tls-renewed-"))
        cert, key = ensure_certificate(folder, host)
        LoopbackServer.stop(self)
        LoopbackServer.start(self, host, port, server_context(cert, key))
        self.certificate_path = cert
        return cert

    @staticmethod
    def _set(name: str) -> EntitySet:
        es = entity_set(name)
        if es is None:
            raise KeyError(name)
        return es

    # --- fault hooks -------------------------------------------------------------------

    def is_authenticated(self, request: SandboxRequest) -> bool:
        """Whether the request carries a live B1SESSION."""
        return self.sessions.alive(request.cookies.get("B1SESSION"))

    def is_write(self, request: SandboxRequest) -> bool:
        """Writes, ``$batch`` and actions included; Login and Logout are not (no answer to lose)."""
        if not super().is_write(request):
            return False
        match = _PATH.match(request.path)
        return match is not None and match.group(2).strip("/") not in {"Login", "Logout"}

    def fault_response(self, fault: Fault, request: SandboxRequest) -> SandboxResponse | None:
        """EXPIRE_SESSION drops the caller's session and answers 401 / 301.

        A session that has not served a request since its Login is spared: a real
        SL does not expire a session in the instant after creating it, and a
        client's single re-login and replay must be able to succeed.
        """
        if fault is Fault.EXPIRE_SESSION:
            session_id = request.cookies.get("B1SESSION")
            if self.sessions.fresh(session_id):
                return None
            self.sessions.close(session_id)
            error = SlError.invalid_session()
            return self._dialect(request.path).error(error.status, error.code, error.message)
        return super().fault_response(fault, request)

    # --- routing ---------------------------------------------------------------------

    @staticmethod
    def _dialect(path: str) -> Dialect:
        match = _PATH.match(path)
        return DIALECTS[match.group(1)] if match else V2

    def route(self, request: SandboxRequest) -> SandboxResponse:
        """Answer one HTTP request as the Service Layer would."""
        self.requests.append(request)
        if request.path.rstrip("/") == "/ping":
            return SandboxResponse.json(
                200, {"message": "pong", "sender": "SL LB", "timestamp": time.time()}
            )
        match = _PATH.match(request.path)
        if not match:
            return SandboxResponse(404, b"", [("Content-Type", "text/html")])
        dialect = DIALECTS[match.group(1)]
        try:
            resource = decode(match.group(2))
        except SlError as error:
            return dialect.error(error.status, error.code, error.message)
        if request.header("expect"):
            return SandboxResponse(500, b"", [])
        spoil = self._take_spoil(request.method, resource) if self._spoils else None
        if spoil == "unknown_error":
            return dialect.error(400, UNKNOWN_ERROR_CODE, UNKNOWN_ERROR_MESSAGE)
        response = self._route(dialect, resource, request)
        if spoil == "no_body" and response.status < 400:
            return SandboxResponse(response.status, b"", [])
        return response

    def _route(self, dialect: Dialect, resource: str, request: SandboxRequest) -> SandboxResponse:
        try:
            if resource == "Login" and request.method == "POST":
                return self._login(dialect, request)
            if resource == "Logout" and request.method == "POST":
                self.sessions.close(request.cookies.get("B1SESSION"))
                return SandboxResponse(204)
            if not self.sessions.touch(request.cookies.get("B1SESSION")):
                raise SlError.invalid_session()
            if resource == "$batch" and request.method == "POST":
                return self._batch(dialect, request, request.cookies.get("B1SESSION"))
            if resource == "$metadata" and request.method == "GET":
                return self._metadata(dialect)
            with self.store.transaction() as tx:
                return self._dispatch(
                    tx,
                    dialect,
                    request.method,
                    resource,
                    request.query,
                    request.headers,
                    request.body,
                )
        except SlError as error:
            return dialect.error(error.status, error.code, error.message)

    def _login(self, dialect: Dialect, request: SandboxRequest) -> SandboxResponse:
        try:
            body = request.json()
        except ValueError as exc:
            raise SlError.malformed("Invalid request body: a JSON object is expected") from exc
        if not isinstance(body, dict) or any(body.get(k) != v for k, v in self.credentials.items()):
            raise SlError.bad_login()
        session_id = self.sessions.open()
        self.rules.user_name = str(body["UserName"])
        payload: dict[str, Any] = {}
        if dialect.v2:
            payload["@odata.context"] = f"{self.url}/b1s/v2/$metadata#B1Sessions/$entity"
        else:
            payload["odata.metadata"] = f"{self.url}/b1s/v1/$metadata#B1Sessions/@Element"
        payload.update(
            SessionId=session_id,
            Version=SL_VERSION,
            SessionTimeout=max(1, round(self.sessions.timeout / 60)),
        )
        return dialect.json(
            200,
            payload,
            [
                ("Set-Cookie", f"B1SESSION={session_id};HttpOnly;"),
                ("Set-Cookie", "ROUTEID=.node1; path=/b1s"),
            ],
        )

    def _dispatch(
        self,
        tx: Tx,
        dialect: Dialect,
        method: str,
        resource: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> SandboxResponse:
        parsed = parse(resource)
        es = entity_set(parsed.name) if parsed else None
        if parsed is None or es is None:
            raise SlError(404, -1000, f"Invalid resource path '{resource}'")
        raw_key, tail = parsed.key, parsed.tail
        if raw_key is None:
            if tail == "$count" and method == "GET":
                return self._count(tx, es, query, headers)
            if tail is not None:
                raise SlError(404, -1000, f"Invalid resource path '{resource}'")
            if method == "GET":
                return self._collection(tx, dialect, es, query, headers)
            if method == "POST":
                return self._create(tx, dialect, es, body, headers)
            raise SlError.not_supported()
        key = key_value(es, raw_key)
        if tail is not None:
            if method != "POST":
                raise SlError.not_supported()
            self.rules.action(tx, es, key, tail)
            return SandboxResponse(204)
        if method == "GET":
            doc = tx.get(es, key)
            if doc is None:
                raise SlError.not_found()
            opts = QueryOptions.from_query(query)
            opts.user_fields = self.rules.user_fields(tx, es.table)
            tag = etag(doc)
            payload = dialect.context(self.url, es.name, single=True)
            doc = self._with_user_fields(tx, es, [doc])[0]
            payload.update(opts.project(es, dialect.render(doc, tag)))
            return dialect.json(200, payload, [("ETag", tag)] if dialect.v2 else [])
        if method in {"PATCH", "PUT"}:
            self.rules.update(tx, es, key, self._json(body), headers.get("if-match"))
            return SandboxResponse(204)
        if method == "DELETE":
            self.rules.delete(tx, es, key)
            return SandboxResponse(204)
        raise SlError.not_supported()

    def _with_user_fields(
        self, tx: Tx, es: EntitySet, docs: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Entities with the user fields registered on their tables (null when unset), no other.

        As SL: a ``U_`` property not registered through UserFieldsMD is not in the answer,
        neither on the entity nor on its lines (INV1, JDT1...).
        """
        fields = self.rules.user_fields(tx, es.table)
        lines = {
            name: self.rules.user_fields(tx, line_table(es, name)[0]) for name in es.list_properties
        }
        return [self._shown(d, fields, lines) for d in docs]

    @staticmethod
    def _shown(
        doc: dict[str, Any], fields: frozenset[str], lines: dict[str, frozenset[str]]
    ) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if not k.startswith("U_") or k in fields}
        for name in fields:
            out.setdefault(name, None)
        for name, registered in lines.items():
            rows = out.get(name)
            if rows and any(k.startswith("U_") for row in rows for k in row):
                out[name] = [
                    {k: v for k, v in row.items() if not k.startswith("U_") or k in registered}
                    for row in rows
                ]
        return out

    @staticmethod
    def _json(body: bytes) -> Any:
        """A request body's JSON without OData instance annotations (``@odata.type``)."""
        try:
            value = json.loads(body.decode("utf-8")) if body else None
        except ValueError as exc:
            raise SlError.malformed("Invalid request body: malformed JSON") from exc
        return _without_annotations(value)

    def _metadata(self, dialect: Dialect) -> SandboxResponse:
        """``GET $metadata``: the CSDL of the entity sets, with the user fields registered now."""
        with self.store.transaction() as tx:
            fields = user_field_types(tx.query(self._set("UserFieldsMD")))
        version = ("OData-Version", "4.0") if dialect.v2 else ("DataServiceVersion", "3.0")
        return SandboxResponse(
            200,
            csdl(dialect.v2, fields),
            [("Content-Type", "application/xml;charset=utf-8"), version],
        )

    def _create(
        self, tx: Tx, dialect: Dialect, es: EntitySet, body: bytes, headers: dict[str, str]
    ) -> SandboxResponse:
        key, doc = self.rules.create(tx, es, self._json(body))
        location = f"{self.url}/b1s/{dialect.version}/{es.name}({key_url(es, key)})"
        tag = etag(doc)
        extra = [("Location", location)]
        if "return-no-content" in headers.get("prefer", ""):
            extra.append(("Preference-Applied", "return-no-content"))
            return SandboxResponse(204, b"", extra)
        payload = dialect.context(self.url, es.name, single=True)
        payload.update(dialect.render(self._with_user_fields(tx, es, [doc])[0], tag))
        if dialect.v2:
            extra.append(("ETag", tag))
        return dialect.json(201, payload, extra)

    def _count(
        self, tx: Tx, es: EntitySet, query: dict[str, str], headers: dict[str, str]
    ) -> SandboxResponse:
        opts = QueryOptions.from_query(query)
        opts.case_insensitive = _case_insensitive(headers)
        opts.user_fields = self.rules.user_fields(tx, es.table)
        number = tx.count(es, opts.where(tx.table(es), es))
        return SandboxResponse(200, str(number).encode(), [("Content-Type", "text/plain")])

    def _collection(
        self,
        tx: Tx,
        dialect: Dialect,
        es: EntitySet,
        query: dict[str, str],
        headers: dict[str, str],
    ) -> SandboxResponse:
        opts = QueryOptions.from_query(query)
        opts.case_insensitive = _case_insensitive(headers)
        opts.user_fields = self.rules.user_fields(tx, es.table)
        table = tx.table(es)
        where = opts.where(table, es)
        order = opts.order(table, es)
        page_size = DEFAULT_PAGE_SIZE
        extra: list[tuple[str, str]] = []
        prefer = _PREFER_PAGE.search(headers.get("prefer", ""))
        if prefer:
            page_size = int(prefer.group(1))
            extra.append(("Preference-Applied", f"odata.maxpagesize={page_size}"))
        limit = opts.top
        if page_size > 0:
            limit = page_size if limit is None else min(limit, page_size)
        rows = tx.query(es, where, order, None if limit is None else limit + 1, opts.skip)
        more = limit is not None and len(rows) > limit
        if opts.top is not None and limit is not None and opts.top <= limit:
            more = False
        rows = rows[:limit] if limit is not None else rows
        payload: dict[str, Any] = dict(dialect.context(self.url, es.name, single=False))
        if opts.inlinecount:
            payload.update(dialect.count_annotation(tx.count(es, where)))
        tags = [etag(r) if dialect.v2 else None for r in rows]
        payload["value"] = [
            opts.project(es, dialect.render(r, tag))
            for r, tag in zip(self._with_user_fields(tx, es, rows), tags, strict=True)
        ]
        if more:
            payload[dialect.next_link_key] = self._next_link(es, query, opts, len(rows))
        return dialect.json(200, payload, extra)

    @staticmethod
    def _next_link(es: EntitySet, query: dict[str, str], opts: QueryOptions, returned: int) -> str:
        params = {k: v for k, v in query.items() if k not in {"$skip", "$top"}}
        if opts.top is not None:
            params["$top"] = str(opts.top - returned)
        params["$skip"] = str(opts.skip + returned)
        text = "&".join(f"{k}={quote(v, safe=chr(39) + '(),:/$')}" for k, v in params.items())
        return f"{es.name}?{text}"

    # --- $batch --------------------------------------------------------------------------

    def _batch(
        self, dialect: Dialect, request: SandboxRequest, session_id: str | None
    ) -> SandboxResponse:
        try:
            parts = parse_batch(request.body, request.header("content-type"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise SlError.malformed("Incomplete Batch Request Body!") from exc
        # SL processes a batch's operations one after the other: each costs what a request
        # of its own would (the HTTP request already charged the first), before any is
        # applied, so no store transaction is held open while it waits.
        self.faults.delay(max(0, sum(len(part.operations) for part in parts) - 1))
        groups: list[tuple[bool, list[BatchAnswer]]] = []
        expire_after, self._batch_expiry = self._batch_expiry, None
        for n, part in enumerate(parts):
            if expire_after is not None and n == expire_after:
                self.sessions.close(session_id)
                error = SlError.invalid_session()
                answer = self._error_answer(dialect, error, part.operations[0].content_id)
                groups.append((part.changeset, [answer]))
                break
            if part.changeset:
                answers, ok = self._changeset(dialect, part.operations)
            else:
                answer = self._operation(dialect, part.operations[0], {}, None)
                answers, ok = [answer], answer.status < 400
            groups.append((part.changeset, answers))
            if not ok:
                break
        content_type, body = write_batch(groups)
        return SandboxResponse(
            202 if not dialect.v2 else 200, body, [("Content-Type", content_type)]
        )

    def _changeset(self, dialect: Dialect, operations: list[Any]) -> tuple[list[BatchAnswer], bool]:
        answers: list[BatchAnswer] = []
        failed: list[BatchAnswer] = []

        class _Rollback(Exception):
            pass

        try:
            with self.store.transaction() as tx:
                refs: dict[str, str] = {}
                for op in operations:
                    if op.method == "GET":
                        error = SlError.malformed("GET is not allowed inside a changeset")
                        failed.append(self._error_answer(dialect, error, op.content_id))
                        raise _Rollback
                    answer = self._operation(dialect, op, refs, tx)
                    if answer.status >= 400:
                        failed.append(answer)
                        raise _Rollback
                    answers.append(answer)
        except _Rollback:
            return failed, False
        return answers, True

    def _error_answer(
        self, dialect: Dialect, error: SlError, content_id: str | None
    ) -> BatchAnswer:
        response = dialect.error(error.status, error.code, error.message)
        return BatchAnswer(response.status, response.headers, response.body, content_id)

    def _operation(
        self, dialect: Dialect, op: Any, refs: dict[str, str], tx: Tx | None
    ) -> BatchAnswer:
        url = op.url
        if url.startswith("$"):
            ref, _, rest = url[1:].partition("/")
            if ref not in refs:
                return self._error_answer(
                    dialect,
                    SlError.malformed(f"Invalid Content-ID reference '${ref}'"),
                    op.content_id,
                )
            url = refs[ref] + (f"/{rest}" if rest else "")
        parts = urlsplit(url)
        path = parts.path
        prefix = f"/b1s/{dialect.version}/"
        if path.startswith(prefix):
            path = path[len(prefix) :]
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        try:
            path = decode(path)
            if tx is None:
                with self.store.transaction() as own:
                    response = self._dispatch(
                        own, dialect, op.method, path, query, op.headers, op.body
                    )
            else:
                response = self._dispatch(tx, dialect, op.method, path, query, op.headers, op.body)
        except SlError as error:
            return self._error_answer(dialect, error, op.content_id)
        if op.content_id:
            location = next((v for k, v in response.headers if k == "Location"), None)
            if location:
                refs[op.content_id] = urlsplit(location).path
        return BatchAnswer(response.status, response.headers, response.body, op.content_id)
