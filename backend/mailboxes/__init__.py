"""Mailboxes: send from the recruiter's own mailbox at most once, and read what comes back.

Pure cores (compose, classify, reply text, return dates, unsubscribe tokens) take and return plain
data; the edges (SMTP submission, IMAP reading, OAuth, DNS checks, the database service) do I/O.
"""
