"""The Greenhouse sync engine (issue 14, SYNC_RULES.md).

`rules` decides (pure), `executor` performs one action through the v3 client, `outbox` records
each action before it is attempted and keeps the contact's Greenhouse link in step.
"""
