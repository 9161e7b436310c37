"""The pages' forms. They check the shape of what was sent; the rules themselves (how long a
post may be, what a username may hold) live in the services the views call."""

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from chirvir.accounts import services as accounts
from chirvir.media import images
from chirvir.media import services as media
from chirvir.polls import services as polls
from chirvir.signins.forms import ThrottledAuthenticationForm
from chirvir.statuses.models import Visibility

VISIBILITIES = [
    (Visibility.PUBLIC, _("Public: everyone")),
    (Visibility.UNLISTED, _("Quiet public: not on the public timeline")),
    (Visibility.PRIVATE, _("Followers only")),
    (Visibility.DIRECT, _("Only the people mentioned")),
]


# The lengths the composer offers, within chirvir.polls' limits.
POLL_LENGTHS = [
    (300, _("5 minutes")),
    (1800, _("30 minutes")),
    (3600, _("1 hour")),
    (21600, _("6 hours")),
    (86400, _("1 day")),
    (259200, _("3 days")),
    (604800, _("7 days")),
]


def _poll_option() -> forms.CharField:
    # Its label ("Option 1"...) is the template's, which numbers them.
    return forms.CharField(
        required=False,
        max_length=polls.MAX_OPTION_CHARS * 4,
        widget=forms.TextInput(attrs={"dir": "auto"}),  # no maxlength: a browser counts UTF-16, the rule graphemes
    )


class ComposeForm(forms.Form):
    status = forms.CharField(
        label=_("What are you doing?"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "id": "compose-text", "data-counter": "compose-count"}),
        # The limit is checked by the post's own rule (it counts as twitter-text does); this only
        # keeps a pasted book out. That rule also says when a post is empty (none is, with media).
        max_length=5000,
        strip=False,
        required=False,
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=VISIBILITIES, initial=Visibility.PUBLIC, required=False)
    in_reply_to_id = forms.CharField(required=False, widget=forms.HiddenInput)
    quoted_status_id = forms.CharField(required=False, widget=forms.HiddenInput)
    # Checked by its bytes by chirvir.media; `accept` only helps the file picker.
    media = forms.FileField(
        label=_("Picture or video"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ",".join(media.supported_mime_types())}),
    )
    description = forms.CharField(
        label=_("Describe it for people who cannot see it"),
        required=False,
        max_length=1500,
        widget=forms.TextInput(attrs={"dir": "auto", "maxlength": 1500}),
    )
    # An optional poll: its rules are chirvir.polls' (these fields only keep a pasted book out).
    poll_option_1, poll_option_2, poll_option_3, poll_option_4 = (_poll_option() for _n in range(polls.MAX_OPTIONS))
    poll_expires_in = forms.TypedChoiceField(
        label=_("Poll length"), choices=POLL_LENGTHS, coerce=int, initial=86400, required=False
    )
    poll_multiple = forms.BooleanField(label=_("Allow several choices"), required=False)
    poll_hide_totals = forms.BooleanField(label=_("Hide the results until the poll ends"), required=False)

    @property
    def poll_options(self):
        return [self[f"poll_option_{n}"] for n in range(1, polls.MAX_OPTIONS + 1)]


class MessageForm(forms.Form):
    to = forms.CharField(
        label=_("To"), max_length=accounts.MAX_USERNAME + 1, widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"})
    )
    status = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "id": "compose-text", "data-counter": "compose-count"}),
        max_length=5000,
        strip=False,
    )


class SignupForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=accounts.MAX_USERNAME,
        help_text=_("Letters, digits and underscores; people will mention you as @username."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "dir": "ltr", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Optional; needed only to reset a forgotten password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    # Filled by the page's script from the browser (Intl); settings change it later.
    time_zone = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name"), required=False, max_length=accounts.MAX_DISPLAY_NAME, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    note = forms.CharField(
        label=_("Bio"), required=False, max_length=accounts.MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )
    location = forms.CharField(
        label=_("Location"), required=False, max_length=accounts.MAX_LOCATION, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    website = forms.CharField(
        label=_("Website"), required=False, max_length=accounts.MAX_WEBSITE, widget=forms.URLInput(attrs={"dir": "ltr"})
    )
    # Plain file fields: whether a file is an image, and which, is the image module's rule alone.
    avatar = forms.FileField(
        label=_("Picture"), required=False, widget=forms.FileInput(attrs={"accept": images.ACCEPT})
    )
    header = forms.FileField(
        label=_("Header image"), required=False, widget=forms.FileInput(attrs={"accept": images.ACCEPT})
    )


class PrivacyForm(forms.Form):
    locked = forms.BooleanField(
        label=_("Protect my posts"),
        required=False,
        help_text=_("Only followers you approve will see your posts."),
    )


# What a mute may last, in seconds (0: until unmuted), as the block-and-mute menus offer it.
MUTE_DURATIONS = {
    "3600": _("for 1 hour"),
    "86400": _("for 1 day"),
    "604800": _("for 1 week"),
    "0": _("forever"),
}


def language_choices() -> list[tuple[str, str]]:
    """Each language in its own name, as a person looking for theirs will read it."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Interface language"), choices=(), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As my browser asks"))] + language_choices()
        zones = [(zone, zone) for zone in sorted(accounts.time_zones())]
        self.fields["time_zone"].choices = [("", _("Universal time (UTC)")), *zones]


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}))


def _sign_out_apps():
    return forms.BooleanField(
        label=_("Also sign out every app that uses my account"),
        required=False,
        help_text=_("The other browsers signed in to your account are logged out in any case."),
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form without the autofocus it puts on the old password: that field sits at the
    foot of the settings page, and focusing it would open the page scrolled down to it."""

    sign_out_apps = _sign_out_apps()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """A new password from a reset link, with the choice to sign out every app too."""

    sign_out_apps = _sign_out_apps()


class LoginForm(ThrottledAuthenticationForm):
    """Django's log-in form in our words: its error says both fields may be case-sensitive, but
    usernames here are not, and it names the username field in a sentence of its own."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "Wrong username or password. Capital letters count in the password, not in the username."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")


class ListForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, widget=forms.TextInput(attrs={"dir": "auto"}))
    replies_policy = forms.ChoiceField(
        label=_("Replies shown"),
        choices=[
            ("list", _("Replies to members of the list")),
            ("followed", _("Replies to anyone you follow")),
            ("none", _("No replies")),
        ],
        initial="list",
    )
    exclusive = forms.BooleanField(label=_("Leave the members' posts out of Home"), required=False)
    public = forms.BooleanField(label=_("Public: show it on your profile and let others subscribe"), required=False)


FILTER_CONTEXTS = [
    ("home", _("Home and lists")),
    ("notifications", _("Notifications")),
    ("public", _("Public timelines")),
    ("thread", _("Threads")),
    ("account", _("Profiles")),
]
FILTER_ACTIONS = [("warn", _("Collapse, with a warning")), ("blur", _("Blur the media")), ("hide", _("Hide"))]
# How long a filter lasts, in seconds ("" keeps it for ever; an edit that leaves it so keeps it for ever too).
FILTER_DURATIONS = [
    ("", _("Never")), ("86400", _("In a day")), ("604800", _("In a week")), ("2592000", _("In a month"))
]


class FilterForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=256, widget=forms.TextInput(attrs={"dir": "auto"}))
    keywords = forms.CharField(
        label=_("Words, one a line"), required=False, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )
    whole_word = forms.BooleanField(label=_("Whole words only"), required=False, initial=True)
    context = forms.MultipleChoiceField(
        label=_("Where"), choices=FILTER_CONTEXTS, widget=forms.CheckboxSelectMultiple, initial=["home"]
    )
    filter_action = forms.ChoiceField(label=_("What it does"), choices=FILTER_ACTIONS, initial="warn")
    expires_in = forms.ChoiceField(label=_("Ends"), choices=FILTER_DURATIONS, required=False)
