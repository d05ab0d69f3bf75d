"""What the parser accepts of a page's shape, checked before the HTML tree is built.

Lexbor builds a tree in time that grows with elements x nesting depth (each block start tag looks
down the stack of open elements), so ~100k nested ``<div>`` cost tens of seconds. These bounds keep
the tree build of any accepted page to a fraction of a second, and its whole parse (the pre-scan
and the walk are Python loops over every tag) to about a second of CPU at worst.
"""

from __future__ import annotations

MAX_DEPTH = 256
"""Levels of element nesting. Real profile pages stay under ~60 (the deepest fixture: 21); at this
depth even a page of MAX_ELEMENTS elements all at the bottom builds in well under a second."""

MAX_ELEMENTS = 50_000
"""Start tags per page, counted after the Recruiter search list is cut (``trim``). A real profile
page holds a few thousand; a 2 MB Recruiter page with its list ~30k. Every accepted element is
scanned and walked in Python, so this bounds the worst accepted page to about a second of CPU."""

SMALL_PAGE_TAGS = 2_000
"""Pages with at most this many ``<`` are not pre-scanned: whatever their shape, building their
tree costs a few tens of milliseconds at most (2,000 levels deep, the worst case: ~50 ms). Their
depth is checked while they are read instead, against the same MAX_DEPTH."""
