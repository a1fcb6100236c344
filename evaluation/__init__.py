"""A process-oriented evaluation framework for refugee citizen initiatives.

The package is importable without Streamlit. Data flows one way:
workbook -> read -> normalise -> validate -> store (submission) -> analysis -> views / report.
"""

__version__ = "0.1.0"
