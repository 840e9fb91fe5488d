"""The error answer of the Tagrain contract: ``{"error": {"code", "message", "field"}}``."""

from __future__ import annotations

from app.sandbox.httpserver import SandboxResponse


class ApiError(Exception):
    """A request the sandbox refuses, with the status and error body to answer."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def response(self) -> SandboxResponse:
        """The contract-shaped answer."""
        return error_response(self.status, self.code, self.message, self.field)


def error_response(
    status: int, code: str, message: str, field: str | None = None
) -> SandboxResponse:
    """A contract-shaped error answer."""
    payload = {"error": {"code": code, "message": message, "field": field}}
    return SandboxResponse.json(status, payload)


def invalid(field: str, message: str) -> ApiError:
    """A 422 validation failure on ``field``."""
    return ApiError(422, "validation_failed", message, field)
