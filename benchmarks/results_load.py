"""Benchmark: loading a large wave from the database into the indicator engine.

The results service (:mod:`oko.services.results.engine`) reads every response of a wave and of the
earlier waves it is compared with, turns the stored answer dicts into int16 columns and hands
them to the engine. With 100,000 responses the loading, not the statistics, used to be what a
coalition waited for, so this script measures the two apart:

- ``fetch``: the answers column alone, read and JSON-decoded by SQLAlchemy (what any loader
  pays for dicts in Python);
- ``encode``: :func:`oko.indicators.columns.encode_answers` over those dicts;
- ``load``: the service's whole database-to-columns step for every wave involved (since the
  database extracts the indicator items itself, see :mod:`oko.services.results.response_columns`,
  it needs neither of the two steps above);
- ``engine``: :func:`oko.indicators.compute_wave` on the loaded columns;
- ``results cold``: :func:`oko.services.results.engine.wave_results` with an empty cache (load plus
  engine plus area names), ``warm``: the same call answered from the cache.

The synthetic responses (:func:`oko.synthetic.benchmark_scenario`, spread over ``--waves``
closed waves) are stored with :func:`oko.services.demo.synthetic_data.load_sample` in a temporary
SQLite file, or in a private database on the PostgreSQL server of ``--postgres`` (created and
dropped). Every timing is the best of ``--repeat`` runs.

    .venv/bin/python benchmarks/results_load.py                    # 100,000 responses, SQLite
    .venv/bin/python benchmarks/results_load.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loadkit.databases import private_database, sqlite_url
from sqlalchemy import select, text

from oko import PROJECT_ROOT, migrations
from oko.db import Database
from oko.indicators import compute_wave, encode_answers
from oko.models import Response, Wave
from oko.questionnaire import load
from oko.services.demo import synthetic_data
from oko.services.results import engine as results
from oko.synthetic import benchmark_scenario, generate

QUESTIONNAIRE_DIR = PROJECT_ROOT / "questionnaires"


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float

    def line(self, label: str, rows: int | None = None) -> str:
        rate = f"  {rows / self.wall:>11,.0f} rows/s" if rows else ""
        return f"{label:<32}{self.wall:7.2f} s wall {self.cpu:7.2f} s CPU{rate}"


def best_of(repeat: int, action: Callable[[], Any]) -> tuple[Timing, Any]:
    """Shortest wall and CPU time of ``repeat`` calls, and the last call's value.

    Both are kept because a shared machine stretches wall time; CPU time shows the work.
    """
    wall, cpu, value = float("inf"), float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        value = action()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return Timing(wall, cpu), value


@contextmanager
def database_url(postgres: str | None) -> Iterator[str]:
    if postgres:
        with private_database(postgres, prefix="oko_results_bench") as url:
            yield url
    else:
        with tempfile.TemporaryDirectory(prefix="oko-results-bench-") as folder:
            yield sqlite_url(Path(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="responses over all waves")
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--municipalities", type=int, default=35)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="server URL; a private database is made on it")
    args = parser.parse_args()

    with database_url(args.postgres) as url:
        migrations.upgrade(url)
        database = Database(url)
        try:
            run(database, args)
        finally:
            database.dispose()


def run(database: Database, args: argparse.Namespace) -> None:
    questionnaire = load(QUESTIONNAIRE_DIR / "oko-core.yaml")
    scenario = benchmark_scenario(args.municipalities, args.rows, args.waves, args.seed)
    start = time.perf_counter()
    sample = generate(scenario, args.seed)
    with database.session() as session:
        synthetic_data.load_sample(session, sample, questionnaire, seed=args.seed)
    # Planner statistics, as autovacuum gathers them soon after a bulk load: without them
    # PostgreSQL joins 100,000 responses to their schools by nested loops.
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    print(
        f"{database.engine.dialect.name}: stored {len(sample):,} responses "
        f"({args.municipalities} municipalities, {len(scenario.schools)} schools, "
        f"{args.waves} waves) in {time.perf_counter() - start:.1f} s"
    )
    settings = results.Settings(str(QUESTIONNAIRE_DIR), 30, 20)

    with database.session() as session:
        waves = list(session.execute(select(Wave).order_by(Wave.closes_at)).scalars())
        latest = waves[-1]
        indicator_set = results.indicators_for(questionnaire, QUESTIONNAIRE_DIR)
        wave_ids = [w.id for w in waves]

        def fetch() -> list[dict[str, Any]]:
            query = select(Response.answers).where(Response.wave_id.in_(wave_ids))
            return list(session.execute(query).scalars())

        regions = results._region_codes(session)

        def load_inputs() -> list[Any]:
            return [
                results._wave_input(session, w, questionnaire, indicator_set, regions)
                for w in waves
            ]

        load_s, inputs = best_of(args.repeat, load_inputs)
        config = settings.engine_config()
        engine_s, _ = best_of(
            args.repeat, lambda: compute_wave(inputs[-1], inputs[:-1], indicator_set, config)
        )

        def cold() -> results.LoadedResults:
            results.clear_cache()
            return results.wave_results(session, latest, settings)

        cold_s, loaded = best_of(args.repeat, cold)
        warm_s, _ = best_of(args.repeat, lambda: results.wave_results(session, latest, settings))
        rss_results = peak_rss_mb()
        # Last, because a dict per response is what drives peak memory up.
        fetch_s, answers = best_of(args.repeat, fetch)
        encode_s, _ = best_of(args.repeat, lambda: encode_answers(answers, indicator_set.item_ids))

    n = len(sample)
    print(fetch_s.line("fetch answers (driver + JSON)", n))
    print(encode_s.line("encode_answers", n))
    print(load_s.line("load: DB -> engine columns", n))
    print(engine_s.line("engine: compute_wave"))
    print(cold_s.line("results cold (load + engine)"))
    print(warm_s.line("results warm (cache)"))
    table = loaded.results.table
    print(
        f"latest wave {latest.slug}: {table.key.size:,} estimates; peak RSS "
        f"{rss_results:,.0f} MB after the results, {peak_rss_mb():,.0f} MB after the dicts"
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
