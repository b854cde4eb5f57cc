"""``oko serve``: the development server (production runs gunicorn, see docs/deploy.md)."""

from __future__ import annotations

import click

from oko.cli.app import app_for


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the app on HOST:PORT."""
    app = app_for(ctx)
    click.echo(f"oko is running on http://{host}:{port}/  (Ctrl+C stops it)")
    app.run(host=host, port=port, threaded=True, load_dotenv=False)
