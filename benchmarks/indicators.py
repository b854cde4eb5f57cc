"""Benchmark: the indicator engine on a country-sized synthetic survey.

Generates 1,000,000 synthetic responses over 350 municipalities and 3 waves with
:func:`oko.synthetic.benchmark_scenario` (the same generator as the demo data), weights them
to the scenario's pupil counts, and computes every indicator of ``oko-core.indicators.yaml``
for every region, municipality and school x group, with every comparison (previous wave, rest
of the parent area, reference values, trend) and suppression. Prints wall time and peak memory.

For scale, the same estimates are computed "straightforwardly" with pandas + statsmodels: one
filtered data frame and one weighted least-squares fit with school-clustered standard errors
per (indicator, area, group). That takes hours for the full workload, so it runs on a random
sample of domains and is extrapolated to the engine's number of domain estimates (the
comparisons themselves, a subtraction per pair, are left out of the baseline: a favour to it).

Usage: ``.venv/bin/python benchmarks/indicators.py [--rows N] [--municipalities M]
[--baseline-domains K] [--no-baseline] [--indicators FILE]``. Needs the ``bench`` extra for
the baseline.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc

import numpy as np

from oko import PROJECT_ROOT
from oko.indicators import (
    ALL,
    AreaLevel,
    IndicatorSet,
    SchoolDesign,
    WaveInput,
    WaveResults,
    compute_waves,
    load_indicators,
)
from oko.indicators.config import EngineConfig
from oko.indicators.outcomes import outcome
from oko.synthetic import GRADES, SyntheticSample, benchmark_scenario, generate


def synthetic_waves(rows: int, municipalities: int, waves: int, seed: int) -> list[WaveInput]:
    """The benchmark scenario as engine input, one :class:`WaveInput` per wave."""
    scenario = benchmark_scenario(municipalities, rows, waves, seed)
    sample = generate(scenario, seed)
    columns = sample.response_columns()
    return [
        WaveInput(
            label=spec.slug,
            time=float(spec.year),
            columns=columns.subset(sample.wave == index),
            population=_pupils(sample, index),
        )
        for index, spec in enumerate(scenario.waves)
    ]


def _pupils(sample: SyntheticSample, wave: int) -> dict[tuple[int, int, int], float]:
    """Pupil counts per (municipality, gender, grade) from the scenario's schools."""
    school_municipality = np.array([s.municipality for s in sample.scenario.schools])
    counts: dict[tuple[int, int, int], float] = {}
    population = sample.population[wave]  # school x grade x (boys, girls)
    for grade_index, grade in enumerate(GRADES):
        for gender_index, gender in enumerate((1, 2)):
            per_municipality = np.bincount(
                school_municipality,
                weights=population[:, grade_index, gender_index],
                minlength=len(sample.scenario.municipalities),
            )
            for municipality, pupils in enumerate(per_municipality.tolist()):
                if pupils > 0:
                    counts[(municipality, gender, grade)] = pupils
    return counts


def _summary(results: tuple[WaveResults, ...]) -> str:
    latest = results[-1]
    estimates = sum(r.table.key.size for r in results)
    comparisons = sum(r.comparison_table.estimate.size for r in results)
    shown = int((latest.table.reason == 0).sum())
    flagged = int((latest.comparison_table.flag != 0).sum())
    return (
        f"{len(latest.indicators)} indicators x {len(latest.areas)} areas x "
        f"{len(latest.groups)} groups; {estimates:,} estimates and {comparisons:,} comparisons "
        f"over all waves; latest wave: {shown:,} of {latest.table.key.size:,} estimates "
        f"published, {flagged:,} comparisons flagged"
    )


def run_engine(waves: list[WaveInput], indicators: IndicatorSet, config: EngineConfig):
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    results = compute_waves(waves, indicators, config)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.collect()
    tracemalloc.start()
    compute_waves(waves, indicators, config)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return results, seconds, cpu, peak


def baseline_seconds_per_domain(
    waves: list[WaveInput], indicators: IndicatorSet, domains: int, seed: int
) -> float:
    """CPU seconds per domain estimate with pandas filtering + statsmodels cluster-robust WLS."""
    import pandas as pd
    import statsmodels.api as sm

    wave = waves[-1]
    columns = wave.columns
    frame = pd.DataFrame(
        {
            "school": columns.psu,
            "municipality": columns.municipality,
            "region": columns.region,
            "gender": columns.gender,
            "grade": columns.grade,
            "weight": columns.weight,
        }
    )
    for indicator in indicators:
        y, valid = outcome(indicator, columns)
        frame[indicator.id] = np.where(valid, y, np.nan)
    rng = np.random.default_rng(seed)
    levels = ("region", "municipality", "school")
    groups = [("all", None), ("gender", 1), ("gender", 2)] + [("grade", g) for g in GRADES]
    start = time.process_time()
    for _ in range(domains):
        indicator = indicators.indicators[rng.integers(len(indicators))].id
        level = levels[rng.integers(len(levels))]
        area = rng.choice(frame[level].unique())
        kind, code = groups[rng.integers(len(groups))]
        rows = frame[frame[level] == area]
        if kind != "all":
            rows = rows[rows[kind] == code]
        rows = rows[rows[indicator].notna()]
        if len(rows) < 2:
            continue
        model = sm.WLS(rows[indicator].to_numpy(), np.ones(len(rows)), weights=rows["weight"])
        schools = rows["school"].to_numpy()
        if np.unique(schools).size > 1:
            fit = model.fit(cov_type="cluster", cov_kwds={"groups": schools})
        else:  # one school: students as units, as the engine does
            fit = model.fit(cov_type="HC1")
        float(fit.params[0]), float(fit.bse[0])
    return (time.process_time() - start) / domains


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--municipalities", type=int, default=350)
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline-domains", type=int, default=300)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--indicators",
        default="oko-core.indicators.yaml",
        help="indicator file in questionnaires/ (oko-basis.indicators.yaml: core plus modules)",
    )
    parser.add_argument("--census", action="store_true", help="schools as strata (census)")
    args = parser.parse_args()

    start = time.perf_counter()
    waves = synthetic_waves(args.rows, args.municipalities, args.waves, args.seed)
    print(
        f"generated {sum(w.columns.n for w in waves):,} synthetic responses "
        f"({args.municipalities} municipalities, {args.waves} waves) "
        f"in {time.perf_counter() - start:.1f} s"
    )
    indicators = load_indicators(PROJECT_ROOT / "questionnaires" / args.indicators)
    design = SchoolDesign.CENSUS if args.census else SchoolDesign.SAMPLED
    config = EngineConfig(school_design=design)
    results, seconds, cpu, peak = run_engine(waves, indicators, config)
    print(f"engine ({design.value} schools): {_summary(results)}")
    print(f"engine wall time: {seconds:.2f} s (CPU time {cpu:.2f} s)")
    print(f"engine peak memory (tracemalloc, engine only): {peak / 2**20:,.0f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (generator + data + engine): {rss:,.0f} MiB")

    latest = results[-1]
    start = time.perf_counter()
    rows = sum(1 for _ in latest.to_rows())
    seconds_rows = time.perf_counter() - start
    print(f"latest wave as flat rows (CSV export): {rows:,} rows in {seconds_rows:.1f} s")
    municipality = latest.areas_at(AreaLevel.MUNICIPALITY)
    shown = sum(not latest.estimate("drunk_30d", area, ALL).suppressed for area in municipality)
    print(f"drunk_30d published for {shown} of {len(municipality)} municipalities (group all)")

    if args.no_baseline:
        return
    domains = sum(r.table.key.size for r in results)
    per_domain = baseline_seconds_per_domain(waves, indicators, args.baseline_domains, args.seed)
    extrapolated = per_domain * domains
    print(
        f"pandas + statsmodels, one filter + one cluster-robust fit per domain: "
        f"{per_domain * 1000:.1f} ms CPU per domain (measured on {args.baseline_domains} random "
        f"domains of the latest wave), extrapolated to {domains:,} domain estimates: "
        f"{extrapolated / 3600:.1f} h CPU = {extrapolated / cpu:,.0f}x the engine's CPU time"
    )


if __name__ == "__main__":
    main()
