"""Staff sign-in: login, logout, own password, the ``login_required`` view decorator and the
staff navigation other blueprints add their pages to."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from oko.web.auth import routes  # noqa: E402,F401  (routes attach themselves to bp)
from oko.web.auth.access import current_user, login_required  # noqa: E402
from oko.web.auth.nav import add_nav_item  # noqa: E402

__all__ = ["add_nav_item", "bp", "current_user", "login_required"]
