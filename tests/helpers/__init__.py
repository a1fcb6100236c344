"""Helpers the test modules share: builders of reports, datasets and databases.

Test modules import them as ``from helpers.<module> import ...`` (pytest puts ``tests/`` on
the import path, as it does for ``conftest``). Fixtures shared by several modules live in
``tests/conftest.py``; a ``test_*.py`` file holds only tests.
"""
