"""Benchmark: posts/s through the whole pipeline (broker, real workers, database) against the tagger alone."""

import time
import uuid
from pathlib import Path
from tempfile import mkdtemp

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from analysis import queueing, services
from analysis.models import PostTag, TagStatus
from analysis.rollups import rollups_backlog_size, rollups_refresh_backlog
from analysis.tagging import get_tagger
from config.celery import app as celery_app
from devtools.worker_processes import WorkerProcess, wait_until
from forum.models import Category, Post, Thread
from forum.seeding.corpus import iter_labelled_posts

BENCH_SLUG = "benchmark-posts"


def bench_bodies(n: int) -> list[str]:
    """n realistic posts: the seed stories in turn, each made unique so no two share a text hash."""
    stories = [body for _, _, body, _ in iter_labelled_posts()]
    return [f"{stories[i % len(stories)]}\n\n(benchmark post {i})" for i in range(n)]


class Command(BaseCommand):
    help = "Create N posts, re-tag them through real Celery workers and compare with the in-process tagger."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=20_000)
        parser.add_argument("--workers", type=int, default=2, help="worker pool processes")
        parser.add_argument("--batch-size", type=int, default=settings.ANALYSIS_BATCH_SIZE)
        parser.add_argument("--keep", action="store_true", help="keep the benchmark posts afterwards")
        parser.add_argument("--timeout", type=float, default=3600)

    def handle(self, *args, posts, workers, batch_size, keep, timeout, **options):
        if posts < 1 or workers < 1 or batch_size < 1:
            raise CommandError("--posts, --workers and --batch-size must be positive")
        broker = settings.CELERY_BROKER_URL
        self.stdout.write(
            f"Database: {connection.vendor}; broker: {broker.split('@')[-1]}; {workers} worker process(es); "
            f"batches of {batch_size}"
        )
        bodies = bench_bodies(posts)
        words = sum(len(b.split()) for b in bodies) / posts

        tagger = get_tagger()
        started = time.perf_counter()
        for _ in tagger.tag_many(((body, i) for i, body in enumerate(bodies)), batch_size=64):
            pass
        in_process = posts / (time.perf_counter() - started)

        post_ids = self._create_posts(bodies)
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        previous_queue = celery_app.conf.task_default_queue
        # Everything this run queues (the refresh that follows the in-process batches too) goes to its queue.
        celery_app.conf.task_default_queue = queue
        # The same work as a task body (lock, tag, write), in this process, without broker or worker.
        started = time.perf_counter()
        for start in range(0, posts, batch_size):
            services.post_tags_compute(post_ids=post_ids[start : start + batch_size], force=True)
        in_process_with_db = posts / (time.perf_counter() - started)
        # The dashboards' share, done by the workers in a few large refreshes after the tag batches.
        started = time.perf_counter()
        rollups_refresh_backlog()
        refresh_rate = posts / (time.perf_counter() - started)
        log_path = Path(mkdtemp(prefix="bench-pipeline-")) / "worker.log"
        worker = WorkerProcess(
            queue=queue, broker_url=settings.REDIS_URL or broker, log_path=log_path, concurrency=workers
        )
        try:
            worker.start(timeout=120)
            self._warm_up(worker, post_ids[:workers])
            started_at = timezone.now()
            if queueing.tags_queue(post_ids=post_ids, batch_size=batch_size, force=True):
                raise CommandError("the broker refused a batch")
            tags = PostTag.objects.filter(post__thread__category__slug=BENCH_SLUG)
            # Polled once a second (a tighter loop would take CPU from the workers being measured); the
            # finishing time is read from the tags themselves, so the poll interval doesn't blur it.
            wait_until(
                lambda: not tags.exclude(status=TagStatus.DONE).exists(),
                timeout=timeout,
                interval=1.0,
                what="the workers to tag every post",
                on_timeout=worker.log_tail,
                alive=worker.alive,
            )
            finished_at = tags.aggregate(last=Max("tagged_at"))["last"]
            end_to_end = posts / (finished_at - started_at).total_seconds()
            wait_until(
                lambda: not rollups_backlog_size(),
                timeout=timeout,
                interval=0.2,
                what="the rollup refreshes",
                on_timeout=worker.log_tail,
                alive=worker.alive,
            )
            counted_after = (timezone.now() - started_at).total_seconds()
        finally:
            worker.stop()
            celery_app.conf.task_default_queue = previous_queue
            if not keep:
                self._delete_posts()

        per_process = end_to_end / workers
        self.stdout.write(f"posts: {posts} (mean {words:.0f} words)")
        self.stdout.write(f"tagger in-process, one process:   {in_process:8.1f} posts/s")
        self.stdout.write(f"task body in-process (tag + database):{in_process_with_db:6.1f} posts/s")
        self.stdout.write(f"rollup refresh in-process:        {refresh_rate:8.1f} posts/s")
        self.stdout.write(f"end to end, {workers} worker process(es): {end_to_end:8.1f} posts/s")
        self.stdout.write(f"end to end per worker process:    {per_process:8.1f} posts/s")
        self.stdout.write(f"ratio per process / in-process:   {per_process / in_process:8.2f} (goal >= 0.70)")
        self.stdout.write(
            f"dashboards counted every post:    {counted_after:8.1f} s after queueing "
            f"({posts / counted_after:.1f} posts/s, within 0.2 s)"
        )

    def _warm_up(self, worker: WorkerProcess, post_ids: list[int]) -> None:
        """One task per pool process first, so the timing is of the pipeline, not of the workers starting."""
        before = worker.log_path.read_text().count("succeeded in")
        for post_id in post_ids:
            queueing.tags_enqueue(post_ids=[post_id], force=True)
        wait_until(
            lambda: worker.log_path.read_text().count("succeeded in") >= before + len(post_ids),
            timeout=120,
            what="the warm-up tasks",
            on_timeout=worker.log_tail,
            alive=worker.alive,
        )

    def _delete_posts(self) -> None:
        Thread.objects.filter(category__slug=BENCH_SLUG).delete()
        Category.objects.filter(slug=BENCH_SLUG).delete()

    def _create_posts(self, bodies: list[str]) -> list[int]:
        self._delete_posts()
        category = Category.objects.create(slug=BENCH_SLUG, name="Benchmark posts", position=999)
        author, _ = User.objects.get_or_create(
            username="bench_author", defaults={"email": "bench@example.org"}
        )
        now = timezone.now()
        thread = Thread.objects.create(
            category=category, title="Benchmark", author=author, created_at=now, last_posted_at=now
        )
        Post.objects.bulk_create(
            [Post(thread=thread, author=author, author_name="bench", body=b, created_at=now) for b in bodies],
            batch_size=2000,
        )
        return list(Post.objects.filter(thread=thread).order_by("id").values_list("id", flat=True))
