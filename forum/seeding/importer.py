"""Writing the seed corpus to the database (`manage.py seed_forum`, run by `make run`)."""

from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.db import transaction

from accounts.models import User
from forum.models import Category, Post, Thread
from forum.seeding.corpus import SeedCorpus
from forum.services import normalise_body


@dataclass
class CorpusImportCounts:
    categories_created: int = 0
    members_created: int = 0
    threads_created: int = 0
    posts_created: int = 0


@transaction.atomic
def corpus_import(*, corpus: SeedCorpus) -> CorpusImportCounts:
    """Write a validated seed corpus to the database. Idempotent: what exists already is left alone.

    Categories are keyed by slug, members by username, threads by their file name (Thread.seed_key) and
    posts by thread + key (Post.seed_key), so a post added to a file later is added on the next run.
    Seeded members get unusable passwords. This bypasses the rate limit, and doesn't queue tagging post by
    post: the analysis app's periodic sweep tags untagged posts.
    """
    counts = CorpusImportCounts()

    for category in corpus.categories:
        _, created = Category.objects.get_or_create(
            slug=category.slug,
            defaults={
                "name": category.name,
                "description": category.description,
                "position": category.position,
            },
        )
        counts.categories_created += created
    categories = {category.slug: category for category in Category.objects.all()}

    existing_usernames = set(
        User.objects.filter(username__in=[m.username for m in corpus.members]).values_list(
            "username", flat=True
        )
    )
    new_members = []
    for member in corpus.members:
        if member.username in existing_usernames:
            continue
        user = User(
            username=member.username,
            display_name=member.display_name,
            bio=member.bio,
            conditions=list(member.conditions),
            date_joined=datetime.combine(member.joined, time(12, 0), tzinfo=UTC),
        )
        user.set_unusable_password()
        new_members.append(user)
    User.objects.bulk_create(new_members)
    counts.members_created = len(new_members)
    users = {
        user.username: user for user in User.objects.filter(username__in=[m.username for m in corpus.members])
    }

    threads = {
        t.seed_key: t for t in Thread.objects.filter(seed_key__in=[s.file_key for s in corpus.threads])
    }
    for seed_thread in corpus.threads:
        first = seed_thread.posts[0]
        thread = threads.get(seed_thread.file_key)
        if thread is None:
            thread = Thread.objects.create(
                category=categories[seed_thread.category],
                title=seed_thread.title,
                author=users[first.author],
                created_at=first.created,
                last_posted_at=max(post.created for post in seed_thread.posts),
                seed_key=seed_thread.file_key,
            )
            counts.threads_created += 1
        existing = dict(Post.objects.filter(thread=thread).exclude(seed_key="").values_list("seed_key", "id"))
        missing = [post for post in seed_thread.posts if post.key not in existing]
        if not missing:
            continue
        # Top-level posts first, so replies can point at them.
        for level in (False, True):
            batch = [
                Post(
                    thread=thread,
                    parent_id=existing[post.reply_to] if post.reply_to else None,
                    reply_to_id=existing[post.reply_to] if post.reply_to else None,
                    author=users[post.author],
                    author_name=users[post.author].public_name,
                    body=normalise_body(post.body),
                    created_at=post.created,
                    seed_key=post.key,
                )
                for post in missing
                if (post.reply_to is not None) == level
            ]
            for created_post in Post.objects.bulk_create(batch):
                existing[created_post.seed_key] = created_post.pk
            counts.posts_created += len(batch)
        latest = max(post.created for post in seed_thread.posts)
        if latest > thread.last_posted_at:
            thread.last_posted_at = latest
            thread.save(update_fields=["last_posted_at"])
    return counts
