"""``$batch``: atomic changesets, Content-ID references, stop at first failure, parsing."""

from __future__ import annotations

import time

from app.connectors.sapb1 import BatchRequest, ChangeSet, ServiceLayerClient
from app.connectors.sapb1.batch import build_batch, parse_batch_response
from app.sandbox.faults import FaultPlan
from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import SEEDED_ITEMS, RawSession, invoice_body


def test_changeset_with_reference(sandbox: ServiceLayerSandbox, client: ServiceLayerClient) -> None:
    answers = client.batch(
        [
            BatchRequest("GET", "Items('A00001')"),
            ChangeSet(
                [
                    BatchRequest(
                        "POST", "BusinessPartners", {"CardCode": "B1", "CardName": "Batch"}
                    ),
                    BatchRequest("PATCH", "$1", {"Phone1": "777"}),
                    BatchRequest("POST", "Invoices", invoice_body(card="B1")),
                ]
            ),
        ]
    )
    assert [a.status for a in answers] == [200, 201, 204, 201]
    assert answers[0].json()["ItemCode"] == "A00001"
    assert [a.content_id for a in answers[1:]] == ["1", "2", "3"]
    assert answers[3].json()["CardCode"] == "B1"
    bp = sandbox.entity("BusinessPartners", "B1")
    assert bp is not None and bp["Phone1"] == "777"


def test_failed_changeset_is_rolled_back_and_stops_the_batch(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    before = sandbox.stock("A00001", "NY")
    answers = client.batch(
        [
            ChangeSet(
                [
                    BatchRequest("POST", "Invoices", invoice_body(quantity=1)),
                    BatchRequest("POST", "BusinessPartners", {"CardCode": "B2", "CardName": "x"}),
                    BatchRequest("POST", "Invoices", invoice_body(item="NOPE")),
                ]
            ),
            BatchRequest("GET", "Items('A00001')"),
        ]
    )
    assert len(answers) == 1 and answers[0].status == 400
    error = answers[0].error
    assert error is not None and error.code == -10 and "NOPE" in error.message
    assert sandbox.count("Invoices") == 0
    assert sandbox.entity("BusinessPartners", "B2") is None
    assert sandbox.stock("A00001", "NY") == before


def test_batch_status_per_version(sandbox: ServiceLayerSandbox) -> None:
    for version, expected in (("v1", 202), ("v2", 200)):
        content_type, body = build_batch(f"/b1s/{version}/", [BatchRequest("GET", "Items/$count")])
        answer = RawSession(sandbox, version).request(
            "POST", "$batch", data=body, headers={"Content-Type": content_type}
        )
        assert answer.status_code == expected
        parts = parse_batch_response(answer.headers["Content-Type"], answer.content)
        assert parts[0].body == str(SEEDED_ITEMS).encode()


def test_sandbox_reads_lf_only_batches(sandbox: ServiceLayerSandbox) -> None:
    body = (
        "--batch_1\nContent-Type: multipart/mixed;boundary=changeset_1\n\n"
        "--changeset_1\nContent-Type: application/http\nContent-Transfer-Encoding: binary\n"
        "Content-ID: 1\n\nPOST /b1s/v2/BusinessPartners HTTP/1.1\n"
        'Content-Type: application/json\n\n{"CardCode": "LF1", "CardName": "Lf"}\n'
        "--changeset_1--\n--batch_1--\n"
    )
    answer = RawSession(sandbox).request(
        "POST",
        "$batch",
        data=body.encode(),
        headers={"Content-Type": "multipart/mixed;boundary=batch_1"},
    )
    assert answer.status_code == 200
    assert sandbox.entity("BusinessPartners", "LF1") is not None


def test_malformed_batch(raw: RawSession) -> None:
    answer = raw.request(
        "POST", "$batch", data=b"junk", headers={"Content-Type": "multipart/mixed"}
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == {"code": "-1000", "message": "Incomplete Batch Request Body!"}


def test_client_parses_lf_only_answers() -> None:
    text = (
        "--batchresponse_x\nContent-Type: application/http\nContent-Transfer-Encoding: binary\n\n"
        'HTTP/1.1 200 OK\nContent-Type: application/json\n\n{"ItemCode": "A1"}\n'
        "--batchresponse_x\nContent-Type: multipart/mixed; boundary=changesetresponse_y\n\n"
        "--changesetresponse_y\nContent-Type: application/http\nContent-ID: 1\n\n"
        "HTTP/1.1 400 Bad Request\nContent-Type: application/json\n\n"
        '{"error": {"code": "-10", "message": "Item code \'A1\' already exists"}}\n'
        "--changesetresponse_y--\n--batchresponse_x--\n"
    )
    answers = parse_batch_response("multipart/mixed; boundary=batchresponse_x", text.encode())
    assert answers[0].json() == {"ItemCode": "A1"}
    assert answers[1].content_id == "1" and answers[1].error is not None
    assert answers[1].error.message == "Item code 'A1' already exists"


def test_latency_is_charged_per_operation_of_a_batch(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    """SL works through a batch's operations one by one: three cost three round trips.

    Only lower bounds are asserted (a sleep never ends early), so a busy machine
    cannot make this fail.
    """
    latency = 0.15
    sandbox.configure_faults(FaultPlan(latency=latency))
    started = time.perf_counter()
    client.get("Items", "A00001")
    single = time.perf_counter() - started
    started = time.perf_counter()
    answers = client.batch([BatchRequest("GET", "Items('A00001')") for _ in range(3)])
    batched = time.perf_counter() - started
    assert [a.status for a in answers] == [200, 200, 200]
    assert single >= latency
    assert batched >= 3 * latency
