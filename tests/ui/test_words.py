"""The client writes as SAP does: American spelling and counted nouns in the singular for one."""

from __future__ import annotations

from pathlib import Path

import app
from app.ui.words import counted

APP = Path(app.__file__).parent


def test_one_is_singular_and_large_counts_are_grouped() -> None:
    assert counted(1, "change") == "1 change"
    assert counted(0, "record") == "0 records"
    assert counted(1204, "user field") == "1,204 user fields"
    assert counted(2, "entry", "entries") == "2 entries"


def test_no_british_synchronise_in_what_users_read() -> None:
    offenders = [
        f"{path.relative_to(APP)}:{number}"
        for folder in ("ui", "sync", "scheduling", "store", "cli")
        for path in sorted((APP / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "ynchronis" in line
    ]
    assert offenders == []
