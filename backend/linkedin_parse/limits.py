"""What the parser accepts of a page's shape, checked before the HTML tree is built.

Lexbor builds a tree in time that grows with elements x nesting depth (each block start tag looks
down the stack of open elements), so ~100k nested ``<div>`` cost tens of seconds. These bounds keep
every accepted page to a few tens of milliseconds of tree building.
"""

from __future__ import annotations

MAX_DEPTH = 256
"""Levels of element nesting. Real profile pages stay under ~60 (the deepest fixture: 21); at this
depth even a page of MAX_ELEMENTS elements all at the bottom builds in well under a second."""

MAX_ELEMENTS = 100_000
"""Start tags per page. A 2 MB Recruiter page holds ~30k (LinkedIn's markup density: one tag per
~70 bytes), so a page at the 3 MB snapshot cap stays below this; counting stops here, so a page of
tiny tags is refused after ~0.2 s of scanning."""

SMALL_PAGE_TAGS = 2_000
"""Pages with at most this many ``<`` are not pre-scanned: whatever their shape, building their
tree costs a few tens of milliseconds at most (2,000 levels deep, the worst case: ~50 ms). Their
depth is checked while they are read instead, against the same MAX_DEPTH."""
