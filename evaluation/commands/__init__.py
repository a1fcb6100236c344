"""One module per command group of the ``evaluation`` command; see ``evaluation/cli.py``."""
