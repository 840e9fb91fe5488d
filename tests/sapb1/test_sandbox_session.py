"""The sandbox on its own: Login/Logout, cookies, idle timeout, error shapes, /ping/."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from app.sandbox.faults import FaultPlan
from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import RawSession


def test_login_sets_sl_cookies_exactly(sandbox: ServiceLayerSandbox) -> None:
    answer = requests.post(sandbox.service_url() + "Login", json=sandbox.credentials, timeout=5)
    assert answer.status_code == 200
    cookies = answer.raw.headers.getlist("Set-Cookie")
    session_id = answer.json()["SessionId"]
    assert cookies == [f"B1SESSION={session_id};HttpOnly;", "ROUTEID=.node1; path=/b1s"]
    body = answer.json()
    assert body["@odata.context"].endswith("/b1s/v2/$metadata#B1Sessions/$entity")
    assert body["Version"] == "1000280" and body["SessionTimeout"] == 30
    assert answer.headers["Content-Type"] == "application/json;odata.metadata=minimal;charset=utf-8"


def test_v1_login_uses_v1_annotation(sandbox: ServiceLayerSandbox) -> None:
    answer = requests.post(sandbox.service_url("v1") + "Login", json=sandbox.credentials, timeout=5)
    assert answer.json()["odata.metadata"].endswith("/b1s/v1/$metadata#B1Sessions/@Element")


def test_wrong_credentials_answer_401_in_each_shape(sandbox: ServiceLayerSandbox) -> None:
    bad = dict(sandbox.credentials, Password="nope")
    v2 = requests.post(sandbox.service_url("v2") + "Login", json=bad, timeout=5)
    v1 = requests.post(sandbox.service_url("v1") + "Login", json=bad, timeout=5)
    assert v2.status_code == v1.status_code == 401
    assert v2.json() == {
        "error": {"code": "-304", "message": "Fail to get DB Credentials from SLD server"}
    }
    assert v1.json() == {
        "error": {
            "code": -304,
            "message": {"lang": "en-us", "value": "Fail to get DB Credentials from SLD server"},
        }
    }
    assert "Set-Cookie" not in v2.headers


def test_request_without_session_is_401_301(sandbox: ServiceLayerSandbox) -> None:
    answer = requests.get(sandbox.service_url() + "Items", timeout=5)
    assert answer.status_code == 401
    assert answer.json()["error"] == {
        "code": "301",
        "message": "Invalid session or session already timeout.",
    }


def test_idle_timeout_expires_session(make_sandbox: Callable[..., ServiceLayerSandbox]) -> None:
    sandbox = make_sandbox(session_timeout=0.3)
    raw = RawSession(sandbox)
    assert raw.get("Warehouses").status_code == 200
    deadline = time.monotonic() + 5
    while raw.get("Warehouses").status_code == 200:
        assert time.monotonic() < deadline, "session never expired"
        time.sleep(0.35)
    assert raw.get("Warehouses").json()["error"]["code"] == "301"


def test_activity_keeps_session_alive(make_sandbox: Callable[..., ServiceLayerSandbox]) -> None:
    sandbox = make_sandbox(session_timeout=0.8)
    raw = RawSession(sandbox)
    for _ in range(6):  # 1.2 s in all, longer than the timeout, but never 0.8 s idle
        assert raw.get("Warehouses").status_code == 200
        time.sleep(0.2)


def test_logout_ends_session(sandbox: ServiceLayerSandbox, raw: RawSession) -> None:
    assert raw.post("Logout").status_code == 204
    assert raw.get("Items").status_code == 401


def test_forced_expiry_from_fault_plan(sandbox: ServiceLayerSandbox, raw: RawSession) -> None:
    sandbox.configure_faults(FaultPlan(expire_session_every=2))
    assert raw.get("Warehouses").status_code == 200
    assert raw.get("Warehouses").status_code == 401
    assert raw.get("Warehouses").status_code == 401


def test_ping_needs_no_session(sandbox: ServiceLayerSandbox) -> None:
    answer = requests.get(sandbox.url + "/ping/", timeout=5)
    assert answer.status_code == 200 and answer.json()["message"] == "pong"


def test_expect_100_continue_gets_empty_500(sandbox: ServiceLayerSandbox, raw: RawSession) -> None:
    answer = raw.post("BusinessPartners", {"CardCode": "X"}, headers={"Expect": "100-continue"})
    assert answer.status_code == 500 and answer.content == b""


def test_error_shapes_per_version(sandbox: ServiceLayerSandbox) -> None:
    v1 = RawSession(sandbox, "v1").get("Items('NOPE')")
    v2 = RawSession(sandbox, "v2").get("Items('NOPE')")
    assert v1.status_code == v2.status_code == 404
    assert v1.json() == {
        "error": {
            "code": -2028,
            "message": {"lang": "en-us", "value": "No matching records found (ODBC -2028)"},
        }
    }
    assert v2.json() == {
        "error": {"code": "-2028", "message": "No matching records found (ODBC -2028)"}
    }


def test_entity_formats_per_version(sandbox: ServiceLayerSandbox) -> None:
    v1 = RawSession(sandbox, "v1").get("Items('A00001')")
    v2 = RawSession(sandbox, "v2").get("Items('A00001')")
    one, two = v1.json(), v2.json()
    assert two["UpdateDate"] == "2024-01-02T00:00:00Z" and two["UpdateTime"] == "08:00:00"
    assert one["UpdateDate"] == "2024-01-02" and one["UpdateTime"] == "08:00:00"
    assert two["@odata.etag"].startswith('W/"') and v2.headers["ETag"] == two["@odata.etag"]
    assert "@odata.etag" not in one and one["odata.metadata"].endswith("#Items/@Element")
    assert v2.headers["OData-Version"] == "4.0"
    assert two["Valid"] == "tYES" and two["ManageBatchNumbers"] == "tNO"
    prices = {p["PriceList"]: p["Price"] for p in two["ItemPrices"]}
    assert set(prices) == {1, 2}
    assert {w["WarehouseCode"] for w in two["ItemWarehouseInfoCollection"]} == {
        "01",
        "NY",
        "CHI",
        "DEN",
        "LA",
    }
