"""Integration Hub for Tagrain: keeps SAP Business One and Tagrain in step.

``__version__`` is read from the installed package's metadata when first asked
for (``importlib.metadata`` costs a noticeable part of the client's start).
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    if name != "__version__":
        raise AttributeError(f"module 'app' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("integration-hub")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
