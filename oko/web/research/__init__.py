"""Researcher pages: the waves one may read with their downloads, microdata requests and
grants, and personal API tokens; for admins, the microdata decisions."""

from flask import Blueprint

from oko.web.auth import add_nav_item

bp = Blueprint("research", __name__, url_prefix="/research")

add_nav_item(bp, "research.index", "nav.research", roles=("researcher", "coalition"), order=60)
add_nav_item(bp, "research.tokens", "nav.api_tokens", roles=("researcher", "coalition"), order=70)
add_nav_item(bp, "research.grants", "nav.microdata_grants", roles=("admin",), order=75)

from oko.web.research import routes  # noqa: E402,F401  (routes attach themselves to bp)
