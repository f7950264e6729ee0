"""Benchmark the public dashboard and its API on synthetic data (not a test; run it on PostgreSQL).

    createdb bench   # or: psql -h 127.0.0.1 -U postgres -c 'create database bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python manage.py bench_dashboard --posts 1000000

Fills the database with synthetic members, threads, posts and tags in steps (10k, 100k, 1M by default),
rebuilds the rollups at each step, and prints p50 and p95 response times of the dashboard page and of the
API over a mix of filters. It refuses to touch a database with posts of its own (not made by this command).
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from analysis.models import OutcomeRollup, PostTag
from analysis.rollups import rollups_rebuild, rollups_refresh_posts
from analysis.vocabulary import EXERCISES, TREATMENTS
from forum.models import Category, Post, Thread

BENCH_PREFIX = "bench-"
POSTS_PER_MEMBER = 20
POSTS_PER_THREAD = 25
MONTHS = 48
BATCH = 10_000

QUERIES = [
    "",
    "intervention=walking",
    "condition=fibromyalgia",
    "since=2023-01&until=2023-12",
    "min_confidence=0.7",
    "confirmed=1",
    "intervention=pool&condition=me%2Fcfs&min_confidence=0.6",
    "intervention=strength&since=2022-06",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[index]


class Command(BaseCommand):
    help = "Fill the database with synthetic posts and tags and time the dashboard and API (p50, p95)."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=1_000_000, help="The largest size to reach.")
        parser.add_argument("--sizes", default="10000,100000,1000000", help="Steps at which to measure.")
        parser.add_argument("--requests", type=int, default=80, help="Timed requests per endpoint per step.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, posts: int, sizes: str, requests: int, seed: int, **options):
        if Post.objects.exclude(thread__category__slug__startswith=BENCH_PREFIX).exists():
            raise CommandError("This database has real posts; run the benchmark on a database of its own.")
        if connection.vendor != "postgresql":
            self.stdout.write(self.style.WARNING("Not PostgreSQL: the figures will not mean much."))
        steps = sorted({min(int(s), posts) for s in sizes.split(",") if s.strip()} | {posts})
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self._setup()
        self.stdout.write(
            f"bench_dashboard on {connection.vendor}: {requests} timed requests per endpoint per step, "
            f"filters rotating over {len(QUERIES)} combinations; times in ms"
        )
        self.stdout.write(
            f"{'posts':>10} {'fill s':>8} {'rebuild s':>9} {'rollup rows':>11} | "
            f"{'page p50':>8} {'page p95':>8} | {'api p50':>8} {'api p95':>8} | "
            f"{'list p95':>8} | {'refresh 100':>11}"
        )
        for target in steps:
            fill = self._fill_to(target)
            rebuild = self._rebuild()
            page = self._time(reverse("dashboards:index"), requests)
            api = self._time(reverse("dashboards:api_dashboard"), requests)
            drill = self._time(reverse("dashboards:posts"), max(10, requests // 4), extra="outcome=worsened")
            refresh = self._time_refresh()
            self.stdout.write(
                f"{Post.objects.count():>10,} {fill:>8.1f} {rebuild:>9.1f} "
                f"{OutcomeRollup.objects.count():>11,} | "
                f"{percentile(page, 0.5):>8.1f} {percentile(page, 0.95):>8.1f} | "
                f"{percentile(api, 0.5):>8.1f} {percentile(api, 0.95):>8.1f} | "
                f"{percentile(drill, 0.95):>8.1f} | {refresh:>9.1f}ms"
            )

    # --- synthetic data ---------------------------------------------------------------------------------

    def _setup(self):
        self.categories = []
        for number, name in enumerate(
            [
                "Exercise and movement",
                "Pacing and crashes",
                "Treatments",
                "Pain and symptoms",
                "Research",
                "Welcome",
            ]
        ):
            category, _ = Category.objects.get_or_create(
                slug=f"{BENCH_PREFIX}{number}", defaults={"name": f"{name} (bench)", "position": 100 + number}
            )
            self.categories.append(category.id)
        names = list(EXERCISES) + list(TREATMENTS)
        # Some interventions are far more talked about than others.
        self.names = names
        self.name_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(names))]

    def _fill_to(self, target: int) -> float:
        started = time.monotonic()
        have = Post.objects.count()
        while have < target:
            count = min(BATCH, target - have)
            with transaction.atomic():
                self._add_posts(have, count)
            have += count
        return time.monotonic() - started

    def _members_for(self, upto: int) -> list[int]:
        wanted = upto // POSTS_PER_MEMBER + 1
        existing = list(
            User.objects.filter(username__startswith=BENCH_PREFIX).order_by("id").values_list("id", flat=True)
        )
        if len(existing) < wanted:
            conditions = [
                ["fibromyalgia"],
                ["me/cfs"],
                ["long covid"],
                ["chronic pain"],
                ["fibromyalgia", "me/cfs"],
                [],
            ]
            new = [
                User(
                    username=f"{BENCH_PREFIX}{n}",
                    email=f"{BENCH_PREFIX}{n}@example.org",
                    password="!",  # noqa: S106 - an unusable password hash
                    conditions=self.rng.choice(conditions),
                    research_opt_in=self.rng.random() > 0.1,
                )
                for n in range(len(existing), wanted)
            ]
            User.objects.bulk_create(new, batch_size=5000)
            existing = list(
                User.objects.filter(username__startswith=BENCH_PREFIX)
                .order_by("id")
                .values_list("id", flat=True)
            )
        return existing

    def _add_posts(self, start: int, count: int):
        rng = self.rng
        members = self._members_for(start + count)
        threads_needed = (start + count) // POSTS_PER_THREAD + 1
        thread_ids = list(
            Thread.objects.filter(category__slug__startswith=BENCH_PREFIX)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if len(thread_ids) < threads_needed:
            created = self.now - timedelta(days=30 * MONTHS)
            Thread.objects.bulk_create(
                [
                    Thread(
                        category_id=rng.choice(self.categories),
                        title=f"Bench thread {n}",
                        created_at=created,
                        last_posted_at=created,
                    )
                    for n in range(len(thread_ids), threads_needed)
                ],
                batch_size=5000,
            )
            thread_ids = list(
                Thread.objects.filter(category__slug__startswith=BENCH_PREFIX)
                .order_by("id")
                .values_list("id", flat=True)
            )
        span = timedelta(days=30.4 * MONTHS).total_seconds()
        posts = []
        for _ in range(count):
            # A few members write most of the posts.
            author = members[int(len(members) * rng.random() ** 2.5)]
            roll = rng.random()
            posts.append(
                Post(
                    thread_id=rng.choice(thread_ids),
                    author_id=author,
                    author_name="bench member",
                    body="Synthetic post for the dashboard benchmark. Walking helped, then I crashed.",
                    created_at=self.now - timedelta(seconds=rng.random() * span),
                    is_hidden=roll < 0.02,
                    is_deleted=0.02 <= roll < 0.03,
                )
            )
        Post.objects.bulk_create(posts, batch_size=5000)
        outcomes = ["worsened", "helped", "mixed", "none"]
        tags = []
        for post in posts:
            outcome = rng.choices(outcomes, weights=[35, 25, 15, 25])[0]
            chosen = set(rng.choices(self.names, weights=self.name_weights, k=rng.choice([0, 1, 1, 2, 2, 3])))
            interventions = [
                {
                    "name": name,
                    "kind": "exercise" if name in EXERCISES else "treatment",
                    "outcome": outcome if rng.random() < 0.7 else rng.choice(outcomes),
                }
                for name in sorted(chosen)
            ]
            status_roll = rng.random()
            status = "pending" if status_roll < 0.01 else "failed" if status_roll < 0.015 else "done"
            label_roll = rng.random()
            tags.append(
                PostTag(
                    post_id=post.id,
                    status=status,
                    outcome=outcome if status == "done" else "",
                    confidence=round(rng.uniform(0.35, 1.0), 3) if status == "done" else None,
                    interventions=interventions,
                    evidence=[
                        {
                            "start": 0,
                            "end": 58,
                            "text": post.body[:58],
                            "outcome": outcome,
                            "intervention": None,
                        }
                    ],
                    author_outcome=(outcome if rng.random() < 0.7 else rng.choice(outcomes))
                    if label_roll < 0.08
                    else "",
                    moderator_outcome=rng.choice(outcomes) if 0.08 <= label_roll < 0.1 else "",
                    tagger_version="bench",
                    tagged_at=post.created_at,
                )
            )
        PostTag.objects.bulk_create(tags, batch_size=5000)

    # --- measuring ----------------------------------------------------------------------------------------

    def _rebuild(self) -> float:
        started = time.monotonic()
        rollups_rebuild(batch_size=5000)
        elapsed = time.monotonic() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # What autovacuum does in a running system (VACUUM cannot run inside a transaction).
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        return elapsed

    def _time(self, path: str, requests: int, extra: str = "") -> list[float]:
        client = Client(SERVER_NAME="localhost")
        queries = [q for q in QUERIES] if not extra else [f"{extra}&{q}" if q else extra for q in QUERIES]
        for query in queries:  # warm the caches once
            response = client.get(f"{path}?{query}")
            if response.status_code != 200:
                raise CommandError(f"{path}?{query} answered {response.status_code}")
        timings = []
        for number in range(requests):
            query = queries[number % len(queries)]
            started = time.perf_counter()
            client.get(f"{path}?{query}")
            timings.append((time.perf_counter() - started) * 1000)
        return timings

    def _time_refresh(self) -> float:
        """A worker's cost per tag batch: change 100 tags and refresh their rollups (median of 5)."""
        last = Post.objects.order_by("-id").values_list("id", flat=True).first()
        timings = []
        for _ in range(5):
            ids = sorted({self.rng.randint(1, last) for _ in range(100)})
            started = time.perf_counter()
            with transaction.atomic():
                PostTag.objects.filter(post_id__in=ids, status="done").update(
                    outcome=self.rng.choice(["helped", "worsened"])
                )
                rollups_refresh_posts(post_ids=ids)
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)
