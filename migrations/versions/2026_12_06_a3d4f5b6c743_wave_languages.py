"""the languages a wave offers students

Revision ID: a3d4f5b6c743
Revises: 8b1d0e3f5a21
Create Date: 2026-12-06 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3d4f5b6c743"
down_revision: str | None = "8b1d0e3f5a21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing waves keep offering what every questionnaire declares: Dutch and English.
    with op.batch_alter_table("wave") as batch:
        batch.add_column(
            sa.Column("languages", sa.String(length=64), nullable=False, server_default="nl,en")
        )


def downgrade() -> None:
    with op.batch_alter_table("wave") as batch:
        batch.drop_column("languages")
