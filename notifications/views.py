"""Notification pages. Thin: permission check, one service call, message, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forum import permissions, rate_limit
from forum.models import Category
from forum.selectors import post_url, thread_get
from notifications import delivery, selectors, services
from notifications.forms import EmailPreferenceForm


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page, lines = selectors.notifications_page(user=request.user, page_number=request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page, "lines": lines})


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Opening a notification marks it read and goes to the post. Someone else's answers 404."""
    notification = get_object_or_404(
        selectors.notifications_for(user=request.user).select_related("post", "post__thread"),
        pk=notification_id,
    )
    services.notification_mark_read(notification=notification)
    post = notification.post
    if post is None or not permissions.allowed(permissions.check_can_view_post, request.user, post):
        messages.info(request, "That post is no longer shown.")
        return redirect("notifications:list")
    return redirect(post_url(post=post, user=request.user))


@login_required
@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, "All your notifications are marked as read.")
    return redirect("notifications:list")


def _follow_or_stop(request: HttpRequest, target, *, set_watch, noun: str, news: str) -> HttpResponse:
    """Follow (or stop following) a thread or a category, within the member's per-minute limit."""
    watching = request.POST.get("watch") == "1"
    try:
        with rate_limit.follow_slot(user_id=request.user.pk):
            set_watch(watching)
    except rate_limit.FollowingTooFast as too_fast:
        messages.error(request, too_fast.message)
        return redirect(target)
    messages.success(
        request,
        f"You follow this {noun}: {news} show in your notifications."
        if watching
        else f"You no longer follow this {noun}.",
    )
    return redirect(target)


@login_required
@require_POST
def thread_watch(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = thread_get(thread_id=thread_id)
    permissions.check_can_view_thread(request.user, thread)

    def set_watch(watching: bool) -> None:
        services.thread_watch_set(user=request.user, thread=thread, watching=watching)

    return _follow_or_stop(request, thread, set_watch=set_watch, noun="thread", news="new posts")


@login_required
@require_POST
def category_watch(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)

    def set_watch(watching: bool) -> None:
        services.category_watch_set(user=request.user, category=category, watching=watching)

    return _follow_or_stop(request, category, set_watch=set_watch, noun="category", news="new threads")


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    """Saves the form shown on the settings page; shown on its own only to point at a mistake."""
    form = EmailPreferenceForm(
        request.POST or None, initial=selectors.email_preference_initial(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        services.email_preference_save(user=request.user, **form.cleaned_data)
        messages.success(request, "Your email choice was saved.")
        return redirect("accounts:settings")
    return render(request, "notifications/email_settings.html", {"email_form": form})


@csrf_exempt  # the signed token is the proof; mail programs POST here with no page (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in needed. GET asks to confirm (link scanners follow links); POST unsubscribes."""
    user_id = delivery.unsubscribe_user_id(token)
    if user_id is None:
        raise Http404("This unsubscribe link is not valid.")
    if request.method == "POST":
        services.email_unsubscribe(user_id=user_id)
        return render(request, "notifications/unsubscribed.html")
    return render(request, "notifications/unsubscribe.html", {"token": token})
