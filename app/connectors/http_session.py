"""An HTTP session that reads the environment's proxy settings once, not on every request.

``requests`` looks at the environment for every request it sends: it scans every
variable for ``*_proxy`` and looks for a ``.netrc`` file. That is a good part of
the client's own time per request on a fast network, and it never changes during
a run. These sessions take the proxies (and ``REQUESTS_CA_BUNDLE``) for their
server once, when they are made; credentials never come from ``.netrc``.
"""

from __future__ import annotations

import os

import requests
from requests.utils import get_environ_proxies


def environment_session(url: str) -> requests.Session:
    """A session for one server, with the environment's proxies for it read once."""
    session = requests.Session()
    session.trust_env = False
    session.proxies.update(get_environ_proxies(url))
    return session


def with_environment_ca(verify: bool | str) -> bool | str:
    """``verify`` for a request: plain True means the environment's CA bundle, if it names one."""
    if verify is True:
        return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    return verify
