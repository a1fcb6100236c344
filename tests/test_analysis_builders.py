"""The hand-made datasets of ``helpers.datasets`` are shaped like the store's: they pass the
tidy schemas, and quarter labels mean what the model says."""

from __future__ import annotations

import datetime as dt

from helpers.datasets import DatasetBuilder, quarter

from evaluation.periods import period_label


def test_quarter_bounds_match_the_model_labels():
    assert quarter("2025-Q4") == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert period_label(*quarter("2024-Q1")) == "2024-Q1"


def test_built_datasets_pass_the_tidy_schemas():
    b = DatasetBuilder().initiative("a", "Alpha", "arrival", ("landing",))
    b.obs("a", "2025-Q1", "newcomers_participating", 12, activity_type="meal", phase="arrival")
    b.obs("a", "2025-Q1", "new_contacts", 7, note="good quarter")
    b.story("a", "2025-Q1", "First dinner")
    b.tie("a", "2025-Q1", "Gemeente", "municipality", "referral_in", 6)
    b.reflection("a", "2025-Q1", "roles_shifted", "A guest cooked for us.")
    ds = b.dataset()
    assert len(ds.observations) == 2 and ds.observations["submission_id"].nunique() == 1
