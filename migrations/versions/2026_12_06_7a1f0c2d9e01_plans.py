"""plan_goal, plan_action, plan_version: a coalition's goals and actions, with their history

Revision ID: 7a1f0c2d9e01
Revises: 5e55e0c0a11d
Create Date: 2026-12-06 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7a1f0c2d9e01"
down_revision: str | None = "5e55e0c0a11d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("target", sa.Double(), nullable=False),
        sa.Column("baseline_wave_id", sa.Integer(), nullable=False),
        sa.Column("target_wave_id", sa.Integer(), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("group", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["baseline_wave_id"], ["wave.id"], name=op.f("fk_plan_goal_baseline_wave_id_wave")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_plan_goal_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["target_wave_id"], ["wave.id"], name=op.f("fk_plan_goal_target_wave_id_wave")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_goal")),
    )
    op.create_index(
        op.f("ix_plan_goal_municipality_id"), "plan_goal", ["municipality_id"], unique=False
    )
    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_plan_action_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
    )
    op.create_index(
        op.f("ix_plan_action_municipality_id"), "plan_action", ["municipality_id"], unique=False
    )
    op.create_table(
        "plan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["user_account.id"],
            name=op.f("fk_plan_version_changed_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_plan_version_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_version")),
        sa.UniqueConstraint("kind", "item_id", "version", name=op.f("uq_plan_version_kind")),
    )
    op.create_index(
        op.f("ix_plan_version_municipality_id"), "plan_version", ["municipality_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_version_municipality_id"), table_name="plan_version")
    op.drop_table("plan_version")
    op.drop_index(op.f("ix_plan_action_municipality_id"), table_name="plan_action")
    op.drop_table("plan_action")
    op.drop_index(op.f("ix_plan_goal_municipality_id"), table_name="plan_goal")
    op.drop_table("plan_goal")
