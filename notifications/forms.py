"""The email settings form, shown on the member's settings page (templates/accounts/settings.html, through
the notification_tags template tag) and saved by notifications.views.email_settings."""

from zoneinfo import available_timezones

from django import forms

from core.forms import AccessibleFormMixin
from notifications.models import EmailPreference

HOURS = [("", "No quiet hours")] + [(str(h), f"{h:02d}:00") for h in range(24)]
# Europe/London first (the forum's home), UTC, then the named zones ("Region/City") in alphabetical order.
ZONES = [("Europe/London", "Europe/London"), ("UTC", "UTC")] + [
    (z, z)
    for z in sorted(available_timezones())
    if "/" in z and z != "Europe/London" and not z.startswith(("Etc/", "posix/", "right/", "SystemV/"))
]


class EmailPreferenceForm(AccessibleFormMixin, forms.Form):
    frequency = forms.ChoiceField(
        label="Email me about my notifications",
        choices=EmailPreference.Frequency.choices,
        widget=forms.RadioSelect,
        initial=EmailPreference.Frequency.NEVER,
        help_text="Off unless you choose. Notifications are always on the notifications page either way.",
    )
    quiet_start = forms.TypedChoiceField(
        label="Quiet hours start", choices=HOURS, coerce=int, empty_value=None, required=False
    )
    quiet_end = forms.TypedChoiceField(
        label="Quiet hours end",
        choices=HOURS,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="No email between these hours; anything that comes up waits until they end.",
    )
    time_zone = forms.ChoiceField(label="Your time zone", choices=ZONES, initial="Europe/London")

    def clean(self):
        data = super().clean()
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError("Choose both a start and an end for quiet hours, or neither.")
        return data
