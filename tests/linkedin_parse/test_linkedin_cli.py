"""`sourcebridge linkedin parse FILE --url URL`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result

from tests.support.cli import invoke

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin"


def run(*args: str) -> Result:
    return invoke(["linkedin", "parse", *args])


def test_parse_prints_the_profile_as_json():
    expected = json.loads((FIXTURES / "sales_navigator_lead.json").read_text(encoding="utf-8"))
    result = run(str(FIXTURES / "sales_navigator_lead.html"), "--url", expected["url"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == expected["profile"]


def test_non_profile_page_exits_2_with_one_line(tmp_path):
    page = tmp_path / "feed.html"
    page.write_text("<html><body>feed</body></html>")
    result = run(str(page), "--url", "https://www.linkedin.com/feed/")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "not a LinkedIn profile page" in result.stderr


def test_unreadable_file_exits_2(tmp_path):
    result = run(str(tmp_path / "missing.html"), "--url", "https://www.linkedin.com/in/x/")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot read")
