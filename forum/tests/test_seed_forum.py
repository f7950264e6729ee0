"""`manage.py seed_forum`: validation with the file name, idempotency, and the real corpus's targets."""

from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from forum.models import Category, Post, Thread
from forum.seeding.corpus import DEFAULT_DATA_DIR, SeedDataError, iter_labelled_posts, load_corpus

CATEGORIES = """\
- slug: exercise-and-movement
  name: Exercise and movement
  description: What moving did to you.
- slug: pacing-and-crashes
  name: Pacing and crashes
"""
MEMBERS = """\
- username: achy_otter
  display_name: Achy Otter
  conditions: [fibromyalgia]
  joined: 2019-02-14
  bio: Fibro since 2013.
- username: button_moon
  display_name: Button Moon
  conditions: [me/cfs]
  joined: 2018-09-12
  bio: ""
"""
THREAD = """\
category: exercise-and-movement
title: Did a walking programme wreck anyone else?
posts:
  - key: p1
    author: achy_otter
    created: 2019-03-18T19:42:00Z
    reply_to: null
    body: |-
      Week three my calves burned and I crashed for eleven days.
    label:
      outcome: worsened
      interventions:
        - {name: walking, outcome: worsened}
      symptoms: [pem]
      condition: fibromyalgia
      hard_cases: []
      why: The walking plan caused a crash.
  - key: p2
    author: button_moon
    created: 2019-03-19T08:00:00Z
    reply_to: p1
    body: |-
      Same here, it took me years to recover.
    label:
      outcome: worsened
      interventions: []
      symptoms: []
      condition: me/cfs
      hard_cases: [support]
      why: Same story.
"""


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    (tmp_path / "threads").mkdir()
    (tmp_path / "categories.yaml").write_text(CATEGORIES)
    (tmp_path / "members_a.yaml").write_text(MEMBERS)
    (tmp_path / "threads" / "a01_walking.yaml").write_text(THREAD)
    return tmp_path


def _seed(data_dir) -> str:
    out = StringIO()
    call_command("seed_forum", "--data-dir", str(data_dir), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seeding_loads_categories_members_threads_and_replies(corpus_dir):
    output = _seed(corpus_dir)
    assert "Created 2 categories, 2 members, 1 threads, 2 posts." in output
    thread = Thread.objects.get()
    assert (thread.seed_key, thread.title, thread.category.slug) == (
        "a01_walking",
        "Did a walking programme wreck anyone else?",
        "exercise-and-movement",
    )
    p1, p2 = thread.posts.order_by("created_at")
    assert p2.parent == p1
    assert (p1.author_name, p1.seed_key) == ("Achy Otter", "p1")
    assert thread.last_posted_at == p2.created_at
    # seeded members can't sign in with any password
    assert not User.objects.get(username="achy_otter").has_usable_password()
    assert User.objects.get(username="achy_otter").conditions == ["fibromyalgia"]


@pytest.mark.django_db
def test_seeding_twice_creates_nothing_new(corpus_dir):
    _seed(corpus_dir)
    counts = (Category.objects.count(), User.objects.count(), Thread.objects.count(), Post.objects.count())
    output = _seed(corpus_dir)
    assert "Created 0 categories, 0 members, 0 threads, 0 posts." in output
    assert (
        Category.objects.count(),
        User.objects.count(),
        Thread.objects.count(),
        Post.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_posts_added_to_a_file_later_are_added_on_the_next_run(corpus_dir):
    _seed(corpus_dir)
    path = corpus_dir / "threads" / "a01_walking.yaml"
    path.write_text(
        path.read_text()
        + "\n  - key: p3\n"
        + "    author: button_moon\n"
        + "    created: 2019-03-20T08:00:00Z\n"
        + "    reply_to: null\n"
        + "    body: A new top-level post.\n"
        + "    label: {outcome: none}\n"
    )
    assert "0 threads, 1 posts." in _seed(corpus_dir)
    assert Thread.objects.get().posts.count() == 3


@pytest.mark.django_db
def test_seeding_does_not_go_through_the_rate_limit(corpus_dir, settings):
    settings.FORUM_POSTS_PER_MINUTE = 1
    _seed(corpus_dir)
    assert Post.objects.count() == 2


BAD_THREADS = {
    "unknown outcome": ("outcome: worsened", "outcome: better", "outcome 'better' is not one of"),
    "unknown author": (
        "author: button_moon",
        "author: nobody_here",
        "author 'nobody_here' is not in any members",
    ),
    "reply to a missing post": (
        "reply_to: p1",
        "reply_to: p9",
        "reply_to 'p9' must name an earlier top-level post",
    ),
    "unknown category": (
        "category: exercise-and-movement",
        "category: knitting",
        "category 'knitting' is not in",
    ),
    "missing body": (
        "    body: |-\n      Same here",
        "    bodyy: |-\n      Same here",
        "missing key(s) ['body']",
    ),
    "unknown intervention": (
        "{name: walking",
        "{name: parkour",
        "intervention 'parkour' is not a canonical name",
    ),
    "title too long": (
        "title: Did a walking programme wreck anyone else?",
        "title: " + "x" * 201,
        "`title` is 201 characters; the limit is 200",
    ),
    "not yaml": ("posts:", "posts: [", "not valid YAML"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_THREADS))
def test_a_bad_thread_file_fails_with_its_name_and_loads_nothing(corpus_dir, case):
    old, new, message = BAD_THREADS[case]
    bad = corpus_dir / "threads" / "b07_broken.yaml"
    assert old in THREAD
    bad.write_text(THREAD.replace(old, new, 1))
    with pytest.raises(CommandError) as error:
        _seed(corpus_dir)
    assert "b07_broken.yaml" in str(error.value)
    assert message in str(error.value)
    assert not Thread.objects.exists() and not Category.objects.exists()


def test_a_member_defined_twice_is_reported_with_both_files(corpus_dir):
    (corpus_dir / "members_b.yaml").write_text(MEMBERS)
    with pytest.raises(
        SeedDataError, match=r"members_b.yaml: member 'achy_otter': already defined in members_a.yaml"
    ):
        load_corpus(corpus_dir)


def test_labels_are_readable_without_a_database(corpus_dir):
    rows = list(iter_labelled_posts(corpus_dir))
    assert [(f, k, label["outcome"]) for f, k, _, label in rows] == [
        ("a01_walking.yaml", "p1", "worsened"),
        ("a01_walking.yaml", "p2", "worsened"),
    ]
    assert rows[0][2].startswith("Week three my calves")


@pytest.mark.corpus
def test_the_real_corpus_is_valid_and_meets_its_targets():
    corpus = load_corpus()
    outcomes = Counter(label["outcome"] for _, _, _, label in iter_labelled_posts())
    assert corpus.post_count >= 400
    assert len(corpus.threads) >= 60
    assert len(corpus.members) >= 80
    assert set(outcomes) == {"helped", "worsened", "mixed", "none"}


@pytest.mark.corpus
@pytest.mark.django_db
def test_the_real_corpus_loads_and_reloads_without_changes():
    _seed(DEFAULT_DATA_DIR)
    posts = Post.objects.count()
    assert "Created 0 categories, 0 members, 0 threads, 0 posts." in _seed(DEFAULT_DATA_DIR)
    assert Post.objects.count() == posts >= 400
