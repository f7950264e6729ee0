from analysis.models import Outcome


def outcome_choices(request):
    """The outcome labels, for the tag forms shown under posts."""
    return {"outcome_choices": Outcome.choices}
