"""Responses of one wave as columns: the indicator engine's only input.

A stored answer dict distinguishes *answered*, *shown but not answered* (key with ``None``) and
*not asked* (key absent, routed past). Denominators depend on that difference, so the columns
keep it as two negative codes instead of collapsing both into "missing".

The design columns say how students were surveyed: in whole classes within schools. The school
is the "school" area and, when schools are sampled, the primary sampling unit (PSU); when every
school took part, its class sessions are the PSUs (see
:class:`~oko.indicators.config.SchoolDesign`). Class sessions lie in exactly one school,
schools in exactly one municipality and municipalities in exactly one region (as in
:mod:`oko.models.areas`); the constructor checks this nesting because "rest of the region"
comparisons and protection against recovery by subtraction rely on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

NOT_ANSWERED = -1
"""Shown to the student but not answered (key present, value ``None``)."""

NOT_ASKED = -2
"""Routed past by a ``show_if`` condition (key absent)."""

#: Gender and grade codes are packed into small group keys (see :mod:`oko.indicators.groups`).
MAX_GENDER_CODE = 15
MAX_GRADE_CODE = 46
#: Area codes (database ids, usually) are packed into 32 bits of a result key.
MAX_AREA_CODE = 2**31 - 1


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _codes(name: str, values: Any, n: int | None) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a 1-d array, got shape {array.shape}")
    if n is not None and array.shape[0] != n:
        raise ValueError(f"{name}: expected {n} rows, got {array.shape[0]}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name}: expected integer codes, got dtype {array.dtype}")
    return array


@dataclass(frozen=True, eq=False)
class ResponseColumns:
    """One row per response, one read-only array per column.

    ``answers`` holds an int16 array per item id: a code ``>= 0`` when answered,
    :data:`NOT_ANSWERED` or :data:`NOT_ASKED` otherwise. ``psu`` is the school code (the school
    area, and the PSU unless class sessions are); ``municipality`` and ``region`` are area codes;
    ``gender`` and ``grade`` hold codes or :data:`NOT_ANSWERED`. ``stratum`` is optional and
    constant within a school; ``class_session`` is optional and holds the class session each
    response was given in, or :data:`NOT_ANSWERED` for a response without one (an import);
    ``weight`` defaults to 1. ``flags`` holds one boolean array per
    data-quality flag (e.g. ``"fictitious_drug"``); which flags exclude a response is decided
    by :class:`oko.indicators.config.EngineConfig`, not here.
    """

    answers: Mapping[str, np.ndarray]
    psu: np.ndarray
    municipality: np.ndarray
    region: np.ndarray
    gender: np.ndarray
    grade: np.ndarray
    weight: np.ndarray | None = None
    stratum: np.ndarray | None = None
    class_session: np.ndarray | None = None
    flags: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        psu = _codes("psu", self.psu, None).astype(np.int64)
        n = psu.shape[0]
        set_ = object.__setattr__
        set_(self, "psu", _frozen(psu))
        for name in ("municipality", "region"):
            set_(self, name, _frozen(_codes(name, getattr(self, name), n).astype(np.int64)))
        for name in ("gender", "grade"):
            set_(self, name, _frozen(_codes(name, getattr(self, name), n).astype(np.int16)))
        if self.stratum is not None:
            set_(self, "stratum", _frozen(_codes("stratum", self.stratum, n).astype(np.int64)))
        if self.class_session is not None:
            sessions = _codes("class_session", self.class_session, n).astype(np.int64)
            set_(self, "class_session", _frozen(sessions))
        for name in ("psu", "municipality", "region", "stratum"):
            values = getattr(self, name)
            if values is None:
                continue
            if n and (values.min() < 0 or values.max() > MAX_AREA_CODE):
                raise ValueError(f"{name}: codes must lie in 0..{MAX_AREA_CODE}")
        checked = self.class_session
        if (
            checked is not None
            and n
            and (checked.min() < NOT_ANSWERED or checked.max() > MAX_AREA_CODE)
        ):
            raise ValueError(
                f"class_session: codes must lie in 0..{MAX_AREA_CODE} or be NOT_ANSWERED "
                f"({NOT_ANSWERED})"
            )
        for name, top in (("gender", MAX_GENDER_CODE), ("grade", MAX_GRADE_CODE)):
            values = getattr(self, name)
            bad = (values != NOT_ANSWERED) & ((values < 0) | (values > top))
            if bad.any():
                raise ValueError(
                    f"{name}: codes must lie in 0..{top} or be NOT_ANSWERED ({NOT_ANSWERED}); "
                    f"row {int(np.flatnonzero(bad)[0])} has {int(values[bad][0])}"
                )
        weight = np.ones(n) if self.weight is None else np.asarray(self.weight, dtype=np.float64)
        if weight.shape != (n,):
            raise ValueError(f"weight: expected {n} rows, got shape {weight.shape}")
        if n and not (np.isfinite(weight).all() and (weight > 0).all()):
            raise ValueError("weight: every weight must be finite and greater than 0")
        set_(self, "weight", _frozen(weight))
        answers = {}
        for item_id, values in self.answers.items():
            array = _codes(f"answers[{item_id!r}]", values, n)
            if array.size and array.min() < NOT_ASKED:
                raise ValueError(f"answers[{item_id!r}]: codes below {NOT_ASKED} are not allowed")
            answers[item_id] = _frozen(array.astype(np.int16))
        set_(self, "answers", MappingProxyType(answers))
        flags = {}
        for name, values in self.flags.items():
            array = np.asarray(values)
            if array.shape != (n,) or array.dtype != np.bool_:
                raise ValueError(f"flags[{name!r}]: expected {n} booleans")
            flags[name] = _frozen(array.copy())
        set_(self, "flags", MappingProxyType(flags))
        self._check_nesting()

    def _check_nesting(self) -> None:
        _check_function("psu", self.psu, "municipality", self.municipality)
        _check_function("municipality", self.municipality, "region", self.region)
        if self.stratum is not None:
            _check_function("psu", self.psu, "stratum", self.stratum)
        if self.class_session is not None:
            known = self.class_session >= 0
            _check_function("class_session", self.class_session[known], "school", self.psu[known])

    @property
    def n(self) -> int:
        """Number of responses (rows)."""
        return int(self.psu.shape[0])

    def subset(self, rows: np.ndarray) -> ResponseColumns:
        """The responses selected by a boolean mask or an index array, same columns."""
        return ResponseColumns(
            answers={k: v[rows] for k, v in self.answers.items()},
            psu=self.psu[rows],
            municipality=self.municipality[rows],
            region=self.region[rows],
            gender=self.gender[rows],
            grade=self.grade[rows],
            weight=self.weight[rows] if self.weight is not None else None,
            stratum=self.stratum[rows] if self.stratum is not None else None,
            class_session=self.class_session[rows] if self.class_session is not None else None,
            flags={k: v[rows] for k, v in self.flags.items()},
        )


def _check_function(name: str, keys: np.ndarray, target: str, values: np.ndarray) -> None:
    """Each key must map to one value (a school lies in one municipality, and so on)."""
    if keys.size == 0:
        return
    pairs = np.unique((keys << 32) | values)
    pair_keys = pairs >> 32
    duplicated = np.flatnonzero(pair_keys[1:] == pair_keys[:-1])
    if duplicated.size:
        key = int(pair_keys[duplicated[0]])
        found = sorted(int(v) for v in pairs[pair_keys == key] & 0xFFFFFFFF)
        raise ValueError(f"{name} {key} lies in more than one {target}: {found}")


def encode_answers(
    responses: Iterable[Mapping[str, Any]], item_ids: Sequence[str]
) -> dict[str, np.ndarray]:
    """Answer dicts (the stored convention) to one int16 column per item id.

    Key absent -> :data:`NOT_ASKED`; ``None`` -> :data:`NOT_ANSWERED`; an int -> that code.
    Lists (multiple choice) and text are not used by indicators and are refused for the items
    asked for, so a mistake in an indicator definition surfaces here instead of as zeros.
    """
    rows = list(responses)
    columns = {item: np.full(len(rows), NOT_ASKED, dtype=np.int16) for item in item_ids}
    for index, answers in enumerate(rows):
        for item, column in columns.items():
            if item not in answers:
                continue
            value = answers[item]
            if value is None:
                column[index] = NOT_ANSWERED
            elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                column[index] = value
            else:
                raise ValueError(
                    f"response {index}, item {item!r}: expected a code >= 0 or None, got {value!r}"
                )
    return columns
