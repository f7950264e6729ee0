"""CSV and JSON exports honour the filters and say exactly what the page says."""

import csv
import io
import json

import pytest
from django.urls import reverse

from dashboards.tests.page_tables import dashboard_html, page_table
from tests.reckoning import counted_reports

pytestmark = pytest.mark.django_db

FILTER_SETS = [
    {},
    {"intervention": "walking"},
    {"condition": "me/cfs", "min_confidence": "0.6"},
    {"confirmed": "1"},
]


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("filters", FILTER_SETS)
def test_the_csv_export_equals_the_page(client, world, filters):
    html = dashboard_html(client, filters)
    rows = csv_rows(client.get(reverse("dashboards:export_csv"), filters))

    # the overall table
    page = {row[0]: row[1:4] for row in page_table(html, "Outcomes reported, with who labelled them")[1:]}
    for row in (r for r in rows if r["figure"] == "overall"):
        share = f"{float(row['percent']):.1f}%" if row["percent"] else "too few to say"
        interval = f"{float(row['ci95_low']):.1f}–{float(row['ci95_high']):.1f}%" if row["ci95_low"] else ""
        assert page[row["outcome_label"]] == [row["count"], share, interval]

    # each intervention: n and the made-worse and helped cells
    table = {
        r[0].removesuffix(" (selected)"): r for r in page_table(html, "Outcomes by intervention (posts)")[1:]
    }
    exported = [r for r in rows if r["figure"] == "intervention"]
    assert {r["group_label"] for r in exported} == set(table)
    for row in exported:
        cells = table[row["group_label"]]
        assert cells[1].split()[0] == row["n"]
        column = {"worsened": 2, "helped": 3, "mixed": 4, "none": 5}[row["outcome"]]
        shown = cells[column]
        assert shown.startswith(f"{float(row['percent']):.1f}%" if row["percent"] else row["count"])

    # the members' view
    members = {r[0]: r[1] for r in page_table(html, "Members by their latest report")[1:]}
    for row in (r for r in rows if r["figure"] == "members"):
        assert members[row["outcome_label"]] == row["count"]


@pytest.mark.parametrize("filters", FILTER_SETS)
def test_the_json_export_equals_the_api(client, world, filters):
    exported = client.get(reverse("dashboards:export_json"), filters)
    assert exported["Content-Disposition"] == 'attachment; filename="dashboard.json"'
    api = client.get(reverse("dashboards:api_dashboard"), filters).json()
    assert json.loads(exported.content) == api


def test_the_exports_leave_out_opted_out_members(client, tagged_post, user_factory):
    tagged_post("helped", author=user_factory())
    hidden_author = user_factory(research_opt_in=False)
    tagged_post("worsened", author=hidden_author, body="Secret crash story")

    rows = csv_rows(client.get(reverse("dashboards:export_csv")))
    overall = {r["outcome"]: r["count"] for r in rows if r["figure"] == "overall"}
    assert overall == {"worsened": "0", "helped": "1", "mixed": "0", "none": "0"}
    posts = client.get(reverse("dashboards:posts_export_json"), {"outcome": "worsened"}).json()
    assert posts["posts"] == []
    assert (
        "Secret crash story"
        not in client.get(reverse("dashboards:posts_export_csv"), {"outcome": "worsened"}).content.decode()
    )


@pytest.mark.parametrize(
    "params",
    [{"outcome": "worsened"}, {"outcome": "helped", "intervention": "walking", "min_confidence": "0.5"}],
)
def test_the_drill_down_exports_list_the_posts_on_the_page(client, world, params):
    expected = [
        p.id
        for p, o in counted_reports(
            intervention=params.get("intervention", "*"),
            min_confidence=float(params.get("min_confidence", 0)),
        )
        if o == params["outcome"]
    ]
    rows = csv_rows(client.get(reverse("dashboards:posts_export_csv"), params))
    assert sorted(int(r["post_id"]) for r in rows) == sorted(expected)
    payload = client.get(reverse("dashboards:posts_export_json"), params).json()
    assert sorted(p["post_id"] for p in payload["posts"]) == sorted(expected)
    assert payload["truncated"] is False
    assert all(p["url"].startswith("http://testserver/p/") for p in payload["posts"])


def test_the_page_links_to_exports_with_the_same_filters(client, world):
    html = client.get(
        reverse("dashboards:index"), {"intervention": "yoga", "confirmed": "1"}
    ).content.decode()
    assert 'href="/dashboard/export.csv?intervention=yoga&amp;confirmed=1"' in html
    assert 'href="/dashboard/export.json?intervention=yoga&amp;confirmed=1"' in html


def test_an_export_with_invalid_filters_answers_400(client):
    assert client.get(reverse("dashboards:export_csv"), {"min_confidence": "2"}).status_code == 400
