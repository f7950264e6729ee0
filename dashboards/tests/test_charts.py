"""The server-rendered charts: self-contained SVG where colour is never the only carrier of meaning."""

import re

from dashboards.charts import (
    describe_breakdown,
    describe_distribution,
    diverging_bars,
    monthly_bars,
    outcome_bars,
)
from dashboards.selectors.distributions import distribution


def dist(worse, helped, mixed=0, none=0, key="walking", label="Walking", unit="posts"):
    counts = {
        "worsened": [worse, 0, 0],
        "helped": [helped, 0, 0],
        "mixed": [mixed, 0, 0],
        "none": [none, 0, 0],
    }
    return distribution(key=key, label=label, counts=counts, params={"intervention": key}, unit=unit)


def test_each_bar_is_labelled_with_its_outcome_share_and_count_and_links_to_its_posts():
    svg = outcome_bars(dist(3, 1, 1, 5), drill_url="/dashboard/posts/", prefix="t")
    assert "n = 10 posts" in svg
    for text in [
        "Made worse",
        "Helped",
        "Mixed",
        "No outcome reported",
        "30.0% (3)",
        "10.0% (1)",
        "50.0% (5)",
    ]:
        assert text in svg
    assert 'href="/dashboard/posts/?intervention=walking&amp;outcome=worsened"' in svg
    # harms first
    assert svg.index("Made worse") < svg.index("Helped")


def test_each_outcome_has_its_own_pattern_so_colour_is_not_the_only_carrier():
    svg = outcome_bars(dist(3, 1, 1, 5), drill_url="/p/", prefix="t")
    fills = set(re.findall(r'fill="url\(#t-(\w+)\)"', svg))
    assert fills == {"worsened", "helped", "mixed", "none"}
    assert 'patternTransform="rotate(45)"' in svg  # made worse is striped, helped solid


def test_too_few_posts_draw_no_bars_and_say_so():
    svg = outcome_bars(dist(2, 1), drill_url="/p/", prefix="t")
    assert "<rect x=" not in svg.split("</defs>")[1]
    assert "Too few to say" in svg
    assert "too few to say" in diverging_bars([dist(1, 1)], drill_url="/p/", prefix="d")
    assert "too few to say" in describe_distribution(dist(1, 1))


def test_the_diverging_chart_draws_harms_and_benefits_on_the_same_scale():
    svg = diverging_bars([dist(5, 5), dist(2, 8, key="yoga", label="Yoga")], drill_url="/p/", prefix="d")
    worse = [float(w) for w in re.findall(r'width="([\d.]+)" height="22" fill="url\(#d-worsened\)"', svg)]
    helped = [float(w) for w in re.findall(r'width="([\d.]+)" height="22" fill="url\(#d-helped\)"', svg)]
    assert worse[0] == helped[0]  # 50% each
    assert helped[1] == 4 * worse[1]
    assert "◀ Made worse" in svg and "Helped ▶" in svg


def test_the_charts_make_no_outside_request_and_need_no_script():
    svg = outcome_bars(dist(3, 1, 1, 5), drill_url="/p/", prefix="t") + monthly_bars(
        [dist(3, 4, key="2024-01", label="January 2024"), dist(1, 0, key="2024-03", label="March 2024")],
        drill_url="/p/",
        prefix="m",
    )
    assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_the_monthly_chart_keeps_time_even_across_months_with_no_posts():
    svg = monthly_bars(
        [dist(3, 4, key="2024-01", label="January 2024"), dist(3, 4, key="2024-04", label="April 2024")],
        drill_url="/p/",
        prefix="m",
    )
    xs = [
        float(x)
        for x in re.findall(
            r'<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="url\(#m-helped\)"', svg
        )
    ]
    assert len(xs) == 2 and xs[1] - xs[0] == 3 * 16


def test_descriptions_give_the_shares_with_their_intervals():
    text = describe_distribution(dist(3, 1, 1, 5))
    assert text.startswith(
        "Of 10 posts, 30.0% (95% interval 10.8–60.3%) report that exercise made them worse"
    )
    assert "Walking (n = 10): made worse 30.0%, helped 10.0%" in describe_breakdown(
        [dist(3, 1, 1, 5)], by="intervention"
    )
