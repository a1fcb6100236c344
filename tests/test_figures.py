"""The dashboard's figure builders and the number/date formatting, without Streamlit.

Each builder takes tidy frames and a language and returns a plotly Figure: the tests check
the trace types, the titles and axis labels in both languages, the neutral order (by name or
list order, never by value), and that meaning never rests on colour alone.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboards import figures
from evaluation.catalogue import load_catalogue
from evaluation.formatting import (
    format_count,
    format_date,
    format_number,
    format_period,
    plotly_separators,
)
from evaluation.i18n import t


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (1234.5, "nl", "1.234,5"),
        (1234.5, "en", "1,234.5"),
        (1234567, "nl", "1.234.567"),
        (2.5, "en", "2.5"),
        (None, "nl", "–"),
    ],
)
def test_format_number_uses_the_languages_separators(value, lang, text):
    assert format_number(value, lang) == text


def test_format_date_period_and_protected_count():
    assert format_date(dt.date(2025, 3, 3), "nl") == "3 maart 2025"
    assert format_date("2025-03-03", "en") == "3 March 2025"
    assert format_period("2025-Q1", "nl") == "1e kwartaal 2025"
    assert format_period("2025-Q1", "en") == "Q1 2025"
    assert format_period("2025-01-15/2025-03-31", "en") == "15 January 2025 – 31 March 2025"
    assert format_count(3, True, "nl") == "afgeschermd"
    assert format_count(1200, False, "nl") == "1.200"
    assert plotly_separators("nl") == ",."
    assert plotly_separators("en") == ".,"


def _title(fig: go.Figure) -> str:
    return fig.layout.title.text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_phase_puzzle_lists_initiatives_by_name_with_shapes_for_roles(lang):
    puzzle = pd.DataFrame(
        [
            {"name": "zeta huis", "phase": "arrival", "role": "primary"},
            {"name": "Alfa", "phase": "future", "role": "primary"},
            {"name": "Alfa", "phase": "landing", "role": "secondary"},
            {"name": "Éclair", "phase": "landing", "role": "primary"},
            {"name": "Éclair", "phase": "arrival", "role": "none"},
        ]
    )
    fig = figures.phase_puzzle(puzzle, lang)
    assert _title(fig) == t("ui.figures.puzzle_title", lang)
    assert [tr.type for tr in fig.data] == ["scatter", "scatter"]
    # filled and open squares: the role is told by shape, not only by colour
    assert [tr.marker.symbol for tr in fig.data] == ["square", "square-open"]
    assert [tr.name for tr in fig.data] == [
        t("ui.figures.puzzle_primary", lang),
        t("ui.figures.puzzle_secondary", lang),
    ]
    # first name on top (plotly draws the first category at the bottom): Alfa, Éclair, zeta
    assert list(fig.layout.yaxis.categoryarray) == ["zeta huis", "Éclair", "Alfa"]
    assert fig.layout.yaxis.title.text == t("ui.common.initiative", lang)
    assert fig.layout.xaxis.title.text == t("ui.common.phase", lang)
    assert fig.layout.separators == plotly_separators(lang)
    # "none" rows are not drawn
    assert sum(len(tr.y) for tr in fig.data) == 4


def test_network_gives_each_partner_kind_a_shape_and_each_relation_a_dash():
    nodes = pd.DataFrame(
        [
            {"node": "b", "label": "Beta", "kind": "initiative", "x": 0, "y": 0, "degree": 2},
            {"node": "a", "label": "Alfa", "kind": "initiative", "x": 1, "y": 0, "degree": 1},
            {"node": "m", "label": "Gemeente", "kind": "municipality", "x": 0, "y": 1, "degree": 1},
            {"node": "e", "label": "Bakkerij", "kind": "employer", "x": 1, "y": 1, "degree": 1},
        ]
    )
    edges = pd.DataFrame(
        [
            {"source": "b", "target": "a", "relation": "referral_out", "count": 6},
            {"source": "b", "target": "m", "relation": "collaboration", "count": 1},
            {"source": "a", "target": "e", "relation": "learning_exchange", "count": 2},
        ]
    )
    fig = figures.network(nodes, edges, "en")
    assert _title(fig) == t("ui.figures.network_title", "en")
    lines = [tr for tr in fig.data if tr.mode == "lines"]
    markers = [tr for tr in fig.data if tr.mode != "lines"]
    assert len({tr.line.dash for tr in lines}) == 3
    symbols = {tr.name: tr.marker.symbol for tr in markers}
    assert len(set(symbols.values())) == 3, "each kind of partner has its own shape"
    partner_types = load_catalogue().choices("partner_types")
    assert set(symbols) == {
        partner_types.label(k, "en") for k in ("initiative", "municipality", "employer")
    }
    initiatives = next(tr for tr in markers if tr.name == partner_types.label("initiative", "en"))
    assert list(initiatives.text) == ["Alfa", "Beta"], "labels by name, not by degree"


def test_network_is_written_out_with_gaps_between_edges_and_labels_as_text():
    """What the browser receives (the figure as JSON, as ``st.plotly_chart`` sends it): each
    edge is its two ends and a gap (``null``), and labels are plain texts."""
    nodes = pd.DataFrame(
        [
            {"node": "b", "label": "Beta", "kind": "initiative", "x": 0.5, "y": 0, "degree": 2},
            {"node": "a", "label": "Alfa", "kind": "initiative", "x": 1, "y": 0.25, "degree": 1},
            {"node": "m", "label": "Gemeente", "kind": "municipality", "x": 0, "y": 1, "degree": 1},
        ]
    )
    edges = pd.DataFrame(
        [
            {"source": "b", "target": "a", "relation": "collaboration", "count": 6},
            {"source": "b", "target": "m", "relation": "collaboration", "count": 1},
        ]
    )
    sent = json.loads(pio.to_json(figures.network(nodes, edges, "en"), validate=False))
    [line] = [tr for tr in sent["data"] if tr["mode"] == "lines"]
    assert line["x"] == [0.5, 1, None, 0.5, 0, None]
    assert line["y"] == [0, 0.25, None, 0, 1, None]
    initiatives = next(tr for tr in sent["data"] if tr["mode"] != "lines" and "Alfa" in tr["text"])
    assert initiatives["text"] == ["Alfa", "Beta"]
    assert all(isinstance(h, str) for h in initiatives["hovertext"])


def test_network_without_data_says_so():
    fig = figures.network(pd.DataFrame(), pd.DataFrame(), "nl")
    assert fig.layout.annotations[0].text == t("ui.figures.network_empty", "nl")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_flow_map_writes_each_flow_number_and_keeps_within_phase_apart(lang):
    from dashboards import story_figures

    pairs = pd.DataFrame(
        [
            {"from_phase": "arrival", "to_phase": "arrival", "value": 11.0, "withheld": False},
            {"from_phase": "arrival", "to_phase": "landing", "value": 12.0, "withheld": False},
            {"from_phase": "landing", "to_phase": "future", "value": None, "withheld": True},
        ]
    )
    fig = story_figures.flow_map(pairs, lang)
    texts = [a.text for a in fig.layout.annotations]
    # the hand-over to the next phase carries its number on its arrow
    assert "<b>12</b>" in texts
    # a withheld flow is written as the neutral mark, never drawn as a size
    assert f"<b>{t('ui.common.suppressed', lang)}</b>" in texts
    # within a phase is written apart, under the phase: no "Arrival -> Arrival" link
    assert f"{t('story.labels.within', lang)}: <b>11</b>" in texts
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 2
    assert not [tr for tr in fig.data if tr.type == "sankey"]
    assert _title(fig) == t("ui.figures.sankey_title", lang)


def test_flow_map_without_flows_is_an_explained_empty_figure():
    from dashboards import story_figures

    fig = story_figures.flow_map(pd.DataFrame(), "en")
    assert fig.layout.annotations[0].text == t("ui.story.flows_empty", "en")


def test_output_totals_keep_catalogue_order_and_write_protected_values():
    totals = pd.DataFrame(
        [
            {"indicator": "newcomers_participating", "value": 3.0, "value_suppressed": False},
            {"indicator": "volunteer_hours", "value": 1234.5, "value_suppressed": False},
            {"indicator": "starts_paid_work", "value": None, "value_suppressed": True},
        ]
    )
    fig = figures.output_totals(totals, "nl")
    bar = fig.data[0]
    assert bar.type == "bar" and bar.orientation == "h"
    cat = load_catalogue()
    labels = [cat.indicator(c).label("nl") for c in totals["indicator"]]
    # catalogue order top to bottom, not by value
    shown = [s.replace("<br>", " ") for s in fig.layout.yaxis.categoryarray]
    assert [s.split(" (")[0] for s in shown] == list(reversed(labels))
    # a sum that can hold the same newcomer twice says so in its own label
    assert shown[-1] == f"{labels[0]} {t('story.labels.may_double_count', 'nl')}"
    assert shown[0] == labels[-1]
    assert list(bar.text) == ["3", "1.234,5", "afgeschermd"]
    assert fig.layout.xaxis.title.text == t("ui.common.value", "nl")


def test_small_multiples_one_panel_per_indicator_on_its_own_scale():
    series = pd.DataFrame(
        [
            {"indicator": "new_contacts", "label": "New contacts", "period": "2025-Q1", "value": 8},
            {
                "indicator": "new_contacts",
                "label": "New contacts",
                "period": "2025-Q2",
                "value": 11,
            },
            {
                "indicator": "friendships_reported",
                "label": "Friendships",
                "period": "2025-Q1",
                "value": None,
                "value_suppressed": True,
            },
            {
                "indicator": "friendships_reported",
                "label": "Friendships",
                "period": "2025-Q2",
                "value": 6,
                "value_suppressed": False,
            },
        ]
    )
    fig = figures.indicator_small_multiples(series, "en", "Relational")
    assert _title(fig) == "Relational"
    assert [tr.type for tr in fig.data] == ["scatter", "scatter"]
    assert [a.text for a in fig.layout.annotations] == ["New contacts", "Friendships"]
    # separate y axes: each indicator on its own scale
    assert fig.data[0].yaxis != fig.data[1].yaxis
    assert list(fig.data[0].x) == ["Q1 2025", "Q2 2025"]
    assert list(fig.data[1].y) == [None, 6]
    assert list(fig.data[1].text) == ["withheld", "6"]


def test_voice_balance_draws_every_voice_in_list_order():
    balance = pd.DataFrame(
        {
            "voice": ["neighbour", "newcomer", "volunteer", "coordinator", "partner", "employer"],
            "n_stories": [9, 2, 0, 5, 1, 3],
        }
    )
    fig = figures.voice_balance(balance, "nl")
    voices = load_catalogue().choices("voices")
    assert list(fig.data[0].x) == [voices.label(c, "nl") for c in voices.codes]
    assert list(fig.data[0].y) == [2, 0, 5, 1, 3, 9]
    assert fig.layout.yaxis.title.text == t("ui.figures.stories", "nl")


def test_themes_over_time_writes_the_count_in_every_cell():
    themes = pd.DataFrame(
        [
            {"period": "2025-Q1", "theme": "language", "n_stories": 2},
            {"period": "2025-Q2", "theme": "language", "n_stories": 0},
            {"period": "2025-Q1", "theme": "reciprocity", "n_stories": 1},
            {"period": "2025-Q2", "theme": "reciprocity", "n_stories": 3},
        ]
    )
    fig = figures.themes_over_time(themes, "en")
    heat = fig.data[0]
    assert heat.type == "heatmap"
    assert heat.texttemplate == "%{text}", "numbers are written, the shade only repeats them"
    assert heat.showscale is False
    assert list(heat.x) == ["Q1 2025", "Q2 2025"]


def test_self_views_stay_on_the_fixed_rubric_scale():
    refl = pd.DataFrame(
        [
            {"question": "quality_role_fluidity", "period": "2025-Q1", "self_view": 2},
            {"question": "quality_role_fluidity", "period": "2025-Q2", "self_view": 3},
            {"question": "roles_shifted", "period": "2025-Q2", "self_view": None},
        ]
    )
    fig = figures.self_views(refl, "nl")
    assert len(fig.data) == 1
    assert tuple(fig.layout.yaxis.range) == (0.5, 4.5)
    assert fig.layout.yaxis.title.text == t("ui.figures.rubric_step", "nl")


def test_formal_bridges_draw_every_formal_kind_with_its_own_pattern():
    formal = pd.DataFrame(
        [
            {"partner_type": "employer", "n_initiatives": 0},
            {"partner_type": "municipality", "n_initiatives": 2},
        ]
    )
    fig = figures.formal_bridges(formal, "en")
    bar = fig.data[0]
    kinds = load_catalogue().choices("partner_types")
    # the partner-type list's order (municipality before employer), zeros drawn too
    assert list(bar.y) == [kinds.label("municipality", "en"), kinds.label("employer", "en")]
    assert list(bar.x) == [2, 0]
    assert len(set(bar.marker.pattern.shape)) == 2


def test_network_names_move_aside_where_they_would_collide():
    # four initiatives in a tight row: names above all of them would run into each other
    x, y = [0.0, 0.08, 0.16, 0.24], [0.0, 0.0, 0.0, 0.0]
    names = ["Initiatief A", "Initiatief B", "Initiatief C", "Initiatief D"]
    far = [(1.0, 1.0)]  # a partner far away sets the scale
    spots = figures.label_spots(x, y, names, far)
    assert spots[0] == "top center"  # the first name takes the usual place
    assert all(a != b for a, b in zip(spots, spots[1:], strict=False)), spots
    assert figures.label_spots(x, y, names, far) == spots  # the same network, the same labels
    # spread out, every name sits above its marker, as before
    wide = figures.label_spots([0.0, 0.5, 1.0], [0.0, 0.5, 1.0], names[:3])
    assert wide == ["top center"] * 3


def _spots_pair_by_pair(x, y, labels, others=(), area=figures.NETWORK_AREA_PX):
    """The labelling as first written, one pair of boxes at a time: the reference for the
    array version (same choice of spot for every label). Since issue 19 the scale is the one
    at which the markers fill the plot area (``area``) with ``EDGE_PX`` to spare, and a
    box's area outside that plot area counts as much as its overlaps (a name there is cut
    off)."""
    xs, ys = list(x) + [p[0] for p in others], list(y) + [p[1] for p in others]
    edge = figures.EDGE_PX
    fits = [
        (room - 2 * edge) / (max(v) - min(v))
        for room, v in zip(area, (xs, ys), strict=True)
        if max(v) > min(v) and room > 2 * edge
    ]
    scale = min(fits) if fits else 1.0
    cx, cy = (max(xs) + min(xs)) / 2 * scale, (max(ys) + min(ys)) / 2 * scale
    frame = (cx - area[0] / 2, cy - area[1] / 2, cx + area[0] / 2, cy + area[1] / 2)
    m = figures.MARKER_PX
    markers = [
        (a * scale - m, b * scale - m, a * scale + m, b * scale + m)
        for a, b in zip(xs, ys, strict=True)
    ]

    def overlap(a, b):
        w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
        return w * h if w > 0 and h > 0 else 0.0

    placed, spots = [], []
    for i, (px, py, text) in enumerate(zip(x, y, labels, strict=True)):
        w, h = figures.CHAR_PX * len(str(text)) + 4, figures.LINE_PX
        best = None
        for name, (fx, fy), (dx, dy) in figures.LABEL_SPOTS:
            x0, y0 = px * scale + fx * w + dx * m, py * scale + fy * h + dy * m
            box, air = (x0, y0, x0 + w, y0 + h), figures.LABEL_AIR_PX
            aired = (x0 - air, y0 - air, x0 + w + air, y0 + h + air)
            cost = sum(overlap(aired, b) for b in placed)
            cost += sum(overlap(box, q) for j, q in enumerate(markers) if j != i)
            cost += w * h - overlap(box, frame)
            if best is None or cost < best[0] - 1e-9:
                best = (cost, name, box)
            if cost < 1e-9:
                break
        spots.append(best[1])
        placed.append(best[2])
    return spots


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            # crowded: most names would run into another one, or into a marker
            st.floats(0, 0.3, allow_nan=False),
            st.floats(0, 0.3, allow_nan=False),
            st.text("abcdefgh ", min_size=1, max_size=30),
        ),
        min_size=1,
        max_size=40,
    ),
    st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), max_size=10),
)
def test_network_labels_take_the_spots_the_pairwise_search_gives(points, others):
    x, y, labels = (list(v) for v in zip(*points, strict=True))
    assert figures.label_spots(x, y, labels, others) == _spots_pair_by_pair(x, y, labels, others)
    narrow = figures.PROFILE_NETWORK_AREA_PX
    assert figures.label_spots(x, y, labels, others, narrow) == _spots_pair_by_pair(
        x, y, labels, others, narrow
    )


def test_network_figure_uses_the_spots_for_its_initiative_names():
    nodes = pd.DataFrame(
        [
            {"node": f"i{k}", "label": f"Initiatief {k}", "kind": "initiative", "x": k * 0.08,
             "y": 0.0, "degree": 1}
            for k in range(4)
        ]
        + [{"node": "m", "label": "Gemeente", "kind": "municipality", "x": 1, "y": 1, "degree": 1}]
    )  # fmt: skip
    fig = figures.network(nodes, pd.DataFrame(), "nl", area_px=figures.PROFILE_NETWORK_AREA_PX)
    [ini] = [tr for tr in fig.data if tr.mode == "markers+text"]
    expected = figures.label_spots(
        [k * 0.08 for k in range(4)],
        [0.0] * 4,
        [f"Initiatief {k}" for k in range(4)],
        [(1, 1)],
        figures.PROFILE_NETWORK_AREA_PX,  # the narrowest it is drawn: the profile's column
    )
    assert list(ini.textposition) == expected
    assert len(set(expected)) > 1


# an ego network as a profile draws it (issue 19: "Buurtkamer De Lindeboom", leftmost, ran
# out of the chart): three initiatives in a row and their partners around
EGO = pd.DataFrame(
    [
        {"node": "b", "label": "Buurtkamer De Lindeboom", "kind": "initiative", "x": -1.0,
         "y": 0.16, "degree": 1},
        {"node": "d", "label": "Digitale Buurtkring", "kind": "initiative", "x": 1.0,
         "y": -0.16, "degree": 1},
        {"node": "g", "label": "Gastvrij Dak", "kind": "initiative", "x": 0.0, "y": 0.0,
         "degree": 6},
        {"node": "c", "label": "COA", "kind": "coa", "x": -0.3, "y": 0.9, "degree": 1},
        {"node": "m", "label": "Gemeente", "kind": "municipality", "x": 0.6, "y": 0.8,
         "degree": 1},
        {"node": "w", "label": "Woonstad", "kind": "housing_corporation", "x": -0.6, "y": -0.8,
         "degree": 1},
        {"node": "f", "label": "Fonds", "kind": "fund", "x": 0.35, "y": -0.95, "degree": 1},
    ]
)  # fmt: skip


def _drawn_boxes(fig, width, height):
    """The figure's axis ranges as plotly draws them in a plot area of ``width`` x
    ``height`` pixels (the axes share a scale: the range with room to spare is widened about
    its centre), the scale, and the named markers' label boxes in data units at that scale."""
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    scale = min(width / (x1 - x0), height / (y1 - y0))
    half_x, half_y = width / scale / 2, height / scale / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    drawn = (cx - half_x, cy - half_y, cx + half_x, cy + half_y)
    [named] = [tr for tr in fig.data if tr.mode == "markers+text"]
    x, y = list(named.x), list(named.y)
    boxes = figures.label_boxes(x, y, list(named.text), list(named.textposition), scale) / scale
    markers = [
        (a - figures.MARKER_PX / scale, b - figures.MARKER_PX / scale,
         a + figures.MARKER_PX / scale, b + figures.MARKER_PX / scale)
        for tr in fig.data if tr.mode != "lines" for a, b in zip(tr.x, tr.y, strict=True)
    ]  # fmt: skip
    return (x0, y0, x1, y1), drawn, [*map(tuple, boxes.tolist()), *markers]


def _inside(box, area):
    return area[0] <= box[0] and area[1] <= box[1] and box[2] <= area[2] and box[3] <= area[3]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_network_axes_hold_every_name_at_the_profiles_width_and_any_wider(lang):
    """Issue 19: the axes' ranges hold every marker and every name's box as modelled
    (``label_boxes`` at the scale the ranges are drawn at), in the profile's plot area at
    1280 px (the narrowest the network is drawn) and in the story's, wider one. Plotly's
    own ranges padded around the markers only, and the leftmost name was cut off."""
    fig = figures.network(EGO, pd.DataFrame(), lang, area_px=figures.PROFILE_NETWORK_AREA_PX)
    assert fig.layout.yaxis.scaleanchor == "x"
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert x0 < -1.0 and x1 > 1.0 and y0 < -0.95 and y1 > 0.9
    for width, height in (figures.PROFILE_NETWORK_AREA_PX, figures.NETWORK_AREA_PX, (1200, 570)):
        ranges, drawn, boxes = _drawn_boxes(fig, width, height)
        assert all(_inside(b, ranges) for b in boxes[:3]), (width, ranges, boxes[:3])
        assert all(_inside(b, drawn) for b in boxes), (width, drawn, boxes)
    # the model's scale at the profile's width: the network is not shrunk to a dot to make
    # room (the names go inwards, beside the outer markers, rather than over the edge)
    _, drawn, _ = _drawn_boxes(fig, *figures.PROFILE_NETWORK_AREA_PX)
    assert (drawn[2] - drawn[0]) < 2.0 * 1.6, drawn
    [named] = [tr for tr in fig.data if tr.mode == "markers+text"]
    spots = dict(zip(named.text, named.textposition, strict=True))
    assert spots["Buurtkamer De Lindeboom"].endswith("right"), spots
    assert spots["Digitale Buurtkring"].endswith("left"), spots


def _ring(name: str, n: int = 12) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"node": f"i{k}", "label": name.format(chr(65 + k)), "kind": "initiative",
             "x": math.cos(k / n * 2 * math.pi), "y": math.sin(k / n * 2 * math.pi),
             "degree": 1}
            for k in range(n)
        ]
    )  # fmt: skip


def test_network_axes_hold_long_names_at_the_edges_of_a_crowded_network():
    """Every name's box lies inside the ranges, also where the names cannot all go inwards
    and the network is drawn smaller to make room: a dozen initiatives in a ring, on the
    profile's narrow plot area and, with longer names, on the story's change figure."""
    from dashboards import story_figures

    narrow = figures.PROFILE_NETWORK_AREA_PX
    profile = figures.network(_ring("Nieuwe Buren {}-Oost"), pd.DataFrame(), "nl", area_px=narrow)
    change = story_figures.network_change(
        _ring("Stichting Nieuwe Buren {}-Oost"), pd.DataFrame(columns=["change"]), "en"
    )
    for fig, area in (
        (profile, figures.PROFILE_NETWORK_AREA_PX),
        (change, story_figures.CHANGE_AREA_PX),
    ):
        ranges, drawn, boxes = _drawn_boxes(fig, *area)
        assert all(_inside(b, ranges) for b in boxes), (ranges, boxes)
    # a name wider than the plot area fits at no scale: the network is still drawn, at the
    # scale that overflows least, and no smaller than an eighth of the placement's
    long_names = _ring("Stichting Nieuwe Buren {} en Omstreken")
    wide = figures.network(long_names, pd.DataFrame(), "nl", area_px=narrow)
    (x0, x1), (y0, y1) = wide.layout.xaxis.range, wide.layout.yaxis.range
    assert -8 < x0 < -1 < 1 < x1 < 8 and -8 < y0 < -1 < 1 < y1 < 8


def test_a_small_multiple_with_every_value_withheld_says_so_instead_of_standing_empty():
    series = pd.DataFrame(
        [
            {"indicator": "paid_work", "label": "Started paid work", "period": p, "value": None,
             "value_suppressed": True}
            for p in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
        ]
        + [
            {"indicator": "contacts", "label": "New contacts", "period": p, "value": 7,
             "value_suppressed": False}
            for p in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
        ]
    )  # fmt: skip
    fig = figures.indicator_small_multiples(series, "nl", "Output")
    texts = [a.text for a in fig.layout.annotations]
    withheld = figures._wrap(t("ui.figures.panel_withheld", "nl"), 18)
    assert texts.count(withheld) == 1, texts
    assert fig.layout.yaxis.showticklabels is False  # the withheld panel has no empty scale
    assert fig.layout.yaxis2.showticklabels is not False
    # only the first and the last period are written, short, on two lines
    assert list(fig.layout.xaxis.ticktext) == ["1e kw.<br>2025", "4e kw.<br>2025"]


def test_small_multiples_show_shares_as_percentages_and_counts_in_whole_numbers():
    """Issue 19: a share read 0-0,6 on the profile where the report shows %; counts of one
    or two people had ticks at 0,5."""
    rows = [
        {
            "indicator": "friendships",
            "label": "Vriendschap",
            "period": p,
            "value": v,
            "unit": "share",
        }
        for p, v in (("2025-Q1", 0.25), ("2025-Q2", 0.6))
    ] + [
        {"indicator": "returns", "label": "Terug", "period": p, "value": v, "unit": "count"}
        for p, v in (("2025-Q1", 1), ("2025-Q2", 2))
    ]
    fig = figures.indicator_small_multiples(pd.DataFrame(rows), "nl", "Relationeel")
    share_axis, count_axis = fig.layout.yaxis, fig.layout.yaxis2
    assert share_axis.tickformat == ".0%" and tuple(share_axis.range) == (0, 1.05)
    assert list(fig.data[0].text) == ["25%", "60%"]
    assert count_axis.tickformat == ",d" and count_axis.dtick == 1
    assert list(fig.data[1].text) == ["1", "2"]
