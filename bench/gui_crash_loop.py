"""Crash hunting: the GUI Sync Now bench run many times, each in its own process, crashes counted.

    uv run python bench/gui_crash_loop.py                      # 20 runs of 10,000 sales
    uv run python bench/gui_crash_loop.py --runs 5 --sales 2000 --cores

A crash that comes once in several runs (issue 21: SIGSEGV during Sync Now)
is only seen by repeating the run. Each run is ``bench/gui_responsiveness.py
--sales N`` in a child process with ``PYTHONFAULTHANDLER=1``, in a folder of
its own under ``--out``, where its stdout and stderr are kept (and, with
``--cores``, its core file: ``gdb -batch -ex "thread apply all bt" python
core``). A run that ends by a signal (exit code < 0: -11 SIGSEGV, -6 SIGABRT)
is a crash. One line per run, then the total; the exit code is 1 when any
run crashed, 2 when none crashed but some failed or timed out.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).with_name("gui_responsiveness.py")


def signal_name(code: int) -> str:
    """SIGSEGV for -11, and so on."""
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def allow_cores() -> None:
    """In the child, before exec: no limit on the size of a core file."""
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def run_once(folder: Path, sales: int, timeout: float, cores: bool) -> tuple[int | None, float]:
    """One bench run in ``folder``: its exit code (None on timeout) and how long it took."""
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONFAULTHANDLER="1", QT_QPA_PLATFORM="offscreen")
    started = time.monotonic()
    with (folder / "out.txt").open("w") as out, (folder / "err.txt").open("w") as err:
        child = subprocess.Popen(
            [sys.executable, str(BENCH), "--sales", str(sales)],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=err,
            preexec_fn=allow_cores if cores else None,
        )
        try:
            code: int | None = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            code = None
    return code, time.monotonic() - started


def main() -> int:
    """Run the bench ``--runs`` times and print one line per run and the total."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run")
    parser.add_argument("--out", type=Path, help="folder for each run's output (default: temp)")
    parser.add_argument("--cores", action="store_true", help="allow core files (in each folder)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="gui-crash-loop-"))
    crashes = failures = 0
    print(f"{args.runs} runs of {args.sales:,} sales, output in {out}", flush=True)
    for n in range(1, args.runs + 1):
        folder = out / f"run{n:02d}"
        code, took = run_once(folder, args.sales, args.timeout, args.cores)
        if code is None:
            failures += 1
            outcome = f"TIMEOUT after {args.timeout:.0f} s"
        elif code < 0:
            crashes += 1
            outcome = f"CRASH exit {code} ({signal_name(code)}), see {folder / 'err.txt'}"
        elif code > 0:
            failures += 1
            outcome = f"FAILED exit {code}, see {folder / 'err.txt'}"
        else:
            outcome = "ok"
        print(f"run {n}/{args.runs}: {outcome} ({took:.0f} s)", flush=True)
    print(
        f"total: {crashes} crashed, {failures} failed or timed out, "
        f"{args.runs - crashes - failures} ok of {args.runs} runs of {args.sales:,} sales",
        flush=True,
    )
    if crashes:
        return 1
    return 2 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
