"""SAP Business One Service Layer connector: a robust, thread-safe client.

Public surface (what the sync core uses)::

    settings = ServiceLayerSettings(base_url="https://sap:50000", company_db="SBODEMOUS",
                                    user="manager", password=..., version="v2",
                                    verify=True, ca_file=None, timeout=(5.0, 60.0))
    client = ServiceLayerClient(settings)
    client.ping()                                    # GET /ping/, no login
    client.login()                                   # optional; requests log in lazily
    client.get("Items", "A1", select=["ItemCode"])   # one entity; NotFoundError if missing
    client.iter_entities("BusinessPartners", filter="GroupCode eq 100",
                         select=[...], orderby="CardCode", page_size=500)  # generator
    client.iter_pages(...)                           # the same, page by page
    client.changed_since("Items", watermark_datetime, select=[...])  # inclusive watermark
    client.first("Invoices", "U_TG_ID eq 'R-1'")     # idempotency look-up, or None
    client.count("Items", filter=None)               # GET Items/$count
    client.create("Invoices", body)                  # 201 entity with DocEntry/DocNum
    client.update("BusinessPartners", "C1", patch, etag=None)   # PATCH, 204
    client.delete("Items", "A1")
    client.post_action("Invoices(5)/Cancel")         # actions; client.cancel("Invoices", 5)
    client.batch([BatchRequest("GET", key_path("Items", "A1")),
                  ChangeSet([BatchRequest("POST", "BusinessPartners", body),
                             BatchRequest("PATCH", "$1", patch)])])  # list[BatchResponse]
    client.close()                                   # logs out

Errors (``errors``): ``ServiceLayerError(status, code, message)`` with SAP's code
and message word for word; subclasses ``AuthenticationError`` (login refused,
never retried), ``SessionError``, ``NotFoundError``, ``BusinessRuleError``
(``PreconditionFailedError``), ``ForbiddenError`` and ``TransientError``
(``possibly_processed`` when a POST may have been applied: look the record up
by its ``U_TG_ID`` before posting it again). Helpers: ``changed_since_filter``,
``key_path`` (an entity's URL path with its key percent-encoded: build every
path that names a key with it, in a ``$batch`` too), ``quote``.

The add-on's user fields (``U_TG_ID`` on each table the sync marks) are
defined once in ``user_fields``: ``survey(client)`` reads which the company
has, ``create(client, fields)`` adds them (``SetupRefused`` carries SAP's
refusal and what to do).

Retries: reads, PATCH and DELETE are retried (bounded, with backoff) on
connection errors, timeouts, 502/503/504 and empty 500s. A POST that creates
something is retried only when SAP cannot have seen it (no connection made,
or 503); otherwise it fails at once with ``possibly_processed=True``, because a
document posted twice must be cancelled by an accountant. A 400 is never
retried; an expired session (401/301) is logged in again once and replayed.
"""

from app.connectors.sapb1.batch import BatchRequest, BatchResponse, ChangeSet
from app.connectors.sapb1.client import ServiceLayerClient
from app.connectors.sapb1.errors import (
    AuthenticationError,
    BusinessRuleError,
    ForbiddenError,
    NotFoundError,
    PreconditionFailedError,
    ServiceLayerError,
    SessionError,
    TransientError,
)
from app.connectors.sapb1.odata import changed_since_filter, key_path, quote
from app.connectors.sapb1.settings import ServiceLayerSettings

__all__ = [
    "AuthenticationError",
    "BatchRequest",
    "BatchResponse",
    "BusinessRuleError",
    "ChangeSet",
    "ForbiddenError",
    "NotFoundError",
    "PreconditionFailedError",
    "ServiceLayerClient",
    "ServiceLayerError",
    "ServiceLayerSettings",
    "SessionError",
    "TransientError",
    "changed_since_filter",
    "key_path",
    "quote",
]
