"""evaluate_tagger and bench_tagger on the real-writing development set (realdev): a folder of made-up
passages in the same format stands in for it, and an absent folder is skipped, saying so.

No database access: the commands must not need it.
"""

import io
import json

import pytest
from django.core.management import call_command

POSTS = [
    ("a1", "https://one.example-blog.com/p/1", "Swimming twice a week has eased my hips a lot.", "helped"),
    ("a2", "https://www.two-forum.example.org/t/9", "The spin class wiped me out for days.", "worsened"),
    ("a3", "https://www.two-forum.example.org/t/12", "Has anyone here tried tai chi?", "none"),
    ("a4", "https://three.example.net/x", "Yoga calms my back but the pool makes it flare.", "mixed"),
]


def _write(path, posts, interventions):
    with path.open("w", encoding="utf-8") as fh:
        for id_, url, text, outcome in posts:
            fh.write(
                json.dumps(
                    {
                        "id": id_,
                        "url": url,
                        "text": text,
                        "outcome": outcome,
                        "interventions": interventions.get(id_, []),
                        "condition": "other",
                        "why": "made up for a test",
                        "annotators_agreed": True,
                    }
                )
                + "\n"
            )


@pytest.fixture
def realdev(tmp_path):
    folder = tmp_path / "realdev"
    folder.mkdir()
    names = {
        "a1": [{"name": "swimming", "outcome": "helped"}],
        "a2": [{"name": "spin class", "outcome": "worsened"}, {"name": "moon gazing", "outcome": "none"}],
    }
    _write(folder / "train.jsonl", POSTS, names)
    _write(folder / "train-extra.jsonl", POSTS[:2], names)
    _write(folder / "test.jsonl", POSTS[2:], {"a3": [{"name": "star counting", "outcome": "none"}]})
    return folder


def _evaluate(*args) -> str:
    out = io.StringIO()
    call_command("evaluate_tagger", *args, stdout=out)
    return out.getvalue()


def test_evaluate_tagger_skips_an_absent_realdev_folder_saying_where_it_looked(tmp_path):
    # when the folder is not there, the command returns normally (exit 0) and says why it did nothing
    text = _evaluate("--split", "realdev-train", "--realdev", str(tmp_path / "gone"))
    assert text.startswith("skipping realdev-train")
    assert str(tmp_path / "gone" / "train.jsonl") in text and "ANALYSIS_REALDEV_DIR" in text
    assert "macro-F1" not in text


def test_evaluate_tagger_on_realdev_prints_interval_calibration_and_the_unknown_names(realdev):
    text = _evaluate("--split", "realdev-train", "--realdev", str(realdev))
    # the passages and their websites (two pages of one forum are one site)
    assert "realdev-train: 4 passages from 3 websites" in text
    for expected in (
        "95% bootstrap interval",
        "confusion",
        "expected calibration error",
        "mean conf",
        "VADER-only baseline on realdev-train",
        "per-intervention outcome accuracy",
    ):
        assert expected in text
    # swimming and the spin class map to the tagger's pool and cycling; the unknown name is counted apart
    assert "pool" in text and "cycling" in text
    assert "does not know (left out above): 1" in text and "moon gazing" in text


def test_evaluate_tagger_on_realdev_test_does_not_list_the_names_it_holds(realdev):
    text = _evaluate("--split", "realdev-test", "--realdev", str(realdev))
    assert "realdev-test: 2 passages" in text
    assert "does not know (left out above): 1" in text
    assert "star counting" not in text


def test_bench_tagger_runs_on_the_realdev_passages_cycled_to_the_number_asked(realdev):
    out = io.StringIO()
    call_command("bench_tagger", "--posts", "10", "--realdev", str(realdev), stdout=out)
    text = out.getvalue()
    assert "posts: 10, real passages" in text and "6 cycled to 10" in text
    for expected in ("median", "VADER alone", "per core", "one thread", "RSS after the tagger has run"):
        assert expected in text


def test_bench_tagger_falls_back_to_synthetic_posts_and_says_so(tmp_path):
    out = io.StringIO()
    call_command("bench_tagger", "--posts", "10", "--realdev", str(tmp_path / "gone"), stdout=out)
    text = out.getvalue()
    assert "posts: 10, synthetic (no real-writing set" in text
    assert str(tmp_path / "gone") in text
