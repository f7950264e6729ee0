"""Template helpers for every page: who is a moderator, the suspension notice, drafts to forget."""

from django import template

from forum import permissions

register = template.Library()

PUBLISHED_DRAFTS_SESSION_KEY = "forum_published_drafts"


@register.filter
def is_moderator(user) -> bool:
    return permissions.user_is_moderator(user)


@register.inclusion_tag("includes/suspension_notice.html", takes_context=True)
def suspension_notice(context):
    """Shown on every page to a suspended member: until when, and why."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.user_is_suspended(user):
        return {"suspended": False}
    return {
        "suspended": True,
        "until": user.suspended_until,
        "reason": user.suspension_reason,
    }


@register.simple_tag(takes_context=True)
def published_draft_keys(context) -> str:
    """Keys of drafts published since the last page, once: the browser then drops its local copies."""
    request = context.get("request")
    session = getattr(request, "session", None)
    if session is None or PUBLISHED_DRAFTS_SESSION_KEY not in session:
        return ""
    return " ".join(session.pop(PUBLISHED_DRAFTS_SESSION_KEY))
