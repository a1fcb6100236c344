"""View models: what each page shows, computed from a ``Dataset`` by the analyses.

Why a layer between the analyses and the figures: a page needs several analysis results at
once, reshaped for drawing (a graph laid out as node and edge frames, per-period flows added
up over the chosen periods). Doing that here keeps the pages to ``st.*`` calls and keeps the
figure builders pure drawing. Nothing here imports Streamlit; ``dashboards.state`` caches
these results per viewer and filters.

Every number comes from a ``Disclosed`` (``evaluation.disclosure``): nothing here protects
a number itself. A sum over several disclosed cells (a range of periods) is shown only when
every part is shown (``sum_published``), and a withheld sum is counted, never filled in.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from dashboards import figures, texts, voice_cards
from evaluation import analysis
from evaluation.analysis._common import FORMAL_PARTNER_TYPES, neutral_sort, visible_stories
from evaluation.catalogue import fold, load_catalogue
from evaluation.disclosure import Disclosed, sum_published
from evaluation.i18n import strings, t
from evaluation.model import Dataset

NODE_COLUMNS = ["node", "label", "kind", "x", "y", "degree"]
EDGE_COLUMNS = ["source", "target", "relation", "count"]
# above this many nodes the network is drawn in rings instead of a force layout
_LAYOUT_SMALL = 300


def available_periods(ds: Dataset) -> list[str]:
    """Every period label in the dataset, in time order (by start date, then label).

    The same order as the analyses' ``sorted_periods``, computed on distinct pairs only, so a
    page can offer the period slider without walking every row.
    """
    pairs = [
        frame[["period", "period_start"]].drop_duplicates()
        for name, frame in ds.frames().items()
        if name != "initiatives" and len(frame)
    ]
    if not pairs:
        return []
    both = pd.concat(pairs).dropna(subset=["period"])
    first = both.assign(start=both["period_start"].astype(str)).groupby("period")["start"].min()
    return sorted(first.index, key=lambda p: (first[p], p))


def reporting(ds: Dataset) -> dict[str, int]:
    """Per period label: how many initiatives reported for it (any row of theirs)."""
    pairs = [
        frame[["initiative_id", "period"]]
        for name, frame in ds.frames().items()
        if name != "initiatives" and len(frame)
    ]
    if not pairs:
        return {}
    both = pd.concat(pairs).drop_duplicates()
    return {str(p): int(n) for p, n in both.groupby("period")["initiative_id"].nunique().items()}


def stable_period(periods: list[str], counts: dict[str, int], n_initiatives: int) -> str | None:
    """The latest period for which most initiatives reported (more than half), so that one
    initiative reporting early does not move a portfolio page onto a quarter few have sent;
    the latest period when none has a majority."""
    for p in reversed(periods):
        if counts.get(p, 0) * 2 > n_initiatives:
            return p
    return periods[-1] if periods else None


def network_frames(g: nx.MultiDiGraph, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (with a stable layout) and edges of a network graph, for ``figures.network``.

    The layout is seeded so the picture does not jump between reruns, and nodes are laid out
    in name order so the same data always gives the same picture.
    """
    if g.number_of_nodes() == 0:
        return pd.DataFrame(columns=NODE_COLUMNS), pd.DataFrame(columns=EDGE_COLUMNS)
    und = nx.Graph()
    order = sorted(g.nodes, key=lambda n: (fold(g.nodes[n].get("label", n)), n))
    und.add_nodes_from(order)
    und.add_edges_from((u, v) for u, v in g.edges())
    n = und.number_of_nodes()
    if n <= _LAYOUT_SMALL:
        pos = nx.spring_layout(und, seed=seed, iterations=100, k=2.5 / max(n, 1) ** 0.5)
    else:
        # a big portfolio: initiatives on the inner ring by name, partners on the outer ring
        # by kind and name (no force layout: it needs scipy there and reads as a hairball)
        kinds = load_catalogue().choices("partner_types").codes
        inner = [v for v in order if g.nodes[v].get("kind") == "initiative"]
        outer = sorted(
            (v for v in order if g.nodes[v].get("kind") != "initiative"),
            key=lambda v: (
                kinds.index(g.nodes[v].get("partner_type"))
                if g.nodes[v].get("partner_type") in kinds
                else len(kinds)
            ),
        )
        pos = nx.shell_layout(und, nlist=[inner, outer] if outer else [inner])
    nodes = pd.DataFrame(
        [
            {
                "node": node,
                "label": g.nodes[node].get("label", node),
                "kind": g.nodes[node].get("partner_type", "other"),
                "x": float(pos[node][0]),
                "y": float(pos[node][1]),
                "degree": und.degree(node),
            }
            for node in order
        ],
        columns=NODE_COLUMNS,
    )
    edges = pd.DataFrame(
        [
            {"source": u, "target": v, "relation": d.get("relation"), "count": d.get("count")}
            for u, v, d in g.edges(data=True)
        ],
        columns=EDGE_COLUMNS,
    )
    return nodes, edges


def flows_over_periods(flows: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Phase-to-phase flows of the disclosed periods added up, and how many sums are withheld.

    A sum over periods is shown only when each of its periods is (``sum_published``); a
    withheld sum is left out of the picture and counted, never filled in.
    """
    cols = ["source_phase", "target_phase", "value"]
    if flows is None or not len(flows):
        return pd.DataFrame(columns=cols), 0
    rows, withheld = [], 0
    for (a, b), sub in flows.groupby(["from_phase", "to_phase"], sort=False):
        value, hidden = sum_published(sub["people"], sub["people_suppressed"])
        if hidden:
            withheld += 1
            continue
        rows.append({"source_phase": a, "target_phase": b, "value": value or 0.0})
    return pd.DataFrame(rows, columns=cols), withheld


def totals_over_periods(totals: pd.DataFrame) -> pd.DataFrame:
    """Output totals per indicator (catalogue order kept) over the disclosed periods.

    A sum over periods is shown only when each period's total is (``sum_published``):
    otherwise it says withheld, so no two windows can be subtracted to find a period.
    """
    cols = ["indicator", "unit", "value", "value_suppressed", "n_initiatives_reporting"]
    if totals is None or not len(totals):
        return pd.DataFrame(columns=cols)
    outputs = totals[(totals["dimension"] == "output") & totals["unit"].isin(["count", "hours"])]
    rows = []
    for code, sub in outputs.groupby("indicator", sort=False):
        value, hidden = sum_published(sub["total"], sub["total_suppressed"])
        rows.append(
            {
                "indicator": code,
                "unit": sub["unit"].iloc[0],
                "value": value,
                "value_suppressed": hidden,
                "n_initiatives_reporting": int(sub["n_initiatives_reporting"].max()),
            }
        )
    return pd.DataFrame(rows, columns=cols)


@dataclass
class StoryView:
    """Everything the collective-story page draws."""

    puzzle: pd.DataFrame
    nodes: pd.DataFrame
    edges: pd.DataFrame
    flows: pd.DataFrame  # the published flows between phases (the flow map draws these)
    totals: pd.DataFrame
    formal: pd.DataFrame
    n_initiatives: int
    gathered: list[str]
    n_gathered: int


def formal_bridges(ds: Dataset) -> pd.DataFrame:
    """Per formal partner type (list order): how many initiatives have at least one such tie.

    The portfolio picture of ``analysis.formal_links`` (which is per initiative), counted on
    distinct pairs so it stays quick for hundreds of initiatives. It counts initiatives, not
    people, so nothing here needs protecting.
    """
    net = ds.network[ds.network["partner_type"].isin(FORMAL_PARTNER_TYPES)]
    counts = net.drop_duplicates(["partner_type", "initiative_id"])["partner_type"].value_counts()
    return pd.DataFrame(
        [{"partner_type": k, "n_initiatives": int(counts.get(k, 0))} for k in FORMAL_PARTNER_TYPES],
        columns=["partner_type", "n_initiatives"],
    )


def story_view(disclosed: Disclosed) -> StoryView:
    """The story page of what ``disclosed`` (already cut to the chosen periods) shows."""
    ds, viewer = disclosed.dataset, disclosed.principal
    nodes, edges = network_frames(analysis.build_graph(ds))
    flows, _ = flows_over_periods(disclosed.phase_flows)
    return StoryView(
        puzzle=analysis.phase_puzzle(ds, viewer=viewer),
        nodes=nodes,
        edges=edges,
        flows=flows,
        totals=totals_over_periods(disclosed.totals),
        formal=formal_bridges(ds),
        n_initiatives=len(ds.initiatives),
        gathered=list(disclosed.gathered),
        n_gathered=disclosed.n_gathered,
    )


@dataclass
class ProfileView:
    """Everything one initiative's profile draws: its words, its numbers, its place."""

    initiative: dict
    trajectories: pd.DataFrame
    own_indicators: pd.DataFrame
    reflections: pd.DataFrame
    stories: pd.DataFrame
    nodes: pd.DataFrame
    edges: pd.DataFrame
    position: dict
    partner_kinds: pd.DataFrame


def _ego(g: nx.MultiDiGraph, node: str) -> nx.MultiDiGraph:
    if node not in g:
        return nx.MultiDiGraph()
    keep = {node} | set(g.predecessors(node)) | set(g.successors(node))
    return g.subgraph(keep).copy()


def profile_view(disclosed: Disclosed, initiative_id: str) -> ProfileView:
    """One initiative's profile, of what ``disclosed`` shows its audience (the same rule for
    every way a page reaches the profile)."""
    ds = disclosed.dataset
    ini = ds.initiatives[ds.initiatives["initiative_id"] == initiative_id]
    record = ini.iloc[0].to_dict() if len(ini) else {"initiative_id": initiative_id}
    traj = disclosed.values_of(initiative_id)
    own = ds.own_indicators[ds.own_indicators["initiative_id"] == initiative_id]
    own = own.drop_duplicates("indicator", keep="last")
    g = analysis.build_graph(ds)
    nodes, edges = network_frames(_ego(g, initiative_id))
    # a profile's dataset may hold only this initiative: name partner initiatives as written
    written = dict(zip(ds.network["partner_initiative_id"], ds.network["partner"], strict=True))
    nodes["label"] = [
        written.get(n, lbl) if lbl == n else lbl
        for n, lbl in zip(nodes["node"], nodes["label"], strict=True)
    ]
    positions = analysis.network_positions(ds)
    mine = positions[positions["initiative_id"] == initiative_id]
    position = mine.iloc[0].to_dict() if len(mine) else {}
    kinds = load_catalogue().choices("partner_types").codes
    partner_kinds = pd.DataFrame(
        [{"partner_type": k, "partners": int(position.get(f"ties_{k}", 0) or 0)} for k in kinds],
        columns=["partner_type", "partners"],
    )
    stories = ds.stories[ds.stories["initiative_id"] == initiative_id]
    return ProfileView(
        initiative=record,
        trajectories=traj,
        own_indicators=own,
        reflections=analysis.reflection_timeline(ds, initiative_id),
        stories=stories,
        nodes=nodes,
        edges=edges,
        position=position,
        partner_kinds=partner_kinds,
    )


@dataclass(frozen=True)
class StoryFilter:
    """The Voices page's choices (empty tuple = all)."""

    phases: tuple[str, ...] = ()
    voices: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()


@dataclass
class VoicesView:
    stories: pd.DataFrame
    balance: pd.DataFrame
    themes: pd.DataFrame
    names: dict[str, str]


def _has_theme(joined: object, themes: tuple[str, ...]) -> bool:
    return isinstance(joined, str) and bool(set(joined.split(";")) & set(themes))


def voices_view(disclosed: Disclosed, choice: StoryFilter) -> VoicesView:
    """Stories the audience may read, filtered; the balance of voices over the same stories.

    The balance is drawn over the stories of the chosen phases and themes (all voices), so
    that choosing a voice does not make the balance look one-sided.
    """
    ds, viewer = disclosed.dataset, disclosed.principal
    st = ds.stories
    if choice.phases:
        st = st[st["phase"].isin(choice.phases)]
    if choice.themes:
        st = st[st["themes"].map(lambda j: _has_theme(j, choice.themes))]
    scoped = Dataset(
        initiatives=ds.initiatives,
        observations=ds.observations.iloc[0:0],
        own_indicators=ds.own_indicators.iloc[0:0],
        stories=st,
        network=ds.network.iloc[0:0],
        reflections=ds.reflections.iloc[0:0],
    )
    balance = analysis.voice_balance(scoped, viewer=viewer)
    themes = analysis.themes_over_time(scoped, viewer=viewer)
    shown = visible_stories(scoped, viewer)
    if choice.voices:
        shown = shown[shown["voice"].isin(choice.voices)]
    names = dict(zip(ds.initiatives["initiative_id"], ds.initiatives["name"], strict=True))
    shown = shown.assign(initiative=shown["initiative_id"].map(lambda i: names.get(i, i)))
    # newest first is a time order, not a judgement; then by initiative name
    shown = neutral_sort(shown, text=["initiative", "title"], order=["initiative", "title"])
    shown = shown.sort_values("date", ascending=False, kind="stable").reset_index(drop=True)
    return VoicesView(stories=shown, balance=balance, themes=themes, names=names)


def about_blocks(lang: str) -> list[tuple[str, str]]:
    """The About page as (kind, text) blocks from the ``about.*`` strings, in file order.

    ``about.headings.<h>`` introduces the texts whose key is ``about.<h>`` or starts with it
    (``about.phases.arrival``, ``about.concepts_intro``); texts no heading claims go under
    the first heading that has none of its own (the opening "what is this?"). The catalogue's
    concepts and indicators follow their headings, so the page lists what the data holds.
    """
    keys = [k for k in strings() if k.startswith("about.")]
    headings = [k for k in keys if k.startswith("about.headings.")]
    texts = [k for k in keys if k not in headings and k != "about.title"]

    def claims(h: str, k: str) -> bool:
        rest = k[len("about.") :]
        return rest == h or rest.startswith(h + ".") or rest.startswith(h + "_")

    claimed = {h: [k for k in texts if claims(h.rsplit(".", 1)[1], k)] for h in headings}
    loose = [k for k in texts if not any(k in v for v in claimed.values())]
    blocks: list[tuple[str, str]] = []
    cat = load_catalogue()
    dims = cat.choices("dimensions")
    for h in headings:
        own = claimed[h]
        if not own and loose:
            own, loose = loose, []
        blocks.append(("heading", t_(h, lang)))
        blocks += [("text", t_(k, lang)) for k in own]
        name = h.rsplit(".", 1)[1]
        if name == "concepts" and cat.concepts.choices:
            blocks.append(
                (
                    "text",
                    "\n".join(
                        f"- **{c.label(lang)}**: {_meaning(c, lang)}" for c in cat.concepts.choices
                    ),
                )
            )
        if name == "indicators":
            blocks.append(
                (
                    "text",
                    "\n".join(
                        f"- **{i.label(lang)}** ({dims.label(i.dimension, lang)}): "
                        f"{i.definition(lang)}"
                        for i in cat.indicators
                    ),
                )
            )
    return blocks


def _meaning(choice, lang: str) -> str:
    return str(choice.extra.get(f"meaning_{lang}", "")).strip()


def t_(key: str, lang: str) -> str:
    return t(key, lang)


# --- page models: the figures and texts of a page, built once per viewer, filters and language


@dataclass
class StoryPage:
    puzzle: go.Figure
    totals: go.Figure
    network: go.Figure
    formal: go.Figure


def story_page(view: StoryView, lang: str) -> StoryPage:
    return StoryPage(
        puzzle=figures.phase_puzzle(view.puzzle, lang),
        totals=figures.output_totals(view.totals, lang),
        network=figures.network(view.nodes, view.edges, lang),
        formal=figures.formal_bridges(view.formal, lang),
    )


@dataclass
class DimensionPanel:
    dimension: str
    figure: go.Figure
    notes: str


@dataclass
class ProfilePage:
    name: str
    facts: str
    mission: str
    intentions: str
    phases: str
    dimensions: list[DimensionPanel]
    own_indicators: str
    network: go.Figure
    partner_kinds: go.Figure
    self_views: go.Figure
    reflections: str


def profile_page(view: ProfileView, lang: str) -> ProfilePage:
    info = view.initiative
    panels = [
        DimensionPanel(
            dimension=dim,
            figure=figures.indicator_small_multiples(
                texts.trajectory_series(view.trajectories, dim, lang), lang, title
            ),
            notes=texts.period_notes_markdown(view.trajectories, dim, lang),
        )
        for dim, title in texts.dimensions(view.trajectories, lang)
    ]
    return ProfilePage(
        name=str(info.get("name") or info.get("initiative_id")),
        facts=texts.profile_facts(info, lang),
        mission=texts.quote(info.get("mission")),
        intentions=texts.quote(info.get("intentions")),
        phases=texts.phase_roles_text(info, lang),
        dimensions=panels,
        own_indicators=texts.own_indicators_markdown(view.own_indicators, lang)
        if len(view.own_indicators)
        else "",
        network=figures.network(
            view.nodes,
            view.edges,
            lang,
            title=t("ui.profile.network_title", lang),
            area_px=figures.PROFILE_NETWORK_AREA_PX,
        ),
        partner_kinds=figures.partner_kinds(view.partner_kinds, lang),
        self_views=figures.self_views(view.reflections, lang),
        reflections=texts.reflections_markdown(view.reflections, lang),
    )


@dataclass
class VoicesPage:
    balance: go.Figure
    themes: go.Figure
    n_stories: int  # all the stories of the filters
    n_found: int  # of those, the ones the search finds (all of them without a search)
    stories: list[voice_cards.Card]  # newest first, at most STORIES_SHOWN


def voices_page(view: VoicesView, lang: str, query: str = "") -> VoicesPage:
    found = voice_cards.search(view.stories, query)
    return VoicesPage(
        balance=figures.voice_balance(view.balance, lang),
        themes=figures.themes_over_time(view.themes, lang),
        n_stories=len(view.stories),
        n_found=len(found),
        stories=voice_cards.cards(found.head(texts.STORIES_SHOWN), lang),
    )
