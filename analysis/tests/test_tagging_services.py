"""Computing and storing tags in-process (the body of the worker's task), without a broker."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from analysis import queueing, services
from analysis.models import PostFact, PostTag, RollupBacklog, TagStatus
from analysis.rollups import rollups_refresh_backlog
from analysis.tagging import get_tagger, tagger_version
from analysis.tasks import sweep_tags, tag_posts
from analysis.tests.faulty_tagger import BREAKS_THE_TAGGER
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

HELPED = "Gentle walking every morning has eased my pain and I sleep better for it."


@pytest.fixture
def throwaway_queue():
    """Tasks queued by these tests go to a queue of their own, dropped afterwards."""
    queue = f"unit-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    yield queue
    celery_app.conf.task_default_queue = previous
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


def queued_messages(queue: str) -> int:
    with celery_app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(queue, passive=False).message_count


@pytest.fixture
def faulty_tagger(settings):
    settings.ANALYSIS_TAGGER_LOADER = "analysis.tests.faulty_tagger.load_tagger"
    get_tagger.cache_clear()
    yield
    get_tagger.cache_clear()


def test_tagging_stores_outcome_interventions_evidence_version_and_hash(post_factory):
    post = post_factory(body=HELPED)
    report = services.post_tags_compute(post_ids=[post.pk])
    assert report.tagged == [post.pk]
    tag = PostTag.objects.get(post=post)
    assert tag.status == TagStatus.DONE
    assert tag.outcome == "helped"
    assert {"name": "walking", "kind": "exercise", "outcome": "helped"} in tag.interventions
    assert "pain" in tag.symptoms
    span = tag.evidence[0]
    assert post.body[span["start"] : span["end"]] == span["text"]
    assert tag.tagger_version == tagger_version()
    assert tag.text_hash == services.text_hash(post.body)
    assert abs((timezone.now() - tag.tagged_at).total_seconds()) < 60
    assert tag.attempts == 1


def test_tagging_the_same_text_again_does_no_work_unless_forced(post_factory):
    post = post_factory(body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    again = services.post_tags_compute(post_ids=[post.pk])
    assert again.unchanged == [post.pk] and again.tagged == []
    assert PostTag.objects.get(post=post).attempts == 1
    services.post_tags_compute(post_ids=[post.pk], force=True)
    assert PostTag.objects.get(post=post).attempts == 2


def test_a_changed_text_is_tagged_again(post_factory):
    post = post_factory(body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    post.body = "Every walk now ends in a crash that keeps me in bed for three days."
    post.save(update_fields=["body"])
    report = services.post_tags_compute(post_ids=[post.pk])
    assert report.tagged == [post.pk]
    assert PostTag.objects.get(post=post).outcome == "worsened"


def test_a_post_that_breaks_the_tagger_is_marked_failed_and_the_rest_are_tagged(post_factory, faulty_tagger):
    good, bad, also_good = (post_factory(body=b) for b in (HELPED, f"odd {BREAKS_THE_TAGGER}", HELPED))
    report = services.post_tags_compute(post_ids=[good.pk, bad.pk, also_good.pk])
    assert report.failed == [bad.pk]
    assert sorted(report.tagged) == [good.pk, also_good.pk]
    failed = PostTag.objects.get(post=bad)
    assert failed.status == TagStatus.FAILED
    assert failed.error == "RuntimeError: tagger broke on this text"


def test_a_deleted_post_in_a_batch_is_skipped_quietly(post_factory):
    post = post_factory(body=HELPED)
    report = services.post_tags_compute(post_ids=[post.pk, 999_999])
    assert report.tagged == [post.pk]


def test_machine_retagging_never_overwrites_an_authors_own_label(post_factory):
    post = post_factory(body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    services.post_tag_label_by_author(post=post, author=post.author, outcome="mixed")
    services.post_tags_compute(post_ids=[post.pk], force=True)
    tag = PostTag.objects.get(post=post)
    assert (tag.outcome, tag.author_outcome, tag.shown_outcome) == ("helped", "mixed", "mixed")


def test_publishing_marks_the_post_pending_and_queues_it_after_commit(
    post_factory, django_capture_on_commit_callbacks, throwaway_queue
):
    post = post_factory(body=HELPED)
    with django_capture_on_commit_callbacks() as callbacks:
        queueing.post_tagging_schedule(post_id=post.pk)
    assert PostTag.objects.get(post=post).status == TagStatus.PENDING
    # nothing is sent until the transaction commits; then one message
    assert queued_messages(throwaway_queue) == 0
    assert len(callbacks) == 1
    callbacks[0]()
    assert queued_messages(throwaway_queue) == 1


def test_a_failed_batch_is_recorded_on_its_posts_but_done_tags_are_kept(post_factory):
    done, pending = post_factory(body=HELPED), post_factory(body=HELPED)
    services.post_tags_compute(post_ids=[done.pk])
    services.tags_mark_pending(post_ids=[pending.pk])
    changed = services.post_tags_mark_failed(post_ids=[done.pk, pending.pk], error="TimeLimitExceeded: 300s")
    assert changed == 1
    assert PostTag.objects.get(post=done).status == TagStatus.DONE
    assert PostTag.objects.get(post=pending).error == "TimeLimitExceeded: 300s"


def test_the_sweep_queues_missing_stale_and_stuck_tags_but_not_fresh_ones(post_factory, throwaway_queue):
    missing = post_factory(body=HELPED)
    stale, stuck, fresh, current = (post_factory(body=HELPED) for _ in range(4))
    services.post_tags_compute(post_ids=[stale.pk, current.pk])
    PostTag.objects.filter(post=stale).update(tagger_version="0.0-old")
    services.tags_mark_pending(post_ids=[stuck.pk, fresh.pk])
    PostTag.objects.filter(post=stuck).update(queued_at=timezone.now() - timedelta(hours=1))

    fresh_queued_at = PostTag.objects.get(post=fresh).queued_at

    report = queueing.tags_sweep(stuck_after=timedelta(minutes=10), batch_size=2)

    # missing: the new post and the thread's opening post
    assert (report.missing, report.stale, report.stuck) == (2, 1, 1)
    for post in (missing, stale, stuck):
        tag = PostTag.objects.get(post=post)
        assert tag.status == TagStatus.PENDING
        assert tag.queued_at > timezone.now() - timedelta(minutes=1)
    assert PostTag.objects.get(post=current).status == TagStatus.DONE
    assert PostTag.objects.get(post=fresh).queued_at == fresh_queued_at
    assert report.batches == 3  # two missing in one batch of 2, then one stale, then one stuck


def test_a_batch_costs_the_same_queries_whatever_its_size(post_factory, thread_factory, user_factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author = user_factory(conditions=["fibromyalgia"])

    def queries_for(n: int) -> int:
        # Given n posts already pending (as queueing leaves them), in a thread of their own
        thread = thread_factory(title=f"batch of {n}")
        posts = [post_factory(thread=thread, author=author, body=f"{HELPED} ({i})") for i in range(n)]
        services.tags_mark_pending(post_ids=[p.pk for p in posts])
        # When one batch tags them all (lock with texts, upsert, dashboard counts)
        with CaptureQueriesContext(connection) as captured:
            report = services.post_tags_compute(post_ids=[p.pk for p in posts])
        assert len(report.tagged) == n
        return len(captured)

    # then fifty posts cost about what ten do: nothing runs once per post (the dashboard rollups take a few
    # statements more or less depending on which of their rows already exist)
    ten, fifty = queries_for(10), queries_for(50)
    assert fifty <= ten + 5
    assert fifty <= 40


def test_tag_batches_leave_the_counts_to_one_queued_refresh(post_factory, throwaway_queue):
    first, second = post_factory(body=HELPED), post_factory(body=HELPED)
    queueing.rollups_refresh_started()  # no refresh is waiting from an earlier test
    # Two batches in a row, as a worker runs them (the task's body, in this process)...
    tag_posts.apply(kwargs={"post_ids": [first.pk]})
    tag_posts.apply(kwargs={"post_ids": [second.pk]})
    # ...put their posts in the backlog and queue a single refresh between them.
    assert set(RollupBacklog.objects.values_list("post_id", flat=True)) == {first.pk, second.pk}
    assert queued_messages(throwaway_queue) == 1

    # Once that refresh has started, the next batch queues another.
    queueing.rollups_refresh_started()
    assert rollups_refresh_backlog() == 2
    assert not RollupBacklog.objects.exists()
    tag_posts.apply(kwargs={"post_ids": [first.pk], "force": True})
    assert queued_messages(throwaway_queue) == 2


def test_the_sweep_task_applies_a_backlog_whose_refresh_was_lost(post_factory, throwaway_queue):
    post = post_factory(body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])  # its on-commit refresh never runs here
    assert RollupBacklog.objects.filter(post_id=post.pk).exists()
    result = sweep_tags.apply().get()
    assert result["rollups_applied"] == 1
    assert PostFact.objects.get(post_id=post.pk).counted
