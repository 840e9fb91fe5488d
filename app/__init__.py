"""Integration Hub for Tagrain: keeps SAP Business One and Tagrain in step."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("integration-hub")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
