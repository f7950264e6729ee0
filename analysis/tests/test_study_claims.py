"""Study claims: seeded from the fixture (idempotently), edited in the admin, cited exactly; the central
evidence set beside members' reports, mechanism papers kept apart as background."""

import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from analysis.models import ClaimDirection, PostTag, StudyClaim, StudyType
from analysis.vocabulary import EXERCISES, TREATMENTS

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "study_claims.json"
GET = "graded exercise therapy"


def fixture_claims() -> list[dict]:
    return [entry["fields"] for entry in json.loads(FIXTURE.read_text(encoding="utf-8"))]


def seeded() -> dict[str, StudyClaim]:
    call_command("loaddata", "study_claims", verbosity=0)
    return {c.slug: c for c in StudyClaim.objects.all()}


def test_loading_the_study_claims_twice_keeps_one_of_each_and_restores_edits():
    call_command("loaddata", "study_claims", verbosity=0)
    StudyClaim.objects.filter(slug="pace-2011-lancet-get-cbt").update(sample_size=1, background=True)

    call_command("loaddata", "study_claims", verbosity=0)

    assert StudyClaim.objects.count() == len(fixture_claims())
    pace = StudyClaim.objects.get(slug="pace-2011-lancet-get-cbt")
    assert (pace.sample_size, pace.background) == (641, False)


def test_every_claim_has_who_how_what_it_found_a_summary_and_a_link():
    for claim in seeded().values():
        claim.full_clean()  # lengths and choices the database would not check
        assert claim.population and claim.intervention and claim.claimed_effect and claim.summary, claim.slug
        assert claim.study_type in StudyType.values and claim.direction in ClaimDirection.values
        assert claim.link.startswith("https://"), claim.slug


def test_every_intervention_a_claim_names_is_one_the_tagger_knows():
    known = set(EXERCISES) | set(TREATMENTS)
    for claim in fixture_claims():
        assert isinstance(claim["interventions"], list)
        assert set(claim["interventions"]) <= known, (claim["slug"], set(claim["interventions"]) - known)


def test_the_get_evidence_is_there_cited_exactly():
    claims = seeded()

    pace = claims["pace-2011-lancet-get-cbt"]
    assert pace.authors.startswith("White PD, Goldsmith KA, Johnson AL")
    assert pace.authors.endswith("Sharpe M, on behalf of the PACE trial management group")
    assert (pace.journal, pace.year, pace.doi) == ("Lancet", 2011, "10.1016/S0140-6736(11)60096-2")
    assert pace.volume_pages == ""  # not verified, so not given
    assert (pace.study_type, pace.sample_size, pace.direction) == (StudyType.RCT, 641, ClaimDirection.HELPED)
    assert GET in pace.interventions

    reanalysis = claims["wilshire-2018-pace-reanalysis"]
    assert (reanalysis.journal, reanalysis.volume_pages, reanalysis.doi) == (
        "BMC Psychology",
        "6:6",
        "10.1186/s40359-018-0218-3",
    )
    assert reanalysis.direction == ClaimDirection.NO_EFFECT and reanalysis.sample_size is None

    cochrane = claims["larun-2019-cochrane-exercise-cfs"]
    assert cochrane.doi == "10.1002/14651858.CD003200.pub8" and cochrane.sample_size == 1518
    assert cochrane.study_type == StudyType.SYSTEMATIC_REVIEW and cochrane.direction == ClaimDirection.MIXED
    assert cochrane.certainty.startswith("Moderate")

    nice = claims["nice-2021-ng206-do-not-offer-get"]
    assert nice.study_type == StudyType.GUIDELINE and nice.direction == ClaimDirection.WORSENED
    assert nice.url == "https://nice.org.uk/guidance/ng206/chapter/recommendations"
    assert nice.certainty == ""  # NICE's evidence grades were not verified

    survey = claims["geraghty-2019-survey-get"]
    assert (survey.volume_pages, survey.sample_size, survey.study_type) == (
        "24(10):1318-1333",
        1428,
        StudyType.SURVEY,
    )
    for slug in [
        "pace-2011-lancet-get-cbt",
        "wilshire-2018-pace-reanalysis",
        "larun-2019-cochrane-exercise-cfs",
        "nice-2021-ng206-do-not-offer-get",
        "cdc-2017-drops-get-cbt",
        "geraghty-2019-survey-get",
        "world-physiotherapy-2021-long-covid",
    ]:
        assert GET in claims[slug].interventions and not claims[slug].background, slug


def test_the_other_central_studies_keep_their_figures_and_grades():
    claims = seeded()
    assert claims["bidonde-2017-cochrane-aerobic-fibromyalgia"].sample_size == 839
    assert claims["bidonde-2017-cochrane-aerobic-fibromyalgia"].certainty == ""  # grades not seen
    walking = claims["mannerkorpi-2010-nordic-walking-fibromyalgia"]
    assert (walking.doi, walking.sample_size, walking.interventions) == ("10.1186/ar3159", 67, ["walking"])
    assert claims["wang-2018-tai-chi-aerobic-fibromyalgia"].volume_pages == "360:k851"
    assert "tai chi" in claims["wang-2018-tai-chi-aerobic-fibromyalgia"].interventions
    assert claims["carson-2010-yoga-of-awareness-fibromyalgia"].interventions == ["yoga"]
    assert claims["macfarlane-2017-eular-fibromyalgia"].certainty.startswith('"Strong for"')
    rehab = claims["pouliopoulou-2023-post-covid-rehabilitation"]
    assert (rehab.authors, rehab.sample_size) == ("Pouliopoulou DV, et al.", 1244)
    assert rehab.certainty.startswith("Moderate")
    gerdle = claims["gerdle-2016-plos-one-exercise-fibromyalgia"]
    assert (gerdle.journal, gerdle.year, gerdle.volume_pages) == ("PLOS ONE", 2016, "11(10):e0162010")
    assert gerdle.interventions == ["strength"] and not gerdle.background


def test_mechanism_papers_are_background_and_background_is_only_mechanism_papers():
    claims = seeded()
    background = {slug for slug, c in claims.items() if c.background}
    assert background == {
        "gentile-2019-motor-cortex-fnirs",
        "mesquita-2022-relaxation-motoneurons",
        "mercier-leonard-2011-pain-motor-cortex-review",
        "snell-2013-two-day-exercise-test",
        "keller-2014-two-day-exercise-test",
    }
    assert all(c.background for c in claims.values() if c.direction == ClaimDirection.MECHANISM)
    # background comes after the evidence
    assert max(c.position for c in claims.values() if not c.background) < min(
        claims[slug].position for slug in background
    )


def test_the_migration_drops_the_claims_without_a_citation_and_marks_the_mechanism_papers():
    migration = importlib.import_module("analysis.migrations.0007_study_claim_certainty_background")
    fields = fixture_claims()[0] | {"background": False}
    for slug in [*migration.DROPPED_SLUGS, *migration.BACKGROUND_SLUGS]:
        StudyClaim.objects.create(**(fields | {"slug": slug}))

    migration.update_claims(apps, None)

    assert set(StudyClaim.objects.values_list("slug", flat=True)) == set(migration.BACKGROUND_SLUGS)
    assert all(StudyClaim.objects.values_list("background", flat=True))


def test_staff_edit_claims_in_the_admin(client, admin_user):
    call_command("loaddata", "study_claims", verbosity=0)
    client.force_login(admin_user)
    assert client.get(reverse("admin:analysis_studyclaim_changelist")).status_code == 200
    claim = StudyClaim.objects.first()
    assert client.get(reverse("admin:analysis_studyclaim_change", args=[claim.pk])).status_code == 200


def test_outcome_tags_are_looked_up_but_not_added_in_the_admin(client, admin_user, post_factory):
    PostTag.objects.create(post=post_factory(), status="done", outcome="helped", confidence=0.8)
    client.force_login(admin_user)
    assert client.get(reverse("admin:analysis_posttag_changelist")).status_code == 200
    assert client.get(reverse("admin:analysis_posttag_add")).status_code == 403
