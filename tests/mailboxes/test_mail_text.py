"""Reply text without the thread, return dates in four languages, and unsubscribe tokens."""

from __future__ import annotations

from datetime import date

import pytest

from backend.mailboxes.classify import classify
from backend.mailboxes.reply_text import reply_text
from backend.mailboxes.return_date import return_date
from backend.mailboxes.unsubscribe import read_unsubscribe_token
from backend.mailboxes.unsubscribe import unsubscribe_token
from backend.mailboxes.unsubscribe import unsubscribe_url

RECEIVED = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes!\n\nOn Tue, Dec 1, 2026 at 10:00 AM Riley <r@x.test> wrote:\n> Hi", "Yes!"),
        ("Yes!\nOn Tue, Dec 1, 2026 at 10:00 AM Riley <r@x.test>\nwrote:\n> Hi", "Yes!"),
        ("Ja.\n\nAm 01.12.2026 um 19:04 schrieb Riley <r@x.test>:\n> Hallo", "Ja."),
        ("Oui.\n\nLe mar. 1 déc. 2026 à 10:00, Riley <r@x.test> a écrit :\n> Bonjour", "Oui."),
        ("Sí.\n\nEl mar, 1 dic 2026 a las 10:00, Riley (<r@x.test>) escribió:\n> Hola", "Sí."),
        ("Sure.\n\n-----Original Message-----\nFrom: Riley\nSent: Tuesday", "Sure."),
        ("Sure.\n\nFrom: Riley <r@x.test>\nSent: 01 December 2026 18:09\nTo: me", "Sure."),
        ("Thanks\n-- \nJane Doe\nStaff Engineer", "Thanks"),
        ("Thanks\n\nSent from my iPhone", "Thanks"),
        ("Thanks\n\nVon meinem iPhone gesendet", "Thanks"),
        ("Prima.\n\nOp di 1 dec. 2026 om 10:00 schreef Riley <r@x.test>:\n> Hoi", "Prima."),
        (
            "Certo.\n\nIl giorno mar 1 dic 2026 alle 10:00 Riley <r@x.test> ha scritto:\n> Ciao",
            "Certo.",
        ),
        (
            "Claro.\n\nEm ter., 1 de dez. de 2026 às 10:00, Riley <r@x.test> escreveu:\n> Olá",
            "Claro.",
        ),
        ("Gärna.\n\nDen 1 dec. 2026 kl. 10:00 skrev Riley <r@x.test>:\n> Hej", "Gärna."),
        (
            "Graag.\n\nVan: Riley <r@x.test>\nVerzonden: dinsdag 1 december 2026 18:09\nAan: ik",
            "Graag.",
        ),
        ("Sì.\n\nDa: Riley <r@x.test>\nInviato: martedì 1 dicembre 2026 18:09\nA: me", "Sì."),
        (
            "Sim.\n\nDe: Riley <r@x.test>\nEnviada em: terça-feira, 1 de dezembro de 2026 18:09",
            "Sim.",
        ),
        ("Ok\n\n----- Messaggio originale -----\nDa: Riley", "Ok"),
        ("Ok\n\nVerstuurd vanaf mijn iPhone", "Ok"),
        ("Ok\n\nEnviado do meu iPhone", "Ok"),
        ("> quoted only first\n> more\n\nmy answer", ""),
        ("From: the start of my answer is a word\nand goes on", None),
    ],
)
def test_reply_text_drops_quoted_thread_and_signature(text: str, expected: str | None) -> None:
    assert reply_text(text) == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm out of the office until December 14th, 2026.", date(2026, 12, 14)),
        ("Back in the office on Monday 7 December 2026.", date(2026, 12, 7)),
        ("I am away until Monday.", date(2026, 12, 7)),
        ("Out from 3/12 to 15/12.", date(2026, 12, 15)),
        ("Returning 2026-12-10.", date(2026, 12, 10)),
        ("Ich bin bis einschließlich 11.12.2026 nicht im Büro.", date(2026, 12, 11)),
        ("Ab dem 7. Januar bin ich wieder erreichbar.", date(2027, 1, 7)),
        ("Ich bin ab Montag wieder da, also zurück am Montag.", date(2026, 12, 7)),
        ("Je serai de retour le lundi 14 décembre.", date(2026, 12, 14)),
        ("Absente jusqu'au 1er janvier 2027.", date(2027, 1, 1)),
        ("Estaré fuera hasta el 18 de diciembre de 2026.", date(2026, 12, 18)),
        ("Vuelvo el lunes.", date(2026, 12, 7)),
        ("Regresaré el jueves.", date(2026, 12, 3)),  # accented trigger words, folded
        ("Je suis absente jusqu'à vendredi.", date(2026, 12, 4)),
        ("Ik ben afwezig tot en met 18 december.", date(2026, 12, 18)),
        ("Vanaf maandag ben ik weer bereikbaar.", date(2026, 12, 7)),
        ("Sono fuori ufficio fino al 14 dicembre 2026.", date(2026, 12, 14)),
        ("Rientrerò lunedì.", date(2026, 12, 7)),
        ("Estou de férias até 21 de dezembro.", date(2026, 12, 21)),
        ("Volto na segunda-feira.", date(2026, 12, 7)),
        ("Jag är tillbaka måndag 7 december.", date(2026, 12, 7)),
        ("I am on leave. Call 555 1234 if urgent.", None),
        ("I left on 3 November 2026 and won't be back.", None),
        ("Back on 1 December 2028.", None),  # further than OOO_RETURN_MAX_AHEAD
    ],
)
def test_return_date_is_read_in_eight_languages(text: str, expected: date | None) -> None:
    assert return_date(text, RECEIVED) == expected


def test_unsubscribe_token_round_trips_and_resists_tampering() -> None:
    url = unsubscribe_url("https://sb.example.test/", "k1", 7, "Jane.Doe@Example.com")
    token = url.rsplit("/u/", 1)[1]
    assert url.startswith("https://sb.example.test/u/")
    assert read_unsubscribe_token("k1", token) == (7, "jane.doe@example.com")
    assert read_unsubscribe_token("another-key", token) is None
    forged = unsubscribe_token("k1", 8, "jane.doe@example.com")
    assert read_unsubscribe_token("k1", forged[:-2] + "xx") is None
    assert read_unsubscribe_token("k1", "x" * 5000) is None
    assert read_unsubscribe_token("k1", "garbage") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Ik moet me helaas afmelden voor het gesprek van morgen.", "reply"),  # calling it off
        ("Geen berichten meer over de oude rol, die is vervuld.", "reply"),
        ("Graag afmelden voor deze mails.", "unsubscribe"),
        ("Ik wil geen e-mails meer ontvangen.", "unsubscribe"),
    ],
)
def test_dutch_unsubscribe_wording_is_told_from_calling_something_off(text: str, kind: str) -> None:
    raw = (
        "From: Sanne <sanne@bedrijf.example>\r\nTo: recruiter@acme-recruiting.test\r\n"
        "Subject: Re: Hallo\r\nIn-Reply-To: <seq-1.step1@acme-recruiting.test>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text
    ).encode()
    assert classify(raw).kind == kind
