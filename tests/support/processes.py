"""Helpers for tests that start Sourcebridge (or a server beside it) as a separate process."""

from __future__ import annotations

import os
import socket


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without Sourcebridge settings, plus `extra`."""
    prefixes = ("GREENHOUSE_", "DATABASE_URL", "REDIS_URL", "SOURCEBRIDGE_", "DNS_", "EMAIL_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(extra)
    return env
