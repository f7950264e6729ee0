"""The read-only JSON API under /api/: the dashboard's figures, its drill-downs and the study claims."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from analysis.statistics import wilson_interval
from tests.reckoning import counted_reports, member_latest, month, outcome_counts

pytestmark = pytest.mark.django_db


def api(client, name, **params):
    response = client.get(reverse(f"dashboards:api_{name}"), params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return response.json()


def outcomes_of(distribution) -> dict[str, int]:
    return {o["outcome"]: o["count"] for o in distribution["outcomes"]}


def test_the_api_index_lists_its_endpoints(client):
    body = api(client, "index")
    assert body["dashboard"] == "http://testserver/api/dashboard/"
    assert body["claims"] == "http://testserver/api/claims/"


@pytest.mark.parametrize(
    "filters, reckoning",
    [
        ({}, {}),
        ({"intervention": "pool"}, {"intervention": "pool"}),
        ({"condition": "long covid"}, {"condition": "long covid"}),
        ({"since": "2024-02", "until": "2024-05"}, {"since": "2024-02", "until": "2024-05"}),
        ({"min_confidence": "0.6"}, {"min_confidence": 0.6}),
        ({"confirmed": "1"}, {"confirmed": True}),
    ],
)
def test_the_api_figures_equal_an_independent_count(client, world, filters, reckoning):
    expected = outcome_counts(counted_reports(**reckoning))
    n = sum(expected.values())

    body = api(client, "dashboard", **filters)

    overall = body["overall"]
    assert overall["n"] == n
    assert outcomes_of(overall) == expected
    for outcome in overall["outcomes"]:
        if n >= 5:
            interval = wilson_interval(outcome["count"], n)
            assert outcome["percent"] == round(100 * outcome["count"] / n, 1)
            assert outcome["ci95_percent"] == [round(100 * interval.low, 1), round(100 * interval.high, 1)]
        else:
            assert outcome["percent"] is None and overall["too_few_to_say"]


def test_the_api_breaks_down_by_intervention_condition_category_and_month(client, world):
    body = api(client, "dashboard")
    interventions = {d["key"]: d for d in body["by_intervention"]}
    for name in ["walking", "yoga", "pool", "strength", "ldn"]:
        assert outcomes_of(interventions[name]) == outcome_counts(counted_reports(intervention=name))
    conditions = {d["key"]: d for d in body["by_condition"]}
    for key in ["fibromyalgia", "me/cfs", "long covid", "chronic pain", "unknown"]:
        assert outcomes_of(conditions[key]) == outcome_counts(counted_reports(condition=key))
    months = {d["key"]: d for d in body["by_month"]}
    for number in range(1, 7):
        key = f"2024-{number:02d}"
        assert outcomes_of(months[key]) == outcome_counts(counted_reports(since=key, until=key))
    assert sum(d["n"] for d in body["by_category"]) == body["overall"]["n"]


def test_the_api_counts_members_once_by_their_latest_report(client, world):
    body = api(client, "dashboard", intervention="walking")
    latest = member_latest(counted_reports(intervention="walking"))
    expected = {
        o: sum(1 for _, last in latest.values() if last == o) for o in ["worsened", "helped", "mixed", "none"]
    }
    assert outcomes_of(body["members"]["overall"]) == expected
    changed = sum(1 for first, last in latest.values() if first != last and "none" not in (first, last))
    assert sum(t["members"] for t in body["members"]["trajectories"]) == changed


def test_the_api_leaves_out_opted_out_members(client, tagged_post, user_factory):
    tagged_post("helped", author=user_factory())
    tagged_post("worsened", author=user_factory(research_opt_in=False))
    body = api(client, "dashboard")
    assert outcomes_of(body["overall"]) == {"worsened": 0, "helped": 1, "mixed": 0, "none": 0}
    assert api(client, "posts", outcome="worsened")["posts"] == []


def test_the_api_lists_the_posts_behind_a_figure_page_by_page(client, tagged_post):
    posts = [
        tagged_post("helped", interventions=[("yoga", "helped")], created_at=month(2024, 1, 1 + i))
        for i in range(23)
    ]
    first = api(client, "posts", outcome="helped", intervention="yoga")
    assert first["count"] == 23 and first["pages"] == 2
    assert [p["post_id"] for p in first["posts"]] == [p.id for p in reversed(posts)][:20]
    assert first["posts"][0]["evidence"][0]["text"] == "Exercise helped me."
    second = client.get(first["next"]).json()
    assert len(second["posts"]) == 3 and second["next"] is None


def test_the_api_lists_the_study_claims_with_exact_citations(client):
    call_command("loaddata", "study_claims", verbosity=0)
    claims = {c["slug"]: c for c in api(client, "claims")["claims"]}
    pace = claims["pace-2011-lancet-get-cbt"]
    assert pace["doi"] == "10.1016/S0140-6736(11)60096-2" and pace["volume_pages"] is None
    assert (pace["sample_size"], pace["study_type"], pace["direction"]) == (641, "rct", "helped")
    assert pace["interventions"] == ["graded exercise therapy", "cbt"] and pace["background"] is False
    cochrane = claims["larun-2019-cochrane-exercise-cfs"]
    assert (
        cochrane["certainty"].startswith("Moderate") and cochrane["direction_label"] == "Mixed or uncertain"
    )
    # a grade our source does not give is null, not guessed
    assert claims["nice-2021-ng206-do-not-offer-get"]["certainty"] is None
    assert claims["nice-2021-ng206-do-not-offer-get"]["url"] == (
        "https://nice.org.uk/guidance/ng206/chapter/recommendations"
    )
    plos = claims["gerdle-2016-plos-one-exercise-fibromyalgia"]
    assert plos["volume_pages"] == "11(10):e0162010" and plos["doi"] == "10.1371/journal.pone.0162010"
    # mechanism papers are listed, flagged as background
    gentile = claims["gentile-2019-motor-cortex-fnirs"]
    assert gentile["background"] is True and gentile["doi"] == "10.1155/2019/2623161"
    assert claims["mesquita-2022-relaxation-motoneurons"]["doi"] == "10.1113/JP282765"


def test_the_dashboard_api_sets_the_study_claims_beside_members_reports_but_not_the_background(
    client, tagged_post
):
    call_command("loaddata", "study_claims", verbosity=0)
    tagged_post("worsened", interventions=[("graded exercise therapy", "worsened")])
    claims = {c["slug"]: c for c in api(client, "dashboard")["study_claims"]}

    reports = claims["nice-2021-ng206-do-not-offer-get"]["member_reports"]
    assert reports[0]["intervention"] == "graded exercise therapy" and reports[0]["posts"]["n"] == 1
    assert "gentile-2019-motor-cortex-fnirs" not in claims
    assert not any(c["background"] for c in claims.values())
    # listed apart, as on the page
    background = {c["slug"]: c for c in api(client, "dashboard")["background_claims"]}
    assert background["gentile-2019-motor-cortex-fnirs"]["background"] is True
    assert "member_reports" not in background["gentile-2019-motor-cortex-fnirs"]


def test_invalid_filters_answer_400_with_the_errors(client):
    response = client.get(reverse("dashboards:api_dashboard"), {"since": "last year"})
    assert response.status_code == 400
    assert "since" in response.json()["errors"]
    assert client.get(reverse("dashboards:api_posts"), {"outcome": "great"}).status_code == 400


def test_the_api_is_read_only(client):
    for name in ["index", "dashboard", "posts", "claims"]:
        assert client.post(reverse(f"dashboards:api_{name}")).status_code == 405


def test_the_api_query_count_does_not_grow_with_posts(client, world, tagged_post, django_assert_num_queries):
    with django_assert_num_queries(8):
        client.get(reverse("dashboards:api_dashboard"))
    for _ in range(20):
        tagged_post("worsened", interventions=[("walking", "worsened")])
    with django_assert_num_queries(8):
        client.get(
            reverse("dashboards:api_dashboard"), {"intervention": "walking", "condition": "fibromyalgia"}
        )
    with django_assert_num_queries(2):
        client.get(reverse("dashboards:api_posts"), {"outcome": "worsened", "intervention": "walking"})
