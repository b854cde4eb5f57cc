"""Endpoints every deployment needs, whatever else is switched on."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from oko.web.core import routes  # noqa: E402,F401  (routes attach themselves to bp)
