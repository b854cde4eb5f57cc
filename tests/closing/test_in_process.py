"""Closing a wave with no queue configured: the jobs run in a thread of the app, the reports
land in the instance folder, the mails in the outbox, and the admin pages show both."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from sqlalchemy import select

from oko.models import ClosingBatch, ClosingMail, ClosingReport, utcnow
from oko.services.closing import queue
from oko.services.closing.context import JobContext
from tests.closing import world
from tests.staff import staff_factories as f


def _close(app, client) -> None:
    response = client.post(f"/admin/waves/{world.wave_id(app)}/close")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/feedback")
    app.extensions["oko.closing"].wait()


def test_closing_builds_every_report_and_mails_every_reader(closing_app, admin_client) -> None:
    _close(closing_app, admin_client)
    instance = Path(closing_app.instance_path)
    with closing_app.extensions["oko.db"].session() as session:
        batch = session.execute(select(ClosingBatch)).scalar_one()
        assert (batch.status, batch.error) == ("done", "")
        assert batch.wave.status == "closed"
        reports = {
            (r.target, r.language): r for r in session.execute(select(ClosingReport)).scalars()
        }
        mails = list(session.execute(select(ClosingMail)).scalars())
        sent = {(m.user.email, m.report.target, m.report.language) for m in mails}
        assert {m.status for m in mails} == {"sent"}
    assert ("zilverhaven", "nl") in reports and ("zilverhaven", "en") in reports
    for report in reports.values():
        assert report.status == "built"
        assert (instance / report.path).read_bytes().startswith(b"%PDF")
    # The coalition members in their languages; the coordinator gets the school's report
    # because the school is large enough.
    assert ("coalition@demo.oko.example", "zilverhaven", "nl") in sent
    assert ("coalition-en@example.org", "zilverhaven", "en") in sent
    assert ("lyceum@example.org", f"zilverhaven-{world.SCHOOL}", "nl") in sent
    # The demo coordinator's school did not take part: no report, no mail.
    assert not any(email == "coordinator@demo.oko.example" for email, _t, _l in sent)

    outbox = sorted((instance / "outbox").glob("*.eml"))
    assert len(outbox) == len(mails)
    for path in outbox:
        mail = message_from_bytes(path.read_bytes(), policy=default_policy)
        body = mail.get_body().get_content()
        links = re.findall(r"http://localhost/\S+", body)
        assert any(
            re.search(r"/reports/proefafname/[a-z-]+\.(nl|en)\.pdf$", link) for link in links
        )
        # No figure in the body: the only digits are in the links and the wave's name.
        text = re.sub(r"http://\S+", "", body).replace("Proefafname 2026", "")
        assert not re.search(r"\d", text)

    page = admin_client.get("/admin/feedback").get_data(as_text=True)
    assert "Proefafname" in page and "coalition-en@example.org" in page
    detail = admin_client.get(f"/admin/feedback/{batch.id}").get_data(as_text=True)
    assert f"zilverhaven-{world.SCHOOL}" in detail and "lyceum@example.org" in detail


def test_readers_open_their_own_report_only(closing_app, admin_client) -> None:
    _close(closing_app, admin_client)
    coalition = closing_app.test_client()
    f.login(coalition, "coalition@demo.oko.example", "demo-townhall-2026")
    own = coalition.get("/reports/proefafname/zilverhaven.nl.pdf")
    assert own.status_code == 200 and own.data.startswith(b"%PDF")
    assert (
        coalition.get(f"/reports/proefafname/zilverhaven-{world.SCHOOL}.nl.pdf").status_code == 200
    )
    coordinator = closing_app.test_client()
    f.login(coordinator, "lyceum@example.org")
    assert (
        coordinator.get(f"/reports/proefafname/zilverhaven-{world.SCHOOL}.nl.pdf").status_code
        == 200
    )
    assert coordinator.get("/reports/proefafname/zilverhaven.nl.pdf").status_code == 403
    assert coordinator.get("/reports/proefafname/nowhere.nl.pdf").status_code == 404
    anonymous = closing_app.test_client()
    assert anonymous.get("/reports/proefafname/zilverhaven.nl.pdf").status_code == 302


def test_the_tick_closes_a_wave_past_its_closing_time(closing_app) -> None:
    world.close_due(closing_app, utcnow() + timedelta(hours=1))
    runner = queue.ThreadRunner(
        JobContext.from_config(closing_app.config, closing_app.instance_path)
    )
    try:
        assert queue.tick(runner.context, runner) == 0  # not due yet: nothing to do
        world.close_due(closing_app, utcnow() - timedelta(minutes=1))
        assert queue.tick(runner.context, runner) == 1  # the new batch's plan
        runner.wait()
    finally:
        runner.close()
    with closing_app.extensions["oko.db"].session() as session:
        batch = session.execute(select(ClosingBatch)).scalar_one()
        assert (batch.wave.status, batch.status) == ("closed", "done")
        assert session.execute(select(ClosingMail.status)).scalars().all()
