"""allauth's account forms with the forum's wording and accessible errors (ACCOUNT_FORMS in settings).

allauth labels its fields in Title Case ("Current Password") and repeats each label as a placeholder; our
labels are always shown, so a placeholder would only repeat them and vanish as soon as someone types.
"""

from allauth.account import forms as allauth

from core.forms import AccessibleFormMixin

# One wording for each field, whichever form it is in.
LABELS = {
    "login": "Username or email",
    "email": "Email address",
    "password": "Password",
    "remember": "Keep me signed in on this device",
    "oldpassword": "Current password",
}


class PlainWordingMixin(AccessibleFormMixin):
    """Sentence-case labels and no placeholders; `labels` names what differs from LABELS in one form."""

    labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = self.labels.get(name) or LABELS.get(name) or field.label
            field.widget.attrs.pop("placeholder", None)
        # allauth puts a reset link in the password's help text; our pages link "Forgot your password?"
        # below the form instead, so the password box is not described by a link.
        for name in ("password", "oldpassword"):
            if name in self.fields:
                self.fields[name].help_text = ""


class LoginForm(PlainWordingMixin, allauth.LoginForm):
    pass


class AddEmailForm(PlainWordingMixin, allauth.AddEmailForm):
    labels = {"email": "New email address"}


class ChangePasswordForm(PlainWordingMixin, allauth.ChangePasswordForm):
    labels = {"password1": "New password", "password2": "New password, again"}


class SetPasswordForm(PlainWordingMixin, allauth.SetPasswordForm):
    labels = {"password1": "Password", "password2": "Password, again"}


class ResetPasswordForm(PlainWordingMixin, allauth.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(PlainWordingMixin, allauth.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "New password, again"}


class ReauthenticateForm(PlainWordingMixin, allauth.ReauthenticateForm):
    pass
