"""The fictional sample's specifications, read from ``sample_data/spec/``.

Each initiative's YAML file (turned into reports by ``evaluation.sample``) gives its profile,
activities and their base levels, indicators, own indicators, ties to formal organisations,
and its own words for every quarter: the stories it tells, its answers to the open
reflection questions, the words beside its self-views and the notes beside its numbers. The
generator draws which numbers carry a note, which questions are answered and how many
stories a quarter has; these files say what is written there, so that no two texts of the
sample are the same (a funder trying the demo reads eighty reports, not a handful of
sentences repeated).

Not package data: the sample belongs to the repository (demo, tests, benchmarks), found
through ``evaluation.store.settings.sample_folder``; no production path reads it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from evaluation.catalogue import load_yaml
from evaluation.errors import UserError

SPEC_FOLDER = "spec"


@dataclass(frozen=True)
class OwnIndicator:
    code: str
    label: str
    definition: str
    dimension: str
    unit: str  # count | hours | share | rubric
    phase: str
    base: float  # level of the value (for a share: the share; for a rubric: the start step)


@dataclass(frozen=True)
class Activity:
    name: str
    phase: str
    # column code -> base level per quarter (before growth, season and dip)
    base: dict[str, float]
    first: int = 0  # the quarter index it starts in


@dataclass(frozen=True)
class Story:
    title: str
    text: str
    voice: str
    phase: str
    theme: str
    theme_2: str | None
    why: str


@dataclass(frozen=True)
class Spec:
    initiative_id: str
    name: str
    city: str
    founded_year: int
    organisation_form: str
    phases: tuple[str, str, str]  # arrival, landing, future: primary / secondary / none
    lang: str  # language of the workbook and of most of its texts
    group: str  # which local cluster of the network it belongs to
    mission: str
    intentions: tuple[str, ...]  # one per half year, in order
    own: tuple[OwnIndicator, ...]
    activities: tuple[Activity, ...]
    indicators: dict[str, float]  # catalogue indicator -> base level
    stories: dict[str, tuple[Story, ...]]  # period -> the stories told in it, in order
    reflections: dict[str, dict[str, str]]  # open question -> period -> the answer
    self_view_comments: dict[str, dict[str, str]]  # period -> rubric question -> words
    notes: dict[str, dict[str, str]]  # period -> indicator (own ones too) -> note
    growth: float  # growth per quarter
    dip: tuple[int, float]  # (quarter index, factor): a dip in one quarter
    dip_note: str  # what the initiative says about the dip, next to the number
    season: bool
    lasting_share: float  # share of new contacts still going six months later
    formal: tuple[tuple, ...]  # ties to formal organisations (see ``_network_rows``)

    def noted(self, code: str) -> bool:
        """Whether the initiative writes notes beside this indicator at all."""
        return any(code in by_code for by_code in self.notes.values())

    def words(self, kind: str, period: str, key: str) -> str:
        """The initiative's words of ``kind`` for ``key`` in ``period``; a clear error when the
        spec lacks them (the generator asked for a text the data file does not have)."""
        table = {
            "note": self.notes.get(period, {}),
            "answer": {q: a[period] for q, a in self.reflections.items() if period in a},
            "self_view": self.self_view_comments.get(period, {}),
        }[kind]
        if key not in table:
            raise KeyError(f"{self.initiative_id}.yaml has no {kind} for {key} in {period}")
        return table[key]


@dataclass(frozen=True)
class Sample:
    """Everything in ``sample_data/spec/``, loaded."""

    seed: int
    quarters: tuple[tuple[int, int], ...]
    season: dict[int, float]  # the relative activity level per calendar quarter
    specs: tuple[Spec, ...]
    referrals: tuple[tuple, ...]  # (from, to, base, first, last, phase, sent, received)
    ties: tuple[tuple, ...]  # (a, b, relation, base, first, last, phase, a's text, b's text)
    # lang -> catalogue indicator that may carry a note -> the size of the draw for its note
    note_draws: dict[str, dict[str, int]]
    self_view_draws: dict[str, int]  # lang -> the size of the draw for a self-view's words


def _story(d: dict) -> Story:
    return Story(d["title"], d["text"], d["voice"], d["phase"], d["theme"], d["theme_2"], d["why"])


def _spec(d: dict) -> Spec:
    phases = d["phases"]
    return Spec(
        initiative_id=d["initiative_id"],
        name=d["name"],
        city=d["city"],
        founded_year=d["founded_year"],
        organisation_form=d["organisation_form"],
        phases=(phases["arrival"], phases["landing"], phases["future"]),
        lang=d["lang"],
        group=d["group"],
        mission=d["mission"],
        intentions=tuple(d["intentions"]),
        own=tuple(OwnIndicator(**o) for o in d["own_indicators"]),
        activities=tuple(Activity(**a) for a in d["activities"]),
        indicators=dict(d["indicators"]),
        stories={p: tuple(_story(s) for s in told) for p, told in d["stories"].items()},
        reflections={q: dict(by_period) for q, by_period in d["reflections"].items()},
        self_view_comments={p: dict(c) for p, c in (d.get("self_view_comments") or {}).items()},
        notes={p: dict(n) for p, n in (d.get("notes") or {}).items()},
        growth=d["growth"],
        dip=(d["dip"]["quarter"], d["dip"]["factor"]),
        dip_note=d["dip"]["note"],
        season=d["season"],
        lasting_share=d["lasting_share"],
        formal=tuple(
            (
                f["partner"],
                f["partner_type"],
                f["relation"],
                f["base"],
                f["first"],
                f["last"],
                f["phase"],
                f["description"],
            )
            for f in d["formal"]
        ),
    )


def spec_folder() -> Path:
    """``sample_data/spec/`` of the sample folder; a ``UserError`` where there is none."""
    from evaluation.store.settings import SAMPLE_ENV_VAR, sample_folder

    folder = sample_folder()
    if folder is None or not (folder / SPEC_FOLDER).is_dir():
        raise UserError("sample.no_spec", variable=SAMPLE_ENV_VAR)
    return folder / SPEC_FOLDER


@functools.cache
def load_sample() -> Sample:
    """The sample's specifications, read once per process."""
    folder = spec_folder()
    meta = load_yaml(folder / "sample.yaml")
    network = load_yaml(folder / "network.yaml")
    draws = load_yaml(folder / "notes.yaml")
    quarters = tuple((int(y), int(q)) for y, q in (p.split("-Q") for p in meta["quarters"]))
    return Sample(
        seed=meta["seed"],
        quarters=quarters,
        season={int(q): float(v) for q, v in meta["season"].items()},
        specs=tuple(_spec(load_yaml(folder / f"{iid}.yaml")) for iid in meta["initiatives"]),
        referrals=tuple(
            (
                r["from"],
                r["to"],
                r["base"],
                r["first"],
                r["last"],
                r["phase"],
                r["sent_description"],
                r["received_description"],
            )
            for r in network["referrals"]
        ),
        ties=tuple(
            (
                r["a"],
                r["b"],
                r["relation"],
                r["base"],
                r["first"],
                r["last"],
                r["phase"],
                r["a_description"],
                r["b_description"],
            )
            for r in network["ties"]
        ),
        note_draws={lang: dict(by_code) for lang, by_code in draws["note_draws"].items()},
        self_view_draws=dict(draws["self_view_draws"]),
    )
