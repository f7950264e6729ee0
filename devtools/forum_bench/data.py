"""Fill a benchmark database with a synthetic forum, fast: PostgreSQL COPY with ids we assign ourselves.

Shape at each size N: N // 100 threads (10,000 at a million posts), one "largest" thread of 2,000 posts
made at the first step and never grown after, so its pages can be compared as the forum grows; the other
threads share the rest with a long tail of sizes. A fifth of the posts are replies to an earlier top-level
post (one level deep), 2% hidden by moderators, 1% deleted by their authors; most posts have a few
reactions; every post has an outcome tag like the ones the workers write, so thread pages show badges.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import User
from analysis.models import PostTag
from analysis.vocabulary import EXERCISES, TREATMENTS
from devtools.forum_bench.text import post_body, thread_title
from forum.models import Category, Post, Reaction, Thread

BENCH_PREFIX = "bench-"
POSTS_PER_THREAD = 100
POSTS_PER_MEMBER = 20
LARGEST_THREAD_POSTS = 2_000
REPLY_SHARE = 0.2
CHUNK = 20_000  # posts written per COPY round
CATEGORY_NAMES = [
    "Exercise and movement",
    "Pacing and crashes",
    "Treatments",
    "Pain and symptoms",
    "Research",
    "Welcome",
]


def foreign_posts_exist() -> bool:
    """True when the database holds posts this benchmark did not make: it must never write there."""
    return Post.objects.exclude(thread__category__slug__startswith=BENCH_PREFIX).exists()


def copy_rows(model: type[models.Model], rows: list[dict]) -> int:
    """Write `rows` ({attname: value}, the rest from field defaults) into `model`'s table; the ids too when
    the rows carry them, else the database numbers them."""
    if not rows:
        return 0
    pk = model._meta.pk.attname
    fields = [f for f in model._meta.concrete_fields if f.attname != pk or pk in rows[0]]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    defaults = {f.attname: f.get_default() for f in fields}
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}

    def values(row: dict) -> tuple:
        out = []
        for f in fields:
            value = row.get(f.attname, defaults[f.attname])
            out.append(json.dumps(value) if f.attname in json_fields else value)
        return tuple(out)

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
                    count += 1
        else:  # SQLite, for a quick try-out: the figures mean little there anyway
            marks = ", ".join(["%s"] * len(fields))
            batch = [values(row) for row in rows]
            sql = f"INSERT INTO {model._meta.db_table} ({names}) VALUES ({marks})"  # noqa: S608 - our tables
            cursor.executemany(sql, batch)
            count = len(batch)
    return count


def reset_sequences(*models_: type[models.Model]) -> None:
    """After writing explicit ids, move each table's id sequence past them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our own tables
                f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
            )


def analyze() -> None:
    """What autovacuum would do on a live site after a bulk load: fresh planner statistics."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE")


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1


@dataclass
class Forum:
    """What the load test needs to know about the filled forum."""

    posts: int
    threads: int
    category_slugs: list[str]
    category_pages: int  # pages of the biggest category
    largest_thread_id: int
    largest_thread_pages: int
    thread_ids: list[int]


class ForumFiller:
    def __init__(self, *, seed: int = 1):
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.names = list(EXERCISES) + list(TREATMENTS)
        self.name_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.names))]
        self.categories = [
            Category.objects.get_or_create(slug=f"{BENCH_PREFIX}{n}", defaults={"name": name, "position": n})[
                0
            ].id
            for n, name in enumerate(CATEGORY_NAMES)
        ]

    # --- members -------------------------------------------------------------------------------------

    def members(self, wanted: int) -> list[int]:
        existing = User.objects.filter(username__startswith=BENCH_PREFIX).count()
        if existing < wanted:
            conditions = [["fibromyalgia"], ["me/cfs"], ["long covid"], ["chronic pain"], []]
            User.objects.bulk_create(
                [
                    User(
                        username=f"{BENCH_PREFIX}{n}",
                        email=f"{BENCH_PREFIX}{n}@example.org",
                        password="!",  # noqa: S106 - an unusable password hash
                        conditions=self.rng.choice(conditions),
                        date_joined=self.now,
                    )
                    for n in range(existing, wanted)
                ],
                batch_size=5000,
            )
        return list(
            User.objects.filter(username__startswith=BENCH_PREFIX).order_by("id").values_list("id", flat=True)
        )

    # --- the fill --------------------------------------------------------------------------------------

    def fill_to(self, target: int) -> None:
        have = Post.objects.filter(thread__category__slug__startswith=BENCH_PREFIX).count()
        if have >= target:
            return
        self.member_ids = self.members(max(10, target // POSTS_PER_MEMBER))
        sizes = self._new_thread_sizes(have, target)
        thread_id, post_id, reaction_id = _next_id(Thread), _next_id(Post), _next_id(Reaction)
        with transaction.atomic():
            pending: list[tuple[int, int]] = []
            for size in sizes:
                pending.append((thread_id, size))
                thread_id += 1
                if sum(s for _, s in pending) >= CHUNK:
                    post_id, reaction_id = self._write_threads(pending, post_id, reaction_id)
                    pending = []
            if pending:
                self._write_threads(pending, post_id, reaction_id)
            reset_sequences(Thread, Post, Reaction)

    def _new_thread_sizes(self, have: int, target: int) -> list[int]:
        """Posts in each new thread: the largest first (at the first step), then a long tail."""
        sizes = []
        if not Thread.objects.filter(category__slug__startswith=BENCH_PREFIX).exists():
            sizes.append(min(LARGEST_THREAD_POSTS, max(1, target // 5)))
        left = target - have - sum(sizes)
        count = max(1, target // POSTS_PER_THREAD - Thread.objects.count() - len(sizes))
        weights = [self.rng.paretovariate(1.6) for _ in range(count)]
        scale = max(0, left - count) / sum(weights)
        tail = [1 + int(w * scale) for w in weights]
        tail[0] += left - sum(tail)  # exact total
        # never larger than the largest thread
        overflow = [max(0, s - LARGEST_THREAD_POSTS + 1) for s in tail]
        tail = [s - o for s, o in zip(tail, overflow, strict=True)]
        for extra in range(sum(overflow)):
            tail[extra % len(tail)] += 1
        return sizes + [s for s in tail if s > 0]

    def _write_threads(
        self, threads: list[tuple[int, int]], post_id: int, reaction_id: int
    ) -> tuple[int, int]:
        rng = self.rng
        thread_rows, post_rows, tag_rows, reaction_rows = [], [], [], []
        span = timedelta(days=4 * 365).total_seconds()
        for thread_id, size in threads:
            started = self.now - timedelta(seconds=span * rng.random())
            gap = (self.now - started).total_seconds() / (size + 1)
            top_level: list[int] = []
            when = started
            for n in range(size):
                when = when + timedelta(seconds=gap * rng.uniform(0.2, 1.8))
                when = min(when, self.now)
                parent = rng.choice(top_level) if n and top_level and rng.random() < REPLY_SHARE else None
                author = self.member_ids[int(len(self.member_ids) * rng.random() ** 2.5)]
                roll = rng.random() if n else 1.0  # opening posts stay readable
                post_rows.append(
                    {
                        "id": post_id,
                        "thread_id": thread_id,
                        "parent_id": parent,
                        "reply_to_id": parent,
                        "author_id": author,
                        "author_name": f"{BENCH_PREFIX}{author}",
                        "body": post_body(rng),
                        "created_at": when,
                        "is_hidden": roll < 0.02,
                        "hidden_at": when if roll < 0.02 else None,
                        "hide_reason": "Off topic" if roll < 0.02 else "",
                        "is_deleted": 0.02 <= roll < 0.03,
                        "deleted_at": when if 0.02 <= roll < 0.03 else None,
                    }
                )
                tag_rows.append(self._tag(post_id, when))
                for user in set(rng.sample(self.member_ids, min(len(self.member_ids), self._reactions()))):
                    reaction_rows.append(
                        {"id": reaction_id, "post_id": post_id, "user_id": user, "created_at": when}
                    )
                    reaction_id += 1
                if parent is None:
                    top_level.append(post_id)
                post_id += 1
            thread_rows.append(
                {
                    "id": thread_id,
                    "category_id": self.categories[thread_id % len(self.categories)],
                    "title": thread_title(rng, thread_id),
                    "author_id": post_rows[-size]["author_id"],
                    "created_at": started,
                    "last_posted_at": when,
                }
            )
        copy_rows(Thread, thread_rows)
        copy_rows(Post, post_rows)
        copy_rows(PostTag, tag_rows)
        copy_rows(Reaction, reaction_rows)
        return post_id, reaction_id

    def _reactions(self) -> int:
        return self.rng.choices([0, 1, 2, 3, 5], weights=[50, 25, 12, 8, 5])[0]

    def _tag(self, post_id: int, when: datetime) -> dict:
        rng = self.rng
        outcomes = ["worsened", "helped", "mixed", "none"]
        outcome = rng.choices(outcomes, weights=[35, 25, 15, 25])[0]
        chosen = sorted(set(rng.choices(self.names, weights=self.name_weights, k=rng.choice([0, 1, 1, 2]))))
        return {
            "post_id": post_id,
            "status": "done",
            "outcome": outcome,
            "confidence": round(rng.uniform(0.35, 1.0), 3),
            "interventions": [
                {"name": n, "kind": "exercise" if n in EXERCISES else "treatment", "outcome": outcome}
                for n in chosen
            ],
            "evidence": [],
            "tagger_version": "bench",
            "tagged_at": when,
        }

    # --- what the load test reads ---------------------------------------------------------------------

    def describe(self) -> Forum:
        from django.conf import settings

        threads = Thread.objects.filter(category__slug__startswith=BENCH_PREFIX)
        largest = threads.order_by("id").first()
        top_level = Post.objects.filter(
            thread=largest, parent__isnull=True, is_deleted=False, is_hidden=False
        )
        biggest_category = max(self.categories, key=lambda c: threads.filter(category_id=c).count())
        return Forum(
            posts=Post.objects.count(),
            threads=threads.count(),
            category_slugs=list(
                Category.objects.filter(id__in=self.categories).values_list("slug", flat=True)
            ),
            category_pages=-(
                -threads.filter(category_id=biggest_category).count() // settings.FORUM_THREADS_PER_PAGE
            ),
            largest_thread_id=largest.id,
            largest_thread_pages=max(1, -(-top_level.count() // settings.FORUM_POSTS_PER_PAGE)),
            thread_ids=list(threads.values_list("id", flat=True)),
        )

    def member_sessions(self, count: int) -> list[str]:
        """Session keys of `count` signed-in bench members, as a browser would hold after signing in."""
        keys = []
        for user in User.objects.filter(username__startswith=BENCH_PREFIX).order_by("id")[:count]:
            session = SessionStore()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            keys.append(session.session_key)
        return keys
