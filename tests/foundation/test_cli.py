import socket
from pathlib import Path

from click.testing import CliRunner

from oko.cli import main


def test_db_upgrade_on_empty_sqlite(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OKO_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    result = CliRunner().invoke(main, ["--instance", str(tmp_path), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database is at revision" in result.output
    result = CliRunner().invoke(main, ["--instance", str(tmp_path), "db", "current"])
    current, head = result.output.splitlines()
    assert current.split()[-1] == head.split()[-1]


def test_serve_refuses_unmigrated_database(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OKO_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    result = CliRunner().invoke(main, ["--instance", str(tmp_path), "serve"])
    assert result.exit_code == 1
    assert "Run `oko db upgrade` first" in result.output


def test_production_without_secret_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OKO_ENV", "production")
    monkeypatch.delenv("OKO_SECRET_KEY", raising=False)
    result = CliRunner().invoke(main, ["--instance", str(tmp_path), "db", "current"])
    assert result.exit_code == 1
    assert "OKO_SECRET_KEY is required in production" in result.output


def test_demo_on_a_busy_port_is_refused_before_anything_runs(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        args = ["--instance", str(tmp_path), "demo", "--port", str(port)]
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert f"Port {port} on 127.0.0.1 is not free" in result.output
    assert "running on" not in result.output
    assert not (tmp_path / "oko.db").exists()


def test_serve_on_a_busy_port_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OKO_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    assert CliRunner().invoke(main, ["--instance", str(tmp_path), "db", "upgrade"]).exit_code == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        args = ["--instance", str(tmp_path), "serve", "--port", str(port)]
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "--port" in result.output
    assert "running on" not in result.output
