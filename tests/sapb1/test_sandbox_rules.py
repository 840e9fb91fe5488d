"""The sandbox's business rules: writes, stamps, refusals, stock, cancellations, payments."""

from __future__ import annotations

from collections.abc import Callable

from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import Clock, RawSession, invoice_body


def _error(answer: object) -> tuple[int, str, str]:
    import requests

    assert isinstance(answer, requests.Response)
    error = answer.json()["error"]
    return answer.status_code, error["code"], error["message"]


def test_post_invoice_answers_201_with_whole_document(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    answer = raw.post("Invoices", invoice_body(quantity=2, NumAtCard="R-1", U_TG_ID="tg-1"))
    assert answer.status_code == 201, answer.text
    doc = answer.json()
    assert doc["DocEntry"] == 1 and doc["DocNum"] == 1
    assert doc["NumAtCard"] == "R-1" and doc["U_TG_ID"] == "tg-1"
    assert doc["UpdateDate"] == "2026-03-14T00:00:00Z" and doc["UpdateTime"] == "09:26:53"
    assert doc["DocDate"] == "2026-03-14T00:00:00Z"
    line = doc["DocumentLines"][0]
    assert line["LineTotal"] == round(2 * line["UnitPrice"], 2) == doc["DocTotal"]
    assert answer.headers["Location"].endswith("/b1s/v2/Invoices(1)")
    second = raw.post("Invoices", invoice_body()).json()
    assert (second["DocEntry"], second["DocNum"]) == (2, 2)


def test_return_no_content(raw: RawSession) -> None:
    answer = raw.post("Invoices", invoice_body(), headers={"Prefer": "return-no-content"})
    assert answer.status_code == 204 and answer.headers["Location"].endswith("Invoices(1)")


def test_patch_stamps_update_date_and_time(
    sandbox: ServiceLayerSandbox, raw: RawSession, clock: Clock
) -> None:
    clock.advance(61.7)
    assert raw.patch("BusinessPartners('C000002')", {"Phone1": "555"}).status_code == 204
    bp = sandbox.entity("BusinessPartners", "C000002")
    assert bp is not None
    assert (bp["Phone1"], bp["UpdateDate"], bp["UpdateTime"]) == ("555", "2026-03-14", "09:27:54")
    assert bp["CreateDate"] == "2024-01-02"


def test_patch_with_stale_etag_is_412(raw: RawSession) -> None:
    tag = raw.get("Items('A00002')").headers["ETag"]
    assert (
        raw.patch("Items('A00002')", {"ItemName": "One"}, headers={"If-Match": tag}).status_code
        == 204
    )
    answer = raw.patch("Items('A00002')", {"ItemName": "Two"}, headers={"If-Match": tag})
    assert answer.status_code == 412 and answer.json()["error"]["code"] == "-2039"


def test_patch_missing_key_is_404(raw: RawSession) -> None:
    assert _error(raw.patch("BusinessPartners('NOPE')", {"Phone1": "1"})) == (
        404,
        "-2028",
        "No matching records found (ODBC -2028)",
    )


def test_documents_cannot_be_deleted(raw: RawSession) -> None:
    raw.post("Invoices", invoice_body())
    assert _error(raw.request("DELETE", "Invoices(1)")) == (
        400,
        "-5006",
        "The requested action is not supported for this object.",
    )


def test_unknown_codes_are_refused(raw: RawSession) -> None:
    assert _error(raw.post("Invoices", invoice_body(card="NOPE")))[:2] == (400, "-10")
    status, code, message = _error(raw.post("Invoices", invoice_body(item="NOPE")))
    assert (status, code) == (400, "-10") and "[INV1.ItemCode][line: 1]" in message
    body = invoice_body()
    body["DocumentLines"][0]["AccountCode"] = "999"
    assert "Invalid account code '999'" in _error(raw.post("Invoices", body))[2]


def test_duplicate_codes(raw: RawSession) -> None:
    assert _error(raw.post("BusinessPartners", {"CardCode": "C000001", "CardName": "x"})) == (
        400,
        "-10",
        "1320000140 - Business partner code 'C000001' already assigned to a "
        "business partner; enter a unique business partner code",
    )
    assert _error(raw.post("Items", {"ItemCode": "A00001", "ItemName": "x"})) == (
        400,
        "-10",
        "Item code 'A00001' already exists",
    )
    assert _error(raw.post("Warehouses", {"WarehouseCode": "NY", "WarehouseName": "x"})) == (
        400,
        "-2035",
        "This entry already exists in the following tables (ODBC -2035)",
    )


def test_new_item_gets_prices_and_warehouses(raw: RawSession) -> None:
    answer = raw.post(
        "Items",
        {"ItemCode": "NEW1", "ItemName": "New", "ItemPrices": [{"PriceList": 1, "Price": 9.5}]},
    )
    assert answer.status_code == 201
    item = answer.json()
    assert [(p["PriceList"], p["Price"]) for p in item["ItemPrices"]] == [(1, 9.5), (2, 0.0)]
    assert len(item["ItemWarehouseInfoCollection"]) == 5 and item["QuantityOnStock"] == 0.0


def test_unbalanced_journal_entry(raw: RawSession) -> None:
    lines = [
        {"AccountCode": "_SYS00000000101", "Debit": 10.0},
        {"AccountCode": "_SYS00000000400", "Credit": 9.0},
    ]
    assert _error(raw.post("JournalEntries", {"JournalEntryLines": lines})) == (
        400,
        "-10",
        "Unbalanced transaction",
    )
    lines[1]["Credit"] = 10.0
    answer = raw.post("JournalEntries", {"JournalEntryLines": lines, "Memo": "till"})
    assert answer.status_code == 201 and answer.json()["JdtNum"] == 1


def test_invoice_takes_stock_and_credit_memo_returns_it(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    before = sandbox.stock("A00001", "NY")
    on_stock = sandbox.entity("Items", "A00001")["QuantityOnStock"]  # type: ignore[index]
    invoice = raw.post("Invoices", invoice_body(quantity=3)).json()
    assert sandbox.stock("A00001", "NY") == before - 3
    assert sandbox.entity("Items", "A00001")["QuantityOnStock"] == on_stock - 3  # type: ignore[index]
    credit = raw.post(
        "CreditNotes",
        {
            "CardCode": "C000001",
            "DocumentLines": [
                {
                    "ItemCode": "A00001",
                    "Quantity": 1,
                    "WarehouseCode": "NY",
                    "BaseType": 13,
                    "BaseEntry": invoice["DocEntry"],
                    "BaseLine": 0,
                }
            ],
        },
    )
    assert credit.status_code == 201, credit.text
    assert sandbox.stock("A00001", "NY") == before - 2
    base = sandbox.entity("Invoices", invoice["DocEntry"])
    assert base is not None and base["PaidToDate"] == credit.json()["DocTotal"]


def test_negative_stock_refused_unless_allowed(
    make_sandbox: Callable[..., ServiceLayerSandbox],
) -> None:
    strict = make_sandbox()
    quantity = strict.stock("A00001", "NY") + 1
    status, code, message = _error(
        RawSession(strict).post("Invoices", invoice_body(quantity=quantity))
    )
    assert (status, code, message) == (
        400,
        "-10",
        "Quantity falls into negative inventory [INV1.ItemCode][line: 1]",
    )
    assert strict.count("Invoices") == 0
    lenient = make_sandbox(negative_stock_allowed=True)
    assert RawSession(lenient).post("Invoices", invoice_body(quantity=quantity)).status_code == 201
    assert lenient.stock("A00001", "NY") == -1


def test_cancel_invoice_restores_stock(sandbox: ServiceLayerSandbox, raw: RawSession) -> None:
    before = sandbox.stock("A00001", "NY")
    raw.post("Invoices", invoice_body(quantity=2))
    assert raw.post("Invoices(1)/Cancel").status_code == 204
    assert sandbox.stock("A00001", "NY") == before
    original = sandbox.entity("Invoices", 1)
    assert original is not None and original["Cancelled"] == "tYES"
    assert original["DocumentStatus"] == "bost_Close"
    cancellation = sandbox.entity("Invoices", 2)
    assert cancellation is not None and cancellation["CancelStatus"] == "csCancellation"
    assert _error(raw.post("Invoices(1)/Cancel"))[:2] == (400, "-10")


def test_payment_settles_invoice_and_cancel_reopens(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    invoice = raw.post("Invoices", invoice_body()).json()
    total = invoice["DocTotal"]
    payment = raw.post(
        "IncomingPayments",
        {
            "CardCode": "C000001",
            "CashAccount": "_SYS00000000101",
            "CashSum": total,
            "PaymentInvoices": [
                {"DocEntry": invoice["DocEntry"], "SumApplied": total, "InvoiceType": "it_Invoice"}
            ],
        },
    )
    assert payment.status_code == 201, payment.text
    assert payment.json()["DocTotal"] == total
    assert sandbox.entity("Invoices", 1)["DocumentStatus"] == "bost_Close"  # type: ignore[index]
    assert _error(raw.post("Invoices(1)/Cancel"))[:2] == (400, "-10")
    assert raw.post("IncomingPayments(1)/Cancel").status_code == 204
    reopened = sandbox.entity("Invoices", 1)
    assert reopened is not None and reopened["DocumentStatus"] == "bost_Open"
    assert reopened["PaidToDate"] == 0.0


def test_payment_with_unknown_card_or_account(raw: RawSession) -> None:
    assert _error(
        raw.post("IncomingPayments", {"CardCode": "C000001", "CashAccount": "999", "CashSum": 5})
    )[:2] == (400, "-10")
    assert _error(
        raw.post(
            "VendorPayments",
            {"CardCode": "C000001", "PaymentCreditCards": [{"CreditCard": 99, "CreditSum": 5}]},
        )
    )[:2] == (400, "-10")


def test_unregistered_user_field_is_refused(raw: RawSession) -> None:
    assert _error(raw.post("Invoices", invoice_body(U_NOPE="x"))) == (
        400,
        "-1000",
        "Property 'U_NOPE' of 'Document' is invalid",
    )
    field = raw.post("UserFieldsMD", {"TableName": "OINV", "Name": "NOPE"})
    assert field.status_code == 201
    assert raw.post("Invoices", invoice_body(U_NOPE="x")).status_code == 201


def test_refund_credit_memo_and_outgoing_payment(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    invoice = raw.post("Invoices", invoice_body(quantity=2)).json()
    raw.post(
        "IncomingPayments",
        {
            "CardCode": "C000001",
            "CashAccount": "_SYS00000000101",
            "CashSum": invoice["DocTotal"],
            "PaymentInvoices": [{"DocEntry": 1, "SumApplied": invoice["DocTotal"]}],
        },
    )
    credit = raw.post(
        "CreditNotes",
        {
            "CardCode": "C000001",
            "NumAtCard": "RF-1",
            "DocumentLines": [
                {
                    "ItemCode": "A00001",
                    "Quantity": 1,
                    "WarehouseCode": "NY",
                    "BaseType": 13,
                    "BaseEntry": 1,
                    "BaseLine": 0,
                }
            ],
        },
    ).json()
    refund = raw.post(
        "VendorPayments",
        {
            "CardCode": "C000001",
            "DocType": "rCustomer",
            "CashAccount": "_SYS00000000101",
            "CashSum": credit["DocTotal"],
            "PaymentInvoices": [
                {
                    "DocEntry": credit["DocEntry"],
                    "SumApplied": credit["DocTotal"],
                    "InvoiceType": "it_CredItnote",
                }
            ],
        },
    )
    assert refund.status_code == 201, refund.text
    settled = sandbox.entity("CreditNotes", credit["DocEntry"])
    assert settled is not None and settled["DocumentStatus"] == "bost_Close"
    over = raw.post(
        "VendorPayments",
        {
            "CardCode": "C000001",
            "CashAccount": "_SYS00000000101",
            "CashSum": 1,
            "PaymentInvoices": [
                {"DocEntry": credit["DocEntry"], "SumApplied": 1, "InvoiceType": "it_CredItnote"}
            ],
        },
    )
    assert over.status_code == 400


def test_series_assigns_codes(raw: RawSession) -> None:
    first = raw.post("BusinessPartners", {"CardName": "From POS", "Series": 70})
    second = raw.post("BusinessPartners", {"CardName": "From POS too", "Series": 70})
    assert (first.json()["CardCode"], second.json()["CardCode"]) == ("S70-000001", "S70-000002")
    missing = raw.post("BusinessPartners", {"CardName": "No code"})
    assert missing.status_code == 400 and "[OCRD.CardCode]" in missing.json()["error"]["message"]


def test_sales_tax_and_given_line_totals(raw: RawSession) -> None:
    codes = {t["Code"]: t["Rate"] for t in raw.get("SalesTaxCodes").json()["value"]}
    assert codes == {"EX": 0.0, "TX": 8.0}
    body = invoice_body(quantity=3)
    body["DocumentLines"][0].update(TaxCode="TX", UnitPrice=3.33, LineTotal=10.0)
    doc = raw.post("Invoices", body).json()
    line = doc["DocumentLines"][0]
    assert (line["LineTotal"], line["TaxTotal"]) == (10.0, 0.8)
    assert (doc["VatSum"], doc["DocTotal"]) == (0.8, 10.8)
    body["DocumentLines"][0]["TaxCode"] = "NOPE"
    status, code, message = _error(raw.post("Invoices", body))
    assert (status, code) == (400, "-10") and "[INV1.TaxCode][line: 1]" in message


def test_user_field_registered_at_run_time_shows_as_null(raw: RawSession) -> None:
    assert raw.post("UserFieldsMD", {"TableName": "OCRD", "Name": "TG_SYNC"}).status_code == 201
    bp = raw.get("BusinessPartners('C000001')").json()
    assert bp["U_TG_SYNC"] is None and bp["U_TG_ID"] is None
    assert raw.patch("BusinessPartners('C000001')", {"U_TG_SYNC": "Y"}).status_code == 204
    page = raw.get("BusinessPartners", params={"$filter": "U_TG_SYNC eq 'Y'"}).json()
    assert [r["CardCode"] for r in page["value"]] == ["C000001"]
