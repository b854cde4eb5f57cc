"""The entry points: responses of one or more waves in, :class:`WaveResults` out.

For each wave: exclude flagged responses (counted), weight to pupil counts when given, then
for every indicator estimate every area (regions, municipalities, schools) x group (all, each
reported gender, each grade) with a Taylor-linearised SE; intervals and suppression follow.
Each wave is then compared with the previous wave, with the rest of its parent area, with the
indicator's fixed reference value, and (from three waves) tested for a linear trend; the
p-values of one area's comparisons are adjusted together (Benjamini–Hochberg) and flagged.

Per-wave work lives in :mod:`oko.indicators.estimation`, comparisons in
:mod:`oko.indicators.wave_comparisons`. Everything is vectorised over domains (see
:mod:`oko.indicators.cube`); Python loops run over indicators and (for labels) areas, never
over responses or groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oko.indicators.columns import ResponseColumns
from oko.indicators.config import EngineConfig
from oko.indicators.definitions import IndicatorSet
from oko.indicators.estimation import WaveEstimates
from oko.indicators.results import WaveResults
from oko.indicators.wave_comparisons import wave_results
from oko.indicators.weighting import PopulationCounts


@dataclass(frozen=True)
class WaveInput:
    """One wave's responses. ``time`` orders waves and scores the trend (e.g. the year)."""

    label: str
    time: float
    columns: ResponseColumns
    #: Pupils per (municipality, gender, grade) for post-stratification; None: weights as
    #: given in the columns (1 by default).
    population: PopulationCounts | None = None


def compute_waves(
    waves: Sequence[WaveInput], indicators: IndicatorSet, config: EngineConfig | None = None
) -> tuple[WaveResults, ...]:
    """Results for every wave, each compared with the waves before it (in ``time`` order)."""
    config = config or EngineConfig()
    ordered = _chronological(waves)
    computed = [WaveEstimates.compute(wave, indicators, config) for wave in ordered]
    return tuple(wave_results(computed[: i + 1], indicators, config) for i in range(len(computed)))


def compute_wave(
    current: WaveInput,
    previous: Sequence[WaveInput],
    indicators: IndicatorSet,
    config: EngineConfig | None = None,
) -> WaveResults:
    """Results for ``current``, compared with the earlier waves in ``previous``."""
    config = config or EngineConfig()
    ordered = _chronological([*previous, current])
    if ordered[-1] is not current:
        raise ValueError(f"wave {current.label!r} is not later than every previous wave")
    computed = [WaveEstimates.compute(wave, indicators, config) for wave in ordered]
    return wave_results(computed, indicators, config)


def _chronological(waves: Sequence[WaveInput]) -> list[WaveInput]:
    ordered = sorted(waves, key=lambda wave: wave.time)
    labels = [wave.label for wave in ordered]
    if len(set(labels)) != len(labels):
        raise ValueError(f"wave labels must be unique, got {labels}")
    times = [wave.time for wave in ordered]
    if len(set(times)) != len(times):
        raise ValueError(f"wave times must differ, got {times}")
    return ordered
