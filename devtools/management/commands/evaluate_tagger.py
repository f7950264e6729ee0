"""Evaluate the outcome tagger on labelled data: `python manage.py evaluate_tagger [--split dev]`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from analysis.nlp.pipeline import build_pipeline
from analysis.nlp.tagger import Tagger
from devtools.tagger import evaluation


class Command(BaseCommand):
    help = (
        "Per-class precision/recall/F1, macro-F1 with its bootstrap 95% interval, the confusion matrix, "
        "per-intervention outcome accuracy and calibration (ECE, reliability table) of the tagger, and the "
        "same for a VADER-only baseline, on a labelled split."
    )
    requires_system_checks = []  # reads files only: no database, no server

    def add_arguments(self, parser):
        parser.add_argument(
            "--split",
            choices=evaluation.SPLITS + evaluation.REALDEV_SPLITS,
            default="dev",
            help=(
                "gold split (train/dev/test), a held-out split (challenge/fresh), the forum's labelled seed "
                "stories, all (the written data; default dev), or the real-writing development set: "
                "realdev-train, realdev-extra, realdev (both) or realdev-test (score it once per round)"
            ),
        )
        parser.add_argument(
            "--realdev",
            type=Path,
            default=None,
            metavar="PATH",
            help="folder of the real-writing development set (default: the ANALYSIS_REALDEV_DIR setting)",
        )
        parser.add_argument(
            "--method",
            choices=("auto", "rules", "model"),
            default="auto",
            help="decision method (default: the committed model, else rules)",
        )

    def handle(self, *args, split, realdev, method, **options):
        realdev_dir = realdev or Path(settings.ANALYSIS_REALDEV_DIR)
        try:
            items = evaluation.load_split(split, realdev_dir=realdev_dir)
        except evaluation.RealdevMissing as exc:
            self.stdout.write(f"skipping {split}: {exc}")
            return
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not items:
            raise CommandError(f"no labelled items in split {split!r}")
        if split in evaluation.REALDEV_SPLITS:
            sites = len({i.group for i in items})
            self.stdout.write(
                f"{split}: {len(items)} passages from {sites} websites, read from {realdev_dir}\n"
            )
        tagger = Tagger(build_pipeline(method=method))
        report, _ = evaluation.tagger_report(items, tagger, name=f"outcome tagger ({method}) on {split}")
        baseline = evaluation.vader_baseline(items)
        baseline.name = f"VADER-only baseline on {split}"
        baseline.unmapped_hidden = "the same names as under the tagger's report"
        if split == evaluation.REALDEV_TEST_SPLIT:
            report.unmapped_hidden = baseline.unmapped_hidden = (
                "a test split is scored, never read for tuning"
            )
        self.stdout.write(evaluation.format_report(report))
        self.stdout.write("")
        self.stdout.write(evaluation.format_report(baseline))
        self.stdout.write("")
        self.stdout.write(evaluation.format_comparison([report, baseline], ["outcome tagger", "VADER only"]))
        if split == "test":
            self.stdout.write(
                f"\ntest macro-F1 threshold in the code: {evaluation.TEST_MACRO_F1_THRESHOLD:.3f}"
            )
