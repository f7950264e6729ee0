"""The pages bench_http measures, as (name, path) for a plan of the filled forum. Plain Python: the locust
process imports it too."""

from __future__ import annotations

import random

SEARCHES = ["walking", "pacing crash", "swimming pool", "heart rate monitor", "graded exercise worse"]


def bench_pages(plan: dict, rng: random.Random | random.Random = random) -> list[tuple[str, str]]:
    thread = f"/t/{plan['largest_thread']}/"
    return [
        ("home", "/"),
        ("category p1", f"/c/{rng.choice(plan['category_slugs'])}/"),
        ("category last page", f"/c/{plan['deep_category']}/?page={plan['category_pages']}"),
        ("largest thread p1", thread),
        ("largest thread middle", f"{thread}?page={plan['thread_pages'] // 2 + 1}"),
        ("largest thread last", f"{thread}?page={plan['thread_pages']}"),
        ("random thread", f"/t/{rng.choice(plan['thread_ids'])}/"),
        ("search", f"/search/?q={rng.choice(SEARCHES).replace(' ', '+')}"),
    ]
