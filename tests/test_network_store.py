"""A SQLite store on a network share is refused with a message pointing to PostgreSQL.

Windows UNC paths and mapped network drives, and Linux NFS/SMB mounts, are
recognised from what the operating system reports (stood in for by
``drive_type`` and ``mounts``); a local file is never refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.store import DatabaseError, open_database
from app.store.network_paths import DRIVE_REMOTE, network_share_reason


def _local_drives(_root: str) -> int:
    return 3


def _s_is_mapped(root: str) -> int:
    return DRIVE_REMOTE if root.upper() == "S:\\" else 3


@pytest.mark.parametrize(
    "path",
    [
        r"\\server\share\hub\integration-hub.sqlite3",
        "//server/share/hub.sqlite3",
        r"\\?\UNC\server\share\hub.sqlite3",
    ],
)
def test_unc_paths_are_network_shares_on_windows(path: str) -> None:
    reason = network_share_reason(path, platform="win32", drive_type=_local_drives)
    assert reason == "it is a network (UNC) path"


def test_a_mapped_network_drive_is_a_network_share_and_a_local_drive_is_not() -> None:
    assert (
        network_share_reason(r"S:\Hub\hub.sqlite3", platform="win32", drive_type=_s_is_mapped)
        == "drive S: is a mapped network drive"
    )
    assert (
        network_share_reason(
            r"C:\Users\anna\hub.sqlite3", platform="win32", drive_type=_s_is_mapped
        )
        is None
    )
    assert (
        network_share_reason(
            r"\\?\C:\Users\anna\hub.sqlite3", platform="win32", drive_type=_s_is_mapped
        )
        is None
    )


MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/office nfs4 rw,relatime 0 0
//nas/share /media/nas\\040drive cifs rw 0 0
tmpfs /mnt/office/local tmpfs rw 0 0
"""


def test_nfs_and_smb_mounts_are_network_shares_on_linux() -> None:
    assert (
        network_share_reason("/mnt/office/hub.sqlite3", platform="linux", mounts=MOUNTS)
        == "/mnt/office is a nfs4 network mount"
    )
    assert (
        network_share_reason("/media/nas drive/hub.sqlite3", platform="linux", mounts=MOUNTS)
        == "/media/nas drive is a cifs network mount"
    )
    assert (
        network_share_reason("/mnt/office/local/hub.sqlite3", platform="linux", mounts=MOUNTS)
        is None
    )
    assert network_share_reason("/home/anna/hub.sqlite3", platform="linux", mounts=MOUNTS) is None


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="stands in for /proc/self/mounts, a Linux file"
)
def test_opening_a_store_on_a_share_is_refused_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "share"
    mounts = f"/dev/sda1 / ext4 rw 0 0\nnas:/hub {shared} nfs rw 0 0\n"
    monkeypatch.setattr("app.store.network_paths._read_mounts", lambda: mounts)
    target = shared / "hub" / "integration-hub.sqlite3"
    with pytest.raises(DatabaseError) as refused:
        open_database(f"sqlite:///{target}")
    message = str(refused.value)
    assert message.startswith(
        f"the database file {target} is on a network share ({shared} is a nfs"
    )
    assert "PostgreSQL server" in message and "Several desktops and a server" in message
    assert not shared.exists()
    local = open_database(f"sqlite:///{tmp_path / 'local' / 'hub.sqlite3'}")
    local.dispose()
