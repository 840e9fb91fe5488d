"""Connection settings of the Tagrain client (the API key is given, never looked up)."""

from __future__ import annotations

from dataclasses import dataclass, field

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class TagrainSettings:
    """Where Tagrain is and how patiently to talk to it.

    ``base_url`` is the account's root (``https://shop.example``) or the API
    base itself (ending in ``/api/v1``). ``api_key`` is kept out of ``repr``.
    ``timeout`` is per request (seconds). Retries: at most ``max_retries``
    after the first attempt, with exponential backoff from ``backoff`` capped
    at ``max_backoff``; a ``Retry-After`` longer than ``max_retry_after`` is
    not waited for but raised. Waiting on 429s has its own budget: one request
    waits at most ``max_rate_limit_wait`` seconds in all for the rate limit, so
    a storm of 429s does not use up the retries meant for errors.
    """

    base_url: str
    api_key: str = field(repr=False)
    timeout: float = 30.0
    verify: bool | str = True
    max_retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0
    max_rate_limit_wait: float = 180.0
    page_size: int = 100
    user_agent: str = "integration-hub-tagrain/0.1"

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError("the Tagrain base URL must start with http:// or https://")
        if not self.api_key:
            raise ValueError("the Tagrain API key is empty")
        if not 1 <= self.page_size <= 500:
            raise ValueError("page_size must be between 1 and 500")
        if self.max_retries < 0 or self.timeout <= 0:
            raise ValueError("max_retries must be >= 0 and timeout > 0")

    @property
    def api_root(self) -> str:
        """The API base URL, ending in ``/api/v1`` without a trailing slash."""
        root = self.base_url.rstrip("/")
        return root if root.endswith(API_PREFIX) else root + API_PREFIX
