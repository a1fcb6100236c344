"""Portfolios: a fund's programme or a municipality's scheme holds initiatives, and funder and
evaluator accounts belong to it (issue 17; see ``evaluation/portfolios.py``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portfolios",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolios")),
        sqlite_autoincrement=True,  # ids never reused: see Store.data_version
    )
    with op.batch_alter_table("portfolios", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portfolios_code"), ["code"], unique=True)
    for table, column, length in (
        ("portfolio_initiatives", "initiative_id", 64),
        ("portfolio_members", "email", 254),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("portfolio", sa.String(length=64), nullable=False),
            sa.Column(column, sa.String(length=length), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("portfolio", column, name=op.f(f"uq_{table}_portfolio_{column}")),
            sqlite_autoincrement=True,
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_portfolio"), ["portfolio"])
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column])


def downgrade() -> None:
    for table, column in (
        ("portfolio_members", "email"),
        ("portfolio_initiatives", "initiative_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
            batch_op.drop_index(batch_op.f(f"ix_{table}_portfolio"))
        op.drop_table(table)
    with op.batch_alter_table("portfolios", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portfolios_code"))
    op.drop_table("portfolios")
