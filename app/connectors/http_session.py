"""An HTTP session that reads the environment's proxy settings once, not on every request.

``requests`` looks at the environment for every request it sends: it scans every
variable for ``*_proxy`` and looks for a ``.netrc`` file. That is a good part of
the client's own time per request on a fast network, and it never changes during
a run. These sessions take the proxies (and ``REQUESTS_CA_BUNDLE``) for their
server once, when they are made; credentials never come from ``.netrc``.
"""

from __future__ import annotations

import contextlib
import os

import requests
from requests.utils import get_environ_proxies


def environment_session(url: str) -> requests.Session:
    """A session for one server, with the environment's proxies for it read once."""
    session = requests.Session()
    session.trust_env = False
    # A malformed URL has no proxies: its first request reports it in the connector's words.
    with contextlib.suppress(ValueError):
        session.proxies.update(get_environ_proxies(url))
    return session


def with_environment_ca(verify: bool | str, url: str) -> bool | str:
    """``verify`` for requests to ``url``: True means the environment's CA bundle, if it names one.

    Plain ``http://`` has no certificate to verify: a bundle's path would only make
    ``requests`` look at the file system on every request.
    """
    if url.lower().startswith("http://"):
        return True
    if verify is True:
        return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    return verify
