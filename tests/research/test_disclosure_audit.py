"""``oko audit disclosure`` on the demo: every closed wave passes, and the audit can fail.

The demo is built once for the module on SQLite in its own instance folder (as
``oko demo --no-serve`` does for a new user).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select

from oko.cli import main
from oko.models import Wave
from oko.services.research import disclosure, exports
from oko.services.results.engine import Settings
from oko.web import create_app


@pytest.fixture(scope="module", autouse=True)
def sqlite_in_the_instance() -> Iterator[None]:
    """The demo's own database, whatever database the rest of the suite uses."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("OKO_DATABASE_URL", raising=False)
        patch.delenv("OKO_INSTANCE_PATH", raising=False)
        yield


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "instance"
    result = oko(folder, "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def demo_app(instance: Path) -> Iterator[Flask]:
    app = create_app({"INSTANCE_PATH": str(instance)})
    yield app
    app.extensions["oko.db"].dispose()


def oko(instance: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--instance", str(instance), *args])


def closed_waves(app: Flask) -> list[str]:
    with app.extensions["oko.db"].session() as session:
        query = select(Wave.slug).where(Wave.status == "closed").order_by(Wave.slug)
        return list(session.execute(query).scalars())


def test_every_closed_demo_wave_passes(instance: Path, demo_app: Flask) -> None:
    waves = closed_waves(demo_app)
    assert len(waves) == 3
    for slug in waves:
        result = oko(instance, "audit", "disclosure", "--wave", slug)
        assert result.exit_code == 0, result.output
        assert f"Wave {slug} (all areas):" in result.output
        assert ", 0 not protected" in result.output
        assert "NOT PROTECTED" not in result.output


def test_a_coalitions_view_passes(instance: Path, demo_app: Flask) -> None:
    slug = closed_waves(demo_app)[-1]
    result = oko(instance, "audit", "disclosure", "--wave", slug, "--municipality", "zilverhaven")
    assert result.exit_code == 0, result.output
    assert "(municipality zilverhaven)" in result.output


def test_the_audit_catches_the_rest_of_parent_leak_when_its_protection_is_off(
    demo_app: Flask,
) -> None:
    """Published "rest of the municipality" values once gave hidden municipality rows away
    (in the 2024 wave, e.g. a grade of a municipality hidden as a small count)."""
    settings = Settings.from_config(demo_app.config)
    with demo_app.extensions["oko.db"].session() as session:
        wave = session.execute(select(Wave).where(Wave.slug == "2024-najaar")).scalar_one()
        leaky = disclosure.audit_wave(
            session, wave, replace(settings, protect_rest_of_parent=False)
        )
        safe = disclosure.audit_wave(session, wave, settings)
    assert leaky.failures, "the audit must be able to fail"
    already = {f.cell.key for f in safe.failures}
    leaked = [f for f in leaky.failures if f.cell.key not in already]
    assert any(f.cell.key.area.startswith("municipality:") for f in leaked), leaked
    assert leaky.published_rest_values > safe.published_rest_values
    # With the protection on, nothing is exposed.
    assert safe.passed, safe.failures


def test_published_reasons_never_tell_the_cause(demo_app: Flask) -> None:
    settings = Settings.from_config(demo_app.config)
    with demo_app.extensions["oko.db"].session() as session:
        wave = session.execute(select(Wave).where(Wave.slug == "2024-najaar")).scalar_one()
        table = exports.wave_aggregates(session, wave, exports.Scope(), settings).results
    reasons = set(table.column("suppression_reason"))
    assert reasons == {None, "hidden"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--wave", "no-such-wave"), "Unknown wave 'no-such-wave'"),
        (("--wave", "proefafname"), "Wave proefafname is open"),
        (("--wave", "2024-najaar", "--municipality", "atlantis"), "no municipality 'atlantis'"),
    ],
)
def test_bad_input_is_a_clear_message(instance: Path, args: tuple[str, ...], message: str) -> None:
    result = oko(instance, "audit", "disclosure", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_the_wave_is_required(instance: Path) -> None:
    result = oko(instance, "audit", "disclosure")
    assert result.exit_code == 2
    assert "--wave" in result.output
