"""The dashboard's studies section: the GET evidence beside members' GET reports, mechanism papers kept
apart as background, and every intervention the page lists either with its studies or saying it has none."""

import re

import pytest
from django.core.management import call_command

from dashboards.tests.page_tables import dashboard_html, page_table, page_tables

pytestmark = pytest.mark.django_db

GET_CLAIMS = [
    "pace-2011-lancet-get-cbt",
    "wilshire-2018-pace-reanalysis",
    "larun-2019-cochrane-exercise-cfs",
    "nice-2021-ng206-do-not-offer-get",
]


def studies_section(client, **params) -> str:
    """The studies on both pages: the index on the summary, the claims in full on the details page."""
    html = dashboard_html(client, params)
    return "".join(part.split("</section>")[0] for part in html.split('<section id="studies"')[1:])


def article(section: str, slug: str) -> str:
    return section.split(f'id="claim-{slug}"')[1].split("</article>")[0]


def index_item(section: str, label: str) -> str:
    index = section.split('<ul class="claim-index">')[1].split("</ul>")[0]
    items = re.findall(r"<li[^>]*>(.*?)</li>", index, re.S)
    found = [i for i in items if i.startswith(f"<strong>{label}</strong>")]
    assert found, f"{label!r} not in the index: {items}"
    return found[0]


@pytest.fixture
def claims():
    call_command("loaddata", "study_claims", verbosity=0)


def test_pace_its_reanalysis_cochrane_and_nice_are_shown_beside_members_get_reports(
    client, claims, tagged_post
):
    for outcome in ["worsened"] * 5 + ["helped"]:
        tagged_post(outcome, interventions=[("graded exercise therapy", outcome)])
    section = studies_section(client)

    item = index_item(section, "Graded exercise therapy (GET)")
    for slug in GET_CLAIMS:
        assert f'href="/dashboard/details/#claim-{slug}"' in item
        claim = article(section, slug)
        assert "What members report" in claim
        rows = page_table(claim, "Graded exercise therapy (GET)")
        assert rows[1][:4] == ["Posts", "6", "83.3%", "16.7%"]  # made worse first, then helped
    assert "(made worse)" in item and "(no effect)" in item and "(mixed or uncertain)" in item
    pace = article(section, "pace-2011-lancet-get-cbt")
    assert "doi:10.1016/S0140-6736(11)60096-2" in pace and "n = 641" in pace
    nice = article(section, "nice-2021-ng206-do-not-offer-get")
    assert 'href="https://nice.org.uk/guidance/ng206/chapter/recommendations"' in nice
    assert "Not stated in our source" in nice  # NICE's grades were not verified: we do not guess
    assert "Moderate for fatigue" in article(section, "larun-2019-cochrane-exercise-cfs")


def test_a_mechanism_paper_is_listed_under_background_not_beside_members_reports(client, claims, tagged_post):
    for _ in range(6):
        tagged_post("worsened", interventions=[("exercise", "worsened")])
    section = studies_section(client)

    evidence, background = section.split('id="studies-background"')
    # the finger-tapping study names "exercise", but is not set beside members' exercise reports
    assert 'id="claim-gentile-2019-motor-cortex-fnirs"' not in evidence
    assert "#claim-gentile-2019-motor-cortex-fnirs" not in index_item(evidence, "Exercise (kind not named)")
    gentile = article(background, "gentile-2019-motor-cortex-fnirs")
    assert "Mechanism only" in gentile and "<table" not in gentile
    assert "doi:10.1155/2019/2623161" in gentile
    for slug in ["snell-2013-two-day-exercise-test", "keller-2014-two-day-exercise-test"]:
        assert f'id="claim-{slug}"' in background
    # evidence about exercise is still beside those reports
    assert "#claim-macfarlane-2017-eular-fibromyalgia" in index_item(evidence, "Exercise (kind not named)")


def test_an_intervention_no_study_is_about_says_so(client, claims, tagged_post):
    tagged_post("helped", interventions=[("massage", "helped"), ("walking", "helped")])
    section = studies_section(client)

    assert index_item(section, "Massage").endswith("no study in our list is about it.")
    walking = index_item(section, "Walking")
    assert "#claim-mannerkorpi-2010-nordic-walking-fibromyalgia" in walking
    assert "no study" not in walking


def test_every_intervention_the_page_lists_is_in_the_studies_index(client, claims, tagged_post):
    names = ["graded exercise therapy", "walking", "yoga", "massage", "ldn", "dance", "pacing"]
    tagged_post("mixed", interventions=[(n, "mixed") for n in names])
    listed = [row[0] for row in page_table(dashboard_html(client), "Outcomes by intervention")[1:]]
    section = studies_section(client)

    assert len(listed) == len(names)
    for label in listed:
        index_item(section, label)


def test_every_header_cell_in_the_studies_tables_has_text(client, claims, tagged_post):
    tagged_post("helped", interventions=[("graded exercise therapy", "helped")])
    section = studies_section(client)

    tables = page_tables(section)
    assert tables
    for table in tables:
        assert all(cell for cell in table["rows"][0]), table["caption"]
    assert not re.search(r"<th[^>]*>\s*</th>", section)
