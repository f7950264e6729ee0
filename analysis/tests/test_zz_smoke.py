import pytest
from django.urls import reverse
from analysis.tests.dashboard_fixtures import tagged_post  # noqa
pytestmark = pytest.mark.django_db

def test_smoke(client, tagged_post, user_factory):
    for i in range(6):
        tagged_post("worsened", interventions=[("walking", "worsened")])
    tagged_post("helped", interventions=[("yoga", "helped"), ("ldn", "helped")], author_outcome="helped")
    r = client.get(reverse("dashboard:index"))
    assert r.status_code == 200, r.content[:3000]
    open("/tmp/dash.html", "wb").write(r.content)
    r = client.get(reverse("dashboard:posts") + "?outcome=worsened&intervention=walking")
    assert r.status_code == 200
    open("/tmp/posts.html", "wb").write(r.content)
    r = client.get(reverse("api:dashboard"))
    assert r.status_code == 200
    r = client.get(reverse("dashboard:export_csv"))
    print(r.content.decode()[:2000])
    from analysis.rollups import rollups_check
    assert rollups_check().ok
