"""Benchmark the forum's pages over HTTP: gunicorn on this database, locust as the load, at growing sizes.

    createdb -h 127.0.0.1 -U postgres bench_forum
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_forum
    python manage.py migrate && python manage.py bench_http            # 10k, 100k, 1M posts

At each size it fills the forum up (devtools.forum_bench.data), starts gunicorn with the production settings
(once, kept across steps), runs locust headless with --users simulated readers for --duration seconds and
prints, per page, p50/p95/p99 in ms, requests/s and failures, and "alone p50": the median of --alone
requests made one at a time before the load, the page's own cost with no queue in front of it. Readers are
anonymous; --members N of every --members+4 simulated users are signed in (a session per member), their
rows marked "member:".
It refuses a database that holds posts it did not make. Figures only: nothing here asserts a timing.

Filling a million posts takes minutes. With --databases (one name per size, on the same server as
DATABASE_URL) each size has a database of its own, filled once and kept: a later run measures it again
without refilling (a database already holding at least its size is used as it is, and the size measured is
printed). gunicorn is restarted on each database.

    for db in bench_10k bench_100k bench_1m; do createdb -h 127.0.0.1 -U postgres $db; \
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db python manage.py migrate; done
    python manage.py bench_http --databases bench_10k,bench_100k,bench_1m
"""

from __future__ import annotations

import csv
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devtools.forum_bench import data
from devtools.forum_bench.pages import bench_pages

LOCUSTFILE = Path(data.__file__).with_name("locustfile.py")


def database_url() -> str:
    """This connection's database as a DATABASE_URL for the gunicorn process (the test database in tests)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command(BaseCommand):
    help = "Fill a forum to 10k, 100k and 1M posts and load its pages over HTTP (gunicorn + locust)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes", default="10000,100000,1000000", help="Post counts at which to measure."
        )
        parser.add_argument("--users", type=int, default=50, help="Concurrent simulated clients.")
        parser.add_argument("--duration", type=int, default=60, help="Seconds of load per step.")
        parser.add_argument(
            "--wait", default="1,2", help="Each client's pause between pages: MIN,MAX seconds."
        )
        parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (sync).")
        parser.add_argument(
            "--members", type=int, default=1, help="Signed-in clients per 4 anonymous; 0: none."
        )
        parser.add_argument(
            "--alone",
            type=int,
            default=5,
            dest="alone_rounds",
            help="Requests per page one at a time before the load (its cost).",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--databases",
            default="",
            help="One database name per size (smallest first), each filled to its size and kept; "
            "default: every size in this database, grown step by step.",
        )

    def handle(
        self, *args, sizes, users, duration, wait, workers, members, alone_rounds, seed, databases, **options
    ):
        if connection.vendor != "postgresql":
            self.stdout.write(self.style.WARNING("Not PostgreSQL: the figures will not mean much."))
        steps = sorted({int(s) for s in sizes.split(",") if s.strip()})
        names = [name.strip() for name in databases.split(",") if name.strip()]
        if names and len(names) != len(steps):
            raise CommandError(f"--databases names {len(names)} databases for {len(steps)} sizes.")
        cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 2)[-2]
        self.stdout.write(
            f"bench_http: gunicorn {workers} sync workers (production settings, {cache_backend} cache), "
            f"locust {users} users ({members} signed in per 4 anonymous), pauses {wait} s, {duration} s per "
            "step; times in ms"
        )
        server = None
        filler = None
        try:
            for step, target in enumerate(steps):
                if names:
                    self._use_database(names[step])
                    if server is not None:  # the next size is another database: serve that one
                        self._stop(server)
                        server = None
                if filler is None or names:
                    if data.foreign_posts_exist():
                        raise CommandError(
                            "This database has real posts; run the benchmark on a database of its own."
                        )
                    filler = data.ForumFiller(seed=seed)
                started = time.monotonic()
                filler.fill_to(target)
                data.analyze()
                fill = time.monotonic() - started
                forum = filler.describe()
                where = f"database {connection.settings_dict['NAME']}: " if names else ""
                self.stdout.write(
                    f"\n{where}{forum.posts:,} posts in {forum.threads:,} threads (filled in {fill:.0f} s); "
                    f"largest thread {forum.largest_thread_pages} pages, "
                    f"deepest category {forum.category_pages} pages"
                )
                if server is None:
                    server, base = self._start_gunicorn(workers)
                plan = {
                    "category_slugs": forum.category_slugs,
                    "deep_category": forum.category_slugs[0],
                    "category_pages": forum.category_pages,
                    "largest_thread": forum.largest_thread_id,
                    "thread_pages": forum.largest_thread_pages,
                    "thread_ids": forum.thread_ids,
                    "sessions": filler.member_sessions(20) if members else [],
                    "reader_weight": 4,
                    "member_weight": members,
                }
                alone = self._check_pages(base, plan, rounds=alone_rounds + 1)
                rows = self._locust(base, plan, users=users, duration=duration, wait=wait)
                load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
                self.stdout.write(f"machine load average during the run (1, 5, 15 min): {load}")
                self._print(rows, alone)
        finally:
            if server is not None:
                self._stop(server)

    @staticmethod
    def _use_database(name: str) -> None:
        """Point this process's connection at another database on the same server, migrated (a new one is
        empty; a kept one may predate a migration)."""
        connection.close()
        connection.settings_dict["NAME"] = name
        call_command("migrate", interactive=False, verbosity=0)

    @staticmethod
    def _stop(server: subprocess.Popen) -> None:
        server.terminate()
        server.wait(timeout=30)

    def _start_gunicorn(self, workers: int) -> tuple[subprocess.Popen, str]:
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": database_url(),
            "SECRET_KEY": settings.SECRET_KEY,  # the member sessions made here are signed with it
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "False",
            "DEBUG": "False",
            "PYTHONWARNINGS": "ignore::UserWarning",  # whitenoise: no collected static files (none fetched)
        }
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(workers), "--log-level", "warning"],
            cwd=settings.BASE_DIR,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as response:  # noqa: S310 - our own server
                    if response.status == 200:
                        return server, base
            except OSError:
                time.sleep(0.3)
            if server.poll() is not None:
                break
        server.terminate()
        raise CommandError("gunicorn did not answer within 60 s.")

    def _check_pages(self, base: str, plan: dict, *, rounds: int) -> dict[str, float]:
        """Every page `rounds` times, one request at a time, anonymous and as a member, before the load:
        each must answer 200. Returns the median ms per page: its cost with no queue in front of it."""
        cookies = [""] + [f"sessionid={key}" for key in plan["sessions"][:1]]
        timings: dict[str, list[float]] = {}
        for number in range(max(1, rounds)):
            for cookie in cookies:
                for name, path in bench_pages(plan, random.Random(number)):
                    name = f"member: {name}" if cookie else name
                    headers = {"Cookie": cookie} if cookie else {}
                    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - our server
                    started = time.perf_counter()
                    try:
                        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our server
                            response.read()
                            status = response.status
                    except urllib.error.HTTPError as error:
                        status = error.code
                    if status != 200:
                        raise CommandError(f"{name} ({path}) answered {status}.")
                    if number:  # the first round warms each page's caches
                        timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        return {name: statistics.median(values) for name, values in timings.items()}

    def _locust(self, base: str, plan: dict, *, users: int, duration: int, wait: str) -> list[dict]:
        classes = ["Reader"] + (["Member"] if plan["member_weight"] else [])
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "run"
            run = subprocess.run(  # noqa: S603 - our own interpreter and arguments
                [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary"]
                + [
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(max(1, users // 2)),
                    "--run-time",
                    f"{duration}s",
                ]
                + ["--host", base, "--csv", str(prefix), "--loglevel", "ERROR", *classes],
                env={**os.environ, "BENCH_HTTP_PLAN": json.dumps(plan), "BENCH_WAIT": wait},
                check=False,
                capture_output=True,
                text=True,
            )
            if run.returncode not in (0, 1):  # 1: some requests failed, which the table shows
                raise CommandError(f"locust failed:\n{run.stderr[-3000:]}")
            stats = Path(f"{prefix}_stats.csv")
            if not stats.exists():
                raise CommandError("locust wrote no statistics.")
            with stats.open() as f:
                rows = list(csv.DictReader(f))
            if not any(int(row["Request Count"]) for row in rows):
                raise CommandError(f"locust made no requests:\n{(run.stdout + run.stderr)[-3000:]}")
            return rows

    def _print(self, rows: list[dict], alone: dict[str, float]) -> None:
        self.stdout.write(
            f"{'page':<34} {'requests':>8} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7} {'failures':>8} "
            f"{'alone p50':>9}"
        )
        rows = sorted(
            rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"].startswith("member:"), r["Name"])
        )
        for row in rows:
            self.stdout.write(
                f"{row['Name']:<34} {int(row['Request Count']):>8} {row['50%']:>6} {row['95%']:>6} "
                f"{row['99%']:>6} {float(row['Requests/s']):>7.1f} {int(row['Failure Count']):>8} "
                + (f"{alone[row['Name']]:>9.0f}" if row["Name"] in alone else f"{'':>9}")
            )
