"""Map: pure functions from a Tagrain record, its resolved dependencies and the rules to a draft.

The map step of the record pipeline (skip → dependencies → map → write →
bind). The jobs resolve what a record needs from either system (its customer's
CardCode, its items, tax rates, the store's time zone, the base invoice)
into a small frozen ``*Dependencies`` value; the functions here turn the
record, those values and the template's ``TemplateRules`` into the SAP draft,
and raise ``RecordError`` for bad data. They do no I/O, so they are unit
tested without servers.
"""
