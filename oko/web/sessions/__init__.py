"""Class sessions for coordinators: open one, show its code, address and QR code on the class
screen with live counts, close it. Coordinators see their own schools only; admins all."""

from flask import Blueprint

from oko.web.auth import add_nav_item

bp = Blueprint("sessions", __name__)

add_nav_item(bp, "sessions.index", "nav.sessions", roles=("coordinator",), order=20)

from oko.web.sessions import routes  # noqa: E402,F401  (routes attach themselves to bp)
