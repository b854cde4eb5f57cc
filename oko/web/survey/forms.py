"""Forms of the student's questionnaire.

Each questionnaire page gets its own WTForms class, built once with ``type()`` from the frozen
definition and cached; the shared base class is never changed. Fields are named ``q_<item id>``
so no item id can collide with a Form attribute. Values are checked by
:func:`oko.questionnaire.validate_answer`, the same rule the JSON importers use; the templates
render the inputs themselves (fieldset and legend per question, a table for grids), each type
with the macro its :class:`FieldBuilder` names.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from oko.questionnaire import Answer, InvalidAnswer, Item, Page, Questionnaire, validate_answer
from oko.services.survey.submissions import valid_submission_id
from oko.web.i18n import translate

FIELD_PREFIX = "q_"
#: Largest local copy of the answers a browser may send back (the whole questionnaire as JSON
#: is about 2 KB).
MAX_RESTORE_LENGTH = 64 * 1024


def field_name(item_id: str) -> str:
    return FIELD_PREFIX + item_id


class AnswerField(Field):
    """The posted answer to one item; ``data`` holds the value to store once validated."""

    def __init__(self, label: str | None = None, validators: Any = None, *, item: Item, **kw: Any):
        super().__init__(label or item.id, validators, **kw)
        self.item = item

    def process_data(self, value: Answer) -> None:
        self.data = value

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parsing waits for ``pre_validate``, where the student's language is known."""

    def pre_validate(self, form: Any) -> None:
        if self.raw_data is None:
            return
        several = self.item.kind.several
        if not several and len(self.raw_data) > 1:
            self.data = None
            raise ValidationError(translate("survey.error.one_answer", form.language))
        raw: object = self.raw_data if several else next(iter(self.raw_data), None)
        if self.item.required and _blank(raw):
            # Whether a required item must be answered depends on what else is shown: the
            # page's route decides that, not the field.
            self.data = None
            return
        try:
            self.data = validate_answer(self.item, raw, form.language)
        except InvalidAnswer as exc:
            self.data = None
            raise ValidationError(str(exc)) from None

    @property
    def shown_value(self) -> object:
        """What to put back into a text or number box: the typed text if it was rejected."""
        if self.errors and self.raw_data:
            return self.raw_data[0]
        return self.data


def _answer_field(item: Item) -> AnswerField:
    """The field every built-in type uses: parsing is the question type's ``parse``."""
    return AnswerField(item=item)


def _blank(raw: object) -> bool:
    if isinstance(raw, list):
        return all(_blank(value) for value in raw)
    return raw is None or (isinstance(raw, str) and not raw.strip())


class SurveyForm(FlaskForm):
    """Base of every student form: the language for messages, and the browser's local copy."""

    #: Set by the view before validating; messages are in the student's language.
    language = "nl"
    #: JSON the script fills in from the browser's copy; used only when the server's draft
    #: has expired (see ``parse_restore``).
    restore = HiddenField(validators=[Length(max=MAX_RESTORE_LENGTH)])

    def csrf_failed(self) -> bool:
        return bool(self.meta.csrf and self.csrf_token.errors)

    def unknown_fields(self, posted: Any) -> list[str]:
        """Posted names this form does not have: a tampered or foreign form.

        A multipart part without a name is posted under ``None``: unknown too.
        """
        return sorted(str(name) for name in posted if name not in self._fields)


class CodeForm(FlaskForm):
    code = StringField(validators=[InputRequired(), Length(max=32)])


class StartForm(SurveyForm):
    """Starting, continuing after an expiry, stopping: a button and a CSRF token."""


class PageForm(SurveyForm):
    """Base of the per-page classes; ``action`` is the button pressed."""

    action = HiddenField()

    @property
    def going_back(self) -> bool:
        return self.action.data == "back"

    def answer_fields(self) -> list[AnswerField]:
        return [field for field in self if isinstance(field, AnswerField)]

    def answers(self) -> dict[str, Answer]:
        """The page's values after validation, keyed by item id (``None``: left empty)."""
        return {field.item.id: field.data for field in self.answer_fields()}

    def invalid(self) -> dict[str, str]:
        """Item id -> message for every value that cannot be stored."""
        return {field.item.id: field.errors[0] for field in self.answer_fields() if field.errors}


class FinishForm(PageForm):
    """The last step: the browser's submission id makes a repeated submit harmless."""

    submission_id = HiddenField(validators=[Length(max=64)])


@dataclass(frozen=True)
class FieldBuilder:
    """How the student's form takes and shows the items of one question type.

    The page template renders every item with ``macro`` of ``template``, so a new type brings
    its own partial instead of another branch in the page.
    """

    build: Callable[[Item], AnswerField]
    macro: str
    template: str = "survey/_questions.html"


#: Question type name -> its form field and the macro that renders its input. Every type of
#: :data:`oko.questionnaire.question_types.QUESTION_TYPES` needs one (a test checks it).
FIELD_BUILDERS: Mapping[str, FieldBuilder] = {
    "single": FieldBuilder(_answer_field, "choice"),
    "multiple": FieldBuilder(_answer_field, "choice"),
    "integer": FieldBuilder(_answer_field, "number"),
    "text": FieldBuilder(_answer_field, "text"),
}


def field_builder(item: Item) -> FieldBuilder:
    return FIELD_BUILDERS[item.type]


@cache
def page_form(questionnaire: Questionnaire, page_id: str) -> type[PageForm]:
    """The form class of one page: a field per answerable item, grid rows included."""
    page: Page = questionnaire.page(page_id)
    fields = {field_name(item.id): field_builder(item).build(item) for item in page.items}
    return type(f"PageForm_{page_id}", (PageForm,), fields)


@dataclass(frozen=True)
class Restored:
    """The browser's copy of the answers, checked like posted values."""

    answers: dict[str, Answer]
    started_epoch: int | None
    #: Index of the furthest page the browser had reached.
    furthest: int
    #: The submission id the browser made for this questionnaire: if a response with it is
    #: stored, the student had sent it already (the thank-you page never arrived).
    submission: str | None = None


class RestoreError(ValueError):
    """The local copy is not something our script produces: refused, nothing stored."""


def parse_restore(raw: str | None, questionnaire: Questionnaire, language: str) -> Restored:
    """Check the JSON the script sends back when the server's draft is gone.

    Every key must be an item of the questionnaire and every value valid for it; the caller
    prunes the result to the path taken. Anything else means a tampered request.
    """
    if not raw:
        return Restored({}, None, 0)
    try:
        data = json.loads(raw)
    except ValueError:
        raise RestoreError("not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("answers", {}), dict):
        raise RestoreError("not an object of answers")
    answers: dict[str, Answer] = {}
    for item_id, value in data.get("answers", {}).items():
        item = questionnaire.items.get(item_id)
        if item is None:
            raise RestoreError(f"unknown item {item_id!r}")
        try:
            answers[item_id] = None if _blank(value) else validate_answer(item, value, language)
        except InvalidAnswer as exc:
            raise RestoreError(f"{item_id}: {exc}") from None
    started = data.get("started")
    furthest = data.get("furthest", 0)
    for name, value in (("started", started), ("furthest", furthest)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise RestoreError(f"{name} is not a whole number")
    submission = data.get("submission")
    if submission is not None and not (
        isinstance(submission, str) and valid_submission_id(submission)
    ):
        raise RestoreError("submission is not a submission id")
    furthest = min(max(furthest or 0, 0), len(questionnaire.pages))
    return Restored(answers, started, furthest, submission)
