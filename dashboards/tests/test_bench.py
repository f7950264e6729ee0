"""bench_dashboard (a benchmark, not a timed test): it runs end to end on a small size, and refuses a
database with real posts."""

import pytest
from django.core.management import CommandError, call_command

from analysis.rollups import rollups_check

pytestmark = pytest.mark.django_db


def test_the_benchmark_fills_rebuilds_and_prints_p50_and_p95_at_each_size(capsys):
    call_command("bench_dashboard", posts=400, sizes="150,400", requests=4)

    out = capsys.readouterr().out
    assert "page p50" in out and "page p95" in out and "api p95" in out
    lines = [line for line in out.splitlines() if line.strip() and line.split()[0].replace(",", "").isdigit()]
    assert [line.split()[0] for line in lines] == ["150", "400"]
    assert rollups_check().ok


def test_the_benchmark_refuses_a_database_with_real_posts(post_factory):
    post_factory()
    with pytest.raises(CommandError, match="real posts"):
        call_command("bench_dashboard", posts=100, sizes="100", requests=1)
