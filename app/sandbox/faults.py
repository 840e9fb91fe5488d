"""Fault injection shared by both sandbox servers.

A real Service Layer takes seconds per document, answers 502 behind its load
balancer, drops connections and expires sessions; Tagrain rate-limits. The
sandboxes reproduce this on demand so that the client's retries, re-logins and
exactly-once rules are tested against the failures they exist for.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field, fields
from enum import Enum


class Fault(Enum):
    """What the server should do to one request instead of answering it normally."""

    NONE = "none"
    ERROR_5XX = "error_5xx"
    DROP = "drop"
    SLOW = "slow"
    RATE_LIMIT = "rate_limit"
    EXPIRE_SESSION = "expire_session"


@dataclass
class FaultPlan:
    """The faults a sandbox injects; every rate is a probability between 0 and 1.

    ``latency`` is added to every request (seconds). ``slow_seconds`` is how long
    a SLOW answer hangs, meant to exceed the client's timeout. ``expire_session_every``
    forces a session expiry on every Nth authenticated request (0: never).
    ``rate_limit_per_second`` answers 429 with Retry-After once exceeded (0: off).
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

    def delay(self) -> None:
        """Sleep for the plan's per-request latency, as a slow server would."""
        if self.plan.latency > 0:
            time.sleep(self.plan.latency)

    def choose(self, authenticated: bool = False) -> Fault:
        """Pick the fault for one request; NONE means answer normally."""
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
            ):
                if roll < rate:
                    return fault
                roll -= rate
            return Fault.NONE

    def error_status(self) -> int:
        """The HTTP status of an injected server error."""
        with self._lock:
            return self._rng.choice(self.plan.error_statuses)
