"""Queued and periodic tasks. Each takes ids, builds what it needs inside `task_app()`."""

from __future__ import annotations
