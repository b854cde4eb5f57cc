"""Every question type has a form field: the web half of the registry of question types."""

from __future__ import annotations

from oko import PROJECT_ROOT
from oko.questionnaire import load
from oko.questionnaire.question_types import QUESTION_TYPES
from oko.web.survey.forms import FIELD_BUILDERS, AnswerField, page_form


def test_every_question_type_has_a_field_builder() -> None:
    assert set(FIELD_BUILDERS) == set(QUESTION_TYPES)


def test_page_forms_have_a_field_per_item_built_for_its_type() -> None:
    questionnaire = load(PROJECT_ROOT / "questionnaires" / "oko-core.yaml")
    for page in questionnaire.pages:
        form = page_form(questionnaire, page.id)
        fields = {name: getattr(form, name) for name in dir(form) if name.startswith("q_")}
        assert set(fields) == {f"q_{item.id}" for item in page.items}
        assert all(field.field_class is AnswerField for field in fields.values())
