"""`sourcebridge linkedin ...` commands."""

from __future__ import annotations

from pathlib import Path

import click

from backend.cli import BadInput
from backend.cli import print_json
from backend.linkedin_parse.model import ParseError
from backend.linkedin_parse.parser import parse_profile


@click.group()
def linkedin() -> None:
    """Read LinkedIn profile pages."""


@linkedin.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="the LinkedIn URL the page was saved from")
def parse(file: Path, url: str) -> None:
    """Print the Profile parsed from a saved page FILE as JSON."""
    try:
        html = file.read_bytes()
    except OSError as exc:
        raise BadInput(f"cannot read {file}: {exc.strerror or exc}") from exc
    try:
        profile = parse_profile(html, url)
    except ParseError as exc:
        raise BadInput(str(exc)) from exc
    print_json(profile.to_dict())
