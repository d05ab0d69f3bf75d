"""Step templates: `{{ first_name }}`, `{{ company | default("there") }}` in a sandbox.

A value that is missing (or blank) and has no fallback is an error naming it ("no first name"),
never "Hi ,": the enrollment pauses with that reason. Templates are plain text; nothing rendered
here is ever treated as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import Protocol

from jinja2 import StrictUndefined
from jinja2 import TemplateSyntaxError
from jinja2 import Undefined
from jinja2 import UndefinedError
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment
from jinja2.sandbox import SecurityError

from backend import defaults

FIELDS = ("first_name", "last_name", "company", "title", "sender_first_name", "sender_name")
"""The values a template may use."""

FIELD_WORDS = {
    "first_name": "first name",
    "last_name": "last name",
    "company": "company",
    "title": "title",
    "sender_first_name": "sender first name",
    "sender_name": "sender name",
}


class TemplateError(ValueError):
    """A template that cannot be saved (bad syntax, unknown value) or rendered."""

    @property
    def reason(self) -> str:
        """Why, in the words a paused enrollment or a preview shows (as `MissingValue`'s)."""
        return str(self)


class MissingValue(Exception):
    """A value the template needs is missing and has no fallback."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.reason = f"no {FIELD_WORDS.get(name, name)}"
        super().__init__(self.reason)


def _default(value: Any, fallback: Any = "", boolean: bool = True) -> Any:
    """`default` that also replaces blank strings: an empty first name wants the fallback."""
    if isinstance(value, Undefined) or value is None:
        return fallback
    if boolean and isinstance(value, str) and not value.strip():
        return fallback
    return value


_MISSING = Undefined.__init__.__defaults__[1]  # jinja's marker for "no such variable"


class _Blank(StrictUndefined):
    """Raised on use, naming the value (StrictUndefined's own message says "undefined")."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        if self._undefined_exception is SecurityError or self._undefined_obj is not _MISSING:
            raise TemplateError(f"not allowed in a template: {self._undefined_hint or 'that'}")
        raise MissingValue(self._undefined_name or "value")

    __str__ = _fail_with_undefined_error  # type: ignore[assignment]


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=_Blank, autoescape=False, keep_trailing_newline=True)
    env.filters["default"] = _default
    env.filters["d"] = _default
    return env


_ENV = _environment()


def check_template(source: str) -> None:
    """Refuse a template that cannot render: bad syntax, unknown names, too long."""
    if len(source) > defaults.TEMPLATE_MAX_CHARS:
        raise TemplateError(f"longer than {defaults.TEMPLATE_MAX_CHARS} characters")
    try:
        parsed = _ENV.parse(source)
    except TemplateSyntaxError as error:
        raise TemplateError(f"line {error.lineno}: {error.message}") from None
    unknown = meta.find_undeclared_variables(parsed) - set(FIELDS)
    if unknown:
        raise TemplateError(f"unknown value {', '.join(sorted(unknown))}; use {', '.join(FIELDS)}")
    render(source, dict.fromkeys(FIELDS, "Sample"))  # attribute tricks fail here, not at send


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def _values(values: dict[str, Any]) -> dict[str, Any]:
    """Blank values are left out, so they count as missing rather than rendering as ''."""
    return {
        name: value.strip() if isinstance(value, str) else value
        for name, value in values.items()
        if name in FIELDS and value is not None and (not isinstance(value, str) or value.strip())
    }


def render(source: str, values: dict[str, Any]) -> str:
    """Render one template; raises MissingValue naming the first value it lacked."""
    try:
        text = _ENV.from_string(source).render(_values(values))
    except (MissingValue, TemplateError):
        raise
    except UndefinedError as error:  # attribute access on a missing value
        raise MissingValue(str(error).split("'")[1] if "'" in str(error) else "value") from None
    except SecurityError as error:
        raise TemplateError(f"not allowed in a template: {error}") from None
    if len(text) > defaults.TEMPLATE_MAX_OUTPUT_CHARS:
        raise TemplateError("renders longer than an email should be")
    return text


def render_email(subject: str, body: str, values: dict[str, Any]) -> Rendered:
    return Rendered(subject=" ".join(render(subject, values).split()), body=render(body, values))


class Recipient(Protocol):
    """What a template reads of a contact (a `store.models.Contact`)."""

    first_name: str | None
    last_name: str | None
    company: str | None
    title: str | None


def contact_values(contact: Recipient, sender_name: str | None) -> dict[str, Any]:
    """The values a template may use, for this contact and sender."""
    sender_first = (sender_name or "").split()[0] if (sender_name or "").strip() else None
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "company": contact.company,
        "title": contact.title,
        "sender_first_name": sender_first,
        "sender_name": sender_name,
    }
