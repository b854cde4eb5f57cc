"""The Flask application factory. Views are thin: they parse the request, call a service in
``oko.services`` and render; the statistics, questionnaire and report layers know nothing of
Flask."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from oko.config import load_config
from oko.services.database import open_database
from oko.web import closing, context, errors, i18n, proxy, routing, security, synthetic_banner
from oko.web.extensions import csrf


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build an app; ``config`` overrides every other source (tests pass their settings here)."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.update(load_config(Path(app.instance_path), overrides=config))
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = app.config["ENV"] == "production"
    app.config["PROPAGATE_EXCEPTIONS"] = app.config.get("TESTING", False)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    return app


def register_extensions(app: Flask) -> None:
    app.extensions["oko.db"] = open_database(
        app.config["DATABASE_URL"],
        check_migrations=app.config.get("CHECK_MIGRATIONS", True),
        wait_seconds=app.config["DATABASE_WAIT_SECONDS"],
    )
    proxy.init_app(app)
    routing.init_app(app)
    csrf.init_app(app)
    context.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    synthetic_banner.init_app(app)
    closing.init_app(app)


def register_blueprints(app: Flask) -> None:
    from oko.web.admin import bp as admin_bp
    from oko.web.api import bp as api_bp
    from oko.web.auth import bp as auth_bp
    from oko.web.coalition import bp as coalition_bp
    from oko.web.core import bp as core_bp
    from oko.web.feedback import bp as feedback_bp
    from oko.web.fieldwork import bp as fieldwork_bp
    from oko.web.research import bp as research_bp
    from oko.web.sessions import bp as sessions_bp
    from oko.web.survey import bp as survey_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(coalition_bp)
    app.register_blueprint(research_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(fieldwork_bp)


def register_errorhandlers(app: Flask) -> None:
    errors.init_app(app)
