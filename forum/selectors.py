"""Reads of the forum app: everything a page shows that takes more than one line to fetch.

Selectors take the viewing user and apply forum.permissions' filters themselves, so a view can't forget.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import SafeString

from forum import page_cache, permissions
from forum.drafts import draft_key_parts
from forum.markdown import (
    markdown_render_keys,
    render_markdown_many,
    render_plain_excerpt,
    render_plain_excerpts,
)
from forum.models import (
    Category,
    Draft,
    Flag,
    MembersVersion,
    ModerationEvent,
    Post,
    PostRevision,
    Reaction,
    Thread,
)
from forum.permissions import AnyUser

SEARCH_MAX_WORDS = 8
SEARCH_MAX_CHARS = 200

PLACEHOLDER_DELETED = "This post was deleted by its author."
PLACEHOLDER_HIDDEN = "This post was hidden by a moderator."


# --- thread titles ------------------------------------------------------------------------------------


def _opening_post_annotations(thread_ref: str) -> dict[str, Subquery]:
    """The opening post's state, as annotations on a Thread (thread_ref "pk") or Post ("thread") queryset,
    so a list can decide who may read each title without a query per row."""
    opening = Post.objects.filter(thread=OuterRef(thread_ref)).order_by("created_at", "id")
    return {
        "opening_is_hidden": Subquery(opening.values("is_hidden")[:1]),
        "opening_is_deleted": Subquery(opening.values("is_deleted")[:1]),
        "opening_author_id": Subquery(opening.values("author_id")[:1]),
    }


def _copy_opening_state(source, thread: Thread) -> None:
    for name in ("opening_is_hidden", "opening_is_deleted", "opening_author_id"):
        setattr(thread, name, getattr(source, name))


def with_opening_post_state(qs: QuerySet, *, thread_ref: str) -> QuerySet:
    """`qs` annotated with the opening-post state of the thread at `thread_ref` ("pk" on threads, "thread" on
    posts, "post__thread" on rows about a post). Pass each fetched row to opening_post_state_attach, then
    thread_title_for needs no query per row."""
    return qs.annotate(**_opening_post_annotations(thread_ref))


def opening_post_state_attach(*, row, thread: Thread) -> None:
    """Give `thread` the opening-post state fetched on `row` (see with_opening_post_state)."""
    _copy_opening_state(row, thread)


def thread_opening_state(*, thread: Thread) -> permissions.OpeningPostState:
    """From the annotations when the thread was fetched with them, else one query (remembered)."""
    if not hasattr(thread, "opening_is_hidden"):
        opening = (
            Post.objects.filter(thread=thread)
            .order_by("created_at", "id")
            .values("is_hidden", "is_deleted", "author_id")
            .first()
        ) or {"is_hidden": False, "is_deleted": False, "author_id": None}
        thread.opening_is_hidden = opening["is_hidden"]
        thread.opening_is_deleted = opening["is_deleted"]
        thread.opening_author_id = opening["author_id"]
    return permissions.OpeningPostState(
        is_hidden=bool(thread.opening_is_hidden),
        is_deleted=bool(thread.opening_is_deleted),
        author_id=thread.opening_author_id,
    )


def thread_title_for(*, thread: Thread, user: AnyUser) -> str:
    """The title `user` sees: the real one, or a placeholder while the opening post is hidden or deleted."""
    opening = thread_opening_state(thread=thread)
    if permissions.can_read_thread_title(user, thread, opening):
        return thread.title
    return permissions.thread_title_placeholder(opening)


def thread_title_is_public(*, thread: Thread) -> bool:
    """False when the public sees a placeholder (or nothing): moderators see the title marked hidden."""
    return permissions.thread_title_is_public(thread, thread_opening_state(thread=thread))


# --- index and category pages -------------------------------------------------------------------------


def _public_post_count() -> Coalesce:
    # A subquery per listed thread rather than a join and GROUP BY: the join counts every post of every
    # thread in the list before LIMIT picks 25 (seconds at a million posts).
    public = (
        Post.objects.filter(thread=OuterRef("pk"), is_deleted=False, is_hidden=False)
        .order_by()
        .values("thread")
        .annotate(n=Count("*"))  # "*", not "id": counted from the partial index post_public_idx alone
        .values("n")
    )
    return Coalesce(Subquery(public, output_field=IntegerField()), 0)


def _with_listing_stats(qs: QuerySet[Thread]) -> QuerySet[Thread]:
    """Threads with what a list shows: public post count and the name of whoever started it."""
    opening_author = (
        Post.objects.filter(thread=OuterRef("pk")).order_by("created_at", "id").values("author_name")
    )
    return (
        qs.select_related("category")
        .annotate(
            post_count=_public_post_count(),
            starter_name=Subquery(opening_author[:1]),
            **_opening_post_annotations("pk"),
        )
        .order_by("-last_posted_at", "-id")
    )


def _paginate_then_annotate(light: QuerySet, full: QuerySet, *, per_page: int, page_number) -> Page:
    """A page whose count and OFFSET run on `light` (same filter and order, no annotations) and whose rows
    come from `full`, the annotated queryset, in one query that computes the annotations for the page's
    rows only; deep pages otherwise pay every annotation of every row they skip."""
    page = Paginator(light, per_page).get_page(page_number)
    page.object_list = list(full.filter(pk__in=page.object_list.values("pk")))
    return page


def category_list_with_activity() -> QuerySet[Category]:
    """Categories with how many threads they hold and when anything was last posted in them.

    A subquery per category rather than a join and GROUP BY, which read every thread of the forum: the
    latest post time is one step down an index, the count reads only a small partial index."""
    visible = Thread.objects.filter(category=OuterRef("pk"), is_hidden=False)
    count = visible.order_by().values("category").annotate(n=Count("*")).values("n")
    latest = visible.order_by("-last_posted_at", "-id").values("last_posted_at")[:1]
    return Category.objects.annotate(
        thread_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        last_activity=Subquery(latest),
    ).order_by("position", "name")


def thread_list_recent(*, user: AnyUser, limit: int = 10) -> list[Thread]:
    qs = permissions.filter_visible_threads(user, Thread.objects.all())
    return list(_with_listing_stats(qs)[:limit])


def category_threads_page(*, user: AnyUser, category: Category, page_number: str | int | None) -> Page:
    qs = permissions.filter_visible_threads(user, Thread.objects.filter(category=category))
    return _paginate_then_annotate(
        qs.order_by("-last_posted_at", "-id"),
        _with_listing_stats(qs),
        per_page=settings.FORUM_THREADS_PER_PAGE,
        page_number=page_number,
    )


# --- the thread page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InReplyTo:
    name: str
    post_id: int | None  # None when the viewer may no longer read the post answered


@dataclass
class PostItem:
    """One post as the viewer sees it on a thread page."""

    post: Post
    # The body's cache key (forum.markdown), or None when the viewer sees a placeholder instead of the text.
    body_key: str | None
    placeholder: str
    reaction_count: int
    reacted: bool
    replies: list[PostItem] = field(default_factory=list)
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_react: bool = False
    can_flag: bool = False
    can_hide: bool = False
    can_history: bool = False
    # For a reply to another reply: whom it answers (None when it answers the post it sits under).
    in_reply_to: InReplyTo | None = None
    # The rendered body: filled by post_items_render_bodies, only for the posts whose HTML is not cached.
    html: SafeString | None = None
    # The whole <article>, set by forum.post_html.attach_post_html for the page.
    article: SafeString | None = None

    @property
    def is_placeholder(self) -> bool:
        return self.body_key is None


@dataclass
class ThreadPage:
    thread: Thread
    page: Page
    items: list[PostItem]
    mentioned_members: dict[str, str] = field(default_factory=dict)  # for post_items_render_bodies


def post_items_render_bodies(items: list[PostItem], *, mentioned_members: dict[str, str]) -> None:
    """Render (through the Markdown cache) the bodies of these readable items."""
    readable = [item for item in items if item.body_key is not None]
    bodies = render_markdown_many([item.post.body for item in readable], members=mentioned_members)
    for item, body in zip(readable, bodies, strict=True):
        item.html = body


def thread_get(*, thread_id: int) -> Thread:
    """The thread, with its opening post's state (for its title) and the members' version (with its own
    page_version, what forum.page_cache keys on). Callers check check_can_view_thread."""
    members_version = MembersVersion.objects.filter(pk=MembersVersion.ROW_ID).values("version")
    qs = Thread.objects.select_related("category").annotate(
        members_version=Subquery(members_version[:1]), **_opening_post_annotations("pk")
    )
    return get_object_or_404(qs, pk=thread_id)


def _annotated_posts(user: AnyUser, qs: QuerySet[Post]) -> QuerySet[Post]:
    reaction_count = (
        Reaction.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(n=Count("id"))
        .values("n")
    )
    qs = qs.select_related("author", "hidden_by", "tag").annotate(
        reaction_count=Coalesce(Subquery(reaction_count, output_field=IntegerField()), 0)
    )
    if user.is_authenticated:
        qs = qs.annotate(reacted=Exists(Reaction.objects.filter(post=OuterRef("pk"), user=user)))
    else:
        qs = qs.annotate(reacted=Value(False))
    return qs


def _post_item(user: AnyUser, post: Post, *, body_key: str | None) -> PostItem:
    """`body_key`: the body's cache key; None for a post the viewer may not read (a placeholder instead)."""
    readable = body_key is not None
    placeholder = "" if readable else PLACEHOLDER_DELETED if post.is_deleted else PLACEHOLDER_HIDDEN
    item = PostItem(
        post=post,
        body_key=body_key,
        placeholder=placeholder,
        reaction_count=post.reaction_count,
        reacted=post.reacted,
    )
    if readable:
        item.can_reply = permissions.allowed(permissions.check_can_reply_to_post, user, post)
        item.can_edit = permissions.allowed(permissions.check_can_edit_post, user, post)
        item.can_delete = permissions.allowed(permissions.check_can_delete_post, user, post)
        item.can_react = permissions.allowed(permissions.check_can_react, user, post)
        item.can_flag = permissions.allowed(permissions.check_can_flag, user, post)
        item.can_hide = permissions.allowed(permissions.check_can_hide_post, user, post)
    item.can_history = permissions.allowed(permissions.check_can_view_post_history, user, post)
    return item


def _is_readable(user: AnyUser, post: Post) -> bool:
    return permissions.allowed(permissions.check_can_view_post, user, post)


def thread_page_get(*, thread: Thread, user: AnyUser, page_number: str | int | None) -> ThreadPage:
    """A page of top-level posts in time order, each with its replies (one level deep) beneath it.

    Posts the viewer may not read are left out, unless they are top-level posts with replies the viewer
    can read: those show as a placeholder ("deleted by its author" / "hidden by a moderator").
    """
    top_level = permissions.filter_thread_top_level_posts(user, thread.pk)
    top_level = top_level.order_by("created_at", "id")
    page, remember = page_cache.thread_page_of_ids(
        top_level, thread=thread, user=user, page_number=page_number
    )
    page.object_list = posts = list(_annotated_posts(user, top_level).filter(pk__in=page.object_list))
    remember(page)

    replies_by_parent: dict[int, list[Post]] = {}
    if posts:
        replies = permissions.filter_visible_posts(
            user, Post.objects.filter(parent__in=[p.pk for p in posts])
        )
        for reply in _annotated_posts(user, replies).order_by("created_at", "id"):
            replies_by_parent.setdefault(reply.parent_id, []).append(reply)

    for post in posts:
        post.thread = thread
    readable = [post for post in posts if _is_readable(user, post)]
    readable += [reply for replies in replies_by_parent.values() for reply in replies]
    keys, members = markdown_render_keys([p.body for p in readable])
    body_keys = dict(zip((p.pk for p in readable), keys, strict=True))
    items = []
    for post in posts:
        item = _post_item(user, post, body_key=body_keys.get(post.pk))
        siblings = {reply.pk: reply for reply in replies_by_parent.get(post.pk, [])}
        for reply in siblings.values():
            reply.thread = thread
            reply.parent = post
            reply_item = _post_item(user, reply, body_key=body_keys[reply.pk])
            reply_item.in_reply_to = _in_reply_to(reply, siblings)
            item.replies.append(reply_item)
        items.append(item)
    return ThreadPage(thread=thread, page=page, items=items, mentioned_members=members)


def _in_reply_to(reply: Post, siblings: dict[int, Post]) -> InReplyTo | None:
    if reply.reply_to_id is None or reply.reply_to_id == reply.parent_id:
        return None
    answered = siblings.get(reply.reply_to_id)
    if answered is None:
        return InReplyTo(name="a reply that is no longer shown", post_id=None)
    return InReplyTo(name=answered.author_name, post_id=answered.pk)


def post_get(*, post_id: int) -> Post:
    return get_object_or_404(Post.objects.select_related("thread", "thread__category", "parent"), pk=post_id)


def post_page_number(*, post: Post, user: AnyUser) -> int:
    """The page of its thread on which `post` (or, for a reply, its top-level post) is shown to `user`."""
    top = post.parent if post.parent_id else post
    earlier = permissions.filter_thread_top_level_posts(user, post.thread_id).filter(
        Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, id__lt=top.pk)
    )
    return earlier.count() // settings.FORUM_POSTS_PER_PAGE + 1


def post_url(*, post: Post, user: AnyUser) -> str:
    """The address of `post` on its thread page, with the page number and an anchor."""
    url = reverse("forum:thread", args=[post.thread_id])
    page = post_page_number(post=post, user=user)
    if page > 1:
        url += f"?page={page}"
    return f"{url}#post-{post.pk}"


def quote_attribution(name: str) -> str:
    """The first line of a quote: who wrote it."""
    return f"**{name}** wrote:"


def post_quote_markdown(*, post: Post) -> str:
    """The post as a Markdown quote, ready to reply under."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.body.splitlines())
    return f"{quote_attribution(post.author_name)}\n\n{quoted}\n\n"


def post_revisions_list(*, post: Post) -> list[PostRevision]:
    return list(post.revisions.select_related("edited_by").order_by("-created_at", "-id"))


# --- drafts -------------------------------------------------------------------------------------------


def draft_get(*, user: AnyUser, key: str) -> Draft | None:
    if not user.is_authenticated:
        return None
    return Draft.objects.filter(user=user, key=key).first()


def draft_target_get(*, key: str) -> tuple[str, Category | Thread | Post]:
    """The place a draft key names: ("category", Category), ("thread", Thread), ("reply" or "edit", Post).

    Http404 when it doesn't exist; ValueError when the key is malformed.
    """
    kind, ident = draft_key_parts(key)
    if kind == "category":
        return kind, get_object_or_404(Category, slug=ident)
    if kind == "thread":
        return kind, thread_get(thread_id=int(ident))
    return kind, post_get(post_id=int(ident))


# --- moderation ---------------------------------------------------------------------------------------


@dataclass
class FlagQueueItem:
    post: Post
    excerpt: str
    flags: list[Flag]


def flag_queue_list() -> list[FlagQueueItem]:
    """Posts with open flags, the longest-waiting first, each with its flags."""
    flags = (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .select_related("post", "post__thread", "post__thread__category", "reporter")
        .order_by("created_at", "id")
    )
    items: dict[int, FlagQueueItem] = {}
    for flag in flags:
        if flag.post_id not in items:
            items[flag.post_id] = FlagQueueItem(
                post=flag.post, excerpt=render_plain_excerpt(flag.post.body, length=400), flags=[]
            )
        items[flag.post_id].flags.append(flag)
    return list(items.values())


def flagged_post_count() -> int:
    """How many posts wait in the flag queue (a post flagged by three members counts once, as there)."""
    return Flag.objects.filter(status=Flag.Status.OPEN).values("post").distinct().count()


def moderation_events_page(*, page_number: str | int | None) -> Page:
    qs = ModerationEvent.objects.select_related("actor", "post", "thread", "member").order_by(
        "-created_at", "-id"
    )
    return Paginator(qs, 50).get_page(page_number)


# --- search -------------------------------------------------------------------------------------------


def search_clean_query(query: str) -> str:
    return " ".join((query or "").split())[:SEARCH_MAX_CHARS]


def _opening_post_id() -> Subquery:
    return Subquery(
        Post.objects.filter(thread=OuterRef("thread")).order_by("created_at", "id").values("id")[:1]
    )


# The newest matches a search ranks, of post text and of thread titles each: ranking every match of a
# common word ("walking") costs seconds at a million posts, and nobody reads past the first pages.
SEARCH_MAX_HITS = 500


def _stored_search_vector() -> RawSQL:
    # forum_post.search_vector is a generated column that exists on PostgreSQL only (migration 0009), so
    # the model does not declare it; the queries below have forum_post unaliased as their base table.
    return RawSQL("forum_post.search_vector", [], output_field=SearchVectorField())


def _search_postgresql(qs: QuerySet[Post], query: str) -> tuple[list[int], bool]:
    """The ids of the newest SEARCH_MAX_HITS posts whose text matches and as many opening posts whose thread
    title matches, best first; and whether there were more matches than that. Both look-ups use indexes (GIN
    for the words, (created_at, id) for "newest"); the ranking reads only those ids' rows, and the page's
    count is their number, so no query counts or ranks all matches."""
    search_query = SearchQuery(query, config="english", search_type="websearch")
    newest = ("-created_at", "-id")
    body_ids = list(
        qs.annotate(body_vector=_stored_search_vector())
        .filter(body_vector=search_query)
        .order_by(*newest)
        .values_list("id", flat=True)[:SEARCH_MAX_HITS]
    )
    titled = (
        Thread.objects.annotate(title_vector=SearchVector("title", config="english"))
        .filter(title_vector=search_query)
        .annotate(
            opening_id=Subquery(
                Post.objects.filter(thread=OuterRef("pk")).order_by("created_at", "id").values("id")[:1]
            )
        )
        .values("opening_id")
    )
    title_ids = list(
        qs.filter(id__in=titled).order_by(*newest).values_list("id", flat=True)[:SEARCH_MAX_HITS]
    )
    capped = SEARCH_MAX_HITS in (len(body_ids), len(title_ids))
    matched = {*body_ids, *title_ids}
    if not matched:
        return [], capped
    ranked = (
        Post.objects.filter(id__in=matched)
        .annotate(
            rank=SearchRank(_stored_search_vector(), search_query)
            + Case(
                When(
                    id__in=title_ids or [0],
                    then=SearchRank(SearchVector("thread__title", config="english"), search_query),
                ),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
        .order_by("-rank", *newest)
        .values_list("id", flat=True)
    )
    return list(ranked), capped


def _search_simple(qs: QuerySet[Post], query: str) -> QuerySet[Post]:
    """SQLite: every word must appear in the post, or in the title for a thread's opening post."""
    qs = qs.annotate(opening_id=_opening_post_id())
    for word in query.split()[:SEARCH_MAX_WORDS]:
        qs = qs.filter(Q(body__icontains=word) | Q(thread__title__icontains=word, id=F("opening_id")))
    return qs.order_by("-created_at", "-id")


@dataclass
class SearchHit:
    post: Post
    excerpt: str


def search_posts_page(*, user: AnyUser, query: str, page_number: str | int | None) -> Page:
    """Posts `user` may read that match `query`, best first; the page's object_list holds SearchHits."""
    query = search_clean_query(query)
    qs = permissions.filter_visible_posts(
        user,
        Post.objects.select_related("thread", "thread__category").annotate(
            **_opening_post_annotations("thread")
        ),
    )
    capped = False
    if not query:
        page = Paginator(qs.none(), 20).get_page(page_number)
    elif connection.vendor == "postgresql":
        ranked_ids, capped = _search_postgresql(qs, query)
        page = Paginator(ranked_ids, 20).get_page(page_number)
        # The page's rows, still through the viewer's filter (a post hidden a moment ago drops out).
        rows = qs.in_bulk(list(page.object_list))
        page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    else:
        page = Paginator(_search_simple(qs, query), 20).get_page(page_number)
    page.capped = capped  # the template says the count is of the newest matches only
    posts = list(page.object_list)
    for post in posts:
        _copy_opening_state(post, post.thread)
    excerpts = render_plain_excerpts([post.body for post in posts])
    page.object_list = [SearchHit(post=p, excerpt=e) for p, e in zip(posts, excerpts, strict=True)]
    return page


# --- member profiles ----------------------------------------------------------------------------------


def member_posts_page(*, member, user: AnyUser, page_number: str | int | None) -> Page:
    """The posts of `member` that `user` may read, newest first, each post's thread carrying its opening-post
    state so the page can show `post.thread|thread_title:user` without a query per post."""
    qs = with_opening_post_state(
        permissions.filter_visible_posts(
            user, Post.objects.filter(author=member).select_related("thread", "thread__category")
        ),
        thread_ref="thread",
    ).order_by("-created_at", "-id")
    page = Paginator(qs, 20).get_page(page_number)
    for post in page.object_list:
        _copy_opening_state(post, post.thread)
    return page
