"""consent records; every foreign key says what happens when its row is deleted

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# (table, column, referred table): each deleted with the row it refers to, so that deleting
# a person deletes everything of theirs.
FOREIGN_KEYS = (
    ("channel_identity", "person_id", "person"),
    ("conversation", "identity_id", "channel_identity"),
    ("ticket", "person_id", "person"),
    ("ticket", "identity_id", "channel_identity"),
    ("ticket_message", "ticket_id", "ticket"),
    ("staff_topic", "person_id", "person"),
    ("outbox_message", "person_id", "person"),
    ("outbox_message", "ticket_id", "ticket"),
    ("staff_message_link", "person_id", "person"),
)
# SQLite rebuilds a table to change its keys, and would lose the condition of this index.
UNCLOSED = "uq_ticket_person_id_unclosed"
UNCLOSED_WHERE = "status != 'closed'"


def upgrade() -> None:
    op.create_table(
        "consent",
        sa.Column("id", Id, nullable=False),
        sa.Column("person_id", Id, nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("text_version", sa.String(length=16), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_consent_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    op.create_index("ix_consent_person_id_purpose", "consent", ["person_id", "purpose"])
    _set_ondelete("CASCADE")


def downgrade() -> None:
    _set_ondelete(None)
    op.drop_index("ix_consent_person_id_purpose", table_name="consent")
    op.drop_table("consent")


def _set_ondelete(ondelete: str | None) -> None:
    op.drop_index(UNCLOSED, table_name="ticket")
    for table, column, referred in FOREIGN_KEYS:
        name = f"fk_{table}_{column}_{referred}"
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(name, type_="foreignkey")
            batch.create_foreign_key(name, referred, [column], ["id"], ondelete=ondelete)
    op.create_index(
        UNCLOSED,
        "ticket",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text(UNCLOSED_WHERE),
        postgresql_where=sa.text(UNCLOSED_WHERE),
    )
