"""View models: what each page shows, computed from a ``Dataset`` by the analyses.

Why a layer between the analyses and the figures: a page needs several analysis results at
once, reshaped for drawing (a graph laid out as node and edge frames, per-period flows added
up over the chosen periods). Doing that here keeps the pages to ``st.*`` calls and keeps the
figure builders pure drawing. Nothing here imports Streamlit; ``dashboards.state`` caches
these results per viewer and filters.

All person counts come out of the analyses already protected for the viewer; adding up
protected values leaves withheld cells out and says how many were withheld, never fills
them in.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from dashboards import figures, texts
from evaluation import analysis
from evaluation.access import Principal
from evaluation.analysis._common import FORMAL_PARTNER_TYPES, neutral_sort, visible_stories
from evaluation.catalogue import fold, load_catalogue
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
    """Phase-to-phase flows added up over periods, and how many withheld cells were left out.

    Pass flows of a dataset collapsed with ``over_range`` so that small quarters add up
    before protection; then this only reshapes and counts what stayed withheld.
    """
    if flows is None or not len(flows):
        return pd.DataFrame(columns=["source_phase", "target_phase", "value"]), 0
    withheld = int(flows["people_suppressed"].sum()) if "people_suppressed" in flows else 0
    shown = flows.assign(value=pd.to_numeric(flows["people"], errors="coerce").fillna(0))
    out = (
        shown.groupby(["from_phase", "to_phase"], sort=False)["value"]
        .sum()
        .reset_index()
        .rename(columns={"from_phase": "source_phase", "to_phase": "target_phase"})
    )
    return out, withheld


def totals_over_periods(outputs: pd.DataFrame) -> pd.DataFrame:
    """Output totals per indicator (catalogue order kept), for the context panel.

    Given totals of a dataset collapsed with ``over_range`` there is one period and this only
    reshapes. Given several periods, an indicator whose every period was withheld stays
    withheld; otherwise the shown periods are added up (a lower bound).
    """
    cols = ["indicator", "unit", "value", "value_suppressed", "n_initiatives_reporting"]
    if outputs is None or not len(outputs):
        return pd.DataFrame(columns=cols)
    summed = outputs[outputs["unit"].isin(["count", "hours"])]
    rows = []
    for code, sub in summed.groupby("indicator", sort=False):
        shown = pd.to_numeric(sub["total"], errors="coerce").dropna()
        all_hidden = bool(sub["total_suppressed"].all()) if "total_suppressed" in sub else False
        rows.append(
            {
                "indicator": code,
                "unit": sub["unit"].iloc[0],
                "value": None if all_hidden else float(shown.sum()),
                "value_suppressed": all_hidden,
                "n_initiatives_reporting": int(sub["n_initiatives_reporting"].max()),
            }
        )
    return pd.DataFrame(rows, columns=cols)


@dataclass
class StoryView:
    """Everything the collective-story page draws."""

    puzzle: pd.DataFrame
    coverage: pd.DataFrame
    nodes: pd.DataFrame
    edges: pd.DataFrame
    flows: pd.DataFrame
    flows_withheld: int
    totals: pd.DataFrame
    formal: pd.DataFrame
    n_initiatives: int


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


RANGE = "range"  # the period label of a dataset collapsed over the chosen periods


def over_range(ds: Dataset) -> Dataset:
    """The dataset with every period relabelled as one, so the analyses add up over the
    chosen range *before* protecting small numbers (adding up per-period results would
    leave out every small quarter, and most quarters of a small initiative are small)."""
    frames = ds.frames()
    for name, frame in frames.items():
        if name != "initiatives" and len(frame):
            frames[name] = frame.assign(period=RANGE)
    return Dataset(**frames)


def story_view(ds: Dataset, viewer: Principal) -> StoryView:
    whole = over_range(ds)
    context = analysis.output_totals(whole, viewer=viewer)
    nodes, edges = network_frames(analysis.build_graph(ds, viewer=viewer))
    flows, withheld = flows_over_periods(analysis.phase_flows(whole, viewer=viewer))
    formal = formal_bridges(ds)
    return StoryView(
        puzzle=analysis.phase_puzzle(ds, viewer=viewer),
        coverage=context.phase_coverage,
        nodes=nodes,
        edges=edges,
        flows=flows,
        flows_withheld=withheld,
        totals=totals_over_periods(context.outputs),
        formal=formal,
        n_initiatives=len(ds.initiatives),
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


def profile_view(ds: Dataset, initiative_id: str, viewer: Principal) -> ProfileView:
    ini = ds.initiatives[ds.initiatives["initiative_id"] == initiative_id]
    record = ini.iloc[0].to_dict() if len(ini) else {"initiative_id": initiative_id}
    traj = analysis.trajectories(ds, initiative_id, viewer=viewer)
    own = ds.own_indicators[ds.own_indicators["initiative_id"] == initiative_id]
    own = own.drop_duplicates("indicator", keep="last")
    g = analysis.build_graph(ds, viewer=viewer)
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
    stories = visible_stories(ds, viewer)
    stories = stories[stories["initiative_id"] == initiative_id]
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


def voices_view(ds: Dataset, viewer: Principal, choice: StoryFilter) -> VoicesView:
    """Stories the viewer may read, filtered; the balance of voices over the same stories.

    The balance is drawn over the stories of the chosen phases and themes (all voices), so
    that choosing a voice does not make the balance look one-sided.
    """
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
    flows: go.Figure
    formal: go.Figure
    flows_withheld: int


def story_page(view: StoryView, lang: str) -> StoryPage:
    return StoryPage(
        puzzle=figures.phase_puzzle(view.puzzle, lang),
        totals=figures.output_totals(view.totals, lang),
        network=figures.network(view.nodes, view.edges, lang),
        flows=figures.phase_flows(view.flows, lang),
        formal=figures.formal_bridges(view.formal, lang),
        flows_withheld=view.flows_withheld,
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
            view.nodes, view.edges, lang, title=t("ui.profile.network_title", lang)
        ),
        partner_kinds=figures.partner_kinds(view.partner_kinds, lang),
        self_views=figures.self_views(view.reflections, lang),
        reflections=texts.reflections_markdown(view.reflections, lang),
    )


@dataclass
class VoicesPage:
    balance: go.Figure
    themes: go.Figure
    n_stories: int
    stories: list[tuple[str, str]]  # (title, markdown), newest first, at most STORIES_SHOWN


def voices_page(view: VoicesView, lang: str) -> VoicesPage:
    shown = view.stories.head(texts.STORIES_SHOWN)
    return VoicesPage(
        balance=figures.voice_balance(view.balance, lang),
        themes=figures.themes_over_time(view.themes, lang),
        n_stories=len(view.stories),
        stories=[
            (str(s["title"]), texts.story_markdown(s, str(s["initiative"]), lang))
            for _, s in shown.iterrows()
        ],
    )
