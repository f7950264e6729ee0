"""The public dashboard page: its figures equal counts made independently from the raw rows, for every
filter; honest numbers; harms beside benefits; no N+1."""

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from analysis import tagging
from analysis.selectors import tagger_author_agreement
from analysis.statistics import wilson_interval
from dashboards.selectors.distributions import MIN_MEMBERS_FOR_SHARE, MIN_POSTS_FOR_SHARE
from dashboards.tests.page_tables import dashboard_html, page_table
from tests.reckoning import counted_reports, member_latest, month, outcome_counts

pytestmark = pytest.mark.django_db

LABELS = {"worsened": "Made worse", "helped": "Helped", "mixed": "Mixed", "none": "No outcome reported"}


def overall_table(html) -> dict[str, list[str]]:
    """{outcome label: [count, share, interval, author, moderator, machine]} from the page's overall table."""
    rows = page_table(html, "Outcomes reported, with who labelled them")
    return {row[0]: row[1:] for row in rows[1:]}


def expected_row(counts: dict[str, int], outcome: str) -> list[str]:
    n = sum(counts.values())
    interval = wilson_interval(counts[outcome], n)
    return [
        str(counts[outcome]),
        f"{100 * counts[outcome] / n:.1f}%",
        f"{100 * interval.low:.1f}–{100 * interval.high:.1f}%",
    ]


def get(client, **params):
    return dashboard_html(client, params)


def test_the_dashboard_is_public_and_says_these_are_self_selected_reports_not_a_trial(client, world):
    html = get(client)  # anonymous: no login
    assert "Self-selected reports, not a trial" in html


@pytest.mark.parametrize(
    "filters, reckoning",
    [
        ({}, {}),
        ({"intervention": "walking"}, {"intervention": "walking"}),
        ({"intervention": "ldn"}, {"intervention": "ldn"}),
        ({"condition": "fibromyalgia"}, {"condition": "fibromyalgia"}),
        ({"condition": "unknown"}, {"condition": "unknown"}),
        ({"since": "2024-02", "until": "2024-04"}, {"since": "2024-02", "until": "2024-04"}),
        ({"since": "2024-05"}, {"since": "2024-05"}),
        ({"min_confidence": "0.7"}, {"min_confidence": 0.7}),
        ({"min_confidence": "0.9"}, {"min_confidence": 0.9}),
        ({"confirmed": "1"}, {"confirmed": True}),
        (
            {"intervention": "yoga", "condition": "me/cfs", "until": "2024-05", "min_confidence": "0.5"},
            {"intervention": "yoga", "condition": "me/cfs", "until": "2024-05", "min_confidence": 0.5},
        ),
    ],
)
def test_the_overall_figures_equal_an_independent_count_for_every_filter(client, world, filters, reckoning):
    # given the raw rows, counted by the rules in the issue without the rollups
    counts = outcome_counts(counted_reports(**reckoning))
    n = sum(counts.values())

    # when the page is read with these filters
    table = overall_table(get(client, **filters))

    # then every count (and, from 5 posts, every share and interval) is the same
    for outcome, label in LABELS.items():
        if n >= MIN_POSTS_FOR_SHARE:
            assert table[label][:3] == expected_row(counts, outcome), (filters, outcome)
        else:
            assert table[label][:3] == [str(counts[outcome]), "too few to say", ""], (filters, outcome)


def test_machine_tags_and_author_confirmed_tags_are_told_apart(client, world):
    reports = counted_reports()
    table = overall_table(get(client))
    for outcome, label in LABELS.items():
        mine = [post for post, o in reports if o == outcome]
        author = sum(1 for post in mine if post.tag.author_outcome)
        moderator = sum(1 for post in mine if not post.tag.author_outcome and post.tag.moderator_outcome)
        assert table[label][4:] == [str(author), str(moderator), str(len(mine) - author - moderator)]


def test_each_intervention_row_equals_an_independent_count(client, world):
    rows = page_table(get(client), "Outcomes by intervention (posts)")
    by_name = {row[0]: row for row in rows[1:]}
    for name, label in [
        ("walking", "Walking"),
        ("yoga", "Yoga"),
        ("pool", "Pool / swimming"),
        ("ldn", "LDN (low-dose naltrexone)"),
    ]:
        counts = outcome_counts(counted_reports(intervention=name))
        n = sum(counts.values())
        row = by_name[label]
        assert row[1].split()[0] == str(n)
        worse_cell, helped_cell = row[2], row[3]
        if n >= MIN_POSTS_FOR_SHARE:
            assert worse_cell.startswith(f"{100 * counts['worsened'] / n:.1f}%")
            assert worse_cell.endswith(f"({counts['worsened']})")
            assert helped_cell.startswith(f"{100 * counts['helped'] / n:.1f}%")
        else:
            assert worse_cell == str(counts["worsened"])


def test_each_condition_category_and_month_row_equals_an_independent_count(client, world):
    html = get(client)
    conditions = {row[0]: row for row in page_table(html, "Outcomes by condition (posts)")[1:]}
    for key, label in [("fibromyalgia", "Fibromyalgia"), ("me/cfs", "ME/CFS"), ("unknown", "Not shared")]:
        assert conditions[label][1].split()[0] == str(len(counted_reports(condition=key)))
    months = {row[0]: row for row in page_table(html, "Outcomes by month the post was written (posts)")[1:]}
    for number, label in [(1, "January 2024"), (3, "March 2024"), (6, "June 2024")]:
        key = f"2024-{number:02d}"
        assert months[label][1].split()[0] == str(len(counted_reports(since=key, until=key)))
    categories = {row[0]: row for row in page_table(html, "Outcomes by forum category (posts)")[1:]}
    other = world["other_category"]
    assert categories[other.name][1].split()[0] == str(
        sum(1 for post, _ in counted_reports() if post.thread.category_id == other.id)
    )


def test_members_count_once_by_their_latest_report(client, world):
    html = get(client)
    latest = member_latest(counted_reports())
    rows = {row[0]: row for row in page_table(html, "Members by their latest report")[1:]}
    for outcome, label in LABELS.items():
        assert rows[label][1] == str(sum(1 for _, last in latest.values() if last == outcome))
    # and the ones whose first and latest reports differ are counted as trajectories
    trajectories = page_table(html, "Members whose first and latest reports")
    changed = sum(1 for first, last in latest.values() if first != last)
    assert sum(int(row[1]) for row in trajectories[1:-1]) == changed


def test_fewer_than_five_posts_show_no_percentage(client, tagged_post):
    for _ in range(MIN_POSTS_FOR_SHARE - 1):
        tagged_post("worsened")
    html = get(client)
    table = overall_table(html)
    assert table["Made worse"][:3] == [str(MIN_POSTS_FOR_SHARE - 1), "too few to say", ""]
    assert "%" not in "".join(sum(table.values(), []))
    assert "Too few to say" in html

    # one more post and the percentages appear
    tagged_post("helped")
    table = overall_table(get(client))
    assert table["Made worse"][1] == f"{100 * (MIN_POSTS_FOR_SHARE - 1) / MIN_POSTS_FOR_SHARE:.1f}%"


def test_fewer_than_five_members_show_no_percentage_even_with_many_posts(client, tagged_post, member):
    for _ in range(MIN_POSTS_FOR_SHARE + 3):
        tagged_post("worsened", author=member)
    html = get(client)
    assert overall_table(html)["Made worse"][1] == "100.0%"
    members = {row[0]: row for row in page_table(html, "Members by their latest report")[1:]}
    assert members["Made worse"][1:3] == ["1", "too few to say"]
    assert MIN_MEMBERS_FOR_SHARE == 5


def test_opted_out_members_posts_are_in_no_figure(client, tagged_post, user_factory):
    # given one opted-in and one opted-out member writing about walking
    tagged_post("helped", interventions=[("walking", "helped")], author=user_factory())
    tagged_post(
        "worsened", interventions=[("walking", "worsened")], author=user_factory(research_opt_in=False)
    )

    html = get(client)

    table = overall_table(html)
    assert [table[label][0] for label in LABELS.values()] == ["0", "1", "0", "0"]
    walking = {row[0]: row for row in page_table(html, "Outcomes by intervention (posts)")[1:]}["Walking"]
    assert walking[1].split()[0] == "1"


def test_harms_come_first_and_are_shown_as_prominently_as_benefits(client, world):
    html = get(client)
    headings = page_table(html, "Outcomes by intervention (posts)")[0]
    assert headings[2:4] == ["Made worse", "Helped"]
    assert list(overall_table(html))[:2] == ["Made worse", "Helped"]
    # the charts draw both on one scale: each row has a made-worse bar and a helped bar of the same height
    chart = html.split('id="interventions"')[1].split("</svg>")[0]
    assert chart.count("-worsened)") == chart.count("-helped)")
    heights = set(re.findall(r'height="(\d+)" fill="url\(#interventions-(?:worsened|helped)\)"', chart))
    assert heights == {"22"}


def test_every_chart_has_a_text_description_and_a_table(client, world):
    html = get(client)
    figures = html.split("<figure")[1:]
    assert len(figures) == html.count('<svg class="chart"') >= 6
    for figure in figures:
        assert '<figcaption class="chart-description">' in figure
        # the table with the same figures follows the chart
        assert "<table" in html.split(figure[:200])[1].split("<figure")[0] or "claim" in figure
    assert "report that exercise made them worse" in html
    # the at-a-glance bars carry no text: each sits between its figures in words, and a table follows
    for row in html.split('<li class="glance-row">')[1:]:
        row = row.split("</li>")[0]
        assert row.count('<svg class="glance-bar"') == 1
        assert row.count('<span class="glance-share') == 2
    assert '<table class="data-table glance">' in html.split('<ol class="glance-list">')[1]
    # no request leaves the page
    assert not re.search(r'(src|href)="https?://(?!doi\.org)', html)


def test_beside_strength_training_the_plos_one_study_is_shown_with_members_reports(client, tagged_post):
    call_command("loaddata", "study_claims", verbosity=0)
    for _ in range(6):
        tagged_post("worsened", interventions=[("strength", "worsened")])
    html = get(client)

    claim = html.split('id="claim-gerdle-2016-plos-one-exercise-fibromyalgia"')[1].split("</article>")[0]
    assert "29 women with fibromyalgia" in claim
    assert "15 weeks of exercise, mainly resistance training" in claim
    assert "doi:10.1371/journal.pone.0162010" in claim
    assert "What members report" in claim
    members_table = page_table(claim, "Strength / resistance")
    assert members_table[1][:3] == ["Posts", "6", "100.0%"]


def test_the_model_card_says_not_measured_yet_when_no_evaluation_is_published(
    client, world, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(tagging, "MODEL_CARD_FILE", tmp_path / "missing.json")
    html = get(client)
    card = html.split('id="model-card"')[1]
    assert "Not measured yet" in card
    assert "F1" in card


def test_the_model_card_shows_the_measured_figures_when_published(client, world, tmp_path, monkeypatch):
    path = tmp_path / "model_card.json"
    path.write_text(
        json.dumps(
            {
                "labelled_items": 600,
                "split": "test, 120 items",
                "per_class_f1": {"helped": 0.81, "worsened": 0.77, "mixed": 0.52, "none": 0.9},
                "macro_f1": 0.75,
                "failure_modes": ["Sarcasm read as praise"],
            }
        )
    )
    monkeypatch.setattr(tagging, "MODEL_CARD_FILE", path)
    html = get(client)
    rows = {row[0]: row[1] for row in page_table(html, "The tagger's F1 score per outcome")[1:]}
    assert rows == {
        "Made worse": "0.77",
        "Helped": "0.81",
        "Mixed": "0.52",
        "No outcome reported": "0.90",
        "Macro average": "0.75",
    }
    assert "600 labelled items" in html and "Sarcasm read as praise" in html


def test_the_model_card_shows_the_taggers_agreement_with_authors(client, tagged_post):
    tagged_post("helped", author_outcome="helped")
    tagged_post("helped", author_outcome="worsened")
    tagged_post("worsened", author_outcome="worsened")
    html = get(client)
    agreement = tagger_author_agreement()
    assert (agreement.labelled, agreement.agreed) == (3, 2)
    assert f"Of {agreement.labelled} counted posts" in html
    assert f"matched {agreement.agreed} (66.7%" in html


def test_pending_tags_are_mentioned_and_not_counted(client, tagged_post):
    tagged_post("helped")
    tagged_post("helped", status="pending")
    html = get(client)
    assert "1 post waiting for the tagger" in html
    assert overall_table(html)["Helped"][0] == "1"


def test_invalid_filters_are_explained_and_answer_400(client, world):
    response = client.get(reverse("dashboards:index"), {"since": "2024-13", "min_confidence": "0.55"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "These filters could not be used" in html
    assert "From month" in html and "Minimum tag confidence" in html


def test_an_end_month_before_the_start_month_is_refused(client, world):
    response = client.get(reverse("dashboards:index"), {"since": "2024-05", "until": "2024-02"})
    assert response.status_code == 400


def test_the_filters_are_labelled_form_fields_kept_in_the_url(client, world):
    html = get(
        client, intervention="yoga", condition="me/cfs", since="2024-02", min_confidence="0.7", confirmed="1"
    )
    for field in ["intervention", "condition", "since", "until", "min_confidence", "confirmed"]:
        assert f'for="id_{field}"' in html
    assert '<option value="yoga" selected>' in html
    assert 'value="2024-02"' in html
    # drill-down links carry the same filters
    assert (
        "intervention=yoga&amp;condition=me%2Fcfs&amp;since=2024-02&amp;min_confidence=0.7&amp;confirmed=1"
        in html
    )


def test_the_dashboard_query_count_does_not_grow_with_posts(
    client, world, tagged_post, django_assert_num_queries
):
    # rollup cells for one slice, per intervention, per condition; category names; members; claims;
    # pending tags; agreement
    with django_assert_num_queries(8):
        client.get(reverse("dashboards:index"))
    for i in range(30):
        tagged_post(
            "worsened",
            interventions=[("walking", "worsened"), ("running", "helped")],
            created_at=month(2023, 1 + i % 12),
        )
    with django_assert_num_queries(8):
        assert (
            client.get(
                reverse("dashboards:index"), {"intervention": "walking", "since": "2023-01"}
            ).status_code
            == 200
        )


def test_the_summary_answers_per_intervention_and_links_the_details_with_the_same_filters(client, world):
    params = {"intervention": "walking", "condition": "fibromyalgia"}
    summary = client.get(reverse("dashboards:index"), params).content.decode()
    for section in ("glance", "overall", "studies", "model-card"):
        assert f'<section id="{section}"' in summary
    for section in ("interventions", "members", "conditions", "categories", "months"):
        assert f'<section id="{section}"' not in summary
        assert f'/dashboard/details/?intervention=walking&amp;condition=fibromyalgia#{section}"' in summary

    details = client.get(reverse("dashboards:details"), params)
    assert details.status_code == 200
    for section in ("interventions", "studies", "members", "conditions", "categories", "months"):
        assert f'<section id="{section}"' in details.content.decode()
    assert client.get(reverse("dashboards:details"), {"intervention": "statins"}).status_code == 400


def test_at_a_glance_counts_each_member_once_so_one_prolific_writer_cannot_tilt_a_row(
    client, tagged_post, user_factory
):
    prolific = user_factory()
    for _ in range(6):
        tagged_post("worsened", interventions=[("walking", "worsened")], author=prolific)
    for _ in range(4):
        tagged_post("helped", interventions=[("walking", "helped")], author=user_factory())
    html = get(client)
    row = html.split('<li class="glance-row">')[1].split("</li>")[0]
    assert "<strong>Walking</strong>" in row and "10 posts, 5 members" in row
    assert "view=members" in row
    # by posts 60% made worse; by members one in five, which is what the raw shares in its table say
    table = html.split('<table class="data-table glance">')[1].split("</table>")[0]
    walking = table.split('<th scope="row">Walking</th>')[1].split("</tr>")[0]
    assert "20.0%" in walking and "80.0%" in walking
    assert "60.0%" not in walking
