"""The sync core: one job per object, runs, leases, watermarks, the record log.

No Qt and no wire formats here: jobs talk to the two systems only through the
connectors' typed methods, and to the user only through progress callbacks
and what they write to the store.
"""
