"""Step templates: values, fallbacks, missing values, the sandbox."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from backend.sequences.templates import MissingValue
from backend.sequences.templates import TemplateError
from backend.sequences.templates import check_template
from backend.sequences.templates import contact_values
from backend.sequences.templates import render
from backend.sequences.templates import render_email

ADA = contact_values(
    SimpleNamespace(first_name="Ada", last_name="Lovelace", company="Analytical", title="Engineer"),
    "Grace Hopper",
)


def test_values_fill_the_template() -> None:
    text = render(
        "Hi {{ first_name }} {{ last_name }} ({{ title }} at {{ company }})"
        " - {{ sender_first_name }}",
        ADA,
    )
    assert text == "Hi Ada Lovelace (Engineer at Analytical) - Grace"


def test_a_fallback_replaces_a_missing_or_blank_value() -> None:
    assert render('Hi {{ first_name | default("there") }},', {"first_name": None}) == "Hi there,"
    assert render('Hi {{ first_name | default("there") }},', {"first_name": "  "}) == "Hi there,"
    assert render('Hi {{ first_name | default("there") }},', ADA) == "Hi Ada,"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("Hi {{ first_name }},", "no first name"),
        ("At {{ company }}", "no company"),
        ("{{ title | upper }}", "no title"),
    ],
)
def test_a_missing_value_without_fallback_names_what_is_missing(source: str, reason: str) -> None:
    with pytest.raises(MissingValue) as caught:
        render(source, {"first_name": "", "company": None})
    assert caught.value.reason == reason


def test_subject_whitespace_is_collapsed_and_the_body_kept() -> None:
    rendered = render_email("Hello\n {{ first_name }}", "Line 1\n\nLine 2\n", ADA)
    assert rendered.subject == "Hello Ada"
    assert rendered.body == "Line 1\n\nLine 2\n"


@pytest.mark.parametrize(
    "source",
    [
        "{{ first_name",
        "{{ password }}",
        "{{ ''.__class__ }}x",
        "x" * 20_001,
    ],
)
def test_bad_templates_are_refused_when_saved(source: str) -> None:
    with pytest.raises(TemplateError):
        check_template(source)


def test_the_sandbox_blocks_reaching_into_python() -> None:
    with pytest.raises(TemplateError):
        render("{{ first_name.__class__.__mro__ }}", ADA)


def test_html_in_values_is_kept_as_text_not_markup() -> None:
    assert render("{{ company }}", {"company": "<b>Acme</b>"}) == "<b>Acme</b>"
