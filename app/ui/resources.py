"""Files the client ships: icons and the style sheet (resources/), the user guide (docs/user-guide)
and its screenshots (docs/screenshots), found in a checkout or in a wheel or bundle."""

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


@cache
def user_guide_dir() -> Path:
    """The user guide's Markdown pages: ``app/_resources/help`` in a wheel or bundle, else the
    repository's ``docs/user-guide``. Pages show images from ``../screenshots``, which is
    ``docs/screenshots`` in a checkout and ``app/_resources/screenshots`` when packaged."""
    root = resources_dir()
    if root.name == "_resources":
        return root / "help"
    return root.parent / "docs" / "user-guide"


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
