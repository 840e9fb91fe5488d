"""Loopback stand-ins for SAP Business One's Service Layer and for Tagrain.

Nothing outside the project can be reached from a developer's machine, so the
demo mode, the tests and the benchmarks all talk real HTTP to these servers.
"""
