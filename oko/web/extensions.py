"""Unbound Flask extensions, bound to an app in ``create_app``."""

from flask_wtf import CSRFProtect

csrf = CSRFProtect()
