"""Times typed as in SAP Business One: "0900", "9", "9:30", "930", "21.15".

Digits alone are hours (one or two digits) or hours and minutes (three or
four: "930" is 09:30, "2115" is 21:15); a colon or a full stop separates
hours from minutes ("9:30", "21.15", "21." is 21:00). Hours run 0–23,
minutes 0–59.
"""

from __future__ import annotations

import re
from datetime import time

from app.ui.data.errors import InputError

_SEPARATED = re.compile(r"(\d{1,2})[:.](\d{0,2})")
FORMAT_HINT = "hh:mm, e.g. 0900, 9:30 or 21.15"


def parse_time(text: str) -> time | None:
    """The time typed, or None when the text is not a time."""
    text = text.strip()
    if text.isdigit():
        if len(text) <= 2:
            hours, minutes = int(text), 0
        elif len(text) <= 4:
            hours, minutes = int(text[:-2]), int(text[-2:])
        else:
            return None
    elif (match := _SEPARATED.fullmatch(text)) is not None:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    else:
        return None
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def read_time(text: str, label: str, field: str | None = None) -> time:
    """The time typed; InputError names ``label`` when it is empty or not a time."""
    value = parse_time(text)
    if value is None:
        typed = text.strip()
        raise InputError(
            f"{label}: {typed!r} is not a time ({FORMAT_HINT})"
            if typed
            else f"{label}: enter a time ({FORMAT_HINT})",
            field,
        )
    return value


def show_time(value: time) -> str:
    """A time as the field shows it (hh:mm)."""
    return value.strftime("%H:%M")
