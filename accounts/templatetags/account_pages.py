"""What the account pages (and every form's error summary) need to say plainly."""

from django import forms, template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def contact_email() -> str:
    """Where a member who is stuck can write to a person: one setting, FORUM_CONTACT_EMAIL."""
    return settings.FORUM_CONTACT_EMAIL


@register.simple_tag
def site_link(url_name: str = "") -> str:
    """The forum's address (settings.SITE_URL), or a page's full address, for emails."""
    return settings.SITE_URL.rstrip("/") + (reverse(url_name) if url_name else "/")


@register.filter
def asks_password_again(form) -> bool:
    """Whether a form sent back with errors has emptied a password box, so the error summary can say so
    rather than promise that nothing was lost."""
    return any(
        isinstance(field.widget, forms.PasswordInput) and not field.widget.render_value
        for field in form.fields.values()
    )
