"""The registry of question types: one module per type, each registering itself on import.

Adding a type means a module here that subclasses :class:`QuestionType` with ``@register``,
an import below, a form field and the macro that renders it in :mod:`oko.web.survey.forms`
(with its template partial), and its tests.
"""

from oko.questionnaire.question_types import integer, multiple, single, text
from oko.questionnaire.question_types.base import (
    QUESTION_TYPES,
    InvalidAnswer,
    Measure,
    QuestionType,
    blank,
    question_type,
    register,
    unregister,
)

__all__ = [
    "QUESTION_TYPES",
    "InvalidAnswer",
    "Measure",
    "QuestionType",
    "blank",
    "integer",
    "multiple",
    "question_type",
    "register",
    "single",
    "text",
    "unregister",
]
