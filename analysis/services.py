"""Writes of the analysis app: marking, computing and correcting outcome tags (sending work to the workers
is analysis.queueing's)."""

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from analysis.models import PostTag, TagStatus
from analysis.rollups import rollups_mark_stale, rollups_refresh_posts
from analysis.sql import update_rows
from analysis.tagging import get_tagger, tagger_version
from forum.events import tag_corrected_event
from forum.models import Post

logger = logging.getLogger(__name__)

# Rows marked pending per statement when queueing many posts.
PENDING_CHUNK = 2000
# Errors kept for moderators are cut to this; a traceback is in the worker's log.
ERROR_MAX_CHARS = 2000
# The machine's fields, rewritten by the workers on a post they tagged; the author's and moderators' labels
# are never in here.
# What the tagger's result gives, by the names TagResult.to_dict() and PostTag share.
RESULT_FIELDS = ("outcome", "confidence", "interventions", "symptoms", "evidence")
MACHINE_FIELDS = [
    "status",
    *RESULT_FIELDS,
    "tagger_version",
    "text_hash",
    "tagged_at",
    "error",
    "attempts",
]
# What a batch writes on a post the tagger failed on: the last outcome stays until a run succeeds.
FAILURE_FIELDS = ["status", "error", "tagged_at", "attempts", "text_hash", "tagger_version"]
# What a batch reads of the rows it locks (the rest is overwritten, or kept by FAILURE_FIELDS).
LOCKED_FIELDS = ["post", "post__body", "status", "text_hash", "tagger_version", "attempts"]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def tags_mark_pending(*, post_ids: Sequence[int]) -> None:
    """Record that these posts need (re)tagging, in the caller's transaction, so the sweep can find them
    even if the message to the workers is lost."""
    now = timezone.now()
    PostTag.objects.bulk_create(
        [PostTag(post_id=pid, status=TagStatus.PENDING, queued_at=now) for pid in post_ids],
        update_conflicts=True,
        unique_fields=["post"],
        update_fields=["status", "queued_at"],
        batch_size=500,
    )


@dataclass
class BatchReport:
    tagged: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped_locked: list[int] = field(default_factory=list)


def _tag_each(tagger, items: list[tuple[str, int]]) -> Iterable[tuple[int, dict | None, str]]:
    """Yield (post id, result dict, error) for each item; one bad post never costs the rest of the batch."""
    try:
        results = [(pid, res.to_dict(), "") for res, pid in tagger.tag_many(items)]
    except Exception:  # noqa: BLE001 - find the post that broke the batch by tagging one at a time
        logger.warning("Batch tagging failed; retrying the batch one post at a time", exc_info=True)
    else:
        yield from results
        return
    for text, pid in items:
        try:
            yield pid, tagger.tag(text).to_dict(), ""
        except Exception as exc:  # noqa: BLE001 - recorded on the post for moderators
            logger.exception("Tagger failed on post %s", pid)
            yield pid, None, f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]


def _tags_lock(post_ids: Sequence[int]) -> dict[int, PostTag]:
    """Lock these posts' tag rows, with each post's text, in one query.

    Rows another worker holds are skipped.
    """
    rows = (
        PostTag.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(post_id__in=post_ids)
        .select_related("post")
        .only(*LOCKED_FIELDS)
    )
    return {tag.post_id: tag for tag in rows}


def post_tags_compute(*, post_ids: Sequence[int], force: bool = False) -> BatchReport:
    """Tag a batch of posts and store the results (one statement for the tagged, one for the failed).

    Idempotent: a post whose tag already matches its text and the tagger version is left alone (unless
    force). Rows are locked while tagging so two workers given the same post do the work once; rows
    another worker holds are skipped, as that worker is writing them.
    """
    tagger = get_tagger()
    version = tagger_version()
    report = BatchReport()
    with transaction.atomic():
        tags = _tags_lock(post_ids)
        missing = set(post_ids) - set(tags)
        if missing:  # queued without a pending row (normally every queued post has one)
            existing = Post.objects.filter(id__in=missing).values_list("id", flat=True)
            PostTag.objects.bulk_create(
                [PostTag(post_id=pid, queued_at=timezone.now()) for pid in existing], ignore_conflicts=True
            )
            tags |= _tags_lock(list(missing))
        unlocked = set(post_ids) - set(tags)
        if unlocked:  # held by another worker (it is writing them), or the post is gone
            report.skipped_locked = sorted(Post.objects.filter(id__in=unlocked).values_list("id", flat=True))
        bodies = {pid: tag.post.body for pid, tag in tags.items()}

        work: list[tuple[str, int]] = []
        for pid, body in sorted(bodies.items()):
            tag = tags[pid]
            current = tag.text_hash == text_hash(body) and tag.tagger_version == version
            if current and tag.status == TagStatus.DONE and not force:
                report.unchanged.append(pid)
            else:
                work.append((body, pid))

        tagged, failed = [], []
        for pid, result, error in _tag_each(tagger, work):
            tag = tags[pid]
            tag.attempts += 1
            tag.tagged_at = timezone.now()
            tag.text_hash = text_hash(bodies[pid])
            tag.tagger_version = version
            if result is None:
                tag.status, tag.error = TagStatus.FAILED, error
                report.failed.append(pid)
                failed.append(tag)
            else:
                tag.status, tag.error = TagStatus.DONE, ""
                for name in RESULT_FIELDS:
                    setattr(tag, name, result[name])
                report.tagged.append(pid)
                tagged.append(tag)
        update_rows(PostTag, "post", MACHINE_FIELDS, tagged)
        update_rows(PostTag, "post", FAILURE_FIELDS, failed)
        if tagged or failed:
            # the caller queues the refresh (analysis.tasks), so a batch's counts follow in bulk
            rollups_mark_stale(post_ids=report.tagged + report.failed)
    return report


@transaction.atomic
def post_tags_mark_failed(*, post_ids: Sequence[int], error: str) -> int:
    """After a batch failed for good (retries spent, time limit), say so on its posts that are not done."""
    changed = (
        PostTag.objects.filter(post_id__in=post_ids)
        .exclude(status=TagStatus.DONE)
        .update(status=TagStatus.FAILED, error=error[:ERROR_MAX_CHARS], tagged_at=timezone.now())
    )
    if changed:
        rollups_mark_stale(post_ids=post_ids)
    return changed


def _batches(ids: Iterable[int], size: int) -> Iterable[list[int]]:
    batch: list[int] = []
    for pid in ids:
        batch.append(pid)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _keyset_ids(queryset, field_name: str, size: int) -> Iterable[int]:
    """Ids from a queryset in ascending order, one indexed page at a time (no OFFSET, no giant IN)."""
    last = 0
    while True:
        page = list(
            queryset.filter(**{f"{field_name}__gt": last})
            .order_by(field_name)
            .values_list(field_name, flat=True)[:size]
        )
        if not page:
            return
        yield from page
        last = page[-1]


def tags_needing_work(*, stuck_after: timedelta, version: str) -> Iterable[tuple[str, list[int]]]:
    """("missing" | "stale" | "stuck", a page of post ids): posts with no tag, a tag by another tagger
    version, or a pending tag older than stuck_after; PENDING_CHUNK ids a page."""
    cutoff = timezone.now() - stuck_after
    sources = [
        ("missing", Post.objects.filter(tag__isnull=True), "id"),
        (
            "stale",
            PostTag.objects.exclude(tagger_version=version).exclude(status=TagStatus.PENDING),
            "post_id",
        ),
        ("stuck", PostTag.objects.filter(status=TagStatus.PENDING, queued_at__lt=cutoff), "post_id"),
    ]
    for reason, queryset, field_name in sources:
        for page in _batches(_keyset_ids(queryset, field_name, PENDING_CHUNK), PENDING_CHUNK):
            yield reason, page


def post_tags_forget(*, post_ids: Sequence[int]) -> None:
    """These posts' text is gone (removed with their writer's account): forget what anyone read in it."""
    PostTag.objects.filter(post_id__in=post_ids).update(
        outcome="",
        confidence=None,
        interventions=[],
        symptoms=[],
        evidence=[],
        text_hash=text_hash(""),
        author_outcome="",
        author_labelled_at=None,
        moderator_outcome="",
        moderator_labelled_at=None,
        moderator=None,
    )


@transaction.atomic
def post_tag_label_by_author(*, post, author, outcome: str):
    """The author says how their post should be read; shown instead of the machine's tag."""
    now = timezone.now()
    tag, _ = PostTag.objects.get_or_create(post=post, defaults={"queued_at": now})
    tag.author_outcome = outcome
    tag.author_labelled_at = now
    tag.save(update_fields=["author_outcome", "author_labelled_at"])
    rollups_refresh_posts(post_ids=[post.id])
    return tag


@transaction.atomic
def post_tag_correct_by_moderator(*, post, moderator, outcome: str, reason: str = ""):
    """A moderator corrects the machine's tag; recorded in the audit log."""
    now = timezone.now()
    tag, _ = PostTag.objects.select_for_update().get_or_create(post=post, defaults={"queued_at": now})
    previous = tag.shown_outcome
    tag.moderator_outcome = outcome
    tag.moderator_labelled_at = now
    tag.moderator = moderator
    tag.save(update_fields=["moderator_outcome", "moderator_labelled_at", "moderator"])
    rollups_refresh_posts(post_ids=[post.id])
    tag_corrected_event(post=post, moderator=moderator, reason=reason, data={"from": previous, "to": outcome})
    return tag
