"""The load bench_http puts on the forum: run by locust in a process of its own (locust patches the standard
library with gevent, which must not happen inside Django's process).

Each simulated reader opens one of the pages below at random, then waits BENCH_WAIT seconds (a range) as a
person reading would. Members (signed in with a session cookie bench_http made) do the same; their requests
are named with a "member: " prefix so the table shows them apart.
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

PLAN = json.loads(os.environ.get("BENCH_HTTP_PLAN", "{}"))
WAIT = [float(x) for x in os.environ.get("BENCH_WAIT", "1,2").split(",")]
SEARCHES = ["walking", "pacing crash", "swimming pool", "heart rate monitor", "graded exercise worse"]


class Reader(HttpUser):
    weight = int(PLAN.get("reader_weight", 4))
    wait_time = between(*WAIT)
    prefix = ""

    def _get(self, name: str, path: str) -> None:
        with self.client.get(path, name=self.prefix + name, catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} from {path}")

    @task
    def home(self):
        self._get("home", "/")

    @task
    def category_first(self):
        self._get("category p1", f"/c/{random.choice(PLAN['category_slugs'])}/")

    @task
    def category_deep(self):
        self._get("category last page", f"/c/{PLAN['deep_category']}/?page={PLAN['category_pages']}")

    @task
    def largest_first(self):
        self._get("largest thread p1", f"/t/{PLAN['largest_thread']}/")

    @task
    def largest_middle(self):
        self._get(
            "largest thread middle", f"/t/{PLAN['largest_thread']}/?page={PLAN['thread_pages'] // 2 + 1}"
        )

    @task
    def largest_last(self):
        self._get("largest thread last", f"/t/{PLAN['largest_thread']}/?page={PLAN['thread_pages']}")

    @task
    def random_thread(self):
        self._get("random thread", f"/t/{random.choice(PLAN['thread_ids'])}/")

    @task
    def search(self):
        self._get("search", f"/search/?q={random.choice(SEARCHES).replace(' ', '+')}")


class Member(Reader):
    weight = int(PLAN.get("member_weight", 1))
    prefix = "member: "

    def on_start(self):
        # The session a sign-in would have made; the cookie travels as a header because the production
        # settings mark it Secure and the benchmark talks plain HTTP to gunicorn.
        self.client.headers["Cookie"] = f"sessionid={random.choice(PLAN['sessions'])}"
