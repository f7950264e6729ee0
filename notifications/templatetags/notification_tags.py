"""The pieces of other apps' pages that belong to notifications: the bell in the header, the follow buttons
on thread and category pages, and the email settings on the member's settings page."""

from django import template

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


@register.inclusion_tag("notifications/follow_thread.html", takes_context=True)
def follow_thread_button(context, thread):
    user = _member(context)
    watching = bool(user) and selectors.thread_is_watched(user=user, thread=thread)
    return {
        "show": user is not None,
        "thread": thread,
        "watching": watching,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/follow_category.html", takes_context=True)
def follow_category_button(context, category):
    user = _member(context)
    watching = bool(user) and selectors.category_is_watched(user=user, category=category)
    return {
        "show": user is not None,
        "category": category,
        "watching": watching,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/email_settings_form.html", takes_context=True)
def email_settings_form(context):
    user = _member(context)
    form = EmailPreferenceForm(initial=selectors.email_preference_initial(user=user)) if user else None
    return {"email_form": form, "csrf_token": context.get("csrf_token")}
