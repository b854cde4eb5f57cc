"""Where and for whom an estimate is: areas (region, municipality, school) and groups.

Both are small frozen values usable as dict keys. Internally results are addressed by one
int64 key per (indicator, area, group), so lookups and joins between waves are a sorted search
instead of millions of Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from oko.indicators.columns import MAX_GENDER_CODE


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
        """0 for all, then genders, then grades: also the order groups are listed in."""
        if self.kind is GroupKind.ALL:
            return 0
        assert self.code is not None
        if self.kind is GroupKind.GENDER:
            return 1 + self.code
        return 2 + MAX_GENDER_CODE + self.code

    @classmethod
    def from_key(cls, key: int) -> Group:
        if key == 0:
            return ALL
        if key <= 1 + MAX_GENDER_CODE:
            return cls(GroupKind.GENDER, key - 1)
        return cls(GroupKind.GRADE, key - 2 - MAX_GENDER_CODE)

    def __str__(self) -> str:
        return self.kind.value if self.code is None else f"{self.kind.value}={self.code}"


ALL = Group(GroupKind.ALL)


#: A result key holds the group in its low 6 bits and the area code in the 32 above.
GROUP_BITS = 6
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
