"""Loading the real-writing development set (realdev): items carry their website and condition, and a
missing folder says where it looked and how to point at it."""

import json

import pytest

from devtools.tagger.evaluation import REALDEV_SPLITS, RealdevMissing, load_realdev, load_split


def _line(id_, url, outcome="helped", condition="fibromyalgia", interventions=()):
    return json.dumps(
        {
            "id": id_,
            "url": url,
            "text": f"Made-up passage {id_}: gentle laps in the pool left me calmer.",
            "outcome": outcome,
            "interventions": [{"name": n, "outcome": o} for n, o in interventions],
            "condition": condition,
            "why": "invented for a test",
            "annotators_agreed": True,
        }
    )


@pytest.fixture
def realdev_dir(tmp_path):
    folder = tmp_path / "realdev"
    folder.mkdir()
    (folder / "train.jsonl").write_text(
        _line("t1", "https://someone.example-blogs.com/2021/05/pool-days", interventions=[("swim", "helped")])
        + "\n"
        + _line("t2", "https://WWW.Aches-Forum.org/thread/7?page=2", outcome="worsened", condition="me/cfs")
        + "\n\n",
        encoding="utf-8",
    )
    (folder / "train-extra.jsonl").write_text(_line("x1", "http://notes.example.net/a") + "\n")
    (folder / "test.jsonl").write_text(_line("s1", "https://elsewhere.example.org/b") + "\n")
    return folder


def test_realdev_items_keep_their_website_as_group_and_their_condition(realdev_dir):
    items = load_realdev("realdev-train", realdev_dir)
    assert [i.id for i in items] == ["t1", "t2"]
    # the website, lower case and without "www.", so two pages of one site share a group
    assert [i.group for i in items] == ["someone.example-blogs.com", "aches-forum.org"]
    assert [i.condition for i in items] == ["fibromyalgia", "me/cfs"]
    assert [i.outcome for i in items] == ["helped", "worsened"]
    assert items[0].interventions == [{"name": "swim", "outcome": "helped"}]


def test_each_realdev_split_reads_its_files_and_realdev_is_train_and_extra_never_test(realdev_dir):
    ids = {split: [i.id for i in load_realdev(split, realdev_dir)] for split in REALDEV_SPLITS}
    assert ids == {
        "realdev-train": ["t1", "t2"],
        "realdev-extra": ["x1"],
        "realdev-test": ["s1"],
        "realdev": ["t1", "t2", "x1"],
    }
    assert [i.id for i in load_split("realdev-extra", realdev_dir=realdev_dir)] == ["x1"]


def test_a_missing_realdev_folder_says_where_it_looked_and_how_to_point_at_it(tmp_path):
    missing = tmp_path / "not-here"
    with pytest.raises(RealdevMissing) as caught:
        load_realdev("realdev", missing)
    message = str(caught.value)
    assert str(missing / "train.jsonl") in message
    assert "ANALYSIS_REALDEV_DIR" in message and "--realdev" in message
    assert isinstance(caught.value, FileNotFoundError)


def test_a_realdev_line_with_an_unknown_outcome_is_refused_with_its_place(realdev_dir):
    (realdev_dir / "train-extra.jsonl").write_text(
        _line("x9", "https://a.example.com", outcome="great") + "\n"
    )
    with pytest.raises(ValueError, match="train-extra.jsonl:1"):
        load_realdev("realdev-extra", realdev_dir)


def test_gold_items_have_no_group():
    assert {i.group for i in load_split("seed")} == {""}
