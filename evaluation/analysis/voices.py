"""Many voices (*meerstemmigheid*): who tells the story, which themes it carries, and the
initiative's own reflections in its own words.

Only stories the viewer may read (consent recorded, shared with them) are counted or shown.
The balance of voices lists all six voices, zeros included, because an absent voice is part of
the story too.
"""

from __future__ import annotations

import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import (
    choice_codes,
    neutral_sort,
    sorted_periods,
    viewer_or_public,
    visible_stories,
)
from evaluation.catalogue import load_catalogue
from evaluation.model import Dataset

VOICE_COLUMNS = ["voice", "n_stories", "share"]
THEME_COLUMNS = ["period", "theme", "n_stories"]
REFLECTION_COLUMNS = ["initiative_id", "period", "question", "kind", "answer", "self_view"]


def voice_balance(
    ds: Dataset, initiative_id: str | None = None, viewer: Principal | None = None
) -> pd.DataFrame:
    """Stories per voice (all six, in the choice list's order) and each voice's share.

    Only stories ``viewer`` may read are counted: the viewer could count them one by one, so
    no count here is withheld (``n_stories_suppressed`` stays False, for the figures).
    """
    viewer = viewer_or_public(viewer)
    st = visible_stories(ds, viewer)
    if initiative_id is not None:
        st = st[st["initiative_id"] == initiative_id]
    counts = st["voice"].value_counts()
    total = int(counts.sum())
    rows = [
        {"voice": v, "n_stories": int(counts.get(v, 0)), "initiative_id": initiative_id}
        for v in choice_codes("voices")
    ]
    frame = pd.DataFrame(rows)
    shares = [n / total if total else None for n in frame["n_stories"]]
    frame["n_stories_suppressed"] = False
    frame["share"] = pd.Series(shares, index=frame.index, dtype=object)
    return frame[[*VOICE_COLUMNS, "n_stories_suppressed"]]


def themes_over_time(ds: Dataset, viewer: Principal | None = None) -> pd.DataFrame:
    """Stories per theme and period across the portfolio (a story may carry two themes).

    Every theme appears for every period with stories, zeros included. Order: period, theme
    in the choice list's order.
    """
    st = visible_stories(ds, viewer)
    themes = choice_codes("themes")
    periods = [p for p in sorted_periods(ds) if p in set(st["period"])]
    counts: dict[tuple[str, str], int] = {}
    for period, joined in zip(st["period"], st["themes"], strict=True):
        for theme in set(str(joined).split(";")) if isinstance(joined, str) else ():
            counts[(period, theme)] = counts.get((period, theme), 0) + 1
    rows = [
        {"period": p, "theme": t, "n_stories": counts.get((p, t), 0)}
        for p in periods
        for t in themes
    ]
    return pd.DataFrame(rows, columns=THEME_COLUMNS)


def reflection_timeline(ds: Dataset, initiative_id: str) -> pd.DataFrame:
    """The initiative's reflections in its own words, by period and question.

    The initiative's own voice, shown in its profile and never compared across initiatives.
    Order: period, then question in the order of the reflection questions.
    """
    choices = load_catalogue().choices("reflection_questions").choices
    questions = {c.code: c.extra.get("kind") for c in choices}
    refl = ds.reflections[ds.reflections["initiative_id"] == initiative_id]
    frame = pd.DataFrame(
        {
            "initiative_id": refl["initiative_id"],
            "period": refl["period"],
            "question": refl["question"],
            "kind": refl["question"].map(lambda q: questions.get(q)),
            "answer": refl["answer"],
            "self_view": refl["self_view"],
        },
        columns=REFLECTION_COLUMNS,
    )
    frame = frame[frame["answer"].notna() | frame["self_view"].notna()]
    return neutral_sort(
        frame,
        period=["period"],
        choice={"question": tuple(questions)},
        periods=sorted_periods(ds),
        order=["period", "question"],
    )
