"""Handing in a questionnaire: stored exactly once, in one transaction, with its quality flags.

Exactly once: the browser generates a submission id when the questionnaire starts and sends it
with the final POST; the database holds it under a unique constraint. A double click, a retry
after a timeout or a replayed request finds the stored response (or loses the insert race and
then finds it) and gets the same answer as the first. The response row, the deletion of the
draft and the class's finished counter are committed together or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oko.models import ClassSession, Draft, Response
from oko.questionnaire import (
    Answer,
    Answers,
    Questionnaire,
    quality_flags,
    rounded_duration,
    routing,
)
from oko.services.survey import class_sessions

SUBMISSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


class SubmitRefused(Exception):
    """Nothing was stored; ``reason`` is ``invalid_id``, ``id_taken``, ``wave_closed``,
    ``out_of_order`` (the draft has not been through the last page) or ``burst``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Receipt:
    """What the thank-you page needs; ``created`` is False for a repeated submit."""

    submission_id: str
    questionnaire_id: str
    questionnaire_version: str
    created: bool


def valid_submission_id(value: str) -> bool:
    return bool(SUBMISSION_ID.fullmatch(value))


def find(session: Session, submission_id: str) -> Response | None:
    if not valid_submission_id(submission_id):
        return None
    query = select(Response).where(Response.submission_id == submission_id)
    return session.execute(query).scalar_one_or_none()


def final_answers(questionnaire: Questionnaire, answers: Answers) -> dict[str, Answer]:
    """The stored answers: the path taken, with every item on it present.

    An item on the path that has no answer is stored as ``None`` ("shown, not answered"), so
    only items routed past are absent ("not asked"), as every consumer of answers expects.
    """
    kept = questionnaire.prune(answers)
    visible = questionnaire.visible_ids(kept)
    return {item_id: kept.get(item_id) for item_id in questionnaire.items if item_id in visible}


def submit(
    session: Session,
    draft: Draft,
    class_session: ClassSession,
    questionnaire: Questionnaire,
    *,
    submission_id: str,
    now: datetime,
) -> Receipt:
    """Store the draft as a response, delete the draft and count the class as one more finished.

    Students already inside may finish after their class session was closed; a closed wave
    takes nothing more.
    """
    if not valid_submission_id(submission_id):
        raise SubmitRefused("invalid_id")
    if not routing.may_finish(questionnaire, draft.page_index):
        raise SubmitRefused("out_of_order")
    origin = (draft.id, draft.class_session_id)
    existing = find(session, submission_id)
    if existing is not None:
        return _repeated(session, existing, origin)
    wave = class_session.wave
    if wave.status == "closed" or (wave.closes_at is not None and now >= wave.closes_at):
        raise SubmitRefused("wave_closed")
    answers = final_answers(questionnaire, draft.answers)
    duration = rounded_duration((now - draft.started_at).total_seconds())
    flags = quality_flags(questionnaire, answers)
    response = Response(
        submission_id=submission_id,
        wave_id=wave.id,
        school_id=class_session.school_id,
        grade=class_session.grade,
        class_session_id=class_session.id,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        language=draft.language,
        answers=answers,
        submitted_on=now.date(),
        duration_seconds=duration,
        quality_flags=flags,
        source="web",
        status=class_sessions.status_for_next_response(session, class_session),
    )
    try:
        session.add(response)
        session.execute(delete(Draft).where(Draft.id == draft.id))
        class_sessions.record_finished(session, class_session.id)
        session.commit()
    except IntegrityError:
        # Another request with the same submission id committed first (a double click).
        session.rollback()
        existing = find(session, submission_id)
        if existing is None:
            raise
        return _repeated(session, existing, origin)
    return Receipt(submission_id, questionnaire.id, questionnaire.version, created=True)


def _repeated(session: Session, existing: Response, origin: tuple[int, int]) -> Receipt:
    """A submit whose id is already stored: the same draft again, or a reused id (refused).

    The submit that stored ``existing`` deleted its draft in the same transaction, so a draft
    that is still there is another student's (a response keeps no start time to compare).
    """
    draft_id, class_session_id = origin
    still_open = session.execute(select(Draft.id).where(Draft.id == draft_id)).first()
    if existing.class_session_id != class_session_id or still_open is not None:
        raise SubmitRefused("id_taken")
    return Receipt(
        existing.submission_id,
        existing.questionnaire_id,
        existing.questionnaire_version,
        created=False,
    )
