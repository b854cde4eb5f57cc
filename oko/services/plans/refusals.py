"""Why a goal or action is refused, and reading a goal's group back from its stored name."""

from __future__ import annotations

from typing import ClassVar

from oko.indicators.groups import ALL, Group, GroupKind
from oko.services.refusal import Refusal


class PlanError(Refusal):
    """A goal or action is refused; the message says what to change."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "plan_no_results": "{municipality} has no results yet: goals start from a closed wave.",
        "plan_unknown_indicator": "The questionnaire of {municipality} ({questionnaire}) has no "
        "indicator '{indicator}'.",
        "plan_bad_direction": "Choose whether the figure should go down or up.",
        "plan_target_range": "A target for {indicator} must lie between {low} and {high}.",
        "plan_target_when": "Give either a target wave or a target year, not both or neither.",
        "plan_target_wave_past": "The wave '{wave}' is already closed: choose a later one.",
        "plan_target_year_past": "{year} is in the past or too far ahead: choose a year from "
        "{first} to {last}.",
        "plan_unknown_wave": "Unknown wave.",
        "plan_unknown_group": "'{group}' is not a group the results are broken down by.",
        "plan_group_too_small": "Only {n} students of this group answered in {wave}; figures "
        "are shown from {minimum}, so this goal could never be judged.",
        "plan_text_required": "Describe the action (1 to 2,000 characters) and who is "
        "responsible for it (1 to 200).",
        "plan_bad_status": "Unknown status '{status}'.",
        "plan_reason_too_long": "Keep the reason under 2,000 characters.",
    }


def parse_group(text: str) -> Group:
    """``all``, ``gender=2``, ``grade=4``: the form's value back into a group."""
    if text == "all":
        return ALL
    kind, _, code = text.partition("=")
    try:
        return Group(GroupKind(kind), int(code))
    except ValueError as exc:
        raise PlanError("plan_unknown_group", group=text[:20]) from exc
