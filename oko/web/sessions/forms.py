"""The coordinator's forms; choices that depend on the account are filled in by the view."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from oko.services.survey.class_sessions import GRADES, MAX_LABEL_LENGTH, MAX_PUPILS


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
    #: The size of the class bounds the responses counted from the session.
    pupils = IntegerField(
        "sessions.pupils", validators=[Optional(), NumberRange(min=1, max=MAX_PUPILS)]
    )
    is_test = BooleanField("sessions.is_test")
    #: Ticked after the warning that the class already has a session in the wave.
    confirm_repeat = BooleanField("sessions.confirm_repeat")


class AttendanceForm(FlaskForm):
    """Pupils, opt-outs and absentees of a class, entered after the lesson: numbers only."""

    pupils = IntegerField(
        "sessions.pupils", validators=[Optional(), NumberRange(min=1, max=MAX_PUPILS)]
    )
    opt_outs = IntegerField(
        "sessions.opt_outs", validators=[Optional(), NumberRange(min=0, max=MAX_PUPILS)]
    )
    absentees = IntegerField(
        "sessions.absentees", validators=[Optional(), NumberRange(min=0, max=MAX_PUPILS)]
    )


class CloseSessionForm(FlaskForm):
    """Closing (and deleting a test session's answers) is a POST with a CSRF token."""


class HeldResponsesForm(FlaskForm):
    """Accepting or rejecting a session's held responses: a POST with a CSRF token."""

    decision = HiddenField(validators=[InputRequired(), AnyOf(("accept", "reject"))])
    #: "monitor" when the buttons were pressed on the fieldwork monitor: go back there.
    back = HiddenField()
