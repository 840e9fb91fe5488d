"""Cancel latency: how long a Sync Now of sales takes to stop once the user cancels.

    uv run python bench/cancel_latency.py --latency 0.3 --sessions 4 8
    (--json adds one JSON line with every figure at the end, for bench/run)

The run is what the client's Sync Now starts (``Engine.run("sales", trigger=
"manual")`` with a ``CancelToken``), against the Service Layer sandbox with
``--latency`` seconds per request and the template's ``sap_sessions`` set to
each of ``--sessions``. Once the first sales are posted (pre-flight and
log-in over), the run posts for ``--cancel-after`` seconds more; then the token
is cancelled, as the Cancel button does, and the time to the run's end is
measured. The goal (issue #18) is 1 s plus the requests already in flight;
those run side by side, so the ideal is 1 s + one request's latency. The
requests in flight at the cancel (the sandbox's ``traffic``) and those begun
after it are reported too: a request begun after the cancel is one the run
should not have sent.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from typing import Any

from synced_company import synced_company

from app.sandbox.faults import FaultPlan
from app.sandbox.launcher import SandboxScale
from app.sync.records import CancelToken, Progress
from app.sync.runner import RunResult

GRACE_SECONDS = 1.0
"""What the issue allows on top of the requests in flight."""


def cancel_run(
    sales: int, latency: float, sessions: int, cancel_after: float, *, early: bool = False
) -> dict[str, Any]:
    """Start a Sync Now of ``sales`` receipts, cancel it after ``cancel_after`` s, time the end.

    ``early``: cancel ``cancel_after`` s after the start, before the first sale is posted
    (during the log-in and pre-flight), instead of after the first sales.
    """
    scale = SandboxScale(
        customers=200, items=300, tagrain_customers=150, sales=sales, refunds=0, expenses=0
    )
    with synced_company(scale, sessions) as company:
        running = company.running
        template_id, engine = company.template_id, company.engine
        sl = running.service_layer
        sl.configure_faults(FaultPlan(latency=latency))
        base = sl.traffic.started
        token = CancelToken()
        done: list[int] = [0]
        posting = threading.Event()
        results: list[RunResult] = []
        errors: list[BaseException] = []

        def progress(state: Progress) -> None:
            done[0] = state.done
            if state.done:
                posting.set()

        def sync_now() -> None:
            try:
                results.extend(
                    engine.run(
                        "sales", template_id, trigger="manual", progress=progress, cancel=token
                    )
                )
            except BaseException as exc:  # reported below, the benchmark fails
                errors.append(exc)

        worker = threading.Thread(target=sync_now, name="sync-now")
        started = time.perf_counter()
        worker.start()
        while not early and worker.is_alive() and not posting.wait(0.05):
            pass
        first_posted = time.perf_counter()
        requests_before_posting = sl.traffic.started - base
        worker.join(cancel_after)
        if not worker.is_alive():
            raise SystemExit(f"the run ended before the cancel ({done[0]} sales): add --sales")
        in_flight = sl.traffic.in_flight
        begun = sl.traffic.started
        logged = len(sl.requests)
        posted_before = done[0]
        cancelled = time.perf_counter()
        token.cancel()
        worker.join()
        ended = time.perf_counter()
        if errors:
            raise errors[0]
        after = sl.traffic.started - begun
        late = [f"{r.method} {r.path}" for r in list(sl.requests)[logged:]]
        stop = ended - cancelled
        ideal = GRACE_SECONDS + latency
        result = results[-1]
        print(
            f"latency={latency:g}s sessions={sessions}: "
            + (
                "cancelled before posting: "
                if early
                else f"first sale done after {first_posted - started:.1f} s "
                f"({requests_before_posting} SL requests), "
            )
            + f"cancelled after {cancelled - started:.1f} s "
            f"({posted_before} sales done), ended {stop:.2f} s later "
            f"(ideal {ideal:.2f} s = {GRACE_SECONDS:g} s + one request's {latency:g} s; "
            f"{in_flight} SL requests in flight, {after} begun after the cancel); "
            f"status={result.status}"
        )
        if late:
            print("  SL requests answered after the cancel: " + ", ".join(late))
        return {
            "sales": sales,
            "latency": latency,
            "sessions": sessions,
            "early": early,
            "first_sale_seconds": None if early else first_posted - started,
            "requests_before_first_sale": None if early else requests_before_posting,
            "cancel_after": cancelled - started,
            "done_before_cancel": posted_before,
            "stop_seconds": stop,
            "ideal_seconds": ideal,
            "in_flight": in_flight,
            "begun_after_cancel": after,
            "answered_after_cancel": late,
            "status": result.status,
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sales", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--sessions", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--cancel-after", type=float, default=3.0)
    parser.add_argument(
        "--early",
        type=float,
        default=0.0,
        help="also cancel a 4-session run this many seconds after its start (before posting)",
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    runs = [
        cancel_run(args.sales, args.latency, sessions, args.cancel_after)
        for sessions in args.sessions
    ]
    if args.early:
        runs.append(cancel_run(args.sales, args.latency, 4, args.early, early=True))
    if args.json:
        print(json.dumps({"cancel": runs}))


if __name__ == "__main__":
    main()
