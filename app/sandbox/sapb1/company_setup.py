"""The demo company's setup the sandbox adds on start: posting periods and branches.

Every month from 2020 to next year is an open posting period (``FinancePeriods``);
a multi-branch company gets the demo branches (``BusinessPlaces``). Both are
added only where missing, so a sandbox database kept between runs keeps the
periods a test or a user locked.
"""

from __future__ import annotations

import calendar
import datetime as dt

from app.sandbox import demo
from app.sandbox.sapb1.entities import ENTITY_SETS
from app.sandbox.sapb1.seed import new_body
from app.sandbox.sapb1.store import SandboxStore

FIRST_YEAR = 2020


def ensure_periods(store: SandboxStore, last_year: int | None = None) -> None:
    """Add an open monthly posting period for every month up to December of ``last_year``."""
    last_year = last_year or dt.date.today().year + 1
    periods = ENTITY_SETS["FinancePeriods"]
    with store.transaction() as tx:
        known = {p["PeriodCode"] for p in tx.query(periods)}
        entry = tx.max_key(periods)
        for year in range(FIRST_YEAR, last_year + 1):
            for month in range(1, 13):
                code = f"{year}-{month:02d}"
                if code in known:
                    continue
                entry += 1
                first = dt.date(year, month, 1).isoformat()
                last = dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()
                tx.insert(
                    periods,
                    entry,
                    new_body(
                        "FinancePeriods",
                        AbsoluteEntry=entry,
                        PeriodCode=code,
                        PeriodName=code,
                        PostingDateFrom=first,
                        PostingDateTo=last,
                        DueDateFrom=first,
                        DueDateTo=f"{year + 1}-12-31",
                        DocumentDateFrom=first,
                        DocumentDateTo=last,
                        Category=str(year),
                        BeginningofFinancialYear=f"{year}-01-01",
                    ),
                )


def ensure_branches(store: SandboxStore) -> None:
    """Add the demo branches (``demo.BRANCHES``) a multi-branch company has."""
    places = ENTITY_SETS["BusinessPlaces"]
    with store.transaction() as tx:
        for branch in demo.BRANCHES:
            if tx.exists(places, branch.id):
                continue
            tx.insert(
                places,
                branch.id,
                new_body(
                    "BusinessPlaces",
                    BPLID=branch.id,
                    BPLName=branch.name,
                    MainBPL="tYES" if branch.id == demo.BRANCHES[0].id else "tNO",
                    Disabled="tYES" if branch.disabled else "tNO",
                    DefaultWarehouseID=branch.warehouse,
                    DefaultCustomerID=demo.WALK_IN_CUSTOMER,
                    DefaultTaxCode=demo.TAX_CODE,
                    Country="US",
                ),
            )
