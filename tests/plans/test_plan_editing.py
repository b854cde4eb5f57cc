"""Setting goals and actions: checked, versioned, audited, scoped to one municipality; bad
input is refused with a clear message and changes nothing (services and coalition pages)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oko.models import Action, AuditEntry, Goal, Municipality, PlanVersion, User, Wave
from oko.questionnaire import load
from oko.reporting.plans import ActionPlan
from oko.services.demo import instance as demo
from oko.services.plans import editing, reading
from oko.services.plans.refusals import PlanError
from oko.services.results.engine import Settings
from oko.services.staff.authz import Forbidden
from tests.staff import staff_factories as f

TODAY = date(2026, 12, 6)
GOAL = editing.GoalInput(
    indicator="drunk_30d", direction="down", target=4.0, group="gender=2", target_year=2028
)
ACTION = ActionPlan(
    what="Parent evenings", responsible="Youth work", starts_on=TODAY, indicator="drunk_30d"
)


@pytest.fixture(scope="module")
def plans_app(module_app: Flask) -> Flask:
    with module_app.extensions["oko.db"].session() as session:
        questionnaire = load(f"{module_app.config['QUESTIONNAIRE_DIR']}/oko-core.yaml")
        demo.load_data(session, questionnaire)
        towns = {m.slug: m for m in session.execute(select(Municipality)).scalars()}
        f.user(session, "admin")
        f.user(session, "coalition", "zilver@example.org", municipality_row=towns["zilverhaven"])
        f.user(session, "coalition", "duin@example.org", municipality_row=towns["duinrade"])
        f.user(session, "researcher", waves=tuple(session.execute(select(Wave)).scalars()))
        session.commit()
    return module_app


@pytest.fixture
def session(plans_app: Flask) -> Iterator[Session]:
    with plans_app.extensions["oko.db"].session() as session:
        yield session


@pytest.fixture
def settings(plans_app: Flask) -> Settings:
    return Settings.from_config(plans_app.config)


def town(session: Session, slug: str = "zilverhaven") -> Municipality:
    return session.execute(select(Municipality).where(Municipality.slug == slug)).scalar_one()


def account(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Goal, Action, PlanVersion, AuditEntry)
    )


def test_a_goal_is_saved_versioned_and_audited(session: Session, settings: Settings) -> None:
    member = account(session, "zilver@example.org")
    goal = editing.save_goal(session, member, town(session), GOAL, settings=settings, today=TODAY)
    assert (goal.target, goal.group, goal.version) == (0.04, "gender=2", 1)
    assert goal.baseline_wave.slug == "2026-najaar"  # the latest closed wave
    edited = replace(GOAL, target=3.0, reason="Girls drink more than boys here")
    editing.save_goal(
        session, member, town(session), edited, settings=settings, today=TODAY, goal=goal
    )
    assert goal.version == 2
    entries = [
        entry
        for entry in reading.history(session, member, town(session))
        if entry.version.kind == "goal" and entry.version.item_id == goal.id
    ]
    # Newest first; the first version is kept, and the edit says what it changed.
    assert [entry.version.fields["target"] for entry in entries] == [0.03, 0.04]
    assert entries[0].changes == (
        reading.Change("reason", "", "Girls drink more than boys here"),
        reading.Change("target", 0.04, 0.03),
    )
    assert entries[1].changes == ()
    actions = session.execute(
        select(AuditEntry.action).where(AuditEntry.action.like("plan.goal.%"))
    ).scalars()
    assert sorted(actions) == ["plan.goal.create", "plan.goal.edit"]


def test_an_action_is_saved_with_its_history(session: Session, settings: Settings) -> None:
    member = account(session, "zilver@example.org")
    action = editing.save_action(session, member, town(session), ACTION, settings=settings)
    editing.save_action(
        session,
        member,
        town(session),
        replace(ACTION, status="running"),
        settings=settings,
        action=action,
    )
    assert (action.status, action.version) == ("running", 2)
    kept = session.execute(
        select(PlanVersion.fields).where(
            PlanVersion.kind == "action", PlanVersion.item_id == action.id
        )
    ).scalars()
    assert sorted(v["status"] for v in kept) == ["planned", "running"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"target": 101.0}, "plan_target_range"),
        ({"target": -1.0}, "plan_target_range"),
        ({"indicator": "parental_monitoring", "target": 9.0}, "plan_target_range"),
        ({"indicator": "parental_monitoring", "target": 0.5}, "plan_target_range"),
        ({"target_year": 2025}, "plan_target_year_past"),
        ({"target_year": None, "target_wave": "2024-najaar"}, "plan_target_wave_past"),
        ({"target_wave": "2024-najaar"}, "plan_target_when"),
        ({"indicator": "not_in_questionnaire"}, "plan_unknown_indicator"),
        ({"group": "gender=7"}, "plan_unknown_group"),
        ({"direction": "sideways"}, "plan_bad_direction"),
    ],
)
def test_bad_goals_are_refused_and_change_nothing(
    session: Session, settings: Settings, change: dict[str, object], code: str
) -> None:
    member = account(session, "zilver@example.org")
    before = counts(session)
    with pytest.raises(PlanError) as refused:
        editing.save_goal(
            session, member, town(session), replace(GOAL, **change), settings=settings, today=TODAY
        )
    assert refused.value.code == code
    assert counts(session) == before


def test_an_edit_refused_leaves_the_stored_goal_as_it_was(
    session: Session, settings: Settings
) -> None:
    member = account(session, "zilver@example.org")
    goal = editing.save_goal(session, member, town(session), GOAL, settings=settings, today=TODAY)
    with pytest.raises(PlanError):
        editing.save_goal(
            session,
            member,
            town(session),
            replace(GOAL, target=250.0),
            settings=settings,
            today=TODAY,
            goal=goal,
        )
    session.refresh(goal)
    assert (goal.target, goal.version) == (0.04, 1)


def test_a_group_too_small_to_be_reported_is_refused(session: Session, settings: Settings) -> None:
    """With 500 as the smallest group shown, Zilverhaven's girls (442) never get a figure."""
    strict = replace(settings, min_group_size=500)
    member = account(session, "zilver@example.org")
    before = counts(session)
    with pytest.raises(PlanError) as refused:
        editing.save_goal(session, member, town(session), GOAL, settings=strict, today=TODAY)
    assert refused.value.code == "plan_group_too_small"
    assert "442" in str(refused.value)
    assert counts(session) == before


def test_nobody_changes_or_reads_another_municipalitys_plan(
    session: Session, settings: Settings
) -> None:
    own = editing.save_goal(
        session,
        account(session, "zilver@example.org"),
        town(session),
        GOAL,
        settings=settings,
        today=TODAY,
    )
    other = account(session, "duin@example.org")
    with pytest.raises(Forbidden):
        editing.save_goal(session, other, town(session), GOAL, settings=settings, today=TODAY)
    with pytest.raises(Forbidden):
        reading.goals_of(session, other, town(session))
    with pytest.raises(Forbidden):  # a goal of Zilverhaven saved as Duinrade's
        editing.save_goal(
            session,
            other,
            town(session, "duinrade"),
            GOAL,
            settings=settings,
            today=TODAY,
            goal=own,
        )
    with pytest.raises(Forbidden):
        reading.goals_of(session, account(session, "researcher@example.org"), town(session))
    admin = account(session, "admin@example.org")
    assert own in reading.goals_of(session, admin, town(session))


def test_the_coalition_page_saves_a_goal_and_shows_a_refusal(plans_app: Flask) -> None:
    client = plans_app.test_client()
    f.login(client, "zilver@example.org")
    form = {
        "indicator": "drunk_30d",
        "direction": "down",
        "target": "5",
        "group": "all",
        "target_wave": "",
        "target_year": "2028",
        "reason": "Too many drunk pupils",
    }
    assert client.get("/plans/zilverhaven/goals/new?lang=en").status_code == 200
    with plans_app.extensions["oko.db"].session() as session:
        before = counts(session)
    refused = client.post("/plans/zilverhaven/goals/new", data={**form, "target": "140"})
    assert refused.status_code == 422
    assert "must lie between 0 and 100" in refused.data.decode()
    with plans_app.extensions["oko.db"].session() as session:
        assert counts(session) == before
    saved = client.post("/plans/zilverhaven/goals/new", data=form)
    assert saved.status_code == 302
    with plans_app.extensions["oko.db"].session() as session:
        reasons = session.execute(select(Goal.reason)).scalars()
        assert "Too many drunk pupils" in list(reasons)
    assert client.get("/plans/duinrade/goals/new").status_code == 403
    assert client.get("/plans/duinrade/").status_code == 403


def test_the_goals_page_shows_verdicts_and_actions(plans_app: Flask) -> None:
    client = plans_app.test_client()
    f.login(client, "zilver@example.org")
    page = client.get("/dashboard/zilverhaven/2026-najaar/goals?lang=en").data.decode()
    assert "Our goals" in page and "What we did since last time" in page
    assert "Verdict" in page and "95% interval" in page
    # The demo's goal for girls, in running text: "(girls)", not a chart's "(Girls)".
    assert "(girls)" in page and "(Girls)" not in page
    assert client.get("/dashboard/duinrade/2026-najaar/goals").status_code == 403


def test_the_plan_forms_need_their_csrf_token(plans_app: Flask) -> None:
    plans_app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = plans_app.test_client()
        login = client.get("/login").data.decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login)
        assert token is not None
        data = {"email": "zilver@example.org", "password": f.PASSWORD}
        assert client.post("/login", data={**data, "csrf_token": token.group(1)}).status_code == 302
        with plans_app.extensions["oko.db"].session() as session:
            stored = counts(session)
        action = {
            "what": "Without a token",
            "responsible": "Nobody",
            "starts_on": "2026-12-01",
            "indicator": "drunk_30d",
            "status": "planned",
        }
        response = client.post("/plans/zilverhaven/actions/new", data=action)
        assert response.status_code == 400
        with plans_app.extensions["oko.db"].session() as session:
            assert counts(session) == stored
    finally:
        plans_app.config["WTF_CSRF_ENABLED"] = False


def test_the_api_gives_researchers_the_goals_and_coalitions_only_their_own(
    plans_app: Flask, session: Session, settings: Settings
) -> None:
    editing.save_goal(
        session,
        account(session, "zilver@example.org"),
        town(session),
        GOAL,
        settings=settings,
        today=TODAY,
    )
    researcher = plans_app.test_client()
    f.login(researcher, "researcher@example.org")
    body = researcher.get("/api/v1/plans?wave=2026-najaar").get_json()
    assert body["wave"] == "2026-najaar"
    assert {"zilverhaven"} <= {goal["municipality"] for goal in body["goals"]}
    assert any(goal["group"] == "gender=2" and goal["target"] == 0.04 for goal in body["goals"])
    other = plans_app.test_client()
    f.login(other, "duin@example.org")
    theirs = other.get("/api/v1/plans?wave=2026-najaar").get_json()
    assert {goal["municipality"] for goal in theirs["goals"]} <= {"duinrade"}
    assert researcher.get("/api/v1/plans?wave=nope").status_code == 404


def test_the_plans_page_shows_labels_and_what_each_version_changed(
    plans_app: Flask, session: Session, settings: Settings
) -> None:
    member = account(session, "zilver@example.org")
    goal = editing.save_goal(session, member, town(session), GOAL, settings=settings, today=TODAY)
    editing.save_goal(
        session,
        member,
        town(session),
        replace(GOAL, target=3.0, priority=True),
        settings=settings,
        today=TODAY,
        goal=goal,
    )
    client = plans_app.test_client()
    f.login(client, "zilver@example.org")
    page = client.get("/plans/zilverhaven/?lang=en").data.decode()
    assert "Drunk, last 30 days" in page
    assert not re.search(r">\s*drunk_30d\s*<|, gender=2,", page)  # no ids in the text
    assert f"Goal {goal.id}, version 2" in page
    assert "<del>4%</del> → <ins>3%</ins>" in page
    assert "<del>no</del> → <ins>yes</ins>" in page
    assert f"Goal {goal.id}, version 1:\n      created" in page
