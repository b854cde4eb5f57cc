"""The coalition's plan forms. Labels are message keys; the indicator, group and wave choices
depend on the municipality and are filled in by the view on each instance."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from oko.web.auth.forms import StaffForm


class GoalForm(StaffForm):
    indicator = SelectField("plans.indicator", validators=[DataRequired()])
    direction = SelectField("plans.direction", validators=[DataRequired()])
    target = FloatField("plans.target", validators=[InputRequired()])
    group = SelectField("plans.group", validators=[DataRequired()])
    target_wave = SelectField("plans.target_wave", validators=[Optional()])
    target_year = IntegerField("plans.target_year", validators=[Optional()])
    priority = BooleanField("plans.priority")
    reason = TextAreaField("plans.reason", validators=[Optional(), Length(max=2000)])


class PlanActionForm(StaffForm):
    what = TextAreaField("plans.what", validators=[DataRequired(), Length(max=2000)])
    responsible = StringField("plans.responsible", validators=[DataRequired(), Length(max=200)])
    starts_on = DateField("plans.starts_on", validators=[DataRequired()])
    indicator = SelectField("plans.aim", validators=[DataRequired()])
    status = SelectField("plans.status", validators=[DataRequired()])
