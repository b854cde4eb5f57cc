"""class size of a session and held responses

Revision ID: 5e1c0a7d9b3f
Revises: d70c8ff44d53
Create Date: 2026-12-05 09:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1c0a7d9b3f"
down_revision: str | None = "d70c8ff44d53"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("class_session") as batch:
        batch.add_column(sa.Column("pupils", sa.Integer(), nullable=True))
    with op.batch_alter_table("response") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="accepted")
        )


def downgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.drop_column("status")
    with op.batch_alter_table("class_session") as batch:
        batch.drop_column("pupils")
