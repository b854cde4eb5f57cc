from pathlib import Path

import pytest

from oko.config import ConfigError, load_config


def test_defaults_use_sqlite_in_instance_folder(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'oko.db'}"
    assert config["MIN_GROUP_SIZE"] == 30


def test_development_secret_is_generated_once(tmp_path: Path) -> None:
    first = load_config(tmp_path, environ={})["SECRET_KEY"]
    second = load_config(tmp_path, environ={})["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_requires_a_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="OKO_SECRET_KEY is required in production"):
        load_config(tmp_path, environ={"OKO_ENV": "production"})


def test_environment_overrides_instance_file(tmp_path: Path) -> None:
    (tmp_path / "oko.cfg").write_text("MIN_GROUP_SIZE = 25\nDRAFT_TTL_MINUTES = 60\n")
    config = load_config(tmp_path, environ={"OKO_MIN_GROUP_SIZE": "40"})
    assert config["MIN_GROUP_SIZE"] == 40
    assert config["DRAFT_TTL_MINUTES"] == 60


def test_explicit_overrides_win(tmp_path: Path) -> None:
    config = load_config(tmp_path, {"MIN_GROUP_SIZE": 12}, environ={"OKO_MIN_GROUP_SIZE": "40"})
    assert config["MIN_GROUP_SIZE"] == 12


def test_bad_number_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="OKO_MIN_GROUP_SIZE must be a whole number, got 'ten'"):
        load_config(tmp_path, environ={"OKO_MIN_GROUP_SIZE": "ten"})


def test_unknown_instance_setting_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "oko.cfg").write_text("MIN_GROUP = 5\n")
    with pytest.raises(ConfigError, match=r"oko.cfg:1: unknown setting 'MIN_GROUP'"):
        load_config(tmp_path, environ={})


def test_school_design_is_checked(tmp_path: Path) -> None:
    assert load_config(tmp_path, environ={})["SCHOOL_DESIGN"] == "classes"
    for design in ("census", "sampled"):
        environ = {"OKO_SCHOOL_DESIGN": design}
        assert load_config(tmp_path, environ=environ)["SCHOOL_DESIGN"] == design
    with pytest.raises(
        ConfigError, match="OKO_SCHOOL_DESIGN must be one of classes, census, sampled"
    ):
        load_config(tmp_path, environ={"OKO_SCHOOL_DESIGN": "cluster"})
