"""The disclosure audit: attack each audience's outputs together, as a statistical office
audits its tables (tau-ARGUS, sdcTable).

For each audience the test gathers every number the audience can get from the dashboard's
views (every period window the period slider offers, every profile), the tidy CSV export
(read back from the zip) and the Excel report (read back from the workbook). It then builds,
independently of ``evaluation.disclosure``, the cells those numbers are made of and the
equations that tie them (observations add up to an initiative's value, values to a portfolio
total; network rows to edges, counted rows to hand-overs, hand-overs to flows between
phases), adds every gathered number as a known value, and asks a linear program (HiGHS) for
the lowest and highest value of every cell no output published. Each range must span more
than the threshold. It runs on the sample and on generated portfolios, and a bypass of the
disclosure layer in any one output is caught.
"""

from __future__ import annotations

import io
import itertools
import math
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dashboards import views
from evaluation import export
from evaluation.access import Principal
from evaluation.analysis._common import is_person_count
from evaluation.analysis.network import REFERRALS, partner_node
from evaluation.catalogue import load_catalogue
from evaluation.disclosure import Disclosed, disclose, select
from evaluation.formatting import format_period
from evaluation.i18n import t
from evaluation.model import TIDY_COLUMNS, Dataset
from evaluation.report import build_report

scipy_optimize = pytest.importorskip("scipy.optimize")

THRESHOLD = 5
AUDIENCES = {
    "funder": Principal("funder"),
    "evaluator": Principal("evaluator"),
    "public": Principal("public"),
}
MARKS = {"afgeschermd", "withheld"}
NO_SUBMISSIONS = pd.DataFrame(
    columns=[
        "submission_id",
        "initiative_id",
        "period",
        "status",
        "uploaded_at",
        "uploaded_role",
        "sha256",
    ]
)


# --- the cells and their equations, from the definitions ----------------------------------


@dataclass
class Universe:
    """Every cell an output may show, with its true value, and the equations between them."""

    value: dict[tuple, float] = field(default_factory=dict)
    equations: list[dict[tuple, float]] = field(default_factory=list)

    def add(self, key: tuple, value: float) -> None:
        self.value[key] = float(value)

    def sums(self, parts: list[tuple], total: tuple) -> None:
        eq: dict[tuple, float] = defaultdict(float)
        for p in parts:
            eq[p] += 1.0
        eq[total] -= 1.0
        self.equations.append(dict(eq))


def universe(ds: Dataset) -> Universe:
    u = Universe()
    obs = ds.observations
    for measure in ("value", "numerator", "denominator"):
        by_ini: dict[tuple, list[tuple]] = defaultdict(list)
        for r in obs.itertuples(index=False):
            v = pd.to_numeric(getattr(r, measure), errors="coerce")
            person = (
                is_person_count(r.indicator, r.unit) if measure == "value" else r.unit == "share"
            )
            if not person or v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            key = (
                "obs",
                measure,
                r.initiative_id,
                r.period,
                r.indicator,
                _key_activity(r.activity_type),
            )
            u.add(key, v)
            by_ini[(r.initiative_id, r.indicator, r.period, bool(r.own))].append(key)
        by_total: dict[tuple, list[tuple]] = defaultdict(list)
        for (iid, code, period, own), parts in by_ini.items():
            key = ("ini", measure, iid, code, period)
            u.add(key, sum(u.value[p] for p in parts))
            u.sums(parts, key)
            if not own:
                by_total[(code, period)].append(key)
        for (code, period), parts in by_total.items():
            key = ("tot", measure, code, period)
            u.add(key, sum(u.value[p] for p in parts))
            u.sums(parts, key)
    # referrals: rows, edges, hand-overs (sender's rows when both report), phase flows
    primary = dict(
        zip(ds.initiatives["initiative_id"], ds.initiatives["primary_phase"], strict=True)
    )
    net = ds.network[ds.network["relation"].isin(REFERRALS)]
    edges: dict[tuple, list[tuple]] = defaultdict(list)
    oriented = []
    for r in net.itertuples(index=False):
        node = partner_node(r._asdict())
        key = ("net", r.initiative_id, r.period, node, r.relation)
        u.add(key, r.count)
        edges[(r.period, r.initiative_id, node, r.relation)].append(key)
        pid = None if pd.isna(r.partner_initiative_id) else r.partner_initiative_id
        other = pid if pid is not None else node
        if r.relation == "referral_out":
            sender, receiver = r.initiative_id, other
        else:
            sender, receiver = other, r.initiative_id
        oriented.append((r, key, sender, receiver, pid))
    for (period, iid, node, rel), parts in edges.items():
        key = ("edge", period, iid, node, rel)
        u.add(key, sum(u.value[p] for p in parts))
        u.sums(parts, key)
    senders = {(r.period, s, rc) for r, _, s, rc, _ in oriented if s == r.initiative_id}
    flows: dict[tuple, list[tuple]] = defaultdict(list)
    phase_of: dict[tuple, tuple] = {}
    for r, key, sender, receiver, pid in oriented:
        both = pid is not None
        if both and sender != r.initiative_id and (r.period, sender, receiver) in senders:
            continue  # the sender reported this hand-over: the receiver's rows do not count
        fkey = ("flow", r.period, sender, receiver)
        flows[fkey].append(key)
        mine = primary.get(r.initiative_id)
        theirs = primary.get(pid) if both else None
        if theirs is None:
            theirs = r.phase if isinstance(r.phase, str) else (None if both else mine)
        phase_of[fkey] = (mine, theirs) if r.relation == "referral_out" else (theirs, mine)
    by_phase: dict[tuple, list[tuple]] = defaultdict(list)
    for fkey, parts in flows.items():
        u.add(fkey, sum(u.value[p] for p in parts))
        u.sums(parts, fkey)
        a, b = phase_of[fkey]
        if a and b:
            by_phase[("pflow", fkey[1], a, b)].append(fkey)
    for key, parts in by_phase.items():
        u.add(key, sum(u.value[p] for p in parts))
        u.sums(parts, key)
    return u


# --- what the outputs publish ----------------------------------------------------------------


@dataclass
class Published:
    """Known values of cells, and known linear combinations (sums over windows, ratios)."""

    cells: dict[tuple, float] = field(default_factory=dict)
    equations: list[tuple[dict[tuple, float], float]] = field(default_factory=list)
    marked: set[tuple] = field(default_factory=set)  # cells an output marks as withheld

    def cell(self, key: tuple, value: object, withheld: object = False) -> None:
        if withheld is True or value in MARKS:
            self.marked.add(key)
            return
        v = _number(value)
        if v is not None:
            self.cells[key] = v

    def combination(self, coef: dict[tuple, float], value: object) -> None:
        v = _number(value)
        if v is not None:
            self.equations.append((coef, v))

    def ratio(self, num: tuple, den: tuple, value: object) -> None:
        v = _number(value)
        if v is not None:
            self.equations.append(({num: 1.0, den: -v}, 0.0))


def _number(value: object) -> float | None:
    if value is None or isinstance(value, str | bool):
        return None
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _key_activity(value: object) -> object:
    return (
        None
        if value is None or (isinstance(value, float) and math.isnan(value)) or value == ""
        else value
    )


def gather_csv(disclosed: Disclosed, pub: Published) -> None:
    """The tidy export, read back from its zip."""
    data = export.tidy_zip(disclosed, "nl")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        obs = pd.read_csv(io.BytesIO(zf.read("observations.csv")), encoding="utf-8-sig")
        net = pd.read_csv(io.BytesIO(zf.read("network.csv")), encoding="utf-8-sig")
    obs = obs.astype(object).where(obs.notna(), None)
    for r in obs.itertuples(index=False):
        act = _key_activity(r.activity_type)
        for measure in ("value", "numerator", "denominator"):
            pub.cell(
                ("obs", measure, r.initiative_id, r.period, r.indicator, act),
                getattr(r, measure),
                getattr(r, f"{measure}_suppressed") is True,
            )
    net = net.astype(object).where(net.notna(), None)
    for r in net.itertuples(index=False):
        if r.relation in REFERRALS:
            node = partner_node(r._asdict())
            pub.cell(
                ("net", r.initiative_id, r.period, node, r.relation),
                r.count,
                r.count_suppressed is True,
            )


def _windows(periods: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(periods) for b in periods[i:]]


def gather_views(disclosed: Disclosed, pub: Published) -> None:
    """Every number of the story page over every window the slider offers, and of every
    profile. The story page's figures for a window are built by ``views.story_view``; for the
    many windows the same functions it calls are used directly (its network layout, which
    moves no number, is the slow part)."""
    from evaluation.analysis import build_graph

    periods = disclosed.periods
    for a, b in _windows(periods):
        window = periods[periods.index(a) : periods.index(b) + 1]
        cut = select(disclosed, None, a, b)
        if a == b or (a, b) == (periods[0], periods[-1]):
            view = views.story_view(cut)
            totals, flows, edges = view.totals, view.flows, view.edges
        else:
            totals = views.totals_over_periods(cut.totals)
            flows = views.flows_over_periods(cut.phase_flows)[0]
            g = build_graph(cut.dataset)  # the edges network_frames hands on, without a layout
            edges = pd.DataFrame(
                [(u, v, d["relation"], d["count"]) for u, v, d in g.edges(data=True)],
                columns=views.EDGE_COLUMNS,
            )
        for r in totals.itertuples(index=False):
            if r.unit == "count" and is_person_count(r.indicator, r.unit):
                coef = {("tot", "value", r.indicator, p): 1.0 for p in window}
                pub.combination(coef, r.value)
        for r in flows.itertuples(index=False):
            coef = {("pflow", p, r.source_phase, r.target_phase): 1.0 for p in window}
            pub.combination(coef, r.value)
        _edges(edges, window, pub)
    for iid in disclosed.dataset.initiatives["initiative_id"]:
        prof = views.profile_view(disclosed, iid)
        for r in prof.trajectories.itertuples(index=False):
            period = r.period
            for measure in ("numerator", "denominator"):
                pub.cell(
                    ("ini", measure, iid, r.indicator, period),
                    getattr(r, measure),
                    bool(getattr(r, f"{measure}_suppressed")),
                )
            if r.unit == "share":
                pub.ratio(
                    ("ini", "numerator", iid, r.indicator, period),
                    ("ini", "denominator", iid, r.indicator, period),
                    r.value,
                )
            else:
                pub.cell(("ini", "value", iid, r.indicator, period), r.value, r.value_suppressed)
        _edges(prof.edges, periods, pub)


def _edges(edges: pd.DataFrame, window: list[str], pub: Published) -> None:
    for r in edges.itertuples(index=False):
        if r.relation in REFERRALS:
            coef = {("edge", p, r.source, r.target, r.relation): 1.0 for p in window}
            pub.combination(coef, r.count)


def gather_report(disclosed: Disclosed, pub: Published, lang: str = "nl") -> None:
    """The Excel report, read back from the saved workbook."""
    buf = io.BytesIO()
    build_report(disclosed, NO_SUBMISSIONS, lang=lang).save(buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()), data_only=True)
    ds = disclosed.dataset
    col = lambda k: t(f"report.col.{k}", lang)  # noqa: E731
    periods = {format_period(p, lang): p for p in disclosed.periods}
    phases = {c.label(lang): c.code for c in load_catalogue().choices("phases").choices}
    cat_labels = {i.label(lang): i.code for i in load_catalogue().indicators}
    names = dict(zip(ds.initiatives["name"], ds.initiatives["initiative_id"], strict=True))
    own = defaultdict(dict)
    for r in ds.own_indicators.itertuples(index=False):
        own[r.initiative_id][str(r.label)] = r.indicator
    units = dict(zip(ds.observations["indicator"], ds.observations["unit"], strict=True))
    data_title = t("report.sheet.data", lang)
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        if ws.title == data_title:
            head = rows[0]
            ix = {h: j for j, h in enumerate(head)}
            for r in rows[1:]:
                key = (
                    r[ix[col("initiative_id")]],
                    r[ix[col("period")]],
                    r[ix[col("indicator_code")]],
                    r[ix[col("activity_type")]],
                )
                for measure in ("value", "numerator", "denominator"):
                    pub.cell(("obs", measure, *key), r[ix[col(measure)]])
            continue
        iid = names.get(rows[0][0]) if rows and rows[0] else None
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                if v == col("period") and j + 1 < len(r):
                    _table(rows, i, j, pub, col, periods, phases, iid, cat_labels, own, units)
                elif v == col("indicator") and j + 1 < len(r) and r[j + 1] == col("period"):
                    for below in rows[i + 1 :]:
                        label, period, total = below[j], below[j + 1], below[j + 2]
                        if label is None:
                            break
                        code = cat_labels.get(label)
                        p = periods.get(period)
                        if code and p and is_person_count(code, units.get(code)):
                            pub.cell(("tot", "value", code, p), total)


def _table(rows, i, j, pub, col, periods, phases, iid, cat_labels, own, units) -> None:
    head = rows[i]
    second = head[j + 1]
    body = []
    for below in rows[i + 1 :]:
        if below[j] is None:
            break
        body.append(below)
    if second == col("from_phase"):
        for b in body:
            pub.cell(
                ("pflow", periods.get(b[j]), phases.get(b[j + 1]), phases.get(b[j + 2])), b[j + 3]
            )
        return
    if second == col("from") or iid is None:
        return  # hand-overs are keyed by name here; their cells come from the phase flows
    labels = {**cat_labels, **own.get(iid, {})}
    for b in body:
        p = periods.get(b[j])
        for k in range(j + 1, len(head)):
            code = labels.get(head[k])
            if code is None or p is None:
                continue
            if units.get(code) == "share":
                pub.ratio(
                    ("ini", "numerator", iid, code, p), ("ini", "denominator", iid, code, p), b[k]
                )
            else:
                pub.cell(("ini", "value", iid, code, p), b[k])


# --- the attack --------------------------------------------------------------------------------


def attack(
    u: Universe, pub: Published, wanted: set[tuple] | None = None
) -> dict[tuple, tuple[float, float]]:
    """For every cell no output published (or those of them in ``wanted``): the lowest and
    highest value consistent with all published numbers, all equations and non-negativity
    (linear programming; a block of one equation in closed form)."""
    known = {k: v for k, v in pub.cells.items() if k in u.value}
    unknown = [k for k in u.value if k not in known]
    col = {k: j for j, k in enumerate(unknown)}
    rows: list[tuple[dict[int, float], float]] = []
    for eq in u.equations:
        coef, rhs = {}, 0.0
        for k, c in eq.items():
            if k in col:
                coef[col[k]] = coef.get(col[k], 0.0) + c
            else:
                rhs -= c * known[k]
        if coef:
            rows.append((coef, rhs))
    for eq, value in pub.equations:
        if any(k not in u.value for k in eq):
            continue
        coef, rhs = {}, value
        for k, c in eq.items():
            if k in col:
                coef[col[k]] = coef.get(col[k], 0.0) + c
            else:
                rhs -= c * known[k]
        if coef:
            rows.append((coef, rhs))
    # independent blocks of unknowns
    parent = list(range(len(unknown)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for coef, _ in rows:
        ks = list(coef)
        for other in ks[1:]:
            parent[find(other)] = find(ks[0])
    blocks: dict[int, list[int]] = defaultdict(list)
    for j in range(len(unknown)):
        blocks[find(j)].append(j)
    rows_of: dict[int, list[int]] = defaultdict(list)
    for r, (coef, _) in enumerate(rows):
        rows_of[find(next(iter(coef)))].append(r)
    out: dict[tuple, tuple[float, float]] = {}
    for root, members in blocks.items():
        local = {j: n for n, j in enumerate(members)}
        rr = rows_of.get(root, [])
        if not rr:
            for j in members:
                out[unknown[j]] = (0.0, math.inf)
            continue
        a = np.zeros((len(rr), len(members)))
        b = np.zeros(len(rr))
        for n, r in enumerate(rr):
            for j, c in rows[r][0].items():
                a[n, local[j]] += c
            b[n] = rows[r][1]
        if len(rr) == 1 and (a[0] >= 0).all() and b[0] >= 0 and (a[0] > 0).all():
            for j in members:  # one equation, all parts positive: each within [lo, rhs / a]
                hi = b[0] / a[0, local[j]]
                lo = hi if len(members) == 1 else 0.0
                out[unknown[j]] = (lo, hi)
            continue
        for j in members:
            if wanted is not None and unknown[j] not in wanted:
                continue
            c = np.zeros(len(members))
            c[local[j]] = 1.0
            lo = scipy_optimize.linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            hi = scipy_optimize.linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            assert lo.status in (0, 3) and hi.status in (0, 3), (unknown[j], lo.message, hi.message)
            out[unknown[j]] = (
                float(lo.fun) if lo.status == 0 else 0.0,
                -float(hi.fun) if hi.status == 0 else math.inf,
            )
    return out


def narrow(u: Universe, pub: Published, who: Principal, threshold: int = THRESHOLD) -> list[tuple]:
    """Withheld cells whose range a reader can narrow to the threshold or less: every cell an
    output marks as withheld, and every small count of people no output published (whatever
    the layer decided), except the viewer's own."""
    small = {k for k, v in u.value.items() if 0 < v < threshold and not _own(k, who)}
    ranges = attack(u, pub, wanted=pub.marked | small)
    out = []
    for k, (lo, hi) in ranges.items():
        small = 0 < u.value[k] < threshold and not _own(k, who)
        if (k in pub.marked or small) and hi - lo <= threshold + 1e-6:
            out.append((k, u.value[k], lo, hi))
    if out and who.role == "initiative":
        # what the initiative could work out from its own counts alone is no disclosure
        # (a flow between phases made only of its own hand-overs, say)
        own = Published(cells={k: v for k, v in u.value.items() if _own(k, who)})
        known = attack(u, own, wanted={k for k, *_ in out})
        out = [r for r in out if known[r[0]][1] - known[r[0]][0] > threshold + 1e-6]
    return out


def _own(key: tuple, who: Principal) -> bool:
    """Whether ``who`` sees this cell exactly anyway (its own counts, both ends of a referral)."""
    if who.role != "initiative":
        return False
    if key[0] in ("tot", "pflow"):
        return False
    return who.initiative_id in key


_GATHERED: dict[tuple, Published] = {}
_KEPT: dict[int, Dataset] = {}  # the datasets keyed by id stay alive, so no id is reused


def _gathered(ds: Dataset, principal: Principal, output: str, exact: bool) -> Published:
    """One output's numbers for ``principal`` (kept per dataset, so that the bypass tests
    reuse the protected outputs the audience tests read)."""
    if output == "report" and principal.role in ("initiative", "public"):
        principal = Principal("public")  # the only report they may have (access.py)
    elif output == "report":
        principal = Principal("funder")  # the funders' report, as every such role gets it
    key = (id(ds), principal, output, exact)
    _KEPT[id(ds)] = ds
    if key not in _GATHERED:
        disclosed = disclose(ds, principal, 0 if exact else THRESHOLD)
        pub = Published()
        {"views": gather_views, "csv": gather_csv, "report": gather_report}[output](disclosed, pub)
        _GATHERED[key] = pub
    return _GATHERED[key]


def gather_all(
    ds: Dataset, principal: Principal, bypass: str | None = None, report: bool = True
) -> Published:
    """Every number ``principal`` gets; ``bypass`` names one output built without protection
    (a threshold of 0: nothing is small, so nothing is withheld)."""
    outputs = ["views", "csv", *(["report"] if report else [])]
    pub = Published()
    for output in outputs:
        part = _gathered(ds, principal, output, exact=output == bypass)
        pub.cells.update(part.cells)
        pub.equations += part.equations
        pub.marked |= part.marked
    return pub


# --- the sample ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Dataset:
    from evaluation.sample import known_initiatives, sample_reports

    known = known_initiatives()
    return Dataset.concat([r.to_tidy(n + 1, known) for n, r in enumerate(sample_reports())])


@pytest.mark.parametrize(
    "who",
    [
        *AUDIENCES.values(),
        Principal("initiative", "brug-en-bedrijf"),
        Principal("initiative", "gastvrij-dak"),
    ],
    ids=lambda p: p.label,
)
def test_no_withheld_cell_of_the_sample_can_be_narrowed(sample, who):
    u = universe(sample)
    pub = gather_all(sample, who)
    assert len(pub.cells) > 1000  # the outputs were read, not skipped
    withheld = [k for k in u.value if k not in pub.cells]
    assert withheld, "the sample holds small counts: some cells must be withheld"
    # no output shows what another withholds (the viewer's own counts apart: the initiative
    # sees them exactly, the public report it may also have withholds them)
    undone = {k for k in pub.marked & set(pub.cells) if not _own(k, who)}
    assert not undone, "one output shows what another withholds"
    assert narrow(u, pub, who) == []


@pytest.mark.parametrize("output", ["csv", "report", "views"])
def test_the_audit_catches_any_one_output_that_bypasses_the_layer(sample, output):
    u = universe(sample)
    pub = gather_all(sample, Principal("funder"), bypass=output)
    leaks = narrow(u, pub, Principal("funder"))
    assert leaks, f"an unprotected {output} must give withheld cells away"


def test_small_counts_are_withheld_and_large_totals_are_not(sample):
    d = disclose(sample, Principal("funder"))
    obs = d.dataset.observations
    person = [is_person_count(i, u) for i, u in zip(obs["indicator"], obs["unit"], strict=True)]
    raw = pd.to_numeric(sample.observations["value"], errors="coerce")
    small = pd.Series(person, index=obs.index) & (raw > 0) & (raw < THRESHOLD)
    assert obs.loc[small, "value_suppressed"].all()
    # complements are chosen small: no portfolio total is withheld where a cell will do
    tot = d.totals
    hidden_totals = tot[tot["total_suppressed"]]
    exact = universe(sample)
    for r in hidden_totals.itertuples(index=False):
        parts = [
            v
            for k, v in exact.value.items()
            if k[:2] == ("ini", "value") and k[3:] == (r.indicator, r.period)
        ]
        assert sum(parts) < 3 * THRESHOLD or len(parts) <= 2, (r.indicator, r.period, parts)


# --- generated portfolios ------------------------------------------------------------------


def _dataset(initiatives: list[dict], obs: list[dict], net: list[dict]) -> Dataset:
    empty = Dataset.empty().frames()

    def frame(name: str, rows: list[dict]) -> pd.DataFrame:
        if not rows:
            return empty[name]
        return pd.DataFrame(rows)[TIDY_COLUMNS[name]]

    return Dataset(
        initiatives=frame("initiatives", initiatives),
        observations=frame("observations", obs),
        own_indicators=empty["own_indicators"],
        stories=empty["stories"],
        network=frame("network", net),
        reflections=empty["reflections"],
    )


QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3"]
STARTS = {"2025-Q1": "2025-01-01", "2025-Q2": "2025-04-01", "2025-Q3": "2025-07-01"}
ENDS = {"2025-Q1": "2025-03-31", "2025-Q2": "2025-06-30", "2025-Q3": "2025-09-30"}
PHASES = ("arrival", "landing", "future")


@st.composite
def portfolios(draw) -> Dataset:
    import datetime as dt

    n = draw(st.integers(2, 5))
    periods = QUARTERS[: draw(st.integers(1, 3))]
    ids = [f"ini-{k}" for k in range(n)]
    inis = [
        {
            "initiative_id": i,
            "name": f"Initiatief {k}",
            "city": "Amsterdam",
            "founded_year": 2020,
            "organisation_form": "citizen_initiative",
            "primary_phase": draw(st.sampled_from(PHASES)),
            "secondary_phases": None,
            "mission": "-",
            "intentions": None,
            "written_with": None,
        }
        for k, i in enumerate(ids)
    ]
    count = st.integers(0, 30) | st.integers(0, 6)
    obs, net, sub = [], [], 0
    for i in ids:
        for p in periods:
            sub += 1
            base = {
                "initiative_id": i,
                "period_start": dt.date.fromisoformat(STARTS[p]),
                "period_end": dt.date.fromisoformat(ENDS[p]),
                "period": p,
                "submission_id": sub,
                "own": False,
                "phase": "landing",
                "text_value": None,
                "note": None,
            }
            for act in draw(
                st.lists(st.sampled_from(["taalcafe", "wandeling"]), max_size=2, unique=True)
            ):
                obs.append(
                    base
                    | {
                        "indicator": "newcomers_participating",
                        "dimension": "output",
                        "unit": "count",
                        "activity_type": act,
                        "value": float(draw(count)),
                        "numerator": None,
                        "denominator": None,
                    }
                )
            if draw(st.booleans()):
                obs.append(
                    base
                    | {
                        "indicator": "new_contacts",
                        "dimension": "relational",
                        "unit": "count",
                        "activity_type": None,
                        "value": float(draw(count)),
                        "numerator": None,
                        "denominator": None,
                    }
                )
            if draw(st.booleans()):
                den = draw(st.integers(1, 30))
                num = draw(st.integers(0, den))
                obs.append(
                    base
                    | {
                        "indicator": "friendships_reported",
                        "dimension": "relational",
                        "unit": "share",
                        "activity_type": None,
                        "value": num / den,
                        "numerator": float(num),
                        "denominator": float(den),
                    }
                )
            for other in draw(
                st.lists(st.sampled_from([*ids, "outside"]), max_size=2, unique=True)
            ):
                if other == i:
                    continue
                rel = draw(st.sampled_from(REFERRALS))
                net.append(
                    {
                        "initiative_id": i,
                        "period_start": base["period_start"],
                        "period_end": base["period_end"],
                        "period": p,
                        "submission_id": sub,
                        "partner": "COA Amsterdam"
                        if other == "outside"
                        else f"Initiatief {ids.index(other)}",
                        "partner_initiative_id": None if other == "outside" else other,
                        "partner_type": "coa" if other == "outside" else "initiative",
                        "relation": rel,
                        "count": int(draw(count)),
                        "phase": "arrival" if other == "outside" else None,
                        "description": None,
                    }
                )
    return _dataset(inis, obs, net)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(portfolios(), st.sampled_from(["funder", "public", "initiative"]))
def test_no_withheld_cell_of_a_generated_portfolio_can_be_narrowed(ds, role):
    who = Principal("initiative", "ini-0") if role == "initiative" else Principal(role)
    u = universe(ds)
    pub = gather_all(ds, who, report=False)
    assert narrow(u, pub, who) == []


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(portfolios())
def test_a_generated_portfolio_with_its_report_can_not_be_narrowed(ds):
    u = universe(ds)
    pub = gather_all(ds, Principal("funder"), report=True)
    assert narrow(u, pub, Principal("funder")) == []


def test_windows_cover_every_range_the_slider_offers():
    assert len(_windows(QUARTERS)) == 6
    assert list(itertools.chain(*_windows(["a"]))) == ["a", "a"]
