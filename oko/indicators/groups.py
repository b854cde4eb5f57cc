"""Where and for whom an estimate is: areas (region, municipality, school) and groups.

Both are small frozen values usable as dict keys. Internally results are addressed by one
int64 key per (indicator, area, group), so lookups and joins between waves are a sorted search
instead of millions of Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from oko.indicators.columns import MAX_GENDER_CODE, MAX_GRADE_CODE


class AreaLevel(StrEnum):
    """Area levels from large to small; a school lies in one municipality, that in a region."""

    REGION = "region"
    MUNICIPALITY = "municipality"
    SCHOOL = "school"


#: Level order used in keys and in every listing.
LEVELS = (AreaLevel.REGION, AreaLevel.MUNICIPALITY, AreaLevel.SCHOOL)


class GroupKind(StrEnum):
    ALL = "all"
    GENDER = "gender"
    GRADE = "grade"
    #: Relative family affluence within the wave (FAS III thirds, :mod:`oko.indicators.equity`).
    AFFLUENCE = "affluence"
    #: School level (praktijkonderwijs, vmbo, havo/vwo, ISK): the equity module's item.
    SCHOOL_LEVEL = "school_level"


#: Highest affluence and school-level codes a group key holds.
MAX_AFFLUENCE_CODE = 7
MAX_SCHOOL_LEVEL_CODE = 15
#: The first key of each breakdown's groups, in the order groups are listed in: after "all"
#: (key 0) the genders, the grades, the affluence groups and the school levels.
_FIRST_KEY = {
    GroupKind.GENDER: 1,
    GroupKind.GRADE: 2 + MAX_GENDER_CODE,
    GroupKind.AFFLUENCE: 3 + MAX_GENDER_CODE + MAX_GRADE_CODE,
    GroupKind.SCHOOL_LEVEL: 4 + MAX_GENDER_CODE + MAX_GRADE_CODE + MAX_AFFLUENCE_CODE,
}
#: Highest code per breakdown.
MAX_CODE = {
    GroupKind.GENDER: MAX_GENDER_CODE,
    GroupKind.GRADE: MAX_GRADE_CODE,
    GroupKind.AFFLUENCE: MAX_AFFLUENCE_CODE,
    GroupKind.SCHOOL_LEVEL: MAX_SCHOOL_LEVEL_CODE,
}


@dataclass(frozen=True, order=True)
class Area:
    level: AreaLevel
    #: The code passed in :class:`~oko.indicators.columns.ResponseColumns` (a database id).
    code: int


@dataclass(frozen=True)
class Group:
    kind: GroupKind
    #: Gender or grade code; None for everyone.
    code: int | None = None

    def __post_init__(self) -> None:
        if (self.kind is GroupKind.ALL) != (self.code is None):
            raise ValueError("the 'all' group has no code; gender and grade groups need one")

    @property
    def key(self) -> int:
        """0 for all, then genders, grades, affluence groups and school levels: also the
        order groups are listed in."""
        if self.kind is GroupKind.ALL:
            return 0
        assert self.code is not None
        return _FIRST_KEY[self.kind] + self.code

    @classmethod
    def from_key(cls, key: int) -> Group:
        if key == 0:
            return ALL
        kind = [k for k, first in _FIRST_KEY.items() if first <= key][-1]
        return cls(kind, key - _FIRST_KEY[kind])

    def __str__(self) -> str:
        return self.kind.value if self.code is None else f"{self.kind.value}={self.code}"


ALL = Group(GroupKind.ALL)


#: A result key holds the group in its low 7 bits and the area code in the 32 above.
GROUP_BITS = 7
AREA_BITS = 32


def result_key(
    indicator: np.ndarray, level: np.ndarray, area: np.ndarray, group: np.ndarray
) -> np.ndarray:
    """Pack (indicator index, level index, area code, group key) into sortable int64 keys."""
    top = np.asarray(indicator, np.int64) * len(LEVELS) + np.asarray(level, np.int64)
    return (
        (top << (AREA_BITS + GROUP_BITS))
        | (np.asarray(area, np.int64) << GROUP_BITS)
        | np.asarray(group, np.int64)
    )
