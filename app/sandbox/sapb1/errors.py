"""Service Layer errors as the sandbox raises them: HTTP status, SAP code, SAP text."""

from __future__ import annotations

NOT_FOUND = "No matching records found (ODBC -2028)"
NOT_SUPPORTED = "The requested action is not supported for this object."
INVALID_SESSION = "Invalid session or session already timeout."
BAD_LOGIN = "Fail to get DB Credentials from SLD server"
DUPLICATE = "This entry already exists in the following tables (ODBC -2035)"
ETAG_MISMATCH = (
    "Another user or another operation modified data; to continue, open the window again"
)


class SlError(Exception):
    """An error the sandbox answers with SL's status, code and message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    @classmethod
    def not_found(cls) -> SlError:
        """404 / -2028, as SL answers a missing key."""
        return cls(404, -2028, NOT_FOUND)

    @classmethod
    def business(cls, message: str) -> SlError:
        """400 / -10, SL's code for a refused business rule."""
        return cls(400, -10, message)

    @classmethod
    def duplicate(cls) -> SlError:
        """400 / -2035 for a duplicate key on a plain table."""
        return cls(400, -2035, DUPLICATE)

    @classmethod
    def not_supported(cls) -> SlError:
        """400 / -5006, e.g. DELETE on a document."""
        return cls(400, -5006, NOT_SUPPORTED)

    @classmethod
    def malformed(cls, message: str) -> SlError:
        """400 / -1000 for a request SL cannot read."""
        return cls(400, -1000, message)

    @classmethod
    def invalid_session(cls) -> SlError:
        """401 / 301 for a missing, unknown or expired session."""
        return cls(401, 301, INVALID_SESSION)

    @classmethod
    def bad_login(cls) -> SlError:
        """401 / -304 for wrong company, user or password."""
        return cls(401, -304, BAD_LOGIN)
