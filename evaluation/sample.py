"""Fictional sample data: ten initiatives, eight quarters each, as filled-in reports.

Why it exists: the dashboard, the reports and the tests need a portfolio that looks like the
one the report describes (host-family stays to system-change learning communities, across the
three phases of a newcomer's path) without a real organisation's name or a real person in it.
Every name is invented. The numbers move the way small initiatives' numbers move (seasons,
growth, a dip), some stay under five so that small-number protection shows, and the network
has referrals that cross phases and one initiative that for a while is the only bridge between
two otherwise separate groups.

The sample is data, not code: each initiative's specification (profile, activities, base
levels, own indicators, stories, reflections, ties to formal organisations), the network
between them, the shared stories and the notes are YAML files in ``sample_data/spec/`` of the
repository, found through ``evaluation.store.settings.sample_folder`` (the setting
``EVALUATION_SAMPLE_DATA``, else the checkout). They are not package data: the sample belongs
to the repository (demo, tests, benchmarks), and no production path reads it. This module only
turns the specifications into reports.

Deterministic: every random choice comes from ``random.Random`` seeded with a string built
from the seed and the initiative (never from time or dict order), so two runs give equal
reports and the committed workbooks in ``sample_data/`` can be checked against a fresh run.

The texts are the initiatives' own words (Dutch; two initiatives write in English), so they
are sample content, not user-interface strings.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.catalogue import load_catalogue, load_yaml
from evaluation.errors import UserError
from evaluation.model import Report

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
    note: str = ""


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
    quarter: int | None = None  # told in this quarter index (it refers to an event then)


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
    stories: tuple[Story, ...]
    reflections: dict[str, tuple[str, ...]]  # open question -> answers in its own words
    growth: float  # growth per quarter
    dip: tuple[int, float]  # (quarter index, factor): a dip in one quarter
    dip_note: str  # what the initiative says about the dip, next to the number
    season: bool
    lasting_share: float  # share of new contacts still going six months later
    formal: tuple[tuple, ...]  # ties to formal organisations (see ``_network_rows``)


@dataclass(frozen=True)
class Sample:
    """Everything in ``sample_data/spec/``, loaded."""

    seed: int
    quarters: tuple[tuple[int, int], ...]
    season: dict[int, float]  # the relative activity level per calendar quarter
    specs: tuple[Spec, ...]
    referrals: tuple[tuple, ...]  # (from, to, base, first, last, phase, sent, received)
    ties: tuple[tuple, ...]  # (a, b, relation, base, first, last, phase, a's text, b's text)
    generic_stories: tuple[Story, ...]
    notes: dict[str, dict[str, tuple[str, ...]]]  # lang -> indicator -> notes
    rubric_answers: dict[str, tuple[str, ...]]  # lang -> answers beside a self-view


def _story(d: dict) -> Story:
    return Story(
        d["title"],
        d["text"],
        d["voice"],
        d["phase"],
        d["theme"],
        d["theme_2"],
        d["why"],
        d.get("quarter"),
    )


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
        stories=tuple(_story(s) for s in d["stories"]),
        reflections={q: tuple(a) for q, a in d["reflections"].items()},
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
    notes = load_yaml(folder / "notes.yaml")
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
        generic_stories=tuple(
            _story(s) for s in load_yaml(folder / "shared_stories.yaml")["stories"]
        ),
        notes={
            lang: {code: tuple(n) for code, n in by_code.items()}
            for lang, by_code in notes["indicator_notes"].items()
        },
        rubric_answers={lang: tuple(a) for lang, a in notes["rubric_answers"].items()},
    )


def __getattr__(name: str) -> Any:
    """``SPECS`` and ``QUARTERS`` as before, read from the data files on first use."""
    if name == "SPECS":
        return load_sample().specs
    if name == "QUARTERS":
        return load_sample().quarters
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------------------------
# generation
# --------------------------------------------------------------------------------------------


def _quarter_dates(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    nxt = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def _rng(*parts: object) -> random.Random:
    """A generator seeded by a string: stable across runs and independent per purpose."""
    return random.Random(":".join(str(p) for p in (load_sample().seed, *parts)))


def _levels(spec: Spec) -> dict[int, float]:
    """Activity level per quarter index (-2..7): growth, season, one dip, a little noise."""
    rng = _rng(spec.initiative_id, "levels")
    out = {}
    for t in range(-2, len(load_sample().quarters)):
        q = (t % 4) + 1
        level = spec.growth**t * (load_sample().season[q] if spec.season else 1.0)
        if t == spec.dip[0]:
            level *= spec.dip[1]
        out[t] = level * rng.uniform(0.9, 1.1)
    return out


def _count(base: float, level: float, rng: random.Random) -> int:
    return max(0, round(base * level * rng.uniform(0.85, 1.15)))


def _network_rows(spec: Spec, t: int, names: dict[str, str]) -> list[dict]:
    """The Network sheet of one initiative in quarter ``t``, consistent with the others'."""
    iid = spec.initiative_id
    rows: list[dict] = []
    for frm, to, base, first, last, phase, desc_out, desc_in in load_sample().referrals:
        if not first <= t <= last or iid not in (frm, to):
            continue
        rng = _rng("referral", frm, to, t)
        sent = max(1, round(base * rng.uniform(0.6, 1.5)))
        # the receiver counts roughly the same people: sometimes one did not arrive (yet)
        received = max(1, sent - (1 if rng.random() < 0.3 else 0))
        if iid == frm:
            rows.append(_net(names[to], "initiative", "referral_out", sent, phase, desc_out))
        else:
            rows.append(_net(names[frm], "initiative", "referral_in", received, phase, desc_in))
    for a, b, relation, base, first, last, phase, desc_a, desc_b in load_sample().ties:
        if not first <= t <= last or iid not in (a, b):
            continue
        rng = _rng("tie", a, b, t)
        n = max(1, round(base * rng.uniform(0.6, 1.6)))
        other, desc = (b, desc_a) if iid == a else (a, desc_b)
        rows.append(_net(names[other], "initiative", relation, n, phase, desc))
    for partner, ptype, relation, base, first, last, phase, desc in spec.formal:
        if not first <= t <= last:
            continue
        rng = _rng("formal", iid, partner, relation, t)
        if ptype == "employer" and rng.random() < 0.2:
            continue  # employers come and go
        n = max(1, round(base * rng.uniform(0.6, 1.6)))
        rows.append(_net(partner, ptype, relation, n, phase, desc))
    return rows


def _net(partner, ptype, relation, count, phase, description) -> dict:
    return {
        "partner": partner,
        "partner_type": ptype,
        "relation": relation,
        "count": int(count),
        "phase": phase,
        "description": description,
    }


def _frame(section: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame with exactly the section's columns, blanks as None."""
    cols = list(load_catalogue().section(section).column_codes)
    data = {c: pd.Series([r.get(c) for r in rows], dtype="object") for c in cols}
    return pd.DataFrame(data, columns=cols)


def _story_pool(spec: Spec) -> list[Story]:
    """The stories an initiative tells over time, in order: its own and the shared ones."""
    rng = _rng(spec.initiative_id, "stories")
    own = [s for s in spec.stories if s.quarter is None]
    # initiatives link to every phase; only those without any future work leave out the
    # shared stories about work and the formal system
    no_future = spec.phases[2] == "none"
    generic = [s for s in load_sample().generic_stories if not (no_future and s.phase == "future")]
    rng.shuffle(own)
    rng.shuffle(generic)
    pool: list[Story] = []
    while own or generic:  # interleave, so each quarter mixes own and shared stories
        if own:
            pool.append(own.pop())
        if generic:
            pool.append(generic.pop())
    return pool


def _stories(spec: Spec, pool: list[Story], cursor: int, t: int) -> tuple[list[dict], int]:
    rng = _rng(spec.initiative_id, "stories", t)
    start, end = _quarter_dates(*load_sample().quarters[t])
    pinned = [s for s in spec.stories if s.quarter == t]
    n = max(len(pinned), rng.choice((1, 2, 2, 3)))
    chosen = list(pinned)
    while len(chosen) < n:
        chosen.append(pool[cursor % len(pool)])
        cursor += 1
    days = sorted(rng.sample(range((end - start).days + 1), n))
    rows = []
    for d, s in zip(days, chosen, strict=True):
        rows.append(
            {
                "date": start + dt.timedelta(days=d),
                "title": s.title,
                "text": s.text,
                "voice": s.voice,
                "phase": s.phase,
                "theme": s.theme,
                "theme_2": s.theme_2,
                "why_it_matters": s.why,
                "consent_recorded": "yes",
                "visibility": rng.choice(("initiative", "funders", "funders", "public")),
            }
        )
    return rows, cursor


def _indicator_rows(
    spec: Spec,
    t: int,
    levels: dict[int, float],
    network: list[dict],
) -> list[dict]:
    cat = load_catalogue()
    rng = _rng(spec.initiative_id, "indicators", t)
    notes = load_sample().notes[spec.lang]
    primary = ("arrival", "landing", "future")[spec.phases.index("primary")]
    rows: list[dict] = []

    def row(code: str, value=None, numerator=None, denominator=None) -> None:
        phases = cat.indicator(code).phases
        phase = primary if primary in phases and primary != phases[0] else None
        note = None
        if code in notes and rng.random() < 0.35:
            note = rng.choice(notes[code])
        rows.append(
            {
                "indicator": code,
                "phase": phase,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "note": note,
            }
        )

    def contacts(tt: int) -> int:
        base = spec.indicators.get("new_contacts", 0)
        return _count(base, levels[tt], _rng(spec.initiative_id, "contacts", tt))

    for code, base in spec.indicators.items():
        if code == "friendships_reported":
            asked = max(4, _count(12, levels[t], rng))
            told = min(asked, round(asked * base * rng.uniform(0.8, 1.2)))
            row(code, None, told, asked)
        elif code == "new_contacts":
            row(code, contacts(t))
            # contacts made two quarters ago: a fraction of them lasts six months
            lasting = round(contacts(t - 2) * spec.lasting_share * rng.uniform(0.8, 1.15))
            row("relationships_lasting_6m", min(lasting, contacts(t - 2)))
        elif code in ("open_encounter_hours",):
            row(code, round(base * levels[t] * rng.uniform(0.9, 1.1), 1))
        else:
            row(code, _count(base, levels[t], rng))

    referrals_in = sum(r["count"] for r in network if r["relation"] == "referral_in")
    referrals_out = sum(r["count"] for r in network if r["relation"] == "referral_out")
    partners = {
        r["partner"]
        for r in network
        if r["partner_type"] == "initiative"
        and r["relation"] in ("collaboration", "learning_exchange")
    }
    if referrals_in:
        row("referrals_in", referrals_in)
    if referrals_out:
        row("referrals_out", referrals_out)
    if partners:
        row("collaborations_with_initiatives", len(partners))

    if t == spec.dip[0] and spec.dip_note and rows:
        rows[0]["note"] = spec.dip_note  # the number travels with its story

    for own in spec.own:
        orng = _rng(spec.initiative_id, own.code, t)
        if own.unit == "share":
            asked = max(5, _count(20, levels[t], orng))
            told = min(asked, round(asked * own.base * orng.uniform(0.8, 1.25) * (1 + t / 20)))
            values: dict[str, float] = {"numerator": told, "denominator": asked}
        elif own.unit == "rubric":
            values = {"value": min(4, int(own.base) + t // 3)}
        elif own.unit == "hours":
            values = {"value": round(own.base * levels[t] * orng.uniform(0.9, 1.1), 1)}
        else:
            values = {"value": _count(own.base, levels[t] * (1 + t / 16), orng)}
        rows.append(
            {
                "indicator": own.code,
                "phase": None,
                "value": values.get("value"),
                "numerator": values.get("numerator"),
                "denominator": values.get("denominator"),
                "note": own.note if own.note and orng.random() < 0.5 else None,
            }
        )
    return rows


def _activity_rows(spec: Spec, t: int, levels: dict[int, float]) -> list[dict]:
    rows = []
    for a in spec.activities:
        if t < a.first:
            continue
        rng = _rng(spec.initiative_id, "activity", a.name, t)
        row: dict = {"activity_type": a.name, "phase": a.phase}
        for col, base in a.base.items():
            if col in ("volunteer_hours", "language_practice_hours"):
                row[col] = round(base * levels[t] * rng.uniform(0.85, 1.15), 1)
            elif col.startswith("starts_"):
                # few people, moving slowly: these counts are often under five
                row[col] = max(0, round(base * (1 + t / 10) * rng.uniform(0.5, 1.4)))
            else:
                row[col] = _count(base, levels[t], rng)
        rows.append(row)
    return rows


def _reflection_rows(spec: Spec, t: int) -> list[dict]:
    rng = _rng(spec.initiative_id, "reflection", t)
    cat = load_catalogue()
    questions = cat.choices("reflection_questions").choices
    # the questions the spec answers (a question added to the catalogue later has none yet)
    open_qs = [
        q.code for q in questions if q.extra.get("kind") == "open" and q.code in spec.reflections
    ]
    rubric_qs = [q.code for q in questions if q.extra.get("kind") == "rubric"]
    rows: list[dict[str, str | None]] = []
    chosen = sorted(rng.sample(open_qs, rng.choice((2, 3, 4))), key=open_qs.index)
    # who may read an answer: most initiatives share what they say about funders' demands with
    # funders (who read it only gathered, unnamed); now and then an answer is made public
    audience = _rng(spec.initiative_id, "audience", t)
    shares_candid = _rng(spec.initiative_id, "audience").random() < 0.7
    for q in chosen:
        answers = spec.reflections[q]  # in time order: the later answers come later
        row: dict[str, str | None] = {
            "question": q,
            "answer": answers[t * len(answers) // len(load_sample().quarters)],
        }
        if q == "funder_tension":
            row["visibility"] = "funders" if shares_candid else "initiative"
        elif audience.random() < 0.15:
            row["visibility"] = "public"
        rows.append(row)
    if t % 2 == 1 or rng.random() < 0.3:
        for q in sorted(rng.sample(rubric_qs, rng.choice((1, 2, 3))), key=rubric_qs.index):
            # a self-view moves slowly: a starting step, and one step up at some point
            view = _rng(spec.initiative_id, "self_view", q)
            first, grows_at = view.choice((1, 2, 2, 3)), view.randrange(2, 9)
            step = min(4, first + (t >= grows_at))
            answer = (
                rng.choice(load_sample().rubric_answers[spec.lang]) if rng.random() < 0.6 else None
            )
            rows.append({"question": q, "answer": answer, "self_view": str(step)})
    return rows


def _report(spec: Spec, t: int, levels, pool, cursor, names) -> tuple[Report, int]:
    rng = _rng(spec.initiative_id, "profile", t)
    start, end = _quarter_dates(*load_sample().quarters[t])
    arrival, landing, future = spec.phases
    profile = {
        "initiative_id": spec.initiative_id,
        "name": spec.name,
        "city": spec.city,
        "founded_year": spec.founded_year,
        "organisation_form": spec.organisation_form,
        "phase_arrival": arrival,
        "phase_landing": landing,
        "phase_future": future,
        "period_start": start,
        "period_end": end,
        "mission": spec.mission,
        "intentions": spec.intentions[t // 2 % len(spec.intentions)],
        "written_with": rng.choice(
            ("coordinator", "with_volunteers", "with_newcomers", "with_newcomers_and_volunteers")
        ),
    }
    own = [
        {
            "indicator": o.code,
            "label": o.label,
            "definition": o.definition,
            "dimension": o.dimension,
            "unit": o.unit,
            "phase": o.phase,
        }
        for o in spec.own
    ]
    network = _network_rows(spec, t, names)
    stories, cursor = _stories(spec, pool, cursor, t)
    report = Report(
        profile=_frame("profile", [profile]),
        own_indicators=_frame("own_indicators", own),
        activities=_frame("activities", _activity_rows(spec, t, levels)),
        indicators=_frame("indicators", _indicator_rows(spec, t, levels, network)),
        stories=_frame("stories", stories),
        network=_frame("network", network),
        reflection=_frame("reflection", _reflection_rows(spec, t)),
    )
    return report, cursor


def sample_reports() -> list[Report]:
    """All sample reports: per initiative (in the order of ``SPECS``), per quarter."""
    names = {s.initiative_id: s.name for s in load_sample().specs}
    reports = []
    for spec in load_sample().specs:
        levels = _levels(spec)
        pool = _story_pool(spec)
        cursor = 0
        for t in range(len(load_sample().quarters)):
            report, cursor = _report(spec, t, levels, pool, cursor, names)
            reports.append(report)
    return reports


def workbook_language(initiative_id: str) -> str:
    """The language an initiative's workbooks are written in (two write in English)."""
    return next(s.lang for s in load_sample().specs if s.initiative_id == initiative_id)


def workbook_path(out_dir: Path, report: Report) -> Path:
    """``<out>/<id>/<id>_<YYYY>-Q<n>.xlsx``."""
    iid = report.initiative_id
    return Path(out_dir) / iid / f"{iid}_{report.period}.xlsx"


def known_initiatives() -> dict[str, str]:
    """Folded ids and names of the sample initiatives -> id, for ``Report.to_tidy``."""
    from evaluation.catalogue import fold

    out = {}
    for s in load_sample().specs:
        out[fold(s.initiative_id)] = s.initiative_id
        out[fold(s.name)] = s.initiative_id
    return out


def write_sample_data(out_dir: str | Path, initiatives: Iterable[str] | None = None) -> list[Path]:
    """Write every sample workbook under ``out_dir`` (or only those of ``initiatives``); the
    paths written, in order. An unknown initiative id is a ``UserError``."""
    from evaluation.template import write_report

    wanted = set(initiatives or ())
    unknown = sorted(wanted - {s.initiative_id for s in load_sample().specs})
    if unknown:
        raise UserError(
            "sample.unknown_initiative",
            initiative=", ".join(unknown),
            known=", ".join(sorted(s.initiative_id for s in load_sample().specs)),
        )
    out = Path(out_dir)
    paths = []
    for report in sample_reports():
        if wanted and report.initiative_id not in wanted:
            continue
        path = workbook_path(out, report)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_report(report, path, workbook_language(report.initiative_id))
        paths.append(path)
    return paths
