"""The shared connector-error mapping: which sync error, and the other side's words."""

from __future__ import annotations

import socket

import pytest

from app.connectors.sapb1 import errors as sl
from app.connectors.tagrain import errors as tg
from app.connectors.tagrain.client import TagrainClient
from app.connectors.tagrain.settings import TagrainSettings
from app.sync.jobs.errors import translate, translate_errors
from app.sync.records import RecordError, RunError, SyncError, TransientError


@pytest.mark.parametrize(
    ("error", "kind", "text"),
    [
        (sl.BusinessRuleError(400, -10, "Item not found"), RecordError, "Item not found"),
        (sl.NotFoundError(404, -2028, "No matching records found"), RecordError, None),
        (sl.PreconditionFailedError(412, -2039, "Changed"), RecordError, "Changed"),
        (sl.TransientError(502, None, "Bad Gateway"), TransientError, "Bad Gateway"),
        (sl.AuthenticationError(401, -304, "Fail to get DB Credentials"), RunError, None),
        (sl.ForbiddenError(403, -6006, "No permission"), RunError, "No permission"),
        (sl.SessionError(401, 301, "Invalid session"), RunError, None),
        (sl.ServiceLayerError(0, None, "TLS error talking to x"), RunError, None),
        (sl.ServiceLayerError(500, -1, "Internal error"), TransientError, None),
        (tg.TagrainValidationError("sku taken", status=409, field="sku"), RecordError, None),
        (tg.TagrainNotFoundError("no such customer", status=404), RecordError, None),
        (tg.TagrainTransientError("HTTP 503", status=503), TransientError, None),
        (tg.TagrainRateLimitedError("slow down", status=429), TransientError, None),
        (tg.TagrainBadResponseError("not JSON", status=200), TransientError, None),
        (tg.TagrainAuthError("invalid API key", status=401), RunError, "invalid API key"),
    ],
)
def test_kinds_and_words(error: Exception, kind: type[SyncError], text: str | None) -> None:
    translated = translate(error)
    assert type(translated) is kind
    expected = text or getattr(error, "message", "")
    assert expected in str(translated)


def test_tagrain_field_is_named() -> None:
    translated = translate(tg.TagrainValidationError("taken", status=409, field="sku"))
    assert str(translated) == "Tagrain: taken (field: sku)"


def test_other_errors_pass_through() -> None:
    assert translate(ValueError("x")) is None
    with pytest.raises(ValueError), translate_errors():
        raise ValueError("x")
    with pytest.raises(RecordError), translate_errors():
        raise RecordError("mine")


def test_only_sap_business_rules_stand_without_the_system_name() -> None:
    assert str(translate(sl.BusinessRuleError(400, -10, "Item not found"))) == "Item not found"
    assert str(translate(sl.TransientError(502, None, "Bad Gateway"))) == "SAP: Bad Gateway"
    assert str(translate(tg.TagrainTransientError("HTTP 503", status=503))) == "Tagrain: HTTP 503"


def test_context_manager_chains_the_original() -> None:
    original = sl.BusinessRuleError(400, -5002, "Enter a valid value")
    with pytest.raises(RecordError) as caught, translate_errors():
        raise original
    assert caught.value.__cause__ is original
    assert str(caught.value) == "Enter a valid value"


def test_unreachable_server_stops_the_run() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = TagrainSettings(
        f"http://127.0.0.1:{port}", "key", timeout=2, max_retries=0, backoff=0.01
    )
    with TagrainClient(settings) as client, pytest.raises(RunError), translate_errors():
        client.list_stores()
