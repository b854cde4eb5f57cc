"""Questionnaires in progress, kept on the server so a closed tab loses nothing.

The student's browser holds a random token in a cookie; the database holds only its SHA-256,
so a database dump cannot be turned into cookies. A draft expires ``DRAFT_TTL_MINUTES`` after
the student's last page (each save moves the expiry on) and is deleted on submit.

Position: ``Draft.page_index`` is the furthest page reached, ``len(questionnaire.pages)``
meaning "all pages done, ready to send". A student may revisit any page up to there; Back
never moves it, so a closed tab resumes where the student had got to.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from oko.models import ClassSession, Draft
from oko.questionnaire import Answer, Answers, Page, Questionnaire, routing
from oko.services.survey import class_sessions

COOKIE_NAME = "oko_draft"
TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _derived(draft: Draft, secret: str, purpose: str) -> str:
    message = f"{purpose}|{draft.token_hash}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def local_key(draft: Draft, secret: str) -> str:
    """A name for the browser's local copy of this draft; reveals nothing about the token."""
    return _derived(draft, secret, "local")


def default_submission_id(draft: Draft, secret: str) -> str:
    """The submission id a browser without JavaScript sends: stable for the draft, so a
    double click or a replayed form still stores one response."""
    return _derived(draft, secret, "submit")


def start(
    session: Session,
    class_session: ClassSession,
    *,
    language: str,
    ttl_minutes: int,
    now: datetime,
) -> tuple[str, Draft]:
    """A new, empty draft and its token; counts the student as started. Commits."""
    purge_expired(session, now=now, ttl_minutes=ttl_minutes)
    token, draft = _new_draft(session, class_session, language, ttl_minutes, now)
    class_sessions.record_started(session, class_session.id)
    session.commit()
    return token, draft


def find_expired(
    session: Session, token: str | None, class_session: ClassSession, *, now: datetime
) -> Draft | None:
    """The expired, not yet purged draft of this class for a cookie's token, or None."""
    if not token or len(token) > 128:
        return None
    query = select(Draft).where(
        Draft.token_hash == hash_token(token),
        Draft.class_session_id == class_session.id,
        Draft.expires_at <= now,
    )
    return session.execute(query).scalar_one_or_none()


def revive(
    session: Session,
    draft: Draft,
    questionnaire: Questionnaire,
    copy: Answers,
    *,
    ttl_minutes: int,
    now: datetime,
) -> Draft:
    """An expired draft brought back, with what the browser's copy adds to it.

    The copy may hold answers the server never saw (typed on the page the student was on),
    so they win; but only for pages the draft had reached: the server's record of how far the
    student got is never moved on by a copy (which anyone can write). Commits.
    """
    kept = routing.reached(questionnaire, copy, draft.page_index)
    return save(
        session,
        draft,
        answers=routing.merge(questionnaire, draft.answers, kept),
        page_index=draft.page_index,
        ttl_minutes=ttl_minutes,
        now=now,
    )


def _new_draft(
    session: Session,
    class_session: ClassSession,
    language: str,
    ttl_minutes: int,
    now: datetime,
) -> tuple[str, Draft]:
    token = new_token()
    draft = Draft(
        token_hash=hash_token(token),
        class_session_id=class_session.id,
        language=language,
        answers={},
        page_index=0,
        started_at=now,
        updated_at=now,
        expires_at=now + timedelta(minutes=ttl_minutes),
    )
    session.add(draft)
    session.flush()
    return token, draft


def find(session: Session, token: str | None, *, now: datetime) -> Draft | None:
    """The live draft for a cookie's token (None for a missing, unknown or expired one)."""
    if not token or len(token) > 128:
        return None
    query = select(Draft).where(Draft.token_hash == hash_token(token), Draft.expires_at > now)
    return session.execute(query).scalar_one_or_none()


def save(
    session: Session,
    draft: Draft,
    *,
    answers: Mapping[str, Answer],
    page_index: int,
    ttl_minutes: int,
    now: datetime,
) -> Draft:
    """Store the answers so far and the furthest page reached; moves the expiry on. Commits."""
    draft.answers = dict(answers)
    draft.page_index = max(draft.page_index, page_index)
    draft.updated_at = now
    draft.expires_at = now + timedelta(minutes=ttl_minutes)
    session.commit()
    return draft


@dataclass(frozen=True)
class PageResult:
    """What posting a page led to.

    ``answers`` are the draft's answers with the page merged in and pruned to the path taken:
    what to show if the page is shown again. ``saved`` is False when required items are
    ``missing`` or the page lies beyond the furthest one reached (``out_of_order``); then
    nothing was stored. ``target`` is the index of the page to go to.
    """

    answers: dict[str, Answer]
    target: int
    saved: bool
    missing: tuple[str, ...] = ()
    out_of_order: bool = False


def save_page(
    session: Session,
    draft: Draft,
    questionnaire: Questionnaire,
    page: Page,
    page_answers: Answers,
    *,
    forward: bool,
    ttl_minutes: int,
    now: datetime,
) -> PageResult:
    """Merge a posted page into the draft, drop what the path no longer reaches, and move on.

    A page is taken only where it may be shown (up to the furthest page reached), so a
    response cannot skip pages. Next requires the page's shown required items; Back saves
    whatever is there. Commits when something is saved.
    """
    if not routing.may_visit(questionnaire, draft.page_index, draft.answers, page):
        target = routing.resume_index(questionnaire, draft.page_index, draft.answers)
        return PageResult(dict(draft.answers), target, saved=False, out_of_order=True)
    answers = routing.merge(questionnaire, draft.answers, page_answers)
    here = questionnaire.page_index(page.id)
    missing = tuple(routing.missing_required(questionnaire, page, answers)) if forward else ()
    if missing:
        return PageResult(answers, here, saved=False, missing=missing)
    target = routing.destination(questionnaire, page, answers, forward=forward)
    index = target if forward else here
    save(session, draft, answers=answers, page_index=index, ttl_minutes=ttl_minutes, now=now)
    return PageResult(answers, target, saved=True)


def discard(session: Session, draft: Draft) -> None:
    """The student chose to stop: their answers so far are deleted. Commits."""
    session.delete(draft)
    session.commit()


def purge_expired(session: Session, *, now: datetime, ttl_minutes: int) -> int:
    """Delete drafts expired for longer than a draft lives (part of the caller's transaction).

    Until then an expired draft can be revived (:func:`revive`): the browser keeps its local
    copy as long, and the draft is the server's proof of how far the student got.
    """
    cutoff = now - timedelta(minutes=ttl_minutes)
    return session.execute(delete(Draft).where(Draft.expires_at <= cutoff)).rowcount  # type: ignore[attr-defined]
