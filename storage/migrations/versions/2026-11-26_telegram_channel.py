"""telegram channel: unreachable identities, processed events, deep link visits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("channel_identity") as batch:
        batch.add_column(sa.Column("unreachable_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "processed_event",
        sa.Column("id", Id, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_event")),
        sa.UniqueConstraint(
            "channel", "event_key", name=op.f("uq_processed_event_channel_event_key")
        ),
    )
    op.create_index(
        op.f("ix_processed_event_processed_at"), "processed_event", ["processed_at"], unique=False
    )
    op.create_table(
        "deep_link_visit",
        sa.Column("id", Id, nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=True),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deep_link_visit")),
    )
    op.create_index(op.f("ix_deep_link_visit_source"), "deep_link_visit", ["source"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_deep_link_visit_source"), table_name="deep_link_visit")
    op.drop_table("deep_link_visit")
    op.drop_index(op.f("ix_processed_event_processed_at"), table_name="processed_event")
    op.drop_table("processed_event")
    with op.batch_alter_table("channel_identity") as batch:
        batch.drop_column("unreachable_since")
