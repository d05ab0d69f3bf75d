"""Shared pieces of the `sourcebridge` command line: exit codes and output helpers.

Exit status (DESIGN.md): 0 success, 2 bad usage or input (one line on stderr), 1 failed dependency.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click


class BadInput(click.ClickException):
    """Bad usage or input: exit 2 with a one-line reason."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class DependencyFailed(click.ClickException):
    """A service we depend on (database, Redis, Greenhouse, DNS) failed: exit 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def print_json(data: Any) -> None:
    """Pretty JSON on stdout (non-ASCII kept readable)."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
