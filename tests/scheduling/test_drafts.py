"""The schedule rules the dialog and `integration-hub schedule set` share (drafts.py)."""

from __future__ import annotations

from datetime import time

import pytest

from app.input_error import InputError
from app.scheduling.drafts import ScheduleDraft, midnight_note, parse_interval, show_interval


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("15m", 15), ("7min", 7), ("1h", 60), ("999h", 999 * 60), ("off", 0), ("0", 0), ("0m", 0)],
)
def test_an_interval_is_minutes_or_hours_or_off(text: str, minutes: int) -> None:
    assert parse_interval(text) == minutes
    assert parse_interval(show_interval(minutes)) == minutes


@pytest.mark.parametrize("text", ["", "15", "7x", "1.5h", "-5m", "h", "1000m", "1000h"])
def test_what_the_dialog_cannot_express_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=repr(text)):
        parse_interval(text)


@pytest.mark.parametrize(("minutes", "valid"), [(999, True), (1000, False), (1020, True)])
def test_a_draft_holds_only_intervals_the_dialog_can_show(minutes: int, valid: bool) -> None:
    draft = ScheduleDraft("sales", "Sales", interval_minutes=minutes)
    if valid:
        draft.check()
    else:
        with pytest.raises(InputError, match="at most 999 minutes or hours"):
            draft.check()


def test_a_weekly_draft_needs_a_day_and_a_known_one() -> None:
    with pytest.raises(InputError, match="choose at least one weekday"):
        ScheduleDraft("sales", "Sales", frequency="weekly").check()
    with pytest.raises(InputError, match="unknown weekday 'funday'"):
        ScheduleDraft("sales", "Sales", frequency="weekly", weekdays="mon,funday").check()


def test_the_midnight_note() -> None:
    assert midnight_note(time(8), time(20)) == ""
    assert midnight_note(time(22), time(2)) == "Crosses midnight: runs 22:00–24:00 and 00:00–02:00"
