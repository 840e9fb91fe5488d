"""Rules for journal entries: balanced rows on known accounts, reversal by cancellation."""

from __future__ import annotations

import copy
from typing import Any

from app.sandbox.sapb1.entities import READ_ONLY, EntitySet
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import SETS, RuleBase
from app.sandbox.sapb1.rules.branches import check_branch
from app.sandbox.sapb1.rules.periods import check_period
from app.sandbox.sapb1.seed import new_body
from app.sandbox.sapb1.store import Tx


class JournalRules(RuleBase):
    """Adds journal entries and reverses them."""

    def _create_journal(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> dict[str, Any]:
        doc = new_body(es.name)
        doc.update({k: v for k, v in body.items() if k not in READ_ONLY})
        lines = doc.get("JournalEntryLines") or []
        if len(lines) < 2:
            raise SlError.business("A journal entry needs at least two rows [JDT1.Account]")
        debit = credit = 0.0
        out = []
        for n, line in enumerate(lines):
            account = line.get("AccountCode")
            short = line.get("ShortName")
            if short and short != account:
                bp = tx.get(SETS["BusinessPartners"], short)
                if bp is None:
                    raise SlError.business(
                        f"Invalid BP code '{short}' [JDT1.ShortName][line: {n + 1}]"
                    )
                account = account or bp.get("DebitorAccount")
            self._account(tx, account, f"[JDT1.Account][line: {n + 1}]")
            check_branch(tx, self.multi_branch, line.get("BPLID"), f"JDT1.BPLId][line: {n + 1}")
            row = {
                "Line_ID": n,
                "AccountCode": account,
                "Debit": 0.0,
                "Credit": 0.0,
                "ShortName": short or account,
                "LineMemo": None,
                "Reference1": None,
                "Reference2": None,
                "DueDate": None,
                "TaxDate": None,
                "CostingCode": None,
                "BPLID": None,
            }
            row.update({k: v for k, v in line.items() if k != "Line_ID"})
            row["AccountCode"] = account
            debit += float(row["Debit"] or 0)
            credit += float(row["Credit"] or 0)
            out.append(row)
        if round(debit - credit, 2) != 0:
            raise SlError.business("Unbalanced transaction")
        doc["JournalEntryLines"] = out
        doc["ReferenceDate"] = doc.get("ReferenceDate") or self._today()
        check_period(tx, es.table, doc["ReferenceDate"], "OJDT.RefDate")
        doc["DueDate"] = doc.get("DueDate") or doc["ReferenceDate"]
        doc["TaxDate"] = doc.get("TaxDate") or doc["ReferenceDate"]
        number = tx.next_number("JournalEntries.JdtNum")
        doc["JdtNum"] = doc["Number"] = number
        self._stamp(doc, created=True)
        return doc

    def _cancel_journal(self, tx: Tx, es: EntitySet, doc: dict[str, Any]) -> None:
        if doc.get("StornoDate"):
            raise SlError.business("Journal entry is already reversed")
        reversal = copy.deepcopy(doc)
        for line in reversal["JournalEntryLines"]:
            line["Debit"], line["Credit"] = line["Credit"], line["Debit"]
        number = tx.next_number("JournalEntries.JdtNum")
        reversal.update(
            JdtNum=number,
            Number=number,
            Memo=f"Cancellation of {doc['JdtNum']}",
            Reference=str(doc["JdtNum"]),
            StornoDate=None,
        )
        self._stamp(reversal, created=True)
        tx.insert(es, number, reversal)
        doc["StornoDate"] = self._today()
        self._stamp(doc, created=False)
        tx.replace(es, doc["JdtNum"], doc)
