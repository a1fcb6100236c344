"""Disclosure period by period, remembered by content: exactly what one pass over the whole
dataset gives, and an upload that changes one quarter works out that quarter again only."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation import disclosure_parts
from evaluation.access import Principal
from evaluation.disclosure import disclose
from evaluation.model import Dataset

FIELDS = ("values", "totals", "flows", "phase_flows", "withheld")


@pytest.fixture(scope="module")
def sample() -> Dataset:
    from evaluation.sample import known_initiatives, sample_reports

    known = known_initiatives()
    return Dataset.concat([r.to_tidy(n + 1, known) for n, r in enumerate(sample_reports())])


def _same(a, b) -> None:
    for name in FIELDS:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    for name, frame in a.dataset.frames().items():
        pd.testing.assert_frame_equal(frame, b.dataset.frames()[name])


def _one_count_changed(ds: Dataset) -> tuple[Dataset, str]:
    obs = ds.observations.reset_index(drop=True)
    last = sorted(set(obs["period"].astype(str)))[-1]
    big = pd.to_numeric(obs["value"], errors="coerce") >= 20  # published, not a small count
    at = obs.index[(obs["period"].astype(str) == last) & (obs["unit"] == "count") & big][0]
    obs.loc[at, "value"] = float(obs.loc[at, "value"]) + 1
    return Dataset(**{**ds.frames(), "observations": obs}), last


@pytest.mark.parametrize("part_rows", [1, 400, 1_000_000])
def test_periods_worked_out_apart_give_what_one_pass_gives(sample, monkeypatch, part_rows):
    """One part per period, runs of periods, or the whole at once: the same tables."""
    who = Principal("funder")
    disclosure_parts.MEMO.clear()
    monkeypatch.setattr(disclosure_parts, "PART_ROWS", 1_000_000_000)
    whole = disclose(sample, who)
    assert len(disclosure_parts.MEMO) == 1
    disclosure_parts.MEMO.clear()
    monkeypatch.setattr(disclosure_parts, "PART_ROWS", part_rows)
    _same(whole, disclose(sample, who))
    if part_rows == 1:
        assert len(disclosure_parts.MEMO) == sample.observations["period"].nunique()


def test_a_changed_quarter_is_worked_out_again_and_only_it(sample, monkeypatch):
    monkeypatch.setattr(disclosure_parts, "PART_ROWS", 1)
    who = Principal("funder")
    disclosure_parts.MEMO.clear()
    disclose(sample, who)
    before = len(disclosure_parts.MEMO)
    changed, period = _one_count_changed(sample)
    warm = disclose(changed, who)
    assert len(disclosure_parts.MEMO) == before + 1  # one new part: the changed quarter's
    disclosure_parts.MEMO.clear()
    cold = disclose(changed, who)
    _same(warm, cold)
    old = disclose(sample, who).totals  # the change shows in that quarter's totals only
    new = cold.totals["total"]
    differ = (old["total"] != new) & ~(old["total"].isna() & new.isna())
    assert differ.any() and set(cold.totals.loc[differ, "period"].astype(str)) == {period}


def test_each_audience_has_parts_of_its_own(sample, monkeypatch):
    """An initiative sees its own small counts; a funder's remembered part never serves it."""
    monkeypatch.setattr(disclosure_parts, "PART_ROWS", 1)
    disclosure_parts.MEMO.clear()
    funder = disclose(sample, Principal("funder"))
    first = str(sorted(sample.initiatives["initiative_id"])[0])
    own = disclose(sample, Principal("initiative", first))
    disclosure_parts.MEMO.clear()
    _same(own, disclose(sample, Principal("initiative", first)))
    mine = own.values["initiative_id"] == first
    assert not own.values.loc[mine, "value_suppressed"].any()
    assert funder.values["value_suppressed"].any()


def test_the_memo_forgets_the_least_recently_used_beyond_its_budget(sample, monkeypatch):
    monkeypatch.setattr(disclosure_parts, "PART_ROWS", 1)
    memo = disclosure_parts.Memo(budget_rows=1)
    monkeypatch.setattr(disclosure_parts, "MEMO", memo)
    disclose(sample, Principal("funder"))
    assert len(memo) == 1  # always keeps the newest part, and only it over the budget
