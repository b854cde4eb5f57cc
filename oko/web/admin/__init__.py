"""The admin pages: municipalities, schools, waves, accounts, feedback and the audit log."""

from flask import Blueprint

from oko.web.auth import add_nav_item

bp = Blueprint("admin", __name__, url_prefix="/admin")

add_nav_item(bp, "admin.index", "nav.admin", roles=("admin",), order=10)
add_nav_item(bp, "admin.audit_log", "nav.audit", roles=("admin",), order=90)

from oko.web.admin import feedback, routes  # noqa: E402,F401  (routes attach themselves to bp)
