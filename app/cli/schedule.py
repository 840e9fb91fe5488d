"""``integration-hub schedule show|set``: the objects' schedules, as Synchronization Settings.

``schedule show [--template T] [OBJECT]`` prints every object's schedule (or
one) with its next run. ``schedule set OBJECT --template T [--daily | --weekly
DAYS] [--from HH:MM] [--to HH:MM] [--every 15m|1h|off] [--disable]`` changes
the fields given and keeps the others (a new schedule starts from the
dialog's default: daily 08:00–20:00 every 1 h); the schedule is enabled
unless ``--disable``. Times are typed as in the dialog ("0900", "9:30",
"21.15"); ``--every off`` runs once per window, as the dialog's 0. The same
checks as the dialog (app/scheduling/drafts.py) refuse a bad value with one
line and exit 2; the save bumps the schedules' change stamp, so a running
client or service picks the change up.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from app.cli.base import add_actions, add_command, template_id, template_option
from app.cli.errors import EXIT_OK, UsageError

if TYPE_CHECKING:
    from app.scheduling.drafts import ScheduleDraft
    from app.store import Database


def register(subparsers: Any) -> None:
    """Register ``schedule show`` and ``schedule set``."""
    schedule = add_command(
        subparsers, "schedule", run, help="show or set when each object synchronizes"
    )
    actions = add_actions(schedule, "schedule_command")
    show = actions.add_parser("show", help="every object's schedule and next run")
    show.add_argument("object", nargs="?", help="one object (default: every object)")
    show.add_argument("--template", help="one template (default: every template)")
    put = actions.add_parser("set", help="change one object's schedule (enables it)")
    put.add_argument("object", help="the object, e.g. sales or customers")
    template_option(put)
    frequency = put.add_mutually_exclusive_group()
    frequency.add_argument("--daily", action="store_true", help="run every day")
    frequency.add_argument(
        "--weekly", metavar="DAYS", help="run on these weekdays only, e.g. mon,wed,fri"
    )
    put.add_argument("--from", dest="start", metavar="HH:MM", help="the window's start")
    put.add_argument("--to", dest="end", metavar="HH:MM", help="the window's end")
    put.add_argument(
        "--every", metavar="INTERVAL", help="15m, 1h ... or off: once at the window's start"
    )
    put.add_argument(
        "--disable", action="store_true", help="keep the timing but do not run automatically"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``schedule show`` or ``schedule set``."""
    from app.store import open_database

    database = open_database(args.database)
    try:
        if args.schedule_command == "show":
            return _show(database, args)
        return _set(database, args)
    finally:
        database.dispose()


def _check_object(name: str | None) -> None:
    from app.sync.jobs import OBJECTS

    if name is not None and name not in OBJECTS:
        raise UsageError(f"unknown object {name!r}; choose one of {', '.join(OBJECTS)}")


def _line(template: str, draft: ScheduleDraft) -> str:
    from app.scheduling.calendar import local_zone
    from app.scheduling.drafts import show_interval
    from app.scheduling.time_input import show_time

    state = "enabled" if draft.enabled else "disabled"
    days = f" {draft.weekdays}" if draft.frequency == "weekly" else ""
    upcoming = draft.next_run(local_zone())
    nxt = upcoming.astimezone().strftime("%Y-%m-%d %H:%M") if upcoming else "-"
    return (
        f"{template}  {draft.object}  {state}  {draft.frequency}{days}  "
        f"{show_time(draft.window_start)}-{show_time(draft.window_end)}  "
        f"every {show_interval(draft.interval_minutes)}  next {nxt}  ({draft.summary()})"
    )


def _show(database: Database, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.scheduling.drafts import load_drafts
    from app.store import Template
    from app.sync.jobs import OBJECTS

    _check_object(args.object)
    if args.template is not None:
        templates = [(template_id(database, args.template), args.template)]
    else:
        with database.session() as session:
            templates = [
                (row.id, row.name)
                for row in session.scalars(select(Template).order_by(Template.name))
            ]
    if not templates:
        print("no templates in the store")
    for tid, name in templates:
        for draft in load_drafts(database, OBJECTS, tid):
            if args.object in (None, draft.object):
                print(_line(name, draft))
    return EXIT_OK


def _set(database: Database, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.input_error import InputError
    from app.scheduling.calendar import WEEKDAYS, parse_weekdays
    from app.scheduling.drafts import load_drafts, midnight_note, parse_interval, save_drafts
    from app.scheduling.time_input import FORMAT_HINT, parse_time
    from app.store import Template
    from app.sync.jobs import OBJECTS

    _check_object(args.object)
    tid = template_id(database, args.template)
    with database.session() as session:
        name = session.scalars(select(Template.name).where(Template.id == tid)).one()
    current = next(d for d in load_drafts(database, OBJECTS, tid) if d.object == args.object)
    changes: dict[str, Any] = {"enabled": not args.disable}
    if args.daily:
        changes.update(frequency="daily", weekdays="")
    if args.weekly is not None:
        changes.update(frequency="weekly", weekdays=args.weekly.strip().lower())
    for option, field, text in (
        ("--from", "window_start", args.start),
        ("--to", "window_end", args.end),
    ):
        if text is not None:
            value = parse_time(text)
            if value is None:
                raise UsageError(f"{option} {text!r} is not a time ({FORMAT_HINT})")
            changes[field] = value
    if args.every is not None:
        try:
            changes["interval_minutes"] = parse_interval(args.every)
        except ValueError as exc:
            raise UsageError(f"--every {exc}") from None
    draft = current.with_changes(**changes)
    try:
        spec = draft.check()
    except InputError as exc:
        raise UsageError(str(exc)) from None
    if draft.frequency == "weekly":
        days = sorted(parse_weekdays(spec.weekdays))
        draft = draft.with_changes(weekdays=",".join(WEEKDAYS[day] for day in days))
    changed = save_drafts(database, tid, [draft])
    print(_line(name, draft))
    note = midnight_note(draft.window_start, draft.window_end)
    if note:
        print(f"  {note}")
    print("saved" if changed else "unchanged: the schedule already was so")
    return EXIT_OK
