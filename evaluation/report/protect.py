"""The numbers of the report, protected together for its audience.

Why one pass: the report shows the same numbers at three levels. The Data sheet has every
observation (one per activity type), each initiative's sheet has its value per indicator
and period (the sum over its activity types), and the Collective story sheet has the
portfolio total per indicator and period. Protecting each level on its own would let a
reader work a withheld number back: an initiative's "<5" from the portfolio total minus the
other initiatives' values, or an activity row from its initiative's value. So the
observations and the per-initiative values of one indicator and period are handed to
``evaluation.analysis.suppress`` together, with the groups a reader can add up:

- one initiative's rows (its observations and its value, marked as a total row), and
- each level across initiatives (all observations; all initiative values), whose sums are
  the portfolio total.

The rule itself (threshold, which counts are of people, complementary suppression) is the
analysis package's; this module only says which numbers belong together.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evaluation.access import Principal
from evaluation.analysis import suppress, trajectories
from evaluation.analysis._common import is_person_count
from evaluation.model import Dataset

VALUE_COLUMNS = ("value", "numerator", "denominator")


@dataclass(frozen=True)
class ProtectedNumbers:
    """``values``: per initiative, indicator and period (from ``trajectories``);
    ``observations``: the dataset's observations. Both carry ``value``, ``numerator`` and
    ``denominator`` as objects (None where withheld) and a ``<col>_suppressed`` flag each."""

    values: pd.DataFrame
    observations: pd.DataFrame
    threshold: int


def split_by_initiative(ds: Dataset) -> dict[str, Dataset]:
    """The dataset split per initiative (each analysis call then touches only its rows)."""
    parts: dict[str, dict[str, pd.DataFrame]] = {}
    frames = ds.frames()
    for name, frame in frames.items():
        for iid, sub in frame.groupby("initiative_id", sort=False):
            parts.setdefault(str(iid), {})[name] = sub
    out = {}
    for iid, got in parts.items():
        out[iid] = Dataset(**{n: got.get(n, f.iloc[0:0]) for n, f in frames.items()})
    return out


def _numbers_only(part: Dataset) -> Dataset:
    """The part without stories and reflections: the report takes those elsewhere, and
    ``trajectories`` is faster without them."""
    frames = part.frames()
    frames["stories"] = frames["stories"].iloc[0:0]
    frames["reflections"] = frames["reflections"].iloc[0:0]
    return Dataset(**frames)


def exact_values(ds: Dataset) -> pd.DataFrame:
    """Every initiative's trajectories, exact (as the initiative itself sees them)."""
    frames = []
    for iid, part in split_by_initiative(ds).items():
        if not len(part.observations):
            continue
        traj = trajectories(_numbers_only(part), iid, Principal("initiative", iid))
        frames.append(traj.drop(columns=[c for c in traj.columns if c.endswith("_suppressed")]))
    if not frames:
        return trajectories(Dataset.empty(), "-", Principal("admin"))
    return pd.concat(frames, ignore_index=True)


def _prepare(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    person = [
        is_person_count(str(i), str(u))
        for i, u in zip(frame["indicator"], frame["unit"], strict=True)
    ]
    share = (frame["unit"] == "share").to_numpy()
    values = pd.to_numeric(frame["value"], errors="coerce")
    return pd.DataFrame(
        {
            "initiative_id": frame["initiative_id"].astype(str).to_numpy(),
            "indicator": frame["indicator"].to_numpy(),
            "period": frame["period"].to_numpy(),
            "level": level,
            "_total": level == "initiative",
            "_pv": values.where(pd.Series(person, index=frame.index, dtype=bool)).to_numpy(),
            "_num": pd.to_numeric(frame["numerator"], errors="coerce").where(share).to_numpy(),
            "_den": pd.to_numeric(frame["denominator"], errors="coerce").where(share).to_numpy(),
            "_pos": range(len(frame)),
        }
    )


def _apply(frame: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """Withhold the flagged numbers of ``frame`` (flags aligned by position)."""
    out = frame.copy()
    num = flags["_num_suppressed"].to_numpy(dtype=bool)
    den = flags["_den_suppressed"].to_numpy(dtype=bool)
    hide = {
        "value": flags["_pv_suppressed"].to_numpy(dtype=bool) | num | den,
        "numerator": num,
        "denominator": den,
    }
    for col, hidden in hide.items():
        out[col] = out[col].astype(object).where(~hidden, None)
        out[f"{col}_suppressed"] = hidden
    return out


def protect(ds: Dataset, viewer: Principal, threshold: int | None = None) -> ProtectedNumbers:
    """The per-initiative values and the observations, small counts withheld from ``viewer``."""
    values = exact_values(ds).reset_index(drop=True)
    obs = ds.observations.reset_index(drop=True)
    both = pd.concat([_prepare(values, "initiative"), _prepare(obs, "detail")], ignore_index=True)
    pieces = []
    limit = None
    # groups never cross an indicator, so each indicator is protected on its own (smaller
    # problems keep the analysis' linear check within its limit)
    for _, chunk in both.groupby("indicator", sort=False):
        prot = suppress(
            chunk,
            viewer,
            ["_pv", "_num", "_den"],
            threshold=threshold,
            group_columns=[["period", "initiative_id"], ["period", "level"]],
            total_rows="_total",
        )
        limit = prot.attrs.get("small_number_threshold", limit)
        pieces.append(prot)
    if limit is None:
        from evaluation.analysis import small_number_threshold

        limit = small_number_threshold(threshold)
    flags_cols = ["level", "_pos", "_pv_suppressed", "_num_suppressed", "_den_suppressed"]
    flags = (
        pd.concat(pieces, ignore_index=True)[flags_cols]
        if pieces
        else pd.DataFrame(columns=flags_cols)
    )
    out = {}
    for level, frame in (("initiative", values), ("detail", obs)):
        f = flags[flags["level"] == level].sort_values("_pos")
        f = f.set_index("_pos").reindex(range(len(frame)), fill_value=False)
        out[level] = _apply(frame, f)
    return ProtectedNumbers(values=out["initiative"], observations=out["detail"], threshold=limit)
