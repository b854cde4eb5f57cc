"""The ``oko`` command: set-up, demo data, waves and class codes, reports and exports.

Each group lives in its own module and is registered here.
"""

from __future__ import annotations

import click

from oko.cli import (
    areas,
    audit,
    db,
    demo,
    exports,
    fieldwork,
    imports,
    microdata,
    questionnaires,
    reports,
    serve,
    sessions,
    users,
    waves,
    worker,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--instance",
    type=click.Path(file_okay=False),
    envvar="OKO_INSTANCE_PATH",
    help="Instance folder with oko.cfg, the secret key and the SQLite database.",
)
@click.pass_context
def main(ctx: click.Context, instance: str | None) -> None:
    """oko: anonymous youth surveys turned into local indicators and reports."""
    ctx.ensure_object(dict)
    ctx.obj["instance"] = instance


for command in (
    db.db,
    demo.demo,
    serve.serve,
    users.user,
    areas.municipality,
    areas.school,
    waves.wave,
    questionnaires.questionnaire,
    exports.export,
    imports.import_group,
    microdata.microdata_group,
    reports.report,
    sessions.session,
    audit.audit,
    worker.worker,
    fieldwork.fieldwork_group,
):
    main.add_command(command)
