"""What a job needs besides its row: the database and the settings of the app it serves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oko.db import Database
from oko.services.results.engine import Settings

#: Where built reports go, inside the instance folder.
REPORTS_FOLDER = "feedback"
#: Where mails go when no SMTP server is configured, inside the instance folder.
OUTBOX_FOLDER = "outbox"


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    sender: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        return cls(str(config["MAIL_SERVER"]), int(config["MAIL_PORT"]), str(config["MAIL_SENDER"]))


@dataclass(frozen=True)
class JobContext:
    """A job's database and settings; each process (worker, app thread) builds its own."""

    database: Database
    settings: Settings
    #: The report definitions and texts (REPORTS_DIR).
    definitions_dir: str
    instance_path: Path
    mail: MailSettings
    public_url: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any], instance_path: str | Path) -> JobContext:
        """A context with its own engine: a job never shares a connection with a request."""
        return cls(
            database=Database(config["DATABASE_URL"]),
            settings=Settings.from_config(config),
            definitions_dir=str(config["REPORTS_DIR"]),
            instance_path=Path(instance_path),
            mail=MailSettings.from_config(config),
            public_url=str(config.get("PUBLIC_URL", "")),
        )

    @property
    def reports_path(self) -> Path:
        return self.instance_path / REPORTS_FOLDER

    @property
    def outbox_path(self) -> Path:
        return self.instance_path / OUTBOX_FOLDER
