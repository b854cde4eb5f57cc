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
remainder) has at least the minimum denominator, or the total is shown and the hidden cells
are at least two (the remainder counts when it has answers) *and* hold together at least the
minimum denominator. Otherwise the smallest shown part is hidden too (the total when no part
is left), and all lines are checked again until none changes. A number obtained by
subtraction is then always a mix of at least two groups, never one hidden group.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from oko.indicators.config import EngineConfig


class Reason(StrEnum):
    NO_DATA = "no_data"
    SCHOOL_TOO_SMALL = "school_too_small"
    SMALL_DENOMINATOR = "small_denominator"
    SMALL_COUNT = "small_count"
    WIDE_INTERVAL = "wide_interval"
    RELATIVE_WIDTH = "relative_width"
    COMPLEMENTARY = "complementary"


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


def complementary(reason: np.ndarray, n: np.ndarray, lines: Lines, minimum: int) -> np.ndarray:
    """Reason codes with complementary suppression added (code for ``complementary``)."""
    reason = reason.copy()
    n = np.asarray(n, dtype=np.float64)
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
    while True:
        hidden = (reason > 0) & (n > 0)
        total_hidden = hidden[line_total]
        hidden_parts = np.bincount(part_line, weights=hidden[part], minlength=n_lines)
        hidden_mass = remainder + np.bincount(
            part_line, weights=np.where(hidden[part], n[part], 0.0), minlength=n_lines
        )
        cells = hidden_parts + (remainder > 0)
        unsafe = np.where(
            total_hidden,
            hidden_mass < minimum,
            (hidden_parts >= 1) & ((cells < 2) | (hidden_mass < minimum)),
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
