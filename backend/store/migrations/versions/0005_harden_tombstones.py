"""hardening: tombstones of deleted, merged and anonymised Greenhouse candidates

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gh_candidate_tombstones",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_gh_candidate_tombstones_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "account_id", "candidate_id", name=op.f("pk_gh_candidate_tombstones")
        ),
    )


def downgrade() -> None:
    op.drop_table("gh_candidate_tombstones")
