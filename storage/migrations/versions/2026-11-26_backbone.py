"""backbone: people, channel identities, conversations

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", Id, nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("first_name", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    op.create_table(
        "channel_identity",
        sa.Column("id", Id, nullable=False),
        sa.Column("person_id", Id, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("locale_hint", sa.String(length=35), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_channel_identity_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_identity")),
        sa.UniqueConstraint(
            "channel", "external_id", name=op.f("uq_channel_identity_channel_external_id")
        ),
    )
    op.create_index(
        op.f("ix_channel_identity_person_id"), "channel_identity", ["person_id"], unique=False
    )
    op.create_table(
        "conversation",
        sa.Column("id", Id, nullable=False),
        sa.Column("identity_id", Id, nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("flow", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("prompt_token", sa.Integer(), nullable=False),
        sa.Column("offered", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["channel_identity.id"],
            name=op.f("fk_conversation_identity_id_channel_identity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation")),
        sa.UniqueConstraint("identity_id", name=op.f("uq_conversation_identity_id")),
    )


def downgrade() -> None:
    op.drop_table("conversation")
    op.drop_index(op.f("ix_channel_identity_person_id"), table_name="channel_identity")
    op.drop_table("channel_identity")
    op.drop_table("person")
