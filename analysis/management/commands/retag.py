"""Queue posts for the tagging workers in batches and follow their progress."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from analysis import queueing, selectors


class Command(BaseCommand):
    help = "Re-tag posts through the Celery workers: all of them, the stale ones, or the failed ones."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="every post, even if its tag is current")
        which.add_argument(
            "--stale", action="store_true", help="posts with no tag, an old tagger or a changed text"
        )
        which.add_argument("--failed", action="store_true", help="posts the tagger failed on")
        parser.add_argument("--batch-size", type=int, default=settings.ANALYSIS_BATCH_SIZE)
        parser.add_argument(
            "--no-wait", action="store_true", help="queue and return without following progress"
        )
        parser.add_argument(
            "--timeout", type=float, default=3600, help="seconds to follow progress before giving up"
        )

    def handle(self, *args, all, stale, failed, batch_size, no_wait, timeout, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        mode = "all" if all else "stale" if stale else "failed"
        started = timezone.now()
        post_ids = list(selectors.post_ids_to_retag(mode=mode))
        total = len(post_ids)
        if not total:
            self.stdout.write("Nothing to re-tag.")
            return
        refused = queueing.tags_queue(post_ids=post_ids, batch_size=batch_size, force=(mode == "all"))
        if refused:
            raise CommandError(
                f"The broker refused {refused} batch(es); is it running? Nothing was lost: "
                "the posts stay pending and the periodic sweep will queue them again."
            )
        batches = -(-total // batch_size)
        self.stdout.write(f"Queued {total} post(s) in {batches} batch(es) of up to {batch_size}.")
        if no_wait:
            return
        self._follow(post_ids, started, total, timeout)

    def _follow(self, post_ids, started, total, timeout):
        deadline = time.monotonic() + timeout
        with tqdm(total=total, unit="post", desc="tagged", file=self.stdout, dynamic_ncols=True) as bar:
            finished = 0
            while finished < total:
                if time.monotonic() > deadline:
                    raise CommandError(
                        f"Gave up after {timeout:.0f}s with {finished}/{total} done; are workers running?"
                    )
                time.sleep(0.5)
                now_finished = selectors.tags_finished_since(post_ids=post_ids, since=started)
                bar.update(now_finished - finished)
                finished = now_finished
        failed = selectors.tags_failed_since(post_ids=post_ids, since=started)
        self.stdout.write(f"Done: {total - failed} tagged, {failed} failed.")
