"""Staff forms: the base class with translated validation messages, and the login and
password forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.i18n import get_builtin_gnu_translations
from wtforms.validators import DataRequired, EqualTo, Length

from oko.services.staff.accounts import MIN_PASSWORD_LENGTH
from oko.web.i18n import current_language


class StaffForm(FlaskForm):
    """WTForms' own messages ("This field is required.") in the page's language."""

    class Meta:
        def get_translations(self, form):
            return get_builtin_gnu_translations((current_language(),))


class LoginForm(StaffForm):
    email = EmailField("auth.email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("auth.password", validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class PasswordForm(StaffForm):
    current = PasswordField("auth.current_password", validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(
        "auth.new_password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)]
    )
    repeat = PasswordField("auth.repeat_password", validators=[DataRequired(), EqualTo("new")])


class LogoutForm(StaffForm):
    """Logging out is a POST with a CSRF token, so another site cannot log a user out."""
