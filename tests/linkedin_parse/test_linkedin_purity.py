"""The parser is a pure core: it imports no web framework, database or network client."""

from __future__ import annotations

import subprocess
import sys


def test_parser_imports_no_flask_database_or_http_modules():
    code = (
        "import sys, backend.linkedin_parse; "
        "bad = [m for m in ('flask', 'sqlalchemy', 'requests', 'redis', 'httpx', 'psycopg', "
        "'urllib.request', 'socket') if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
