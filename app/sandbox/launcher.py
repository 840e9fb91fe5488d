"""Starts both sandbox servers together, for the demo, `integration-hub sandbox` and benches.

Their databases live in the data folder (``sandbox/``) so that the demo
company keeps what earlier syncs posted; tests pass their own folder or None
(in memory).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.sandbox.faults import FaultPlan
from app.sandbox.sapb1.server import ServiceLayerSandbox
from app.sandbox.tagrain.server import TagrainSandbox


@dataclass(frozen=True)
class SandboxScale:
    """How big the demo company is on each side."""

    customers: int = 200
    items: int = 300
    tagrain_customers: int = 150
    sales: int = 500
    refunds: int = 60
    expenses: int = 80


@dataclass
class SandboxOptions:
    """Everything `integration-hub sandbox` and the embedded demo can set."""

    folder: Path | None = None
    host: str = "127.0.0.1"
    sap_port: int = 0
    tagrain_port: int = 0
    https: bool = False
    scale: SandboxScale = field(default_factory=SandboxScale)
    sap_faults: FaultPlan | None = None
    tagrain_faults: FaultPlan | None = None
    live_interval: float | None = None
    session_timeout: float = 30 * 60
    negative_stock_allowed: bool = True
    """SAP Business One allows negative inventory unless "Block Negative Inventory" is set."""
    multi_branch: bool = False
    """A multi-branch SAP company: every posting names one of the demo branches."""


@dataclass
class RunningSandboxes:
    """Both servers, started; ``stop()`` ends them."""

    service_layer: ServiceLayerSandbox
    tagrain: TagrainSandbox

    @property
    def sap_url(self) -> str:
        """The Service Layer root (``https://127.0.0.1:PORT``), without ``/b1s/v2``."""
        return self.service_layer.url

    @property
    def tagrain_url(self) -> str:
        """The Tagrain base URL (without ``/api/v1``)."""
        return self.tagrain.url

    def stop(self) -> None:
        """Stop both servers."""
        self.tagrain.close()
        self.service_layer.stop()


def start_sandboxes(options: SandboxOptions | None = None) -> RunningSandboxes:
    """Seed (once) and start both sandboxes on loopback."""
    options = options or SandboxOptions()
    scale = options.scale
    sap_db = tagrain_db = None
    if options.folder is not None:
        options.folder.mkdir(parents=True, exist_ok=True)
        sap_db = options.folder / "service-layer.sqlite3"
        tagrain_db = options.folder / "tagrain.sqlite3"
    service_layer = ServiceLayerSandbox(
        sap_db,
        customers=scale.customers,
        items=scale.items,
        faults=options.sap_faults,
        session_timeout=options.session_timeout,
        negative_stock_allowed=options.negative_stock_allowed,
        multi_branch=options.multi_branch,
    ).start(options.host, options.sap_port, tls=options.https)
    try:
        tagrain = TagrainSandbox(
            tagrain_db,
            customers=scale.tagrain_customers,
            items=scale.items,
            sales=scale.sales,
            refunds=scale.refunds,
            expenses=scale.expenses,
            faults=options.tagrain_faults,
            live_interval=options.live_interval,
        ).start(options.host, options.tagrain_port)
    except BaseException:
        service_layer.stop()
        raise
    return RunningSandboxes(service_layer, tagrain)
