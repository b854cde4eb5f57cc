"""Who gets in, who may carry on, who may send: the student flow's rules against abuse.

A class code is all a student has, so a client holding one must not be able to fill a class
with made-up responses, and a client without one must not find one by guessing:

- **Codes.** Only wrong codes count against a client (one address), within a window of
  ``CODE_ATTEMPT_WINDOW_MINUTES``: a budget of ``CODE_ATTEMPTS_PER_WINDOW`` (150 in 15 minutes)
  lets several classes behind one school address mistype the code a few times each, while a
  client guessing is stopped at the same 7,200 guesses per code lifetime as ten a minute.
  A right code neither costs nor restores anything, so knowing one code buys no guesses.
- **Recovery.** A draft whose time ran out is kept as long again; the browser's local copy
  can bring it back (:func:`recover`) but never move it further than the server saw it go, and
  without that draft a copy is refused: anyone can write a copy, only a student who went
  through the pages has a draft.
- **Sending.** At most ``FINISHES_PER_MINUTE`` questionnaires per client and class session in
  a minute (:func:`submit`): a class of 30 behind one address sends within the limit, a script
  sending a burst does not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from oko.models import ClassSession, Draft
from oko.questionnaire import Answers, Questionnaire
from oko.services import ratelimit
from oko.services.survey import class_sessions, drafts, submissions


class NotRecovered(Exception):
    """No draft to bring back (``reason`` ``lost``), or the copy was sent already (``sent``,
    with its ``submission_id``: the thank-you page never arrived)."""

    def __init__(self, reason: str, submission_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.submission_id = submission_id


def admit(
    session: Session,
    raw_code: str,
    *,
    client: str,
    attempts: int,
    window: timedelta,
    now: datetime,
    ttl_hours: int,
) -> ClassSession:
    """The open class session for a typed code, or :class:`class_sessions.CodeRefused`.

    ``client`` is the rate-limit key of the address; past ``attempts`` wrong codes in the
    window the reason is ``too_many`` and the code is not even looked up (the client learns
    nothing more).
    """
    if ratelimit.used(session, client, window=window) >= attempts:
        raise class_sessions.CodeRefused("too_many")
    try:
        return class_sessions.admit(session, raw_code, now=now, ttl_hours=ttl_hours)
    except class_sessions.CodeRefused as refused:
        if refused.reason == "unknown":
            ratelimit.hit(session, client, attempts, window=window)
        raise


def recover(
    session: Session,
    class_session: ClassSession,
    questionnaire: Questionnaire,
    *,
    token: str | None,
    copy: Answers,
    submission_id: str | None,
    ttl_minutes: int,
    now: datetime,
) -> Draft:
    """The student's expired draft brought back with the answers of the browser's copy.

    ``token`` is the draft cookie (the browser keeps it as long as the expired draft is kept);
    ``copy`` the checked answers of the local copy. Commits.
    """
    if submission_id and submissions.find(session, submission_id) is not None:
        raise NotRecovered("sent", submission_id)
    draft = drafts.find_expired(session, token, class_session, now=now)
    if draft is None:
        raise NotRecovered("lost")
    return drafts.revive(session, draft, questionnaire, copy, ttl_minutes=ttl_minutes, now=now)


def submit(
    session: Session,
    draft: Draft,
    class_session: ClassSession,
    questionnaire: Questionnaire,
    *,
    submission_id: str,
    client: str,
    limit: int,
    now: datetime,
) -> submissions.Receipt:
    """:func:`submissions.submit` within the client's burst limit for this class session.

    ``client`` is the rate-limit key of the address and session. Only stored responses
    count, so a double click or a retry does not use the budget up; over it, the refusal
    reason is ``burst`` and nothing is stored.
    """
    if ratelimit.used(session, client) >= limit:
        raise submissions.SubmitRefused("burst")
    receipt = submissions.submit(
        session, draft, class_session, questionnaire, submission_id=submission_id, now=now
    )
    if receipt.created:
        ratelimit.hit(session, client, limit)
    return receipt
