"""`sourcebridge sandbox`: run the Greenhouse Harvest v3 sandbox server."""

import click


@click.command()
def sandbox() -> None:
    """Run the Greenhouse Harvest v3 sandbox server (for demos and tests)."""
    raise click.ClickException("the sandbox is not built yet")
