"""Indicator engine: survey responses in, trustworthy local indicators out.

Pure (numpy and scipy only): no web framework, no database. The service layer turns stored
responses into :class:`ResponseColumns`, calls :func:`compute_wave` or :func:`compute_waves`,
and hands the :class:`WaveResults` to reports, dashboards and exports. Methods and reference
values: ``STATISTICS.md`` in the shared documentation; every threshold is in
:class:`EngineConfig`.
"""

from oko.indicators.columns import NOT_ANSWERED, NOT_ASKED, ResponseColumns, encode_answers
from oko.indicators.config import EngineConfig, IntervalMethod, SchoolDesign
from oko.indicators.definitions import (
    Direction,
    Domain,
    Indicator,
    IndicatorDefinitionError,
    IndicatorSet,
    Kind,
    NotAsked,
    Reference,
    load_indicators,
)
from oko.indicators.engine import WaveInput, compute_wave, compute_waves
from oko.indicators.flagging import Flag
from oko.indicators.groups import ALL, Area, AreaLevel, Group, GroupKind
from oko.indicators.quality import ExclusionCounts
from oko.indicators.reliability import Reliability
from oko.indicators.results import Comparison, ComparisonKind, Estimate, WaveResults
from oko.indicators.suppression import Reason
from oko.indicators.weighting import PopulationCounts

__all__ = [
    "ALL",
    "NOT_ANSWERED",
    "NOT_ASKED",
    "Area",
    "AreaLevel",
    "Comparison",
    "ComparisonKind",
    "Direction",
    "Domain",
    "EngineConfig",
    "Estimate",
    "ExclusionCounts",
    "Flag",
    "Group",
    "GroupKind",
    "Indicator",
    "IndicatorDefinitionError",
    "IndicatorSet",
    "IntervalMethod",
    "Kind",
    "NotAsked",
    "PopulationCounts",
    "Reason",
    "Reference",
    "Reliability",
    "ResponseColumns",
    "SchoolDesign",
    "WaveInput",
    "WaveResults",
    "compute_wave",
    "compute_waves",
    "encode_answers",
    "load_indicators",
]
