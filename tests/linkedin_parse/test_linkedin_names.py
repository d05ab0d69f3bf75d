"""Names: the full name as shown, given and family names by the conventions of the language."""

from __future__ import annotations

import pytest

from backend.linkedin_parse import parse_profile
from backend.linkedin_parse.names import join_name
from backend.linkedin_parse.names import language
from backend.linkedin_parse.names import split_name


@pytest.mark.parametrize(
    ("raw", "full", "first", "last"),
    [
        ("Jean-Luc van der Berg", "Jean-Luc van der Berg", "Jean-Luc", "van der Berg"),
        (
            "Dr. Amélie Laurent-Dubois, PhD, MBA",
            "Dr. Amélie Laurent-Dubois, PhD, MBA",
            "Amélie",
            "Laurent-Dubois",
        ),
        ("Prof. Dr. Hans Müller", "Prof. Dr. Hans Müller", "Hans", "Müller"),
        ("John Smith, CFP®, CFA", "John Smith, CFP, CFA", "John", "Smith"),
        ("Anne Müller MBA", "Anne Müller MBA", "Anne", "Müller"),
        ("Martin Luther King Jr.", "Martin Luther King Jr.", "Martin Luther", "King"),
        ("Mary Jane Watson", "Mary Jane Watson", "Mary Jane", "Watson"),
        ("John E. Smith", "John E. Smith", "John E.", "Smith"),
        ("Chloé Martin (elle)", "Chloé Martin", "Chloé", "Martin"),
        ("Lucía de la Vega", "Lucía de la Vega", "Lucía", "de la Vega"),
        ("Cher", "Cher", "Cher", None),
        ("Jane Doe · 3rd", "Jane Doe", "Jane", "Doe"),
        ("Jane🚀 Doe ✅", "Jane Doe", "Jane", "Doe"),
        ("Núria Col·lell", "Núria Col·lell", "Núria", "Col·lell"),
        ("Yuki Tanaka / 田中ゆき", "Yuki Tanaka", "Yuki", "Tanaka"),
        ("", None, None, None),
        ("🚀 ✅", None, None, None),
    ],
)
def test_full_name_is_shown_as_is_and_the_split_drops_titles_and_letters(raw, full, first, last):
    name = split_name(raw)
    assert (name.full, name.first, name.last) == (full, first, last)


@pytest.mark.parametrize(
    ("raw", "lang", "first", "last"),
    [
        ("María José García López", "es", "María José", "García López"),
        ("Gabriel García Márquez", "es-ES", "Gabriel", "García Márquez"),
        ("José Ortega y Gasset", "es", "José", "Ortega y Gasset"),
        ("Dra. Ana Belén Fernández de Córdoba", "es", "Ana Belén", "Fernández de Córdoba"),
        ("João Pedro Silva Santos", "pt-BR", "João Pedro", "Silva Santos"),
        ("Maria da Silva Santos", "pt", "Maria", "da Silva Santos"),
        ("Ana dos Santos", "pt", "Ana", "dos Santos"),
        ("Jordi Puig i Cadafalch", "ca", "Jordi", "Puig i Cadafalch"),
        ("Lucía de la Vega", "es", "Lucía", "de la Vega"),
        ("Pablo Ruiz", "es", "Pablo", "Ruiz"),
        # One family name where the language has one, particles included.
        ("Hans Peter Müller", "de", "Hans Peter", "Müller"),
        ("Ludwig van Beethoven", "de", "Ludwig", "van Beethoven"),
        ("Charles de Gaulle", "fr", "Charles", "de Gaulle"),
        ("Johannes van der Berg", "nl", "Johannes", "van der Berg"),
        ("Leonardo da Vinci", "it", "Leonardo", "da Vinci"),
    ],
)
def test_family_names_follow_the_conventions_of_the_language(raw, lang, first, last):
    name = split_name(raw, lang)
    assert (name.first, name.last) == (first, last)
    assert name.full == raw


def test_without_a_language_the_family_name_is_the_last_word_and_its_particles():
    assert split_name("María José García López").last == "López"
    assert split_name("Maria da Silva Santos").last == "Santos"


def test_language_tags_and_locales_give_their_primary_language():
    assert [language(t) for t in ("pt-BR", "es_ES", "ES", "fr", "", None, "x")] == [
        "pt",
        "es",
        "es",
        "fr",
        None,
        None,
        None,
    ]


def test_structured_first_and_last_names_keep_their_split_and_the_full_name_its_letters():
    name = join_name("María José", "García López, PhD")
    assert (name.full, name.first, name.last) == (
        "María José García López, PhD",
        "María José",
        "García López",
    )


def _page(lang: str, island: str = "", heading: str = "Experience") -> str:
    return f"""<!doctype html><html lang="{lang}"><body><main>
      <section class="artdeco-card"><h1 class="text-heading-xlarge">Carlos Alberto Méndez Ortiz</h1>
      </section><section class="artdeco-card"><div id="experience"></div>
      <h2>{heading}</h2></section>
      </main>{island}</body></html>"""


def test_the_profile_locale_beats_the_ui_language_and_the_ui_language_beats_nothing():
    url = "https://www.linkedin.com/in/carlos-mendez/"
    island = (
        '<code id="bpr-guid-1">{"included": [{"$type": "com.linkedin.voyager.dash.identity.'
        'profile.Profile", "publicIdentifier": "carlos-mendez", "primaryLocale": '
        '{"language": "es", "country": "MX"}}]}</code>'
    )
    assert parse_profile(_page("en", island), url).last_name == "Méndez Ortiz"  # profile locale
    assert parse_profile(_page("es"), url).last_name == "Méndez Ortiz"  # <html lang>
    body_only = _page("", heading="Experiencia").replace('<html lang="">', "<html>")
    assert parse_profile(body_only, url).last_name == "Méndez Ortiz"  # the page's heading
    assert parse_profile(_page("en"), url).last_name == "Ortiz"  # one family name in English
