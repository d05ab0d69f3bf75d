"""Find and verify work email addresses.

Public interface (what the API and the queue call):
`EmailFinder`, `build_finder`, `EmailResult`, `LookupInputError`, `DomainKnowledge`,
`InMemoryKnowledge`, `KnownAddress`, `pattern_distribution`, `infer_pattern`, `learn_domain`.
"""

from backend.email_lookup.finder import EmailFinder
from backend.email_lookup.finder import EmailResult
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
