"""The dashboard's URL filters: validated by a form, then carried as a frozen dataclass.

    ?intervention=walking&condition=fibromyalgia&since=2024-01&until=2024-06&min_confidence=0.7&confirmed=1

Dates are whole months (the rollups count by month). Drill-downs add outcome= and one of category= or a
month range, and view=members for the member-level lists. Every dashboard link's query string is built here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from django import forms

from analysis.vocabulary import (
    ALL,
    AUTHOR_SCOPE,
    CONDITION_LABELS,
    CONFIDENCE_THRESHOLDS,
    EXERCISES,
    INTERVENTION_NAMES,
    OUTCOME_LABELS,
    OUTCOME_ORDER,
    TREATMENTS,
    intervention_label,
)

MONTH_FORMAT = "%Y-%m"


def _confidence_value(threshold: float) -> str:
    return f"{threshold:.1f}"


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}", **(attrs or {})}, format=MONTH_FORMAT
        )


class DashboardFilterForm(forms.Form):
    # Char fields over a fixed Select, validated in clean_*: a link's "Walking" or "ME/CFS" still matches,
    # and an unknown value's error does not repeat it (Django's invalid_choice message would).
    intervention = forms.CharField(
        required=False,
        label="Intervention",
        widget=forms.Select(
            choices=[("", "All (exercise overall)")]
            + [(name, intervention_label(name)) for name in EXERCISES]
            + [(name, intervention_label(name)) for name in TREATMENTS]
        ),
    )
    condition = forms.CharField(
        required=False,
        label="Condition",
        widget=forms.Select(choices=[("", "All conditions"), *CONDITION_LABELS.items()]),
    )
    since = forms.DateField(
        required=False, label="From month", input_formats=[MONTH_FORMAT], widget=MonthInput()
    )
    until = forms.DateField(
        required=False, label="To month", input_formats=[MONTH_FORMAT], widget=MonthInput()
    )
    min_confidence = forms.ChoiceField(
        required=False,
        label="Minimum tag confidence",
        choices=[("", "Any")]
        + [(_confidence_value(t), f"{t:.1f} or more") for t in CONFIDENCE_THRESHOLDS[1:]],
        help_text="Tags a person confirmed or corrected always pass.",
    )
    confirmed = forms.BooleanField(
        required=False,
        label="Only posts whose author confirmed the tag",
    )

    def clean_intervention(self):
        # Only the lexicon's names: the tagger writes no others, so any other name has no figures, and
        # showing one as a heading would state "n = 0" about something nobody was asked about.
        value = (self.cleaned_data.get("intervention") or "").strip().lower()
        if value in ("", ALL):
            return ""
        if value not in INTERVENTION_NAMES:
            raise forms.ValidationError(
                "Unknown intervention: choose one from the list.", code="unknown_intervention"
            )
        return value

    def clean_condition(self):
        value = (self.cleaned_data.get("condition") or "").strip().lower()
        if value in ("", ALL):
            return ""
        if value not in CONDITION_LABELS:
            raise forms.ValidationError(
                "Unknown condition: choose one from the list.", code="unknown_condition"
            )
        return value

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end month is before the start month.")
        return cleaned

    def filters(self) -> DashboardFilters:
        data = self.cleaned_data
        threshold = data.get("min_confidence") or ""
        scope = [_confidence_value(t) for t in CONFIDENCE_THRESHOLDS].index(threshold) if threshold else 0
        since, until = data.get("since"), data.get("until")
        return DashboardFilters(
            intervention=data.get("intervention") or ALL,
            condition=data.get("condition") or ALL,
            since=since.replace(day=1) if since else None,
            until=until.replace(day=1) if until else None,
            min_confidence=scope,
            confirmed_only=bool(data.get("confirmed")),
        )


class DrillDownForm(DashboardFilterForm):
    outcome = forms.ChoiceField(choices=[(o, OUTCOME_LABELS[o]) for o in OUTCOME_ORDER], label="Outcome")
    first = forms.ChoiceField(
        required=False,
        choices=[("", "Any")] + [(o, OUTCOME_LABELS[o]) for o in OUTCOME_ORDER],
        label="First report",
    )
    category = forms.IntegerField(required=False, min_value=1, label="Category")
    view = forms.ChoiceField(
        required=False, choices=[("", "Posts"), ("posts", "Posts"), ("members", "Members")]
    )

    def drill(self) -> DrillDown:
        data = self.cleaned_data
        return DrillDown(
            filters=self.filters(),
            outcome=data["outcome"],
            category_id=data.get("category"),
            members=data.get("view") == "members",
            first=data.get("first") or None,
        )


@dataclass(frozen=True)
class DashboardFilters:
    intervention: str = ALL
    condition: str = ALL
    since: date | None = None
    until: date | None = None
    min_confidence: int = 0  # an index into CONFIDENCE_THRESHOLDS
    confirmed_only: bool = False

    @property
    def scope(self) -> int:
        """The rollup scope these tag filters select."""
        return AUTHOR_SCOPE if self.confirmed_only else self.min_confidence

    @property
    def is_default(self) -> bool:
        return self == DashboardFilters()

    def params(self) -> dict[str, str]:
        """The query parameters that select these filters (defaults left out)."""
        params = {}
        if self.intervention != ALL:
            params["intervention"] = self.intervention
        if self.condition != ALL:
            params["condition"] = self.condition
        if self.since:
            params["since"] = self.since.strftime(MONTH_FORMAT)
        if self.until:
            params["until"] = self.until.strftime(MONTH_FORMAT)
        if self.min_confidence:
            params["min_confidence"] = _confidence_value(CONFIDENCE_THRESHOLDS[self.min_confidence])
        if self.confirmed_only:
            params["confirmed"] = "1"
        return params

    def with_(self, **changes) -> DashboardFilters:
        return replace(self, **changes)

    def querystring(self, **extra) -> str:
        params = {**self.params(), **{k: str(v) for k, v in extra.items() if v not in (None, "")}}
        return urlencode(params)

    def category_params(self, category_id: int) -> dict[str, str]:
        """The parameters of one forum category's drill-down."""
        return {**self.params(), "category": str(category_id)}

    def member_params(self, intervention: str) -> dict[str, str]:
        """The parameters of a member-level drill-down about `intervention`: members count by their latest
        report whatever its date, so the date filter is left out."""
        params = {**self.params(), "view": "members"}
        for key in ("since", "until", "intervention"):
            params.pop(key, None)
        if intervention != ALL:
            params["intervention"] = intervention
        return params


@dataclass(frozen=True)
class DrillDown:
    filters: DashboardFilters
    outcome: str
    category_id: int | None = None
    members: bool = False
    first: str | None = None  # member view: their first report (a trajectory)

    def params(self) -> dict[str, str]:
        params = {**self.filters.params(), "outcome": self.outcome}
        if self.category_id:
            params["category"] = str(self.category_id)
        if self.members:
            params["view"] = "members"
        if self.first:
            params["first"] = self.first
        return params


def drill_query(params: dict[str, str], **bar: str) -> str:
    """The query string of the drill-down behind one bar: its group's parameters, then the bar's own
    (outcome=, and first= for a trajectory)."""
    return urlencode({**params, **bar})


def parse_filters(query) -> tuple[DashboardFilters | None, DashboardFilterForm]:
    form = DashboardFilterForm(query)
    return (form.filters() if form.is_valid() else None), form


def parse_drill_down(query) -> tuple[DrillDown | None, DrillDownForm]:
    form = DrillDownForm(query)
    return (form.drill() if form.is_valid() else None), form
