"""The collective story, computed: phases, continuity, network, trajectories and voices.

Pure functions over an ``evaluation.model.Dataset`` that return tidy DataFrames (or a
networkx graph). They express the report's relational autonomy: each initiative on its own
scale and in its own words, and its meaning for the others. None returns a ranking, a score,
a target or a pass/fail; lists are in neutral order (name, phase, period). Functions that
return counts of people or stories take a ``viewer`` and protect small numbers and stories;
without one they show what the public may see (public stories, every small count withheld).
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
from evaluation.analysis.suppression import shown_value, small_number_threshold, suppress
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
    "shown_value",
    "small_number_threshold",
    "suppress",
    "themes_over_time",
    "trajectories",
    "voice_balance",
]
