"""Mail domains: clean a given domain, recognise free-mail/disposable ones, and guess a company's
domain from its name (pure; the DNS check of a guess is the finder's job)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from backend.email_lookup.names import ascii_fold

_DATA = Path(__file__).with_name("data")


def _load(name: str) -> frozenset[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


@lru_cache(maxsize=1)
def freemail_domains() -> frozenset[str]:
    return _load("freemail.txt")


@lru_cache(maxsize=1)
def disposable_domains() -> frozenset[str]:
    return _load("disposable.txt")


def is_personal_domain(domain: str) -> bool:
    """Free-mail or disposable: never a person's work domain."""
    d = domain.lower().rstrip(".")
    return d in freemail_domains() or d in disposable_domains()


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def clean_domain(text: str) -> str | None:
    """`https://www.Acme.com/about`, `jane@acme.com` or `Acme.COM.` -> `acme.com` (IDNA-encoded);
    None if it is not a plausible domain name. Subdomains other than www stay: a mail domain can
    be regional (us.ibm.com)."""
    d = text.strip().lower()
    if "@" in d:
        d = d.rsplit("@", 1)[1]
    d = re.sub(r"^[a-z][a-z0-9+.-]*://", "", d)
    d = d.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    d = d.rsplit(":", 1)[0] if d.count(":") == 1 else d
    d = d.strip(".")
    if d.startswith("www."):
        d = d[4:]
    try:
        d = d.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = d.split(".")
    if len(labels) < 2 or len(d) > 253 or not all(_LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit():
        return None  # an IP address is not a mail domain
    return d


# Legal forms and filler words dropped from a company name before guessing its domain.
_LEGAL = frozenset(
    "inc incorporated llc llp lp ltd limited plc corp corporation co company gmbh mbh ag kg se "
    "sa sas sarl srl spa bv nv ab as asa oy oyj aps kk pty pte pvt sl sc group holding holdings "
    "the".split()
)
# Country-code endings tried after .com, .io and .co when the company gives no hint.
_GUESS_TLDS = ("com", "io", "co", "ai", "de", "co.uk", "net")


def company_base(name: str) -> list[str]:
    """Words of a company name without legal forms: "Acme Holdings GmbH & Co. KG" -> [acme]."""
    text = ascii_fold(name).replace("&", " and ")
    text = re.sub(r"\(.*?\)", " ", text)
    words = re.findall(r"[a-z0-9]+", text)
    while words and words[-1] in _LEGAL | {"and"}:
        words.pop()
    words = [w for w in words if w not in ("the",)]
    return words


def guess_domains(company: str, limit: int) -> list[str]:
    """Likely web/mail domains for a company name, most likely first (checked by DNS later)."""
    words = company_base(company)
    if not words:
        return []
    slugs = ["".join(words)]
    if len(words) > 1:
        slugs += ["-".join(words), "".join(w for w in words if w != "and")]
        if words[0] not in ("and",) and len(words[0]) > 2:
            slugs.append(words[0])
    out: list[str] = []
    for tld in _GUESS_TLDS:
        for slug in dict.fromkeys(slugs):
            d = clean_domain(f"{slug}.{tld}")
            if d and d not in out and not is_personal_domain(d):
                out.append(d)
    # Interleave: every slug with .com first, then the other endings.
    out.sort(key=lambda d: (_GUESS_TLDS.index(d.split(".", 1)[1]), slugs.index(d.split(".")[0])))
    return out[:limit]


def company_key(company: str | None) -> str | None:
    """ "ACME Holdings GmbH" -> "acme": one company however it is written (None: no name left).

    The one reading of a company name: the email finder's cache and knowledge, the duplicate
    check's name+company match and the stored `company_key` columns all use it.
    """
    return " ".join(company_base(company or "")) or None
