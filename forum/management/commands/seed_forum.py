"""Load the seed corpus (forum/seed_data/) into the forum. Safe to run again: it only adds what's missing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum.models import Category, Post, Thread
from forum.seeding.corpus import DEFAULT_DATA_DIR, SeedDataError, load_corpus
from forum.seeding.importer import corpus_import


class Command(BaseCommand):
    help = "Load the seeded exercise stories (categories, members, threads, posts). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help="Folder with categories.yaml, members_*.yaml and threads/*.yaml (default: forum/seed_data).",
        )

    def handle(self, *args, data_dir: Path, **options):
        try:
            corpus = load_corpus(data_dir)
        except SeedDataError as error:
            raise CommandError(f"Seed data is not valid, nothing was loaded. {error}") from error

        counts = corpus_import(corpus=corpus)

        self.stdout.write(
            f"Seed corpus in {data_dir}: {len(corpus.categories)} categories, {len(corpus.members)} members, "
            f"{len(corpus.threads)} threads, {corpus.post_count} posts."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {counts.categories_created} categories, {counts.members_created} members, "
                f"{counts.threads_created} threads, {counts.posts_created} posts."
            )
        )
        self.stdout.write(
            f"The forum now has {Category.objects.count()} categories, {Thread.objects.count()} threads "
            f"and {Post.objects.count()} posts."
        )
