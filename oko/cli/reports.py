"""``oko report build``: the coalition's PDF report, one at a time or every report of a wave.

One report renders in this process. ``--all`` loads the wave's results once, then renders in
worker processes (the results reach them by fork, not by pickling, where the platform allows)
while this process writes the files. Every file is written to a temporary name in the target
folder and renamed when complete, so an interrupted run leaves no half-written PDF.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

import click

from oko.cli.app import app_for, app_session
from oko.indicators import IndicatorDefinitionError, load_indicators
from oko.indicators.results import WaveResults
from oko.reporting import (
    LANGUAGES,
    ReportData,
    check_profile_indicators,
    check_reports,
    render_report,
)
from oko.services.results import reports
from oko.services.results.engine import Settings


@click.group()
def report() -> None:
    """PDF reports for the prevention coalition and for schools."""


@report.command("check")
@click.option(
    "--reports-dir",
    type=click.Path(file_okay=False, exists=True),
    help="Folder with the report definitions and texts (default: REPORTS_DIR).",
)
@click.pass_context
def check(ctx: click.Context, reports_dir: str | None) -> None:
    """Validate the report definitions and texts against every indicator file."""
    app = app_for(ctx, check_migrations=False)
    folder = Path(reports_dir or app.config["REPORTS_DIR"])
    files = sorted(Path(app.config["QUESTIONNAIRE_DIR"]).glob("*.indicators.yaml"))
    if not files:
        raise click.ClickException("No *.indicators.yaml in QUESTIONNAIRE_DIR to check against.")
    problems: list[str] = []
    known: set[str] = set()
    for path in files:
        try:
            indicators = load_indicators(path)
        except IndicatorDefinitionError as exc:
            problems.extend(exc.problems)
            continue
        known.update(indicators.ids)
        problems.extend(p for p in check_reports(folder, indicators) if p not in problems)
    problems.extend(check_profile_indicators(folder, known))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo(f"Report definitions and texts in {folder} OK ({len(files)} indicator file(s)).")


@report.command("build")
@click.option("--wave", "wave", required=True, help="Wave slug, e.g. 2026-najaar.")
@click.option("--municipality", help="Municipality slug (not with --all).")
@click.option("--school", help="School slug: the shorter school report (not with --all).")
@click.option("--all", "all_", is_flag=True, help="Every municipality report of the wave.")
@click.option("--schools", "with_schools", is_flag=True, help="With --all: school reports too.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="nl", show_default=True)
@click.option(
    "--date",
    "report_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date printed on the report (default: today).",
)
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes for --all.")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=True, path_type=Path),
    help="PDF file; with --all a folder (created if missing).",
)
@click.pass_context
def build(
    ctx: click.Context,
    wave: str,
    municipality: str | None,
    school: str | None,
    all_: bool,
    with_schools: bool,
    lang: str,
    report_date: Any,
    jobs: int | None,
    out: Path,
) -> None:
    """Build the report of one municipality (or school) for a wave, or all of them."""
    day = report_date.date() if report_date else date.today()
    if all_ and (municipality or school):
        raise click.UsageError("--all builds every report; leave out --municipality/--school.")
    if not all_ and not municipality:
        raise click.UsageError("Give --municipality (and optionally --school), or --all.")
    if with_schools and not all_:
        raise click.UsageError("--schools goes with --all; for one school use --school.")
    if all_:
        _build_all(ctx, wave, lang, day, with_schools, jobs, out)
        return
    _check_writable_file(out)
    started = time.perf_counter()
    with app_session(ctx) as (app, session):
        try:
            data = reports.report_data(
                session,
                wave=wave,
                municipality=municipality or "",
                school=school,
                settings=Settings.from_config(app.config),
                report_date=day,
            )
        except reports.ReportError as exc:
            raise click.ClickException(str(exc)) from exc
        reports_dir = app.config["REPORTS_DIR"]
    pdf = render_report(data, lang, reports_dir)
    _write_atomically(out, pdf)
    seconds = time.perf_counter() - started
    click.echo(f"Wrote {out} ({len(pdf) // 1024} KB, {seconds:.1f} s).")


def _build_all(
    ctx: click.Context,
    wave: str,
    lang: str,
    day: date,
    with_schools: bool,
    jobs: int | None,
    out: Path,
) -> None:
    _check_writable_folder(out)
    started = time.perf_counter()
    with app_session(ctx) as (app, session):
        try:
            batch = reports.wave_reports(
                session,
                wave=wave,
                settings=Settings.from_config(app.config),
                report_date=day,
                schools=with_schools,
            )
        except reports.ReportError as exc:
            raise click.ClickException(str(exc)) from exc
        reports_dir = str(app.config["REPORTS_DIR"])
    if not batch:
        raise click.ClickException(f"Wave {wave!r} has no responses: no reports to build.")
    loaded = time.perf_counter() - started
    written = render_batch(batch, wave=wave, lang=lang, reports_dir=reports_dir, out=out, jobs=jobs)
    seconds = time.perf_counter() - started
    click.echo(
        f"Wrote {written} reports to {out} in {seconds:.1f} s ({loaded:.1f} s loading results)."
    )


def render_batch(
    batch: Sequence[tuple[reports.ReportTarget, ReportData]],
    *,
    wave: str,
    lang: str,
    reports_dir: str,
    out: Path,
    jobs: int | None = None,
) -> int:
    """Render reports sharing one set of results in worker processes, with a progress bar;
    this process writes each file as it arrives. Returns the number written."""
    targets = [target for target, _data in batch]
    tasks = [_task(data) for _target, data in batch]
    written = 0
    # Forked workers share the results until they write to a page; the cyclic garbage
    # collector would walk (and so copy) every inherited object. Frozen objects it skips.
    gc.freeze()
    try:
        with (
            ProcessPoolExecutor(
                max_workers=min(jobs or os.cpu_count() or 1, len(tasks)),
                mp_context=_context(),
                initializer=_start_worker,
                initargs=(batch[0][1].results, lang, reports_dir),
            ) as pool,
            click.progressbar(length=len(tasks), label=f"Building {len(tasks)} reports") as bar,
        ):
            futures = {pool.submit(_render, task): index for index, task in enumerate(tasks)}
            for future in as_completed(futures):
                target = targets[futures[future]]
                _write_atomically(out / f"{wave}-{target.name}-{lang}.pdf", future.result())
                written += 1
                bar.update(1)
    finally:
        gc.unfreeze()
    return written


def _context() -> multiprocessing.context.BaseContext:
    """Fork where available: workers inherit the results instead of unpickling copies."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


_shared: dict[str, Any] = {}


def _start_worker(results: Sequence[WaveResults], lang: str, reports_dir: str) -> None:
    _shared.update(results=tuple(results), lang=lang, reports_dir=reports_dir)


def _task(data: ReportData) -> dict[str, Any]:
    """A report's data without the results every report shares (sent once per worker)."""
    return {f.name: getattr(data, f.name) for f in fields(data) if f.name != "results"}


def _render(task: dict[str, Any]) -> bytes:
    data = ReportData(results=_shared["results"], **task)
    return render_report(data, _shared["lang"], _shared["reports_dir"])


def _check_writable_file(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise click.BadParameter(f"{path} is a folder; give a file name.", param_hint="--out")
    if not folder.is_dir():
        raise click.BadParameter(f"folder {folder} does not exist.", param_hint="--out")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise click.BadParameter(f"cannot write in folder {folder}.", param_hint="--out")


def _check_writable_folder(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"cannot create folder {path}: {exc.strerror}."
        raise click.BadParameter(message, param_hint="--out") from exc
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        raise click.BadParameter(f"cannot write in folder {path}.", param_hint="--out")


def _write_atomically(path: Path, content: bytes) -> None:
    """Write next to the target, then rename: readers see the old file or the whole new one."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise click.ClickException(f"Cannot write {path}: {exc.strerror}.") from exc
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
