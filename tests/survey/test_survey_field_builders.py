"""Every question type has a form field and a macro: the web half of the registry of types.

``Stars`` below is a type this test registers for itself with its own template partial: the
page renders it and stores its answer without any change to the survey's templates or views.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader

from oko import PROJECT_ROOT
from oko.db import Database
from oko.questionnaire import InvalidAnswer, Item, load
from oko.questionnaire.question_types import QUESTION_TYPES, QuestionType, register, unregister
from oko.questionnaire.question_types.base import whole_number
from oko.questionnaire.values import Answer
from oko.web.survey import forms
from oko.web.survey.forms import FIELD_BUILDERS, AnswerField, FieldBuilder, page_form
from tests.survey.survey_factories import Student, make_world, responses


def test_every_question_type_has_a_field_builder() -> None:
    assert set(FIELD_BUILDERS) == set(QUESTION_TYPES)


def test_every_field_builder_names_a_macro_of_its_partial(app: Flask) -> None:
    for name, builder in FIELD_BUILDERS.items():
        module = app.jinja_env.get_template(builder.template).module
        assert callable(getattr(module, builder.macro, None)), name


def test_page_forms_have_a_field_per_item_built_for_its_type() -> None:
    questionnaire = load(PROJECT_ROOT / "questionnaires" / "oko-core.yaml")
    for page in questionnaire.pages:
        form = page_form(questionnaire, page.id)
        fields = {name: getattr(form, name) for name in dir(form) if name.startswith("q_")}
        assert set(fields) == {f"q_{item.id}" for item in page.items}
        assert all(field.field_class is AnswerField for field in fields.values())


class Stars(QuestionType):
    """One to five stars."""

    name = "stars"
    numeric = True

    def parse(self, item: Item, raw: object, language: str) -> Answer:
        number = whole_number(raw)
        if number is None or not 1 <= number <= 5:
            raise InvalidAnswer("Please give one to five stars.")
        return number

    def explain(self, item: Item, raw: str) -> str:
        return f"'{raw}' is not one to five stars"


STARS_PARTIAL = """{%- macro stars(view, field, error, lang) %}
<div class="question stars" id="el-{{ view.element.id }}">{{ view.element.text[lang] }}
{%- if error %}<p class="field-error">{{ error }}</p>{% endif %}
{%- for n in range(1, 6) %}<input type="radio" name="{{ field.name }}" value="{{ n }}">{% endfor %}
</div>
{%- endmacro %}"""


@pytest.fixture
def stars(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    register(Stars)
    monkeypatch.setitem(
        forms.FIELD_BUILDERS,
        "stars",
        FieldBuilder(lambda item: AnswerField(item=item), "stars", "survey/_stars.html"),
    )
    yield
    unregister("stars")


@pytest.fixture
def stars_student(
    stars: None, app_config: dict[str, object], database: Database, tmp_path: Path, request
) -> Student:
    definition = {
        "id": "stars",
        "version": "1",
        "languages": ["en"],
        "title": {"en": "Stars"},
        "intro": {"en": "Hello."},
        "help": {"en": "Thanks."},
        "pages": [
            {
                "id": "p1",
                "title": {"en": "Page"},
                "items": [{"id": "rating", "type": "stars", "text": {"en": "How many stars?"}}],
            }
        ],
    }
    (tmp_path / "stars.yaml").write_text(yaml.safe_dump(definition), encoding="utf-8")
    app_config["QUESTIONNAIRE_DIR"] = str(tmp_path)
    app: Flask = request.getfixturevalue("app")
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"survey/_stars.html": STARS_PARTIAL}), app.jinja_env.loader]
    )
    return Student(app.test_client(), make_world(database, tmp_path / "stars.yaml"))


def test_a_new_type_is_rendered_by_its_own_partial_and_stored(
    stars_student: Student, database: Database
) -> None:
    stars_student.start()
    page = stars_student.client.get(stars_student.page_url("p1")).get_data(as_text=True)
    assert '<div class="question stars" id="el-rating">How many stars?' in page
    assert page.count('name="q_rating"') == 5

    refused = stars_student.post("p1", {"rating": 9})
    assert refused.status_code == 400
    assert "Please give one to five stars." in refused.get_data(as_text=True)

    assert stars_student.post("p1", {"rating": 4}).status_code == 302
    assert stars_student.send().status_code == 302
    assert [response.answers for response in responses(database)] == [{"rating": 4}]
