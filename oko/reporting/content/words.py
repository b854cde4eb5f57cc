"""The texts of one language plus the report's numbers written the way that language does.

Every number a reader sees goes through :class:`Words`, which writes a suppressed estimate as
its reason and never as a number; the PDF and the dashboard share it through
:mod:`oko.reporting.content`, so both write a value, an interval or a comparison alike.
"""

from __future__ import annotations

import math

from oko.indicators.definitions import Indicator, IndicatorSet
from oko.indicators.results import Comparison, ComparisonKind, Estimate
from oko.indicators.suppression import Reason, published_reason
from oko.reporting.data import ReportData, WaveInfo, wave_name
from oko.reporting.numbers import format_number
from oko.reporting.texts import Texts


class Words:
    """Texts of one language plus the report's numbers written the way that language does."""

    def __init__(self, texts: Texts, data: ReportData, indicators: IndicatorSet) -> None:
        self.t = texts
        self.data = data
        self.indicators = indicators
        self.decimal = texts("number.decimal")
        self.waves = {info.id: self._named(info) for info in data.waves}

    def __call__(self, key: str, **values: object) -> str:
        return self.t(key, **values)

    def number(self, value: float, indicator: Indicator) -> str:
        return format_number(value, proportion=indicator.is_proportion, decimal=self.decimal)

    def percent(self, share: float) -> str:
        """A share of people (``0.9`` -> ``90%``), as the response rate is written."""
        return self.t(
            "number.percent", value=format_number(share, proportion=True, decimal=self.decimal)
        )

    def points(self, share: float) -> str:
        """Percentage points without the sign (``0.05`` -> ``5``), as thresholds are written."""
        return format_number(share, proportion=True, decimal=self.decimal)

    def value(self, value: float, indicator: Indicator) -> str:
        """A published value with its unit: ``18%`` or ``7.4``."""
        text = self.number(value, indicator)
        return self.t("number.percent", value=text) if indicator.is_proportion else text

    def interval(self, estimate: Estimate, indicator: Indicator) -> str:
        text = self.t(
            "number.interval",
            lo=self.number(estimate.lower, indicator),
            hi=self.number(estimate.upper, indicator),
        )
        return self.t("number.percent", value=text) if indicator.is_proportion else text

    def shown(self, estimate: Estimate, indicator: Indicator) -> str:
        """The value, or the reason it is not shown."""
        if estimate.suppressed or not math.isfinite(estimate.value):
            return self.reason(estimate)
        return self.value(estimate.value, indicator)

    def reason(self, estimate: Estimate) -> str:
        return self.t(f"suppressed.{published_reason(estimate.reason) or Reason.NO_DATA.value}")

    def _named(self, info: WaveInfo) -> WaveInfo:
        """The wave named in this language: by its season and year where the stored name is
        in another language ("Najaar 2026" becomes "Autumn 2026"), else as stored."""
        name = wave_name(info.name, info.season, info.year, self.t)
        if name == info.name:
            return info
        short = name if info.short == info.name else info.short
        return WaveInfo(info.id, name, short, info.season, info.year)

    @property
    def wave(self) -> WaveInfo:
        """The report's wave, named in this language."""
        return self.waves[self.data.wave.id]

    def named(self, info: WaveInfo) -> WaveInfo:
        return self.waves[info.id]

    def wave_label(self, wave_id: str) -> str:
        info = self.waves.get(wave_id)
        return info.short if info else wave_id

    def other_name(self, comparison: Comparison) -> str:
        """How a sentence names what is compared with ("in 2024", "in the rest of …")."""
        if comparison.kind is ComparisonKind.PREVIOUS_WAVE:
            return self.t("names.previous", wave=self.wave_label(comparison.against))
        if comparison.kind is ComparisonKind.REST_OF_PARENT:
            if self.data.kind == "school":
                return self.t("names.municipality", municipality=self.data.municipality_name)
            return self.t("names.region", region=self.data.region_name)
        return self.t("names.reference")

    def direction(self, comparison: Comparison) -> str:
        return "up" if comparison.difference > 0 else "down"

    def flag_cell(self, comparison: Comparison | None) -> str:
        if comparison is None or not math.isfinite(comparison.difference):
            return self.t("flag.none")
        if comparison.flag is None:
            return self.t("flag.same")
        return self.t(f"flag.{comparison.flag.value}_{self.direction(comparison)}")

    def date(self) -> str:
        day = self.data.report_date
        return self.t(
            "date.format", day=day.day, month=self.t(f"date.month_{day.month}"), year=day.year
        )

    def grades(self) -> str:
        grades = [str(g) for g in self.data.participation.grades]
        if len(grades) <= 1:
            return "".join(grades)
        return ", ".join(grades[:-1]) + self.t("number.list_and") + grades[-1]

    def area_values(self) -> dict[str, str]:
        data = self.data
        return {
            "area": data.area_name,
            "wave": self.wave.name,
            "municipality": data.municipality_name,
            "school": data.area_name if data.kind == "school" else "",
        }
