"""Benchmark: coalition PDF reports for a country-sized synthetic survey.

Generates the benchmark scenario with the shared generator (:func:`oko.synthetic.
benchmark_scenario`: 350 municipalities, ten to a region, one to eight schools each, three
waves) and computes every wave with the indicator engine (timed, but not part of the report
figures: ``oko report build --all`` loads results once per wave). Then:

1. one municipality report, rendered ``--repeat`` times in this process: the first render
   (fonts, layout pass) and the median of the others, wall and CPU time;
2. every municipality report of the latest wave (``--schools``: and every school report)
   through :func:`oko.cli.reports.render_batch`, the code path of ``oko report build --all``:
   worker processes render, this process writes each PDF atomically into a temporary folder.

Targets (issue 5): under 1 s per report, under 2 minutes for the whole country.

Usage: ``.venv/bin/python benchmarks/reports.py [--municipalities 350] [--rows 1000000]
[--jobs N] [--lang nl] [--schools] [--repeat 7]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from oko import PROJECT_ROOT
from oko.cli.reports import render_batch
from oko.indicators import (
    AreaLevel,
    EngineConfig,
    SchoolDesign,
    WaveInput,
    WaveResults,
    compute_waves,
    load_indicators,
)
from oko.indicators.groups import Area
from oko.reporting import Participation, ReportData, WaveInfo, render_report
from oko.services.results.reports import ReportTarget
from oko.synthetic import GRADES, Scenario, SyntheticSample, benchmark_scenario, generate

REPORTS_DIR = str(PROJECT_ROOT / "reports")
TARGET_REPORT_SECONDS = 1.0
TARGET_COUNTRY_SECONDS = 120.0


def engine_results(
    municipalities: int, rows: int, seed: int
) -> tuple[Scenario, SyntheticSample, tuple[WaveResults, ...]]:
    scenario = benchmark_scenario(municipalities, rows, seed=seed)
    sample = generate(scenario, seed)
    columns = sample.response_columns()
    waves = [
        WaveInput(spec.slug, float(spec.year), columns.subset(sample.wave == index))
        for index, spec in enumerate(scenario.waves)
    ]
    indicators = load_indicators(PROJECT_ROOT / "questionnaires" / "oko-core.indicators.yaml")
    config = EngineConfig(school_design=SchoolDesign.CLASSES)  # the application's default
    return scenario, sample, compute_waves(waves, indicators, config)


def report_batch(
    scenario: Scenario,
    sample: SyntheticSample,
    results: tuple[WaveResults, ...],
    schools: bool,
) -> list[tuple[ReportTarget, ReportData]]:
    """What :func:`oko.services.results.reports.wave_reports` gives for the database, built from the
    scenario (area codes are the scenario's indexes, as in ``response_columns``)."""
    current = results[-1]
    waves = tuple(WaveInfo(w.slug, w.name, str(w.year)) for w in scenario.waves)
    latest = len(scenario.waves) - 1
    pupils = sample.population[latest].sum(axis=(1, 2))  # per school
    min_school = current.config.min_school_respondents
    batch = []
    for index, town in enumerate(scenario.municipalities):
        own = [i for i, s in enumerate(scenario.schools) if s.municipality == index]
        areas = [(Area(AreaLevel.MUNICIPALITY, index), town.name, own, None)]
        if schools:
            for school in own:
                counts = current.exclusions.get(Area(AreaLevel.SCHOOL, school))
                if counts is not None and counts.kept >= min_school:
                    spec = scenario.schools[school]
                    areas.append((Area(AreaLevel.SCHOOL, school), spec.name, [school], spec.slug))
        for area, name, members, school_slug in areas:
            data = ReportData(
                area=area,
                area_name=name,
                municipality_name=town.name,
                region_name=town.region,
                waves=waves,
                results=results,
                participation=Participation(
                    schools=len(members),
                    grades=GRADES,
                    pupils=int(pupils[members].sum()),
                ),
                questionnaire="oko-core",
                questionnaire_version="2026.1",
                report_date=date(2026, 11, 23),
                synthetic=True,
            )
            batch.append((ReportTarget(town.slug, school_slug), data))
    return batch


def time_one(data: ReportData, lang: str, repeat: int) -> tuple[float, float, float, int]:
    """First render (cold), then the median wall and CPU time of the others; PDF size."""
    start = time.perf_counter()
    pdf = render_report(data, lang, REPORTS_DIR)
    first = time.perf_counter() - start
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        render_report(data, lang, REPORTS_DIR)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return first, statistics.median(walls), statistics.median(cpus), len(pdf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--municipalities", type=int, default=350)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lang", default="nl", choices=("nl", "en"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--schools", action="store_true", help="school reports too")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    start = time.perf_counter()
    scenario, sample, results = engine_results(args.municipalities, args.rows, args.seed)
    print(
        f"data + engine: {len(sample):,} responses, {len(scenario.municipalities)} "
        f"municipalities, {len(scenario.schools)} schools, {len(scenario.waves)} waves "
        f"in {time.perf_counter() - start:.1f} s (not part of the report figures)"
    )
    batch = report_batch(scenario, sample, results, args.schools)

    first, wall, cpu, size = time_one(batch[0][1], args.lang, args.repeat)
    verdict = "ok" if wall < TARGET_REPORT_SECONDS else "OVER TARGET"
    print(
        f"one municipality report ({args.lang}, {size // 1024} KB): first {first:.2f} s, "
        f"then median {wall:.2f} s wall / {cpu:.2f} s CPU over {args.repeat} "
        f"(target < {TARGET_REPORT_SECONDS:.0f} s: {verdict})"
    )

    wave = scenario.waves[-1].slug
    with tempfile.TemporaryDirectory(prefix="oko-reports-") as folder:
        start = time.perf_counter()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        written = render_batch(
            batch,
            wave=wave,
            lang=args.lang,
            reports_dir=REPORTS_DIR,
            out=Path(folder),
            jobs=args.jobs,
        )
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        megabytes = sum(p.stat().st_size for p in Path(folder).iterdir()) / 1e6
    kinds = "municipality and school" if args.schools else "municipality"
    verdict = "ok" if seconds < TARGET_COUNTRY_SECONDS else "OVER TARGET"
    print(
        f"--all: {written} {kinds} reports with {args.jobs} workers in {seconds:.1f} s "
        f"({seconds / written:.2f} s per report, workers' CPU {worker_cpu / written:.2f} s "
        f"per report, {megabytes:.0f} MB; "
        f"target < {TARGET_COUNTRY_SECONDS:.0f} s: {verdict})"
    )


if __name__ == "__main__":
    main()
