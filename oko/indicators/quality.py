"""Data-quality exclusions: which responses are left out, and how many per reason.

The questionnaire layer marks responses at submission (fictitious drug reported, inconsistent
answers, too fast, straight-lining, most core items missing); whether a flag *excludes* is the
engine's configuration. Reports state how many responses were excluded and why, per area. A
response with several flags counts once in ``excluded`` and under each of its reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from oko.indicators.columns import ResponseColumns
from oko.indicators.groups import LEVELS, Area


@dataclass(frozen=True)
class ExclusionCounts:
    """Submitted responses of an area, how many were excluded, and why."""

    respondents: int
    excluded: int
    #: (flag, responses with it) in configuration order, flags present in the data only.
    by_reason: tuple[tuple[str, int], ...]

    @property
    def kept(self) -> int:
        return self.respondents - self.excluded


def excluded_rows(columns: ResponseColumns, flags: Sequence[str]) -> dict[str, np.ndarray]:
    """The exclusion flags present in ``columns``, in configuration order."""
    return {name: columns.flags[name] for name in flags if name in columns.flags}


def exclusion_counts(
    columns: ResponseColumns, reasons: Mapping[str, np.ndarray]
) -> tuple[ExclusionCounts, dict[Area, ExclusionCounts]]:
    """Counts for the whole wave and for every area with submitted responses."""
    excluded = np.zeros(columns.n, dtype=bool)
    for flagged in reasons.values():
        excluded |= flagged
    total = ExclusionCounts(
        columns.n, int(excluded.sum()), tuple((k, int(v.sum())) for k, v in reasons.items())
    )
    by_area: dict[Area, ExclusionCounts] = {}
    for level, codes in zip(
        LEVELS, (columns.region, columns.municipality, columns.psu), strict=True
    ):
        unique, index = np.unique(codes, return_inverse=True)
        respondents = np.bincount(index, minlength=unique.size)
        dropped = np.bincount(index, weights=excluded, minlength=unique.size)
        per_reason = {
            k: np.bincount(index, weights=v, minlength=unique.size) for k, v in reasons.items()
        }
        for position, code in enumerate(unique.tolist()):
            by_area[Area(level, code)] = ExclusionCounts(
                int(respondents[position]),
                int(dropped[position]),
                tuple((k, int(v[position])) for k, v in per_reason.items()),
            )
    return total, by_area
