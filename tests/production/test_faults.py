"""Faults under load: a gunicorn worker killed, the database crashing and coming back.

The tests start a PostgreSQL server of their own (``initdb`` in a temporary folder, a spare
port; never the machine's shared server) and the app under gunicorn with four workers. While
simulated students take the survey, one worker is killed with SIGKILL (as the kernel's OOM
killer would) and the database is stopped without a clean shutdown and started again (like a
power cut: it replays its write-ahead log). Students retry what failed, as the survey's script
does, sending the same submission id again.

Afterwards every acknowledged submit is stored exactly once with the answers given (nothing
half-written: the response, the draft's deletion and the class counter share a transaction),
nothing unacknowledged is stored, and every student finished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from benchmarks.loadkit.databases import TemporaryPostgres, postgres_bin_dir, private_database
from benchmarks.loadkit.drive import StudentRun, drive_students
from benchmarks.loadkit.servers import Gunicorn
from benchmarks.loadkit.students import PATIENT, Recorder, Student, StudentFailed
from benchmarks.loadkit.world import audit, prepare

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

APP = "oko.web:create_app()"
SECRET = "fault-test-secret-0123456789abcdef0123456789"
STUDENTS = 40
CONCURRENCY = 10
#: Longest wait for the load to reach the point where the next fault is injected.
FAULT_WAIT_SECONDS = 180


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[TemporaryPostgres]:
    if postgres_bin_dir() is None:
        pytest.skip("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
    with TemporaryPostgres() as server:
        yield server


def _app_server(url: str, folder: Path) -> Gunicorn:
    env = {
        "OKO_DATABASE_URL": url,
        "OKO_SECRET_KEY": SECRET,
        "OKO_INSTANCE_PATH": str(folder / "instance"),
    }
    return Gunicorn(APP, env, workers=4, threads=2, log=folder / "gunicorn.log")


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + FAULT_WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_acknowledged_submits_survive_a_killed_worker_and_a_database_crash(
    own_postgres: TemporaryPostgres, tmp_path: Path
) -> None:
    with private_database(own_postgres.url, prefix="oko_faults") as url:
        world = prepare(url, STUDENTS)
        requests_in_all = STUDENTS * 30
        with _app_server(url, tmp_path) as server:
            events: list[str] = []

            def faults(run: StudentRun) -> None:
                _wait_for(lambda: run.recorder.requests >= requests_in_all // 4, "a quarter")
                before = set(server.worker_pids())
                killed = server.kill_worker()
                events.append(f"killed worker {killed}")
                _wait_for(
                    lambda: (
                        len(set(server.worker_pids()) - before) == 1
                        and len(server.worker_pids()) == server.workers
                    ),
                    "gunicorn to replace the worker",
                )
                _wait_for(lambda: run.recorder.requests >= requests_in_all // 2, "half")
                own_postgres.crash_restart(down_seconds=2)
                events.append("database crashed and restarted")

            run = drive_students(
                server.url, world, range(STUDENTS), CONCURRENCY, retry=PATIENT, during=faults
            )

        assert len(events) == 2, events
        assert run.failed == []
        assert len(run.acknowledged) == STUDENTS
        assert sum(run.recorder.failures.values()) > 0, "the faults should have been felt"
        result = audit(url, world.questionnaire, run.acknowledged)
        assert result.ok, result.summary()
        assert result.stored == STUDENTS


def test_students_whose_submit_failed_send_again_and_finish(
    own_postgres: TemporaryPostgres, tmp_path: Path
) -> None:
    """Send while the database is down fails and stores nothing; once it is back, the same
    form (same submission id) goes through, and sending it yet again changes nothing."""
    with private_database(own_postgres.url, prefix="oko_retry") as url:
        world = prepare(url, 5)
        with _app_server(url, tmp_path) as server:
            recorder = Recorder()
            students = [Student(server.url, world, index, recorder) for index in range(5)]
            forms = []
            for student in students:
                student.start()
                while student.answer_page():
                    pass
                forms.append(student.open_finish())

            own_postgres.stop("immediate")
            try:
                for student, form in zip(students, forms, strict=True):
                    with pytest.raises(StudentFailed, match="HTTP 500"):
                        student.submit(form)
                    assert not student.acknowledged
            finally:
                own_postgres.start()
            assert audit(url, world.questionnaire, {}).stored == 0

            for student, form in zip(students, forms, strict=True):
                student.submit(form)
                assert student.acknowledged
                student.submit(form)  # a double click after it went through
                student.http.close()

        acknowledged = {student.submission_id: student.answers for student in students}
        result = audit(url, world.questionnaire, acknowledged)
        assert result.ok, result.summary()
        assert result.stored == 5
        assert result.drafts_left == 0
