"""One content model for every view of a report's results.

:func:`build_content` turns report data, a report definition and texts into plain frozen
dataclasses (:class:`ReportContent`): the PDF and the coalition dashboard are two layouts of
the same content, so a number or sentence shown in both is the same text.
"""

from oko.reporting.content.build import SHOWN_COMPARISONS, build_content
from oko.reporting.content.model import (
    ActionLine,
    ActionsContent,
    ComparisonLine,
    DomainPanel,
    GoalLine,
    GoalsContent,
    GroupCell,
    IndicatorPanel,
    KeyMessage,
    KeyMessagesContent,
    ParticipationFigures,
    ProfileContent,
    ProfileFactor,
    ProfileMeasure,
    ReportContent,
    TableHeader,
)
from oko.reporting.content.words import Words

__all__ = [
    "SHOWN_COMPARISONS",
    "ActionLine",
    "ActionsContent",
    "ComparisonLine",
    "DomainPanel",
    "GoalLine",
    "GoalsContent",
    "GroupCell",
    "IndicatorPanel",
    "KeyMessage",
    "KeyMessagesContent",
    "ParticipationFigures",
    "ProfileContent",
    "ProfileFactor",
    "ProfileMeasure",
    "ReportContent",
    "TableHeader",
    "Words",
    "build_content",
]
