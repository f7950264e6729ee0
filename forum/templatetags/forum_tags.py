"""Template helpers for every page: who is a moderator, the suspension notice, drafts to forget."""

from django import template

from forum import permissions, selectors

register = template.Library()

PUBLISHED_DRAFTS_SESSION_KEY = "forum_published_drafts"


@register.filter
def is_moderator(user) -> bool:
    return permissions.user_is_moderator(user)


@register.filter
def is_suspended(user) -> bool:
    """The notice at the top of every page already tells a suspended member why they can't post: forms
    just below it don't repeat it."""
    return permissions.user_is_suspended(user)


@register.simple_tag
def flagged_post_count() -> int:
    return selectors.flagged_post_count()


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


@register.filter
def thread_title(thread, user) -> str:
    """{{ thread|thread_title:user }}: the title this reader may see (a placeholder while the opening post is
    hidden or deleted). Use it wherever a thread title is shown; never {{ thread.title }} on public pages."""
    return selectors.thread_title_for(thread=thread, user=user)


@register.filter
def thread_title_hidden(thread) -> bool:
    """True when the public doesn't see this title: moderators (and the author) see it with a marker."""
    return not selectors.thread_title_is_public(thread=thread)


@register.filter
def thread_title_note(thread, user) -> str:
    """The marker shown next to a real title the public can't see ("" when there is none to show)."""
    if not permissions.user_is_moderator(user) and not thread_title_hidden(thread):
        return ""
    if thread.is_hidden:
        return "Thread hidden"
    if thread_title_hidden(thread) and thread_title(thread, user) == thread.title:
        return "Title hidden"
    return ""
