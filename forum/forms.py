"""Forum forms. Limits are checked here, not by the browser, so over-long text is kept and reported."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from core.forms import AccessibleFormMixin
from forum.models import Category, Flag
from forum.services import normalise_body, normalise_title


def _n(number: int) -> str:
    return f"{number:,}"


class BodyField(forms.CharField):
    """A post body: a textarea with no maxlength, so the browser never cuts what the member wrote."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Your post")
        kwargs.setdefault(
            "help_text",
            f"Markdown works: **bold**, *italic*, > quote, - list, [link](https://…). "
            f"Up to {_n(settings.FORUM_POST_MAX_CHARS)} characters. "
            "While you type, a draft is kept for you.",
        )
        super().__init__(
            widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
            strip=False,
            error_messages={"required": "Your post is empty. Write something before posting."},
            **kwargs,
        )


def clean_body_text(value: str) -> str:
    body = normalise_body(value or "")
    if not body.strip():
        raise forms.ValidationError("Your post is empty. Write something before posting.", code="empty")
    limit = settings.FORUM_POST_MAX_CHARS
    if len(body) > limit:
        over = len(body) - limit
        raise forms.ValidationError(
            f"Your post is {_n(len(body))} characters long, and a post can be at most {_n(limit)}. "
            f"Please shorten it by {_n(over)} character{'s' if over != 1 else ''}, "
            "or split it into two posts. "
            "Everything you wrote is still here.",
            code="too_long",
        )
    return body


class PostForm(AccessibleFormMixin, forms.Form):
    body = BodyField()

    def clean_body(self):
        return clean_body_text(self.cleaned_data["body"])


class ThreadForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        help_text=(
            "A short summary of what you want to share or ask. "
            f"Up to {settings.FORUM_TITLE_MAX_CHARS} characters."
        ),
        error_messages={"required": "Your thread needs a title."},
    )
    body = BodyField()

    def clean_title(self):
        title = normalise_title(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError("Your thread needs a title.", code="empty")
        limit = settings.FORUM_TITLE_MAX_CHARS
        if len(title) > limit:
            raise forms.ValidationError(
                f"The title is {_n(len(title))} characters long, and a title can be at most {limit}. "
                "Please shorten it.",
                code="too_long",
            )
        return title

    def clean_body(self):
        return clean_body_text(self.cleaned_data["body"])


class FlagForm(AccessibleFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Why should a moderator look at this post?",
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason."},
    )
    note = forms.CharField(
        label="Anything the moderators should know (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HideForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason (the author will see this)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the author a reason."},
    )


class ThreadHideForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason (kept in the audit log; only moderators see hidden threads)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason for the audit log."},
    )


class ThreadTitleForm(AccessibleFormMixin, forms.Form):
    title = ThreadForm.base_fields["title"]
    reason = forms.CharField(
        label="Reason, for the audit log (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    clean_title = ThreadForm.clean_title


class ReasonForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason, for the audit log (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveForm(AccessibleFormMixin, forms.Form):
    category = forms.ModelChoiceField(
        label="Move to", queryset=Category.objects.order_by("position", "name"), empty_label=None
    )
    reason = forms.CharField(
        label="Reason, for the audit log (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SuspendForm(AccessibleFormMixin, forms.Form):
    DURATIONS = [
        ("1", "1 day"),
        ("3", "3 days"),
        ("7", "1 week"),
        ("14", "2 weeks"),
        ("30", "30 days"),
        ("90", "90 days"),
        ("365", "1 year"),
    ]
    days = forms.TypedChoiceField(label="For how long", choices=DURATIONS, coerce=int, initial="7")
    reason = forms.CharField(
        label="Reason (the member will see this)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the member a reason."},
    )

    def suspended_until(self):
        return timezone.now() + timedelta(days=self.cleaned_data["days"])
