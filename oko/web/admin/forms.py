"""Admin forms. Labels are message keys; choices that depend on the database are filled in by
the view on each form instance, never on the class."""

from __future__ import annotations

from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from oko.services.staff.admin import GRADES
from oko.web.auth.forms import StaffForm


class ActionForm(StaffForm):
    """A button that changes something (open, close, disable, reset): only the CSRF token."""


class MunicipalityForm(StaffForm):
    slug = StringField("admin.slug", validators=[DataRequired(), Length(max=64)])
    name = StringField("admin.name", validators=[DataRequired(), Length(max=200)])
    region = StringField("admin.region", validators=[Optional(), Length(max=200)])


class _SchoolFields(StaffForm):
    slug = StringField("admin.slug", validators=[DataRequired(), Length(max=64)])
    name = StringField("admin.name", validators=[DataRequired(), Length(max=200)])
    municipality_id = SelectField("admin.municipality", coerce=int, validators=[DataRequired()])
    school_type = StringField("admin.school_type", validators=[Optional(), Length(max=40)])

    def pupil_fields(self) -> list[IntegerField]:
        return [self[f"pupils_{grade}"] for grade in GRADES]

    def pupils(self) -> dict[int, int]:
        return {grade: self[f"pupils_{grade}"].data or 0 for grade in GRADES}


#: One optional number field per grade, made once when the module loads.
SchoolForm = type(
    "SchoolForm",
    (_SchoolFields,),
    {
        f"pupils_{grade}": IntegerField(
            "admin.pupils_in_grade", validators=[Optional(), NumberRange(min=0, max=99_999)]
        )
        for grade in GRADES
    },
)


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class WaveForm(StaffForm):
    slug = StringField("admin.slug", validators=[DataRequired(), Length(max=64)])
    name = StringField("admin.name", validators=[DataRequired(), Length(max=200)])
    questionnaire = SelectField("admin.questionnaire", validators=[DataRequired()])
    opens_at = DateField("admin.opens_at", validators=[Optional()])
    closes_at = DateField("admin.closes_at", validators=[Optional()])
    language_codes = CheckboxesField("admin.wave_languages", validators=[Optional()])


class UserForm(StaffForm):
    email = EmailField("auth.email", validators=[DataRequired(), Length(max=254)])
    name = StringField("admin.name", validators=[Optional(), Length(max=200)])
    role = SelectField("admin.role", validators=[DataRequired()])
    municipality_id = SelectField("admin.municipality", coerce=int, validators=[Optional()])
    school_ids = CheckboxesField("admin.schools", coerce=int, validators=[Optional()])
    wave_ids = CheckboxesField("admin.waves", coerce=int, validators=[Optional()])


class AuditFilterForm(StaffForm):
    class Meta:
        csrf = False

    action = StringField("admin.action", validators=[Optional(), Length(max=64)])
