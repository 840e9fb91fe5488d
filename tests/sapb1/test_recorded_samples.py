"""The client reads real recorded Service Layer answers (see fixtures/, MIT, b1sl-python)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.connectors.sapb1 import ServiceLayerClient, ServiceLayerSettings
from app.sandbox.httpserver import LoopbackServer, SandboxRequest, SandboxResponse
from app.sandbox.sapb1.entities import ENTITY_SETS

FIXTURES = Path(__file__).parent / "fixtures"


def _recording(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


class ReplayServer(LoopbackServer):
    """Answers with the recorded bodies and headers, as the real server sent them."""

    def __init__(self) -> None:
        super().__init__()
        self.answers = {
            ("POST", "/b1s/v2/Login"): _recording("v2-post-Login.json"),
            ("GET", "/b1s/v2/Items"): _recording("v2-get-Items_top5.json"),
            ("GET", "/b1s/v2/Items('9990140071261')"): _recording(
                "v2-get-Items_9990140071261.json"
            ),
        }

    def route(self, request: SandboxRequest) -> SandboxResponse:
        recorded = self.answers.get((request.method, request.path))
        if recorded is None:
            return SandboxResponse(404)
        response = recorded["response"]
        headers = [
            (k, v[0])
            for k, v in response["headers"].items()
            if k.lower() in {"content-type", "odata-version", "set-cookie"}
        ]
        return SandboxResponse(response["status"], json.dumps(response["body"]).encode(), headers)


@pytest.fixture
def replay() -> Iterator[ServiceLayerClient]:
    """A client talking to the replay server."""
    server = ReplayServer().start()
    settings = ServiceLayerSettings(server.url, "SBODEMOUS", "manager", "x", timeout=(2, 5))
    with ServiceLayerClient(settings) as client:
        yield client
    server.stop()


def test_login_answer_without_readable_cookie_uses_session_id(
    replay: ServiceLayerClient,
) -> None:
    replay.login()
    assert replay.transport.logins == 1
    with replay.transport.session() as sl:
        assert sl.cookie == "B1SESSION=REDACTED-SESSION-ID"


def test_items_page_and_entity_are_read(replay: ServiceLayerClient) -> None:
    items = list(replay.iter_entities("Items", top=5))
    assert len(items) == 5
    first = items[0]
    assert first["@odata.etag"].startswith('W/"')
    assert first["UpdateDate"] == "2022-04-29T00:00:00Z" and first["UpdateTime"] == "19:32:42"
    assert {w["WarehouseCode"] for w in first["ItemWarehouseInfoCollection"]} >= {"100"}
    one = replay.get("Items", "9990140071261")
    assert one["ItemCode"] == "9990140071261"


def test_sandbox_items_use_the_recorded_property_names() -> None:
    recorded = _recording("v2-get-Items_9990140071261.json")["response"]["body"]
    ours = ENTITY_SETS["Items"].defaults
    missing = [name for name in ours if name not in recorded and not name.startswith("U_")]
    assert missing == []
    price_keys = set(recorded["ItemPrices"][0])
    assert {"PriceList", "Price", "Currency", "BasePriceList", "Factor"} <= price_keys
