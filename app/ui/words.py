"""Words of the client's messages: counted nouns ("1 record", "1,204 changes"), run names."""

from __future__ import annotations

SYNC_ALL = "Synchronize All"
INITIAL_LOAD = "Initial Load"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """The count (thousands separated) and the noun, singular for exactly one."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count:,} {word}"
