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
from oko.questionnaire import Answer, Answers, Page, Questionnaire
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
    purge_expired(session, now=now)
    token, draft = _new_draft(session, class_session, language, {}, 0, ttl_minutes, now)
    class_sessions.record_started(session, class_session.id)
    session.commit()
    return token, draft


def recover(
    session: Session,
    class_session: ClassSession,
    *,
    language: str,
    answers: Answers,
    page_index: int,
    started_at: datetime,
    ttl_minutes: int,
    now: datetime,
) -> tuple[str, Draft]:
    """A draft rebuilt from answers the browser still had after the server's copy expired.

    The student was counted as started with the first draft, so the counter stays. The caller
    has validated and pruned ``answers``. Commits.
    """
    token, draft = _new_draft(
        session, class_session, language, dict(answers), page_index, ttl_minutes, now
    )
    draft.started_at = started_at
    session.commit()
    return token, draft


def _new_draft(
    session: Session,
    class_session: ClassSession,
    language: str,
    answers: dict[str, Answer],
    page_index: int,
    ttl_minutes: int,
    now: datetime,
) -> tuple[str, Draft]:
    token = new_token()
    draft = Draft(
        token_hash=hash_token(token),
        class_session_id=class_session.id,
        language=language,
        answers=answers,
        page_index=page_index,
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
    """What posting a page led to: required items still missing (nothing saved), or the
    index of the page to go to (the answers are saved)."""

    missing: tuple[str, ...]
    target: int


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

    Next requires the page's shown required items; Back saves whatever is there. Commits.
    """
    answers = merge(questionnaire, draft.answers, page_answers)
    missing = tuple(missing_required(questionnaire, page, answers)) if forward else ()
    if missing:
        return PageResult(missing, questionnaire.page_index(page.id))
    target = destination(questionnaire, page, answers, forward=forward)
    index = target if forward else questionnaire.page_index(page.id)
    save(session, draft, answers=answers, page_index=index, ttl_minutes=ttl_minutes, now=now)
    return PageResult((), target)


def set_language(session: Session, draft: Draft, language: str) -> None:
    if draft.language != language:
        draft.language = language
        session.commit()


def discard(session: Session, draft: Draft) -> None:
    """The student chose to stop: their answers so far are deleted. Commits."""
    session.delete(draft)
    session.commit()


def purge_expired(session: Session, *, now: datetime) -> int:
    """Delete drafts past their expiry (part of the caller's transaction)."""
    return session.execute(delete(Draft).where(Draft.expires_at <= now)).rowcount  # type: ignore[attr-defined]


# Routing over a draft's answers: pure functions of the questionnaire and the answers.


def merge(
    questionnaire: Questionnaire, answers: Answers, page_answers: Answers
) -> dict[str, Answer]:
    """Answers after a page was posted: the page's values win, then everything on a path no
    longer taken is dropped (an earlier change can hide later items, chains included)."""
    return questionnaire.prune({**answers, **page_answers})


def missing_required(questionnaire: Questionnaire, page: Page, answers: Answers) -> list[str]:
    """Required items shown on ``page`` that have no answer."""
    return [
        item.id
        for item in questionnaire.visible_items(page, answers)
        if item.required and answers.get(item.id) is None
    ]


def finish_index(questionnaire: Questionnaire) -> int:
    return len(questionnaire.pages)


def destination(
    questionnaire: Questionnaire, page: Page, answers: Answers, *, forward: bool
) -> int:
    """Index of the page Next or Back leads to (Next after the last page: the finish step)."""
    if forward:
        target = questionnaire.next_page(page.id, answers)
        return (
            finish_index(questionnaire) if target is None else questionnaire.page_index(target.id)
        )
    target = questionnaire.previous_page(page.id, answers)
    return questionnaire.page_index((target or page).id)


def last_shown_index(questionnaire: Questionnaire, answers: Answers) -> int:
    """The last page with something shown: where Back leads from the finish step."""
    for index in range(len(questionnaire.pages) - 1, -1, -1):
        if questionnaire.visible_elements(questionnaire.pages[index], answers):
            return index
    return 0


def resume_index(questionnaire: Questionnaire, draft: Draft) -> int:
    """Where a returning student continues: the furthest page reached, or the next one shown."""
    index = min(draft.page_index, finish_index(questionnaire))
    if index == finish_index(questionnaire):
        return index
    page = questionnaire.pages[index]
    if questionnaire.visible_elements(page, draft.answers):
        return index
    target = questionnaire.next_page(page.id, draft.answers)
    return finish_index(questionnaire) if target is None else questionnaire.page_index(target.id)


def may_visit(questionnaire: Questionnaire, draft: Draft, page: Page) -> bool:
    """Pages up to the furthest reached, if something on them is shown."""
    return questionnaire.page_index(page.id) <= draft.page_index and bool(
        questionnaire.visible_elements(page, draft.answers)
    )
