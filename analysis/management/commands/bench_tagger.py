"""Benchmark the outcome tagger against VADER alone: `python manage.py bench_tagger --posts 2000`."""

from django.core.management.base import BaseCommand, CommandError

from analysis.nlp import bench


class Command(BaseCommand):
    help = (
        "Tag N synthetic posts of about 150 words; print posts/s for the tagger and for VADER alone, and RSS."
    )
    requires_system_checks = []  # no database, no server

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=2000, help="how many synthetic posts (default 2000)")
        parser.add_argument("--batch-size", type=int, default=256, help="nlp.pipe batch size (default 256)")
        parser.add_argument("--seed", type=int, default=1234, help="seed of the synthetic posts")

    def handle(self, *args, posts, batch_size, seed, **options):
        if posts < 1 or batch_size < 1:
            raise CommandError("--posts and --batch-size must be at least 1")
        self.stdout.write(bench.format_result(bench.run(posts, batch_size=batch_size, seed=seed)))
