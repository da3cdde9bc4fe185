"""``manage.py assess --all`` against one raw read of the rows of the same queries, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mingshi_region .venv/bin/python bench/engine_bench.py \
        [--kind annual|cycle] [--runs 3] [--year 2024-2025] [--as-of 2025-10-31] [--cycle-as-of 2027-10-31]

The baseline is what no loader can beat: the SQL the command issued (captured on a first, unmeasured run) sent
again with a plain psycopg2 cursor and ``fetchall`` — the database's work plus psycopg2 turning the rows into
Python tuples, nothing else. Each run of the command and of the raw read happens in a fresh Python process
(alternating), so that neither inherits the other's heap; the command's JSON goes to a sink that only counts it.
Printed: min and median of each, their ratio, the command's peak RSS and CPU time, the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
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


def command_args(kind: str, year: str, as_of: str, extra=()) -> list[str]:
    args = ["assess", "--all", "--year", year, "--as-of", as_of, "--format", "json", *extra]
    if kind == "cycle":
        args.append("--cycle")
    return args


def _rusage() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def run_command(args: list[str], capture: str | None = None) -> dict:
    """One ``assess --all`` in this process; with ``capture``, the SQL it issued is written to that file."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.ensure_connection()
    sink = CountingSink()
    _, cpu_before = _rusage()
    started = time.perf_counter()
    if capture:
        with CaptureQueriesContext(connection) as queries:
            call_command(*args, stdout=sink)
        Path(capture).write_text(json.dumps([q["sql"] for q in queries.captured_queries]))
    else:
        call_command(*args, stdout=sink)
    seconds = time.perf_counter() - started
    peak, cpu = _rusage()
    return {"seconds": seconds, "cpu": cpu - cpu_before, "peak_mb": peak, "studios": sink.objects,
            "json_mb": sink.bytes / 1024 / 1024}


def run_raw(sql_file: str) -> dict:
    """The captured statements sent again through a plain psycopg2 cursor, every row fetched."""
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    # A server-side cursor's statement is captured as DECLARE … FOR SELECT …: the raw read runs the SELECT.
    statements = [re.sub(r"^DECLARE .*? CURSOR (?:WITH(?:OUT)? HOLD )?FOR ", "", sql, flags=re.S)
                  for sql in json.loads(Path(sql_file).read_text())]
    raw = connection.connection  # the psycopg2 connection itself, no Django wrapper
    rows = 0
    _, cpu_before = _rusage()
    started = time.perf_counter()
    with raw.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
    seconds = time.perf_counter() - started
    peak, cpu = _rusage()
    return {"seconds": seconds, "cpu": cpu - cpu_before, "peak_mb": peak, "rows": rows,
            "queries": len(statements)}


def child(mode: str, *argv: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", mode, *argv], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench child {mode} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(kind: str, *, runs: int, year: str, as_of: str, scratch: Path, extra=()) -> dict:
    """min and median of ``runs`` command runs and raw reads, alternating, each in a fresh process."""
    args = command_args(kind, year, as_of, extra)
    sql_file = scratch / f"{kind}.sql.json"
    child("command", json.dumps(args), str(sql_file))  # warm-up that captures the SQL
    ours, raw = [], []
    for _ in range(runs):
        ours.append(child("command", json.dumps(args), ""))
        raw.append(child("raw", str(sql_file)))
    def stats(values):
        return min(values), statistics.median(values)
    ours_min, ours_median = stats([r["seconds"] for r in ours])
    raw_min, raw_median = stats([r["seconds"] for r in raw])
    return {
        "kind": kind, "runs": runs, "ours": [r["seconds"] for r in ours], "raw": [r["seconds"] for r in raw],
        "ours_min": ours_min, "ours_median": ours_median, "raw_min": raw_min, "raw_median": raw_median,
        "ratio_min": ours_min / raw_min, "ratio_median": ours_median / raw_median,
        "cpu_median": statistics.median(r["cpu"] for r in ours),
        "peak_mb": max(r["peak_mb"] for r in ours), "studios": ours[0]["studios"],
        "json_mb": ours[0]["json_mb"], "rows": raw[0]["rows"], "queries": raw[0]["queries"],
    }


def report(figures: dict) -> str:
    return (f"{figures['kind']:<7} assess --all min {figures['ours_min']:.2f}s median {figures['ours_median']:.2f}s"
            f" | raw read min {figures['raw_min']:.2f}s median {figures['raw_median']:.2f}s"
            f" | ratio min {figures['ratio_min']:.2f}× median {figures['ratio_median']:.2f}×"
            f" | CPU {figures['cpu_median']:.2f}s, peak RSS {figures['peak_mb']:.0f} MB, {figures['studios']} studios,"
            f" {figures['json_mb']:.1f} MB JSON, {figures['queries']} queries, {figures['rows']:,} rows")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        mode = sys.argv[2]
        if mode == "command":
            print(json.dumps(run_command(json.loads(sys.argv[3]), sys.argv[4] or None)))
        else:
            print(json.dumps(run_raw(sys.argv[3])))
        return
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=["annual", "cycle", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", default="2024-2025")
    parser.add_argument("--as-of", default="2025-10-31")
    parser.add_argument("--cycle-as-of", default="2027-10-31")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL=postgres://…/mingshi_region (generate it with bench/generate_region.py).")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as scratch:
        for kind in (["annual", "cycle"] if args.kind == "both" else [args.kind]):
            as_of = args.cycle_as_of if kind == "cycle" else args.as_of
            print(report(measure(kind, runs=args.runs, year=args.year, as_of=as_of, scratch=Path(scratch))),
                  flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
