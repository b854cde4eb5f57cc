"""The coordinator's forms; choices that depend on the account are filled in by the view."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from oko.services.survey.class_sessions import GRADES, MAX_LABEL_LENGTH


class OpenSessionForm(FlaskForm):
    wave_id = SelectField("sessions.wave", coerce=int, validators=[InputRequired()])
    school_id = SelectField("sessions.school", coerce=int, validators=[InputRequired()])
    grade = SelectField(
        "sessions.grade",
        coerce=int,
        choices=[SelectChoice(str(grade), str(grade)) for grade in GRADES],
        validators=[InputRequired()],
    )
    label = StringField("sessions.label", validators=[Length(max=MAX_LABEL_LENGTH)])


class CloseSessionForm(FlaskForm):
    """Closing is a POST with a CSRF token."""
