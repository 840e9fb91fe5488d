"""``integration-hub template``: list, show, export and import templates as YAML files.

A partner sets a template up once, exports it, keeps the file in version
control and imports it at the next customer. The file never holds secrets:
passwords and API keys stay in each machine's keyring. Wrong input (an
unknown template, an unreadable file, a key or value the forms would refuse)
is one line on stderr and exit code 2; the work is in ``app.template_files``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from app.cli.base import add_actions, add_command
from app.cli.errors import EXIT_FAILED as EXIT_NOT_APPLIED
from app.cli.errors import EXIT_OK, UsageError

if TYPE_CHECKING:
    from app.store import Database
UNCHECKED = (
    "the codes were not checked in SAP Business One: it could not be asked ({reason}); "
    "each sync run checks them before posting anything"
)


def register(subparsers: Any) -> None:
    """Add ``template`` and its actions to the CLI's subparsers."""
    parser = add_command(
        subparsers, "template", run, help="templates as files: list, show, export, import"
    )
    actions = add_actions(parser, "template_action")
    actions.add_parser("list", help="every template: connections, schedules, marks")
    show = actions.add_parser("show", help="one template in full (never its secrets)")
    show.add_argument("template")
    export = actions.add_parser("export", help="write a template as YAML (never its secrets)")
    export.add_argument("template")
    export.add_argument("--file", metavar="FILE", help="write here (default: standard output)")
    load = actions.add_parser(
        "import", help="check a template file, show what it changes, apply it at once"
    )
    load.add_argument("file", metavar="FILE")
    load.add_argument(
        "--as", dest="as_name", metavar="NAME", help="store it as this template (new or replaced)"
    )
    load.add_argument("--yes", action="store_true", help="apply without asking")
    load.add_argument("--dry-run", action="store_true", help="only show what would change")
    load.add_argument(
        "--move-marks",
        action="store_true",
        help="take over marks another template holds (a record is marked for one at a time)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the chosen ``template`` action."""
    from app.store import open_database
    from app.sync.jobs import OBJECTS

    database = open_database(args.database)
    try:
        action = args.template_action
        if action == "list":
            return _list(database)
        if action == "show":
            from app.template_files.document import read_document
            from app.template_files.summary import show_lines

            document = read_document(database, _template_id(database, args.template), OBJECTS)
            print("\n".join(show_lines(document, OBJECTS)))
            return EXIT_OK
        if action == "export":
            return _export(database, args)
        return _import(database, args)
    finally:
        database.dispose()


def _usage(message: str) -> NoReturn:
    raise UsageError(message)


def _template_id(database: Database, name: str) -> int:
    from sqlalchemy import select

    from app.store import Template

    with database.session() as session:
        templates = session.execute(select(Template.id, Template.name).order_by(Template.name))
        known = {template_name: template_id for template_id, template_name in templates}
    if name not in known:
        _usage(f"no template named {name!r} (templates: {', '.join(known) or 'none'})")
    return known[name]


def _list(database: Database) -> int:
    from app.template_files.summary import list_lines

    lines = list_lines(database)
    if not lines:
        print("no templates in the store")
    for line in lines:
        print(line)
    return EXIT_OK


def _export(database: Database, args: argparse.Namespace) -> int:
    from app.sync.jobs import OBJECTS
    from app.template_files.document import read_document
    from app.template_files.yaml_file import dump

    text = dump(read_document(database, _template_id(database, args.template), OBJECTS))
    if args.file is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        Path(args.file).write_text(text, encoding="utf-8")
    except OSError as exc:
        _usage(f"cannot write {args.file}: {exc.strerror or exc}")
    print(f"template {args.template} written to {args.file}", file=sys.stderr)
    return EXIT_OK


def _import(database: Database, args: argparse.Namespace) -> int:
    from app.sync.jobs import OBJECTS
    from app.sync.marking import MarkConflict
    from app.template_files.diff import codes
    from app.template_files.importer import apply_import, plan_import
    from app.template_files.yaml_file import FormatError, parse
    from app.ui.data.errors import InputError

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        _usage(f"cannot read {args.file}: {reason or exc}")
    try:
        parsed = parse(text, OBJECTS)
    except FormatError as exc:
        _usage(f"{args.file}: {exc}")
    if args.as_name is not None and not args.as_name.strip():
        _usage("--as needs a template name")
    try:
        plan = plan_import(database, parsed.document, OBJECTS, name=args.as_name)
    except InputError as exc:
        where = "--as" if args.as_name is not None else f"{args.file}: {_at(parsed, 'template')}"
        _usage(f"{where}: {exc}")
    _check_in_sap(plan, parsed, args.file)
    target = plan.document.name
    if not plan.changes_anything:
        print(f"template {target} already matches {args.file}: nothing to change")
        return EXIT_OK
    state = "a new template" if plan.template_id is None else "changes to template"
    print(f"{args.file} → {state} {target}:")
    for section in plan.sections:
        print("\n".join(section.lines()))
    for key, owners in plan.taken.items():
        names = ", ".join(sorted(set(owners.values())))
        listed = codes(sorted(owners))
        print(f"  {len(owners):,} {key} marked for another template ({names}): {listed}")
    if plan.taken and not args.move_marks:
        note = "--move-marks moves them"
        if args.dry_run:
            print(f"Dry run: nothing was changed ({note} when applied).")
            return EXIT_OK
        _usage(
            f"{sum(len(o) for o in plan.taken.values()):,} records the file marks are marked "
            f"for another template (a record is marked for one at a time); {note} to {target}"
        )
    if args.dry_run:
        print("Dry run: nothing was changed.")
        return EXIT_OK
    if not args.yes and not _confirmed(target):
        print("Nothing was changed.")
        return EXIT_NOT_APPLIED
    try:
        apply_import(database, plan, move_marks=args.move_marks, user=getpass.getuser())
    except (InputError, MarkConflict) as exc:
        _usage(f"nothing was changed: {exc}")
    print(f"template {target} imported from {args.file}")
    _secrets_note(target)
    return EXIT_OK


def _at(parsed: Any, path: str) -> str:
    line = parsed.line(path)
    return f"line {line}: {path}" if line is not None else path


def _check_in_sap(plan: Any, parsed: Any, file: str) -> None:
    """Refuse codes SAP does not know; when SAP cannot be asked, warn and go on."""
    from app import secrets
    from app.sync.records import SyncError
    from app.template_files.importer import check_in_sap, problem_path

    if not plan.document.connection.sap_url:
        return
    try:
        problems = check_in_sap(plan)
    except (SyncError, secrets.SecretMissing, secrets.SecretsUnavailable, OSError) as exc:
        print(f"integration-hub: warning: {UNCHECKED.format(reason=exc)}", file=sys.stderr)
        return
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        _usage(f"{file}: {_at(parsed, problem_path(first, parsed))}: {first}{more}")


def _confirmed(target: str) -> bool:
    if not sys.stdin.isatty():
        _usage(
            "standard input is not a terminal to ask on: add --yes to apply the file "
            "(or --dry-run to only show what it changes)"
        )
    answer = input(f"Apply these changes to template {target}? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _secrets_note(name: str) -> None:
    """Say which secrets this machine still needs for the template (the file has none)."""
    from app import secrets

    try:
        missing = [
            kind.value
            for kind in (secrets.SecretKind.SAP_PASSWORD, secrets.SecretKind.TAGRAIN_API_KEY)
            if secrets.get_secret(name, kind) is None
        ]
    except secrets.SecretsUnavailable:
        return
    for kind in missing:
        print(
            f"its {kind} is not in this machine's keyring: "
            f"integration-hub secrets set --template {name!r} --kind {kind}"
        )
