"""What a post's outcome badge is about: the exercise it names ("Walking: helped"), or exercise in general;
and, apart, the other treatments it reports on with their own outcomes ("LDN: helped")."""

from django import template

from analysis.vocabulary import (
    TREATMENTS,
    intervention_in_sentence,
    intervention_label,
    label_in_sentence,
    outcome_label,
)

register = template.Library()


def _items(tag, *, treatments: bool) -> list[dict]:
    items = tag.interventions if isinstance(tag.interventions, list) else []
    return [
        item
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and (item.get("kind") == "treatment" or item["name"] in TREATMENTS) == treatments
        and item.get("kind") != "exertion"
    ]


@register.filter
def badge_subject(tag) -> str:
    """ "Walking", "Yoga and pool / swimming", or "Exercise" when the post names no kind of exercise."""
    names = list(dict.fromkeys(intervention_label(item["name"]) for item in _items(tag, treatments=False)))
    if not names or names == [intervention_label("exercise")]:
        return "Exercise"
    names = [n for n in names if n != intervention_label("exercise")]
    names = [names[0], *(label_in_sentence(n) for n in names[1:])]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@register.filter
def treatment_outcomes(tag) -> list[tuple[str, str, str]]:
    """(outcome, label, outcome in words) for each other treatment the post reports on."""
    return [
        (
            item.get("outcome", ""),
            intervention_label(item["name"]),
            outcome_label(item.get("outcome", "")).lower(),
        )
        for item in _items(tag, treatments=True)
    ]


@register.filter
def is_own_post(post, user) -> bool:
    return bool(user and user.is_authenticated and post.author_id == user.pk)


@register.filter
def outcome_words(outcome: str) -> str:
    """ "made worse", "no outcome reported": an outcome as a sentence says it."""
    return outcome_label(outcome or "").lower()


@register.filter
def intervention_words(name: str) -> str:
    """ "walking", "LDN (low-dose naltrexone)": what a sentence calls an intervention the tagger named."""
    return intervention_in_sentence(name) if isinstance(name, str) else ""
