"""Which secrets there are, without the keyring: the command line names them before it needs one."""

from __future__ import annotations

import enum


class SecretKind(enum.StrEnum):
    """Which secret of a template."""

    SAP_PASSWORD = "sap-password"
    TAGRAIN_API_KEY = "tagrain-api-key"
    SMTP_PASSWORD = "smtp-password"


MAIL_OWNER = "Daily summary e-mail"
"""The owner name of the SMTP password (it belongs to no template)."""
