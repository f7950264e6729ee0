"""The load bench_http puts on the forum: run by locust in a process of its own (locust patches the standard
library with gevent, which must not happen inside Django's process).

Each simulated reader opens the pages below in turn, then waits BENCH_WAIT seconds (a range) as a
person reading would. Members (signed in with a session cookie bench_http made) do the same; their requests
are named with a "member: " prefix so the table shows them apart.
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

from devtools.forum_bench.pages import bench_pages

PLAN = json.loads(os.environ.get("BENCH_HTTP_PLAN", "{}"))
WAIT = [float(x) for x in os.environ.get("BENCH_WAIT", "1,2").split(",")]


class Reader(HttpUser):
    weight = int(PLAN.get("reader_weight", 4))
    wait_time = between(*WAIT)
    prefix = ""

    def on_start(self):
        # Each reader goes round every page in turn from a random start, so that every page is measured
        # even in a short run, and the mix stays even.
        self.turn = random.randrange(8)

    @task
    def next_page(self):
        pages = bench_pages(PLAN)
        name, path = pages[self.turn % len(pages)]
        self.turn += 1
        with self.client.get(path, name=self.prefix + name, catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} from {path}")


class Member(Reader):
    weight = int(PLAN.get("member_weight", 1))
    prefix = "member: "

    def on_start(self):
        super().on_start()
        # The session a sign-in would have made; the cookie travels as a header because the production
        # settings mark it Secure and the benchmark talks plain HTTP to gunicorn.
        self.client.headers["Cookie"] = f"sessionid={random.choice(PLAN['sessions'])}"
