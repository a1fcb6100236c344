"""The reporting arrangement of an initiative: its rhythm (quarter, half year, year) and
whether a light report will do (issue 15; see ``evaluation/arrangements.py``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reporting_arrangements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("initiative_id", sa.String(length=64), nullable=False),
        sa.Column("rhythm", sa.String(length=16), nullable=False),
        sa.Column("light_allowed", sa.Boolean(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_arrangements")),
    )
    with op.batch_alter_table("reporting_arrangements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reporting_arrangements_initiative_id"), ["initiative_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reporting_arrangements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporting_arrangements_initiative_id"))
    op.drop_table("reporting_arrangements")
