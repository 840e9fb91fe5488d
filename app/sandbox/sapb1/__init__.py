"""The SAP Business One Service Layer sandbox (``ServiceLayerSandbox``).

    sandbox = ServiceLayerSandbox(database=None | "sl.sqlite3", customers=200, items=300,
                                  faults=FaultPlan(...), session_timeout=1800,
                                  negative_stock_allowed=False)
    sandbox.start(host="127.0.0.1", port=0, tls=False)   # tls=True: self-signed HTTPS
    sandbox.url                  # https://127.0.0.1:PORT
    sandbox.service_url("v1")    # .../b1s/v1/   (v2 by default)
    sandbox.certificate_path     # CA bundle for clients when tls=True
    sandbox.configure_faults(FaultPlan(expire_session_every=3, error_rate=0.1))
    sandbox.configure_faults(FaultPlan(lost_ack_rate=0.2))   # writes applied, answers lost
    sandbox.lose_next_acks(2, method="POST", path=r"/Invoices$")   # aimed; see lost_acks
    sandbox.credentials          # CompanyDB / UserName / Password it accepts (demo's)
    sandbox.entity("Invoices", 1), sandbox.entities("Invoices", "U_TG_ID eq 'x'"),
    sandbox.count("BusinessPartners"), sandbox.stock("A00001", "NY")   # for tests
    sandbox.clock = lambda: datetime(...)   # what UpdateDate/UpdateTime stamps use
    sandbox.requests             # the last requests served (method, path, headers...)
    sandbox.stop()

Modules: ``server`` (HTTP routes), ``rules`` (SAP's business rules), ``odata``
(query options), ``formats`` (v1/v2 wire formats), ``store`` (SQLite), ``seed``
(demo company; ``seed_tracking``: its serials and batches per warehouse),
``batch`` (multipart), ``sessions``, ``tls``, ``entities``.
"""

from app.sandbox.sapb1.server import ServiceLayerSandbox

__all__ = ["ServiceLayerSandbox"]
