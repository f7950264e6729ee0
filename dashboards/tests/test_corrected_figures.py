"""The figures corrected for the tagger's errors, end to end: a forum whose members' true reports are known,
tagged by a tagger whose confusion is known, read through the rollups, the API, the CSV and the page."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from django.urls import reverse

from analysis.rollups import rollups_refresh_posts
from analysis.statistics import wilson_interval
from dashboards.selectors.distributions import tagger_confusion
from dashboards.tests.page_tables import page_table

pytestmark = pytest.mark.django_db

LABELS = ["helped", "worsened", "mixed", "none"]
# Rows: what the writer meant; columns: what the tagger read (about as good as ours on real writing).
CONFUSION = [[160, 20, 40, 40], [20, 90, 15, 35], [25, 5, 30, 5], [45, 60, 15, 170]]
# What members of each intervention truly reported, in posts.
TRUTH = {
    "walking": {"helped": 130, "worsened": 20, "mixed": 10, "none": 40},
    "graded exercise therapy": {"helped": 10, "worsened": 140, "mixed": 20, "none": 30},
    "yoga": {"helped": 40, "worsened": 10, "mixed": 40, "none": 110},
}


@pytest.fixture
def known_tagger(monkeypatch):
    monkeypatch.setattr(
        "analysis.tagging.real_text_confusion",
        lambda: {"labels": LABELS, "confusion": CONFUSION, "items": 775},
    )
    tagger_confusion.cache_clear()
    yield
    tagger_confusion.cache_clear()


@pytest.fixture
def misread_forum(known_tagger, tagged_post, user_factory):
    """Posts whose writers meant TRUTH, each tagged as the known tagger would read it."""
    rng = np.random.default_rng(2024)
    rates = np.asarray(CONFUSION, dtype=float)
    rates /= rates.sum(axis=1, keepdims=True)
    # enough members that their shares, too, can be corrected
    authors = [user_factory(conditions=["fibromyalgia"]) for _ in range(150)]
    posts = []
    for name, truth in TRUTH.items():
        for meant, count in truth.items():
            for read in rng.choice(LABELS, size=count, p=rates[LABELS.index(meant)]):
                posts.append(
                    tagged_post(
                        str(read),
                        interventions=[(name, str(read))],
                        author=authors[len(posts) % len(authors)],
                        refresh=False,
                    )
                )
    rollups_refresh_posts(post_ids=[p.id for p in posts])
    return posts


def test_corrected_intervals_recover_what_members_reported_far_more_often_than_raw_shares(
    client, misread_forum
):
    figures = client.get(reverse("dashboards:api_dashboard")).json()
    by_name = {d["key"]: d for d in figures["by_intervention"]}
    corrected_hits = raw_hits = 0
    for name, truth in TRUTH.items():
        n = sum(truth.values())
        assert by_name[name]["n"] == n
        for row in by_name[name]["outcomes"]:
            share = 100 * truth[row["outcome"]] / n
            low, high = row["corrected"]["ci95_percent"]
            corrected_hits += low <= share <= high
            raw = wilson_interval(row["count"], n)
            raw_hits += 100 * raw.low <= share <= 100 * raw.high
    # 12 shares: the corrected interval holds nearly all, the raw one few (over 40 simulated forums like
    # this one: at least 10 and 11.8 on average, against at most 4 and 2.6 on average)
    assert corrected_hits >= 10
    assert raw_hits <= 5


def test_the_api_and_exports_give_the_corrected_share_beside_the_raw_one(client, misread_forum):
    overall = client.get(reverse("dashboards:api_dashboard")).json()["overall"]
    helped = next(row for row in overall["outcomes"] if row["outcome"] == "helped")
    assert helped["percent"] is not None and helped["ci95_percent"]
    low, high = helped["corrected"]["ci95_percent"]
    assert low <= helped["corrected"]["percent"] <= high
    assert overall["corrected_note"] == ""

    rows = list(csv.DictReader(io.StringIO(client.get(reverse("dashboards:export_csv")).content.decode())))
    overall_helped = next(r for r in rows if r["figure"] == "overall" and r["outcome"] == "helped")
    assert float(overall_helped["corrected_percent"]) == helped["corrected"]["percent"]
    assert float(overall_helped["corrected_ci95_low"]) == low

    card = client.get(reverse("dashboards:api_dashboard")).json()["model_card"]["real_text"]
    assert card["posts"] == 775
    assert card["read_as"]["mixed"]["shares"]["helped"] == pytest.approx(25 / 65)


def test_no_correction_is_made_where_the_measured_errors_do_not_apply(client, misread_forum):
    # the errors were measured over all tags: above a chosen confidence they do not hold
    filtered = client.get(reverse("dashboards:api_dashboard"), {"min_confidence": "0.7"}).json()["overall"]
    assert all(row["corrected"] is None for row in filtered["outcomes"])
    assert "confidence" in filtered["corrected_note"]
    page = client.get(reverse("dashboards:index"), {"min_confidence": "0.7"}).content.decode()
    assert "No corrected figures: its errors were measured over all its tags" in page


def test_a_tagger_with_no_measured_errors_gets_no_corrected_figures(client, tagged_post, monkeypatch):
    monkeypatch.setattr("analysis.tagging.real_text_confusion", lambda: None)
    tagger_confusion.cache_clear()
    for _ in range(6):
        tagged_post("helped")
    overall = client.get(reverse("dashboards:api_dashboard")).json()["overall"]
    tagger_confusion.cache_clear()
    assert all(row["corrected"] is None for row in overall["outcomes"])
    assert "no measurement of its errors" in overall["corrected_note"]


def test_the_page_shows_corrected_shares_and_says_in_words_how_the_tagger_misreads(client, misread_forum):
    page = client.get(reverse("dashboards:index")).content.decode()
    assert "Corrected for tagger error (95% interval)" in page
    # 160 of 260 "helped" posts read as helped: 6 in 10; 40 as mixed: 2 in 10 (rounded)
    assert "Of 260 posts whose writers meant \u201chelped\u201d, the tagger read 6 in 10 as helped" in page
    assert "2 in 10 as mixed" in page


def test_the_summary_answers_per_intervention_in_one_table(client, misread_forum, tagged_post):
    for _ in range(5):
        tagged_post("helped", interventions=[("ldn", "helped")])
    html = client.get(reverse("dashboards:index")).content.decode()
    figures = client.get(reverse("dashboards:api_dashboard")).json()
    # the glance counts members, each once by their latest report
    api = {d["key"]: d for d in figures["members"]["by_intervention"]}

    exercise = page_table(html, "Exercise: members reporting made worse beside helped")
    rows = {row[0]: row for row in exercise[1:]}
    assert set(rows) == {"Walking", "Graded exercise therapy (GET)", "Yoga"}
    walking = {row["outcome"]: row["corrected"] for row in api["walking"]["outcomes"]}
    low, high = walking["worsened"]["ci95_percent"]
    assert rows["Walking"][1].startswith(f"{walking['worsened']['percent']:.1f}% ({low:.1f}–{high:.1f}%)")
    assert rows["Walking"][4] == "200"  # posts
    assert rows["Walking"][5] == "No study in our list."  # no claims loaded in this test

    treatments = page_table(html, "Other treatments: members reporting made worse beside helped")
    assert [row[0] for row in treatments[1:]] == ["LDN (low-dose naltrexone)"]
