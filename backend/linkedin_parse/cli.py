"""`sourcebridge linkedin ...` commands."""

import click


@click.group()
def linkedin() -> None:
    """Read LinkedIn profile pages."""
