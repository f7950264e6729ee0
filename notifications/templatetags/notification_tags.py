"""The pieces of other apps' pages that belong to notifications: the bell in the header, the follow buttons
on thread and category pages, and the email settings on the member's settings page."""

from django import template
from django.urls import reverse

from notifications import selectors
from notifications.forms import EmailPreferenceForm

register = template.Library()


def _member(context):
    user = context.get("user")
    return user if user is not None and user.is_authenticated else None


@register.inclusion_tag("notifications/bell.html", takes_context=True)
def notification_bell(context):
    user = _member(context)
    count = selectors.unread_count(user=user) if user else 0
    return {"show": user is not None, "count": count, "label": selectors.bell_label(count)}


def _follow_button(context, *, watching: bool, action: str, noun: str, news: str) -> dict:
    return {
        "show": _member(context) is not None,
        "action": action,
        "noun": noun,
        "news": news,
        "watching": watching,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/follow_button.html", takes_context=True)
def follow_thread_button(context, thread):
    user = _member(context)
    return _follow_button(
        context,
        watching=bool(user) and selectors.thread_is_watched(user=user, thread=thread),
        action=reverse("notifications:thread_watch", args=[thread.pk]),
        noun="thread",
        news="New posts",
    )


@register.inclusion_tag("notifications/follow_button.html", takes_context=True)
def follow_category_button(context, category):
    user = _member(context)
    return _follow_button(
        context,
        watching=bool(user) and selectors.category_is_watched(user=user, category=category),
        action=reverse("notifications:category_watch", args=[category.slug]),
        noun="category",
        news="New threads",
    )


@register.inclusion_tag("notifications/email_settings_form.html", takes_context=True)
def email_settings_form(context):
    user = _member(context)
    form = EmailPreferenceForm(initial=selectors.email_preference_initial(user=user)) if user else None
    return {"email_form": form, "csrf_token": context.get("csrf_token")}
