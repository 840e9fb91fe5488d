"""The registry of forms: what the Main Menu, the Modules menu and the toolbar offer.

A form is one ``FormSpec``: a stable key (used to restore open forms), the
title of its Main Menu entry, the folder path under which it hangs, an icon
and a factory. Adding a form is one ``registry.add(FormSpec(...))`` call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ui.context import FormContext
    from app.ui.widgets.form_base import BaseForm

INTEGRATION_HUB = ("Administration", "Integration Hub")
MODULES = (
    "Administration",
    "Financials",
    "CRM",
    "Opportunities",
    "Sales - A/R",
    "Purchasing - A/P",
    "Business Partners",
    "Banking",
    "Inventory",
    "Resources",
    "Production",
    "MRP",
    "Service",
    "Human Resources",
    "Reports",
)

FormFactory = Callable[["FormContext"], "BaseForm"]


def lazy(module: str, name: str) -> FormFactory:
    """A factory that imports the form's module when the form is first opened."""

    def make(context: FormContext) -> BaseForm:
        form_class: Callable[[FormContext], BaseForm] = getattr(
            importlib.import_module(module), name
        )
        return form_class(context)

    return make


@dataclass(frozen=True)
class FormSpec:
    """One entry of the Main Menu that opens a form."""

    key: str
    title: str
    factory: FormFactory
    icon: str = "file-text"
    folder: tuple[str, ...] = INTEGRATION_HUB
    toolbar: bool = False


class FormRegistry:
    """Forms in menu order, looked up by key."""

    def __init__(self) -> None:
        self._specs: dict[str, FormSpec] = {}

    def add(self, spec: FormSpec) -> None:
        """Register a form; keys are unique and the folder must start at a module."""
        if spec.key in self._specs:
            raise ValueError(f"a form with key {spec.key!r} is already registered")
        if not spec.folder or spec.folder[0] not in MODULES:
            raise ValueError(f"form {spec.key!r} must hang under a module, not {spec.folder!r}")
        self._specs[spec.key] = spec

    def get(self, key: str) -> FormSpec | None:
        """The form with this key, if registered."""
        return self._specs.get(key)

    def __iter__(self) -> Iterator[FormSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)


def default_registry() -> FormRegistry:
    """The Integration Hub's forms of this version."""
    registry = FormRegistry()
    registry.add(
        FormSpec(
            "getting_started",
            "Getting Started",
            lazy("app.ui.forms.getting_started", "GettingStartedForm"),
            "flag",
        )
    )
    registry.add(
        FormSpec(
            "templates",
            "Templates",
            lazy("app.ui.forms.templates", "TemplatesForm"),
            "template",
            toolbar=True,
        )
    )
    registry.add(
        FormSpec(
            "connections",
            "Connections",
            lazy("app.ui.forms.connections", "ConnectionsForm"),
            "plug-connected",
            toolbar=True,
        )
    )
    registry.add(
        FormSpec(
            "company_setup",
            "Company Setup",
            lazy("app.ui.forms.company_setup", "CompanySetupForm"),
            "database",
        )
    )
    registry.add(
        FormSpec(
            "general_settings",
            "General Settings",
            lazy("app.ui.forms.general_settings", "GeneralSettingsForm"),
            "settings",
            toolbar=True,
        )
    )
    registry.add(
        FormSpec(
            "mappings",
            "Mappings",
            lazy("app.ui.forms.mappings", "MappingsForm"),
            "arrows-exchange",
            toolbar=True,
        )
    )
    registry.add(
        FormSpec(
            "set_customers",
            "Set Customers for Synchronization",
            lazy("app.ui.forms.marking_criteria", "SetCustomersCriteriaForm"),
            "check",
        )
    )
    registry.add(
        FormSpec(
            "set_items",
            "Set Items for Synchronization",
            lazy("app.ui.forms.marking_criteria", "SetItemsCriteriaForm"),
            "stack-2",
        )
    )
    registry.add(
        FormSpec(
            "bp_master_data",
            "Business Partner Master Data",
            lazy("app.ui.forms.master_data_bp", "BusinessPartnerMasterDataForm"),
            "building-store",
        )
    )
    registry.add(
        FormSpec(
            "item_master_data",
            "Item Master Data",
            lazy("app.ui.forms.master_data_item", "ItemMasterDataForm"),
            "receipt",
        )
    )
    registry.add(
        FormSpec(
            "sync_settings",
            "Synchronization Settings",
            lazy("app.ui.forms.sync_settings", "SyncSettingsForm"),
            "settings",
        )
    )
    registry.add(
        FormSpec(
            "sync_monitor",
            "Sync Monitor",
            lazy("app.ui.forms.monitor", "SyncMonitorForm"),
            "report",
            toolbar=True,
        )
    )
    registry.add(
        FormSpec(
            "daily_summary",
            "Daily Summary",
            lazy("app.ui.forms.daily_summary", "DailySummaryForm"),
            "report",
        )
    )
    registry.add(
        FormSpec(
            "reconciliation",
            "Reconciliation",
            lazy("app.ui.forms.reconciliation", "ReconciliationForm"),
            "cash",
        )
    )
    registry.add(
        FormSpec(
            "database_settings",
            "Database and Scheduling",
            lazy("app.ui.forms.database_settings", "DatabaseSettingsForm"),
            "database",
        )
    )
    return registry
