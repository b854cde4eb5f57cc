"""Suppression: the one place that decides which numbers may be shown.

Primary suppression, per estimate, in this order of precedence (the first that applies is the
reason given):

1. ``no_data``: no valid answer in the group (empty groups included);
2. ``school_too_small``: a school with fewer respondents than the minimum gets no results;
3. ``small_denominator``: fewer valid answers than the minimum (CDC: 30);
4. ``small_count``: sensitive proportion whose count of "yes" or of "no" is 1..4 (disclosure);
5. ``wide_interval``: Korn–Graubard interval at least 30 points wide (NCHS), or no interval
   at all because there are no degrees of freedom (any kind of estimate);
6. ``relative_width``: interval wider than 5 points and more than 130% of the smaller of
   p and 1 - p (NCHS; using the smaller keeps p and its complement 1 - p consistent).

Points 5-6 apply to proportions; means have no such standard and are judged on 1-3.
"Interpret with caution": a published proportion with an interval wider than 20 points, or
any published estimate with fewer than 8 degrees of freedom.

Complementary (secondary) suppression makes sure a hidden value cannot be recovered by
subtraction. Published numbers form *lines*: a total and the parts it is the sum of, plus an
unpublished remainder (all students = boys + girls + those who gave another or no gender;
a municipality = its schools; a region = its municipalities). In every line where a value
with data is hidden, either the total is hidden and the hidden mass (hidden parts plus
remainder) has at least the minimum denominator, or the total is shown and the hidden parts
are at least two *and* hold together at least the minimum denominator *and*, for sensitive
items, do not hold 1..4 "yes" (or "no") answers together (their sum is known by subtraction,
and would bound each of them below the small-count threshold). Otherwise the smallest shown
part is hidden too (the total when no part is left), and all lines are checked again until
none changes. A number obtained by
subtraction is then always a mix of at least two groups, never one hidden group.

The unpublished remainder never protects a hidden part of a shown total: it is usually a
handful of students (gender "other" or not given), so "all minus boys" would come within a
point or two of the hidden girls. Two published parts must be hidden instead.

"The rest of the parent area" (a municipality without this school) is a published number too:
with the school's value it gives the municipality's. It is therefore shown only where the
parent's own value is shown (:func:`rest_of_parent_shown`), so it never reveals more than the
table itself; ``oko audit disclosure`` checks the whole of what is published.

Lines are checked one at a time, and two lines can still pin a hidden value down together
(a school's girls are "all" minus its boys in one line, and the municipality's girls minus
the other schools' girls in another). So the table is then audited as statistical offices do
(τ-ARGUS, sdcTable): :func:`audited` solves, per indicator and per group of linked hidden
values, how far each hidden value can move while every line still adds up
(:mod:`oko.indicators.disclosure`), hides one more value wherever a hidden value cannot
reach its protection interval (:func:`protection`), applies the line rules again, and
repeats until every hidden value is protected. Values hidden as complements are held to an
interval too: a value that is hidden but can be worked out exactly from what is shown is
published in all but name, and no longer protects anything.

Readers learn only *that* a value is hidden (:func:`published_reason`): "too few students
gave this answer" would tell them what the value was.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import cast

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from oko.indicators.config import EngineConfig
from oko.indicators.disclosure import Cell, Relation, feasible_ranges


class Reason(StrEnum):
    NO_DATA = "no_data"
    SCHOOL_TOO_SMALL = "school_too_small"
    SMALL_DENOMINATOR = "small_denominator"
    SMALL_COUNT = "small_count"
    WIDE_INTERVAL = "wide_interval"
    RELATIVE_WIDTH = "relative_width"
    COMPLEMENTARY = "complementary"


#: The one reason published for every hidden value that has data: a reason must not tell
#: what the value would have been (a "small count" says only a few students answered yes).
HIDDEN = "hidden"


def published_reason(reason: Reason | None) -> str | None:
    """What readers are told: nothing for a shown value, ``no_data`` for an empty group,
    and :data:`HIDDEN` for every other reason."""
    if reason is None or reason is Reason.NO_DATA:
        return reason.value if reason else None
    return HIDDEN


#: Reason codes in result arrays: 0 is "published", then the reasons in precedence order.
REASON_BY_CODE: tuple[Reason | None, ...] = (None, *Reason)
CODE = {reason: code for code, reason in enumerate(REASON_BY_CODE) if reason is not None}


def primary_reasons(
    *,
    n: np.ndarray,
    df: np.ndarray,
    k: np.ndarray,
    value: np.ndarray,
    kg_lower: np.ndarray,
    kg_upper: np.ndarray,
    proportion: np.ndarray,
    sensitive: np.ndarray,
    school_too_small: np.ndarray,
    config: EngineConfig,
) -> np.ndarray:
    """Reason code per estimate (0: may be published)."""
    width = kg_upper - kg_lower
    smaller = np.minimum(value, 1 - value)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(smaller > 0, width / smaller, np.inf)
    small = config.sensitive_small_count
    no = n - k
    rules = [
        (Reason.NO_DATA, n <= 0),
        (Reason.SCHOOL_TOO_SMALL, school_too_small),
        (Reason.SMALL_DENOMINATOR, n < config.min_denominator),
        (
            Reason.SMALL_COUNT,
            proportion & sensitive & (((k >= 1) & (k <= small)) | ((no >= 1) & (no <= small))),
        ),
        (
            Reason.WIDE_INTERVAL,
            (df < 1) | (proportion & (width >= config.max_interval_width)),
        ),
        (
            Reason.RELATIVE_WIDTH,
            proportion
            & (width > config.relative_width_exempt_below)
            & (relative > config.max_relative_width),
        ),
    ]
    reason = np.zeros(n.shape, dtype=np.int8)
    for rule, applies in reversed(rules):
        reason = np.where(applies, CODE[rule], reason).astype(np.int8)
    return reason


def caution(
    *,
    reason: np.ndarray,
    df: np.ndarray,
    kg_lower: np.ndarray,
    kg_upper: np.ndarray,
    proportion: np.ndarray,
    config: EngineConfig,
) -> np.ndarray:
    """Published estimates to "interpret with caution"."""
    wide = proportion & (kg_upper - kg_lower > config.caution_interval_width)
    return (reason == 0) & (wide | (df < config.caution_min_df))


@dataclass(frozen=True)
class Lines:
    """Additive relations between published estimates (see the module docstring).

    One entry per (line, estimate): ``line`` id, ``member`` estimate index, ``total`` True
    for the line's total. Every line has exactly one total.
    """

    line: np.ndarray
    member: np.ndarray
    total: np.ndarray


def complementary(
    reason: np.ndarray,
    n: np.ndarray,
    lines: Lines,
    minimum: int,
    *,
    counts: np.ndarray | None = None,
    small_count: int = 0,
) -> np.ndarray:
    """Reason codes with complementary suppression added (code for ``complementary``).

    ``counts``: the "yes" count of sensitive proportions (NaN elsewhere). Under a shown total
    the hidden parts together are then also held to the small-count rule: their sum is known
    by subtraction, and a sum of 1..``small_count`` "yes" (or "no") would bound every hidden
    part below the small-count threshold.
    """
    reason = reason.copy()
    n = np.asarray(n, dtype=np.float64)
    counts = np.full(n.shape, np.nan) if counts is None else np.asarray(counts, np.float64)
    sensitive = ~np.isnan(counts)
    yes = np.nan_to_num(counts)
    if lines.line.size == 0:
        return reason
    n_lines = int(lines.line.max()) + 1
    line_total = np.zeros(n_lines, np.intp)
    line_total[lines.line[lines.total]] = lines.member[lines.total]
    part_line, part = lines.line[~lines.total], lines.member[~lines.total]
    remainder = n[line_total] - np.bincount(part_line, weights=n[part], minlength=n_lines)
    remainder = np.maximum(np.round(remainder), 0)
    # Candidates to hide, smallest first within each line.
    order = np.lexsort((part, n[part], part_line))
    part_line, part = part_line[order], part[order]

    def small_sum(hidden: np.ndarray) -> np.ndarray:
        """Lines whose hidden parts hold 1..small_count "yes" or "no" answers together."""
        mask = hidden[part] & sensitive[part]
        hidden_yes = np.bincount(
            part_line, weights=np.where(mask, yes[part], 0.0), minlength=n_lines
        )
        hidden_no = np.bincount(
            part_line, weights=np.where(mask, n[part] - yes[part], 0.0), minlength=n_lines
        )
        sensitive_line = np.bincount(part_line, weights=mask, minlength=n_lines) > 0
        return sensitive_line & (
            ((hidden_yes >= 1) & (hidden_yes <= small_count))
            | ((hidden_no >= 1) & (hidden_no <= small_count))
        )

    while True:
        hidden = (reason > 0) & (n > 0)
        total_hidden = hidden[line_total]
        hidden_parts = np.bincount(part_line, weights=hidden[part], minlength=n_lines)
        hidden_mass = remainder + np.bincount(
            part_line, weights=np.where(hidden[part], n[part], 0.0), minlength=n_lines
        )
        # Under a shown total the remainder is no protection (see the module docstring).
        unsafe = np.where(
            total_hidden,
            hidden_mass < minimum,
            (hidden_parts >= 1)
            & ((hidden_parts < 2) | (hidden_mass - remainder < minimum) | small_sum(hidden)),
        )
        if not unsafe.any():
            return reason
        shown = (reason[part] == 0) & (n[part] > 0) & unsafe[part_line]
        lines_with, first = np.unique(part_line[shown], return_index=True)
        to_hide = [part[shown][first]]
        without = np.ones(n_lines, dtype=bool)
        without[lines_with] = False
        totals = line_total[unsafe & without & ~total_hidden & (n[line_total] > 0)]
        to_hide.append(totals)
        newly = np.concatenate(to_hide)
        newly = newly[reason[newly] == 0]
        if newly.size == 0:
            return reason
        reason[newly] = CODE[Reason.COMPLEMENTARY]


def rest_of_parent_shown(
    shown: np.ndarray, child: np.ndarray, parent: np.ndarray, *, protect: bool = True
) -> np.ndarray:
    """Whether "parent without child" may be published, per (child, parent) row pair.

    Only with the child's value shown (it is compared with it) and, when ``protect``, the
    parent's too: a hidden parent is its shown child plus this rest, so the rest would give
    it away. ``protect=False`` exists so the disclosure audit can be shown to catch that leak.
    """
    publishable = shown[child]
    if protect:
        publishable = publishable & shown[parent]
    return publishable


#: Hidden because the group or school is small: its answers must stay as uncertain as a
#: small count.
SMALL_GROUPS = frozenset({Reason.SMALL_DENOMINATOR, Reason.SCHOOL_TOO_SMALL})
#: How far either way a value hidden because its group or school is small must be able to
#: lie, as a share of the answer scale (ten percentage points for a proportion).
SMALL_GROUP_MARGIN = 0.10
#: How close a feasible range must come to the ends of a protection interval, in students:
#: with weights one student counts for a little more or less than 1 / n of a group.
HALF_A_STUDENT = 0.5
#: How many students' answers either way a value hidden as a complement must be able to
#: move by (see :func:`protection`).
COMPLEMENT_STUDENTS = 1
#: Reasons whose hidden values need a protection interval of their own (imprecise values,
#: hidden for a wide interval, are not sensitive and only take part in the equations).
GUARDED = frozenset({Reason.SMALL_COUNT, Reason.COMPLEMENTARY, *SMALL_GROUPS})


def protection(
    reason: Reason | None,
    value: float,
    n: float,
    lowest: float,
    highest: float,
    small_count: int,
    *,
    complementary: bool = True,
) -> tuple[tuple[float, float], float] | None:
    """The interval a hidden value must be able to lie anywhere in, and the slack with which
    a feasible range counts as reaching its ends; None when the value protects others only.

    A small count of "yes" (or "no") must be able to be anything from 0 to ``small_count``;
    a small group's value anything within :data:`SMALL_GROUP_MARGIN` of its true value.
    A complement (unless ``complementary`` is off) must be able to lie
    :data:`COMPLEMENT_STUDENTS` students' worth either side of its true value: hidden, it
    must never be worked out to the student, or it would be published in all but name. It is
    a large group's value hidden only to protect another, so it needs no more: a fixed
    ± 10 points is out of reach for every large school next to a small one (its value moves
    by the small school's answers divided among its own pupils) and would hide whole
    municipalities for no gain. Imprecise values need no interval of their own.
    """
    guarded = GUARDED if complementary else GUARDED - {Reason.COMPLEMENTARY}
    if n <= 0 or reason not in guarded:
        return None
    slack = HALF_A_STUDENT * (highest - lowest) / n
    if reason is Reason.SMALL_COUNT:
        share = min(1.0, small_count / n)
        return ((0.0, share) if value <= 0.5 else (1.0 - share, 1.0)), slack
    if reason is Reason.COMPLEMENTARY:
        margin = min(1.0, COMPLEMENT_STUDENTS / n) * (highest - lowest)
    else:
        margin = SMALL_GROUP_MARGIN * (highest - lowest)
    return (max(lowest, value - margin), min(highest, value + margin)), slack


def audited(
    reason: np.ndarray,
    lines: Lines,
    *,
    n: np.ndarray,
    size: np.ndarray,
    value: np.ndarray,
    lowest: np.ndarray,
    highest: np.ndarray,
    block: np.ndarray,
    minimum: int,
    counts: np.ndarray | None = None,
    small_count: int = 0,
    protect_complementary: bool = True,
) -> np.ndarray:
    """Reason codes after :func:`complementary` with as much more hidden as the audit needs.

    Every estimate is a cell of the linear system of the table: shown ones are constants,
    hidden ones unknowns between ``lowest`` and ``highest``, and every line says its total
    times its size is the sum of its parts' (plus an unknown remainder). Where a hidden value
    cannot reach its protection interval, the smallest shown part of a line it is in is hidden
    (the line's total when no part is shown; further along linked lines when the lines are
    all hidden), the line rules are applied again, and the ``block`` (an indicator: lines
    never cross blocks) is audited again, until nothing fails. Rest-of-parent values add
    nothing here: they are published only where both their values are
    (:func:`rest_of_parent_shown`). ``protect_complementary=False`` leaves complements
    without an interval of their own (see :func:`protection`).
    """
    reason = complementary(reason, n, lines, minimum, counts=counts, small_count=small_count)
    if lines.line.size == 0:
        return reason
    entry_block = block[lines.member]
    check = np.unique(entry_block)
    while check.size:
        entries = np.isin(entry_block, check)
        failing = _unprotected(
            reason,
            lines,
            entries,
            (n, size, value, lowest, highest),
            small_count,
            complementary=protect_complementary,
        )
        newly = {_to_hide(cell, reason, lines, entries, n, size) for cell in failing}
        newly.discard(None)
        if not newly:
            return reason
        hide = np.fromiter(newly, dtype=np.intp)
        reason[hide] = CODE[Reason.COMPLEMENTARY]
        reason = complementary(reason, n, lines, minimum, counts=counts, small_count=small_count)
        check = np.unique(block[np.asarray(failing, dtype=np.intp)])
    return reason


def _unprotected(
    reason: np.ndarray,
    lines: Lines,
    entries: np.ndarray,
    columns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    small_count: int,
    *,
    complementary: bool,
) -> list[int]:
    """Hidden estimates (in the lines ``entries`` selects) whose feasible range does not cover
    their protection interval; ``columns`` are n, size, value, lowest and highest."""
    n, size, value, lowest, highest = columns
    present = (n > 0) & (size > 0)
    hidden = (reason > 0) & present
    keep = entries & present[lines.member]
    line, member, total = lines.line[keep], lines.member[keep], lines.total[keep]
    # Lines with a hidden value and a total (without one there is no equation).
    with_hidden = np.intersect1d(line[hidden[member]], line[total])
    if with_hidden.size == 0:
        return []
    keep = np.isin(line, with_hidden)
    line, member, total = line[keep], member[keep], total[keep]
    # Only lines linked through hidden values to one that needs protection matter.
    linked = hidden[member]
    size_of_graph = n.size + int(lines.line.max()) + 1
    graph = coo_matrix(
        (np.ones(int(linked.sum())), (member[linked], n.size + line[linked])),
        shape=(size_of_graph, size_of_graph),
    )
    _, label = connected_components(graph, directed=False)
    guarded_reasons = GUARDED if complementary else GUARDED - {Reason.COMPLEMENTARY}
    guarded = hidden & np.isin(reason, [CODE[r] for r in guarded_reasons])
    keep = np.isin(label[n.size + line], label[np.flatnonzero(guarded)])
    line, member, total = line[keep], member[keep], total[keep]
    if line.size == 0:
        return []
    order = np.lexsort((~total, line))
    line, member, total = line[order], member[order], total[order]
    cell_of: dict[int, int] = {}
    cells: list[Cell] = []

    def cell(index: int) -> int:
        if index not in cell_of:
            cell_of[index] = len(cells)
            low, high = float(lowest[index]), float(highest[index])
            shown = reason[index] == 0
            guard = (
                None
                if shown
                else protection(
                    REASON_BY_CODE[int(reason[index])],
                    float(value[index]),
                    float(n[index]),
                    low,
                    high,
                    small_count,
                    complementary=complementary,
                )
            )
            cells.append(
                Cell(
                    index,
                    low,
                    high,
                    float(value[index]) if shown else None,
                    guard[0] if guard else None,
                    guard[1] if guard else 0.0,
                )
            )
        return cell_of[index]

    relations: list[Relation] = []
    starts = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
    for members in np.split(member, starts[1:]):
        weights = size[members]
        terms = [(cell(int(members[0])), float(weights[0]))]
        terms += [(cell(int(m)), -float(w)) for m, w in zip(members[1:], weights[1:], strict=True)]
        rest = float(weights[0] - weights[1:].sum())
        if rest > 1e-9 * weights[0]:
            low, high = float(lowest[members[0]]), float(highest[members[0]])
            terms.append((len(cells), -rest))
            cells.append(Cell(None, low, high))
        relations.append(Relation(tuple(terms), 0.0))
    return [cast(int, r.cell.key) for r in feasible_ranges(cells, relations) if not r.protected]


def _to_hide(
    cell: int,
    reason: np.ndarray,
    lines: Lines,
    entries: np.ndarray,
    n: np.ndarray,
    size: np.ndarray,
) -> int | None:
    """The shown estimate to hide for an unprotected ``cell``: the smallest shown part of a
    line it is in, else the smallest shown total of one; when all of those are hidden, the
    same one step further along the lines through the hidden values reached (None: nothing
    shown is linked to it)."""
    present = entries & (n[lines.member] > 0) & (size[lines.member] > 0)
    reached = np.zeros(n.shape, dtype=bool)
    reached[cell] = True
    while True:
        through = np.isin(lines.line, np.unique(lines.line[present & reached[lines.member]]))
        members = lines.member[through & present]
        is_total = lines.total[through & present]
        shown = reason[members] == 0
        for candidates in (members[shown & ~is_total], members[shown & is_total]):
            if candidates.size:
                return int(candidates[np.lexsort((candidates, n[candidates]))[0]])
        further = members[~reached[members]]
        if further.size == 0:
            return None
        reached[further] = True
