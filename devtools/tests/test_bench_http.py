"""bench_http end to end at a tiny size: it fills the forum, serves it with gunicorn, loads every page with
locust and prints a row per page. Figures are never asserted (machines are noisy), only that it ran."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from forum.models import Post
from tests.service_checks import require_postgres

PAGES = [
    "home",
    "category p1",
    "category last page",
    "largest thread p1",
    "largest thread middle",
    "largest thread last",
    "random thread",
    "search",
]


@pytest.mark.django_db(transaction=True)
def test_bench_http_fills_serves_and_loads_every_page_anonymous_and_signed_in():
    require_postgres()  # gunicorn must reach the test database, which SQLite keeps in memory
    out = io.StringIO()
    call_command(
        "bench_http", sizes="600", users=4, duration=5, wait="0.1,0.3", workers=2, alone_rounds=1, stdout=out
    )
    report = out.getvalue()
    assert "600 posts in 6 threads" in report
    assert Post.objects.filter(thread_id=Post.objects.order_by("id").first().thread_id).count() == 120
    # Every page answered 200 once, anonymous and signed in, before the load (the command checks), and
    # the load ran: how many requests each page got depends on the machine, so only the total is asserted.
    table = report.split("alone p50\n", 1)[1]
    rows = {line[:34].strip(): line.split() for line in table.splitlines() if line.strip()}
    assert set(rows) <= {*PAGES, *(f"member: {page}" for page in PAGES), "Aggregated"}, report
    assert int(rows["Aggregated"][1]) > 0, report
    assert rows["Aggregated"][-1] == "0", report  # no request failed under load

    # A database named for the size is measured as it is when it holds that size already: no refill.
    again = io.StringIO()
    name = connection.settings_dict["NAME"]
    call_command(
        "bench_http",
        sizes="600",
        databases=name,
        users=2,
        duration=2,
        wait="0.1,0.3",
        workers=1,
        alone_rounds=1,
        stdout=again,
    )
    assert f"database {name}: 600 posts in 6 threads (filled in 0 s)" in again.getvalue()
    assert Post.objects.count() == 600


def test_bench_http_wants_one_database_per_size():
    with pytest.raises(CommandError, match="2 databases for 3 sizes"):
        call_command("bench_http", sizes="10,20,30", databases="a,b", duration=1)


@pytest.mark.django_db
def test_bench_http_refuses_a_database_with_real_posts(post_factory):
    post_factory(body="A real member's post.")
    with pytest.raises(CommandError, match="real posts"):
        call_command("bench_http", sizes="100", duration=1)
