"""Loading a wave into engine columns: the database's fast path gives exactly what decoding
every answer dict and :func:`oko.indicators.encode_answers` give, on SQLite and PostgreSQL,
and anything the fast path does not understand falls back to that exact path (and its errors).
"""

from __future__ import annotations

import random
import statistics
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from oko.db import Database
from oko.indicators import NOT_ANSWERED, NOT_ASKED, ResponseColumns, encode_answers
from oko.models import ClassSession, Municipality, Response, School, Wave
from oko.questionnaire import FLAGS, too_fast
from oko.services.results import response_columns

ITEMS = ("alc_lifetime", "alc_30d", "sch_safe", "big")
REGIONS = {"Flevoland": 1, "Utrecht": 2}
SHARE = 0.33


def store(
    database: Database,
    answers: list[dict[str, Any]],
    flags: list[list[str]] | None = None,
    durations: list[int | None] | None = None,
):
    """A wave (returned) with these answers, spread over three schools in two regions."""
    with database.session() as session:
        towns = [
            Municipality(slug="zeewolde", name="Zeewolde", region="Flevoland"),
            Municipality(slug="baarn", name="Baarn", region="Utrecht"),
        ]
        schools = [
            School(slug=f"school-{i}", name=f"School {i}", municipality=towns[i % 2])
            for i in range(3)
        ]
        wave = Wave(slug="w", name="W", questionnaire_id="q", questionnaire_version="1")
        other = Wave(slug="x", name="X", questionnaire_id="q", questionnaire_version="1")
        session.add_all([*towns, *schools, wave, other])
        session.flush()
        for index, values in enumerate(answers):
            for target, questionnaire in ((wave, "q"), (wave, "old"), (other, "q")):
                session.add(
                    Response(
                        submission_id=f"{target.slug}-{questionnaire}-{index:06d}",
                        wave_id=target.id,
                        school_id=schools[index % 3].id,
                        grade=2 + 2 * (index % 2),
                        questionnaire_id=questionnaire,
                        questionnaire_version="1",
                        language="nl",
                        answers=values,
                        quality_flags=(flags or [[]] * len(answers))[index],
                        duration_seconds=(durations or [None] * len(answers))[index],
                    )
                )
        session.commit()
        session.expunge(wave)
        return wave


def load(database: Database, wave: Wave, items=ITEMS, gender: str | None = "gender"):
    with database.session() as session:
        return response_columns.wave_columns(
            session, wave, list(items), gender, REGIONS, too_fast_share=SHARE
        )


def reference(answers: list[dict[str, Any]], flags: list[list[str]], durations, items=ITEMS):
    gender = [response_columns._gender(a.get("gender")) for a in answers]
    timed = [d for d in durations if d is not None]
    median = statistics.median(timed) if timed else None
    fast = [d is not None and median is not None and d < SHARE * median for d in durations]
    return (
        encode_answers(answers, items),
        np.array(gender),
        {flag: np.array([flag in f for f in flags]) for flag in FLAGS} | {"too_fast": fast},
    )


def assert_same(columns: ResponseColumns, answers, flags, items=ITEMS, durations=None) -> None:
    durations = durations or [None] * len(answers)
    expected, gender, expected_flags = reference(answers, flags, durations, items)
    assert set(columns.answers) == set(items)
    for item in items:
        assert columns.answers[item].dtype == np.int16
        assert columns.answers[item].tolist() == expected[item].tolist(), item
    assert columns.gender.tolist() == gender.tolist()
    for flag in FLAGS:
        assert columns.flags[flag].tolist() == list(expected_flags[flag]), flag


def random_answers(
    rng: random.Random, count: int, *, odd_gender: bool = True
) -> list[dict[str, Any]]:
    """Answers with every kind of value; ``odd_gender`` adds genders that are not codes (read
    as "not answered", but only by the exact path)."""
    genders = [1, 2, 3, 0, 15, 16, None, *(["x", [1], True] if odd_gender else [])]
    rows = []
    for _ in range(count):
        row: dict[str, Any] = {
            "gender": rng.choice(genders),
            "pets": rng.choice([[1, 3], [], None]),
            "comments": rng.choice(["null", "?", '3,4 "quoted"', None]),
            "alc_lifetime": rng.choice([1, 2, 7, None]),
            "sch_safe": rng.choice([0, 5, None]),
            "big": rng.choice([32767, 0, None]),
        }
        if row["alc_lifetime"] is not None and row["alc_lifetime"] > 1:
            row["alc_30d"] = rng.choice([1, 3, None])
        for item in ("sch_safe", "big", "gender"):
            if rng.random() < 0.2:
                del row[item]
        rows.append(row)
    return rows


def test_the_fast_path_gives_the_reference_columns(app, database: Database) -> None:
    rng = random.Random(4)
    answers = random_answers(rng, 300)
    flags = [
        rng.choice([[], ["inconsistent"], ["fictitious_drug", "straightlining"]]) for _ in answers
    ]
    durations = [rng.choice([None, 120, 250, 600, 780, 900, 1800]) for _ in answers]
    wave = store(database, answers, flags, durations)
    columns = load(database, wave)
    assert_same(columns, answers, flags, durations=durations)
    assert 0 < columns.flags["too_fast"].sum() < len(answers)
    psu = columns.psu.tolist()
    assert len(set(psu)) == 3 and psu[:3] == psu[3:6]
    assert columns.region.tolist()[:2] == [1, 2]
    assert columns.grade.tolist()[:2] == [2, 4]
    assert set(np.unique(columns.answers["alc_30d"]).tolist()) == {NOT_ASKED, NOT_ANSWERED, 1, 3}


def test_the_fast_path_is_taken(app, database: Database, monkeypatch) -> None:
    answers = random_answers(random.Random(5), 20, odd_gender=False)
    wave = store(database, answers)

    def refuse(*args: object) -> None:
        raise AssertionError("the exact path was taken")

    monkeypatch.setattr(response_columns, "encode_answers", refuse)
    assert_same(load(database, wave), answers, [[]] * 20)


@pytest.mark.parametrize("items", [("alc_lifetime",), ("gender",), ()])
def test_one_item_and_none(app, database: Database, items: tuple[str, ...]) -> None:
    answers = random_answers(random.Random(6), 30, odd_gender=False)
    wave = store(database, answers)
    assert_same(load(database, wave, items), answers, [[]] * 30, items)
    assert set(load(database, wave, items, gender=None).gender.tolist()) == {NOT_ANSWERED}


def test_too_fast_is_under_a_third_of_the_waves_median(app, database: Database) -> None:
    """Judged at analysis against the median of the whole wave (1,200 s here): the same rule
    the survey applied at submit, now the same median for every response of the wave."""
    durations = [1200, 1200, 1500, 390, 400, None, 1200]
    wave = store(database, [{} for _ in durations], durations=durations)
    fast = load(database, wave).flags["too_fast"].tolist()
    assert fast == [False, False, False, True, False, False, False]
    assert fast == [too_fast(d, 1200, SHARE) for d in durations]


def test_a_wave_without_durations_has_nothing_too_fast(app, database: Database) -> None:
    wave = store(database, [{}, {}], durations=[None, None])
    assert load(database, wave).flags["too_fast"].tolist() == [False, False]


def test_an_empty_wave(app, database: Database) -> None:
    columns = load(database, store(database, []))
    assert columns.n == 0
    assert all(column.size == 0 for column in columns.answers.values())


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ([1, 2], r"response 1, item 'sch_safe': expected a code >= 0 or None, got \[1, 2\]"),
        (-1, r"response 1, item 'sch_safe': expected a code >= 0 or None, got -1"),
        (2.5, r"response 1, item 'sch_safe': expected a code >= 0 or None, got 2.5"),
        (True, r"response 1, item 'sch_safe': expected a code >= 0 or None, got True"),
        ("?", r"response 1, item 'sch_safe': expected a code >= 0 or None, got '\?'"),
        ("null", r"response 1, item 'sch_safe': expected a code >= 0 or None, got 'null'"),
        ({}, r"response 1, item 'sch_safe': expected a code >= 0 or None, got \{\}"),
    ],
)
def test_what_the_fast_path_does_not_understand_fails_as_before(
    app, database: Database, value: object, error: str
) -> None:
    answers = [{"sch_safe": 1}, {"sch_safe": value}, {"sch_safe": None}]
    wave = store(database, answers)
    with pytest.raises(ValueError, match=error):
        load(database, wave)


def test_a_code_beyond_int16_fails_as_before(app, database: Database) -> None:
    wave = store(database, [{"big": 40000}])
    with pytest.raises(OverflowError):
        load(database, wave)


def test_class_sessions_are_read_and_missing_ones_marked(app, database: Database) -> None:
    """The class design needs each response's class session; an import has none."""
    answers = random_answers(random.Random(7), 12, odd_gender=False)
    wave = store(database, answers)
    with database.session() as session:
        school_id = session.scalar(select(School.id).where(School.slug == "school-0"))
        lesson = ClassSession(wave_id=wave.id, school_id=school_id, grade=2, code="CLASS-A")
        session.add(lesson)
        session.flush()
        rows = session.scalars(
            select(Response)
            .where(
                Response.wave_id == wave.id,
                Response.school_id == school_id,
                Response.questionnaire_id == "q",
            )
            .order_by(Response.id)
        ).all()
        for row in rows[:2]:
            row.class_session_id = lesson.id
        session.commit()
        session_id = lesson.id
    columns = load(database, wave)
    at_school = columns.psu == school_id
    assert columns.class_session[at_school].tolist()[:2] == [session_id, session_id]
    assert set(columns.class_session[~at_school].tolist()) == {NOT_ANSWERED}
    assert (columns.class_session == session_id).sum() == 2
