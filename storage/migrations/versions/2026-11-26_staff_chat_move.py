"""staff chat move: follow a staff group that became a supergroup

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "staff_chat_move",
        sa.Column("id", Id, nullable=False),
        sa.Column("from_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("to_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_chat_move")),
        sa.UniqueConstraint("from_chat_id", name=op.f("uq_staff_chat_move_from_chat_id")),
    )


def downgrade() -> None:
    op.drop_table("staff_chat_move")
