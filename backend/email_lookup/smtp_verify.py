"""Mailbox verification over SMTP, without ever sending a message.

One lookup = a few short sessions to the domain's mail servers: EHLO, MAIL FROM, a catch-all probe
with a random local part kept per domain (so a greylisting retry presents the same triplet), then
up to `max_rcpts_per_session` RCPTs in descending order of likelihood, then QUIT. Never DATA,
VRFY or EXPN. Guard rails: at most one session per mail server at a time (in-process lock plus a
lease in the shared cache, so several workers agree), a pause between sessions to one server, a
circuit breaker after a block reply, a deadline for the whole lookup, and no connection to a
private, loopback or link-local address unless explicitly allowed.
"""

from __future__ import annotations

import logging
import random
import smtplib
import ssl
import string
import threading
import time
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from backend import defaults
from backend.email_lookup.dns_check import DomainResolver
from backend.email_lookup.dns_check import MailHosts
from backend.email_lookup.dns_check import is_public_ip
from backend.email_lookup.smtp_replies import Reply
from backend.email_lookup.smtp_replies import classify_reply

log = logging.getLogger(__name__)

# Outcome status of one candidate address.
EXISTS = "exists"
INVALID = "invalid"
UNKNOWN = "unknown"


@dataclass(slots=True)
class SmtpConfig:
    port: int = 25
    helo_name: str = "localhost"
    mail_from: str = "verify@localhost"
    allow_private: bool = False
    connect_timeout: float = defaults.SMTP_CONNECT_TIMEOUT.total_seconds()
    command_timeout: float = defaults.SMTP_TIMEOUT.total_seconds()
    session_budget: float = defaults.SMTP_SESSION_BUDGET.total_seconds()
    max_rcpts_per_session: int = defaults.SMTP_MAX_RCPTS_PER_SESSION
    max_candidates: int = defaults.SMTP_MAX_CANDIDATES
    max_sessions: int = defaults.SMTP_MAX_SESSIONS
    min_session_interval: float = defaults.SMTP_MIN_SESSION_INTERVAL.total_seconds()
    lock_wait: float = defaults.SMTP_MX_LOCK_WAIT.total_seconds()
    opportunistic_tls: bool = False  # STARTTLS when offered; otherwise only when required
    tls_context: ssl.SSLContext | None = None
    host_overrides: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass(slots=True)
class Outcome:
    address: str
    status: str  # exists | invalid | unknown
    reply: str | None = None  # Reply value
    code: int | None = None
    message: str = ""
    full: bool = False
    disabled: bool = False


@dataclass(slots=True)
class Verification:
    domain: str
    catch_all: bool | None = None
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    blocked: bool = False
    greylisted: bool = False
    retry_at: float | None = None
    mx_host: str | None = None
    sessions: int = 0
    detail: str = ""


def _no_tls_verify_context() -> ssl.SSLContext:
    # Opportunistic STARTTLS to someone else's MX (RFC 3207 practice): nothing secret is sent, so
    # an unverifiable certificate must not turn into "unknown".
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class _Gates:
    """Process-wide: one session per mail server at a time, and the time of its last session."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self.last_start: dict[str, float] = {}

    def lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())


GATES = _Gates()


class _Stop(Exception):
    """Stop the whole verification (block, greylisting, deadline)."""


class SmtpVerifier:
    def __init__(
        self,
        resolver: DomainResolver,
        config: SmtpConfig,
        cache: Any = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.resolver = resolver
        self.config = config
        self.cache = cache
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.SystemRandom()
        self.connections = 0  # TCP connections opened (tests read it)

    # -- shared state ----------------------------------------------------------------------------
    def _get(self, key: str) -> Any:
        return self.cache.get(key) if self.cache is not None else None

    def _set(self, key: str, value: Any, ttl: float) -> None:
        if self.cache is not None:
            self.cache.set(key, value, timeout=max(1, int(ttl)))

    def _delete(self, key: str) -> None:
        if self.cache is not None:
            self.cache.delete(key)

    def probe_local_part(self, domain: str) -> str:
        """The random catch-all probe for a domain, the same one until the catch-all TTL ends."""
        key = f"email:smtp:probe:{domain}"
        local = self._get(key)
        if not local:
            alphabet = string.ascii_lowercase + string.digits
            local = "".join(self.rng.choice(alphabet) for _ in range(20))
            self._set(key, local, defaults.SMTP_CATCH_ALL_TTL.total_seconds())
        return local

    def breaker_until(self, key: str) -> float | None:
        state = self._get(f"email:smtp:block:{key}")
        if state and state["until"] > self.clock():
            return state["until"]
        return None

    def _open_breaker(self, key: str) -> None:
        state = self._get(f"email:smtp:block:{key}") or {"strikes": 0}
        strikes = state["strikes"] + 1
        base = defaults.SMTP_BLOCK_COOLDOWN.total_seconds()
        cooldown = min(base * 2 ** (strikes - 1), defaults.SMTP_BLOCK_COOLDOWN_MAX.total_seconds())
        until = self.clock() + cooldown
        ttl = cooldown + defaults.SMTP_BLOCK_COOLDOWN_MAX.total_seconds()
        self._set(f"email:smtp:block:{key}", {"until": until, "strikes": strikes}, ttl)
        log.warning("SMTP circuit breaker open for %s until %s", key, time.ctime(until))

    def _schedule_retry(self, domain: str, result: Verification) -> None:
        key = f"email:smtp:greylist:{domain}"
        state = self._get(key) or {"attempt": 0}
        schedule = defaults.SMTP_GREYLIST_RETRY
        attempt = state["attempt"]
        result.greylisted = True
        if attempt >= len(schedule):
            result.retry_at = None
            result.detail = "mail server kept deferring; gave up retrying"
            return
        result.retry_at = self.clock() + schedule[attempt].total_seconds()
        ttl = sum(d.total_seconds() for d in schedule) * 2
        self._set(key, {"attempt": attempt + 1, "retry_at": result.retry_at}, ttl)
        result.detail = "mail server deferred (greylisting); retry scheduled"

    # -- the verification ------------------------------------------------------------------------
    def verify(
        self, domain: str, mail: MailHosts, candidates: Sequence[tuple[str, float]]
    ) -> Verification:
        """Test candidate addresses (address, prior score), best first, at `domain`."""
        result = Verification(domain)
        provider = mail.provider
        hosts = [h for _, h in mail.hosts]
        if provider != "other" and self.breaker_until(f"provider:{provider}"):
            result.blocked, result.detail = True, f"verification paused for {provider} (blocked)"
            return result
        if hosts and all(self.breaker_until(h) for h in hosts):
            result.blocked, result.detail = True, "verification paused: mail server blocked us"
            return result
        state = self._get(f"email:smtp:greylist:{domain}")
        if state and state.get("retry_at", 0) > self.clock():
            result.greylisted, result.retry_at = True, state["retry_at"]
            result.detail = "waiting to retry after greylisting"
            return result
        catch_all = self._get(f"email:smtp:catchall:{domain}")
        if catch_all is True:
            result.catch_all, result.detail = True, "domain accepts every address (cached)"
            return result
        result.catch_all = catch_all
        probe = None if catch_all is False else f"{self.probe_local_part(domain)}@{domain}"
        pending = list(candidates[: self.config.max_candidates])
        drops: dict[str, int] = {}
        deadline = time.monotonic() + self.config.session_budget
        try:
            while (probe or pending) and result.sessions < self.config.max_sessions:
                if time.monotonic() >= deadline:
                    result.detail = "verification ran out of time"
                    break
                probe = self._session(result, hosts, provider, probe, pending, drops, deadline)
        except _Stop:
            pass
        for address, _ in pending:
            result.outcomes.setdefault(address, Outcome(address, UNKNOWN, message="not tested"))
        if result.catch_all is not None:
            self._set(
                f"email:smtp:catchall:{domain}",
                result.catch_all,
                defaults.SMTP_CATCH_ALL_TTL.total_seconds(),
            )
        if not result.greylisted and any(o.status != UNKNOWN for o in result.outcomes.values()):
            self._delete(f"email:smtp:greylist:{domain}")
        return result

    def _session(
        self,
        result: Verification,
        hosts: list[str],
        provider: str,
        probe: str | None,
        pending: list[tuple[str, float]],
        drops: dict[str, int],
        deadline: float,
    ) -> str | None:
        """One SMTP session; returns the probe address if it still has to be sent."""
        cfg = self.config
        conn = self._connect(result, hosts, provider)
        if conn is None:
            raise _Stop
        smtp, host, release = conn
        result.sessions += 1
        result.mx_host = host
        try:
            smtp.ehlo()
            if cfg.opportunistic_tls and smtp.has_extn("starttls"):
                self._starttls(smtp)
            utf8 = bool(smtp.has_extn("smtputf8"))
            code, msg = self._mail_from(smtp, utf8)
            if code != 250:
                self._fatal_reply(result, host, provider, code, msg, "MAIL FROM")
            rcpts = 0
            # Greylisted: keep presenting the top candidates in this session, so that their
            # (client, sender, recipient) triplets age too, then stop and schedule the retry.
            deferred = False
            if probe:
                code, msg = smtp.rcpt(probe)
                rcpts += 1
                kind = classify_reply(code, msg, provider)
                if kind == Reply.ACCEPTED:
                    result.catch_all = True
                    result.detail = "domain accepts every address"
                    pending.clear()
                    return None
                if kind in (Reply.USER_UNKNOWN, Reply.DISABLED):
                    result.catch_all = False
                elif kind == Reply.SESSION_LIMIT:
                    return probe
                elif kind == Reply.BLOCKED:
                    self._fatal_reply(result, host, provider, code, msg, "probe", kind)
                elif kind == Reply.TEMPFAIL:
                    deferred = True
                if not deferred:
                    probe = None
            i = 0  # deferred candidates stay in place (and in order) for the retry
            while i < len(pending) and rcpts < cfg.max_rcpts_per_session:
                if time.monotonic() >= deadline:
                    result.detail = "verification ran out of time"
                    raise _Stop
                address, score = pending[i]
                if not address.isascii() and not utf8:
                    pending.pop(i)
                    result.outcomes[address] = Outcome(
                        address, UNKNOWN, message="server does not support SMTPUTF8"
                    )
                    continue
                try:
                    code, msg = smtp.rcpt(address)
                except smtplib.SMTPServerDisconnected as exc:
                    if "timed out" in str(exc):
                        raise TimeoutError from exc
                    drops[address] = drops.get(address, 0) + 1
                    if drops[address] > 1:  # dropped twice on the same address: give up on it
                        pending.pop(i)
                        result.outcomes[address] = Outcome(address, UNKNOWN, message="dropped")
                    return probe
                rcpts += 1
                kind = classify_reply(code, msg, provider)
                if kind == Reply.SESSION_LIMIT and not deferred:
                    return probe  # a new session for the rest
                if kind == Reply.BLOCKED:
                    self._fatal_reply(result, host, provider, code, msg, "RCPT", kind)
                if kind in (Reply.TEMPFAIL, Reply.SESSION_LIMIT):
                    deferred = True
                    i += 1
                    continue
                pending.pop(i)
                result.outcomes[address] = _outcome(address, kind, code, msg)
                if result.outcomes[address].status == EXISTS:
                    # Stop once the next candidate is far less likely than this accepted one.
                    rest = pending[i:]
                    if not rest or rest[0][1] <= 0.2 * score:
                        del pending[i:]
            if deferred:
                # Nothing to wait for once an address was already accepted.
                if not any(o.status == EXISTS for o in result.outcomes.values()):
                    self._schedule_retry(result.domain, result)
                raise _Stop
            return probe
        except (smtplib.SMTPServerDisconnected, ConnectionError) as exc:
            if "timed out" in str(exc):
                result.detail = f"mail server {host} timed out"
                raise _Stop from None
            log.info("SMTP session to %s dropped: %s", host, exc)
            return probe
        except TimeoutError:
            result.detail = f"mail server {host} timed out"
            raise _Stop from None
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            result.detail = f"SMTP error at {host}: {type(exc).__name__}"
            raise _Stop from None
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
            release()

    def _fatal_reply(
        self,
        result: Verification,
        host: str,
        provider: str,
        code: int,
        msg: bytes,
        step: str,
        kind: Reply | None = None,
    ) -> None:
        kind = kind or classify_reply(code, msg, provider)
        text = msg.decode("utf-8", "replace")[:200]
        if kind == Reply.BLOCKED:
            result.blocked = True
            result.detail = f"{host} blocked verification ({code})"
            self._open_breaker(host)
            if provider != "other":
                self._open_breaker(f"provider:{provider}")
        elif kind in (Reply.TEMPFAIL, Reply.SESSION_LIMIT):
            self._schedule_retry(result.domain, result)
        else:
            result.detail = f"{host} refused {step}: {code} {text}"
        raise _Stop

    def _mail_from(self, smtp: smtplib.SMTP, utf8: bool) -> tuple[int, bytes]:
        options = ["SMTPUTF8"] if utf8 else []
        code, msg = smtp.mail(self.config.mail_from, options)
        if code == 530 and smtp.has_extn("starttls") and not isinstance(smtp.sock, ssl.SSLSocket):
            self._starttls(smtp)  # 530 5.7.0: this server requires TLS first
            code, msg = smtp.mail(self.config.mail_from, options)
        return code, msg

    def _starttls(self, smtp: smtplib.SMTP) -> None:
        smtp.starttls(context=self.config.tls_context or _no_tls_verify_context())
        smtp.ehlo()

    def _connect(
        self, result: Verification, hosts: list[str], provider: str
    ) -> tuple[smtplib.SMTP, str, Callable[[], None]] | None:
        """Connect to the first mail server that answers, in preference order (failover)."""
        cfg = self.config
        notes: list[str] = []
        for host in hosts:
            if self.breaker_until(host):
                notes.append(f"{host} paused")
                continue
            if host in cfg.host_overrides:
                targets = [cfg.host_overrides[host]]
            else:
                targets = [(ip, cfg.port) for ip in self.resolver.host_addresses(host)[:2]]
            if not targets:
                notes.append(f"{host} has no address")
            for ip, port in targets:
                if not cfg.allow_private and not is_public_ip(ip):
                    notes.append(f"{host} is on a private address")
                    continue
                release = self._acquire(host)
                if release is None:
                    notes.append(f"{host} busy")
                    continue
                smtp = smtplib.SMTP(local_hostname=cfg.helo_name, timeout=cfg.connect_timeout)
                try:
                    self.connections += 1
                    code, msg = smtp.connect(ip, port)
                except (OSError, smtplib.SMTPException) as exc:
                    release()
                    smtp.close()
                    notes.append(f"{host} unreachable ({type(exc).__name__})")
                    continue
                if code != 220:
                    smtp.close()
                    release()
                    if classify_reply(code, msg, provider) == Reply.BLOCKED:
                        result.blocked = True
                        result.detail = f"{host} blocked verification ({code})"
                        self._open_breaker(host)
                        if provider != "other":
                            self._open_breaker(f"provider:{provider}")
                        return None
                    notes.append(f"{host} greeted {code}")
                    continue
                smtp._host = host  # STARTTLS checks the certificate against the MX name
                if smtp.sock is not None:
                    smtp.sock.settimeout(cfg.command_timeout)
                return smtp, host, release
        result.detail = "no mail server reachable: " + "; ".join(notes or ["no hosts"])
        return None

    def _acquire(self, host: str) -> Callable[[], None] | None:
        """Hold the right to talk to `host`: in-process lock, cross-process lease, pacing."""
        cfg = self.config
        lock = GATES.lock(host)
        if not lock.acquire(timeout=cfg.lock_wait):
            return None
        lease_key = f"email:smtp:lease:{host}"
        lease_ttl = cfg.session_budget + cfg.connect_timeout
        end = time.monotonic() + cfg.lock_wait
        while self.cache is not None and not self.cache.add(lease_key, 1, timeout=int(lease_ttl)):
            if time.monotonic() >= end:
                lock.release()
                return None
            self.sleep(0.05)
        wait = GATES.last_start.get(host, 0.0) + cfg.min_session_interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        GATES.last_start[host] = time.monotonic()

        def release() -> None:
            if self.cache is not None:
                self.cache.delete(lease_key)
            lock.release()

        return release


def _outcome(address: str, kind: Reply, code: int, msg: bytes) -> Outcome:
    text = msg.decode("utf-8", "replace")[:200]
    if kind in (Reply.ACCEPTED, Reply.EXISTS_RATE_LIMITED):
        return Outcome(address, EXISTS, kind.value, code, text)
    if kind == Reply.FULL:
        return Outcome(address, EXISTS, kind.value, code, text, full=True)
    if kind == Reply.USER_UNKNOWN:
        return Outcome(address, INVALID, kind.value, code, text)
    if kind == Reply.DISABLED:
        return Outcome(address, INVALID, kind.value, code, text, disabled=True)
    return Outcome(address, UNKNOWN, kind.value, code, text)
