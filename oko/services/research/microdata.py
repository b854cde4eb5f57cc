"""Response-level data on approval: requests, an admin's decision, the embargo, the download.

Rules (the Icelandic Youth Survey and ESPAD practice in the domain brief):
- a researcher asks for one wave and says what for; an admin approves, rejects or later
  revokes (or grants directly from the command line);
- nothing is delivered before ``MICRODATA_EMBARGO_DAYS`` after the wave closed;
- the file is built by :mod:`oko.research.microdata` (pseudonyms, merged small schools, no free
  text, rare categories coded); every decision and every download is in the audit log, and
  each download is also kept as a :class:`MicrodataDownload` with its checksum.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oko.models import MicrodataDownload, MicrodataGrant, Response, User, Wave, utcnow
from oko.models.responses import ACCEPTED, TEST
from oko.questionnaire import too_fast
from oko.questionnaire.quality import TOO_FAST
from oko.research import bundles
from oko.research import microdata as builder
from oko.services import audit
from oko.services.refusal import Refusal
from oko.services.results.durations import median_duration
from oko.services.staff import authz
from oko.services.survey import questionnaires
from oko.services.transactions import commits

FORMATS = ("zip", "csv", "sav")
MEDIA_TYPES = {"zip": "application/zip", "csv": "text/csv", "sav": "application/x-spss-sav"}
MIN_PURPOSE_LENGTH = 20
#: Largest id an integer primary key holds (PostgreSQL refuses larger numbers outright).
MAX_ID = 2**31 - 1
#: Longer than any slug the models store (String(64)).
MAX_SLUG_LENGTH = 64
MAX_PURPOSE_LENGTH = 4000


class MicrodataError(Refusal):
    """A request or decision cannot be carried out; the message says why."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "microdata_no_grant": "There is no microdata grant {grant}.",
        "microdata_researchers_only": "Only researchers can request microdata.",
        "microdata_not_researcher": "{email} is not a researcher.",
        "microdata_purpose_short": "Describe the research purpose in at least {length} characters.",
        "microdata_purpose_long": "The purpose has at most {length} characters.",
        "microdata_purpose_control": "The purpose cannot hold control characters.",
        "microdata_grant_exists": "{email} already has a {status} microdata grant for wave {wave}.",
        "microdata_not_pending": "Grant {grant} is {status}, not awaiting a decision.",
        "microdata_nothing_to_revoke": "Grant {grant} is {status}; there is nothing to revoke.",
        "microdata_unknown_format": "Unknown format '{file_format}'; choose one of {formats}.",
    }


@dataclass(frozen=True)
class Settings:
    """The configuration a download depends on."""

    secret_key: str
    embargo_days: int
    min_school_size: int
    min_category_size: int
    questionnaire_dir: str | Path

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            secret_key=config["SECRET_KEY"],
            embargo_days=config["MICRODATA_EMBARGO_DAYS"],
            min_school_size=config["MIN_SCHOOL_SIZE"],
            min_category_size=config["MICRODATA_MIN_CATEGORY_SIZE"],
            questionnaire_dir=config["QUESTIONNAIRE_DIR"],
        )


@dataclass(frozen=True)
class Delivery:
    filename: str
    media_type: str
    data: bytes
    rows: int


def available_from(wave: Wave, embargo_days: int) -> datetime | None:
    """When the wave's microdata may first be delivered; None while the wave is not closed."""
    if wave.status != "closed" or wave.closes_at is None:
        return None
    return wave.closes_at + timedelta(days=embargo_days)


def wave_by_slug(session: Session, slug: str) -> Wave | None:
    """The wave with this slug; None also for text no slug can be (PostgreSQL refuses NUL)."""
    if not slug or len(slug) > MAX_SLUG_LENGTH or not slug.isprintable():
        return None
    return session.execute(select(Wave).where(Wave.slug == slug)).scalar_one_or_none()


def grants_of(session: Session, user: User) -> list[MicrodataGrant]:
    query = (
        select(MicrodataGrant)
        .where(MicrodataGrant.user_id == user.id)
        .order_by(MicrodataGrant.id.desc())
    )
    return list(session.execute(query).scalars())


def all_grants(session: Session) -> list[MicrodataGrant]:
    query = select(MicrodataGrant).order_by(MicrodataGrant.id.desc())
    return list(session.execute(query).scalars())


def get(session: Session, grant_id: int) -> MicrodataGrant:
    grant = session.get(MicrodataGrant, grant_id) if 0 < grant_id <= MAX_ID else None
    if grant is None:
        raise MicrodataError("microdata_no_grant", grant=grant_id)
    return grant


def current_grant(session: Session, user: User, wave: Wave) -> MicrodataGrant | None:
    """The user's open request or approved grant for ``wave``, if any."""
    query = select(MicrodataGrant).where(
        MicrodataGrant.user_id == user.id,
        MicrodataGrant.wave_id == wave.id,
        MicrodataGrant.status.in_(("requested", "approved")),
    )
    return session.execute(query.order_by(MicrodataGrant.id.desc())).scalars().first()


@commits
def request(session: Session, user: User, wave: Wave, purpose: str) -> MicrodataGrant:
    """A researcher asks for a wave's microdata (commits)."""
    if user.role != "researcher" or not user.active:
        raise MicrodataError("microdata_researchers_only")
    return _new_grant(session, user, wave, purpose, status="requested", actor=user)


@commits
def grant(
    session: Session, user: User, wave: Wave, purpose: str, *, admin: User | None
) -> MicrodataGrant:
    """An admin grants a researcher a wave's microdata directly (commits)."""
    if user.role != "researcher":
        raise MicrodataError("microdata_not_researcher", email=user.email)
    row = _new_grant(session, user, wave, purpose, status="approved", actor=admin)
    row.decided_at = row.requested_at
    row.decided_by_id = admin.id if admin else None
    return row


def _new_grant(
    session: Session, user: User, wave: Wave, purpose: str, *, status: str, actor: User | None
) -> MicrodataGrant:
    purpose = purpose.strip()
    if len(purpose) < MIN_PURPOSE_LENGTH:
        raise MicrodataError("microdata_purpose_short", length=MIN_PURPOSE_LENGTH)
    if len(purpose) > MAX_PURPOSE_LENGTH:
        raise MicrodataError("microdata_purpose_long", length=MAX_PURPOSE_LENGTH)
    if not purpose.replace("\n", " ").replace("\r", " ").replace("\t", " ").isprintable():
        raise MicrodataError("microdata_purpose_control")
    existing = current_grant(session, user, wave)
    if existing is not None:
        raise MicrodataError(
            "microdata_grant_exists", email=user.email, status=existing.status, wave=wave.slug
        )
    row = MicrodataGrant(
        user_id=user.id,
        wave_id=wave.id,
        purpose=purpose,
        status=status,
        requested_at=utcnow(),
        pseudonym_key=secrets.token_hex(32),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "microdata.request" if status == "requested" else "microdata.grant",
        user_id=actor.id if actor else None,
        target=f"microdata_grant:{row.id}",
        detail={"researcher": user.email, "wave": wave.slug},
    )
    return row


@commits
def decide(session: Session, row: MicrodataGrant, approve: bool, *, admin: User | None) -> None:
    """Approve or reject a pending request (commits)."""
    if admin is not None:
        authz.require_role(admin)  # with no roles listed, only admins pass
    if row.status != "requested":
        raise MicrodataError("microdata_not_pending", grant=row.id, status=row.status)
    row.status = "approved" if approve else "rejected"
    row.decided_at = utcnow()
    row.decided_by_id = admin.id if admin else None
    audit.record(
        session,
        "microdata.grant" if approve else "microdata.reject",
        user_id=admin.id if admin else None,
        target=f"microdata_grant:{row.id}",
        detail={"researcher": row.user.email, "wave": row.wave.slug},
    )


@commits
def revoke(session: Session, row: MicrodataGrant, *, admin: User | None) -> None:
    """Withdraw an approved grant or a pending request (commits)."""
    if admin is not None:
        authz.require_role(admin)
    if row.status not in ("approved", "requested"):
        raise MicrodataError("microdata_nothing_to_revoke", grant=row.id, status=row.status)
    row.status = "revoked"
    row.revoked_at = utcnow()
    audit.record(
        session,
        "microdata.revoke",
        user_id=admin.id if admin else None,
        target=f"microdata_grant:{row.id}",
        detail={"researcher": row.user.email, "wave": row.wave.slug},
    )


def require_download(
    session: Session, user: User, wave: Wave, embargo_days: int, now: datetime | None = None
) -> MicrodataGrant:
    """The approved grant under which ``user`` may download now, or :class:`authz.Forbidden`."""
    if not user.active:
        raise authz.Forbidden("account disabled")
    row = current_grant(session, user, wave)
    if row is None or row.status != "approved":
        raise authz.Forbidden(f"no approved microdata grant for wave {wave.slug}")
    opens = available_from(wave, embargo_days)
    if opens is None:
        raise authz.Forbidden(f"wave {wave.slug} is not closed yet")
    if (now or utcnow()) < opens:
        raise authz.Forbidden(f"embargo: available from {opens:%Y-%m-%d}")
    return row


def pseudonym_key(row: MicrodataGrant, secret_key: str) -> bytes:
    """The grant's own key, itself keyed with the app secret: a database copy alone cannot
    reverse the pseudonyms by hashing every school id."""
    return hmac.new(secret_key.encode(), bytes.fromhex(row.pseudonym_key), hashlib.sha256).digest()


def load_records(
    session: Session, wave: Wave, too_fast_share: float
) -> list[builder.ResponseRecord]:
    """Every response of the wave given with the wave's questionnaire version.

    Its flags are the stored ones and ``too_fast``, decided against the wave's median (the
    duration itself is not exported).
    """
    median = median_duration(session, wave.id)
    query = (
        select(
            Response.id,
            Response.school_id,
            Response.grade,
            Response.answers,
            Response.quality_flags,
            Response.duration_seconds,
            Response.source,
        )
        .where(
            Response.wave_id == wave.id,
            Response.questionnaire_id == wave.questionnaire_id,
            Response.questionnaire_version == wave.questionnaire_version,
            Response.status == ACCEPTED,
        )
        .order_by(Response.id)
    )
    return [
        builder.ResponseRecord(
            rid,
            school,
            grade,
            answers or {},
            (*(flags or ()), *([TOO_FAST] if too_fast(duration, median, too_fast_share) else [])),
            source,
        )
        for rid, school, grade, answers, flags, duration, source in session.execute(query)
    ]


@commits
def deliver(
    session: Session,
    row: MicrodataGrant,
    file_format: str,
    settings: Settings,
    *,
    language: str = "en",
    channel: str = "web",
) -> Delivery:
    """Build the file and record the download (commits)."""
    if file_format not in FORMATS:
        raise MicrodataError(
            "microdata_unknown_format", file_format=file_format, formats=", ".join(FORMATS)
        )
    wave = row.wave
    now = utcnow()
    files, data = _files(session, row, settings, language, now)
    filename, content = _one_file(files, wave.slug, file_format)
    digest = hashlib.sha256(content).hexdigest()
    rows = len(data.table.rows)
    session.add(
        MicrodataDownload(
            grant_id=row.id, at=now, file_format=file_format, rows=rows, sha256=digest
        )
    )
    audit.record(
        session,
        "microdata.download",
        user_id=row.user_id,
        target=f"microdata_grant:{row.id}",
        detail={
            "wave": wave.slug,
            "format": file_format,
            "rows": rows,
            "sha256": digest,
            "via": channel,
        },
    )
    return Delivery(filename, MEDIA_TYPES[file_format], content, rows)


def _files(
    session: Session, row: MicrodataGrant, settings: Settings, language: str, now: datetime
) -> tuple[dict[str, bytes], builder.Microdata]:
    wave = row.wave
    questionnaire = questionnaires.for_wave(wave, settings.questionnaire_dir)
    if language not in questionnaire.languages:
        language = questionnaire.languages[0]
    policy = builder.Policy(
        pseudonym_key=pseudonym_key(row, settings.secret_key),
        min_school_size=settings.min_school_size,
        min_category_size=settings.min_category_size,
    )
    records = load_records(session, wave, questionnaire.quality.too_fast_share_of_median)
    data = builder.build(questionnaire, records, policy)
    files = bundles.microdata_files(
        data,
        wave_slug=wave.slug,
        wave_name=wave.name,
        languages=questionnaire.languages,
        spss_language=language,
        created=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        readme=readme(row, data, policy, questionnaire.id, questionnaire.version, now),
    )
    return files, data


def _one_file(files: Mapping[str, bytes], slug: str, file_format: str) -> tuple[str, bytes]:
    """Name and bytes of the download in ``file_format``: the whole zip, or one file of it."""
    stem = f"oko-{slug}-microdata"
    if file_format == "zip":
        return f"{stem}.zip", bundles.to_zip(files, stem)
    name = {"csv": "microdata.csv", "sav": "microdata.sav"}[file_format]
    return f"{stem}.{file_format}", files[name]


#: Bytes of each format per (grant's random key, language, responses in the wave): the key
#: names one grant in one database, even when several databases share the process.
_sizes: OrderedDict[tuple[str, str, int], dict[str, int]] = OrderedDict()
_sizes_lock = threading.Lock()
SIZE_CACHE_SIZE = 256


def download_sizes(
    session: Session, row: MicrodataGrant, settings: Settings, *, language: str
) -> dict[str, int]:
    """Bytes of each format a download under this grant gives, built once and remembered.

    The files of a closed wave do not change (pseudonyms are fixed per grant; the dates in the
    README have a fixed width), so one build measures every later download. The number of
    responses is part of the key: a wave reopened for more data is measured again.
    """
    responses = session.execute(
        select(func.count())
        .select_from(Response)
        .where(Response.wave_id == row.wave_id, Response.status != TEST)
    ).scalar_one()
    key = (row.pseudonym_key, language, responses)
    with _sizes_lock:
        if key in _sizes:
            _sizes.move_to_end(key)
            return dict(_sizes[key])
    files, _data = _files(session, row, settings, language, utcnow())
    sizes = {fmt: len(_one_file(files, row.wave.slug, fmt)[1]) for fmt in FORMATS}
    with _sizes_lock:
        _sizes[key] = sizes
        while len(_sizes) > SIZE_CACHE_SIZE:
            _sizes.popitem(last=False)
    return dict(sizes)


def readme(
    row: MicrodataGrant,
    data: builder.Microdata,
    policy: builder.Policy,
    questionnaire_id: str,
    version: str,
    now: datetime,
) -> str:
    omitted = "\n".join(f"  - {name}: {why}" for name, why in data.omitted.items()) or "  (none)"
    return f"""oko microdata: {row.wave.name} ({row.wave.slug})
Questionnaire {questionnaire_id} version {version}. Delivered {now:%Y-%m-%d %H:%M} UTC to
{row.user.email} under grant {row.id} for this purpose:

  {row.purpose}

Use it only for that purpose, keep it on secured storage, do not pass it on, and never try to
identify a school or a student. Publish only aggregates of groups large enough to be shown in
oko's own reports.

Files
  microdata.csv     one row per response (UTF-8, comma-separated)
  microdata.sav     the same with SPSS variable and value labels
  variables.csv     every column: label in each language, source item, recoding
  values.csv        every code's label; -1 not answered, -2 not asked, -3 withheld
  datapackage.json  Frictionless Data Package descriptor of the CSV files

Disclosure control applied
  - schools are pseudonyms (stable within this grant); {data.merged_schools} schools share
    one pseudonym (school_merged = 1) because some had fewer than {policy.min_school_size}
    responses
  - free text is left out; no timestamps, class, language or submission ids
  - categories with fewer than {policy.min_category_size} respondents are top- or
    bottom-coded (ordered items) or withheld (code -3, unordered items)
  - rows are in random order

Left out
{omitted}
"""
