"""Charts, descriptions and number formats for the dashboard templates."""

from django import template
from django.urls import reverse

from analysis.vocabulary import label_in_sentence
from dashboards import charts

register = template.Library()


@register.simple_tag
def outcome_bars(dist, prefix):
    return charts.outcome_bars(dist, drill_url=reverse("dashboards:posts"), prefix=prefix)


@register.simple_tag
def diverging_bars(dists, prefix):
    return charts.diverging_bars(dists, drill_url=reverse("dashboards:posts"), prefix=prefix)


@register.simple_tag
def glance_patterns(prefix):
    return charts.glance_patterns(prefix)


@register.simple_tag
def glance_bar(row, prefix):
    return charts.glance_bar(row, prefix=prefix)


@register.simple_tag
def monthly_bars(dists, prefix):
    return charts.monthly_bars(dists, drill_url=reverse("dashboards:posts"), prefix=prefix)


@register.simple_tag
def describe(dist, subject="exercise"):
    return charts.describe_distribution(dist, subject=subject)


@register.simple_tag
def describe_breakdown(dists, by):
    return charts.describe_breakdown(dists, by=by)


@register.filter
def percent(share):
    """ "32.6%", or "" when the group is too small for a percentage."""
    return f"{share.percent:.1f}%" if share.percent is not None else ""


@register.filter
def interval(share):
    """ "29.1–36.2%" (95% Wilson interval), or ""."""
    bounds = share.interval_percent
    return f"{bounds[0]:.1f}–{bounds[1]:.1f}%" if bounds else ""


@register.filter
def corrected(share):
    """ "41.0% (22.3–60.8%)": the estimate corrected for the tagger's errors with its 95% interval, or ""."""
    if share.corrected is None:
        return ""
    low, high = share.corrected_interval_percent
    return f"{share.corrected:.1f}% ({low:.1f}–{high:.1f}%)"


@register.filter
def glance_words(share):
    """ "74% (56–91)" corrected, or "23% raw" where the correction is too uncertain to say."""
    if share.corrected is not None:
        low, high = share.corrected_interval_percent
        return f"{share.corrected:.0f}% ({low:.0f}–{high:.0f})"
    return f"{share.percent:.0f}% raw" if share.percent is not None else ""


@register.filter
def pair(first, second):
    return (first, second)


@register.filter
def rate(value):
    return "" if value is None else f"{100 * value:.1f}%"


@register.filter
def f1(value):
    return "not measured yet" if value is None else f"{value:.2f}"


@register.filter
def in_sentence(label):
    """A label inside a sentence: "graded exercise therapy (GET)", "ME/CFS" (|lower would lose the case)."""
    return label_in_sentence(label)
