"""Speed and memory of the tagger against VADER alone, on real-length posts.

Used by `python manage.py bench_tagger --posts N [--realdev PATH]`; no Django here. The posts are the
real-writing development set's passages (train and train-extra, never test) cycled to N, or, when that
folder is absent, synthetic posts of about 150 words made from our own sentence pieces with a fixed seed,
so runs compare like with like. One process, one thread: the tagger uses one core.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import time
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path

from analysis.nlp.tagger import load_tagger, prepare_text
from devtools.tagger.labelled_data import RealdevMissing, load_realdev

COMPONENT_POSTS = 500
CHUNK = 250  # posts per turn when VADER and the tagger alternate
# The goals (figures to read, not a timed test): per core, and the process after tagging.
GOAL_POSTS_PER_CORE = 200
GOAL_RSS_MB = 400
REALDEV_BENCH_SPLIT = "realdev"  # train + train-extra; the test split is never read here

_OPENERS = [
    "Bit of an update from me after a rough few months.",
    "Long time reader, first time posting here.",
    "I have had fibro for about six years now and work part time.",
    "Long covid since the spring of last year, mostly mild to moderate.",
    "ME diagnosis in 2019, housebound on bad weeks.",
    "Chronic back pain since a fall at work, so take this with a pinch of salt.",
]
_ACTIVITIES = [
    "a short walk",
    "the warm pool",
    "chair yoga",
    "ten minutes on the exercise bike",
    "tai chi",
    "gentle stretches",
    "the physio exercises",
    "a pilates class",
    "resistance bands",
    "a slow jog",
    "the graded exercise programme",
    "dancing in the kitchen",
    "the gym",
]
_GOOD = [
    "my pain eased a little",
    "I slept better that night",
    "I had more energy the next morning",
    "the fog lifted for a few hours",
    "my mood was noticeably better",
    "I felt stronger on the stairs",
    "my back was less stiff",
    "I felt human again for an afternoon",
]
_BAD = [
    "I crashed for three days",
    "I was wiped out by the evening",
    "the flare lasted a week",
    "my legs ached for days afterwards",
    "I spent the weekend in bed",
    "the payback was brutal",
    "it made me worse",
    "I could barely stand the next morning",
]
_CONTEXT = [
    "My physio says it should help in the long run.",
    "If you overdo it you will pay for it.",
    "It used to help, but not so much now.",
    "Has anyone else found the same thing?",
    "I did not expect much from it, honestly.",
    "My daughter has been doing it with me.",
    "I keep a diary of what I do and how I feel two days later.",
    "The weather has been awful, which never helps.",
    "I am trying to pace myself properly this time.",
    "LDN has taken the edge off the worst of the pain.",
    "Sleep is still broken most nights.",
    "My GP thinks I should be doing more, but she does not live in this body.",
]
_FILLER = [
    "We had the grandchildren over at the weekend and the house was chaos.",
    "Work has been busy and the commute is long.",
    "The dog needed the vet again this month.",
    "I have been reading a lot more since I cut my hours.",
    "Thanks to everyone who replied to my last post, it meant a lot.",
]


def synthetic_posts(n: int, words: int = 150, seed: int = 1234) -> list[str]:
    """n posts of about `words` words, mixing exercise outcomes, context traps and chatter."""
    rng = random.Random(seed)
    posts = []
    for _ in range(n):
        parts = [rng.choice(_OPENERS)]
        while sum(len(p.split()) for p in parts) < words:
            roll = rng.random()
            activity = rng.choice(_ACTIVITIES)
            if roll < 0.3:
                parts.append(f"I started doing {activity} three times a week and {rng.choice(_GOOD)}.")
            elif roll < 0.55:
                parts.append(f"After {activity} on Tuesday {rng.choice(_BAD)}.")
            elif roll < 0.8:
                parts.append(rng.choice(_CONTEXT))
            else:
                parts.append(rng.choice(_FILLER))
        posts.append(" ".join(parts))
    return posts


def bench_posts(n: int, realdev_dir: str | Path | None, seed: int = 1234) -> tuple[list[str], str]:
    """n posts and a line saying where they came from: the realdev passages cycled to n, else synthetic."""
    if realdev_dir is not None:
        try:
            texts = [item.text for item in load_realdev(REALDEV_BENCH_SPLIT, realdev_dir)]
        except RealdevMissing as exc:
            return synthetic_posts(n, seed=seed), f"synthetic (no real-writing set: {exc})"
        if texts:
            return list(islice(cycle(texts), n)), (
                f"real passages from {realdev_dir} (train and train-extra, {len(texts)} cycled to {n})"
            )
    return synthetic_posts(n, seed=seed), "synthetic (no real-writing set asked for)"


def rss_mb() -> float:
    """Current resident set size (Linux /proc), else the peak from getrusage."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class BenchResult:
    posts: int
    mean_words: float
    tagger_per_s: float
    vader_per_s: float
    tagger_cpu_per_s: float  # posts per second of the process's CPU time while tagging: posts/s per core
    rss_loaded_mb: float
    rss_end_mb: float
    components: list[tuple[str, float]]  # (component, posts/s on its own)
    median_words: float = 0.0
    source: str = "synthetic"

    @property
    def ratio(self) -> float:
        return self.vader_per_s / self.tagger_per_s if self.tagger_per_s else float("inf")


def run(
    n: int, batch_size: int = 256, seed: int = 1234, realdev_dir: str | Path | None = None
) -> BenchResult:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    tagger = load_tagger()
    tagger.tag("warm up: walking eases my pain")
    rss_loaded = rss_mb()
    posts, source = bench_posts(n, realdev_dir, seed=seed)
    words = [len(p.split()) for p in posts]
    mean_words = sum(words) / max(1, n)

    # VADER and the tagger take turns over the same chunks of posts, so a change in the machine's load
    # during the run (2 shared cores here) affects both rates alike
    vader = SentimentIntensityAnalyzer()
    vader_s = tagger_s = tagger_cpu_s = 0.0
    for lo in range(0, n, CHUNK):
        chunk = posts[lo : lo + CHUNK]
        start = time.perf_counter()
        for post in chunk:
            vader.polarity_scores(post)
        vader_s += time.perf_counter() - start
        start, cpu_start = time.perf_counter(), time.process_time()
        for _result, _key in tagger.tag_many(((p, i) for i, p in enumerate(chunk)), batch_size=batch_size):
            pass
        tagger_s += time.perf_counter() - start
        tagger_cpu_s += time.process_time() - cpu_start

    rss_end = rss_mb()
    # each component on its own, in pipeline order, over (up to COMPONENT_POSTS of) the same posts; the
    # docs are held in memory for this, so it runs after the RSS reading
    nlp = tagger.nlp
    sample = posts[:COMPONENT_POSTS]
    components = []
    start = time.perf_counter()
    docs = [nlp.make_doc(prepare_text(p)) for p in sample]
    components.append(("tokenizer", len(sample) / (time.perf_counter() - start)))
    for name, proc in nlp.pipeline:
        start = time.perf_counter()
        docs = [proc(doc) for doc in docs]
        components.append((name, len(sample) / max(1e-9, time.perf_counter() - start)))
    return BenchResult(
        n,
        mean_words,
        n / tagger_s,
        n / vader_s,
        n / max(1e-9, tagger_cpu_s),
        rss_loaded,
        rss_end,
        components,
        median_words=float(statistics.median(words)) if words else 0.0,
        source=source,
    )


def format_result(r: BenchResult) -> str:
    lines = [
        f"posts: {r.posts}, {r.source}",
        f"words per post: median {r.median_words:.0f}, mean {r.mean_words:.0f}",
        f"one process, one thread: the tagger runs on one core ({os.cpu_count()} on this machine)",
        f"full tagger (tag_many, batched): {r.tagger_per_s:8.0f} posts/s",
        f"VADER alone (whole post):        {r.vader_per_s:8.0f} posts/s",
        f"tagger cost / VADER cost:        {r.ratio:8.2f}x   (goal: at most 3x)",
        f"tagger posts/s per core:         {r.tagger_cpu_per_s:8.0f}      "
        f"(posts per CPU-second of the process; goal >= {GOAL_POSTS_PER_CORE})",
        f"RSS with the tagger loaded:      {r.rss_loaded_mb:8.0f} MB",
        f"RSS after the tagger has run:    {r.rss_end_mb:8.0f} MB   (goal < {GOAL_RSS_MB})",
        "",
        f"each component on its own (posts/s, first {min(r.posts, COMPONENT_POSTS)} posts):",
    ]
    for name, rate in r.components:
        lines.append(f"  {name:<22} {rate:10.0f}")
    return "\n".join(lines)
