"""The versioned store of submissions: nothing is lost, corrections supersede.

``Store.open()`` gives the store (see ``store.py`` for its rules, ``settings.py`` for where
it lives, ``tables.py`` for the schema and ``migrate.py`` for schema upgrades).
"""

from evaluation.store.migrate import SchemaMismatch
from evaluation.store.store import ImportOutcome, Store

__all__ = ["ImportOutcome", "SchemaMismatch", "Store"]
