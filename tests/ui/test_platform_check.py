"""The client names the apt packages when Qt's xcb plugin lacks libraries (before Qt starts)."""

from __future__ import annotations

from app.ui.platform_check import (
    XCB_PACKAGES,
    check_xcb,
    missing_by_ldd,
    uses_xcb,
    xcb_plugin,
)

X_SESSION = {"DISPLAY": ":0"}


def test_missing_libraries_print_one_line_naming_the_apt_packages() -> None:
    printed: list[str] = []
    line = check_xcb(
        X_SESSION,
        platform="linux",
        find_missing=lambda: ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"],
        out=printed.append,
    )
    assert printed == [line]
    assert line is not None and "\n" not in line
    assert line.endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1")
    assert "libxcb-icccm.so.4" in line
    assert "libxcb-cursor0" not in line


def test_nothing_is_printed_when_every_library_is_there() -> None:
    printed: list[str] = []
    assert check_xcb(X_SESSION, platform="linux", find_missing=list, out=printed.append) is None
    assert printed == []


def test_other_platforms_and_offscreen_are_not_checked() -> None:
    def never() -> list[str]:
        raise AssertionError("checked")

    assert check_xcb(X_SESSION, platform="win32", find_missing=never) is None
    assert check_xcb({"QT_QPA_PLATFORM": "offscreen"}, platform="linux", find_missing=never) is None
    assert not uses_xcb({}, "linux")
    assert not uses_xcb({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "w-0"}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")


def test_an_unknown_library_is_named_as_it_is() -> None:
    line = check_xcb(
        X_SESSION, platform="linux", find_missing=lambda: ["libfoo.so.9"], out=lambda _t: None
    )
    assert line is not None
    assert line.endswith("sudo apt-get install libfoo.so.9")


def test_every_library_the_installed_plugin_links_has_its_package() -> None:
    plugin = xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so"
    missing = missing_by_ldd(plugin)
    assert set(missing) <= set(XCB_PACKAGES), missing
