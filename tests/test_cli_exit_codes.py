"""Wrong input to a command is one line on stderr and exit code 2, as the README says;
``runs --failed`` lists what still waits, ``--all`` the history marked resolved or not.

The wrong inputs go to a real process against a store with one template.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.store import PendingRetry, RecordLog, Run, Template, open_database
from tests.test_cli import run_cli


@pytest.fixture
def home_with_a_template(isolated_home: Path) -> Path:
    database = open_database()
    with database.session() as session:
        session.add(Template(name="Main"))
    database.dispose()
    return isolated_home


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["sync", "sales", "--template", "Nope"], "no template named 'Nope' (templates: Main)"),
        (["sync", "bogus"], "unknown object 'bogus'"),
        (["retry-failed", "bogus"], "unknown object 'bogus'"),
        (["retry-failed", "sales", "--template", "Nope"], "no template named 'Nope'"),
        (["init", "--template", "Nope"], "no template named 'Nope'"),
        (["summary", "--date", "2026-13-01"], "is not a date"),
        (["runs", "--limit", "many"], "invalid int value: 'many'"),
        (["summary", "--date", "tomorrow"], "is not a date"),
        (["bogus"], "invalid choice: 'bogus'"),
        (["db", "drop"], "invalid choice: 'drop'"),
        (["sandbox", "--sap-faults", "bogus"], "unknown fault setting 'bogus'"),
        (["sandbox", "--sap-port", "http"], "invalid int value: 'http'"),
        (["company", "check", "--template", "Nope"], "no template named 'Nope'"),
        (["company", "setup", "--template", "Nope", "--yes"], "no template named 'Nope'"),
        (
            ["reconcile", "--template", "Nope", "--from", "2026-12-01", "--to", "2026-12-01"],
            "no template named 'Nope'",
        ),
        (["settings", "set", "schedules", "nobody"], "invalid choice: 'nobody'"),
        (["settings", "set", "database-url", "nonsense"], "is not a database URL"),
        (
            ["secrets", "set", "--kind", "sap-password", "--template", "Nope", "--stdin"],
            "no template named 'Nope'",
        ),
        (["secrets", "set", "--kind", "pin"], "invalid choice: 'pin'"),
        (["service", "--poll", "0"], "must be positive"),
        (["service", "install", "--account", "svc"], "Windows only"),
        (["schedule", "show", "bogus"], "unknown object 'bogus'"),
        (["schedule", "show", "--template", "Nope"], "no template named 'Nope'"),
        (["schedule", "set", "bogus", "--every", "1h"], "unknown object 'bogus'"),
        (["schedule", "set", "sales", "--template", "Nope"], "no template named 'Nope'"),
        (["schedule", "set", "sales", "--from", "25:00"], "--from '25:00' is not a time"),
        (["schedule", "set", "sales", "--to", "9:75"], "--to '9:75' is not a time"),
        (["schedule", "set", "sales", "--every", "7x"], "--every '7x' is not an interval"),
        (["schedule", "set", "sales", "--every", "1000h"], "at most 999 minutes or hours"),
        (["schedule", "set", "sales", "--weekly", "funday"], "unknown weekday 'funday'"),
        (["schedule", "set", "sales", "--weekly", ""], "choose at least one weekday"),
        (["schedule", "set", "sales", "--daily", "--weekly", "mon"], "not allowed with"),
        (["schedule", "drop"], "invalid choice: 'drop'"),
        (["mark", "vendors", "--codes", "A..B"], "invalid choice: 'vendors'"),
        (["mark", "customers"], "choose the records with --codes"),
        (["mark", "customers", "--codes", "A-B"], "--codes 'A-B' is not a range"),
        (["mark", "items", "--groups", "x..y"], "'x' is not a group number"),
        (["mark", "customers", "--file", "missing.txt"], "cannot read missing.txt"),
        (["mark", "customers", "--file", "codes.txt", "--codes", "A..B"], "cannot be combined"),
        (["mark", "customers", "--codes", "A..B", "--unmark", "--move"], "--move is for marking"),
        (["mark", "customers", "--template", "Nope", "--codes", "A..B"], "no template named"),
    ],
)
def test_wrong_input_is_one_line_on_stderr_and_exit_2(
    home_with_a_template: Path, args: list[str], expected: str
) -> None:
    result = run_cli(*args, home=home_with_a_template)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("integration-hub: error: ")
    assert expected in lines[0]


def test_runs_failed_lists_only_what_still_waits_and_all_marks_the_resolved(
    database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{database_file}"
    database = open_database(url)
    with database.session() as session:
        template = Template(name="Main")
        session.add(template)
        session.flush()
        first = Run(template_id=template.id, object="sales", trigger="cli", status="partial")
        second = Run(template_id=template.id, object="sales", trigger="retry", status="partial")
        session.add_all([first, second])
        session.flush()
        session.add_all(
            [
                RecordLog(
                    run_id=first.id,
                    object="sales",
                    source_id="S-1",
                    action="failed",
                    status="failed",
                    message="tender 'card' is not mapped",
                ),
                RecordLog(
                    run_id=first.id,
                    object="sales",
                    source_id="S-2",
                    action="failed",
                    status="failed",
                    message="Invalid BP code 'X'",
                ),
                RecordLog(
                    run_id=second.id,
                    object="sales",
                    source_id="S-1",
                    action="failed",
                    status="failed",
                    message="tender 'card' is still not mapped",
                ),
                RecordLog(
                    run_id=second.id,
                    object="sales",
                    source_id="S-2",
                    action="created",
                    status="ok",
                    message=None,
                ),
                PendingRetry(template_id=template.id, object="sales", source_id="S-1"),
            ]
        )
    database.dispose()

    assert main(["--database", url, "runs", "--failed"]) == 0
    waiting = capsys.readouterr().out.splitlines()
    assert len(waiting) == 1
    assert waiting[0].endswith("Main  sales  S-1: tender 'card' is still not mapped")

    assert main(["--database", url, "runs", "--failed", "--all"]) == 0
    history = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[1] for line in history] == ["waits", "resolved", "waits"]
    assert history[1].endswith("resolved  Main  sales  S-2: Invalid BP code 'X'")
