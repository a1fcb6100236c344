"""Fictional sample data: ten initiatives, eight quarters each, as filled-in reports.

Why it exists: the dashboard, the reports and the tests need a portfolio that looks like the
one the report describes (host-family stays to system-change learning communities, across the
three phases of a newcomer's path) without a real organisation's name or a real person in it.
Every name is invented. The numbers move the way small initiatives' numbers move (seasons,
growth, a dip), some stay under five so that small-number protection shows, and the network
has referrals that cross phases and one initiative that for a while is the only bridge between
two otherwise separate groups.

The sample is data, not code: the specifications and every text (stories, reflections, notes)
are YAML files in ``sample_data/spec/`` of the repository, read by ``evaluation.sample_spec``.
They are not package data: the sample belongs to the repository (demo, tests, benchmarks), and
no production path reads it. This module only turns the specifications into reports.

Deterministic: every random choice comes from ``random.Random`` seeded with a string built
from the seed and the initiative (never from time or dict order), so two runs give equal
reports and the committed workbooks in ``sample_data/`` can be checked against a fresh run.
The draws decide the numbers, which numbers carry a note, which questions a quarter answers
and how many stories it has; the data files give the words for each.

The texts are the initiatives' own words (Dutch; two initiatives write in English), each told
once, so they are sample content, not user-interface strings.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from evaluation.catalogue import load_catalogue
from evaluation.errors import UserError
from evaluation.model import Report
from evaluation.sample_spec import Spec, load_sample


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
    row = {"partner": partner, "partner_type": ptype, "relation": relation}
    return row | {"count": int(count), "phase": phase, "description": description}


def _frame(section: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame with exactly the section's columns, blanks as None."""
    cols = list(load_catalogue().section(section).column_codes)
    data = {c: pd.Series([r.get(c) for r in rows], dtype="object") for c in cols}
    return pd.DataFrame(data, columns=cols)


def _period(t: int) -> str:
    year, q = load_sample().quarters[t]
    return f"{year}-Q{q}"


def _stories(spec: Spec, t: int) -> list[dict]:
    """The quarter's stories (as many as drawn; the spec tells them), on drawn days."""
    rng = _rng(spec.initiative_id, "stories", t)
    start, end = _quarter_dates(*load_sample().quarters[t])
    n = rng.choice((1, 2, 2, 3))
    told = spec.stories.get(_period(t), ())
    if len(told) != n:
        raise ValueError(f"{spec.initiative_id}.yaml: {_period(t)} needs {n} stories")
    days = sorted(rng.sample(range((end - start).days + 1), n))
    rows = []
    for d, s in zip(days, told, strict=True):
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
    return rows


def _indicator_rows(
    spec: Spec,
    t: int,
    levels: dict[int, float],
    network: list[dict],
) -> list[dict]:
    cat = load_catalogue()
    rng = _rng(spec.initiative_id, "indicators", t)
    draws = load_sample().note_draws[spec.lang]
    period = _period(t)
    primary = ("arrival", "landing", "future")[spec.phases.index("primary")]
    rows: list[dict] = []

    def row(code: str, value=None, numerator=None, denominator=None) -> None:
        phases = cat.indicator(code).phases
        phase = primary if primary in phases and primary != phases[0] else None
        note = None
        if code in draws and rng.random() < 0.35:
            # the draw stays the size it always had, so that the numbers drawn after it keep
            # their values; the words are the initiative's own for this quarter
            rng.randrange(draws[code])
            dip_row = t == spec.dip[0] and spec.dip_note and not rows  # the dip note's place
            note = None if dip_row else spec.words("note", period, code)
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
                "note": (
                    spec.words("note", period, own.code)
                    if spec.noted(own.code) and orng.random() < 0.5
                    else None
                ),
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
    period = _period(t)
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
        row: dict[str, str | None] = {"question": q, "answer": spec.words("answer", period, q)}
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
            answer = None
            if rng.random() < 0.6:
                rng.randrange(load_sample().self_view_draws[spec.lang])  # as for notes
                answer = spec.words("self_view", period, q)
            rows.append({"question": q, "answer": answer, "self_view": str(step)})
    return rows


def _report(spec: Spec, t: int, levels, names) -> Report:
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
    keys = {"indicator": "code", "label": "label", "definition": "definition"}
    keys |= {"dimension": "dimension", "unit": "unit", "phase": "phase"}
    own = [{col: getattr(o, attr) for col, attr in keys.items()} for o in spec.own]
    network = _network_rows(spec, t, names)
    return Report(
        profile=_frame("profile", [profile]),
        own_indicators=_frame("own_indicators", own),
        activities=_frame("activities", _activity_rows(spec, t, levels)),
        indicators=_frame("indicators", _indicator_rows(spec, t, levels, network)),
        stories=_frame("stories", _stories(spec, t)),
        network=_frame("network", network),
        reflection=_frame("reflection", _reflection_rows(spec, t)),
    )


def sample_reports() -> list[Report]:
    """All sample reports: per initiative (in the order of ``sample.yaml``), per quarter."""
    names = {s.initiative_id: s.name for s in load_sample().specs}
    reports = []
    for spec in load_sample().specs:
        levels = _levels(spec)
        for t in range(len(load_sample().quarters)):
            reports.append(_report(spec, t, levels, names))
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
