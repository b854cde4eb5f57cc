"""Which texts a report needs, and which placeholders each may use.

The renderer asks for texts by these keys; :mod:`oko.reporting.texts` checks every language
file against this list on load. A placeholder is *required* when leaving it out would hide a
number or a name the sentence exists to give (a key message without ``{now}``); the others
are optional, so a translator may drop them when the language reads better without.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from oko.indicators.config import EngineConfig
from oko.indicators.equity import HAVO_VWO, HIGH, ISK, LOW, MIDDLE, PRAKTIJK, VMBO
from oko.indicators.suppression import HIDDEN, Reason
from oko.reporting.data import SEASONS
from oko.reporting.definition import FACTORS, NOT_MEASURED


@dataclass(frozen=True)
class TextSpec:
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()


def spec(*names: str) -> TextSpec:
    """``spec("now", "then?")``: ``now`` required, ``then`` optional."""
    return TextSpec(
        frozenset(n for n in names if not n.endswith("?")),
        frozenset(n[:-1] for n in names if n.endswith("?")),
    )


PLAIN = spec()
AREA = ("area?", "wave?", "municipality?", "school?")

#: Every reason readers are told for not showing an estimate needs a text: an empty group,
#: and one neutral reason for every other cause.
SUPPRESSION_REASONS = (Reason.NO_DATA.value, HIDDEN)

SCHEMA: dict[str, TextSpec] = {
    "number.decimal": PLAIN,
    "number.percent": spec("value"),
    "number.interval": spec("lo", "hi"),
    "number.list_and": PLAIN,
    "document.title": spec("area", "wave", "municipality?", "school?"),
    "document.subject": spec(*AREA),
    "document.author": spec(*AREA),
    "page.header": spec(*AREA),
    "page.number": spec("page"),
    "page.synthetic": PLAIN,
    "cover.kicker": spec(*AREA),
    "cover.title_municipality": spec("area", "wave?"),
    "cover.title_school": spec("school", "municipality?", "wave?"),
    "cover.subtitle_municipality": spec(*AREA),
    "cover.subtitle_school": spec(*AREA),
    "cover.date": spec("date"),
    "date.format": spec("day", "month", "year"),
    "cover.about": spec(*AREA),
    "cover.response_title": PLAIN,
    "cover.schools": PLAIN,
    "cover.students": PLAIN,
    "cover.grades": PLAIN,
    "cover.grades_value": spec("grades"),
    "cover.response_rate": PLAIN,
    "cover.response_rate_value": spec("rate", "pupils?"),
    "cover.response_rate_unknown": PLAIN,
    "cover.excluded": PLAIN,
    "cover.synthetic_title": PLAIN,
    "cover.synthetic": spec(*AREA),
    "contents.title": PLAIN,
    "key_messages.title": PLAIN,
    "key_messages.intro": spec("points?", "previous?", "reference?"),
    "key_messages.good": PLAIN,
    "key_messages.attention": PLAIN,
    "key_messages.none_good": PLAIN,
    "key_messages.none_attention": PLAIN,
    "key_messages.change": spec("statement", "now", "then", "previous"),
    "key_messages.versus": spec("statement", "now", "other", "reference"),
    "key_messages.trend": spec("statement", "first", "waves?"),
    "key_messages.more": spec("count"),
    "key_messages.first_wave": spec("wave?"),
    "key_messages.stable": spec("count", "total?", "previous?"),
    "names.previous": spec("wave"),
    "names.region": spec("region"),
    "names.municipality": spec("municipality"),
    "names.reference": PLAIN,
    "chart.current": spec("wave"),
    "chart.previous": spec("wave"),
    "chart.region": PLAIN,
    "chart.municipality": PLAIN,
    "chart.reference": PLAIN,
    "chart.grade": spec("grade"),
    "chart.comparison_title": PLAIN,
    "chart.trend_title": PLAIN,
    "chart.reference_source": spec("source"),
    "chart.mean_scale": spec("low", "high"),
    "block.value": spec("wave", "value", "interval", "n"),
    "block.caution": PLAIN,
    "block.suppressed": spec("wave", "reason"),
    "compare.better_up": spec("other", "value?"),
    "compare.better_down": spec("other", "value?"),
    "compare.worse_up": spec("other", "value?"),
    "compare.worse_down": spec("other", "value?"),
    "compare.same": spec("other", "value?"),
    "compare.group": spec("group", "value", "other", "other_value"),
    "compare.trend_better_up": spec("first"),
    "compare.trend_better_down": spec("first"),
    "compare.trend_worse_up": spec("first"),
    "compare.trend_worse_down": spec("first"),
    "flag.better_up": PLAIN,
    "flag.better_down": PLAIN,
    "flag.worse_up": PLAIN,
    "flag.worse_down": PLAIN,
    "flag.same": PLAIN,
    "flag.none": PLAIN,
    "table.title": spec("domain?"),
    "table.indicator": PLAIN,
    "table.n": PLAIN,
    "table.value": spec("wave?"),
    "table.interval": PLAIN,
    "table.previous": spec("previous?"),
    "table.region": PLAIN,
    "table.municipality": PLAIN,
    "table.reference": PLAIN,
    "table.legend": spec("points?"),
    "table.caution": PLAIN,
    "goals.title": PLAIN,
    "goals.intro": spec("wave?", "area?"),
    "goals.none": PLAIN,
    "goals.col_baseline": PLAIN,
    "goals.col_target": PLAIN,
    "goals.col_current": spec("wave?"),
    "goals.col_verdict": PLAIN,
    "goals.goal_down": spec("indicator", "group", "target", "due"),
    "goals.goal_up": spec("indicator", "group", "target", "due"),
    "goals.group_all": PLAIN,
    "goals.group_gender_1": PLAIN,
    "goals.group_gender_2": PLAIN,
    "goals.group_grade": spec("grade"),
    "goals.due_year": spec("year"),
    "goals.value_in": spec("value", "wave"),
    "goals.current": spec("value", "interval", "wave?"),
    "goals.not_measured": PLAIN,
    "goals.priority": spec("reason"),
    "goals.verdict_reached": PLAIN,
    "goals.verdict_on_track": PLAIN,
    "goals.verdict_not_on_track": PLAIN,
    "goals.verdict_too_early": PLAIN,
    "goals.verdict_not_judged": PLAIN,
    "goals.explain_reached": spec("interval?", "target?"),
    "goals.explain_on_track": spec("interval?", "baseline?", "target?"),
    "goals.explain_not_on_track": spec("interval?", "baseline?", "target?"),
    "goals.explain_too_early": spec("interval?", "baseline?", "target?"),
    "goals.explain_too_early_first": spec("wave?"),
    "goals.explain_not_judged": spec("reason", "wave?"),
    "actions.title": PLAIN,
    "actions.intro": spec("area?", "wave?"),
    "actions.none": PLAIN,
    "actions.col_what": PLAIN,
    "actions.col_who": PLAIN,
    "actions.col_since": PLAIN,
    "actions.col_aim": PLAIN,
    "actions.col_status": PLAIN,
    "actions.status_planned": PLAIN,
    "actions.status_running": PLAIN,
    "actions.status_done": PLAIN,
    "actions.status_stopped": PLAIN,
    "method.goals_title": PLAIN,
    "method.goals": PLAIN,
    "method.title": PLAIN,
    "method.who_title": PLAIN,
    "method.who_municipality": spec("students", "schools", "grades", "area?", "wave?"),
    "method.who_school": spec("students", "grades", "area?", "wave?", "schools?"),
    "method.response_rate": spec("rate", "pupils", "submitted?"),
    "method.exclusions_title": PLAIN,
    "method.exclusions": spec("excluded", "submitted?"),
    "method.exclusions_none": spec("submitted?"),
    "method.intervals_title": PLAIN,
    "method.intervals": spec("confidence?"),
    "method.design_classes": PLAIN,
    "method.design_census": PLAIN,
    "method.design_sampled": PLAIN,
    "method.flags_title": PLAIN,
    "method.flags": spec("points", "d?", "fdr?"),
    "method.comparisons_title": PLAIN,
    "method.comparisons_municipality": spec("region", "area?"),
    "method.comparisons_school": spec("municipality", "area?"),
    "method.weights_title": PLAIN,
    "method.weighted": PLAIN,
    "method.unweighted": PLAIN,
    "method.suppression_title": PLAIN,
    "method.suppression": spec("min_group", "min_school", "small_count?"),
    "profile.title": PLAIN,
    "profile.question": PLAIN,
    "profile.intro": spec(*AREA),
    "profile.factor": PLAIN,
    "profile.groups_title": PLAIN,
    "profile.legend": PLAIN,
    "profile.weak_versus": spec("factor", "now", "other", "reference"),
    "profile.weak_change": spec("factor", "now", "then", "previous"),
    "profile.none_weak": spec("factor", "value"),
    "profile.none_measured": PLAIN,
    "profile.missing_out": spec("group", "factor", "value", "other", "other_value"),
    "profile.nobody_missing_out": PLAIN,
    "method.profile_title": PLAIN,
    "method.profile": PLAIN,
    "method.questionnaire_title": PLAIN,
    "method.questionnaire": spec("questionnaire", "version"),
    "method.synthetic": PLAIN,
}
for _season in set(SEASONS.values()):
    SCHEMA[f"wave.{_season}"] = spec("year")
for _factor in FACTORS:
    SCHEMA[f"profile.factors.{_factor}"] = PLAIN
for _reason in NOT_MEASURED:
    SCHEMA[f"profile.not_measured_{_reason}"] = PLAIN
for _gender in (1, 2):
    SCHEMA[f"chart.gender_{_gender}"] = PLAIN
for _affluence in (LOW, MIDDLE, HIGH):
    SCHEMA[f"chart.affluence_{_affluence}"] = PLAIN
for _level in (PRAKTIJK, VMBO, HAVO_VWO, ISK):
    SCHEMA[f"chart.school_level_{_level}"] = PLAIN
for _month in range(1, 13):
    SCHEMA[f"date.month_{_month}"] = PLAIN
for _reason in SUPPRESSION_REASONS:
    SCHEMA[f"suppressed.{_reason}"] = PLAIN
for _flag in EngineConfig().exclude_flags:
    SCHEMA[f"exclusions.{_flag}"] = PLAIN


def dynamic_schema(
    domains: Iterable[str], indicators: Iterable[str], references: Iterable[str] = ()
) -> dict[str, TextSpec]:
    """Texts that depend on the report: each domain's title and intro, each indicator's
    plain-language statements for "higher" and "lower" (key messages follow direction), and
    where an indicator's published reference figure comes from, in the report's language."""
    result: dict[str, TextSpec] = {}
    for domain in domains:
        result[f"domains.{domain}.title"] = PLAIN
        result[f"domains.{domain}.intro"] = spec(*AREA)
    for indicator in indicators:
        result[f"indicators.{indicator}.higher"] = PLAIN
        result[f"indicators.{indicator}.lower"] = PLAIN
    for indicator in references:
        result[f"indicators.{indicator}.reference"] = PLAIN
    return result
