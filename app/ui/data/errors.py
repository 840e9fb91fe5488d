"""The error a setup action raises when the user's input cannot be saved (app/input_error.py)."""

from __future__ import annotations

from app.input_error import InputError

__all__ = ["InputError"]
