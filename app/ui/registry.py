"""The registry of forms: what the Main Menu, the Modules menu and the toolbar offer.

A form is one ``FormSpec``: a stable key (used to restore open forms), the
title of its Main Menu entry, the folder path under which it hangs, an icon
and a factory. Adding a form is one ``registry.add(FormSpec(...))`` call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

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

FormFactory = Callable[[FormContext], BaseForm]


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
    from app.ui.forms.company_setup import CompanySetupForm
    from app.ui.forms.connections import ConnectionsForm
    from app.ui.forms.daily_summary import DailySummaryForm
    from app.ui.forms.database_settings import DatabaseSettingsForm
    from app.ui.forms.general_settings import GeneralSettingsForm
    from app.ui.forms.mappings import MappingsForm
    from app.ui.forms.marking_criteria import SetCustomersCriteriaForm, SetItemsCriteriaForm
    from app.ui.forms.master_data_bp import BusinessPartnerMasterDataForm
    from app.ui.forms.master_data_item import ItemMasterDataForm
    from app.ui.forms.monitor import SyncMonitorForm
    from app.ui.forms.reconciliation import ReconciliationForm
    from app.ui.forms.sync_settings import SyncSettingsForm
    from app.ui.forms.templates import TemplatesForm

    registry = FormRegistry()
    registry.add(FormSpec("templates", "Templates", TemplatesForm, "template", toolbar=True))
    registry.add(
        FormSpec("connections", "Connections", ConnectionsForm, "plug-connected", toolbar=True)
    )
    registry.add(FormSpec("company_setup", "Company Setup", CompanySetupForm, "database"))
    registry.add(
        FormSpec(
            "general_settings", "General Settings", GeneralSettingsForm, "settings", toolbar=True
        )
    )
    registry.add(FormSpec("mappings", "Mappings", MappingsForm, "arrows-exchange", toolbar=True))
    registry.add(
        FormSpec(
            "set_customers", "Set Customers for Synchronization", SetCustomersCriteriaForm, "check"
        )
    )
    registry.add(
        FormSpec("set_items", "Set Items for Synchronization", SetItemsCriteriaForm, "stack-2")
    )
    registry.add(
        FormSpec(
            "bp_master_data",
            "Business Partner Master Data",
            BusinessPartnerMasterDataForm,
            "building-store",
        )
    )
    registry.add(FormSpec("item_master_data", "Item Master Data", ItemMasterDataForm, "receipt"))
    registry.add(
        FormSpec("sync_settings", "Synchronization Settings", SyncSettingsForm, "settings")
    )
    registry.add(FormSpec("sync_monitor", "Sync Monitor", SyncMonitorForm, "report", toolbar=True))
    registry.add(FormSpec("daily_summary", "Daily Summary", DailySummaryForm, "report"))
    registry.add(FormSpec("reconciliation", "Reconciliation", ReconciliationForm, "cash"))
    registry.add(
        FormSpec("database_settings", "Database and Scheduling", DatabaseSettingsForm, "database")
    )
    return registry
