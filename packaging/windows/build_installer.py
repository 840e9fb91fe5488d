"""Build the Windows installer: the PyInstaller bundle, then Inno Setup 6 on integration-hub.iss.

    uv run python packaging/windows/build_installer.py              # bundle + smoke test + setup
    uv run python packaging/windows/build_installer.py --no-bundle  # setup from an existing bundle
    uv run python packaging/windows/build_installer.py --print-command

The version comes from the package metadata (``importlib.metadata``), so the
setup, its file name and the ``--version`` of the bundle always agree; it is
passed to the compiler as ``/DAppVersion=...`` (and a four-number
``/DAppNumericVersion=...`` for the file's version resource). ISCC.exe is
looked for on PATH and in the usual Inno Setup 6 folders, or given with
``--iscc``. The setup lands in build/installer/.

Written without a Windows machine: only ``--print-command`` has been run
(on Linux); see docs/readme-sections/install-and-upgrade.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCRIPT = HERE / "integration-hub.iss"
BUNDLE = ROOT / "build" / "dist" / "integration-hub"
ISCC_FOLDERS = ("ProgramFiles(x86)", "ProgramFiles")


def numeric_version(text: str) -> str:
    """The leading release numbers of a version as four numbers: 1.2.0rc1 -> 1.2.0.0."""
    found = re.match(r"\d+(?:\.\d+)*", text)
    numbers = found.group(0).split(".") if found else []
    return ".".join([*numbers, "0", "0", "0", "0"][:4])


def find_iscc(given: str | None) -> str | None:
    """ISCC.exe: the given path, on PATH, or in Program Files\\Inno Setup 6."""
    if given:
        return given
    on_path = shutil.which("ISCC") or shutil.which("iscc")
    if on_path:
        return on_path
    for variable in ISCC_FOLDERS:
        folder = os.environ.get(variable)
        if folder and (Path(folder) / "Inno Setup 6" / "ISCC.exe").is_file():
            return str(Path(folder) / "Inno Setup 6" / "ISCC.exe")
    return None


def command(iscc: str, app_version: str) -> list[str]:
    """The compiler command line for this version."""
    return [
        iscc,
        f"/DAppVersion={app_version}",
        f"/DAppNumericVersion={numeric_version(app_version)}",
        f"/DBundleDir={BUNDLE}",
        str(SCRIPT),
    ]


def main(argv: list[str] | None = None) -> int:
    """Build the bundle (unless --no-bundle), then the setup; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iscc", help="path of ISCC.exe (Inno Setup 6 compiler)")
    parser.add_argument("--no-bundle", action="store_true", help="use the existing bundle")
    parser.add_argument(
        "--print-command", action="store_true", help="print the compiler command and stop"
    )
    args = parser.parse_args(argv)
    app_version = version("integration-hub")
    iscc = find_iscc(args.iscc)
    if args.print_command:
        print(subprocess.list2cmdline(command(iscc or "ISCC.exe", app_version)))
        return 0
    if iscc is None:
        print(
            "build_installer: Inno Setup 6 (ISCC.exe) not found: install it on a Windows "
            "build machine or pass --iscc PATH",
            file=sys.stderr,
        )
        return 2
    if not args.no_bundle:
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True)
    if not (BUNDLE / "integration-hub.exe").is_file():
        print(f"build_installer: no Windows bundle in {BUNDLE}", file=sys.stderr)
        return 2
    return subprocess.run(command(iscc, app_version), check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
