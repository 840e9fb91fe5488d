"""A template's connection as typed in the Connections form, for a test before saving.

Plain data, so the GUI can hand it to the sync core's connection checks
without importing any connector.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConnectionDraft:
    """A template's connection as typed in the form, not necessarily saved.

    ``sap_password`` / ``tagrain_api_key``: typed now, or empty for the stored one.
    """

    sap_url: str
    sap_version: str
    sap_company_db: str
    sap_user: str
    sap_verify_tls: bool
    sap_ca_file: str
    tagrain_url: str
    sap_password: str = field(default="", repr=False)
    tagrain_api_key: str = field(default="", repr=False)
