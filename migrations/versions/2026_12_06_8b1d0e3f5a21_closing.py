"""closing_batch, closing_report, closing_mail and user_account.language: closing a wave

Revision ID: 8b1d0e3f5a21
Revises: 7a1f0c2d9e01
Create Date: 2026-12-06 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b1d0e3f5a21"
down_revision: str | None = "7a1f0c2d9e01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=8), server_default="nl", nullable=False)
        )
    op.create_table(
        "closing_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("base_url", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["wave.id"], name=op.f("fk_closing_batch_wave_id_wave")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_batch")),
        sa.UniqueConstraint("wave_id", name=op.f("uq_closing_batch_wave_id")),
    )
    op.create_table(
        "closing_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=140), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("path", sa.String(length=400), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["closing_batch.id"],
            name=op.f("fk_closing_report_batch_id_closing_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_closing_report_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_closing_report_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_report")),
        sa.UniqueConstraint(
            "batch_id", "target", "language", name=op.f("uq_closing_report_batch_id")
        ),
    )
    op.create_index(
        op.f("ix_closing_report_batch_id"), "closing_report", ["batch_id"], unique=False
    )
    op.create_table(
        "closing_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["closing_batch.id"], name=op.f("fk_closing_mail_batch_id_closing_batch")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["closing_report.id"],
            name=op.f("fk_closing_mail_report_id_closing_report"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_closing_mail_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_mail")),
        sa.UniqueConstraint(
            "batch_id", "user_id", "report_id", name=op.f("uq_closing_mail_batch_id")
        ),
    )
    op.create_index(op.f("ix_closing_mail_batch_id"), "closing_mail", ["batch_id"], unique=False)
    op.create_index(op.f("ix_closing_mail_report_id"), "closing_mail", ["report_id"], unique=False)


def downgrade() -> None:
    op.drop_table("closing_mail")
    op.drop_table("closing_report")
    op.drop_table("closing_batch")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("language")
