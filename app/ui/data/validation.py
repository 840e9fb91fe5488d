"""Checks of what users type into the setup forms, with messages meant for them."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.ui.data.errors import InputError


def check_url(value: str, field: str, label: str, *, required: bool = False) -> str:
    """An http(s) URL with a host, stripped; empty is allowed unless ``required``."""
    clean = value.strip()
    if not clean:
        if required:
            raise InputError(f"Enter the {label}.", field)
        return ""
    try:
        parts = urlsplit(clean)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise InputError(f"The {label} {clean!r} is not a valid URL.", field) from None
    if parts.scheme not in ("http", "https"):
        raise InputError(f"The {label} must start with http:// or https://.", field)
    if not parts.hostname:
        raise InputError(f"The {label} {clean!r} has no host name.", field)
    return clean


def check_int(value: str, field: str, label: str) -> int | None:
    """A whole number, or None for an empty field."""
    clean = value.strip()
    if not clean:
        return None
    try:
        return int(clean)
    except ValueError:
        raise InputError(f"The {label} must be a number; {clean!r} is not.", field) from None


def check_code(value: str, field: str, label: str, max_length: int) -> str | None:
    """A code of at most ``max_length`` characters, or None for an empty field."""
    clean = value.strip()
    if not clean:
        return None
    if len(clean) > max_length:
        raise InputError(f"The {label} has at most {max_length} characters.", field)
    return clean


def check_currency(value: str, field: str, label: str) -> str | None:
    """A three-letter currency code (upper-cased), or None for an empty field."""
    clean = value.strip().upper()
    if not clean:
        return None
    if len(clean) != 3 or not clean.isalpha():
        raise InputError(f"The {label} is a three-letter code such as USD.", field)
    return clean
