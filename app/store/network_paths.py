"""SQLite store files on a network share are refused: SQLite cannot be shared that way.

Offices put "the database on the server" as a file on a share (``\\\\server\\share``,
a mapped drive ``S:``, an NFS or SMB mount). SQLite's write-ahead log keeps its
index in memory shared between the processes of one machine, so two desktops
writing one file over a share can corrupt it, and locks over SMB/NFS are not
reliable either. The shared store for several machines is PostgreSQL.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

DRIVE_REMOTE = 4
"""``GetDriveTypeW``'s answer for a mapped network drive."""
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "fuse.sshfs", "9p"}
)
"""Linux mount types that put a file on another machine."""


def network_share_reason(
    path: str,
    *,
    platform: str = sys.platform,
    drive_type: Callable[[str], int] | None = None,
    mounts: str | None = None,
) -> str | None:
    """Why ``path`` lies on a network share, or None when it is on this machine's disk.

    On Windows: a UNC path (``\\\\server\\share\\…``, ``\\\\?\\UNC\\…``) or a drive
    letter Windows reports as a network drive. Elsewhere: a file under an NFS,
    SMB or similar mount (``/proc/self/mounts``). ``drive_type`` and ``mounts``
    stand in for the operating system in tests.
    """
    if platform == "win32":
        return _windows_reason(path, drive_type or _drive_type)
    if platform.startswith("linux"):
        return _mount_reason(path, _read_mounts() if mounts is None else mounts)
    return None


def _windows_reason(path: str, drive_type: Callable[[str], int]) -> str | None:
    text = path.replace("/", "\\")
    if text.upper().startswith("\\\\?\\UNC\\"):
        return "it is a network (UNC) path"
    if text.startswith("\\\\") and not text.startswith(("\\\\?\\", "\\\\.\\")):
        return "it is a network (UNC) path"
    if text.startswith("\\\\?\\"):
        text = text[4:]
    if len(text) >= 2 and text[1] == ":" and text[0].isalpha():
        drive = text[:2].upper()
        if drive_type(drive + "\\") == DRIVE_REMOTE:
            return f"drive {drive} is a mapped network drive"
    return None


def _drive_type(root: str) -> int:
    if sys.platform == "win32":
        import ctypes

        return int(ctypes.windll.kernel32.GetDriveTypeW(root))
    return 0


def _read_mounts() -> str:
    try:
        return Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _mount_reason(path: str, mounts: str) -> str | None:
    target = Path(path).expanduser()
    target = target.parent.resolve() / target.name if target.parent.exists() else target
    best: tuple[str, str] | None = None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (str(target) == point or str(target).startswith(point.rstrip("/") + "/")) and (
            best is None or len(point) > len(best[0])
        ):
            best = (point, parts[2])
    if best is not None and best[1] in NETWORK_FILESYSTEMS:
        return f"{best[0]} is a {best[1]} network mount"
    return None


def refusal(path: str, reason: str) -> str:
    """The message for a SQLite store on a network share, pointing to PostgreSQL."""
    return (
        f"the database file {path} is on a network share ({reason}). A SQLite store "
        "cannot be shared that way: its write-ahead log needs memory shared on one "
        "machine, so desktops writing it over the network can corrupt it. Keep the "
        "SQLite file on this machine's own disk, or put the shared store on a "
        "PostgreSQL server and point every desktop and the service at it "
        "(docs/admin-guide.md: Several desktops and a server: one shared database)."
    )
