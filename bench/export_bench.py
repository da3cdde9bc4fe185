"""Peak memory of the cycle banner summary export (Excel) at region scale, end to end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mingshi_load1000 .venv/bin/python bench/export_bench.py \
        [--year 2026-2027] [--as-of 2027-10-31] [--runs 1]

``manage.py export banner_summary --cycle`` (the same exporter and writer as the page's download) in a fresh
process, whose peak resident memory (``ru_maxrss`` of the child) and wall time are printed; beside it, as the
baseline of the same run, the peak of a process that only starts Django and connects (what every process costs
before it exports anything). Goal (issue 13): ≤ 300 MB. The workbook goes to a scratch folder removed at the end.

Without ``--as-of`` the summary is as of today, read from the stored results (what the page's download and its
background job do): a database whose results are computed, such as ``STUDIOS=1000 bench/load/run.sh``'s. With
``--as-of`` another day, the studios are assessed live (the loader and engine in the export's process).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(args: list[str]) -> dict:
    """Run ``args`` under a fresh wrapper process and read the child's peak from the wrapper's RUSAGE_CHILDREN
    high-water mark (the wrapper has no other child, so the mark is that command's own)."""
    wrapper = ("import resource, subprocess, sys, time, json; t = time.perf_counter(); "
               "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True); "
               "s = time.perf_counter() - t; "
               "print(json.dumps({'rc': r.returncode, 'err': r.stderr[-2000:], 'seconds': s, "
               "'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))")
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["rc"] != 0:
        sys.stderr.write(figures["err"])
        raise SystemExit(f"failed: {' '.join(args)}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", default="2026-2027")
    parser.add_argument("--as-of", default="", help="another day than today: assessed live")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON line (bench/run.py)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL=postgres://…/mingshi_region (generate it with bench/generate_region.py).")
    scratch = Path(tempfile.mkdtemp(prefix="export-bench-"))
    try:
        manage = [sys.executable, str(ROOT / "manage.py")]
        ours, base = [], []
        for run in range(args.runs):
            day = ["--as-of", args.as_of] if args.as_of else []
            ours.append(measure([*manage, "export", "banner_summary", "--year", args.year, "--cycle", *day,
                                 "-o", str(scratch / f"summary-{run}.xlsx")]))
            base.append(measure([*manage, "shell", "-c",
                                 "from django.db import connection; connection.ensure_connection()"]))
        size = (scratch / "summary-0.xlsx").stat().st_size / 1024 / 1024
        figures = {"peak_mb": [r["peak_mb"] for r in ours], "seconds": [r["seconds"] for r in ours],
                   "base_mb": [r["peak_mb"] for r in base], "xlsx_mb": size}
        if args.json:
            print(json.dumps(figures))
        else:
            print(f"cycle banner summary: peak RSS median {statistics.median(figures['peak_mb']):.0f} MB "
                  f"(max {max(figures['peak_mb']):.0f}), wall median {statistics.median(figures['seconds']):.1f} s, "
                  f"{size:.1f} MB workbook | Django process alone: {statistics.median(figures['base_mb']):.0f} MB")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
