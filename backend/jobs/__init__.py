"""Edge: the queue and every task. Importing this package registers all tasks with Huey.

A new task module goes beside `index.py` and is imported below; features never import this
package: they return follow-up work or take a callback, and an edge (api, web, a task) queues it.
"""

from backend.jobs import index
from backend.jobs import lookups
from backend.jobs import mailboxes
from backend.jobs import sequences
from backend.jobs import sequences_mail
from backend.jobs.queue import bind_app
from backend.jobs.queue import huey

__all__ = [
    "bind_app",
    "huey",
    "index",
    "lookups",
    "mailboxes",
    "sequences",
    "sequences_mail",
]
