"""Forum pages for members and readers. Thin: form, permission check, one service call, message, redirect."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.text_input import typed_text_from
from forum import page_cache, permissions, post_html, rate_limit, selectors, services
from forum.drafts import (
    DraftTooLong,
    TooManyDrafts,
    edit_draft_key,
    is_valid_draft_key,
    new_thread_draft_key,
    reply_draft_key,
    reply_to_post_draft_key,
)
from forum.forms import FlagForm, PostForm, ThreadForm
from forum.markdown import render_markdown, render_plain_excerpt
from forum.models import Category, Post
from forum.permissions import PostingBlocked
from forum.rate_limit import DraftSavesTooFast, FlaggingLimited, PostingTooFast
from forum.templatetags.forum_tags import PUBLISHED_DRAFTS_SESSION_KEY  # noqa: E402

# --- helpers ------------------------------------------------------------------------------------------


def login_required_keeping_text(view):
    """login_required for the writing forms, except that a POST from someone signed out (their session ran
    out while they wrote) is answered with a page holding their text to copy and a sign-in link, instead of
    a redirect to the sign-in page that would drop what they typed."""
    guarded = login_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not request.user.is_authenticated:
            return render(
                request,
                "forum/signed_out_text.html",
                {"typed": typed_text_from(request.POST), "next": request.path},
                status=403,
            )
        return guarded(request, *args, **kwargs)

    return wrapped


def _blocked_message(check, *args) -> str:
    """The reason a member can't post here right now, or "" (other refusals propagate as 403/404)."""
    try:
        check(*args)
    except PostingBlocked as blocked:
        return blocked.message
    return ""


def _draft_initial(request: HttpRequest, key: str, **extra) -> tuple[dict, object]:
    draft = selectors.draft_get(user=request.user, key=key)
    initial = dict(extra)
    if draft is not None:
        initial.update({"title": draft.title, "body": draft.body})
    return initial, draft


def _draft_published(request: HttpRequest, key: str) -> None:
    """Tell the browser (on the next page) to forget its local copy of this draft."""
    keys = request.session.get(PUBLISHED_DRAFTS_SESSION_KEY, [])
    if key not in keys:
        request.session[PUBLISHED_DRAFTS_SESSION_KEY] = [*keys, key][-20:]


def _reject(form, message: str) -> None:
    """A refusal shown at the top of the form and by the text box, keeping everything typed."""
    form.add_error("body", message)


def _editor_context(*, form, draft_key: str, draft, action: str, blocked: str = "", **extra) -> dict:
    return {
        "form": form,
        "draft_key": draft_key,
        "draft": draft,
        "form_action": action,
        "blocked_message": blocked,
        "post_max_chars": settings.FORUM_POST_MAX_CHARS,
        **extra,
    }


def _check_posting(form, check, *args) -> bool:
    """Run the posting permission check; on refusal put the message on the form."""
    try:
        check(*args)
    except PostingBlocked as blocked:
        _reject(form, blocked.message)
        return False
    return True


# --- reading ------------------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "forum/index.html",
        {
            "categories": selectors.category_list_with_activity(),
            "recent_threads": selectors.thread_list_recent(user=request.user),
        },
    )


@require_GET
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    page = selectors.category_threads_page(
        user=request.user, category=category, page_number=request.GET.get("page")
    )
    return render(
        request,
        "forum/category.html",
        {
            "category": category,
            "page_obj": page,
            "can_create_thread": permissions.allowed(
                permissions.check_can_create_thread, request.user, category
            ),
        },
    )


@require_GET
def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.thread_get(thread_id=thread_id)
    permissions.check_can_view_thread(request.user, thread)
    cache_key = page_cache.thread_page_key(request, thread)
    if (cached := page_cache.cached_response(cache_key)) is not None:
        return cached
    thread_page = selectors.thread_page_get(
        thread=thread, user=request.user, page_number=request.GET.get("page")
    )
    post_html.attach_post_html(request=request, thread_page=thread_page)
    context = {
        "thread": thread,
        "page_obj": thread_page.page,
        "items": thread_page.items,
        "can_lock": permissions.allowed(permissions.check_can_lock_thread, request.user, thread),
        "can_move": permissions.allowed(permissions.check_can_move_thread, request.user, thread),
        "can_hide_thread": permissions.allowed(permissions.check_can_hide_thread, request.user, thread),
        "can_edit_title": permissions.allowed(permissions.check_can_edit_thread_title, request.user, thread),
        "can_reply": permissions.allowed(permissions.check_can_reply, request.user, thread),
    }
    if request.user.is_authenticated:
        draft_key = reply_draft_key(thread)
        initial, draft = _draft_initial(request, draft_key)
        context.update(
            _editor_context(
                form=PostForm(initial=initial),
                draft_key=draft_key,
                draft=draft,
                action=reverse("forum:reply", args=[thread.pk]),
                blocked=_blocked_message(permissions.check_can_reply, request.user, thread),
            )
        )
    response = render(request, "forum/thread.html", context)
    page_cache.store(cache_key, request, response, page_number=thread_page.page.number)
    return response


@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    """A permalink: redirects to the post on the right page of its thread."""
    post = selectors.post_get(post_id=post_id)
    permissions.check_can_view_post(request.user, post)
    return redirect(selectors.post_url(post=post, user=request.user))


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = selectors.search_clean_query(request.GET.get("q", ""))
    page = selectors.search_posts_page(user=request.user, query=query, page_number=request.GET.get("page"))
    return render(
        request,
        "forum/search.html",
        {"query": query, "page_obj": page, "search_max_hits": f"{selectors.SEARCH_MAX_HITS:,}"},
    )


# --- writing ------------------------------------------------------------------------------------------


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    draft_key = new_thread_draft_key(category)
    initial, draft = _draft_initial(request, draft_key)
    if request.method == "POST":
        form = ThreadForm(request.POST)
        if form.is_valid() and _check_posting(
            form, permissions.check_can_create_thread, request.user, category
        ):
            try:
                with rate_limit.post_slot(user_id=request.user.pk):
                    thread = services.thread_create(
                        category=category,
                        author=request.user,
                        title=form.cleaned_data["title"],
                        body=form.cleaned_data["body"],
                        draft_key=draft_key,
                    )
            except PostingTooFast as too_fast:
                _reject(form, too_fast.message)
            else:
                _draft_published(request, draft_key)
                messages.success(request, "Your thread is posted.")
                return redirect(thread)
    else:
        form = ThreadForm(initial=initial)
    return render(
        request,
        "forum/thread_form.html",
        _editor_context(
            form=form,
            draft_key=draft_key,
            draft=draft,
            action=reverse("forum:thread_create", args=[category.slug]),
            blocked=_blocked_message(permissions.check_can_create_thread, request.user, category),
            category=category,
        ),
    )


def _reply(
    request: HttpRequest, *, thread, parent: Post | None, draft_key: str, initial: dict, draft
) -> HttpResponse:
    check = permissions.check_can_reply_to_post if parent else permissions.check_can_reply
    target = parent or thread
    action = (
        reverse("forum:post_reply", args=[parent.pk]) if parent else reverse("forum:reply", args=[thread.pk])
    )
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid() and _check_posting(form, check, request.user, target):
            try:
                with rate_limit.post_slot(user_id=request.user.pk):
                    post = services.post_create(
                        thread=thread,
                        author=request.user,
                        body=form.cleaned_data["body"],
                        parent=parent,
                        draft_key=draft_key,
                    )
            except PostingTooFast as too_fast:
                _reject(form, too_fast.message)
            else:
                _draft_published(request, draft_key)
                messages.success(request, "Your reply is posted.")
                return redirect(selectors.post_url(post=post, user=request.user))
    else:
        form = PostForm(initial=initial)
    parent_html = render_markdown(parent.body) if parent is not None else None
    return render(
        request,
        "forum/reply_form.html",
        _editor_context(
            form=form,
            draft_key=draft_key,
            draft=draft,
            action=action,
            blocked=_blocked_message(check, request.user, target),
            thread=thread,
            parent=parent,
            parent_html=parent_html,
        ),
    )


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def thread_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.thread_get(thread_id=thread_id)
    permissions.check_can_view_thread(request.user, thread)
    draft_key = reply_draft_key(thread)
    initial, draft = _draft_initial(request, draft_key)
    return _reply(request, thread=thread, parent=None, draft_key=draft_key, initial=initial, draft=draft)


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def post_reply(request: HttpRequest, post_id: int) -> HttpResponse:
    parent = selectors.post_get(post_id=post_id)
    permissions.check_can_view_post(request.user, parent)
    draft_key = reply_to_post_draft_key(parent)
    initial, draft = _draft_initial(request, draft_key)
    return _reply(
        request, thread=parent.thread, parent=parent, draft_key=draft_key, initial=initial, draft=draft
    )


@login_required
@require_GET
def post_quote(request: HttpRequest, post_id: int) -> HttpResponse:
    """The reply form for a post, with the post quoted in the editor (after any draft already there)."""
    parent = selectors.post_get(post_id=post_id)
    permissions.check_can_view_post(request.user, parent)
    draft_key = reply_to_post_draft_key(parent)
    initial, draft = _draft_initial(request, draft_key)
    quote = selectors.post_quote_markdown(post=parent)
    existing = initial.get("body", "")
    if quote in existing:
        initial["body"] = existing
    elif existing.strip():
        initial["body"] = f"{existing.rstrip()}\n\n{quote}"
    else:
        initial["body"] = quote
    return _reply(
        request, thread=parent.thread, parent=parent, draft_key=draft_key, initial=initial, draft=draft
    )


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get(post_id=post_id)
    # Not the author (403) or can't see it (404) propagate; "not right now" becomes a message on the form.
    blocked = _blocked_message(permissions.check_can_edit_post, request.user, post)
    draft_key = edit_draft_key(post)
    initial, draft = _draft_initial(request, draft_key)
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid():
            if blocked:
                _reject(form, blocked)
            else:
                services.post_edit(
                    post=post, editor=request.user, body=form.cleaned_data["body"], draft_key=draft_key
                )
                _draft_published(request, draft_key)
                messages.success(request, "Your post is updated.")
                return redirect(selectors.post_url(post=post, user=request.user))
    else:
        form = PostForm(initial={"body": draft.body if draft else post.body})
    return render(
        request,
        "forum/edit_form.html",
        _editor_context(
            form=form,
            draft_key=draft_key,
            draft=draft,
            action=reverse("forum:post_edit", args=[post.pk]),
            blocked=blocked,
            post=post,
            thread=post.thread,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get(post_id=post_id)
    permissions.check_can_delete_post(request.user, post)
    if request.method == "POST":
        services.post_delete(post=post, actor=request.user)
        messages.success(request, "Your post is deleted.")
        return redirect(post.thread)
    return render(
        request,
        "forum/post_confirm_delete.html",
        {"post": post, "thread": post.thread, "excerpt": render_plain_excerpt(post.body)},
    )


@login_required
@require_POST
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    """Toggle 'this matches my experience'. A plain form post, so it works without JavaScript."""
    post = selectors.post_get(post_id=post_id)
    try:
        permissions.check_can_react(request.user, post)
    except PostingBlocked as blocked:
        messages.error(request, blocked.message)
    else:
        reacted = services.reaction_toggle(post=post, user=request.user)
        messages.success(
            request,
            "You said this matches your experience." if reacted else "You took back 'matches my experience'.",
        )
    return redirect(selectors.post_url(post=post, user=request.user))


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def post_flag(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get(post_id=post_id)
    blocked = _blocked_message(permissions.check_can_flag, request.user, post)
    if request.method == "POST":
        form = FlagForm(request.POST)
        if form.is_valid():
            if blocked:
                form.add_error(None, blocked)
            else:
                try:
                    with rate_limit.flag_slot(user_id=request.user.pk, post_id=post.pk):
                        services.flag_create(
                            post=post,
                            reporter=request.user,
                            reason=form.cleaned_data["reason"],
                            note=form.cleaned_data["note"],
                        )
                except FlaggingLimited as limited:
                    form.add_error(None, limited.message)
                else:
                    messages.success(request, "Thank you. A moderator will look at this post.")
                    return redirect(selectors.post_url(post=post, user=request.user))
    else:
        form = FlagForm()
    return render(
        request,
        "forum/flag_form.html",
        {
            "form": form,
            "post": post,
            "thread": post.thread,
            "blocked_message": blocked,
            "excerpt": render_plain_excerpt(post.body),
        },
    )


# --- drafts -------------------------------------------------------------------------------------------

_DRAFT_KEPT_HERE = "Your draft is kept on this device."
_DRAFT_NOWHERE = "This draft is for a page that isn't there (any more)."


@require_POST
def draft_save(request: HttpRequest) -> JsonResponse:
    """Autosave from static/js/drafts.js: key, title, body. Answers JSON, never a login redirect."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Sign in to save drafts."}, status=403)
    key = request.POST.get("key", "")
    if not is_valid_draft_key(key):
        return JsonResponse({"error": "Unknown draft."}, status=400)
    try:
        kind, target = selectors.draft_target_get(key=key)
        permissions.check_can_write_draft(request.user, kind, target)
        with rate_limit.draft_save_slot(user_id=request.user.pk):
            draft = services.draft_save(
                user=request.user,
                key=key,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
            )
    except Http404:
        return JsonResponse({"error": f"{_DRAFT_NOWHERE} {_DRAFT_KEPT_HERE}"}, status=404)
    except PostingBlocked as blocked:
        return JsonResponse({"error": f"{blocked.message} {_DRAFT_KEPT_HERE}"}, status=403)
    except PermissionDenied as denied:
        return JsonResponse({"error": f"{denied or _DRAFT_NOWHERE} {_DRAFT_KEPT_HERE}"}, status=403)
    except DraftTooLong as too_long:
        return JsonResponse({"error": too_long.message}, status=413)
    except TooManyDrafts as too_many:
        return JsonResponse({"error": too_many.message}, status=403)
    except DraftSavesTooFast as too_fast:
        response = JsonResponse({"error": too_fast.message, "retry_after": too_fast.retry_after}, status=429)
        response["Retry-After"] = str(too_fast.retry_after)
        return response
    return JsonResponse(
        {"saved": draft is not None, "saved_at": draft.updated_at.isoformat() if draft else None}
    )


@login_required
@require_POST
def draft_discard(request: HttpRequest) -> HttpResponse:
    key = request.POST.get("key", "")
    if not is_valid_draft_key(key):
        raise PermissionDenied("Unknown draft.")
    services.draft_delete(user=request.user, key=key)
    _draft_published(request, key)
    messages.success(request, "Your draft is discarded.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("forum:index")
    return redirect(next_url)
