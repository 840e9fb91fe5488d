"""The Tagrain sandbox: a loopback server speaking our Tagrain API contract.

``server.TagrainSandbox`` is the entry point; the other modules each do one job:
``clock`` (timestamps), ``amounts`` (money and tax rules), ``db`` (SQLite
storage and paging), ``activity`` (ringing up demo sales, refunds and expenses),
``scanning`` (the serials and batches a store's till can scan), ``seed`` (the
demo data), ``writes`` (validation of POST/PATCH payloads),
``api`` (routing requests to answers) and ``live`` (live mode).
"""
