"""The admin Feedback pages: the batch each closed wave started, its reports and mails with
their errors, and the outbox (mails written to a folder when no SMTP server is set)."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for

from oko.services.closing import batches, queue, status
from oko.services.closing.batches import Job
from oko.services.closing.context import OUTBOX_FOLDER
from oko.web.admin import bp
from oko.web.admin.forms import ActionForm
from oko.web.auth import current_user
from oko.web.closing import runner
from oko.web.context import db_session
from oko.web.i18n import translate


def start(batch_id: int) -> None:
    """Hand a new batch's first job to the queue."""
    runner().enqueue(Job("plan", batch_id))


@bp.get("/feedback")
def feedback():
    outbox = status.outbox(Path(current_app.instance_path) / OUTBOX_FOLDER)
    return render_template(
        "admin/feedback.html",
        batches=status.summaries(db_session()),
        outbox=outbox,
        queue_url=bool(current_app.config["QUEUE_URL"]),
        mail_server=current_app.config["MAIL_SERVER"],
    )


@bp.get("/feedback/<int:batch_id>")
def feedback_batch(batch_id: int):
    session = db_session()
    summary = status.summary(session, batch_id)
    if summary is None:
        abort(404)
    return render_template(
        "admin/feedback_batch.html",
        batch=summary,
        reports=status.report_lines(session, batch_id),
        mails=status.mail_lines(session, batch_id),
        action_form=ActionForm(),
    )


@bp.post("/feedback/<int:batch_id>/retry")
def feedback_retry(batch_id: int):
    """Fresh attempts for what failed, and every unfinished step handed to the queue again
    (after a restart of the app, the in-process jobs of a batch are gone)."""
    session = db_session()
    row = status.batch(session, batch_id)
    if row is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    user = current_user()
    batches.retry(session, row, actor_id=user.id if user else None)
    queue.resume(session, runner())
    flash(translate("feedback.retried"))
    return redirect(url_for("admin.feedback_batch", batch_id=batch_id))
