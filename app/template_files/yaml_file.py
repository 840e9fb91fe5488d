"""The template file's YAML: written in a fixed order, read back with the forms' own rules.

Reading walks YAML's node tree rather than the loaded values, so that every
problem names its key path and line, and a code is taken as written: ``0012``,
``yes`` or ``12:30`` in a code field stay those characters instead of
becoming a number, a boolean or minutes. Each value then goes through the
rule of the form that edits it (``app.ui.data``): General Settings,
Connections, Mappings and the schedule dialog refuse exactly what they
refuse in the client.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.scheduling.calendar import FREQUENCIES, WEEKDAYS
from app.scheduling.drafts import DEFAULT_END, DEFAULT_INTERVAL, DEFAULT_START, ScheduleDraft
from app.scheduling.time_input import read_time, show_time
from app.sync.engine import SyncObjectSpec
from app.template_files.document import (
    FORMAT_VERSION,
    MARK_KINDS,
    ExpenseEntry,
    StoreEntry,
    TemplateDocument,
    TenderEntry,
    ordered_schedules,
    ordered_stores,
)
from app.ui.data.errors import InputError
from app.ui.data.mappings import PAYMENT_MEANS, validate_mappings
from app.ui.data.settings import (
    GENERAL_FIELDS,
    ConnectionSettings,
    GeneralSettings,
    connection_settings,
    general_settings,
)

HEADER = (
    "# Integration Hub template (import: integration-hub template import FILE).\n"
    "# Passwords and API keys are never in this file: they stay in each machine's keyring.\n"
)
TOP_KEYS = (
    "version",
    "template",
    "active",
    "connection",
    "general",
    "mappings",
    "schedules",
    "marks",
)
CONNECTION_KEYS = (
    "sap_url",
    "sap_version",
    "sap_company_db",
    "sap_user",
    "sap_verify_tls",
    "sap_ca_file",
    "sap_sessions",
    "tagrain_url",
)
STORE_KEYS = ("store_id", "store_code", "warehouse", "cash_account", "branch")
TENDER_KEYS = ("tender_type", "payment_means", "account", "credit_card")
EXPENSE_KEYS = ("category", "account")
SCHEDULE_KEYS = ("enabled", "frequency", "weekdays", "from", "to", "interval_minutes")
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"


class FormatError(ValueError):
    """The file cannot be imported: ``path`` is the key path, ``line`` its line (1-based)."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"line {line}" if line is not None else "the file"
        super().__init__(f"{where}: {path}: {message}" if path else f"{where}: {message}")


def dump(document: TemplateDocument) -> str:
    """The file's text: the header, then every section in a fixed order."""
    c, g = document.connection, document.general
    data: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "template": document.name,
        "active": document.active,
        "connection": {
            "sap_url": c.sap_url,
            "sap_version": c.sap_version,
            "sap_company_db": c.sap_company_db,
            "sap_user": c.sap_user,
            "sap_verify_tls": c.sap_verify_tls,
            "sap_ca_file": c.sap_ca_file or None,
            "sap_sessions": document.sap_sessions,
            "tagrain_url": c.tagrain_url,
        },
        "general": {name: getattr(g, name) for name in GENERAL_FIELDS},
        "mappings": {
            "stores": [
                {
                    "store_id": s.store_id,
                    "store_code": s.store_code,
                    "warehouse": s.warehouse,
                    "cash_account": s.cash_account,
                    "branch": s.branch,
                }
                for s in document.stores
            ],
            "tenders": [
                {
                    "tender_type": t.tender_type,
                    "payment_means": t.payment_means,
                    "account": t.account,
                    "credit_card": t.credit_card,
                }
                for t in document.tenders
            ],
            "expenses": [{"category": e.category, "account": e.account} for e in document.expenses],
        },
        "schedules": {
            d.object: {
                "enabled": d.enabled,
                "frequency": d.frequency,
                "weekdays": [day.strip() for day in d.weekdays.split(",") if day.strip()]
                if d.frequency == "weekly"
                else [],
                "from": show_time(d.window_start),
                "to": show_time(d.window_end),
                "interval_minutes": d.interval_minutes,
            }
            for d in document.schedules
        },
        "marks": {key: list(codes) for key, codes in document.marks},
    }
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
    )
    return HEADER + body


_NUMBER_LIKE = re.compile(r"[-+.0-9][-+.0-9:_]*")


class _Dumper(yaml.SafeDumper):
    """SafeDumper that also quotes every code that looks like a number or a time.

    PyYAML leaves ``0099`` or ``08:00`` bare (not numbers in YAML 1.1), but
    other tools, and readers, take them for numbers; quoted they are codes.
    """


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "'" if _NUMBER_LIKE.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


@dataclass(frozen=True)
class ParsedFile:
    """A file read: its document, and where each key path and mapping entry stands."""

    document: TemplateDocument
    lines: Mapping[str, int]
    """Key path → line (1-based)."""
    entries: Mapping[tuple[str, str], str]
    """(mappings section, store id / tender type / category) → the entry's key path."""

    def line(self, path: str) -> int | None:
        """The line of a key path, else of the nearest enclosing key that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rsplit(".", 1)[0] if "." in path else ""
        return None


def parse(text: str, objects: Mapping[str, SyncObjectSpec]) -> ParsedFile:
    """The document a file's text describes; FormatError names the first problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = None if mark is None else mark.line + 1
        raise FormatError("", line, f"not YAML: {problem}") from None
    if root is None:
        raise FormatError("", 1, "the file is empty")
    reader = _Reader(objects)
    document = reader.document(root)
    return ParsedFile(document, dict(reader.at), dict(reader.where))


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


@dataclass
class _Reader:
    """Walks the node tree; ``at`` keeps the line of each key path it read."""

    objects: Mapping[str, SyncObjectSpec]
    at: dict[str, int] = field(default_factory=dict)
    where: dict[tuple[str, str], str] = field(default_factory=dict)

    def fail(self, path: str, node: Node, message: str) -> FormatError:
        return FormatError(path, self.at.get(path, _line(node)), message)

    def mapping(
        self, node: Node, path: str, keys: Sequence[str] | None, required: Sequence[str] = ()
    ) -> dict[str, Node]:
        """A mapping's values by key (``keys`` None: any key)."""
        if not isinstance(node, MappingNode):
            raise self.fail(path, node, "expected keys and values here")
        found: dict[str, Node] = {}
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode):
                raise FormatError(path, _line(key_node), "a key must be a plain word")
            key = str(key_node.value)
            sub = f"{path}.{key}" if path else key
            if keys is not None and key not in keys:
                raise FormatError(
                    sub, _line(key_node), f"unknown key (expected one of: {', '.join(keys)})"
                )
            if key in found:
                raise FormatError(sub, _line(key_node), "this key is given twice")
            self.at[sub] = _line(key_node)
            found[key] = value
        for key in required:
            if key not in found:
                raise FormatError(f"{path}.{key}" if path else key, _line(node), "missing")
        return found

    def sequence(self, node: Node, path: str) -> list[Node]:
        if isinstance(node, ScalarNode) and node.tag == _NULL:
            return []
        if not isinstance(node, SequenceNode):
            raise self.fail(path, node, "expected a list here")
        return list(node.value)

    def text(self, node: Node, path: str, *, nullable: bool = True) -> str | None:
        """A scalar as written (None for null); a code keeps its characters."""
        if not isinstance(node, ScalarNode):
            raise self.fail(path, node, "expected a single value here")
        if node.tag == _NULL and node.style is None:
            if not nullable:
                raise self.fail(path, node, "a value is needed here")
            return None
        return str(node.value)

    def word(self, node: Node, path: str) -> str:
        """A value that must be given (not null, not empty)."""
        value = self.text(node, path, nullable=False) or ""
        if not value.strip():
            raise self.fail(path, node, "a value is needed here")
        return value

    def boolean(self, node: Node, path: str) -> bool:
        if not isinstance(node, ScalarNode) or node.tag != _BOOL:
            raise self.fail(path, node, "expected true or false")
        return bool(yaml.SafeLoader.bool_values[str(node.value).lower()])

    def integer(self, node: Node, path: str) -> int:
        value = str(node.value) if isinstance(node, ScalarNode) else ""
        if node.tag != _INT or not value.lstrip("+-").isdigit():
            shown = f", not {value!r}" if value else ""
            raise self.fail(path, node, f"expected a whole number{shown}")
        return int(value)

    @contextmanager
    def rule(self, path: str, node: Node) -> Iterator[None]:
        """A form's rule refusing a value becomes a FormatError at ``path``."""
        try:
            yield
        except InputError as exc:
            raise self.fail(path, node, str(exc)) from None

    def document(self, root: Node) -> TemplateDocument:
        top = self.mapping(root, "", TOP_KEYS, ("version", "template"))
        version = self.integer(top["version"], "version")
        if version != FORMAT_VERSION:
            raise self.fail(
                "version", top["version"], f"version {version} is not one this hub reads (1)"
            )
        name = self.word(top["template"], "template").strip()
        active = self.boolean(top["active"], "active") if "active" in top else True
        connection, sessions = self.connection(top.get("connection"))
        general = self.general(top.get("general"))
        stores, tenders, expenses = self.mappings(top.get("mappings"))
        document = TemplateDocument(
            name=name,
            active=active,
            connection=connection,
            sap_sessions=sessions,
            general=general,
            stores=stores,
            tenders=tenders,
            expenses=expenses,
            schedules=self.schedules(top.get("schedules")),
            marks=self.marks(top.get("marks")),
        )
        node = top.get("mappings", root)
        with self.rule("mappings", node):
            validate_mappings(document.mapping_set())
        return document

    def section(self, node: Node | None, path: str, keys: Sequence[str]) -> dict[str, Node]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == _NULL):
            return {}
        return self.mapping(node, path, keys)

    def refused(self, section: str, exc: InputError) -> FormatError:
        """A form's refusal of a section's field, at that field (else at the section)."""
        path = f"{section}.{exc.field}" if exc.field else section
        return FormatError(path, self.at.get(path, self.at.get(section)), str(exc))

    def connection(self, node: Node | None) -> tuple[ConnectionSettings, int]:
        values = self.section(node, "connection", CONNECTION_KEYS)

        def text(key: str, default: str = "") -> str:
            if key not in values:
                return default
            return self.text(values[key], f"connection.{key}") or default

        verify = values.get("sap_verify_tls")
        sessions = values.get("sap_sessions")
        count = 4 if sessions is None else self.integer(sessions, "connection.sap_sessions")
        if sessions is not None and count < 1:
            raise self.fail("connection.sap_sessions", sessions, "at least 1 session")
        try:
            settings = connection_settings(
                sap_url=text("sap_url"),
                sap_version=text("sap_version", "v2"),
                sap_company_db=text("sap_company_db"),
                sap_user=text("sap_user"),
                sap_verify_tls=True
                if verify is None
                else self.boolean(verify, "connection.sap_verify_tls"),
                sap_ca_file=text("sap_ca_file"),
                tagrain_url=text("tagrain_url"),
            )
        except InputError as exc:
            raise self.refused("connection", exc) from None
        return settings, count

    def general(self, node: Node | None) -> GeneralSettings:
        values = self.section(node, "general", GENERAL_FIELDS)
        texts = {key: self.text(value, f"general.{key}") or "" for key, value in values.items()}
        try:
            return general_settings(texts)
        except InputError as exc:
            raise self.refused("general", exc) from None

    def mappings(
        self, node: Node | None
    ) -> tuple[tuple[StoreEntry, ...], tuple[TenderEntry, ...], tuple[ExpenseEntry, ...]]:
        values = self.section(node, "mappings", ("stores", "tenders", "expenses"))
        stores = self.entries(values.get("stores"), "mappings.stores", "store_id", self.store)
        tenders = self.entries(
            values.get("tenders"), "mappings.tenders", "tender_type", self.tender
        )
        expenses = self.entries(
            values.get("expenses"), "mappings.expenses", "category", self.expense
        )
        return (
            ordered_stores(stores),
            tuple(sorted(tenders, key=lambda t: t.tender_type)),
            tuple(sorted(expenses, key=lambda e: e.category)),
        )

    def entries(
        self,
        node: Node | None,
        path: str,
        key: str,
        read: Callable[[dict[str, Node], str, Node], Any],
    ) -> list[Any]:
        if node is None:
            return []
        found: list[Any] = []
        seen: set[str] = set()
        for number, item in enumerate(self.sequence(node, path)):
            entry_path = f"{path}[{number}]"
            entry = read(self.fields(item, entry_path), entry_path, item)
            identity = str(getattr(entry, key))
            if identity in seen:
                raise self.fail(f"{entry_path}.{key}", item, f"{identity!r} is listed twice")
            seen.add(identity)
            self.where[(path.rsplit(".", 1)[1], identity)] = entry_path
            self.at.setdefault(entry_path, _line(item))
            found.append(entry)
        return found

    def fields(self, node: Node, path: str) -> dict[str, Node]:
        keys = {
            "mappings.stores": STORE_KEYS,
            "mappings.tenders": TENDER_KEYS,
            "mappings.expenses": EXPENSE_KEYS,
        }[path.rsplit("[", 1)[0]]
        return self.mapping(node, path, keys, keys[:1])

    def optional(self, values: dict[str, Node], path: str, key: str) -> str | None:
        if key not in values:
            return None
        value = self.text(values[key], f"{path}.{key}")
        return value if value else None

    def store(self, values: dict[str, Node], path: str, node: Node) -> StoreEntry:
        if "warehouse" not in values:
            raise self.fail(f"{path}.warehouse", node, "missing (a store is mapped to a warehouse)")
        branch_text = self.optional(values, path, "branch")
        branch: int | None = None
        if branch_text is not None:
            if not branch_text.strip().isdigit():
                raise self.fail(
                    f"{path}.branch",
                    values["branch"],
                    f"the branch is a branch number (BPLID), not {branch_text!r}",
                )
            branch = int(branch_text)
        return StoreEntry(
            store_id=self.word(values["store_id"], f"{path}.store_id"),
            store_code=self.optional(values, path, "store_code"),
            warehouse=self.word(values["warehouse"], f"{path}.warehouse"),
            cash_account=self.optional(values, path, "cash_account"),
            branch=branch,
        )

    def tender(self, values: dict[str, Node], path: str, node: Node) -> TenderEntry:
        if "payment_means" not in values:
            raise self.fail(f"{path}.payment_means", node, "missing")
        means = self.word(values["payment_means"], f"{path}.payment_means")
        if means not in PAYMENT_MEANS:
            raise self.fail(
                f"{path}.payment_means",
                values["payment_means"],
                f"unknown payment means {means!r} (expected one of: {', '.join(PAYMENT_MEANS)})",
            )
        account = self.optional(values, path, "account")
        card_text = self.optional(values, path, "credit_card")
        if means == "credit_card" and account is not None:
            raise self.fail(f"{path}.account", node, "a credit card tender is paid to its card")
        if means != "credit_card" and card_text is not None:
            raise self.fail(f"{path}.credit_card", node, f"a {means} tender takes no credit card")
        if card_text is not None and not card_text.isdigit():
            raise self.fail(f"{path}.credit_card", node, "the credit card code is a number")
        return TenderEntry(
            tender_type=self.word(values["tender_type"], f"{path}.tender_type"),
            payment_means=means,
            account=account,
            credit_card=None if card_text is None else int(card_text),
        )

    def expense(self, values: dict[str, Node], path: str, node: Node) -> ExpenseEntry:
        if "account" not in values:
            raise self.fail(f"{path}.account", node, "missing (a category goes to a G/L account)")
        return ExpenseEntry(
            category=self.word(values["category"], f"{path}.category"),
            account=self.word(values["account"], f"{path}.account"),
        )

    def schedules(self, node: Node | None) -> tuple[ScheduleDraft, ...]:
        values = self.section(node, "schedules", tuple(self.objects))
        drafts = {
            name: self.schedule(value, f"schedules.{name}", self.objects[name].label)
            for name, value in values.items()
        }
        return ordered_schedules(drafts, self.objects)

    def schedule(self, node: Node, path: str, label: str) -> ScheduleDraft:
        values = self.mapping(node, path, SCHEDULE_KEYS)
        name = path.split(".", 1)[1]
        frequency = "daily"
        if "frequency" in values:
            frequency = self.word(values["frequency"], f"{path}.frequency")
            if frequency not in FREQUENCIES:
                raise self.fail(
                    f"{path}.frequency", values["frequency"], "expected daily or weekly"
                )
        days: list[str] = []
        for number, day in enumerate(self.sequence(values.get("weekdays", _empty()), path)):
            text = self.word(day, f"{path}.weekdays[{number}]")
            if text not in WEEKDAYS:
                raise self.fail(
                    f"{path}.weekdays[{number}]",
                    day,
                    f"unknown weekday {text!r} (expected some of: {', '.join(WEEKDAYS)})",
                )
            days.append(text)
        if frequency == "daily" and days:
            raise self.fail(f"{path}.weekdays", values["weekdays"], "a daily schedule has none")
        times = {}
        for key, default, label_text in (
            ("from", DEFAULT_START, "Time Window from"),
            ("to", DEFAULT_END, "Time Window to"),
        ):
            if key not in values:
                times[key] = default
                continue
            with self.rule(f"{path}.{key}", values[key]):
                times[key] = read_time(self.text(values[key], f"{path}.{key}") or "", label_text)
        interval = DEFAULT_INTERVAL
        if "interval_minutes" in values:
            interval = self.integer(values["interval_minutes"], f"{path}.interval_minutes")
        draft = ScheduleDraft(
            name,
            label,
            enabled=self.boolean(values["enabled"], f"{path}.enabled")
            if "enabled" in values
            else False,
            frequency=frequency,
            weekdays=",".join(days),
            window_start=times["from"],
            window_end=times["to"],
            interval_minutes=interval,
        )
        with self.rule(path, node):
            draft.check()
        return draft

    def marks(self, node: Node | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
        values = self.section(node, "marks", tuple(MARK_KINDS))
        found = []
        for key in MARK_KINDS:
            path = f"marks.{key}"
            codes: dict[str, None] = {}
            for number, item in enumerate(self.sequence(values.get(key, _empty()), path)):
                code = self.word(item, f"{path}[{number}]")
                if code in codes:
                    raise self.fail(f"{path}[{number}]", item, f"{code!r} is listed twice")
                codes[code] = None
            found.append((key, tuple(sorted(codes))))
        return tuple(found)


def _empty() -> Node:
    return SequenceNode("tag:yaml.org,2002:seq", [])
