"""The set-up services check the acting account themselves, whoever calls them."""

from __future__ import annotations

from pathlib import Path

import pytest

from oko.services.staff import accounts, admin, authz
from tests.staff import staff_factories as f

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("role", ["coordinator", "coalition", "researcher"])
def test_only_admins_change_the_set_up(app, role: str) -> None:
    with app.extensions["oko.db"].session() as session:
        town = f.municipality(session)
        school = f.school(session, town)
        wave = f.wave(session, status="planned")
        scope = {
            "coordinator": {"schools": (school,)},
            "coalition": {"municipality_row": town},
            "researcher": {"waves": (wave,)},
        }[role]
        actor = f.user(session, role, **scope).id
        other = f.user(session, "admin")
        attempts = [
            lambda: admin.save_municipality(session, slug="x", name="X", actor_id=actor),
            lambda: admin.save_school(
                session, slug="y", name="Y", municipality_id=town.id, actor_id=actor
            ),
            lambda: admin.save_wave(
                session,
                slug="z",
                name="Z",
                questionnaire_id="staff-mini",
                questionnaire_version="1.0",
                questionnaire_dir=DATA,
                actor_id=actor,
            ),
            lambda: admin.open_wave(session, wave, actor_id=actor),
            lambda: admin.close_wave(session, wave, actor_id=actor),
            lambda: accounts.create_user(
                session,
                email="n@example.org",
                password="long enough pw",
                role="admin",
                actor_id=actor,
            ),
            lambda: accounts.set_active(session, other, False, actor_id=actor),
            lambda: accounts.reset_password(session, other, actor_id=actor),
            lambda: accounts.update_user(
                session, other, name="", role="admin", scope=accounts.Scope(), actor_id=actor
            ),
        ]
        for attempt in attempts:
            with pytest.raises(authz.Forbidden):
                attempt()
        session.rollback()
        assert other.active and wave.status == "planned"


def test_a_disabled_admin_changes_nothing(app) -> None:
    with app.extensions["oko.db"].session() as session:
        actor = f.user(session, "admin")
        actor.active = False
        session.commit()
        with pytest.raises(authz.Forbidden):
            admin.save_municipality(session, slug="x", name="X", actor_id=actor.id)


def test_admin_and_command_line_may(app) -> None:
    with app.extensions["oko.db"].session() as session:
        actor = f.user(session, "admin")
        admin.save_municipality(session, slug="x", name="X", actor_id=actor.id)
        admin.save_municipality(session, slug="y", name="Y", actor_id=None)
        assert [m.slug for m in admin.municipalities(session)] == ["x", "y"]
