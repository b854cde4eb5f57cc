"""Data-quality flags: from the answers when a response is submitted, ``too_fast`` at analysis.

Flags never block a student: the indicator run excludes flagged responses by default and
reports how many it excluded. The rules come from the questionnaire's ``quality`` section: a
list left empty never fires, and the two shares have defaults (more than half of the core items
missing; under 0.33 of the median time).

The flags that depend on the answers alone are stored with the response (:func:`quality_flags`).
``too_fast`` compares a response's duration with the median of its whole wave, so it is decided
where the wave's responses are read anyway (:func:`too_fast`, with the median computed once per
analysis): a submit never has to look at the rest of the wave, and every response of a wave is
judged against the same median, the first ones included.
"""

from __future__ import annotations

from oko.questionnaire.conditions import evaluate
from oko.questionnaire.model import Questionnaire
from oko.questionnaire.values import Answers

FICTITIOUS_DRUG = "fictitious_drug"
INCONSISTENT = "inconsistent"
TOO_FAST = "too_fast"
STRAIGHTLINING = "straightlining"
TOO_MANY_MISSING = "too_many_missing"
#: Every flag, in the order :func:`quality_flags` reports them.
FLAGS = (FICTITIOUS_DRUG, INCONSISTENT, TOO_FAST, STRAIGHTLINING, TOO_MANY_MISSING)


#: Stored durations are rounded to this many seconds (see ``Response.duration_seconds``).
DURATION_STEP_SECONDS = 10


def quality_flags(questionnaire: Questionnaire, answers: Answers) -> list[str]:
    """The flags the answers alone decide, in the order of :data:`FLAGS` (all but ``too_fast``)."""
    rules = questionnaire.quality
    checks = {
        FICTITIOUS_DRUG: _reports_fictitious_use(questionnaire, answers),
        INCONSISTENT: any(evaluate(rule.when, answers) for rule in rules.consistency),
        STRAIGHTLINING: _straightlined(questionnaire, answers),
        TOO_MANY_MISSING: _too_many_missing(questionnaire, answers),
    }
    return [flag for flag in FLAGS if checks.get(flag)]


def rounded_duration(seconds: float) -> int:
    """Seconds from start to Send as stored: to the nearest :data:`DURATION_STEP_SECONDS`."""
    step = DURATION_STEP_SECONDS
    return int((max(seconds, 0) + step / 2) // step) * step


def _reports_fictitious_use(questionnaire: Questionnaire, answers: Answers) -> bool:
    """Any answer other than the first option ("never") to a made-up substance."""
    for item_id in questionnaire.quality.fictitious:
        answer = answers.get(item_id)
        never = questionnaire.items[item_id].options[0].code
        if answer is not None and answer != never:
            return True
    return False


def too_fast(
    duration_seconds: float | None, median_seconds: float | None, share_of_median: float
) -> bool:
    """Under ``share_of_median`` (the questionnaire's, default a third) of the wave's median.

    Not judged without a duration (imported responses) or without a median (no timed response).
    """
    if duration_seconds is None or not median_seconds:
        return False
    return duration_seconds < share_of_median * median_seconds


def _straightlined(questionnaire: Questionnaire, answers: Answers) -> bool:
    """Every listed grid answered on all rows, each with one and the same code throughout.

    Identical answers in one grid are often honest (no friends smoke); across several grids
    chosen for mixed wording they are not, so all listed grids must agree before we flag.
    """
    grids = questionnaire.quality.straightline_grids
    if not grids:
        return False
    for grid_id in grids:
        codes = [answers.get(row.id) for row in questionnaire.grids[grid_id].rows]
        if None in codes or len(set(map(str, codes))) != 1:
            return False
    return True


def _too_many_missing(questionnaire: Questionnaire, answers: Answers) -> bool:
    """More than the allowed share of core items without an answer.

    Core items have no show_if, so an absent key cannot mean "routed past": it was not reached.
    """
    core = questionnaire.quality.core_items
    if not core:
        return False
    missing = sum(1 for item_id in core if answers.get(item_id) is None)
    return missing / len(core) > questionnaire.quality.max_core_missing_share
