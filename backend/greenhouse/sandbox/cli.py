"""`sourcebridge sandbox`: run the Greenhouse Harvest v3 sandbox server in the foreground."""

from __future__ import annotations

import click

from backend import defaults
from backend.cli import BadInput


@click.command()
@click.option("--port", default=defaults.SANDBOX_PORT, show_default=True, type=int,
              help="0 picks a free port")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--client-id", default=defaults.SANDBOX_CLIENT_ID, show_default=True)
@click.option("--client-secret", default=defaults.SANDBOX_CLIENT_SECRET)
@click.option("--seed", default=defaults.SANDBOX_SEED, show_default=True, type=int)
@click.option("--candidates", default=defaults.SANDBOX_CANDIDATES, show_default=True, type=int,
              help="size of the seeded organisation")  # fmt: skip
@click.option("--rate-limit", default=defaults.SANDBOX_RATE_LIMIT, show_default=True, type=int,
              help="requests per window per credential")  # fmt: skip
@click.option("--rate-window", default=defaults.SANDBOX_RATE_WINDOW.total_seconds(),
              show_default=True, type=float, help="window length in seconds")  # fmt: skip
@click.option("--verbose", is_flag=True, help="log every request")
def sandbox(
    port: int,
    host: str,
    client_id: str,
    client_secret: str,
    seed: int,
    candidates: int,
    rate_limit: int,
    rate_window: float,
    verbose: bool,
) -> None:
    """Run the Greenhouse Harvest v3 sandbox server (for demos and tests)."""
    from backend.greenhouse.sandbox.server import make_sandbox

    if candidates < 0 or rate_limit < 1 or rate_window <= 0:
        raise BadInput("--candidates must be >= 0, --rate-limit >= 1 and --rate-window > 0")
    if bool(client_id) != bool(client_secret):
        raise BadInput("give --client-id and --client-secret together")
    try:
        handle = make_sandbox(
            port,
            host=host,
            quiet=not verbose,
            background=False,
            seed=seed,
            candidates=candidates,
            rate_limit=rate_limit,
            rate_window_seconds=rate_window,
            client_id=client_id,
            client_secret=client_secret,
        )
    except OSError as exc:
        raise BadInput(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    base_url = handle.base_url
    click.echo(f"Greenhouse sandbox listening on {base_url}")
    click.echo(f"base URL (GREENHOUSE_API_URL = GREENHOUSE_AUTH_URL): {base_url}")
    click.echo(f"client id: {handle.client_id}")
    click.echo(f"client secret: {handle.client_secret}")
    click.echo(f"site-admin user id: {handle.admin_user_id}")
    click.echo(f"plain user id: {handle.plain_user_id}")
    click.echo(f"rate limit: {rate_limit} requests per {rate_window:g} s; candidates: {candidates}")
    click.echo("faults: POST JSON to /_sandbox/faults; counters: GET /_sandbox/counters", nl=True)
    try:
        handle.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        handle.shutdown()
