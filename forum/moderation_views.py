"""Moderation pages. Every view starts with a forum.permissions check, which answers 403 to anyone who is
not a moderator, signed in or not (never a login redirect, so the URLs give nothing away)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User
from forum import permissions, selectors, services
from forum.forms import HideForm, MoveForm, ReasonForm, SuspendForm, ThreadHideForm, ThreadTitleForm
from forum.markdown import render_markdown, render_plain_excerpt
from forum.permissions import user_is_suspended


def moderation_view(*methods: str):
    """Every moderation view: refuse non-moderators first (403, whatever the method), then the method."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            permissions.check_can_moderate(request.user)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@moderation_view("GET")
def flag_queue(request: HttpRequest) -> HttpResponse:
    permissions.check_can_review_flags(request.user)
    return render(request, "forum/mod/flag_queue.html", {"items": selectors.flag_queue_list()})


@moderation_view("POST")
def post_flags_dismiss(request: HttpRequest, post_id: int) -> HttpResponse:
    permissions.check_can_review_flags(request.user)
    post = selectors.post_get(post_id=post_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    dismissed = services.post_flags_dismiss(post=post, moderator=request.user, reason=reason)
    messages.success(request, f"Dismissed {len(dismissed)} flag{'s' if len(dismissed) != 1 else ''}.")
    return redirect("forum:mod_flags")


@moderation_view("GET", "POST")
def post_hide(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get(post_id=post_id)
    permissions.check_can_hide_post(request.user, post)
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.post_hide(post=post, moderator=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "The post is hidden. Its author can see it, with your reason.")
        return redirect(_next_or(request, selectors.post_url(post=post, user=request.user)))
    return _post_action_page(
        request, post, form, "Hide this post", "Hide post", next=request.GET.get("next", "")
    )


@moderation_view("GET", "POST")
def post_restore(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get(post_id=post_id)
    permissions.check_can_hide_post(request.user, post)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.post_restore(post=post, moderator=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "The post is visible to everyone again.")
        return redirect(selectors.post_url(post=post, user=request.user))
    return _post_action_page(request, post, form, "Restore this post", "Restore post")


def _thread_action_page(request, thread, form, heading: str, submit_label: str) -> HttpResponse:
    """The confirmation page of an action on one thread, with its form."""
    return render(
        request,
        "forum/mod/thread_action.html",
        {"form": form, "thread": thread, "heading": heading, "submit_label": submit_label},
    )


def _post_action_page(request, post, form, heading: str, submit_label: str, **extra) -> HttpResponse:
    """The confirmation page of an action on one post, with an excerpt of it and the reason form."""
    return render(
        request,
        "forum/mod/post_action.html",
        {
            "form": form,
            "post": post,
            "thread": post.thread,
            "excerpt": render_plain_excerpt(post.body, length=600),
            "heading": heading,
            "submit_label": submit_label,
            **extra,
        },
    )


@moderation_view("GET")
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get(post_id=post_id)
    permissions.check_can_view_post_history(request.user, post)
    revisions = selectors.post_revisions_list(post=post)
    return render(
        request,
        "forum/mod/post_history.html",
        {
            "post": post,
            "thread": post.thread,
            "current_html": render_markdown(post.body),
            "revisions": [(revision, render_markdown(revision.body)) for revision in revisions],
        },
    )


def _thread_action(request: HttpRequest, thread_id: int, *, lock: bool) -> HttpResponse:
    thread = selectors.thread_get(thread_id=thread_id)
    permissions.check_can_lock_thread(request.user, thread)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = services.thread_lock if lock else services.thread_unlock
        action(thread=thread, moderator=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request, "The thread is locked." if lock else "The thread is open for replies again."
        )
        return redirect(thread)
    return render(
        request,
        "forum/mod/thread_action.html",
        {
            "form": form,
            "thread": thread,
            "heading": "Lock this thread" if lock else "Unlock this thread",
            "submit_label": "Lock thread" if lock else "Unlock thread",
        },
    )


@moderation_view("GET", "POST")
def thread_lock(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _thread_action(request, thread_id, lock=True)


@moderation_view("GET", "POST")
def thread_unlock(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _thread_action(request, thread_id, lock=False)


@moderation_view("GET", "POST")
def thread_move(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.thread_get(thread_id=thread_id)
    permissions.check_can_move_thread(request.user, thread)
    form = MoveForm(request.POST or None, initial={"category": thread.category_id})
    if request.method == "POST" and form.is_valid():
        services.thread_move(
            thread=thread,
            moderator=request.user,
            category=form.cleaned_data["category"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"The thread is now in {thread.category.name}.")
        return redirect(thread)
    return _thread_action_page(request, thread, form, "Move this thread", "Move thread")


@moderation_view("GET", "POST")
def thread_hide(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.thread_get(thread_id=thread_id)
    permissions.check_can_hide_thread(request.user, thread)
    form = ThreadHideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.thread_hide(thread=thread, moderator=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "The thread is hidden. Only moderators can see it now.")
        return redirect(thread)
    return _thread_action_page(request, thread, form, "Hide this thread", "Hide thread")


@moderation_view("GET", "POST")
def thread_restore(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.thread_get(thread_id=thread_id)
    permissions.check_can_hide_thread(request.user, thread)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.thread_restore(thread=thread, moderator=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "The thread is visible to everyone again.")
        return redirect(thread)
    return _thread_action_page(request, thread, form, "Restore this thread", "Restore thread")


@moderation_view("GET", "POST")
def thread_title_edit(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.thread_get(thread_id=thread_id)
    permissions.check_can_edit_thread_title(request.user, thread)
    form = ThreadTitleForm(request.POST or None, initial={"title": thread.title})
    if request.method == "POST" and form.is_valid():
        services.thread_title_edit(
            thread=thread,
            moderator=request.user,
            title=form.cleaned_data["title"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "The thread's title is changed.")
        return redirect(thread)
    return _thread_action_page(request, thread, form, "Edit the thread's title", "Save title")


@moderation_view("GET", "POST")
def member_suspend(request: HttpRequest, username: str) -> HttpResponse:
    member = get_object_or_404(User, username=username)
    permissions.check_can_suspend_member(request.user, member)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.member_suspend(
            member=member,
            moderator=request.user,
            until=form.suspended_until(),
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"{member.username} is suspended. They can read, but not post.")
        return redirect("forum:mod_member_suspend", username=member.username)
    return render(
        request,
        "forum/mod/member_suspend.html",
        {
            "form": form,
            "member": member,
            "is_suspended": user_is_suspended(member),
            "unsuspend_form": ReasonForm(),
        },
    )


@moderation_view("POST")
def member_unsuspend(request: HttpRequest, username: str) -> HttpResponse:
    member = get_object_or_404(User, username=username)
    permissions.check_can_suspend_member(request.user, member)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.member_unsuspend(member=member, moderator=request.user, reason=reason)
    messages.success(request, f"{member.username}'s suspension is lifted.")
    return redirect("forum:mod_member_suspend", username=member.username)


@moderation_view("GET")
def audit_log(request: HttpRequest) -> HttpResponse:
    permissions.check_can_view_audit_log(request.user)
    page = selectors.moderation_events_page(page_number=request.GET.get("page"))
    return render(request, "forum/mod/audit_log.html", {"page_obj": page})


def _next_or(request: HttpRequest, default: str) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return default
