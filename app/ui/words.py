"""Counted nouns in the client's messages: "1 record", "2 records", "1,204 changes"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """The count (thousands separated) and the noun, singular for exactly one."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count:,} {word}"
