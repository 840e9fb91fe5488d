"""Rules for incoming and outgoing payments: means of payment, settled documents, cancellation."""

from __future__ import annotations

from typing import Any

from app.sandbox.sapb1.entities import READ_ONLY, EntitySet
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import SETS, RuleBase
from app.sandbox.sapb1.rules.branches import check_branch
from app.sandbox.sapb1.rules.periods import check_period
from app.sandbox.sapb1.seed import new_body
from app.sandbox.sapb1.store import Tx


class PaymentRules(RuleBase):
    """Adds and cancels payments, settling and unsettling the documents they pay."""

    def _create_payment(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> dict[str, Any]:
        doc = new_body(es.name)
        doc.update({k: v for k, v in body.items() if k not in READ_ONLY})
        if doc.get("DocType") != "rAccount":
            bp = self._partner(tx, es, doc.get("CardCode"))
            doc["CardName"] = doc.get("CardName") or bp["CardName"]
        doc["DocDate"] = doc.get("DocDate") or self._today()
        doc["DueDate"] = doc.get("DueDate") or doc["DocDate"]
        doc["TaxDate"] = doc.get("TaxDate") or doc["DocDate"]
        check_branch(tx, self.multi_branch, doc.get("BPLID"), f"{es.table}.BPLId")
        check_period(tx, es.table, doc["DocDate"], f"{es.table}.DocDate")
        total = 0.0
        if float(doc.get("CashSum") or 0):
            self._account(tx, doc.get("CashAccount"), f"[{es.table}.CashAcct]")
            total += float(doc["CashSum"])
        if float(doc.get("TransferSum") or 0):
            self._account(tx, doc.get("TransferAccount"), f"[{es.table}.TrsfrAcct]")
            total += float(doc["TransferSum"])
        for n, card in enumerate(doc.get("PaymentCreditCards") or []):
            if not tx.exists(SETS["CreditCards"], card.get("CreditCard")):
                raise SlError.business(
                    f"Invalid credit card code '{card.get('CreditCard')}' "
                    f"[RCT3.CreditCard][line: {n + 1}]"
                )
            total += float(card.get("CreditSum") or 0)
        for check in doc.get("PaymentChecks") or []:
            total += float(check.get("CheckSum") or 0)
        for n, acct in enumerate(doc.get("PaymentAccounts") or []):
            self._account(tx, acct.get("AccountCode"), f"[RCT4.AcctCode][line: {n + 1}]")
        doc["DocTotal"] = round(total, 2)
        applied = []
        for n, pi in enumerate(doc.get("PaymentInvoices") or []):
            target_name = "CreditNotes" if pi.get("InvoiceType") == "it_CredItnote" else "Invoices"
            target = SETS[target_name]
            inv = tx.get(target, pi.get("DocEntry"))
            if inv is None or inv.get("Cancelled") == "tYES":
                raise SlError.business(
                    f"Invalid document number '{pi.get('DocEntry')}' "
                    f"[{es.line_table}.DocEntry][line: {n + 1}]"
                )
            if inv["CardCode"] != doc.get("CardCode"):
                raise SlError.business(
                    "Business partner of the document and of the payment do not match"
                )
            amount = float(pi.get("SumApplied") or 0)
            open_amount = round(inv["DocTotal"] - inv["PaidToDate"], 2)
            if amount > open_amount + 0.005:
                raise SlError.business(
                    f"Amount applied exceeds the open balance of the "
                    f"document [{es.line_table}.SumApplied][line: {n + 1}]"
                )
            self._settle(tx, target, inv, amount)
            applied.append([target_name, inv["DocEntry"], amount])
        doc["_applied"] = applied
        entry, num = self._new_entry(tx, es)
        doc["DocEntry"], doc["DocNum"] = entry, num
        self._stamp(doc, created=True)
        return doc

    def _cancel_payment(self, tx: Tx, es: EntitySet, doc: dict[str, Any]) -> None:
        if doc.get("Cancelled") == "tYES":
            raise SlError.business("Payment is already cancelled")
        for target_name, entry, amount in doc.get("_applied", []):
            target = tx.get(SETS[target_name], entry)
            if target is not None:
                self._settle(tx, SETS[target_name], target, -amount)
        doc["Cancelled"] = "tYES"
        self._stamp(doc, created=False)
        tx.replace(es, doc["DocEntry"], doc)
