"""``integration-hub mark customers|items``: the marking matrices' save, from a script.

Which records: ``--codes FROM..TO`` (a code range), ``--groups FROM..TO`` (a
group range; both together narrow each other, as in the Selection Criteria
window; an empty bound is open: ``C1000..``), or ``--file F`` with one code
per line (blank lines and lines starting with ``#`` are skipped). The records
are read from the template's SAP company, so only what the matrix would list
can be marked. ``--unmark`` removes this template's marks instead.

The rules are the matrix's (app/sync/marking.py): a record is marked for one
template at a time; one that another template owns is left there and listed
as a conflict (exit 1, everything else is saved), unless ``--move`` takes it
over, as answering Yes to the matrix's "Move them?" does. Unmarking never
touches another template's mark. Exit 0 means every record asked for is now
in the state asked for (also when nothing had to change); a code in the file
that SAP does not know is wrong input (exit 2, nothing saved).
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.base import add_command, template_id, template_option
from app.cli.errors import EXIT_FAILED, EXIT_OK, UsageError

if TYPE_CHECKING:
    from app.sync.marking import MarkResult

SHOWN_CODES = 20
"""How many conflicting codes are listed one by one before only their count is given."""


def register(subparsers: Any) -> None:
    """Register ``mark``."""
    mark = add_command(
        subparsers,
        "mark",
        run,
        help="mark customers or items for synchronization (as the marking matrices do)",
    )
    mark.add_argument("kind", choices=["customers", "items"])
    template_option(mark)
    mark.add_argument("--codes", metavar="FROM..TO", help="a code range (a bound may be empty)")
    mark.add_argument(
        "--groups", metavar="FROM..TO", help="a group range by group number (a bound may be empty)"
    )
    mark.add_argument("--file", type=Path, metavar="FILE", help="one code per line")
    mark.add_argument("--unmark", action="store_true", help="remove this template's marks")
    mark.add_argument(
        "--move",
        action="store_true",
        help="take over records marked for another template (else they are listed and kept)",
    )


def _range(option: str, text: str) -> tuple[str, str]:
    first, separator, last = text.partition("..")
    if not separator:
        raise UsageError(f"{option} {text!r} is not a range: write FROM..TO, e.g. C1000..C1999")
    return first.strip(), last.strip()


def _group(option: str, text: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a group number") from None


def _file_codes(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a UTF-8 text file with one code per line") from None
    codes = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not codes:
        raise UsageError(f"{path} lists no codes (one code per line)")
    return codes


def run(args: argparse.Namespace) -> int:
    """Mark or unmark the chosen records for the template; print what changed."""
    if args.file is not None and (args.codes or args.groups):
        raise UsageError("--file cannot be combined with --codes or --groups")
    if args.file is None and not (args.codes or args.groups):
        raise UsageError("choose the records with --codes FROM..TO, --groups FROM..TO or --file F")
    if args.unmark and args.move:
        raise UsageError("--move is for marking; --unmark never touches another template's marks")
    listed = _file_codes(args.file) if args.file is not None else None
    code_range = _range("--codes", args.codes) if args.codes else ("", "")
    groups = _range("--groups", args.groups) if args.groups else ("", "")
    group_range = (_group("--groups", groups[0]), _group("--groups", groups[1]))
    from app.store import open_database
    from app.sync import marking

    kind = marking.CUSTOMER if args.kind == "customers" else marking.ITEM
    database = open_database(args.database)
    try:
        tid = template_id(database, args.template)
        if listed is not None:
            codes, unknown = marking.sap_codes(database, kind, tid, listed)
            if unknown:
                shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
                raise UsageError(
                    f"{len(unknown)} code(s) in {args.file} are not {args.kind} in SAP: {shown}"
                )
        else:
            criteria = marking.Criteria(kind, tid, *code_range, *group_range)
            codes = [row.code for page in marking.read_rows(database, criteria) for row in page]
        result = marking.apply_marks(
            database, kind, tid, codes, unmark=args.unmark, move=args.move, user=getpass.getuser()
        )
    finally:
        database.dispose()
    return _report(args, len(codes), result)


def _report(args: argparse.Namespace, selected: int, result: MarkResult) -> int:
    outcome = result.outcome
    print(
        f"{selected} {args.kind} selected: {outcome.marked} marked, {outcome.unmarked} unmarked, "
        f"{outcome.moved} moved from another template, {result.unchanged} already so"
    )
    for label, owners in (
        ("left marked for another template (add --move to take them over)", result.conflicts),
        ("marked for another template, left alone", result.elsewhere),
    ):
        if not owners:
            continue
        print(f"{len(owners)} {label}:")
        for code in sorted(owners)[:SHOWN_CODES]:
            print(f"  {code}: {owners[code]}")
        if len(owners) > SHOWN_CODES:
            print(f"  … and {len(owners) - SHOWN_CODES} more")
    return EXIT_FAILED if result.conflicts else EXIT_OK
