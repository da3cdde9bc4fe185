"""Times the banner overview page (考核总览) for a normal banner of 30 studios, through Django's whole stack.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mingshi_bench_overview \
        .venv/bin/python bench/generate_region.py --studios 30
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mingshi_bench_overview \
        .venv/bin/python bench/overview_bench.py [--year 2024-2025] [--kind annual|cycle] [--runs 15]

An officer's GET of /assessments/?kind=…&year=… is sent with the test client (URL routing, middleware,
access check, the loader and the engine for every studio, template rendering, charts' JSON) after one warm-up
request. Printed: the studios on the page, the median, fastest and slowest wall time of the runs, the SQL
queries of one request and the size of the HTML. Goal (issue 5, 2-core machine): ≤ 300 ms for 30 studios.
The page assesses "as of today", as an officer sees it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingshi.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", default="2024-2025")
    parser.add_argument("--kind", choices=["annual", "cycle"], default="annual")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true",
                        help="bench/run.py: both kinds and the studio list, alternating; one JSON line")
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL=postgres://…/mingshi_bench_overview "
                         "(generate it with bench/generate_region.py --studios 30).")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from members.models import User
    from studios.models import Studio

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    officer, _created = User.objects.get_or_create(username="bench-officer", defaults={"role": User.Role.OFFICER})
    client = Client()
    client.force_login(officer)
    url = reverse("assessments:overview")
    params = {"kind": args.kind, "year": args.year}
    if args.json:
        import json

        pages = {kind: (url, {"kind": kind, "year": args.year}) for kind in ("annual", "cycle")}
        pages["baseline"] = (reverse("studios:list"), {})
        figures = {}
        for name, (page_url, page_params) in pages.items():
            response = client.get(page_url, page_params)  # warm-up
            if response.status_code != 200:
                raise SystemExit(f"{page_url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                client.get(page_url, page_params)
            figures[name] = {"seconds": [], "queries": len(queries.captured_queries),
                             "kb": len(response.content) / 1024}
        for _run in range(args.runs):
            for name, (page_url, page_params) in pages.items():
                started = time.perf_counter()
                client.get(page_url, page_params)
                figures[name]["seconds"].append(time.perf_counter() - started)
        print(json.dumps(figures))
        return

    response = client.get(url, params)  # warm-up: imports, template compilation, the settings row
    if response.status_code != 200:
        raise SystemExit(f"the overview answered {response.status_code}")
    timings = []
    for _run in range(args.runs):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    rows = response.content.decode().count("<tr data-studio=")
    print(f"studios in the database: {Studio.objects.count()}, on the page: {rows} ({args.kind} {args.year})")
    print(f"runs: {args.runs}  median {statistics.median(timings):.0f} ms  fastest {min(timings):.0f} ms  "
          f"slowest {max(timings):.0f} ms")
    print(f"queries per request: {len(queries.captured_queries)}  HTML: {len(response.content) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
