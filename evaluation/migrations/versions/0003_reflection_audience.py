"""Reflection answers carry an audience, like stories (issue 12: one disclosure layer).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Existing answers keep NULL: the question's default applies (the answer about funders'
demands stays with the initiative; the others are read by funders and evaluators).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reflections") as batch:
        batch.add_column(sa.Column("visibility", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reflections") as batch:
        batch.drop_column("visibility")
