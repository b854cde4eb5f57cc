"""Pages for the people around a wave: the fieldwork monitor (coordinators, coalition) and the
coalition dashboard with results, charts and downloads."""

from flask import Blueprint

from oko.web.auth import add_nav_item

bp = Blueprint("coalition", __name__)

add_nav_item(bp, "coalition.dashboard_home", "nav.dashboard", roles=("coalition",), order=20)
add_nav_item(
    bp, "coalition.monitor_home", "nav.monitor", roles=("coordinator", "coalition"), order=30
)

from oko.web.coalition import dashboard, monitor, plans  # noqa: E402,F401  (routes attach to bp)
