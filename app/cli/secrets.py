"""``integration-hub secrets``: store, list and delete secrets in THIS account's keyring.

The keyring is per OS account (Windows Credential Manager, the Secret
Service, the Keychain), so a service account cannot read what a desktop user
typed into Integration Hub → Connections. IT stores the service account's
own secrets by running these commands as that account::

    runas /user:HUB\\svc-hub "integration-hub secrets set --template Main --kind sap-password"
    sudo -u integration-hub integration-hub secrets set --template Main --kind sap-password

A value is typed at a hidden prompt (twice) or read from standard input with
``--stdin``; it is never echoed, printed, logged or taken as an argument.
``secrets list`` shows which secrets exist, never their values.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.cli.base import add_actions, add_command
from app.cli.errors import EXIT_FAILED, EXIT_OK, UsageError, error_line
from app.secret_kinds import MAIL_OWNER, SecretKind

TEMPLATE_KINDS = (SecretKind.SAP_PASSWORD, SecretKind.TAGRAIN_API_KEY)
KIND_LABELS = {
    SecretKind.SAP_PASSWORD: "SAP password",
    SecretKind.TAGRAIN_API_KEY: "Tagrain API key",
    SecretKind.SMTP_PASSWORD: "SMTP password",
}


def register(subparsers: Any) -> None:
    """Register ``secrets set|list|delete``."""
    kinds = [kind.value for kind in SecretKind]
    parser = add_command(
        subparsers,
        "secrets",
        run,
        help="store or list the secrets in this account's keyring (for a service)",
    )
    actions = add_actions(parser, "secrets_command")
    put = actions.add_parser("set", help="store a template's secret, typed at a hidden prompt")
    put.add_argument("--template", help="the template (not for smtp-password)")
    put.add_argument("--kind", required=True, choices=kinds)
    put.add_argument(
        "--stdin", action="store_true", help="read the value from standard input (one line)"
    )
    delete = actions.add_parser("delete", help="forget a template's secret")
    delete.add_argument("--template", help="the template (not for smtp-password)")
    delete.add_argument("--kind", required=True, choices=kinds)
    actions.add_parser("list", help="which secrets this account's keyring holds (never values)")


def run(args: argparse.Namespace) -> int:
    """Run ``integration-hub secrets ACTION``."""
    from app import secrets
    from app.secrets import SecretsUnavailable

    try:
        if args.secrets_command == "list":
            return _list(args)
        kind = SecretKind(args.kind)
        owner = _owner(args, kind)
        if args.secrets_command == "delete":
            secrets.delete_secret(owner, kind)
            print(f"{KIND_LABELS[kind]} of {owner!r} removed from {_where()}")
            return EXIT_OK
        value = _read_value(args, kind, owner)
        try:
            secrets.set_secret(owner, kind, value)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        print(f"{KIND_LABELS[kind]} of {owner!r} stored in {_where()}")
        return EXIT_OK
    except SecretsUnavailable as exc:
        print(error_line(exc), file=sys.stderr)
        return EXIT_FAILED


def _where() -> str:
    from app import secrets

    return f"the {secrets.backend_description()} of account {secrets.account_name()}"


def _owner(args: argparse.Namespace, kind: SecretKind) -> str:
    """The keyring owner name: the template (checked against the store) or the mail owner."""
    if kind is SecretKind.SMTP_PASSWORD:
        if args.template:
            raise UsageError("the smtp-password belongs to no template: leave out --template")
        return MAIL_OWNER
    if not args.template:
        raise UsageError(f"--template is required for --kind {kind.value}")
    names = _template_names(args.database)
    if args.template not in names:
        known = ", ".join(names) or "none"
        raise UsageError(f"no template named {args.template!r} in the store (templates: {known})")
    return str(args.template)


def _template_names(url: str | None) -> list[str]:
    from sqlalchemy import select

    from app.store import Template, open_database

    database = open_database(url)
    try:
        with database.session() as session:
            return list(session.scalars(select(Template.name).order_by(Template.name)))
    finally:
        database.dispose()


def _read_value(args: argparse.Namespace, kind: SecretKind, owner: str) -> str:
    label = f"{KIND_LABELS[kind]} of {owner!r}"
    if args.stdin:
        value = sys.stdin.readline().rstrip("\r\n")
    else:
        value = getpass.getpass(f"{label}: ")
        if getpass.getpass("Again, to confirm: ") != value:
            raise UsageError("the two entries differ; nothing was stored")
    if not value:
        raise UsageError(f"empty {label}; nothing was stored (use 'secrets delete' to remove one)")
    return value


def _list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app import secrets
    from app.store import Schedule, Template, open_database

    database = open_database(args.database)
    try:
        with database.session() as session:
            templates = [
                (t.name, t.is_sandbox)
                for t in session.scalars(select(Template).order_by(Template.name))
            ]
            scheduled = set(
                session.scalars(
                    select(Template.name).join(Schedule).where(Schedule.enabled.is_(True))
                )
            )
    finally:
        database.dispose()
    print(f"secrets of account {secrets.account_name()} in the {secrets.backend_description()}:")
    if not templates:
        print("no templates in the store")
    for name, is_sandbox in templates:
        states = [
            f"{kind.value} {'stored' if secrets.get_secret(name, kind) else 'MISSING'}"
            for kind in TEMPLATE_KINDS
        ]
        note = " (has enabled schedules)" if name in scheduled else ""
        if is_sandbox:
            note += " (sandbox template: `integration-hub sandbox` stores them)"
        print(f"  {name}: {', '.join(states)}{note}")
    smtp = secrets.get_secret(MAIL_OWNER, SecretKind.SMTP_PASSWORD)
    print(f"  {MAIL_OWNER}: smtp-password {'stored' if smtp else 'not set'}")
    return EXIT_OK
