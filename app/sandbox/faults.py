"""Fault injection shared by both sandbox servers.

A real Service Layer takes seconds per document, answers 502 behind its load
balancer, drops connections and expires sessions; Tagrain rate-limits. The
sandboxes reproduce this on demand so that the client's retries, re-logins and
exactly-once rules are tested against the failures they exist for.

The fault that hurts most is the lost acknowledgement (``LOST_ACK``): a write is
applied and committed, then the connection closes before a byte of the answer is
sent, so the client cannot tell it from a write that never arrived. It strikes
writes only, at random (``lost_ack_rate``) or exactly where a test aims it
(``FaultInjector.lose_next_acks``).
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field, fields
from enum import Enum

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
"""The methods a lost acknowledgement can strike (each sandbox may spare some paths)."""


class Fault(Enum):
    """What the server should do to one request instead of answering it normally."""

    NONE = "none"
    ERROR_5XX = "error_5xx"
    DROP = "drop"
    SLOW = "slow"
    RATE_LIMIT = "rate_limit"
    EXPIRE_SESSION = "expire_session"
    LOST_ACK = "lost_ack"


@dataclass
class FaultPlan:
    """The faults a sandbox injects; every rate is a probability between 0 and 1.

    ``latency`` is added to every request (seconds). ``slow_seconds`` is how long
    a SLOW answer hangs, meant to exceed the client's timeout. ``expire_session_every``
    forces a session expiry on every Nth authenticated request (0: never).
    ``rate_limit_per_second`` answers 429 with Retry-After once exceeded (0: off).
    ``lost_ack_rate`` is the share of writes that are applied and committed and
    whose connection then closes before any answer byte (a lost acknowledgement).
    ``wait_after_apply`` charges ``latency`` and a SLOW answer's hang after the
    request was applied instead of before, so that a client that gives up on a
    slow write gives up on a write that is already in (False: wait, then apply).
    """

    latency: float = 0.0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    drop_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 30.0
    expire_session_every: int = 0
    rate_limit_per_second: float = 0.0
    retry_after_seconds: int = 1
    lost_ack_rate: float = 0.0
    wait_after_apply: bool = False
    seed: int = 1

    @classmethod
    def parse(cls, spec: str) -> FaultPlan:
        """Build a plan from ``"latency=0.3,error_rate=0.05"`` as given on the command line."""
        plan = cls()
        if not spec.strip():
            return plan
        known = {f.name: f for f in fields(cls)}
        for part in spec.split(","):
            name, sep, raw = part.partition("=")
            name = name.strip()
            if not sep or name not in known:
                raise ValueError(
                    f"unknown fault setting {part.strip()!r}; known: {', '.join(sorted(known))}"
                )
            current = getattr(plan, name)
            value: object
            if isinstance(current, tuple):
                value = tuple(int(x) for x in raw.split("/") if x)
            elif isinstance(current, bool):
                flag = raw.strip().lower()
                if flag not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
                    raise ValueError(f"fault setting {name} takes true or false, not {raw!r}")
                value = flag in {"1", "true", "yes", "on"}
            else:
                value = type(current)(raw)
            setattr(plan, name, value)
        return plan


@dataclass
class FaultInjector:
    """Decides, request by request, which fault of the plan to inject (thread-safe)."""

    plan: FaultPlan = field(default_factory=FaultPlan)
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _authenticated_requests: int = field(default=0, init=False)
    _window_start: float = field(default=0.0, init=False)
    _window_count: int = field(default=0, init=False)
    _aimed: deque[tuple[str | None, re.Pattern[str] | None]] = field(
        default_factory=deque, init=False, repr=False
    )
    lost_acks: list[tuple[str, str, int]] = field(default_factory=list, init=False)
    """Every write whose answer was dropped: (method, path, status it would have had)."""

    def __post_init__(self) -> None:
        self._rng = random.Random(self.plan.seed)

    def configure(self, plan: FaultPlan) -> None:
        """Swap the plan at run time (tests switch faults on and off mid-run)."""
        with self._lock:
            self.plan = plan
            self._rng = random.Random(plan.seed)
            self._authenticated_requests = 0
            self._window_start = 0.0
            self._window_count = 0

    def lose_next_acks(
        self, times: int = 1, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Apply the next ``times`` matching writes, then drop their answers (test aim).

        ``method`` (e.g. ``"POST"``) and ``path`` (a regular expression searched in
        the request path, e.g. ``r"/Invoices$"`` or ``"/customers"``) narrow which
        writes count; only writes that succeed (status below 400) use one up, so
        ``times`` is the number of writes applied with their answers lost. The
        aims survive ``configure`` and are used in the order given.
        """
        pattern = re.compile(path) if path is not None else None
        with self._lock:
            self._aimed.extend([(method.upper() if method else None, pattern)] * times)

    def clear_lost_acks(self) -> int:
        """Forget the aimed lost acknowledgements not used yet; returns how many there were."""
        with self._lock:
            left = len(self._aimed)
            self._aimed.clear()
            return left

    @property
    def aimed_lost_acks(self) -> int:
        """How many aimed lost acknowledgements are still to come."""
        with self._lock:
            return len(self._aimed)

    def lose_ack(self, fault: Fault, method: str, path: str, status: int) -> bool:
        """Whether to drop the answer of this write, already applied with ``status``.

        True for a write the plan chose ``LOST_ACK`` for, and for the first aimed
        loss (``lose_next_acks``) this successful write matches (which is used up).
        """
        with self._lock:
            lose = fault is Fault.LOST_ACK
            if not lose and status < 400:
                for n, (want_method, pattern) in enumerate(self._aimed):
                    if want_method not in (None, method) or (
                        pattern is not None and not pattern.search(path)
                    ):
                        continue
                    del self._aimed[n]
                    lose = True
                    break
            if lose:
                self.lost_acks.append((method, path, status))
            return lose

    def delay(self, requests: int = 1) -> None:
        """Sleep for the plan's per-request latency (times ``requests``), as a slow server would."""
        if self.plan.latency > 0 and requests > 0:
            time.sleep(self.plan.latency * requests)

    def choose(self, authenticated: bool = False, write: bool = False) -> Fault:
        """Pick the fault for one request; NONE means answer normally.

        ``write`` says the request may change something: only writes can lose
        their acknowledgement (``lost_ack_rate``).
        """
        with self._lock:
            plan = self.plan
            if plan.rate_limit_per_second > 0:
                now = time.monotonic()
                if now - self._window_start >= 1.0:
                    self._window_start = now
                    self._window_count = 0
                self._window_count += 1
                if self._window_count > plan.rate_limit_per_second:
                    return Fault.RATE_LIMIT
            if authenticated and plan.expire_session_every > 0:
                self._authenticated_requests += 1
                if self._authenticated_requests % plan.expire_session_every == 0:
                    return Fault.EXPIRE_SESSION
            roll = self._rng.random()
            for rate, fault in (
                (plan.drop_rate, Fault.DROP),
                (plan.error_rate, Fault.ERROR_5XX),
                (plan.slow_rate, Fault.SLOW),
                (plan.lost_ack_rate if write else 0.0, Fault.LOST_ACK),
            ):
                if roll < rate:
                    return fault
                roll -= rate
            return Fault.NONE

    def error_status(self) -> int:
        """The HTTP status of an injected server error."""
        with self._lock:
            return self._rng.choice(self.plan.error_statuses)
