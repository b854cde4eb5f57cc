"""Login and password forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from oko.services.accounts import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("auth.email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("auth.password", validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    current = PasswordField("auth.current_password", validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(
        "auth.new_password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)]
    )
    repeat = PasswordField("auth.repeat_password", validators=[DataRequired(), EqualTo("new")])


class LogoutForm(FlaskForm):
    """Logging out is a POST with a CSRF token, so another site cannot log a user out."""
