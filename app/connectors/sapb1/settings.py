"""How to reach one Service Layer: address, company, user, TLS and timeouts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SERVICE_SUFFIX = re.compile(r"/b1s/v[12]/?$")


@dataclass(frozen=True)
class ServiceLayerSettings:
    """Connection settings of the Service Layer client (the password is never shown).

    ``base_url`` is the server root (``https://sap:50000``; a service URL ending in
    ``/b1s/v1`` or ``/b1s/v2`` is accepted too). ``verify`` is True (system CA
    bundle), or False to accept any certificate (an explicit, logged choice);
    ``ca_file`` names a CA bundle, e.g. the sandbox's self-signed certificate.
    ``timeout`` is (connect, read) seconds for every request. ``max_sessions``
    bounds the SL sessions the client opens for concurrent threads.
    ``case_insensitive`` sends ``B1S-CaseInsensitive: true`` so string filters
    ignore case (HANA compares case-sensitively by default).
    """

    base_url: str
    company_db: str
    user: str
    password: str = field(repr=False)
    version: str = "v2"
    verify: bool = True
    ca_file: str | None = None
    timeout: tuple[float, float] = (5.0, 60.0)
    max_retries: int = 3
    backoff: float = 0.25
    max_backoff: float = 5.0
    max_sessions: int = 4
    page_size: int | None = None
    case_insensitive: bool = False

    def __post_init__(self) -> None:
        if self.version not in {"v1", "v2"}:
            raise ValueError(f"unknown Service Layer version {self.version!r}")
        object.__setattr__(self, "base_url", _SERVICE_SUFFIX.sub("", self.base_url.rstrip("/")))

    @property
    def service_root(self) -> str:
        """The service root every entity path is resolved against, ending in ``/``."""
        return f"{self.base_url}/b1s/{self.version}/"

    @property
    def tls_verify(self) -> bool | str:
        """What ``requests`` takes as ``verify``: the CA bundle, True or False."""
        if not self.verify:
            return False
        return self.ca_file or True
