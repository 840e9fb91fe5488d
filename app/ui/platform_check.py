"""Before Qt starts on a Linux desktop: name the apt packages the xcb platform plugin lacks.

Qt's own message when ``libqxcb.so`` cannot load names ``libxcb-cursor0`` whatever is
missing; this check reads the plugin's real dependencies (``ldd``, else
``ctypes.util.find_library``) and prints one line with the packages to install.
It imports no Qt module, so it runs before the QApplication exists.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

# The shared libraries Qt 6's xcb plugin loads (ldd of libqxcb.so and libQt6XcbQpa.so.6)
# and the Debian/Ubuntu package of each.
XCB_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}
NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)

Finder = Callable[[], Iterable[str]]


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will load the xcb plugin: Linux, and xcb chosen or an X session."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if chosen:
        return chosen == "xcb"
    if environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY"):
        return False
    return bool(environ.get("DISPLAY"))


def xcb_plugin() -> Path | None:
    """The xcb platform plugin of the installed PySide6 (or of the bundle)."""
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def missing_by_ldd(plugin: Path) -> list[str]:
    """The libraries ``ldd`` cannot find for the plugin and its Qt xcb library."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return missing_by_lookup()
    targets = [plugin, *sorted(plugin.parents[2].glob("lib/libQt6XcbQpa.so*"))[:1]]
    found: list[str] = []
    for target in targets:
        result = subprocess.run(
            [ldd, str(target)], capture_output=True, text=True, check=False, timeout=20
        )
        for name in NOT_FOUND.findall(result.stdout):
            if name not in found and not name.startswith("libQt6") and "pyside" not in name:
                found.append(name)
    return found


def missing_by_lookup() -> list[str]:
    """The xcb libraries the dynamic linker's cache does not know (no ``ldd`` at hand)."""
    missing = []
    for soname in XCB_PACKAGES:
        stem = soname.removeprefix("lib").split(".so")[0]
        if ctypes.util.find_library(stem) is None:
            missing.append(soname)
    return missing


def fix_message(missing: Iterable[str]) -> str:
    """One line naming the apt packages that provide the missing libraries."""
    names = list(missing)
    packages = sorted({XCB_PACKAGES.get(name, name) for name in names})
    return (
        "The desktop client cannot start on this X display: Qt's xcb platform plugin "
        f"needs {', '.join(names)}. Install them with: "
        f"sudo apt-get install {' '.join(packages)}"
    )


def check_xcb(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    find_missing: Finder | None = None,
    out: Callable[[str], object] | None = None,
) -> str | None:
    """Print the fix (and return it) when the xcb plugin lacks libraries; else None."""
    env = os.environ if environ is None else environ
    if not uses_xcb(env, platform):
        return None
    if find_missing is None:
        plugin = xcb_plugin()
        if plugin is None:
            return None
        missing = list(missing_by_ldd(plugin))
    else:
        missing = list(find_missing())
    if not missing:
        return None
    line = fix_message(missing)
    (out or (lambda text: print(text, file=sys.stderr)))(line)
    return line
