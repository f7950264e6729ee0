"""The tagging pipeline end to end: real worker processes, a real broker, the test database.

These start `celery worker` (and `celery beat`) as separate processes, as production does.
"""

import subprocess
import sys

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis import queueing, services
from analysis.models import PostTag, TagStatus
from analysis.rollups import rollups_backlog_size, rollups_check
from analysis.services import text_hash
from analysis.tagging import tagger_version
from analysis.tests.faulty_tagger import BREAKS_THE_TAGGER
from devtools.worker_processes import ROOT, wait_until
from forum.models import Post
from forum.services import post_create, post_edit

pytestmark = [pytest.mark.slow, pytest.mark.redis]

HELPED = "Gentle walking every morning has eased my pain and I sleep better for it."
WORSENED = "Every walk now ends in a crash that keeps me in bed for three days."


def tag_of(post) -> PostTag | None:
    return PostTag.objects.filter(post_id=post.pk).first()


def is_current(post) -> bool:
    post.refresh_from_db()
    tag = tag_of(post)
    return bool(
        tag
        and tag.status == TagStatus.DONE
        and tag.text_hash == text_hash(post.body)
        and tag.tagger_version == tagger_version()
    )


def bulk_posts(thread, author, n: int) -> list[int]:
    """Posts written straight to the database, as an import would: nothing is queued for them."""
    now = timezone.now()
    texts = [
        HELPED,
        WORSENED,
        "Has anyone tried the warm pool?",
        "Yoga helps my back but tai chi flared my knees.",
    ]
    Post.objects.bulk_create(
        [
            Post(
                thread=thread,
                author=author,
                author_name=author.username,
                body=f"{texts[i % 4]} ({i})",
                created_at=now,
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    return list(Post.objects.filter(thread=thread).order_by("id").values_list("id", flat=True))


def public_counts(client) -> dict[str, int]:
    body = client.get(reverse("dashboards:api_dashboard")).json()["overall"]
    return {o["outcome"]: o["count"] for o in body["outcomes"] if o["count"]}


def test_a_new_post_is_tagged_and_an_edit_retags_it(workers, member, thread, client):
    workers.start()

    # When a member publishes a post
    post = post_create(thread=thread, author=member, body=HELPED)
    # then a worker tags it
    wait_until(
        lambda: is_current(post), timeout=60, what="the new post to be tagged", on_timeout=workers.logs
    )
    assert tag_of(post).outcome == "helped"
    # and the refresh the tag batch queued brings it into the public figures
    wait_until(
        lambda: public_counts(client) == {"helped": 1},
        timeout=60,
        what="the dashboard to count the new post",
        on_timeout=workers.logs,
    )

    # When they edit its text
    post_edit(post=post, editor=member, body=WORSENED)
    # then it is re-tagged from the new text
    wait_until(
        lambda: is_current(post), timeout=60, what="the edited post to be re-tagged", on_timeout=workers.logs
    )
    tag = tag_of(post)
    assert tag.outcome == "worsened"
    assert tag.attempts == 2
    wait_until(
        lambda: public_counts(client) == {"worsened": 1},
        timeout=60,
        what="the dashboard to follow the edit",
        on_timeout=workers.logs,
    )


def test_queueing_the_same_post_twice_does_the_work_once(workers, member, thread):
    # Given a post queued twice before any worker runs (on publish, then again by hand)
    post = post_create(thread=thread, author=member, body=HELPED)
    assert queueing.tags_enqueue(post_ids=[post.pk])

    # When two worker processes take both messages
    worker = workers.start(concurrency=2)
    wait_until(
        lambda: worker.log_tail(400).count("succeeded in") >= 2,
        timeout=60,
        what="both tasks to finish",
        on_timeout=workers.logs,
    )

    # then the tagger ran once
    assert is_current(post)
    assert tag_of(post).attempts == 1


def test_a_worker_killed_mid_batch_loses_no_tag(workers, member, thread):
    # Given 3,000 posts queued in batches of 100
    post_ids = bulk_posts(thread, member, 3000)
    worker = workers.start(concurrency=2)
    for start in range(0, len(post_ids), 100):
        batch = post_ids[start : start + 100]
        services.tags_mark_pending(post_ids=batch)
        assert queueing.tags_enqueue(post_ids=batch)

    # When the whole worker is killed with SIGKILL while batches are running
    done = lambda: PostTag.objects.filter(status=TagStatus.DONE).count()  # noqa: E731
    wait_until(lambda: done() >= 100, timeout=120, what="the first batch", on_timeout=workers.logs)
    worker.kill()
    done_at_kill = done()
    assert done_at_kill < len(post_ids), "the worker finished before it was killed: nothing was tested"

    # and a new worker starts and the sweep runs (the killed worker's messages are still unacknowledged)
    workers.start(concurrency=2)
    report = queueing.tags_sweep(stuck_after=timezone.timedelta(0))
    assert report.stuck + report.missing >= len(post_ids) - done_at_kill

    # then every post ends with exactly one current tag
    wait_until(
        lambda: done() == len(post_ids), timeout=180, what="every post to be tagged", on_timeout=workers.logs
    )
    assert PostTag.objects.count() == len(post_ids)
    assert set(PostTag.objects.values_list("post_id", flat=True)) == set(post_ids)
    assert not PostTag.objects.exclude(tagger_version=tagger_version()).exists()
    for post in Post.objects.filter(id__in=post_ids[::97]):
        assert is_current(post)
    # and the dashboards' counts, once the refreshes have drained the backlog, equal a count from scratch
    wait_until(
        lambda: not rollups_backlog_size(), timeout=120, what="the rollup backlog", on_timeout=workers.logs
    )
    check = rollups_check()
    assert check.ok, check


def test_a_post_made_while_redis_is_down_is_saved_shown_and_tagged_later(
    workers, private_redis, member, thread, client, tmp_path
):
    # Given workers and a beat on a Redis of the test's own, sweeping every second for tags pending 2s
    workers.start(broker_url=private_redis.url, extra_env={"ANALYSIS_PENDING_TIMEOUT_SECONDS": "2"})
    beat_env = workers.started[0].env() | {"ANALYSIS_SWEEP_SECONDS": "1"}
    beat_log = tmp_path / "beat.log"
    with open(beat_log, "wb") as log:
        beat = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                f"--schedule={tmp_path / 'beat-schedule'}",
            ],
            cwd=ROOT,
            env=beat_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # When Redis is down while a member publishes a post (in a process whose broker is that Redis)
        private_redis.stop()
        script = (
            "import django; django.setup()\n"
            "from accounts.models import User; from forum.models import Thread\n"
            "from forum.services import post_create\n"
            f"thread = Thread.objects.get(pk={thread.pk})\n"
            f"post = post_create(thread=thread, author=User.objects.get(pk={member.pk}), "
            f"body={HELPED!r})\n"
            "print(post.pk)\n"
        )
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", script], cwd=ROOT, env=beat_env, capture_output=True, text=True, timeout=60
        )
        # then the post is saved, without an error for the member
        assert result.returncode == 0, result.stderr
        post = Post.objects.get(pk=int(result.stdout.strip().splitlines()[-1]))
        assert tag_of(post).status == TagStatus.PENDING
        # and shown in the thread
        page = client.get(reverse("forum:thread", args=[thread.pk]))
        assert page.status_code == 200
        assert "Gentle walking every morning" in page.content.decode()

        # When Redis comes back, the beat's sweep queues it and a worker tags it
        private_redis.start()
        wait_until(
            lambda: is_current(post),
            timeout=120,
            what="the post to be tagged after the outage",
            on_timeout=lambda: workers.logs() + beat_log.read_text(errors="replace"),
        )
        assert tag_of(post).outcome == "helped"
    finally:
        beat.terminate()
        beat.wait(timeout=20)


def test_a_post_that_breaks_the_tagger_is_marked_failed_and_its_batch_is_still_tagged(
    workers, member, thread
):
    workers.start(extra_env={"ANALYSIS_TAGGER_LOADER": "analysis.tests.faulty_tagger.load_tagger"})
    bodies = [
        HELPED,
        WORSENED,
        f"Odd one {BREAKS_THE_TAGGER}",
        "Tai chi has made me steadier on my feet.",
        HELPED,
    ]
    posts = [
        Post.objects.create(
            thread=thread, author=member, author_name=member.username, body=b, created_at=timezone.now()
        )
        for b in bodies
    ]
    services.tags_mark_pending(post_ids=[p.pk for p in posts])
    assert queueing.tags_enqueue(post_ids=[p.pk for p in posts])

    wait_until(
        lambda: not PostTag.objects.filter(status=TagStatus.PENDING).exists(),
        timeout=60,
        what="the batch to finish",
        on_timeout=workers.logs,
    )
    broken = tag_of(posts[2])
    assert broken.status == TagStatus.FAILED
    assert "RuntimeError: tagger broke on this text" in broken.error
    assert Post.objects.filter(pk=posts[2].pk).exists()  # the post itself is kept
    for post in posts[:2] + posts[3:]:
        assert is_current(post)
