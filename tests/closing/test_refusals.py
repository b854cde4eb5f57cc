"""Closing refused: a wave already closed, an unknown wave, anyone but an admin, no CSRF
token. Nothing changes and no batch is started."""

from __future__ import annotations

from sqlalchemy import func, select

from oko.models import ClosingBatch, Wave
from tests.closing import world
from tests.staff import staff_factories as f


def _state(app) -> tuple[str, int]:
    with app.extensions["oko.db"].session() as session:
        status = session.execute(select(Wave.status).where(Wave.slug == world.WAVE)).scalar_one()
        count = session.execute(select(func.count()).select_from(ClosingBatch)).scalar_one()
    return status, count


def test_closing_a_closed_wave_twice_starts_one_batch(closing_app, admin_client) -> None:
    url = f"/admin/waves/{world.wave_id(closing_app)}/close"
    admin_client.post(url)
    closing_app.extensions["oko.closing"].wait()
    again = admin_client.post(url, follow_redirects=True)
    assert "Alleen een open meting kan worden gesloten." in again.get_data(as_text=True)
    assert _state(closing_app) == ("closed", 1)


def test_unknown_wave_is_not_found(closing_app, admin_client) -> None:
    assert admin_client.post("/admin/waves/999999/close").status_code == 404
    assert admin_client.get("/admin/feedback/999999").status_code == 404
    assert _state(closing_app) == ("open", 0)


def test_only_admins_close_and_see_feedback(closing_app) -> None:
    client = closing_app.test_client()
    f.login(client, "coalition@demo.oko.example", "demo-townhall-2026")
    assert client.post(f"/admin/waves/{world.wave_id(closing_app)}/close").status_code == 403
    assert client.get("/admin/feedback").status_code == 403
    assert _state(closing_app) == ("open", 0)


def test_closing_needs_the_csrf_token(closing_app, admin_client) -> None:
    closing_app.config["WTF_CSRF_ENABLED"] = True
    response = admin_client.post(f"/admin/waves/{world.wave_id(closing_app)}/close")
    assert response.status_code == 400
    assert _state(closing_app) == ("open", 0)


def test_worker_refuses_without_a_queue(runner, monkeypatch) -> None:
    from oko.cli import main

    monkeypatch.delenv("OKO_QUEUE_URL", raising=False)
    result = runner.invoke(main, ["worker", "--burst"])
    assert result.exit_code != 0
    assert "No job queue configured: set OKO_QUEUE_URL" in result.output
