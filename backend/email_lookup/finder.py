"""The email finder: name + company/domain -> best work address with confidence and reason.

Pipeline: name variants -> mail domain (explicit, learned, or guessed and checked by DNS) -> MX ->
candidates ranked by the domain's learned pattern model -> optional SMTP verification ->
confidence. Results are cached in the shared cache, so asking twice costs no network.
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from enum import IntEnum
from enum import StrEnum
from typing import Any

from backend import defaults
from backend.email_lookup.dns_check import MAIL_NO_HOST
from backend.email_lookup.dns_check import MAIL_NULL_MX
from backend.email_lookup.dns_check import MAIL_NXDOMAIN
from backend.email_lookup.dns_check import MAIL_OK
from backend.email_lookup.dns_check import MAIL_UNKNOWN
from backend.email_lookup.dns_check import DomainResolver
from backend.email_lookup.dns_check import make_resolver
from backend.email_lookup.domains import clean_domain
from backend.email_lookup.domains import company_key
from backend.email_lookup.domains import guess_domains
from backend.email_lookup.domains import is_personal_domain
from backend.email_lookup.knowledge import DomainKnowledge
from backend.email_lookup.names import NameVariant
from backend.email_lookup.names import name_variants
from backend.email_lookup.patterns import KnownAddress
from backend.email_lookup.ranking import Candidate
from backend.email_lookup.ranking import DomainModel
from backend.email_lookup.ranking import known_address_of
from backend.email_lookup.ranking import learn_domain
from backend.email_lookup.ranking import rank_candidates
from backend.email_lookup.smtp_verify import EXISTS
from backend.email_lookup.smtp_verify import INVALID
from backend.email_lookup.smtp_verify import Outcome as SmtpOutcome
from backend.email_lookup.smtp_verify import SmtpConfig
from backend.email_lookup.smtp_verify import SmtpVerifier
from backend.email_lookup.smtp_verify import Verification


class Confidence(StrEnum):
    """How sure a found address is; travels in the API's `email.confidence`."""

    VERIFIED = "verified"  # the mail server accepted this mailbox (and is not catch-all)
    PROBABLE = "probable"  # the domain's known pattern, or a strong prior
    POSSIBLE = "possible"  # a guess among several
    UNKNOWN = "unknown"  # no address to offer
    INVALID = "invalid"  # the mail server refused this mailbox


_MODEL_TTL = 60.0  # seconds an in-process domain model is reused before re-reading knowledge


class LookupInputError(ValueError):
    """The lookup cannot start: missing names, or neither a domain nor a company."""


@dataclass(slots=True)
class Alternative:
    address: str
    confidence: Confidence
    score: float


@dataclass(slots=True)
class EmailResult:
    address: str | None
    confidence: Confidence
    domain: str | None
    alternatives: list[Alternative] = field(default_factory=list)
    catch_all: bool | None = None
    role: bool = False
    reason: str = ""
    retry_at: float | None = None  # set when greylisting asks us to come back (epoch seconds)
    pattern: str | None = None
    cached: bool = False
    verified_by_smtp: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The `email` object of DESIGN's LookupResult, plus reason, catch_all and role."""
        return {
            "address": self.address,
            "confidence": self.confidence,
            "domain": self.domain,
            "alternatives": [asdict(a) for a in self.alternatives],
            "catch_all": self.catch_all,
            "role": self.role,
            "reason": self.reason,
        }

    def _store(self) -> dict[str, Any]:
        return {**self.to_dict(), "retry_at": self.retry_at, "pattern": self.pattern}

    @classmethod
    def _load(cls, data: dict[str, Any]) -> EmailResult:
        return cls(
            address=data["address"],
            confidence=data["confidence"],
            domain=data["domain"],
            alternatives=[Alternative(**a) for a in data["alternatives"]],
            catch_all=data["catch_all"],
            role=data["role"],
            reason=data["reason"],
            retry_at=data.get("retry_at"),
            pattern=data.get("pattern"),
            cached=True,
        )


@dataclass(frozen=True, slots=True)
class _Domain:
    domain: str | None
    source: str  # explicit | known | guessed | none
    note: str = ""
    dns_unknown: bool = False


class Rank(IntEnum):
    """Where SMTP verification put a candidate address; lower ranks first."""

    ACCEPTED = 0  # the mail server accepted the mailbox
    FULL = 1  # the mailbox exists but is full
    NO_VERDICT = 2  # tested, no answer either way
    UNTESTED = 3  # beyond the tested set: the pattern alone speaks for it
    REJECTED = 4  # the mail server refused the mailbox


@dataclass(frozen=True)
class ScoredCandidate:
    rank: Rank
    score: float  # higher first within a rank
    candidate: Candidate
    confidence: Confidence


def score_candidates(
    people: list[Candidate],
    outcomes: Mapping[str, SmtpOutcome],
    *,
    tested: bool,
    base: Confidence,
) -> list[ScoredCandidate]:
    """The candidates in the order verification puts them (best first); no I/O.

    `tested`: an SMTP session took place; `base`: the confidence the pattern alone gives.
    """
    scored: list[ScoredCandidate] = []
    for c in people:
        o = outcomes.get(c.address)
        if o is not None and o.status == EXISTS:
            if o.full:
                entry = ScoredCandidate(Rank.FULL, 0.97 + 0.02 * c.score, c, Confidence.PROBABLE)
            else:
                entry = ScoredCandidate(
                    Rank.ACCEPTED, 0.97 + 0.02 * c.score, c, Confidence.VERIFIED
                )
        elif o is not None and o.status == INVALID:
            entry = ScoredCandidate(Rank.REJECTED, 0.0, c, Confidence.INVALID)
        elif o is not None and tested:
            entry = ScoredCandidate(Rank.NO_VERDICT, c.score, c, Confidence.UNKNOWN)
        else:
            confidence = Confidence.POSSIBLE if tested else base
            entry = ScoredCandidate(Rank.UNTESTED, c.score, c, confidence)
        scored.append(entry)
    return sorted(scored, key=lambda entry: (entry.rank, -entry.score))


class EmailFinder:
    def __init__(
        self,
        knowledge: DomainKnowledge,
        *,
        resolver: DomainResolver,
        verifier: SmtpVerifier | None = None,
        cache: Any = None,
        clock: Callable[[], float] = time.time,
        max_domain_guesses: int = defaults.EMAIL_MAX_DOMAIN_GUESSES,
        on_verified: Callable[[KnownAddress], None] | None = None,
    ) -> None:
        """`on_verified` is called with each address SMTP verification confirmed (e.g. to store
        it as a confirmed contact address), after which the domain's model is refreshed."""
        self.knowledge = knowledge
        # Cached answers are built from the knowledge (one team's), so they are keyed by it.
        self.scope = knowledge.cache_scope
        self.resolver = resolver
        self.verifier = verifier
        self.cache = cache
        self.clock = clock
        self.max_domain_guesses = max_domain_guesses
        self.on_verified = on_verified
        self._models: dict[str, tuple[float, DomainModel]] = {}

    # -- learning ------------------------------------------------------------------------------
    def domain_model(self, domain: str) -> DomainModel:
        """The domain's pattern model, rebuilt from the knowledge at most once a minute."""
        now = time.monotonic()
        hit = self._models.get(domain)
        if hit and now - hit[0] < _MODEL_TTL:
            return hit[1]
        model = learn_domain(self.knowledge.known_addresses(domain))
        if len(self._models) > 4096:
            self._models.clear()
        self._models[domain] = (now, model)
        return model

    def address_confirmed(self, address: str) -> None:
        """Call after an address was confirmed (and stored in the knowledge): the domain's model
        is rebuilt and its cached lookups are no longer served."""
        domain = clean_domain(address)
        if domain is None:
            return
        self._models.pop(domain, None)
        if self.cache is not None:
            key = self._generation_key(domain)
            if not self.cache.add(key, 1, timeout=0):
                self.cache.inc(key)

    def rank(
        self, first: str, last: str, domain: str, *, full_name: str | None = None
    ) -> list[Candidate]:
        """Ranked candidates for a person at a domain (no network; warm model cache)."""
        return rank_candidates(
            name_variants(first, last, full_name), domain, self.domain_model(domain)
        )

    # -- the lookup ----------------------------------------------------------------------------
    def find(
        self,
        first: str,
        last: str,
        *,
        domain: str | None = None,
        company: str | None = None,
        full_name: str | None = None,
        deadline: float | None = None,
    ) -> EmailResult:
        """`deadline` (`time.monotonic()` seconds): no domain guess is checked after it."""
        variants = name_variants(first or "", last or "", full_name)
        if not variants:
            raise LookupInputError("a first and a last name (in Latin script) are needed")
        if not (domain or "").strip() and not (company or "").strip():
            raise LookupInputError("a domain or a company is needed")
        chosen = self._choose_domain(domain, company, deadline)
        if chosen.domain is None:
            return EmailResult(None, Confidence.UNKNOWN, None, reason=chosen.note)
        d = chosen.domain
        # A verified answer beats a guess: a finder without a verifier also reads what an
        # SMTP-verifying finder (e.g. a queued verification) stored for this person.
        modes = ["smtp"] if self.verifier is not None else ["smtp", "pattern"]
        generation = self._generation(d)
        keys = [self._result_key(d, variants, mode, generation) for mode in modes]
        for cached in self._cache_get_many(keys):  # one round trip to a shared cache
            if cached is not None:
                return EmailResult._load(cached)
        key = self._result_key(d, variants, generation=generation)
        result, ttl = self._lookup(variants, chosen)
        if (
            result.confidence == Confidence.VERIFIED
            and result.verified_by_smtp
            and self.on_verified
        ):
            # Feed the find back as evidence: the domain's pattern distribution learns from it.
            self.on_verified(KnownAddress(first, last, result.address or ""))
            self.address_confirmed(result.address or "")
            key = self._result_key(d, variants)
        if ttl > 0:
            self._cache_set(key, result._store(), ttl)
        return result

    def _lookup(self, variants: list[NameVariant], chosen: _Domain) -> tuple[EmailResult, float]:
        d = chosen.domain
        assert d is not None
        mail = self.resolver.mail_hosts(d)
        if mail.status in (MAIL_NULL_MX, MAIL_NXDOMAIN, MAIL_NO_HOST):
            why = {
                MAIL_NULL_MX: f"{d} publishes a null MX: it accepts no mail",
                MAIL_NXDOMAIN: f"{d} does not exist",
                MAIL_NO_HOST: f"{d} has no mail server (no MX, no address)",
            }[mail.status]
            return EmailResult(
                None, Confidence.INVALID, d, reason=why
            ), defaults.DNS_NEGATIVE_TTL.total_seconds()
        model = self.domain_model(d)
        ranked = rank_candidates(variants, d, model)
        people = [c for c in ranked if not c.role]
        role = bool(ranked) and ranked[0].role
        if not people:
            why = "every candidate is a role (shared) address"
            return EmailResult(None, Confidence.UNKNOWN, d, role=role, reason=why), 0
        confirmed = known_address_of(model, variants)
        evidence = _pattern_evidence(model, people[0].pattern, d)
        if confirmed is not None:
            alts = [Alternative(c.address, Confidence.POSSIBLE, round(c.score, 3)) for c in people]
            alts = [a for a in alts if a.address != confirmed][: defaults.EMAIL_ALTERNATIVES]
            res = EmailResult(
                confirmed,
                Confidence.VERIFIED,
                d,
                alts,
                None,
                role,
                "address already confirmed for this person",
            )
            return res, defaults.EMAIL_VERIFIED_TTL.total_seconds()
        base = _pattern_confidence(model, people[0], chosen)
        notes = [evidence] + ([chosen.note] if chosen.note else [])
        if mail.status == MAIL_UNKNOWN:
            notes.append(f"DNS did not answer for {d} ({mail.detail}): mail server not confirmed")
            return self._pattern_only(d, people, Confidence.UNKNOWN, notes, role), 0
        if mail.implicit:
            notes.append(f"{d} has no MX; mail goes to its own address record")
        if self.verifier is None:
            return self._pattern_only(
                d, people, base, notes, role
            ), defaults.EMAIL_RESULT_TTL.total_seconds()
        check = self.verifier.verify(d, mail, [(c.address, c.score) for c in people])
        return self._combine(d, people, base, notes, role, check, model)

    # -- combining evidence ----------------------------------------------------------------------
    def _pattern_only(
        self,
        d: str,
        people: list[Candidate],
        confidence: str,
        notes: list[str],
        role: bool,
        catch_all: bool | None = None,
    ) -> EmailResult:
        best, rest = people[0], people[1 : 1 + defaults.EMAIL_ALTERNATIVES]
        alt_conf = (
            Confidence.POSSIBLE
            if confidence in (Confidence.PROBABLE, Confidence.POSSIBLE)
            else confidence
        )
        alts = [Alternative(c.address, alt_conf, round(c.score, 3)) for c in rest]
        return EmailResult(
            best.address,
            confidence,
            d,
            alts,
            catch_all,
            role,
            "; ".join(notes),
            pattern=best.pattern,
        )

    def _combine(
        self,
        d: str,
        people: list[Candidate],
        base: str,
        notes: list[str],
        role: bool,
        check: Verification,
        model: DomainModel,
    ) -> tuple[EmailResult, float]:
        if check.catch_all:
            notes.append("domain accepts every address (catch-all): mailbox not verifiable")
            res = self._pattern_only(d, people, base, notes, role, catch_all=True)
            return res, defaults.EMAIL_RESULT_TTL.total_seconds()
        accepted = any(o.status == EXISTS for o in check.outcomes.values())
        if (check.blocked or check.greylisted) and not accepted:
            notes.append(check.detail or "verification deferred")
            res = self._pattern_only(d, people, Confidence.UNKNOWN, notes, role, check.catch_all)
            res.retry_at = check.retry_at
            if check.retry_at:
                ttl = check.retry_at - self.clock()
            elif check.greylisted:  # the retry schedule is used up: stop asking for a while
                ttl = defaults.SMTP_GREYLIST_RETRY[-1].total_seconds()
            else:
                ttl = _first_retry()
            return res, max(1.0, ttl)
        scored = score_candidates(people, check.outcomes, tested=bool(check.sessions), base=base)
        top = scored[0]
        rejected = sum(1 for entry in scored if entry.rank is Rank.REJECTED)
        ca = "domain is not catch-all" if check.catch_all is False else "catch-all not determined"
        address: str | None = top.candidate.address
        smtp_verified = top.rank is Rank.ACCEPTED
        if top.rank in (Rank.ACCEPTED, Rank.FULL):
            # The reason speaks of the pattern of the address actually chosen.
            notes[0] = _pattern_evidence(model, top.candidate.pattern, d)
            o = check.outcomes[top.candidate.address]
            notes.append("mailbox exists but is full" if o.full else "mailbox accepted")
            notes.append(ca)
            confidence, ttl = top.confidence, defaults.EMAIL_VERIFIED_TTL.total_seconds()
        elif check.sessions == 0:
            notes.append(check.detail or "mail server not reachable: pattern only")
            confidence, ttl = base, _first_retry()
        elif top.rank is Rank.NO_VERDICT or not rejected:
            if rejected:
                notes.append(f"{rejected} candidates rejected")
            notes.append(check.detail or "mailbox not confirmed")
            confidence, ttl = Confidence.UNKNOWN, _first_retry()
        else:
            # Every tested address was rejected; what is left was never likely enough to test.
            notes.append(f"all {rejected} most likely addresses rejected by the mail server; {ca}")
            confidence, ttl, address = (
                Confidence.INVALID,
                defaults.EMAIL_INVALID_TTL.total_seconds(),
                None,
            )
        alts = [
            Alternative(entry.candidate.address, entry.confidence, round(entry.score, 3))
            for entry in scored
            if entry.candidate.address != address
        ][: defaults.EMAIL_ALTERNATIVES]
        pattern = top.candidate.pattern if address else None
        res = EmailResult(
            address, confidence, d, alts, check.catch_all, role, "; ".join(notes), pattern=pattern
        )
        res.verified_by_smtp = smtp_verified
        return res, ttl

    # -- domain choice ---------------------------------------------------------------------------
    def _choose_domain(
        self, domain: str | None, company: str | None, deadline: float | None = None
    ) -> _Domain:
        if (domain or "").strip():
            d = clean_domain(domain or "")
            if d is None:
                raise LookupInputError(f"not a domain name: {domain!r}")
            if is_personal_domain(d):
                return _Domain(
                    None, "none", f"{d} is a free-mail or disposable domain, not a work domain"
                )
            return _Domain(d, "explicit")
        name = (company or "").strip()
        key = company_key(name)
        if key is None:  # no words left to name a company by: nothing to cache under
            return self._company_domain(name, deadline)
        ckey = f"email:company:{self.scope}:{key}"
        cached = self._cache_get(ckey)
        if cached is not None:
            return _Domain(**cached)
        chosen = self._company_domain(name, deadline)
        if not chosen.dns_unknown:
            self._cache_set(
                ckey,
                {"domain": chosen.domain, "source": chosen.source, "note": chosen.note},
                defaults.EMAIL_COMPANY_DOMAIN_TTL.total_seconds(),
            )
        return chosen

    def _company_domain(self, company: str, deadline: float | None = None) -> _Domain:
        seen = [
            (d, n)
            for d, n in self.knowledge.domains_for_company(company)
            if not is_personal_domain(d)
        ]
        if seen:
            d, n = max(seen, key=lambda t: t[1])
            return _Domain(d, "known", f"{d} is where {n} confirmed address(es) at {company} are")
        guesses = guess_domains(company, self.max_domain_guesses)
        implicit: str | None = None
        unknown = False
        for g in guesses:
            if deadline is not None and time.monotonic() >= deadline:
                unknown = True  # out of time: not cached, so the next lookup guesses again
                break
            mh = self.resolver.mail_hosts(g)
            if mh.status == MAIL_OK and not mh.implicit:
                return _Domain(g, "guessed", f"domain {g} guessed from the company name (has MX)")
            if mh.status == MAIL_OK and implicit is None:
                implicit = g
            if mh.status == MAIL_UNKNOWN:
                unknown = True
                break  # DNS is not answering: more guesses would only wait for more timeouts
        if implicit:
            return _Domain(
                implicit, "guessed", f"domain {implicit} guessed from the company name (no MX)"
            )
        if unknown:
            return _Domain(
                None,
                "none",
                f"could not check domains for {company!r} (DNS did not answer in time)",
                True,
            )
        return _Domain(None, "none", f"no mail domain found for {company!r}")

    # -- cache -----------------------------------------------------------------------------------
    def _result_key(
        self,
        domain: str,
        variants: list[NameVariant],
        mode: str | None = None,
        generation: int | None = None,
    ) -> str:
        mode = mode or ("smtp" if self.verifier is not None else "pattern")
        gen = self._generation(domain) if generation is None else generation
        name = "|".join(f"{v.first}/{v.middle}/{v.last}" for v in variants[:3])
        digest = hashlib.sha256(name.encode()).hexdigest()[:24]  # no names in cache keys
        return f"email:result:{mode}:{self.scope}:{domain}:{gen}:{digest}"

    def _generation(self, domain: str) -> int:
        gen = self.cache.get(self._generation_key(domain)) if self.cache is not None else None
        return int(gen or 0)

    def _generation_key(self, domain: str) -> str:
        """Bumped when the scope learns an address at `domain`: its cached results go stale."""
        return f"email:gen:{self.scope}:{domain}"

    def _cache_get(self, key: str) -> Any:
        return self._cache_get_many([key])[0]

    def _cache_get_many(self, keys: list[str]) -> list[Any]:
        if self.cache is None:
            return [None] * len(keys)
        now = self.clock()
        return [
            entry["value"] if entry is not None and entry["expires_at"] > now else None
            for entry in self.cache.get_many(*keys)
        ]

    def _cache_set(self, key: str, value: Any, ttl: float) -> None:
        if self.cache is not None:
            entry = {"expires_at": self.clock() + ttl, "value": value}
            self.cache.set(key, entry, timeout=max(1, int(ttl)))


def _first_retry() -> float:
    return defaults.SMTP_GREYLIST_RETRY[0].total_seconds()


def _pattern_evidence(model: DomainModel, pattern: str, domain: str) -> str:
    if not model.known:
        share = round(100 * model.share_of(pattern))
        return f"no known addresses at {domain}: pattern {pattern} from the global prior ({share}%)"
    seen = model.counts.get(pattern, 0.0)
    seen_text = f"{seen:g}" if seen != int(seen) else str(int(seen))
    return f"pattern {pattern} seen in {seen_text} of {model.known} known addresses at {domain}"


def _pattern_confidence(model: DomainModel, best: Candidate, chosen: _Domain) -> str:
    if chosen.source == "guessed":
        return Confidence.POSSIBLE
    if model.known >= 2 and model.share_of(best.pattern) >= defaults.EMAIL_PROBABLE_SHARE:
        return Confidence.PROBABLE
    return Confidence.POSSIBLE


@dataclass(frozen=True)
class FinderSettings:
    """How a finder resolves and verifies (the process's settings, or a test's)."""

    dns_nameservers: str | None = None  # host[:port], comma-separated; None: the system's
    dns_timeout: float = defaults.DNS_TIMEOUT.total_seconds()
    verify_smtp: bool = False
    smtp_probe_port: int = 25
    allow_private_networks: bool = False
    helo_name: str | None = None  # None: this machine's FQDN
    mail_from: str | None = None  # None: verify@{helo_name}
    opportunistic_tls: bool = False  # STARTTLS whenever offered, not only when required


def build_finder(
    config: FinderSettings,
    cache: Any,
    knowledge: DomainKnowledge,
    **overrides: Any,
) -> EmailFinder:
    """The finder the settings describe: SMTP verification only with `verify_smtp`.
    `overrides`: SmtpConfig fields (tests: timeouts, pacing, tls_context), `clock`, `rng` and
    `on_verified` (see EmailFinder)."""
    clock = overrides.pop("clock", time.time)
    rng = overrides.pop("rng", None)
    on_verified = overrides.pop("on_verified", None)
    resolver = DomainResolver(
        make_resolver(config.dns_nameservers, config.dns_timeout),
        cache,
        timeout=config.dns_timeout,
    )
    verifier = None
    if config.verify_smtp:
        helo = config.helo_name or socket.getfqdn()
        smtp = SmtpConfig(
            port=config.smtp_probe_port,
            helo_name=helo,
            mail_from=config.mail_from or f"verify@{helo}",
            allow_private=config.allow_private_networks,
            opportunistic_tls=config.opportunistic_tls,
            **{k: v for k, v in overrides.items() if k in SmtpConfig.__dataclass_fields__},
        )
        verifier = SmtpVerifier(resolver, smtp, cache, clock=clock, rng=rng)
    return EmailFinder(
        knowledge,
        resolver=resolver,
        verifier=verifier,
        cache=cache,
        clock=clock,
        on_verified=on_verified,
    )
