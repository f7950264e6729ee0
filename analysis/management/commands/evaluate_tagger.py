"""Evaluate the outcome tagger on labelled data: `python manage.py evaluate_tagger [--split dev]`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from analysis.nlp import evaluation
from analysis.nlp.pipeline import build_pipeline
from analysis.nlp.tagger import Tagger


class Command(BaseCommand):
    help = (
        "Per-class precision/recall/F1, macro-F1, the confusion matrix and per-intervention outcome accuracy "
        "of the tagger, and the same for a VADER-only baseline, on a labelled split."
    )
    requires_system_checks = []  # reads files only: no database, no server

    def add_arguments(self, parser):
        parser.add_argument(
            "--split",
            choices=evaluation.SPLITS,
            default="dev",
            help=(
                "gold split (train/dev/test), a held-out split (challenge/fresh), the forum's labelled seed "
                "stories, or all (default dev)"
            ),
        )
        parser.add_argument(
            "--method",
            choices=("auto", "rules", "model"),
            default="auto",
            help="decision method (default: the committed model, else rules)",
        )

    def handle(self, *args, split, method, **options):
        seed_dir = Path(settings.BASE_DIR) / "forum" / "seed_data" / "threads"
        try:
            items = evaluation.load_split(split, seed_dir=seed_dir)
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not items:
            raise CommandError(f"no labelled items in split {split!r}")
        tagger = Tagger(build_pipeline(method=method))
        report, _ = evaluation.tagger_report(items, tagger, name=f"outcome tagger ({method}) on {split}")
        baseline = evaluation.vader_baseline(items)
        baseline.name = f"VADER-only baseline on {split}"
        self.stdout.write(evaluation.format_report(report))
        self.stdout.write("")
        self.stdout.write(evaluation.format_report(baseline))
        self.stdout.write("")
        self.stdout.write(evaluation.format_comparison([report, baseline], ["outcome tagger", "VADER only"]))
        if split == "test":
            self.stdout.write(
                f"\ntest macro-F1 threshold in the code: {evaluation.TEST_MACRO_F1_THRESHOLD:.3f}"
            )
