"""App servers keep nothing of their own: a student can move between them mid-questionnaire.

Two gunicorn processes on different ports share one PostgreSQL database and the secret key,
as two app servers behind a load balancer would (docs/deploy.md). A student starts on one,
moves to the other halfway — once between pages, once between a page being shown by one server
and saved through the other — and finishes there; the stored response holds every answer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.loadkit.databases import private_database
from benchmarks.loadkit.servers import Gunicorn
from benchmarks.loadkit.students import Recorder, Student
from benchmarks.loadkit.world import audit, prepare

pytestmark = pytest.mark.postgres

APP = "oko.web:create_app()"
SECRET = "two-servers-share-this-secret-0123456789abcdef"


def _checked(html: str, item_id: str, code: int) -> bool:
    """Whether the radio button for ``code`` of ``item_id`` is ticked on a shown page."""
    pattern = rf'<input type="radio" name="q_{item_id}" id="q_{item_id}-{code}" value="{code}"'
    match = re.search(pattern + r"( checked)?>", html)
    assert match is not None, f"no radio button {code} for {item_id}"
    return match.group(1) is not None


def test_student_moves_to_another_app_server_mid_questionnaire(
    postgres_server: str, tmp_path: Path
) -> None:
    with private_database(postgres_server, prefix="oko_two_servers") as url:
        world = prepare(url, students=1)
        questionnaire = world.questionnaire

        def server(name: str) -> Gunicorn:
            env = {
                "OKO_DATABASE_URL": url,
                "OKO_SECRET_KEY": SECRET,
                "OKO_INSTANCE_PATH": str(tmp_path / name),
            }
            return Gunicorn(APP, env, workers=1, threads=2, log=tmp_path / f"{name}.log")

        with server("a") as first, server("b") as second:
            assert first.port != second.port
            student = Student(first.url, world, 0, Recorder(), seed=11)
            student.start()
            for _ in range(3):
                assert student.answer_page()
            on_first = dict(student.answers)

            # Between pages: the other server resumes where the first one left off.
            resume_at = student.location
            student.base_url = second.url
            student.resume()
            assert student.location == resume_at

            # The first page's answers, given to the first server, are shown by the second.
            first_page = questionnaire.pages[0]
            shown = student.http.get(f"{second.url}/s/{student.code}/p/{first_page.id}")
            assert shown.status_code == 200
            singles = [i for i in first_page.items if i.type == "single" and i.id in on_first]
            assert singles, "the first page should have answered single-choice items"
            for item in singles:
                assert _checked(shown.text, item.id, on_first[item.id])

            # Within a page: shown by the second server, saved through the first.
            assert student.answer_page(save_via=first.url)
            while student.answer_page():
                pass
            student.send()
            assert student.acknowledged
            student.http.close()

        result = audit(url, questionnaire, {student.submission_id: student.answers})
        assert result.ok, result.summary()
        assert result.stored == 1
        assert result.drafts_left == 0
        assert set(on_first) <= set(student.answers)
