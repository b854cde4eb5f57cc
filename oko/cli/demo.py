"""``oko demo``: a ready-to-explore instance on SQLite, served on http://127.0.0.1:5000."""

from __future__ import annotations

import click

from oko import migrations
from oko.cli.app import app_for


@click.command()
@click.option("--no-serve", is_flag=True, help="Prepare everything, then exit.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def demo(ctx: click.Context, no_serve: bool, port: int) -> None:
    """Migrate the instance database and serve it."""
    app = app_for(ctx, check_migrations=False)
    migrations.upgrade(app.extensions["oko.db"].url)
    click.echo(f"Database: {app.config['DATABASE_URL']} (migrated, no demo data yet)")
    if no_serve:
        return
    click.echo(f"oko is running on http://127.0.0.1:{port}/  (Ctrl+C stops it)")
    app.run(host="127.0.0.1", port=port, threaded=True, load_dotenv=False)
