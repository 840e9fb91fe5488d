"""Fixtures: a Service Layer sandbox on a free loopback port, and clients for v1 and v2."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from app.connectors.sapb1 import ServiceLayerClient, ServiceLayerSettings, user_fields
from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox

CUSTOMERS = 45
ITEMS = 60
SEEDED_CUSTOMERS = CUSTOMERS + 2
"""Business partners a sandbox starts with: the generated customers, the walk-in customer
and the demo's customer with a code special in URLs."""
SEEDED_ITEMS = ITEMS + len(demo.SPECIAL_CODE_ITEMS)
"""Items a sandbox starts with: the generated ones and the demo's codes special in URLs."""
FIXED_NOW = dt.datetime(2026, 3, 14, 9, 26, 53)


class Clock:
    """A settable clock for the sandbox (UpdateDate/UpdateTime stamps)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    """The sandbox's clock, fixed at FIXED_NOW until a test moves it."""
    return Clock(FIXED_NOW)


@pytest.fixture
def make_sandbox(clock: Clock) -> Iterator[Callable[..., ServiceLayerSandbox]]:
    """Start sandboxes with custom options; all are stopped after the test."""
    started: list[ServiceLayerSandbox] = []

    def make(tls: bool = False, company_setup: bool = True, **options: Any) -> ServiceLayerSandbox:
        options.setdefault("customers", CUSTOMERS)
        options.setdefault("items", ITEMS)
        sandbox = ServiceLayerSandbox(**options)
        sandbox.clock = clock
        started.append(sandbox)
        sandbox.start(tls=tls)
        if company_setup:
            run_company_setup(sandbox)
        return sandbox

    yield make
    for sandbox in started:
        sandbox.stop()


def run_company_setup(sandbox: ServiceLayerSandbox) -> None:
    """Add the add-on's user fields through the Service Layer, as the product's setup does.

    The setup's own session and requests are then forgotten, so that a test counts only
    its own logins and requests.
    """
    extra = {"verify": False} if sandbox.certificate_path else {}
    with ServiceLayerClient(settings_for(sandbox, **extra)) as client:
        user_fields.create(client, user_fields.missing(client))
    sandbox.sessions.logins = 0
    sandbox.requests.clear()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., ServiceLayerSandbox]) -> ServiceLayerSandbox:
    """A small sandbox company on plain HTTP, with the add-on's user fields set up."""
    return make_sandbox()


@pytest.fixture
def fresh_sandbox(make_sandbox: Callable[..., ServiceLayerSandbox]) -> ServiceLayerSandbox:
    """A small sandbox company as SAP delivers it: without the add-on's user fields."""
    return make_sandbox(company_setup=False)


@pytest.fixture(params=["v1", "v2"])
def version(request: pytest.FixtureRequest) -> str:
    """Each client test runs against both protocol versions."""
    return str(request.param)


def settings_for(
    sandbox: ServiceLayerSandbox, version: str = "v2", **extra: Any
) -> ServiceLayerSettings:
    """Client settings pointing at a sandbox, with short timeouts and backoff."""
    values: dict[str, Any] = {
        "timeout": (2.0, 5.0),
        "backoff": 0.01,
        "max_backoff": 0.05,
    }
    password = extra.pop("password", demo.SAP_PASSWORD)
    values.update(extra)
    return ServiceLayerSettings(
        sandbox.url,
        demo.COMPANY_DB,
        demo.SAP_USER,
        password,
        version=version,
        **values,
    )


@pytest.fixture
def client(sandbox: ServiceLayerSandbox, version: str) -> Iterator[ServiceLayerClient]:
    """A client of the sandbox in the parametrized version."""
    with ServiceLayerClient(settings_for(sandbox, version)) as c:
        yield c


class RawSession:
    """A logged-in requests session for testing the sandbox on its own."""

    def __init__(self, sandbox: ServiceLayerSandbox, version: str = "v2") -> None:
        self.root = sandbox.service_url(version)
        self.http = requests.Session()
        answer = self.http.post(self.root + "Login", json=sandbox.credentials, timeout=5)
        assert answer.status_code == 200, answer.text
        self.cookie = f"B1SESSION={answer.json()['SessionId']}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A request relative to the service root, with the session cookie."""
        headers = {"Cookie": self.cookie, **kwargs.pop("headers", {})}
        return self.http.request(method, self.root + path, headers=headers, timeout=5, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET relative to the service root."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        """POST JSON relative to the service root."""
        return self.request("POST", path, json=body, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        """PATCH JSON relative to the service root."""
        return self.request("PATCH", path, json=body, **kwargs)


@pytest.fixture
def raw(sandbox: ServiceLayerSandbox) -> RawSession:
    """A v2 session on the sandbox without our client in the way."""
    return RawSession(sandbox, "v2")


def invoice_body(
    card: str = "C000001",
    item: str = "A00001",
    quantity: float = 1,
    warehouse: str = "NY",
    **extra: Any,
) -> dict[str, Any]:
    """A one-line A/R invoice."""
    body: dict[str, Any] = {
        "CardCode": card,
        "DocumentLines": [{"ItemCode": item, "Quantity": quantity, "WarehouseCode": warehouse}],
    }
    body.update(extra)
    return body
