"""packaging/windows/build_installer.py: the version it gives Inno Setup (ISCC needs Windows)."""

from __future__ import annotations

import importlib.util
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load() -> ModuleType:
    path = ROOT / "packaging" / "windows" / "build_installer.py"
    spec = importlib.util.spec_from_file_location("build_installer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("given", "expected"),
    [("0.1.0", "0.1.0.0"), ("1.2.3.4.5", "1.2.3.4"), ("2.0rc1", "2.0.0.0"), ("7", "7.0.0.0")],
)
def test_numeric_version_has_four_numbers(given: str, expected: str) -> None:
    assert load().numeric_version(given) == expected


def test_compiler_gets_the_package_version_and_the_script(
    capsys: pytest.CaptureFixture[str],
) -> None:
    module = load()
    assert module.main(["--print-command", "--iscc", "ISCC.exe"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("ISCC.exe ")
    assert f"/DAppVersion={version('integration-hub')} " in line
    assert line.endswith("integration-hub.iss")
    script = (ROOT / "packaging" / "windows" / "integration-hub.iss").read_text()
    assert "AppVersion={#AppVersion}" in script
    assert "#error Pass the version" in script
