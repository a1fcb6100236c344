"""The collective story, computed: phases, continuity, network, trajectories and voices.

Pure functions over an ``evaluation.model.Dataset`` that return tidy DataFrames (or a
networkx graph). They express the report's relational autonomy: each initiative on its own
scale and in its own words, and its meaning for the others. None returns a ranking, a score,
a target or a pass/fail; lists are in neutral order (name, phase, period). The figures are
exact: what an audience may see of them is decided once, by ``evaluation.disclosure``, for
every output together. A ``viewer`` only decides which stories are read or counted (without
one: the public's).
"""

from evaluation.analysis.continuity import formal_links, phase_flows, referral_flows
from evaluation.analysis.network import (
    build_graph,
    components,
    network_change,
    network_positions,
)
from evaluation.analysis.phases import phase_coverage, phase_puzzle
from evaluation.analysis.portfolio import PortfolioContext, output_totals
from evaluation.analysis.trajectories import durability, trajectories
from evaluation.analysis.voices import reflection_timeline, themes_over_time, voice_balance

__all__ = [
    "PortfolioContext",
    "build_graph",
    "components",
    "durability",
    "formal_links",
    "network_change",
    "network_positions",
    "output_totals",
    "phase_coverage",
    "phase_flows",
    "phase_puzzle",
    "referral_flows",
    "reflection_timeline",
    "themes_over_time",
    "trajectories",
    "voice_balance",
]
