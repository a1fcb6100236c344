"""Reading uploaded workbooks: file safety, reading, normalising and validation.

``read_workbook(source, file_name)`` is the one entry point; it returns an ``IngestResult``
(the ``Report`` when the file could be read, every located ``Problem``, the template language)
and never raises. ``read_workbooks`` reads several at once (one reader per processor).
"""

from evaluation.ingest.reading import IngestResult, read_workbook, read_workbooks

__all__ = ["IngestResult", "read_workbook", "read_workbooks"]
