"""The breakdowns of a wave: which group each response is in, per dimension.

Gender and grade always; affluence (FAS III thirds within the wave) and school level when
the questionnaire asks for them (its indicator file lists them under ``breakdowns``). A
response without a code for a dimension (no gender given, an incomplete FAS) is in none of
its groups: an unpublished remainder, so a dimension's groups need not add up to the total.

Affluence and school level are estimated for regions and municipalities, not per school
(:attr:`Breakdown.per_school`). Per school they would add little a coalition acts on (a
school's students mostly share one level, and its affluence thirds are a handful of students
each), while each of their many small groups is a value to hide and to protect: with them
per school, the disclosure audit made computing a wave's results about eight times slower.
A school's group that is not estimated is not published at all (no count either), so it is
no equation a reader could use, and the audit leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oko.indicators.columns import NOT_ANSWERED, ResponseColumns
from oko.indicators.equity import (
    HIGH,
    LOW,
    MIDDLE,
    SCHOOL_LEVEL_ITEM,
    affluence_groups,
    fas_scores,
)
from oko.indicators.groups import MAX_CODE, GroupKind


@dataclass(frozen=True, eq=False)
class Breakdown:
    """One dimension: each row's code (:data:`NOT_ANSWERED` when in no group) and the codes
    reported as groups."""

    kind: GroupKind
    codes: np.ndarray
    reported: tuple[int, ...]
    #: Estimated for every school too (else for regions and municipalities only).
    per_school: bool = True


def wave_breakdowns(
    columns: ResponseColumns,
    weight: np.ndarray,
    gender_groups: tuple[int, ...],
    optional: tuple[str, ...] = (),
) -> tuple[Breakdown, ...]:
    """The wave's breakdowns in group order: gender (the reported genders), grade (those
    present), then the optional ones named in ``optional`` (affluence, school_level)."""
    grades = np.unique(columns.grade[columns.grade >= 0])
    found = [
        Breakdown(GroupKind.GENDER, columns.gender, tuple(sorted(set(gender_groups)))),
        Breakdown(GroupKind.GRADE, columns.grade, tuple(int(g) for g in grades)),
    ]
    if "affluence" in optional:
        score, has_score = fas_scores(columns.answers)
        groups = affluence_groups(score, has_score, weight)
        present = tuple(g for g in (LOW, MIDDLE, HIGH) if (groups == g).any())
        found.append(Breakdown(GroupKind.AFFLUENCE, groups, present, per_school=False))
    if "school_level" in optional and SCHOOL_LEVEL_ITEM in columns.answers:
        raw = columns.answers[SCHOOL_LEVEL_ITEM]
        top = MAX_CODE[GroupKind.SCHOOL_LEVEL]
        levels = np.where((raw >= 0) & (raw <= top), raw, NOT_ANSWERED).astype(np.int16)
        present = tuple(int(code) for code in np.unique(levels[levels >= 0]))
        found.append(Breakdown(GroupKind.SCHOOL_LEVEL, levels, present, per_school=False))
    return tuple(found)
