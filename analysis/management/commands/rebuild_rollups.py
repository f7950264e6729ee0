"""Rebuild the dashboard rollups from every post, or check them (`--check`) without writing."""

import sys
import time

from django.core.management.base import BaseCommand

from analysis.rollups import rollups_check, rollups_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard rollups from the posts (or compare them with --check; exit 1 on drift)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Compare only; exit with status 1 on a difference."
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, check: bool, batch_size: int, **options):
        started = time.monotonic()
        if check:
            report = rollups_check()
            if report.ok:
                self.stdout.write(self.style.SUCCESS("The rollups match the posts."))
                return
            for line in report.differences:
                self.stdout.write(line)
            self.stderr.write(self.style.ERROR("The rollups differ from the posts: run rebuild_rollups."))
            sys.exit(1)

        def progress(seen):
            if seen % 100_000 < batch_size:
                self.stdout.write(f"  {seen:,} posts…")

        report = rollups_rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the rollups from {report.posts_seen:,} posts ({report.posts_counted:,} counted, "
                f"{report.members_counted:,} members) in {time.monotonic() - started:.1f} s; "
                f"{report.rollup_rows:,} rollup rows."
            )
        )
