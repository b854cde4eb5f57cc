"""Benchmark: do the 95% intervals cover, and how often is "no change" flagged as change?

Simulates many waves of the demo's three municipalities (sixteen schools) with the synthetic
generator and no true change: every wave is step 0 of the profiles, the schools and their
effects stay the same (every school takes part every wave), while pupils, classes (with their
class effects) and students are drawn anew. For every indicator of ``oko-core.indicators.yaml``
it prints

- the coverage of the 95% intervals of the municipality estimates (group "all"): the share of
  published intervals that contain the true value. The truth is the mean of the estimates
  over all simulated waves (the estimator's expectation; its own error is the SE over the
  square root of the number of waves, too small to matter);
- the share of wave-to-wave comparisons flagged as a change although nothing changed: before
  multiplicity correction (p < 0.05, the interval excludes 0, at least 3 points or Cohen's d
  0.2) and as the report flags them (Benjamini–Hochberg per report).

Targets: coverage 93–97%, false "changed" flags at most 5% per indicator before correction.

Fast because the engine sees many waves at once: waves are paired, and each pair's two waves
get the same area codes (a region, municipalities and schools of their own per pair), so one
engine call computes every pair's estimates and previous-wave comparisons.

Usage: ``.venv/bin/python benchmarks/coverage.py [--waves 1000] [--design classes|census|
sampled] [--interval korn_graubard|logit|wilson] [--seed 1] [--quick]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time

import numpy as np

from oko import PROJECT_ROOT
from oko.indicators import (
    ALL,
    Area,
    AreaLevel,
    ComparisonKind,
    EngineConfig,
    IndicatorSet,
    IntervalMethod,
    SchoolDesign,
    WaveInput,
    compute_waves,
    load_indicators,
)
from oko.indicators.columns import ResponseColumns
from oko.synthetic import demo_scenario, generate
from oko.synthetic.scenario import Scenario, WaveSpec

INDICATORS = PROJECT_ROOT / "questionnaires" / "oko-core.indicators.yaml"
#: Waves generated per call of the generator (pairs of waves per engine call: half of it).
WAVES_PER_BATCH = 40


def stationary_scenario(n_waves: int) -> Scenario:
    """The demo's municipalities and schools, ``n_waves`` waves all at profile step 0."""
    waves = tuple(WaveSpec(f"w{i}", f"W{i}", 2000 + i, 0) for i in range(n_waves))
    return dataclasses.replace(demo_scenario(), waves=waves)


def relabelled(inputs: list[WaveInput], n_municipalities: int, n_schools: int) -> WaveInput:
    """Waves as one input: wave ``k`` gets region ``k``, municipalities ``k * M + m`` and
    schools ``k * S + s`` (class sessions are unique already)."""
    parts = [wave.columns for wave in inputs]
    offsets = np.arange(len(parts))
    population = {
        (k * n_municipalities + municipality, gender, grade): count
        for k, wave in enumerate(inputs)
        for (municipality, gender, grade), count in (wave.population or {}).items()
    }
    columns = ResponseColumns(
        answers={
            item: np.concatenate([p.answers[item] for p in parts]) for item in parts[0].answers
        },
        psu=np.concatenate([p.psu + k * n_schools for k, p in zip(offsets, parts, strict=True)]),
        municipality=np.concatenate(
            [p.municipality + k * n_municipalities for k, p in zip(offsets, parts, strict=True)]
        ),
        region=np.concatenate([np.full(p.n, k) for k, p in zip(offsets, parts, strict=True)]),
        gender=np.concatenate([p.gender for p in parts]),
        grade=np.concatenate([p.grade for p in parts]),
        class_session=np.concatenate([p.class_session for p in parts]),
        flags={name: np.concatenate([p.flags[name] for p in parts]) for name in parts[0].flags},
    )
    return WaveInput(inputs[0].label, inputs[0].time, columns, population)


def simulate(
    n_waves: int, config: EngineConfig, seed: int, indicators: IndicatorSet
) -> dict[str, dict[str, np.ndarray]]:
    """Per indicator: municipality estimates and limits of every wave, and the previous-wave
    comparisons of every pair (raw p, interval, effect, flag)."""
    scenario = stationary_scenario(WAVES_PER_BATCH)
    n_municipalities, n_schools = len(scenario.municipalities), len(scenario.schools)
    collected: dict[str, dict[str, list[float]]] = {
        ind.id: {
            name: []
            for name in (
                "value",
                "lower",
                "upper",
                "municipality",
                "p",
                "excl",
                "effect",
                "threshold",
                "flag",
            )
        }
        for ind in indicators
    }
    batches = -(-n_waves // WAVES_PER_BATCH)
    for batch in range(batches):
        sample = generate(scenario, seed=seed * 100_003 + batch + 1, school_seed=seed)
        inputs = list(sample.wave_inputs())
        half = len(inputs) // 2
        first = relabelled(inputs[:half], n_municipalities, n_schools)
        second = relabelled(inputs[half:], n_municipalities, n_schools)
        second = WaveInput("later", first.time + 1, second.columns, second.population)
        results = compute_waves([first, second], indicators, config)
        areas = [Area(AreaLevel.MUNICIPALITY, code) for code in range(half * n_municipalities)]
        for ind in indicators:
            store = collected[ind.id]
            threshold = config.min_difference if ind.is_proportion else config.min_cohens_d
            for wave_results in results:
                for area in areas:
                    estimate = wave_results.estimate(ind.id, area, ALL)
                    if estimate.suppressed or estimate.no_data:
                        continue
                    store["value"].append(estimate.value)
                    store["lower"].append(estimate.lower)
                    store["upper"].append(estimate.upper)
                    store["municipality"].append(area.code % n_municipalities)
            for area in areas:
                comparison = results[1].comparison(ind.id, area, ALL, ComparisonKind.PREVIOUS_WAVE)
                if comparison is None:
                    continue
                store["p"].append(comparison.p_value)
                store["excl"].append(comparison.lower > 0 or comparison.upper < 0)
                store["effect"].append(abs(comparison.effect_size))
                store["threshold"].append(threshold)
                store["flag"].append(comparison.flag is not None)
    return {
        ident: {name: np.asarray(values, dtype=np.float64) for name, values in columns.items()}
        for ident, columns in collected.items()
    }


def report(simulated: dict[str, dict[str, np.ndarray]], indicators: IndicatorSet) -> None:
    print(
        f"{'indicator':<28} {'kind':<10} {'n':>6} {'coverage':>9} "
        f"{'pairs':>6} {'changed (raw)':>14} {'changed (BH)':>13}"
    )
    covered_all = n_all = 0
    worst_flag = 0.0
    shares = []
    for ind in indicators:
        data = simulated[ind.id]
        if data["value"].size == 0:
            print(f"{ind.id:<28} {ind.kind.value:<10} {'(never published)':>17}")
            continue
        municipality = data["municipality"].astype(np.int64)
        truth = np.bincount(municipality, data["value"]) / np.maximum(np.bincount(municipality), 1)
        covered = (data["lower"] <= truth[municipality]) & (truth[municipality] <= data["upper"])
        raw = (data["p"] < 0.05) & (data["excl"] > 0) & (data["effect"] >= data["threshold"])
        share_raw = raw.mean() if raw.size else float("nan")
        share_bh = data["flag"].mean() if data["flag"].size else float("nan")
        covered_all += int(covered.sum())
        n_all += covered.size
        worst_flag = max(worst_flag, share_raw)
        shares.append(share_raw)
        print(
            f"{ind.id:<28} {ind.kind.value:<10} {covered.size:>6} {covered.mean():>9.1%} "
            f"{raw.size:>6} {share_raw:>14.1%} {share_bh:>13.1%}"
        )
    print(
        f"{'overall':<28} {'':<10} {n_all:>6} {covered_all / max(n_all, 1):>9.1%} "
        f"{'':>6} {np.nanmean(shares):>14.1%}   (worst indicator: {worst_flag:.1%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waves", type=int, default=1000, help="simulated waves (default 1000)")
    parser.add_argument(
        "--design", choices=[d.value for d in SchoolDesign], default=SchoolDesign.CLASSES.value
    )
    parser.add_argument(
        "--interval",
        choices=[m.value for m in IntervalMethod if m is not IntervalMethod.T],
        default=IntervalMethod.KORN_GRAUBARD.value,
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 80 waves")
    args = parser.parse_args()
    n_waves = 80 if args.quick else args.waves
    indicators = load_indicators(INDICATORS)
    started = time.perf_counter()
    config = EngineConfig(school_design=args.design, interval=args.interval)
    simulated = simulate(n_waves, config, args.seed, indicators)
    elapsed = time.perf_counter() - started
    print(
        f"{n_waves} waves of {len(demo_scenario().municipalities)} municipalities, design "
        f"{args.design}, interval {args.interval}, seed {args.seed}: {elapsed:.1f} s (load average "
        f"{os.getloadavg()[0]:.2f})"
    )
    report(simulated, indicators)


if __name__ == "__main__":
    main()
