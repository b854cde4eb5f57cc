"""``oko serve``: the development server (production runs gunicorn, see docs/deploy.md)."""

from __future__ import annotations

import socket

import click

from oko.cli.app import app_for


def require_free_port(host: str, port: int) -> None:
    """Refuse a busy port before anything says the server is running there."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(
                f"Port {port} on {host} is not free ({exc.strerror}); choose another with "
                "--port (make demo PORT=8000)."
            ) from exc


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the app on HOST:PORT."""
    app = app_for(ctx)
    require_free_port(host, port)
    click.echo(f"oko is running on http://{host}:{port}/  (Ctrl+C stops it)")
    app.run(host=host, port=port, threaded=True, load_dotenv=False)
