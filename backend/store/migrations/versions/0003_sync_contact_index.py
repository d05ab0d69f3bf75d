"""sync: index of a contact's outbox rows (claimed in order, status read from them)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:00:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_sync_jobs_contact", ["contact_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_jobs_contact")
