"""``integration-hub template`` through a real process: list, show, export, import, wrong input.

The store holds the full template of ``test_template_files`` (every mapping
kind, schedules, marks, names YAML would misread). Its SAP cannot be asked
here (no keyring in the child), so an import warns that the codes were not
checked and goes on, as the forms do.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.store import Database, Template
from tests.support.file_keyring import environment
from tests.test_template_files import NAME, add_full_template, name_line


def run(
    database_file: Path,
    *args: str,
    stdin: int | None = subprocess.DEVNULL,
    keyring_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("integration-hub")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
    env = {
        **os.environ,
        **(keyring_env or {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}),
    }
    env.pop("INTEGRATION_HUB_DATABASE_URL", None)
    return subprocess.run(
        [*command, "--database", f"sqlite:///{database_file}", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=stdin,
        timeout=60,
    )


@pytest.fixture
def store(database: Database, database_file: Path) -> Path:
    add_full_template(database)
    with database.session() as session:
        session.add(Template(name="Plain"))
    return database_file


def test_list_and_show_say_what_each_template_holds(store: Path) -> None:
    listed = run(store, "template", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith(f"{NAME} (inactive): SAP https://sap.example.invalid:50000")
    assert "company SBO_NORD" in lines[0]
    assert "2 object(s) scheduled; marked 6 customers, 5 items" in lines[0]
    assert lines[1].startswith("Plain: SAP (none)")

    shown = run(store, "template", "show", NAME)
    assert shown.returncode == 0, shown.stderr
    assert "  0012 (st:#1 'x') → warehouse 01, cash account (none), branch 4" in shown.stdout
    assert "  card → credit_card, credit card 2" in shown.stdout
    assert "  Sales: Weekly Mon, Wed, Fri 22:00–02:00 every 15 min" in shown.stdout
    assert "  customers: 6: - dash, 007, C-0001, a: b, true, ÄÖÜ-12" in shown.stdout


def test_export_import_as_and_export_again_through_the_command(store: Path, tmp_path: Path) -> None:
    exported = run(store, "template", "export", NAME)
    assert exported.returncode == 0, exported.stderr
    file = tmp_path / "nord.yaml"
    written = run(store, "template", "export", NAME, "--file", str(file))
    assert written.returncode == 0, written.stderr
    assert file.read_text(encoding="utf-8") == exported.stdout

    preview = run(store, "template", "import", str(file), "--as", "Süd", "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert "the codes were not checked in SAP Business One" in preview.stderr
    assert f"{file} → a new template Süd:" in preview.stdout
    assert "  ~ sap_company_db: (none) → SBO_NORD" in preview.stdout
    assert "  + 0012: store id st:#1 'x', warehouse 01, cash account (none), branch 4" in (
        preview.stdout
    )
    assert "6 customers marked for another template" in preview.stdout
    assert preview.stdout.rstrip().endswith(
        "Dry run: nothing was changed (--move-marks moves them when applied)."
    )
    assert run(store, "template", "export", "Süd").returncode == 2

    refused = run(store, "template", "import", str(file), "--as", "Süd", "--yes")
    assert refused.returncode == 2
    assert "records the file marks are marked for another template" in refused.stderr
    assert run(store, "template", "export", "Süd").returncode == 2

    empty_keyring = environment(tmp_path / "keyring.json")
    applied = run(
        store,
        *("template", "import", str(file), "--as", "Süd", "--yes", "--move-marks"),
        keyring_env=empty_keyring,
    )
    assert applied.returncode == 0, applied.stderr
    assert "No sap password is stored for template 'Süd'" in applied.stderr  # not checked
    assert "template Süd imported from" in applied.stdout
    for kind in ("sap-password", "tagrain-api-key"):
        assert f"its {kind} is not in this machine's keyring: integration-hub secrets set " in (
            applied.stdout
        )
    again = run(store, "template", "export", "Süd")
    assert again.stdout == exported.stdout.replace(name_line(NAME), "template: Süd\n")

    same = run(store, "template", "import", str(file), "--as", "Süd", "--yes")
    assert same.returncode == 0, same.stderr
    assert "template Süd already matches" in same.stdout


def test_without_yes_a_terminal_is_asked_and_a_pipe_is_refused(
    store: Path, tmp_path: Path, database: Database
) -> None:
    file = tmp_path / "plain.yaml"
    text = run(store, "template", "export", "Plain").stdout
    file.write_text(text.replace("default_price_list: null", "default_price_list: 3"), "utf-8")

    piped = run(store, "template", "import", str(file))
    assert piped.returncode == 2
    assert "add --yes to apply the file" in piped.stderr

    for answer, code, price_list in (("n\n", 1, None), ("y\n", 0, 3)):
        leader, follower = pty.openpty()
        os.write(leader, answer.encode())
        try:
            result = run(store, "template", "import", str(file), stdin=follower)
        finally:
            os.close(follower)
            os.close(leader)
        assert result.returncode == code, result.stderr
        assert "  ~ default_price_list: (none) → 3" in result.stdout
        with database.session() as session:
            stored = session.scalars(select(Template).where(Template.name == "Plain")).one()
            assert stored.default_price_list == price_list


@pytest.mark.parametrize(
    ("args", "content", "expected"),
    [
        (["template", "export", "Nope"], None, "no template named 'Nope' (templates: "),
        (["template", "show", "Nope"], None, "no template named 'Nope'"),
        (["template", "frobnicate"], None, "invalid choice: 'frobnicate'"),
        (["template", "import", "{dir}/missing.yaml"], None, "missing.yaml: No such file"),
        (
            ["template", "export", "Plain", "--file", "{dir}/no/such/folder/x.yaml"],
            None,
            "cannot write",
        ),
        (
            ["template", "import", "{file}"],
            "version: 1\ntemplate: Plain\nschedules:\n  sales:\n    to: '24:30'\n",
            "t.yaml: line 5: schedules.sales.to: Time Window to: '24:30' is not a time",
        ),
        (
            ["template", "import", "{file}"],
            "version: 1\ntemplate: Plain\ngeneral:\n  cash_acount: '1000'\n",
            "t.yaml: line 4: general.cash_acount: unknown key",
        ),
        (
            ["template", "import", "{file}"],
            "version: 1\ntemplate: Plain\nactive: 1\n",
            "t.yaml: line 3: active: expected true or false",
        ),
        (
            ["template", "import", "{file}", "--as", " "],
            "version: 1\ntemplate: Plain\n",
            "--as needs a template name",
        ),
        (
            ["template", "import", "{file}", "--as", "x" * 101],
            "version: 1\ntemplate: Plain\n",
            "--as: A template name has at most 100 characters.",
        ),
    ],
)
def test_wrong_input_is_one_line_on_stderr_and_exit_2(
    store: Path, tmp_path: Path, args: list[str], content: str | None, expected: str
) -> None:
    file = tmp_path / "t.yaml"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    argv = [a.replace("{dir}", str(tmp_path)).replace("{file}", str(file)) for a in args]
    result = run(store, *argv)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("integration-hub: error: ")
    assert expected in lines[0]
