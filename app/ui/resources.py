"""Files shipped in resources/: icons and the style sheet, found in a checkout or a wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_SET = "tabler"


@cache
def resources_dir() -> Path:
    """``app/_resources`` in an installed wheel, else the repository's ``resources``."""
    here = Path(__file__).resolve()
    packaged = here.parent.parent / "_resources"
    if packaged.is_dir():
        return packaged
    return here.parents[2] / "resources"


def resource(name: str) -> Path:
    """The path of a shipped file."""
    return resources_dir() / name


@cache
def icon(name: str) -> QIcon:
    """An icon of the shipped icon set by its file stem (e.g. "refresh")."""
    path = resource(f"icons/{ICON_SET}/{name}.svg")
    if not path.is_file():
        raise FileNotFoundError(f"icon {name!r} is not shipped in {path.parent}")
    return QIcon(str(path))
