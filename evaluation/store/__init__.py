"""The versioned store of submissions: nothing is lost, corrections supersede.

``Store.open()`` gives the store, a facade (``store.py``) over modules with one job each:
``engine.py`` (opening, the unit of work ``Store.read`` / ``Store.write``), ``schema.py``
(every table), ``submissions.py`` (storing a read report: accepted, rejected, superseding,
with ``supersede.py`` and ``carry.py``), ``queries.py`` (the current state as a ``Dataset``,
periods, the submissions listing), ``registry.py`` (initiatives and their names),
``audit.py`` (the audit trail), ``settings.py`` (where it lives) and ``migrate.py`` (schema
upgrades). Reading a workbook is not the store's job: ``evaluation.submit`` reads, then stores.
"""

from evaluation.store.engine import StorageFull
from evaluation.store.migrate import SchemaMismatch
from evaluation.store.store import ImportOutcome, Store

__all__ = ["ImportOutcome", "SchemaMismatch", "StorageFull", "Store"]
