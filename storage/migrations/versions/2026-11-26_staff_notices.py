"""staff notices: outbox messages and a topic that belong to no person

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("staff_topic") as batch:
        batch.alter_column("person_id", existing_type=Id, nullable=True)
    with op.batch_alter_table("outbox_message") as batch:
        batch.alter_column("person_id", existing_type=Id, nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.alter_column("person_id", existing_type=Id, nullable=False)
    with op.batch_alter_table("staff_topic") as batch:
        batch.alter_column("person_id", existing_type=Id, nullable=False)
