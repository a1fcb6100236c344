"""The source of each sign-in attempt (issue 21: lock-out by source and account together).

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # nullable: the attempts made before this revision have no known source
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.drop_column("source")
