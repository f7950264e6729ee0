"""Benchmark the outcome tagger against VADER alone: `python manage.py bench_tagger --posts 2000`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.tagger import bench


class Command(BaseCommand):
    help = (
        "Tag N real-length posts (the real-writing development set's passages, train and train-extra, "
        "cycled to N; synthetic posts of about 150 words when that folder is absent); print posts/s for the "
        "tagger and for VADER alone, posts/s per core, words per post and RSS."
    )
    requires_system_checks = []  # no database, no server

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=2000, help="how many posts (default 2000)")
        parser.add_argument("--batch-size", type=int, default=256, help="nlp.pipe batch size (default 256)")
        parser.add_argument("--seed", type=int, default=1234, help="seed of the synthetic posts")
        parser.add_argument(
            "--realdev",
            type=Path,
            default=None,
            metavar="PATH",
            help="folder of the real-writing development set (default: the ANALYSIS_REALDEV_DIR setting)",
        )

    def handle(self, *args, posts, batch_size, seed, realdev, **options):
        if posts < 1 or batch_size < 1:
            raise CommandError("--posts and --batch-size must be at least 1")
        realdev_dir = realdev or Path(settings.ANALYSIS_REALDEV_DIR)
        result = bench.run(posts, batch_size=batch_size, seed=seed, realdev_dir=realdev_dir)
        self.stdout.write(bench.format_result(result))
