"""The network's shared narrative (versioned, with comments) and the funders' own reflection
(issue 14, points 7 and 8; see ``evaluation/narrative.py``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "narrative_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("written_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_narrative_versions")),
    )
    with op.batch_alter_table("narrative_versions", schema=None) as batch_op:
        batch_op.create_index(
            "uq_narrative_versions_period_version", ["period", "version"], unique=True
        )
    op.create_table(
        "narrative_comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("written_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["narrative_versions.id"],
            name=op.f("fk_narrative_comments_version_id_narrative_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_narrative_comments")),
    )
    with op.batch_alter_table("narrative_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_narrative_comments_version_id"), ["version_id"], unique=False
        )
    op.create_table(
        "funder_reflections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("funder", sa.String(length=200), nullable=False),
        sa.Column("funder_name", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("pulled", sa.Text(), nullable=False),
        sa.Column("loosened", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funder_reflections")),
    )
    with op.batch_alter_table("funder_reflections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_funder_reflections_funder_period", ["funder", "period"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("funder_reflections", schema=None) as batch_op:
        batch_op.drop_index("ix_funder_reflections_funder_period")
    op.drop_table("funder_reflections")
    with op.batch_alter_table("narrative_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_narrative_comments_version_id"))
    op.drop_table("narrative_comments")
    with op.batch_alter_table("narrative_versions", schema=None) as batch_op:
        batch_op.drop_index("uq_narrative_versions_period_version")
    op.drop_table("narrative_versions")
