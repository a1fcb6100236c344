"""Names vulture reports as unused that are used: read by it with ``evaluation/`` and
``dashboards/`` (``[tool.vulture]`` in pyproject.toml; ``tests/test_house.py`` runs it).

A bare name here counts as a use of that name anywhere. Add a name only with the reason it is
used; code that nothing uses is removed instead.
"""

# --- called or read by a framework, not by our code -----------------------------------------

# Alembic reads each revision module's identifiers and calls downgrade()
down_revision
branch_labels
depends_on
downgrade

# SQLAlchemy: event listeners (registered by decorator), the DBAPI connection's attribute,
# a TypeDecorator's hooks, and declarative columns that are only written through the table
_on_connect
_on_begin
isolation_level
impl
cache_ok
process_bind_param
process_result_value
created_at
created_by
disabled_at
issued_by
revoked_by
added_at
added_by
uploaded_by
uploaded_role
uploaded_at
n_errors
n_warnings
primary_phase
secondary_phases
written_with
story_no
why_it_matters
consent_recorded
partner_initiative_id
partner_type
self_view

# openpyxl: cell, sheet and workbook properties are set by assignment and read by the writer
alignment
fill
font
number_format
numFmt
data_type
quotePrefix
freeze_panes
sheet_state
display_blanks
delete
creator
lastModifiedBy
language
created
modified
# openpyxl's print setup (evaluation/report/printing.py), a series' line, a chart's texts
smooth
paperSize
orientation
fitToPage
fitToWidth
fitToHeight
page_margins
print_area
print_title_rows
txPr
# zipfile.ZipInfo: set by assignment, read when the entry is written
compress_type

# FastAPI: route handlers and exception handlers, registered by decorator and called per
# request (evaluation/api/app.py)
refused
health
list_tables
table_csv
table_json

# --- public functions the tests and benchmarks call (the behaviour they pin down) -------------

validate_dataset  # evaluation/schemas.py: tests/helpers/datasets.py, test_sample_data.py
head_revision  # evaluation/store/migrate.py: test_store.py
submission_problems  # evaluation/store/store.py, queries.py: test_store.py
lookup  # evaluation/catalogue.py (Choices.lookup): test_template.py
lookup_indicator  # evaluation/catalogue.py: test_catalogue.py, test_template.py
COVERAGE_CATEGORIES  # evaluation/analysis/phases.py: test_analysis_phases.py
locked_until  # evaluation/accounts/signin.py: test_accounts.py
available_periods  # dashboards/views.py: test_dashboard_views.py, benchmarks/dashboard.py
relational  # evaluation/analysis/portfolio.py, PortfolioContext: test_analysis_portfolio.py
process  # evaluation/analysis/portfolio.py, PortfolioContext: test_analysis_portfolio.py
report_rows  # evaluation/story.py: for evaluation/report (the phase texts), test_story.py
to_tidy  # evaluation/model.py (Report.to_tidy): a dataset without a store, test_disclosure.py +6

# --- unused, in files other work is changing now: remove there, then delete these lines -------

read_workbook_isolated  # evaluation/ingest/reading.py: benchmarks/hostile.py, the isolated read
