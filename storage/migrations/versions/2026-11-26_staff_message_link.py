"""staff message link: route replies in a staff chat without topics

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "staff_message_link",
        sa.Column("id", Id, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", Id, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_staff_message_link_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_message_link")),
        sa.UniqueConstraint(
            "chat_id", "message_id", name=op.f("uq_staff_message_link_chat_id_message_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("staff_message_link")
