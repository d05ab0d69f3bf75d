"""Email local-part patterns as data, and the per-domain pattern distribution (pure).

A pattern is a template over name tokens ({first} {f} {last} {l} {middle} {m}) with an optional
truncation. The distribution at a domain is a Dirichlet-smoothed estimate from the addresses
already known there, pulled toward a global prior (the reference's measured shares):
theta_p = (n_p + kappa * prior_p) / (N + kappa).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass

from backend import defaults
from backend.email_lookup.names import NameVariant
from backend.email_lookup.names import name_variants


@dataclass(frozen=True, slots=True)
class Pattern:
    name: str
    template: str
    truncate: int = 0

    @property
    def separator(self) -> str:
        """The separator a multi-word surname is joined with inside this pattern."""
        literal = re.sub(r"\{\w+\}", "", self.template)
        return literal[:1]


# The vocabulary, in cold-start order (reference §4.4), with the measured shares among named
# patterns (reference §4.3, n = 2,755) as the prior. Patterns the measurement did not name get a
# small share so they can still be learned from a domain's evidence.
_VOCABULARY: tuple[tuple[str, str, int, float], ...] = (
    ("first.last", "{first}.{last}", 0, 37.8),
    ("flast", "{f}{last}", 0, 26.0),
    ("first", "{first}", 0, 15.8),
    ("firstlast", "{first}{last}", 0, 3.4),
    ("firstl", "{first}{l}", 0, 3.4),
    ("last", "{last}", 0, 3.2),
    ("last.first", "{last}.{first}", 0, 2.7),
    ("flast8", "{f}{last}", 8, 2.4),
    ("lastfirst", "{last}{first}", 0, 1.2),
    ("f.last", "{f}.{last}", 0, 1.2),
    ("first_last", "{first}_{last}", 0, 0.9),
    ("lastf", "{last}{f}", 0, 0.4),
    ("first.l", "{first}.{l}", 0, 0.4),
    ("fl", "{f}{l}", 0, 0.3),
    ("first-last", "{first}-{last}", 0, 0.3),
    ("fmlast", "{f}{m}{last}", 0, 0.3),
    ("first.m.last", "{first}.{m}.{last}", 0, 0.3),
    ("last_first", "{last}_{first}", 0, 0.2),
    ("last.f", "{last}.{f}", 0, 0.2),
)
PATTERNS: tuple[Pattern, ...] = tuple(Pattern(n, t, k) for n, t, k, _ in _VOCABULARY)
PATTERNS_BY_NAME: dict[str, Pattern] = {p.name: p for p in PATTERNS}
_TOTAL = sum(share for *_, share in _VOCABULARY)
GLOBAL_PRIOR: dict[str, float] = {n: share / _TOTAL for n, _, _, share in _VOCABULARY}

_VALID_LOCAL = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
_TOKEN = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class KnownAddress:
    """A confirmed (name, address) pair: replied, verified or in Greenhouse."""

    first: str
    last: str
    address: str


def render(pattern: Pattern, variant: NameVariant) -> str | None:
    """The local part `pattern` makes of `variant`, or None if it cannot (e.g. no middle name)."""
    sep = pattern.separator
    last = variant.last.replace(" ", sep)
    values = {
        "first": variant.first,
        "f": variant.first[:1],
        "last": last,
        "l": variant.last[:1],
        "middle": variant.middle,
        "m": variant.middle[:1],
    }
    parts = []
    pos = 0
    for match in _TOKEN.finditer(pattern.template):
        parts.append(pattern.template[pos : match.start()])
        value = values[match.group(1)]
        if not value:
            return None
        parts.append(value)
        pos = match.end()
    parts.append(pattern.template[pos:])
    local = "".join(parts)
    if pattern.truncate:
        if len(local) <= pattern.truncate:
            return None  # identical to the untruncated pattern: not evidence of truncation
        local = local[: pattern.truncate]
    if ".." in local or not _VALID_LOCAL.match(local):
        return None
    return local


def local_part(address: str) -> str:
    return address.rsplit("@", 1)[0].lower() if "@" in address else address.lower()


def explain(
    first: str, last: str, address: str, *, variants: list[NameVariant] | None = None
) -> list[tuple[str, str]]:
    """Every (pattern, variant kind) that renders the address's local part from the name.

    A numeric suffix (john.smith2, a collision) is ignored when nothing matches without it.
    """
    local = local_part(address)
    vs = variants if variants is not None else name_variants(first, last)
    found = _matches(local, vs)
    if not found:
        stripped = local.rstrip("0123456789")
        if stripped and stripped != local and len(local) - len(stripped) <= 2:
            found = _matches(stripped, vs)
    return found


def _matches(local: str, variants: list[NameVariant]) -> list[tuple[str, str]]:
    """Matches of the most likely spelling that explains `local` (a swapped or nickname reading
    does not also count when the plain one already explains the address)."""
    out: dict[str, str] = {}
    weight = None
    for v in sorted(variants, key=lambda v: -v.weight):
        if weight is not None and v.weight < weight:
            break
        for p in PATTERNS:
            if p.name not in out and render(p, v) == local:
                out[p.name] = v.kind
                weight = v.weight
    return list(out.items())


def infer_pattern(first: str, last: str, address: str) -> list[str]:
    """The patterns that explain `address` for this name (empty: opaque or unexplained)."""
    return [p for p, _ in explain(first, last, address)]


def pattern_counts(known: Iterable[KnownAddress]) -> tuple[dict[str, float], int]:
    """Fractional pattern counts (an address several patterns explain adds 1/k to each) and the
    number of addresses that any pattern explains."""
    counts: dict[str, float] = {}
    n = 0
    for k in known:
        patterns = infer_pattern(k.first, k.last, k.address)
        if not patterns:
            continue
        n += 1
        for p in patterns:
            counts[p] = counts.get(p, 0.0) + 1.0 / len(patterns)
    return counts, n


def smooth(
    counts: Mapping[str, float],
    n: float,
    prior: Mapping[str, float] | None = None,
    kappa: float = defaults.EMAIL_PATTERN_KAPPA,
) -> dict[str, float]:
    """Dirichlet smoothing of pattern counts toward `prior` with strength `kappa`."""
    prior = GLOBAL_PRIOR if prior is None else prior
    return {p: (counts.get(p, 0.0) + kappa * pi) / (n + kappa) for p, pi in prior.items()}


def pattern_distribution(
    known: Iterable[KnownAddress],
    prior: Mapping[str, float] | None = None,
    kappa: float = defaults.EMAIL_PATTERN_KAPPA,
) -> dict[str, float]:
    """P(pattern) at a domain given its known addresses: the function to call when one is
    confirmed. With no known addresses this is the prior itself."""
    counts, n = pattern_counts(known)
    return smooth(counts, n, prior, kappa)
