"""Times ``manage.py assess --all`` on the region-scale data of generate_region.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mingshi_bench .venv/bin/python bench/assess_bench.py \
        [--year 2024-2025] [--as-of 2025-10-31] [--cycle-as-of 2027-10-31] [--overview-studios 30]

Each measurement runs in a fresh Python process, so that its peak memory (ru_maxrss) is its own: the
annual assessment of every studio for the year, the cycle assessment of every studio, and the banner
overview (``assessments.selectors.overview_matrix``) for a normal banner of 30 studios. Printed per run:
wall time, the number of SQL queries, peak resident memory, the studios assessed and the JSON bytes
written, and the CPU time of the Python process (PostgreSQL's own work is in the wall time only; on a
shared machine the CPU time is the steadier figure).
Goals (issue 5, 2-core machine): annual ≤ 10 s, ≤ 30 queries, ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingshi.settings")


class CountingSink:
    """A stdout that only counts what is written (the JSON goes nowhere)."""

    def __init__(self):
        self.bytes = 0
        self.objects = 0

    def write(self, text):
        self.bytes += len(text.encode("utf-8"))
        self.objects += text.count('"studio":')
        return len(text)

    def flush(self):
        pass


def measure(kind: str, year: str, as_of: str, overview_studios: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.ensure_connection()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    baseline, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    sink = CountingSink()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        if kind == "overview":
            from assessments.selectors import overview_matrix
            from studios.models import SchoolYear, Studio

            studios = Studio.objects.filter(pk__in=list(Studio.objects.order_by("code")
                                                        .values_list("pk", flat=True)[:overview_studios]))
            school_year = SchoolYear.objects.get(start_year=SchoolYear.parse_label(year))
            import datetime

            matrix = overview_matrix(school_year=school_year, kind="annual", studios=studios,
                                     as_of=datetime.date.fromisoformat(as_of))
            sink.objects = len(matrix["rows"])
            sink.bytes = len(json.dumps(matrix, ensure_ascii=False).encode("utf-8"))
        else:
            args = ["assess", "--all", "--year", year, "--as-of", as_of, "--format", "json"]
            if kind == "cycle":
                args.append("--cycle")
            call_command(*args, stdout=sink)
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    return {"kind": kind, "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
            "queries": len(queries.captured_queries),
            "peak_mb": round(peak_kb / 1024), "baseline_mb": round(baseline / 1024), "studios": sink.objects,
            "json_mb": round(sink.bytes / 1024 / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", default="2024-2025")
    parser.add_argument("--as-of", default="2025-10-31", help="as-of day of the annual run and the overview")
    parser.add_argument("--cycle-as-of", default="2027-10-31", help="as-of day of the cycle run")
    parser.add_argument("--overview-studios", type=int, default=30)
    parser.add_argument("--only", choices=["annual", "cycle", "overview"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL=postgres://…/mingshi_bench (generate it with bench/generate_region.py).")
    if args.only:
        as_of = args.cycle_as_of if args.only == "cycle" else args.as_of
        print(json.dumps(measure(args.only, args.year, as_of, args.overview_studios)))
        return
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    print(f"{'run':<10} {'time':>8} {'CPU':>8} {'queries':>8} {'peak RSS':>9} {'studios':>8} {'JSON':>8}")
    for kind in ("annual", "cycle", "overview"):
        done = subprocess.run([sys.executable, __file__, "--only", kind, "--year", args.year, "--as-of", args.as_of,
                               "--cycle-as-of", args.cycle_as_of, "--overview-studios", str(args.overview_studios)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            raise SystemExit(f"the {kind} run failed")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{kind:<10} {figures['seconds']:>7.2f}s {figures['cpu_seconds']:>7.2f}s {figures['queries']:>8} "
              f"{figures['peak_mb']:>6} MB "
              f"{figures['studios']:>8} {figures['json_mb']:>5} MB")


if __name__ == "__main__":
    main()
