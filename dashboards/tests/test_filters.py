"""The filters a URL may ask for: only names the dashboards know (else 400, and the unknown value is never
shown as a heading), labels that keep their case in sentences, and a summary that says what is filtered."""

import csv
import io
import re

import pytest
from django.urls import reverse

from dashboards.tests.page_tables import dashboard_html
from tests.reckoning import counted_reports

pytestmark = pytest.mark.django_db

UNKNOWN = "statins"


def headings(html: str) -> list[str]:
    return re.findall(
        r"<(?:title|h1|h2|h3|h4|caption)\b[^>]*>(.*?)</(?:title|h1|h2|h3|h4|caption)>", html, re.S
    )


@pytest.mark.parametrize("field", ["intervention", "condition"])
def test_the_api_refuses_an_unknown_intervention_or_condition_with_its_errors(client, field):
    response = client.get(reverse("dashboards:api_dashboard"), {field: UNKNOWN})

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert f"Unknown {field}" in errors[field][0]["message"]
    assert UNKNOWN not in response.content.decode()


@pytest.mark.parametrize("field", ["intervention", "condition"])
def test_the_page_refuses_an_unknown_filter_says_so_and_never_heads_with_it(client, world, field):
    response = client.get(reverse("dashboards:index"), {field: UNKNOWN, "since": "2024-01"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "These filters could not be used" in html
    assert f"Unknown {field}: choose one from the list." in html
    assert not any(UNKNOWN in heading for heading in headings(html))
    assert UNKNOWN not in html  # not even as a selected option of the form
    assert 'value="2024-01"' in html  # the other filters stay in the form


@pytest.mark.parametrize(
    "name",
    [
        "dashboards:posts",
        "dashboards:api_posts",
        "dashboards:export_csv",
        "dashboards:export_json",
        "dashboards:posts_export_csv",
        "dashboards:posts_export_json",
    ],
)
@pytest.mark.parametrize("field", ["intervention", "condition"])
def test_the_drill_downs_and_exports_refuse_an_unknown_filter(client, tagged_post, name, field):
    tagged_post(interventions=[("walking", "helped")])

    response = client.get(reverse(name), {field: "the covid vaccine and statins", "outcome": "worsened"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "the covid vaccine and statins" not in body
    if name == "dashboards:posts":
        assert f"Unknown {field}" in body
    else:
        assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("params", "heading"),
    [
        ({"intervention": "Walking"}, "All reports: walking"),  # as a person may type it
        ({"intervention": "*"}, "All reports: exercise overall"),
        ({"condition": "ME/CFS"}, "All reports: exercise overall"),
        ({"condition": "unknown"}, "All reports: exercise overall"),  # members who share no condition
        ({"intervention": "ldn"}, "All reports: LDN (low-dose naltrexone)"),
    ],
)
def test_every_known_name_is_accepted_whatever_its_case(client, tagged_post, params, heading):
    tagged_post(interventions=[("walking", "helped"), ("ldn", "helped")])

    response = client.get(reverse("dashboards:index"), params)

    assert response.status_code == 200
    assert heading in response.content.decode()
    assert client.get(reverse("dashboards:api_dashboard"), params).status_code == 200


def test_the_summary_sentence_names_the_intervention_and_condition_filtered(
    client, tagged_post, user_factory
):
    me_cfs = [user_factory(conditions=["me/cfs"]) for _ in range(6)]
    for author in me_cfs:
        tagged_post("worsened", interventions=[("walking", "worsened")], author=author)

    html = dashboard_html(client, {"intervention": "walking", "condition": "me/cfs"})

    assert "Only members who share ME/CFS on their profile are counted. Of 6 posts" in html
    assert "report that walking made them worse" in html
    assert "report that exercise made them worse" not in html
    assert "Of 6 members, 100.0% (95% interval" in html


def test_labels_keep_their_case_on_the_page_and_in_the_titles(client, tagged_post, user_factory):
    author = user_factory(conditions=["me/cfs", "long covid"])
    tagged_post("worsened", interventions=[("graded exercise therapy", "worsened")], author=author)
    params = {"intervention": "graded exercise therapy", "condition": "me/cfs"}

    html = client.get(reverse("dashboards:index"), params).content.decode()
    assert "All reports: graded exercise therapy (GET)" in html
    assert "Showing: Graded exercise therapy (GET), ME/CFS, any confidence." in html
    assert "(get)" not in html and "me/cfs," not in html

    drill = {**params, "outcome": "worsened"}
    title = "Posts reporting that graded exercise therapy (GET) made them worse, among members with ME/CFS"
    assert title in client.get(reverse("dashboards:posts"), drill).content.decode()
    assert client.get(reverse("dashboards:posts_export_json"), drill).json()["title"] == title
    assert client.get(reverse("dashboards:api_posts"), drill).json()["title"] == title
    exported = client.get(reverse("dashboards:export_json"), {**params, "condition": "long covid"}).json()
    assert exported["filters"]["description"] == "Graded exercise therapy (GET), long COVID, any confidence"

    rows = list(
        csv.reader(io.StringIO(client.get(reverse("dashboards:export_csv"), params).content.decode()))
    )
    labels = {row[3] for row in rows[1:]}
    assert {"Graded exercise therapy (GET)", "ME/CFS", "Long COVID"} <= labels


def test_exercise_overall_leaves_out_posts_about_other_treatments_only(client, tagged_post, user_factory):
    # an author says LDN helped them, in a post that names no exercise
    ldn_only = tagged_post("none", interventions=[("ldn", "helped")], author_outcome="helped")
    walked = tagged_post("worsened", interventions=[("walking", "worsened"), ("ldn", "helped")])
    nothing_named = tagged_post("none")

    figures = client.get(reverse("dashboards:api_dashboard")).json()
    overall, by_intervention = figures["overall"], {d["key"]: d for d in figures["by_intervention"]}

    assert overall["n"] == 2 == len(counted_reports())
    assert {o["outcome"]: o["count"] for o in overall["outcomes"]} == {
        "worsened": 1,
        "helped": 0,
        "mixed": 0,
        "none": 1,
    }
    assert by_intervention["ldn"]["n"] == 2  # still counted under its own name
    # and the drill-downs behind exercise overall list the same posts
    assert client.get(reverse("dashboards:api_posts"), {"outcome": "helped"}).json()["count"] == 0
    listed = client.get(reverse("dashboards:api_posts"), {"outcome": "none"}).json()["posts"]
    assert [p["post_id"] for p in listed] == [nothing_named.id]
    worse = client.get(reverse("dashboards:api_posts"), {"outcome": "worsened"}).json()["posts"]
    assert [p["post_id"] for p in worse] == [walked.id]
    ldn = client.get(reverse("dashboards:api_posts"), {"outcome": "helped", "intervention": "ldn"}).json()
    assert {p["post_id"] for p in ldn["posts"]} == {ldn_only.id, walked.id}
