"""`sourcebridge greenhouse ...` commands."""

import click


@click.group()
def greenhouse() -> None:
    """Talk to Greenhouse Harvest v3."""
