"""sync: a failed action's code beside its words (sync_jobs.last_error_code)

Rows that failed before codes existed get theirs from the words the sync wrote then (first match
wins, the more specific phrases first), so that nothing reads the words again.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# (phrase in last_error, code): the executor's and outbox's wording up to this revision.
PHRASES = (
    ("The contact has no Greenhouse record", "no_record"),
    ("Greenhouse is not connected", "not_connected"),
    ("refused the integration's credentials", "credentials"),
    ("may not", "permission"),
    ("no longer exists in Greenhouse", "record_gone"),
    ("Convert on reply", "convert_off"),
    ("No stage on reply is set", "no_reply_stage"),
    ("not considered for any job", "no_job"),
    ("Could not create the tag", "tag_not_created"),
    ("Anonymised in Greenhouse", "anonymised"),
    ("asked us to slow down", "rate_limited"),
    ("No Greenhouse request budget", "no_budget"),
    ("did not answer properly", "unavailable"),
    ("does not exist in Greenhouse", "target_gone"),
    ("is not a stage of", "target_gone"),
    ("is a candidate now, not a prospect", "not_a_prospect"),
    ("application is not on the job", "other_job"),
    ("no application in Greenhouse to move", "no_application"),
    ("converted application was not found", "converted_missing"),
    ("closed", "job_closed"),
    ("Greenhouse refused to", "refused"),
)


def upgrade() -> None:
    with op.batch_alter_table("sync_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_error_code", sa.String(length=32), nullable=True))
    fill = sa.text(
        "UPDATE sync_jobs SET last_error_code = :code"
        " WHERE last_error_code IS NULL AND last_error LIKE :pattern"
    )
    for phrase, code in PHRASES:
        op.execute(fill.bindparams(code=code, pattern=f"%{phrase}%"))
    op.execute(
        sa.text(
            "UPDATE sync_jobs SET last_error_code = 'other'"
            " WHERE last_error_code IS NULL AND last_error IS NOT NULL"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("sync_jobs", schema=None) as batch_op:
        batch_op.drop_column("last_error_code")
