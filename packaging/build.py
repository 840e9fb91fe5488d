"""Build the one-folder bundle with PyInstaller, then smoke-test the built executable.

    uv run python packaging/build.py            # build + smoke test
    uv run python packaging/build.py --smoke    # smoke-test an existing build

The smoke test checks that the bundle carries the user guide (F1) with every page and
image it links, then runs the bundle as a user would, offscreen, in an empty data
folder: ``--version``; ``db upgrade`` on an empty store; the sandbox started
from the bundle plus one full sync of sales from the bundle; the GUI opening
(its log says "client window shown") and closing on SIGTERM with exit code 0.
It prints how long each step took and exits non-zero on the first failure.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "build" / "dist"
EXE = DIST / "integration-hub" / ("integration-hub.exe" if os.name == "nt" else "integration-hub")


class SmokeFailure(Exception):
    """A step of the smoke test did not do what a user would expect."""


def build() -> None:
    """Run PyInstaller on the spec (one-folder build in build/dist)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(ROOT / "build" / "work"),
            str(ROOT / "packaging" / "integration-hub.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRATION_HUB_")}
    env.update(INTEGRATION_HUB_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return env


def _run(home: Path, *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [str(EXE), *args], env=_env(home), capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SmokeFailure(f"{' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def _wait_for(path: Path, text: str, process: subprocess.Popen[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.is_file() and text in path.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise SmokeFailure(f"the process ended ({process.returncode}) before {text!r}")
        time.sleep(0.1)
    raise SmokeFailure(f"no {text!r} in {path} after {seconds:g} s")


def sandbox_and_sync(home: Path) -> None:
    """The sandbox from the bundle, then one full sync of sales from the bundle.

    The two are separate processes, as in the developer guide's two terminals: the sandbox
    stores its demo credentials in the keyring and ``sync`` reads them there. On a
    Linux machine without a Secret Service the step runs inside one of its own
    (``dbus-run-session`` and GNOME Keyring through packaging/linux/secret-service-session,
    as the admin guide recommends for a server), so the bundle's keyring is exercised too.
    """
    if not _keyring_usable() and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        session = ROOT / "packaging" / "linux" / "secret-service-session"
        if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
            raise SmokeFailure(
                "no keyring here for the sandbox to hand its credentials to 'sync': install "
                "the Debian packages gnome-keyring and dbus (.ci/run does)"
            )
        result = subprocess.run(
            [
                "dbus-run-session",
                "--",
                str(session),
                sys.executable,
                __file__,
                "--sandbox-sync",
                str(home),
            ],
            input=secrets.token_hex(16) + "\n",
            capture_output=True,
            text=True,
            timeout=600,
            env=_keyring_session_env(home),
        )
        if result.returncode != 0:
            raise SmokeFailure(
                result.stderr.strip().splitlines()[-1]
                if result.stderr.strip()
                else "the keyring session failed"
            )
        return
    sandbox = subprocess.Popen(
        [str(EXE), "sandbox", "--sap-port", "0", "--tagrain-port", "0"],
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert sandbox.stdout is not None
        for line in sandbox.stdout:
            if line.startswith("Press Ctrl+C"):
                break
        else:
            raise SmokeFailure("the sandbox did not start")
        output = _run(home, "sync", "sales", timeout=300)
        if not re.search(r"^sales: succeeded - \d+ created", output, re.MULTILINE):
            raise SmokeFailure(f"sync sales from the bundle: {output.strip()}")
        sandbox.send_signal(signal.SIGTERM)
        if sandbox.wait(timeout=30) != 0:
            raise SmokeFailure(f"the sandbox exited {sandbox.returncode} on SIGTERM")
    finally:
        sandbox.kill()
        sandbox.wait(timeout=10)


def _keyring_session_env(home: Path) -> dict[str, str]:
    """The smoke keyring session's environment: a keyring file of its own in ``home``.

    GNOME Keyring keeps the login keyring under ``$XDG_DATA_HOME/keyrings``; one left
    there by an earlier session (another random password) could not be unlocked.
    """
    keyring_home = home / "keyring-home"
    keyring_home.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "HOME": str(keyring_home),
        "XDG_DATA_HOME": str(keyring_home / "data"),
        "XDG_CONFIG_HOME": str(keyring_home / "config"),
    }


def _keyring_usable() -> bool:
    """Whether this machine has a keyring the bundle can store secrets in."""
    import keyring
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)


def user_guide() -> int:
    """The bundle carries the user guide F1 opens and every page and image its pages link."""
    pages = sorted(EXE.parent.rglob("_resources/help/*.md"))
    if not any(page.name == "index.md" for page in pages):
        raise SmokeFailure("the bundle has no user guide (app/_resources/help/index.md)")
    for page in pages:
        for target in re.findall(r"\]\(([^)#:\s]+)", page.read_text(encoding="utf-8")):
            if not (page.parent / target).is_file():
                raise SmokeFailure(f"{page.name} links {target}, which the bundle lacks")
    return len(pages)


def smoke() -> None:
    """Run every smoke step against the built bundle."""
    if not EXE.is_file():
        raise SmokeFailure(f"no bundle at {EXE}: build it first")
    home = Path(tempfile.mkdtemp(prefix="hub-smoke-"))
    steps: list[tuple[str, float]] = []

    started = time.perf_counter()
    pages = user_guide()
    steps.append((f"user guide shipped ({pages} pages)", time.perf_counter() - started))

    started = time.perf_counter()
    shown = _run(home, "--version").strip()
    if shown != f"integration-hub {version('integration-hub')}":
        raise SmokeFailure(f"--version printed {shown!r}")
    steps.append(("--version", time.perf_counter() - started))

    started = time.perf_counter()
    if "latest schema" not in _run(home, "db", "upgrade"):
        raise SmokeFailure("db upgrade did not report the latest schema")
    steps.append(("db upgrade on an empty data folder", time.perf_counter() - started))

    started = time.perf_counter()
    sandbox_and_sync(home)
    steps.append(("sandbox + full sales sync", time.perf_counter() - started))

    started = time.perf_counter()
    gui = subprocess.Popen(
        [str(EXE), "gui"],
        env=_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(home / "logs" / "integration-hub.log", "client window shown", gui, 60)
        gui.send_signal(signal.SIGTERM)
        if gui.wait(timeout=30) != 0:
            raise SmokeFailure(f"the GUI exited {gui.returncode} on SIGTERM")
    finally:
        gui.kill()
        gui.wait(timeout=10)
    steps.append(("GUI opens and closes", time.perf_counter() - started))

    for name, seconds in steps:
        print(f"smoke: {name}: ok ({seconds:.1f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description="Build and smoke-test the bundle.")
    parser.add_argument("--smoke", action="store_true", help="only smoke-test an existing build")
    parser.add_argument("--sandbox-sync", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sandbox_sync:
        try:
            sandbox_and_sync(Path(args.sandbox_sync))
        except SmokeFailure as exc:
            print(f"smoke test failed: {exc}", file=sys.stderr)
            return 1
        return 0
    started = time.perf_counter()
    if not args.smoke:
        build()
        print(f"build: {EXE.parent} ({time.perf_counter() - started:.0f} s)")
    try:
        smoke()
    except SmokeFailure as exc:
        print(f"smoke test failed: {exc}", file=sys.stderr)
        return 1
    print(f"packaging: done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
