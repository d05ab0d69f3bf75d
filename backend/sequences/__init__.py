"""Sequences: steps, schedules, enrolment, the dispatcher, stop rules, manual tasks, events.

What other parts call (plain data in and out, a SQLAlchemy Session first):
`claim_due_sends`, `record_send_result`, `executions_to_reconcile`, `settle_unsent`,
`apply_inbound`, `unsubscribe`, `read_events`.
"""

from backend.sequences.dispatch import ClaimedSend
from backend.sequences.dispatch import OutgoingDraft
from backend.sequences.dispatch import activate_due_tasks
from backend.sequences.dispatch import claim_due_sends
from backend.sequences.dispatch import executions_to_reconcile
from backend.sequences.dispatch import reap_stale_claims
from backend.sequences.dispatch import record_send_result
from backend.sequences.dispatch import settle_unsent
from backend.sequences.events import read_events
from backend.sequences.inbound_rules import apply_inbound
from backend.sequences.inbound_rules import unsubscribe

__all__ = [
    "ClaimedSend",
    "OutgoingDraft",
    "activate_due_tasks",
    "apply_inbound",
    "claim_due_sends",
    "executions_to_reconcile",
    "reap_stale_claims",
    "read_events",
    "record_send_result",
    "settle_unsent",
    "unsubscribe",
]
