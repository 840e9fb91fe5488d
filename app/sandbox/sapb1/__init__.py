"""The SAP Business One Service Layer sandbox (``ServiceLayerSandbox``)."""

from app.sandbox.sapb1.server import ServiceLayerSandbox

__all__ = ["ServiceLayerSandbox"]
