"""Labelled posts the tagger is measured on: the written gold splits, the forum's seed stories and the
real-writing development set ("realdev").

gold: data/gold/{train,dev,test,challenge,fresh}.jsonl, written for this project.
seed: the forum's seed corpus (forum.seeding.corpus), each labelled post (no database).
realdev: public passages by patients, kept outside the repository (ANALYSIS_REALDEV_DIR or --realdev);
each line has the passage's url, whose website becomes `Item.group` so that cross-validation can keep a
site on one side. Its test.jsonl is scored once per round and never read for tuning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from analysis.nlp.resources import OUTCOMES
from forum.seeding.corpus import DEFAULT_DATA_DIR, iter_labelled_posts

PACKAGE_DIR = Path(__file__).parent
GOLD_DIR = PACKAGE_DIR / "data" / "gold"
SEED_DIR = DEFAULT_DATA_DIR
# Beside the project's checkout; the Django setting ANALYSIS_REALDEV_DIR points elsewhere when needed.
REALDEV_DIR = PACKAGE_DIR.parents[2] / "shared" / "realdev"
GOLD_SPLITS = ("train", "dev", "test")
# Kept out of all fitting and choosing: estimates of how the tagger does on writing unlike the rest of our
# data. challenge: a third writer in a comment-thread voice. fresh: many writers in forum and comment
# voices, written blind to the tagger and its data. Not part of "all".
HELD_OUT_SPLITS = ("challenge", "fresh")
SPLITS = (*GOLD_SPLITS, *HELD_OUT_SPLITS, "seed", "all")
# The real-writing splits and their files; "realdev" is train and train-extra together (never test).
REALDEV_FILES = {
    "realdev-train": ("train.jsonl",),
    "realdev-extra": ("train-extra.jsonl",),
    "realdev-test": ("test.jsonl",),
    "realdev": ("train.jsonl", "train-extra.jsonl"),
}
REALDEV_SPLITS = tuple(REALDEV_FILES)
REALDEV_TEST_SPLIT = "realdev-test"


class RealdevMissing(FileNotFoundError):
    """The real-writing development set is not where we looked; the message says where and how to point
    at it."""


@dataclass
class Item:
    id: str
    text: str
    outcome: str
    interventions: list[dict] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    hard_cases: list[str] = field(default_factory=list)
    # the website a realdev passage was published on, for cross-validation grouped by site; "" elsewhere
    group: str = ""
    condition: str = ""


def site_of(url: str) -> str:
    """The website of a url, lower case, without a leading "www.": the unit that must not be split."""
    host = (urlsplit(url or "").hostname or "").lower()
    return host.removeprefix("www.")


def _item(raw: dict, where: str) -> Item:
    if raw.get("outcome") not in OUTCOMES:
        raise ValueError(f"{where}: outcome {raw.get('outcome')!r} is not one of {OUTCOMES}")
    if not isinstance(raw.get("text"), str):
        raise ValueError(f"{where}: no text")
    return Item(
        id=str(raw.get("id", where)),
        text=raw["text"],
        outcome=raw["outcome"],
        interventions=[i for i in (raw.get("interventions") or []) if isinstance(i, dict) and "name" in i],
        symptoms=list(raw.get("symptoms") or []),
        hard_cases=list(raw.get("hard_cases") or []),
        group=site_of(raw["url"]) if isinstance(raw.get("url"), str) else "",
        condition=str(raw.get("condition") or ""),
    )


def load_jsonl(path: Path) -> list[Item]:
    items = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                items.append(_item(json.loads(line), f"{path}:{n}"))
    return items


def load_seed(data_dir: Path = SEED_DIR) -> list[Item]:
    """The seed corpus's labelled posts, read by the forum's own loader (which validates the files)."""
    return [
        _item({**label, "id": f"{Path(file).stem}:{key}", "text": body}, f"{file}:{key}")
        for file, key, body, label in iter_labelled_posts(data_dir)
        if label
    ]


def load_realdev(split: str, directory: str | Path = REALDEV_DIR) -> list[Item]:
    """The passages of one realdev split; RealdevMissing when the folder or one of its files is absent."""
    if split not in REALDEV_FILES:
        raise ValueError(f"unknown realdev split {split!r}; expected one of {REALDEV_SPLITS}")
    directory = Path(directory)
    items = []
    for name in REALDEV_FILES[split]:
        path = directory / name
        if not path.is_file():
            raise RealdevMissing(
                f"the real-writing development set is not there: looked for {path}. Point at the folder "
                "holding train.jsonl, train-extra.jsonl and test.jsonl with the ANALYSIS_REALDEV_DIR "
                "environment variable or the commands' --realdev PATH option."
            )
        items.extend(load_jsonl(path))
    return items


def load_split(
    split: str, gold_dir: Path = GOLD_DIR, seed_dir: Path = SEED_DIR, realdev_dir: str | Path = REALDEV_DIR
) -> list[Item]:
    if split in REALDEV_FILES:
        return load_realdev(split, realdev_dir)
    if split == "seed":
        return load_seed(seed_dir)
    if split == "all":
        return [i for s in GOLD_SPLITS for i in load_split(s, gold_dir, seed_dir)] + load_seed(seed_dir)
    if split not in GOLD_SPLITS + HELD_OUT_SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS + REALDEV_SPLITS}")
    path = Path(gold_dir) / f"{split}.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist (the gold set is written by the data team)")
    return load_jsonl(path)
