"""Candidates for one person at one domain, ranked by the domain's learned model (pure).

P0(c) is proportional to the sum over patterns p of theta_p * w_v, where w_v is the weight of the
best name variant v that renders c under p; scores are normalised over the candidates.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from pathlib import Path

from backend import defaults
from backend.email_lookup.names import NameVariant
from backend.email_lookup.names import name_variants
from backend.email_lookup.patterns import GLOBAL_PRIOR
from backend.email_lookup.patterns import PATTERNS
from backend.email_lookup.patterns import KnownAddress
from backend.email_lookup.patterns import explain
from backend.email_lookup.patterns import render
from backend.email_lookup.patterns import smooth

# Name-spelling policies learned per domain: each family's kinds with their default weights (the
# same numbers names.py uses), so one confirmed "mueller" at a domain favours "mueller" there.
POLICY_FAMILIES: dict[str, dict[str, float]] = {
    "translit": {"translit_de": 1.0, "translit_plain": 0.7},
    "particle": {"particle_joined": 1.0, "particle_base": 0.6, "particle_split": 0.3},
    "hyphen": {"hyphen_joined": 1.0, "hyphen_first": 0.5, "hyphen_kept": 0.3, "hyphen_last": 0.2},
    "multi": {"multi_first": 1.0, "multi_joined": 0.6, "multi_last": 0.4},
}
# Spellings at least this likely (the canonical and alternative transliterations) identify a
# person; nicknames and swapped readings do not.
_SAME_PERSON_WEIGHT = 0.7
_FAMILY_OF = {kind: fam for fam, kinds in POLICY_FAMILIES.items() for kind in kinds}


@lru_cache(maxsize=1)
def role_local_parts() -> frozenset[str]:
    path = Path(__file__).with_name("data") / "roles.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def is_role(local: str) -> bool:
    return local.lower() in role_local_parts()


@dataclass(frozen=True, slots=True)
class DomainModel:
    """What is learned about one mail domain from its known addresses."""

    distribution: Mapping[str, float]
    known: int = 0  # addresses some pattern explains
    counts: Mapping[str, float] = field(default_factory=dict)  # fractional, per pattern
    # (first, last) spellings of the people whose address is known -> that address
    people: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # kind -> weight multiplier, for the policy families the domain has evidence on
    policy: Mapping[str, float] = field(default_factory=dict)

    def share_of(self, pattern: str) -> float:
        return self.distribution.get(pattern, 0.0)


def learn_domain(
    known: Iterable[KnownAddress],
    prior: Mapping[str, float] | None = None,
    kappa: float = defaults.EMAIL_PATTERN_KAPPA,
) -> DomainModel:
    """Pattern distribution and spelling policy of a domain from its confirmed addresses."""
    counts: dict[str, float] = {}
    kinds: dict[str, float] = {}
    people: dict[tuple[str, str], str] = {}
    n = 0
    for k in known:
        if is_role(k.address.split("@")[0]):
            continue
        variants = name_variants(k.first, k.last)
        for v in variants:
            if v.weight >= _SAME_PERSON_WEIGHT:
                people.setdefault((v.first, v.last), k.address.lower())
        found = explain(k.first, k.last, k.address, variants=variants)
        if not found:
            continue
        n += 1
        for pattern, _kind in found:
            counts[pattern] = counts.get(pattern, 0.0) + 1.0 / len(found)
        for kind in {kind for _, kind in found}:
            for part in kind.split("+"):
                if part in _FAMILY_OF:
                    kinds[part] = kinds.get(part, 0.0) + 1.0
    return DomainModel(
        distribution=smooth(counts, n, prior, kappa),
        known=n,
        counts=counts,
        policy=_policy(kinds),
        people=people,
    )


def known_address_of(model: DomainModel, variants: list[NameVariant]) -> str | None:
    """The confirmed address of this same person at the domain, if there is one."""
    for v in variants:
        if v.weight >= _SAME_PERSON_WEIGHT and (v.first, v.last) in model.people:
            return model.people[(v.first, v.last)]
    return None


def _policy(kind_counts: Mapping[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    kappa = defaults.EMAIL_POLICY_KAPPA
    for kinds in POLICY_FAMILIES.values():
        n = sum(kind_counts.get(k, 0.0) for k in kinds)
        if not n:
            continue
        total = sum(kinds.values())
        theta = {
            k: (kind_counts.get(k, 0.0) + kappa * w / total) / (n + kappa) for k, w in kinds.items()
        }
        top = max(theta.values())
        for k, t in theta.items():
            # Relative to the default weight, so the variant's own weight is rescaled to t/top.
            out[k] = (t / top) / kinds[k]
    return out


PRIOR_MODEL = DomainModel(distribution=dict(GLOBAL_PRIOR))


@dataclass(frozen=True, slots=True)
class Candidate:
    address: str
    score: float  # P0, normalised over the candidates
    pattern: str  # the pattern contributing most
    role: bool = False


def _variant_weight(v: NameVariant, model: DomainModel) -> float:
    w = v.weight
    if model.policy:
        for part in v.kind.split("+"):
            w *= model.policy.get(part, 1.0)
    return w


def rank_candidates(
    variants: list[NameVariant],
    domain: str,
    model: DomainModel = PRIOR_MODEL,
    limit: int = defaults.EMAIL_RANK_LIMIT,
) -> list[Candidate]:
    """Candidate addresses, best first, scores summing to 1 over all candidates rendered."""
    scores: dict[str, float] = {}
    top_pattern: dict[str, tuple[float, str]] = {}
    weights = [(v, _variant_weight(v, model)) for v in variants]
    for p in PATTERNS:
        theta = model.distribution.get(p.name, 0.0)
        if theta <= 0.0:
            continue
        best_for_local: dict[str, float] = {}
        for v, w in weights:
            local = render(p, v)
            if local is not None and best_for_local.get(local, 0.0) < w:
                best_for_local[local] = w
        for local, w in best_for_local.items():
            s = theta * w
            scores[local] = scores.get(local, 0.0) + s
            if top_pattern.get(local, (0.0, ""))[0] < s:
                top_pattern[local] = (s, p.name)
    total = sum(scores.values())
    if not total:
        return []
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [
        Candidate(f"{local}@{domain}", s / total, top_pattern[local][1], is_role(local))
        for local, s in ranked
    ]
