"""Waves are named by season and year in another language than their stored (Dutch) names,
with the reports' own ``wave.*`` texts: one function for the reports and the staff pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from oko import PROJECT_ROOT
from oko.reporting.data import season_of, wave_name
from oko.reporting.texts import TextsError, load_wave_texts

REPORTS = PROJECT_ROOT / "reports"


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 10, 1), ("autumn", 2026)),
        (date(2027, 1, 15), ("winter", 2027)),
        (date(2027, 4, 1), ("spring", 2027)),
        (None, ("", None)),
    ],
)
def test_season_of_the_fieldwork_start(start: date | None, expected: tuple[str, int | None]):
    assert season_of(start) == expected


def test_english_names_a_wave_by_season_and_year_dutch_keeps_the_stored_name() -> None:
    en = load_wave_texts(REPORTS, "en")
    nl = load_wave_texts(REPORTS, "nl")
    assert wave_name("Najaar 2026", "autumn", 2026, en) == "Autumn 2026"
    assert wave_name("Voorjaar 2027", "spring", 2027, en) == "Spring 2027"
    assert wave_name("Najaar 2026", "autumn", 2026, nl) == "Najaar 2026"


def test_a_wave_without_a_start_keeps_its_stored_name() -> None:
    assert wave_name("Pilot", "", None, load_wave_texts(REPORTS, "en")) == "Pilot"


def test_wave_texts_are_checked_like_the_report_texts(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "en.yaml").write_text(
        'wave: {spring: "Spring", summer: "Summer {year}", autumn: "Autumn {yr}"}\n',
        encoding="utf-8",
    )
    with pytest.raises(TextsError) as caught:
        load_wave_texts(tmp_path, "en")
    problems = "\n".join(caught.value.problems)
    assert "wave.spring: must use the placeholder {year}" in problems
    assert "wave.autumn: unknown placeholder {yr}" in problems
    assert "wave.winter: missing" in problems
    with pytest.raises(TextsError, match="no such texts file"):
        load_wave_texts(tmp_path, "nl")
