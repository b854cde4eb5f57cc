"""Rows and a simulated student for the survey tests (the browser tests use them too)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from oko import PROJECT_ROOT
from oko.db import Database
from oko.models import ClassSession, Draft, Municipality, Response, School, Wave
from oko.questionnaire import Answer, Questionnaire, load
from oko.services.survey import class_sessions

CORE = PROJECT_ROOT / "questionnaires" / "oko-core.yaml"
TEST_QUESTIONNAIRES = Path(__file__).parents[1] / "data" / "questionnaires"


@dataclass(frozen=True)
class World:
    """A municipality, a school, an open wave and an open class session with its code."""

    wave_id: int
    school_id: int
    session_id: int
    code: str
    questionnaire: Questionnaire


def make_world(
    database: Database,
    questionnaire_path: Path = CORE,
    *,
    school_slug: str = "school-a",
    wave_slug: str = "2026-autumn",
    grade: int = 2,
) -> World:
    questionnaire = load(questionnaire_path)
    with database.session() as session:
        town = session.execute(
            select(Municipality).where(Municipality.slug == "zeewolde")
        ).scalar_one_or_none() or Municipality(slug="zeewolde", name="Zeewolde", region="Flevoland")
        wave = session.execute(select(Wave).where(Wave.slug == wave_slug)).scalar_one_or_none()
        if wave is None:
            wave = Wave(
                slug=wave_slug,
                name="Autumn 2026",
                questionnaire_id=questionnaire.id,
                questionnaire_version=questionnaire.version,
                status="open",
            )
        school = School(slug=school_slug, name=school_slug.title(), municipality=town)
        session.add_all([town, school, wave])
        session.commit()
        row = class_sessions.open_session(
            session, wave=wave, school=school, grade=grade, label=f"{grade}B", actor=None
        )
        return World(wave.id, school.id, row.id, row.code, questionnaire)


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def responses(database: Database) -> list[Response]:
    with database.session() as session:
        return list(session.execute(select(Response).order_by(Response.id)).scalars())


def drafts(database: Database) -> list[Draft]:
    with database.session() as session:
        return list(session.execute(select(Draft).order_by(Draft.id)).scalars())


def class_session(database: Database, session_id: int) -> ClassSession:
    with database.session() as session:
        row = session.get(ClassSession, session_id)
        assert row is not None
        return row


def form_data(answers: dict[str, Answer]) -> dict[str, Any]:
    """Form fields as a browser posts them: ``q_<id>``, lists as repeated fields, None left out."""
    data: dict[str, Any] = {}
    for item_id, value in answers.items():
        if value is None:
            continue
        data[f"q_{item_id}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


class Student:
    """Drives the survey through the Flask test client as one student's browser would."""

    def __init__(self, client: FlaskClient, world: World) -> None:
        self.client = client
        self.world = world
        self.code = world.code
        self.questionnaire = world.questionnaire

    def start(self, language: str = "en") -> TestResponse:
        """Code, language, introduction, Start: returns the redirect to the first page."""
        assert self.client.post("/", data={"code": self.code}).status_code == 302
        assert self.client.get(f"/s/{self.code}/intro?lang={language}").status_code == 200
        response = self.client.post(f"/s/{self.code}/start")
        assert response.status_code == 302, response.data
        return response

    def page_url(self, page_id: str) -> str:
        return f"/s/{self.code}/p/{page_id}"

    def post(
        self, page_id: str, answers: dict[str, Answer], action: str = "next", **extra: Any
    ) -> TestResponse:
        data = form_data(answers) | {"action": action} | extra
        return self.client.post(self.page_url(page_id), data=data)

    def current_location(self) -> str:
        """Where the survey sends this student now (the resume page)."""
        response = self.client.get(f"/s/{self.code}")
        assert response.status_code == 302
        return response.location

    def answer_everything(self, answers: dict[str, Answer]) -> list[str]:
        """Next through every page shown, posting the answers of the items on it; returns the
        ids of the pages visited. Ends on the finish step."""
        visited = []
        location = self.current_location()
        while "/p/" in location:
            page_id = location.rsplit("/p/", 1)[1].split("?")[0]
            visited.append(page_id)
            on_page = {item.id for item in self.questionnaire.page(page_id).items}
            response = self.post(page_id, {k: v for k, v in answers.items() if k in on_page})
            assert response.status_code == 302, response.data.decode()
            location = response.location
        assert location.split("?")[0].endswith("/finish")
        return visited

    def send(self, submission_id: str = "a" * 32, **extra: Any) -> TestResponse:
        data = {"submission_id": submission_id, "action": "send"} | extra
        return self.client.post(f"/s/{self.code}/finish", data=data)

    def complete(self, answers: dict[str, Answer], submission_id: str = "a" * 32) -> None:
        """Start, answer every page shown, send; the thank-you page follows."""
        self.start()
        self.answer_everything(answers)
        response = self.send(submission_id)
        assert response.status_code == 302, response.data.decode()
        assert response.location == f"/thanks/{submission_id}"


def core_answers(**overrides: Answer) -> dict[str, Answer]:
    """A plausible, complete oko-core response of a student who never used anything (so every
    substance follow-up is routed past), with ``overrides`` applied."""
    questionnaire = load(CORE)
    answers: dict[str, Answer] = {}
    for item in questionnaire.items.values():
        if item.type == "integer":
            answers[item.id] = 14
        elif item.type == "text":
            answers[item.id] = "Fine."
        elif item.type == "multiple":
            answers[item.id] = [item.codes[0]]
        else:
            answers[item.id] = item.codes[min(1, len(item.codes) - 1)]
    never = {
        "alc_lifetime",
        "cig_lifetime",
        "vape_lifetime",
        "cannabis_lifetime",
        "nitrous_lifetime",
        "xtc_lifetime",
        "relevin_lifetime",
        "sedatives_lifetime",
        "bullied_school",
        "bullied_online",
    }
    answers.update({item_id: 1 for item_id in never})
    answers["adult_outside"] = 2
    # Different answers within the grids, so the response is not flagged as straight-lining.
    answers.update(mood_sad=3, sch_safe=4, par_know_friends=1)
    answers.update(overrides)
    return questionnaire.prune(answers)


PASSWORD = "correct horse battery"


def staff(database: Database, role: str, email: str, school_ids: tuple[int, ...] = ()) -> int:
    """An account (coordinator of ``school_ids``, or admin); returns its id."""
    from oko.services.staff import accounts

    with database.session() as session:
        user = accounts.create_user(
            session,
            email=email,
            password=PASSWORD,
            role=role,
            scope=accounts.Scope(school_ids=school_ids),
        )
        session.commit()
        return user.id


def log_in(client: FlaskClient, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.data.decode()
