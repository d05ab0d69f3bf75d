"""A reply's own words: the text above the quoted thread, without the signature (pure).

Covers the quote headers of the usual clients in English, German, French, Spanish, Dutch,
Italian, Portuguese and Swedish ("On … wrote:", "Am … schrieb …:", "Le … a écrit :", "El …
escribió:", "Op … schreef …:", "Il … ha scritto:", "Em … escreveu:", "Den … skrev …:"), Outlook's
"-----Original Message-----" and "From: / Sent:" blocks in those languages, `>` quoting, the `-- `
signature delimiter and "Sent from my phone" lines.
"""

from __future__ import annotations

import re

from backend import defaults

# "<intro> … <date and sender> wrote:", by language; also matched joined to the next line,
# where clients wrap a long sender.
_WROTE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\s*on\b.{0,300}\bwrote:\s*$",
        r"^\s*am\b.{0,300}\bschrieb\b.{0,200}:\s*$",
        r"^\s*le\b.{0,300}\ba écrit\s*:\s*$",
        r"^\s*el\b.{0,300}\bescribió\s*:\s*$",
        r"^\s*op\b.{0,300}\bschreef\b.{0,200}:\s*$",
        r"^\s*il\b.{0,300}\bha scritto\s*:\s*$",
        r"^\s*em\b.{0,300}\bescreveu\s*:\s*$",
        r"^\s*den\b.{0,300}\bskrev\b.{0,200}:\s*$",
    )
]
_WRAPPED_START = re.compile(r"(?i)^\s*(on|am|le|el|op|il|em|den)\b")
# A line that starts the quoted history; everything from it on is dropped.
_SEPARATORS = [
    re.compile(
        r"^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|"
        r"mensaje original|oorspronkelijk bericht|messaggio originale|mensagem original|"
        r"ursprungligt meddelande|forwarded message|weitergeleitete nachricht|message transféré|"
        r"mensaje reenviado|doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada|"
        r"vidarebefordrat meddelande)\s*-{2,}\s*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*_{8,}\s*$"),
]
# Outlook without a separator: "From: x" followed within three lines by "Sent:"/"Date:".
_FROM_LINE = re.compile(r"^\s*\*?(from|von|de|van|da|från)\s*:\*?\s", re.IGNORECASE)
_SENT_LINE = re.compile(
    r"^\s*\*?(sent|date|gesendet|datum|envoyé|date d'envoi|enviado|enviada|fecha|verzonden|"
    r"inviato|data|skickat)\b[^:]{0,12}:",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^(-- ?|--)\s*$")
_MOBILE = re.compile(
    r"^\s*(sent from my|get outlook for|von meinem .* gesendet|envoyé de mon|enviado desde mi|"
    r"verzonden (vanaf|met) mijn|verstuurd vanaf mijn|inviato da|enviado do meu|"
    r"skickat från min)",
    re.IGNORECASE,
)
_MAYBE = re.compile(  # cheap pre-filter
    r"(?i)^\s*(on|am|le|el|op|il|em|den|-|_|\*?from|\*?von|\*?de|\*?van|\*?da|\*?från)"
)


def _starts_quote(lines: list[str], i: int) -> bool:
    line = lines[i]
    if line.lstrip().startswith(">"):
        return all(not ln.strip() or ln.lstrip().startswith(">") for ln in lines[i : i + 3])
    if not _MAYBE.match(line):
        return False
    if any(p.match(line) for p in _WROTE) or any(p.match(line) for p in _SEPARATORS):
        return True
    # "On Tue, 1 Dec 2026 at 10:00, Jane Doe <jane@x>" + "wrote:" wrapped onto the next line
    if i + 1 < len(lines) and _WRAPPED_START.match(line):
        joined = f"{line} {lines[i + 1]}"
        if any(p.match(joined) for p in _WROTE):
            return True
    if _FROM_LINE.match(line):
        return any(_SENT_LINE.match(lines[j]) for j in range(i + 1, min(i + 4, len(lines))))
    return False


def reply_text(text: str) -> str:
    """The new text of a reply, stripped of quoted history and signature, capped in size."""
    # the reply's own words come first: what lies past the scan limit is quoted history
    text = text[: defaults.MAIL_REPLY_SCAN_CHARS]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _starts_quote(lines, i) or _SIGNATURE.match(line) or _MOBILE.match(line):
            break
        kept.append(line.rstrip())
    trimmed = "\n".join(kept).strip()
    trimmed = re.sub(r"\n{3,}", "\n\n", trimmed)
    return trimmed[: defaults.MAIL_REPLY_TEXT_MAX_CHARS]
