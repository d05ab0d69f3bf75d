"""`sourcebridge email ...` commands."""

import click


@click.group()
def email() -> None:
    """Find and verify work email addresses."""
