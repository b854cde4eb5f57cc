"""WaveResults as reports, dashboards and exports consume it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oko.indicators import (
    ALL,
    Area,
    AreaLevel,
    ComparisonKind,
    GroupKind,
    WaveInput,
    compute_waves,
)
from tests.indicators.indicator_data import indicator


@pytest.fixture(scope="module")
def results(core_indicators):
    from oko.synthetic import demo_scenario, generate

    scenario = demo_scenario()
    sample = generate(scenario, seed=1)
    columns = sample.response_columns()
    waves = [
        WaveInput(w.slug, float(w.year), columns.subset(sample.wave == i))
        for i, w in enumerate(scenario.waves)
    ]
    return compute_waves(waves, core_indicators)


def test_one_result_per_wave_with_its_predecessor(results):
    assert [r.previous_wave for r in results] == [None, "2022-najaar", "2024-najaar"]


def test_estimates_iterate_in_a_stable_complete_order(results, core_indicators):
    latest = results[-1]
    estimates = list(latest.estimates())
    assert len(estimates) == len(core_indicators) * len(latest.areas) * len(latest.groups)
    keys = [
        (
            core_indicators.ids.index(e.indicator),
            list(AreaLevel).index(e.area.level),
            e.area.code,
            latest.groups.index(e.group),
        )
        for e in estimates
    ]
    assert keys == sorted(keys)
    assert [g.kind for g in latest.groups][:1] == [GroupKind.ALL]
    municipality = latest.areas_at(AreaLevel.MUNICIPALITY)[0]
    for_area = list(latest.estimates(indicator="drunk_30d", area=municipality))
    assert [e.group for e in for_area] == list(latest.groups)
    assert for_area[0] == latest.estimate("drunk_30d", municipality, ALL)


def test_suppressed_estimates_carry_no_numbers(results):
    for estimate in results[-1].estimates():
        if estimate.suppressed:
            assert estimate.reason is not None
            assert all(math.isnan(v) for v in (estimate.value, estimate.lower, estimate.upper))
        else:
            assert estimate.lower <= estimate.value <= estimate.upper


def test_the_demo_municipalities_get_results(results):
    latest = results[-1]
    municipality = latest.areas_at(AreaLevel.MUNICIPALITY)[0]
    assert not latest.estimate("parents_time_weekends", municipality).suppressed
    kinds = {c.kind for c in latest.comparisons("parents_time_weekends", municipality)}
    assert ComparisonKind.PREVIOUS_WAVE in kinds and ComparisonKind.TREND in kinds
    assert latest.exclusions[municipality].excluded > 0
    assert set(latest.reliability) == {"parental_monitoring", "school_climate"}


def test_rows_are_flat_and_uniform(results):
    latest = results[-1]
    rows = list(latest.to_rows())
    assert len(rows) == latest.table.key.size
    header = list(rows[0])
    assert all(list(row) == header for row in rows)
    assert {"wave", "indicator", "level", "area", "group", "value", "suppressed"} <= set(header)
    assert "previous_wave_difference" in header and "trend_flag" in header
    for row in rows:
        if row["suppressed"]:
            assert row["value"] is None and row["reason"]
        assert all(not (isinstance(v, float) and math.isnan(v)) for v in row.values())


def test_unknown_indicator_is_a_programming_error(results):
    with pytest.raises(KeyError, match="unknown indicator"):
        results[-1].estimate("nope", Area(AreaLevel.REGION, 0))


def test_comparison_lookup_without_comparisons(make_columns, make_indicators):
    columns = make_columns({"q": np.arange(100) % 2 + 1}, np.arange(100) % 5)
    (only,) = compute_waves([WaveInput("w", 1, columns)], make_indicators(indicator()))
    area = Area(AreaLevel.MUNICIPALITY, 0)
    assert only.comparisons("yes", Area(AreaLevel.MUNICIPALITY, 7)) == ()
    assert only.comparison("yes", area, ALL, ComparisonKind.TREND) is None
    assert list(only.flagged(area)) == []
