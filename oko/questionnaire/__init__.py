"""Questionnaire definitions: load, validate and freeze YAML; route; check answers and quality.

Pure Python (PyYAML only), shared by the web survey, the CLI and the indicator engine.
The YAML format is documented in ``questionnaires/README.md``.
"""

from oko.questionnaire.answers import InvalidAnswer, validate_answer
from oko.questionnaire.builder import QuestionnaireError
from oko.questionnaire.conditions import (
    Condition,
    ConditionError,
    evaluate,
    parse_condition,
    referenced_items,
)
from oko.questionnaire.loader import check_files, load, translation_template
from oko.questionnaire.model import (
    ConsistencyRule,
    Element,
    Grid,
    Item,
    ItemType,
    Option,
    Page,
    QualityRules,
    Questionnaire,
    Scale,
    Text,
    Translation,
)
from oko.questionnaire.quality import FLAGS, quality_flags, rounded_duration, too_fast
from oko.questionnaire.values import Answer, Answers

__all__ = [
    "FLAGS",
    "Answer",
    "Answers",
    "Condition",
    "ConditionError",
    "ConsistencyRule",
    "Element",
    "Grid",
    "InvalidAnswer",
    "Item",
    "ItemType",
    "Option",
    "Page",
    "QualityRules",
    "Questionnaire",
    "QuestionnaireError",
    "Scale",
    "Text",
    "Translation",
    "check_files",
    "evaluate",
    "load",
    "parse_condition",
    "quality_flags",
    "referenced_items",
    "rounded_duration",
    "too_fast",
    "translation_template",
    "validate_answer",
]
