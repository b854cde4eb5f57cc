"""Configuration: defaults in code, then the instance folder, then ``OKO_*`` environment variables.

Read only when an app or command is built (never at import), so tests and several app servers
can each bring their own settings.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from oko import resources

DEFAULTS: dict[str, Any] = {
    # "development" generates a secret key into the instance folder; "production" requires one.
    "ENV": "development",
    "DATABASE_URL": "",  # empty: SQLite file oko.db in the instance folder
    "SECRET_KEY": "",
    # Smallest unweighted denominator for which an estimate is published (NCHS/CDC practice).
    "MIN_GROUP_SIZE": 30,
    # Smallest number of respondents for a school to be reported on at all.
    "MIN_SCHOOL_SIZE": 20,
    # "classes": every school of a municipality takes part (the usual OKO set-up), so schools
    # are strata, and the class sessions are the sampling units (HBSC, ESPAD). "census": the
    # same, but students taken as independent (narrower, too narrow, intervals). "sampled":
    # schools are a sample of PSUs (YRBS-style), which leaves a municipality with few schools
    # almost no degrees of freedom.
    "SCHOOL_DESIGN": "classes",
    "QUESTIONNAIRE_DIR": str(resources.folder("questionnaires")),
    "REPORTS_DIR": str(resources.folder("reports")),
    # A student's unfinished questionnaire is kept this long (a lesson plus margin).
    "DRAFT_TTL_MINUTES": 180,
    # A class code stops working this long after its session was opened (a school day).
    "CLASS_CODE_TTL_HOURS": 12,
    # The address students type (e.g. https://oko.example.nl), for `oko session` output and QR
    # codes made on the command line; the web pages use the address they were reached at.
    "PUBLIC_URL": "",
    # Wrong class codes a client (one address) may type per window of so many minutes: room
    # for several classes behind one school address mistyping, the same 7,200 guesses in a
    # code's lifetime as ten a minute. Right codes cost nothing and restore nothing.
    "CODE_ATTEMPTS_PER_WINDOW": 150,
    "CODE_ATTEMPT_WINDOW_MINUTES": 15,
    # Questionnaires one client (one address) may send per class session per minute: a class
    # behind one school address passes, a script sending a burst does not.
    "FINISHES_PER_MINUTE": 40,
    # Failed staff logins per minute for one account (email), and from one client address
    # across accounts; successful logins are not counted.
    "LOGIN_ATTEMPTS_PER_MINUTE": 5,
    "LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE": 20,
    # A staff login ends after this many hours, even if the browser stays open.
    "STAFF_SESSION_HOURS": 12,
    # How often the fieldwork monitor refreshes its counts (seconds).
    "MONITOR_POLL_SECONDS": 5,
    # Largest accepted request body; a survey page is a few kilobytes.
    "MAX_CONTENT_LENGTH": 256 * 1024,
    # Response-level data may be granted this many days after a wave closes.
    "MICRODATA_EMBARGO_DAYS": 183,
    # In microdata, an answer category chosen by fewer respondents is top-coded or withheld.
    "MICRODATA_MIN_CATEGORY_SIZE": 5,
    # JSON API: requests per account (or per address, unauthenticated) per minute, failed
    # token checks per address per minute, and the lifetime of a new personal token (0: none).
    "API_REQUESTS_PER_MINUTE": 120,
    "API_AUTH_FAILURES_PER_MINUTE": 10,
    "API_TOKEN_TTL_DAYS": 365,
    # Refuse to start on a database that is not at the newest migration.
    "CHECK_MIGRATIONS": True,
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are believed
    # (nginx alone: 1). 0: the app is reached directly and those headers are ignored.
    "TRUSTED_PROXIES": 0,
    # A starting app server waits this long for an unreachable database (a restart or
    # failover) before giving up; below gunicorn's default 30 s worker timeout.
    "DATABASE_WAIT_SECONDS": 20,
    # Redis URL of the job queue that closes waves (RQ), e.g. redis://127.0.0.1:6379/0. Empty:
    # the jobs run in a background thread of the app process (the embedded set-up, the demo).
    "QUEUE_URL": "",
    # SMTP server for the mails sent when a wave closes. Empty: mails go to the outbox folder
    # in the instance folder, listed on the admin Feedback page.
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_SENDER": "oko@localhost",
}

PREFIX = "OKO_"
SCHOOL_DESIGNS = ("classes", "census", "sampled")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def _coerce(key: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{PREFIX}{key} must be a whole number, got {raw!r}") from exc
    return raw


def read_instance_file(instance_path: Path) -> dict[str, Any]:
    """Settings from ``instance/oko.cfg`` (``KEY = value`` lines, # comments)."""
    path = instance_path / "oko.cfg"
    if not path.exists():
        return {}
    values: dict[str, Any] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip().upper()
        if not sep or key not in DEFAULTS:
            raise ConfigError(f"{path}:{number}: unknown setting {key!r}")
        values[key] = _coerce(key, value.strip().strip("\"'"), DEFAULTS[key])
    return values


def load_config(
    instance_path: Path,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Merge defaults, instance file, environment and explicit overrides (highest last)."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    config.update(read_instance_file(instance_path))
    for key, default in DEFAULTS.items():
        if PREFIX + key in environ:
            config[key] = _coerce(key, environ[PREFIX + key], default)
    config.update(overrides or {})
    if config["SCHOOL_DESIGN"] not in SCHOOL_DESIGNS:
        raise ConfigError(
            f"{PREFIX}SCHOOL_DESIGN must be one of {', '.join(SCHOOL_DESIGNS)}, "
            f"got {config['SCHOOL_DESIGN']!r}"
        )
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'oko.db'}"
    if not config["SECRET_KEY"]:
        if config["ENV"] == "production":
            raise ConfigError(
                "OKO_SECRET_KEY is required in production: set it to a long random string "
                "(python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        config["SECRET_KEY"] = development_secret(instance_path)
    return config


def development_secret(instance_path: Path) -> str:
    """A secret generated once into the instance folder, so restarts keep sessions valid."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key
