"""Research forms (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from oko.services.research.api_tokens import MAX_NAME_LENGTH
from oko.services.research.microdata import MAX_PURPOSE_LENGTH, MIN_PURPOSE_LENGTH


class TokenForm(FlaskForm):
    name = StringField(
        "research.token_name", validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)]
    )


class MicrodataRequestForm(FlaskForm):
    wave = SelectField("research.wave", validators=[DataRequired()], choices=[])
    purpose = TextAreaField(
        "research.purpose",
        validators=[DataRequired(), Length(min=MIN_PURPOSE_LENGTH, max=MAX_PURPOSE_LENGTH)],
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: revoke, approve, reject (CSRF only)."""
