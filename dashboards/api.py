"""The read-only JSON API under /api/ (documented in README): the same figures as the dashboard pages."""

import json

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from analysis.models import StudyClaim
from dashboards import export
from dashboards.filters import parse_drill_down, parse_filters
from dashboards.selectors.drill_down import DRILL_DOWN_PAGE_SIZE, drill_down_rows, drill_post
from dashboards.selectors.figures import dashboard_figures
from dashboards.titles import SELF_SELECTED_NOTE


def _json(payload: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public, read-only figures
    return response


def _errors(form) -> JsonResponse:
    return _json({"errors": json.loads(form.errors.as_json())}, status=400)


@require_safe
def api_index(request):
    absolute = request.build_absolute_uri
    return _json(
        {
            "dashboard": absolute(reverse("dashboards:api_dashboard")),
            "posts": absolute(reverse("dashboards:api_posts")) + "?outcome=worsened",
            "claims": absolute(reverse("dashboards:api_claims")),
            "filters": [
                "intervention",
                "condition",
                "since (YYYY-MM)",
                "until (YYYY-MM)",
                "min_confidence",
                "confirmed",
            ],
            "note": SELF_SELECTED_NOTE,
        }
    )


@require_safe
def api_dashboard(request):
    filters, form = parse_filters(request.GET)
    if filters is None:
        return _errors(form)
    return _json(export.dashboard_dict(dashboard_figures(filters), request.build_absolute_uri))


@require_safe
def api_posts(request):
    drill, form = parse_drill_down(request.GET)
    if drill is None:
        return _errors(form)
    page = Paginator(drill_down_rows(drill), DRILL_DOWN_PAGE_SIZE).get_page(request.GET.get("page"))

    def page_url(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{reverse('dashboards:api_posts')}?{query.urlencode()}")

    return _json(
        {
            **export.drill_dict(drill),
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "posts": [
                export.drill_post_dict(drill_post(row, drill), request.build_absolute_uri)
                for row in page.object_list
            ],
        }
    )


@require_safe
def api_claims(request):
    # Background claims come too, flagged `background`, so the API lists what the page lists; the page sets
    # members' reports beside the others only.
    return _json({"claims": [export.claim_dict(c) for c in StudyClaim.objects.order_by("position", "id")]})
