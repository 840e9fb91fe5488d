"""The error raised when a user's input cannot be saved (forms and command line alike)."""

from __future__ import annotations


class InputError(ValueError):
    """Input refused; ``field`` names the form field to highlight, the message is for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
