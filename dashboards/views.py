"""The public dashboards (no login): the figures page, its drill-down lists, and their exports."""

import csv
import json

from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from analysis.vocabulary import ALL, intervention_in_sentence
from dashboards import export
from dashboards.filters import parse_drill_down, parse_filters
from dashboards.selectors.distributions import MIN_MEMBERS_FOR_SHARE, MIN_POSTS_FOR_SHARE
from dashboards.selectors.drill_down import (
    DRILL_DOWN_PAGE_SIZE,
    drill_down_queryset,
    drill_down_rows,
    drill_post,
)
from dashboards.selectors.figures import dashboard_figures
from dashboards.selectors.glance import glance
from dashboards.titles import (
    CORRECTION_NOTE,
    MEMBER_NOTE,
    SELF_SELECTED_NOTE,
    condition_sentence,
    drill_title,
    filters_description,
    summary_subject,
)


def _csv_response(rows, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow(row)
    return response


def _json_download(payload: dict, filename: str, status: int = 200) -> JsonResponse:
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _errors(form) -> dict:
    return {"errors": json.loads(form.errors.as_json())}


@require_safe
def dashboard(request):
    """The summary: overall, per intervention, the studies about each, and how tags are made."""
    return _figures_page(request, "dashboards/index.html")


@require_safe
def details(request):
    """The studies in full beside members' reports, members counted once, and the other breakdowns."""
    return _figures_page(request, "dashboards/details.html")


def _figures_page(request, template: str):
    filters, form = parse_filters(request.GET)
    context = {
        "form": form,
        "dashboard": None,
        "min_posts": MIN_POSTS_FOR_SHARE,
        "min_members": MIN_MEMBERS_FOR_SHARE,
        "self_selected_note": SELF_SELECTED_NOTE,
        "correction_note": CORRECTION_NOTE,
        "member_note": MEMBER_NOTE,
    }
    if filters is None:
        return render(request, template, context, status=400)
    context["dashboard"] = figures = dashboard_figures(filters)
    context["glance"] = glance(
        figures.by_intervention, figures.members_by_intervention, figures.claims_by_intervention
    )
    context["posts_url"] = reverse("dashboards:posts")
    context["filters_description"] = filters_description(filters)
    context["summary_subject"] = summary_subject(filters)
    context["condition_sentence"] = condition_sentence(filters)
    context["query"] = filters.querystring()
    return render(request, template, context)


@require_safe
def figures_export(request, fmt: str):
    filters, form = parse_filters(request.GET)
    if filters is None:
        return JsonResponse(_errors(form), status=400)
    figures = dashboard_figures(filters)
    if fmt == "csv":
        return _csv_response(export.dashboard_csv_rows(figures), "dashboard.csv")
    return _json_download(export.dashboard_dict(figures, request.build_absolute_uri), "dashboard.json")


@require_safe
def drill_down(request):
    drill, form = parse_drill_down(request.GET)
    if drill is None:
        return render(request, "dashboards/posts.html", {"form": form, "drill": None}, status=400)
    page = Paginator(drill_down_rows(drill), DRILL_DOWN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/posts.html",
        {
            "form": form,
            "drill": drill,
            "title": drill_title(drill),
            "filters_description": filters_description(drill.filters),
            "page_obj": page,
            "posts": [drill_post(row, drill) for row in page.object_list],
            "export_query": request.GET.urlencode(),
            "dashboard_query": drill.filters.querystring(),
            "member_note": MEMBER_NOTE,
            "subject": intervention_in_sentence(drill.filters.intervention)
            if drill.filters.intervention != ALL
            else "",
        },
    )


@require_safe
def drill_down_export(request, fmt: str):
    drill, form = parse_drill_down(request.GET)
    if drill is None:
        return JsonResponse(_errors(form), status=400)
    rows = list(drill_down_queryset(drill)[: export.EXPORT_MAX_POSTS + 1])
    truncated = len(rows) > export.EXPORT_MAX_POSTS
    posts = [drill_post(row, drill) for row in rows[: export.EXPORT_MAX_POSTS]]
    absolute = request.build_absolute_uri
    if fmt == "csv":
        return _csv_response(
            [export.POST_CSV_COLUMNS, *(export.drill_post_csv_row(p, absolute) for p in posts)], "posts.csv"
        )
    payload = {
        **export.drill_dict(drill),
        "count": len(posts),
        "truncated": truncated,
        "posts": [export.drill_post_dict(p, absolute) for p in posts],
    }
    return _json_download(payload, "posts.json")
