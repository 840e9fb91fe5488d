"""Service Layer sessions: ids handed out at Login, an idle timeout reset by each request."""

from __future__ import annotations

import threading
import time
import uuid


class SessionRegistry:
    """The live sessions of the sandbox, thread-safe; ``timeout`` is in seconds."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._last_seen: dict[str, float] = {}
        self._uses: dict[str, int] = {}
        self._lock = threading.Lock()
        self.logins = 0

    def open(self) -> str:
        """A new session id (SL's look: a UUID with a node suffix)."""
        session_id = f"{uuid.uuid4()}"
        with self._lock:
            self._last_seen[session_id] = time.monotonic()
            self._uses[session_id] = 0
            self.logins += 1
        return session_id

    def alive(self, session_id: str | None) -> bool:
        """Whether the session exists and has not idled out (without touching it)."""
        if not session_id:
            return False
        with self._lock:
            seen = self._last_seen.get(session_id)
            if seen is None:
                return False
            if time.monotonic() - seen > self.timeout:
                del self._last_seen[session_id]
                return False
            return True

    def touch(self, session_id: str | None) -> bool:
        """Use the session: True and its idle clock reset, or False when it is gone."""
        if not self.alive(session_id):
            return False
        assert session_id is not None
        with self._lock:
            if session_id in self._last_seen:
                self._last_seen[session_id] = time.monotonic()
                self._uses[session_id] = self._uses.get(session_id, 0) + 1
                return True
        return False

    def fresh(self, session_id: str | None) -> bool:
        """Whether the session is live and has served no request since its Login."""
        with self._lock:
            return session_id in self._last_seen and self._uses.get(session_id or "", 0) == 0

    def close(self, session_id: str | None) -> None:
        """Forget a session (Logout, or a forced expiry)."""
        with self._lock:
            self._last_seen.pop(session_id or "", None)
            self._uses.pop(session_id or "", None)

    def live(self) -> list[str]:
        """The ids of the sessions that have not idled out."""
        with self._lock:
            ids = list(self._last_seen)
        return [i for i in ids if self.alive(i)]

    def close_all(self) -> None:
        """Forget every session, as an SL restart would."""
        with self._lock:
            self._last_seen.clear()
            self._uses.clear()
