"""The web app's forms (WTForms). CSRF is checked for every web POST in `__init__`, not here."""

from __future__ import annotations

from wtforms import BooleanField
from wtforms import Form
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import PasswordField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp

from backend import defaults
from backend.accounts.users import EMAIL_RE

PASSWORD_RULE = Length(
    min=defaults.PASSWORD_MIN_LENGTH,
    max=defaults.PASSWORD_MAX_LENGTH,
    message=f"Use at least {defaults.PASSWORD_MIN_LENGTH} characters.",
)
# The same rule as `sourcebridge users create` (no DNS lookups while a form is checked).
EMAIL_SHAPE = Regexp(EMAIL_RE, message="Enter an email address like name@example.com.")
EMAIL_RULES = [DataRequired(message="Enter your email address."), EMAIL_SHAPE, Length(max=320)]


class WebForm(Form):
    """A form whose `form_errors` (not tied to one field) show in the error summary too."""

    def add_error(self, field_name: str, message: str) -> None:
        field = getattr(self, field_name, None)
        if field is None:
            self.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.form_errors)


class LoginForm(WebForm):
    email = StringField("Email", validators=EMAIL_RULES, render_kw={"autocomplete": "username"})
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class AcceptInviteForm(WebForm):
    email = StringField("Email", validators=EMAIL_RULES, render_kw={"autocomplete": "username"})
    name = StringField(
        "Your name",
        validators=[DataRequired(message="Enter your name."), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    new_password = PasswordField(
        "Password",
        validators=[DataRequired(message="Choose a password."), PASSWORD_RULE],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Password again",
        validators=[EqualTo("new_password", message="The two passwords are not the same.")],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(WebForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(message="Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(message="Choose a new password."), PASSWORD_RULE],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("new_password", message="The two passwords are not the same.")],
        render_kw={"autocomplete": "new-password"},
    )


ROLE_CHOICES = [SelectChoice("member", "Member"), SelectChoice("admin", "Admin")]


class InviteForm(WebForm):
    email = StringField(
        "Teammate's email",
        validators=[
            DataRequired(message="Enter your teammate's email address."),
            EMAIL_SHAPE,
        ],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default="member")


class RoleForm(WebForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


SYNC_MODE_CHOICES = [
    SelectChoice("off", "Off"),
    SelectChoice("on_add", "Sync contacts when added to a sequence"),
    SelectChoice("on_reply", "Sync contacts only when they reply back"),
]
NOTE_VISIBILITY_CHOICES = [
    SelectChoice("private", "Private (default)"),
    SelectChoice("admin_only", "Admins only"),
    SelectChoice("public", "Public"),
]


class ConnectionForm(WebForm):
    client_id = StringField(
        "Client ID",
        validators=[
            DataRequired(message="Enter the client ID from Greenhouse Dev Center."),
            Length(max=200),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    client_secret = PasswordField(
        "Client secret",
        validators=[Optional(), Length(max=500)],
        render_kw={"autocomplete": "off"},
    )
    user_id = IntegerField(
        "Greenhouse user ID the calls act as",
        validators=[DataRequired(message="Enter the Greenhouse user ID (a number).")],
    )


class SyncSettingsForm(WebForm):
    sync_mode = RadioField(
        "Sync contacts to Greenhouse", choices=SYNC_MODE_CHOICES, default="on_add"
    )
    dedupe = BooleanField("Deduplication")
    activity_tracking = BooleanField("Activity Tracking")
    note_visibility = RadioField("Who can see synced emails", choices=NOTE_VISIBILITY_CHOICES)
    match_linkedin_url = BooleanField("Also match people by their LinkedIn URL")
    convert_on_reply = BooleanField("Make prospects candidates when they reply")
