"""test sessions and the opt-outs and absentees of a class session

Revision ID: 9c2e1f4a6b32
Revises: a3d4f5b6c743
Create Date: 2026-12-06 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c2e1f4a6b32"
down_revision: str | None = "a3d4f5b6c743"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("class_session") as batch:
        batch.add_column(sa.Column("opt_outs", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("absentees", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("is_test", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("class_session") as batch:
        batch.drop_column("is_test")
        batch.drop_column("absentees")
        batch.drop_column("opt_outs")
