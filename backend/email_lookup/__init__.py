"""Find and verify work email addresses.

Public interface (what the API and the queue call):

- `build_finder(FinderSettings(...), cache, knowledge, **overrides) -> EmailFinder`: the resolver
  and, with `verify_smtp`, the SMTP verifier those settings describe.
- `EmailFinder.find(first, last, *, domain=None, company=None, full_name=None) -> EmailResult`
  (raises `LookupInputError` for unusable names or neither domain nor company);
  `EmailFinder.address_confirmed(address)` after a confirmed address was stored;
  `EmailFinder.rank(first, last, domain)` for ranking alone (no network).
- `EmailResult.to_dict()`: the `email` object of DESIGN's LookupResult plus reason, catch_all,
  role; `EmailResult.retry_at` (epoch seconds) when greylisting asks to come back.
- `DomainKnowledge` (Protocol), `InMemoryKnowledge`, `KnownAddress(first, last, address)`.
- Pure learning: `infer_pattern(first, last, address) -> list[str]`,
  `pattern_distribution(known, prior=None, kappa=2.0) -> dict[str, float]`,
  `learn_domain(known) -> DomainModel`, `GLOBAL_PRIOR`.
"""

from backend.email_lookup.finder import Confidence
from backend.email_lookup.finder import EmailFinder
from backend.email_lookup.finder import EmailResult
from backend.email_lookup.finder import FinderSettings
from backend.email_lookup.finder import LookupInputError
from backend.email_lookup.finder import build_finder
from backend.email_lookup.knowledge import DomainKnowledge
from backend.email_lookup.knowledge import InMemoryKnowledge
from backend.email_lookup.patterns import GLOBAL_PRIOR
from backend.email_lookup.patterns import KnownAddress
from backend.email_lookup.patterns import infer_pattern
from backend.email_lookup.patterns import pattern_distribution
from backend.email_lookup.ranking import learn_domain

__all__ = [
    "Confidence",
    "FinderSettings",
    "GLOBAL_PRIOR",
    "DomainKnowledge",
    "EmailFinder",
    "EmailResult",
    "InMemoryKnowledge",
    "KnownAddress",
    "LookupInputError",
    "build_finder",
    "infer_pattern",
    "learn_domain",
    "pattern_distribution",
]
