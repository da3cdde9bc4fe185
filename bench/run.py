"""`make bench`: every figure of bench/README.md as a ratio against a baseline measured in the same run.

    .venv/bin/python bench/run.py [--runs 5] [--only engine,writer,import,overview,scaling] [--studios 1000]

- engine: ``manage.py assess --all`` (annual and cycle) on one process; baseline the same queries' rows read raw
  (psycopg2 fetchall);
- scaling: ``assess --all --cycle`` on 2 Celery worker processes; baseline the same on 1 worker process;
- writer: the banner summary workbook (excel/exporters.py) of every studio's cycle results; baseline plain openpyxl
  write-only writing the same cells;
- import: ``ledger_import`` of a generated ledger into an empty database; baseline plain ``bulk_create`` of the
  rows it created;
- overview: the officers' 考核总览 page of a 30-studio banner through the whole stack; baseline the studio list
  page, same stack, same run.

Each figure runs ``--runs`` times, ours and the baseline alternating (so that a busy machine slows both alike), in
fresh processes where peak memory matters, and prints the min and the median of each and their ratio, with the
load average before and after (the machine has 2 cores; a load above 2 means someone else is using them). Scratch
folders (SQLite databases, workbooks, captured SQL) live in one temporary folder removed at the end.

Databases (PostgreSQL; created and generated on first use, then reused):
- ``BENCH_REGION_URL`` (default postgres://postgres@127.0.0.1:5432/mingshi_region): bench/generate_region.py with
  ``--studios`` (1,000 by default; generated only when the database holds another number of studios);
- ``BENCH_BANNER_URL`` (default …/mingshi_bench_banner): bench/generate_banner.py, 30 studios, for the overview;
- ``BENCH_REDIS_URL`` (default redis://127.0.0.1:6379/11) for the scaling figure's workers (skipped without Redis).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
FIGURES = ("engine", "scaling", "writer", "import", "overview")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def stats(values: list[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


def line(label: str, ours: list[float], base: list[float], base_label: str, unit: str = "s", extra: str = "") -> str:
    (o_min, o_med), (b_min, b_med) = stats(ours), stats(base)
    scale, fmt = (1000, "{:.0f} ms") if unit == "ms" else (1, "{:.2f} s")
    def f(x):
        return fmt.format(x * scale)
    return (f"{label:<28} ours min {f(o_min)} median {f(o_med)} | {base_label} min {f(b_min)} median {f(b_med)}"
            f" | ratio min {o_min / b_min:.2f}× median {o_med / b_med:.2f}×{extra}")


def run_json(args: list[str], env: dict | None = None, timeout: float = 1800) -> dict:
    """A child process whose last stdout line is a JSON object."""
    done = subprocess.run(args, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=timeout,
                          check=False, cwd=ROOT)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-4000:])
        raise SystemExit(f"bench child failed: {' '.join(args[:4])}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- databases ------------------------------------------------------------------------------------------------


def studio_count(url: str) -> int | None:
    import psycopg2

    parsed = urlparse(url)
    try:
        connection = psycopg2.connect(host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432,
                                      user=parsed.username or "postgres", password=parsed.password or None,
                                      dbname=parsed.path.lstrip("/"), connect_timeout=3)
    except psycopg2.OperationalError:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('studios_studio') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT count(*) FROM studios_studio")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def ensure_generated(url: str, script: str, studios: int) -> None:
    found = studio_count(url)
    if found == studios:  # reused; brought up to the code's migrations
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], env={**os.environ, "DATABASE_URL": url},
                       check=True, cwd=ROOT)
        return
    print(f"  generating {urlparse(url).path.lstrip('/')} with {script} --studios {studios} (found {found})…",
          flush=True)
    subprocess.run([PY, str(BENCH / script), "--studios", str(studios)], env={**os.environ, "DATABASE_URL": url},
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], env={**os.environ, "DATABASE_URL": url},
                   check=True, cwd=ROOT)


# --- figures ---------------------------------------------------------------------------------------------------


def figure_engine(args, scratch: Path) -> None:
    sys.path.insert(0, str(BENCH))
    import engine_bench

    os.environ["DATABASE_URL"] = args.region_url
    for kind, as_of in (("annual", "2025-10-31"), ("cycle", "2027-10-31")):
        figures = engine_bench.measure(kind, runs=args.runs, year="2024-2025", as_of=as_of, scratch=scratch)
        print(line(f"engine {kind}", figures["ours"], figures["raw"], "raw read",
                   extra=f" | peak RSS {figures['peak_mb']:.0f} MB, {figures['studios']} studios, "
                         f"{figures['queries']} queries, {figures['rows']:,} rows"), flush=True)


def _redis_up(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _start_worker(concurrency: int, env: dict, log: Path) -> subprocess.Popen:
    worker = subprocess.Popen(
        [str(Path(PY).with_name("celery")), "-A", "mingshi", "worker", "-c", str(concurrency), "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench{concurrency}-{os.getpid()}@%h",
         "--prefetch-multiplier", "1"],
        env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    from celery import Celery

    app = Celery(broker=env["REDIS_URL"], backend=env["REDIS_URL"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # ready once it answers a ping
        replies = app.control.ping(timeout=1.0)
        if replies:
            return worker
        if worker.poll() is not None:
            raise SystemExit(f"the worker did not start: {log.read_text()[-2000:]}")
    worker.terminate()
    raise SystemExit("the worker did not answer within 60 s")


def _stop_worker(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)  # warm shutdown of this worker only (its own process group)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _timed_command(cmd: list[str], env: dict, out: Path) -> float:
    started = time.perf_counter()
    with out.open("wb") as sink:
        subprocess.run(cmd, env=env, cwd=ROOT, stdout=sink, check=True, timeout=1800)
    return time.perf_counter() - started


def figure_scaling(args, scratch: Path) -> None:
    if not _redis_up(args.redis_url):
        print(f"scaling                      skipped: no Redis at {args.redis_url}")
        return
    env = {**os.environ, "DATABASE_URL": args.region_url, "REDIS_URL": args.redis_url}
    cmd = [PY, "manage.py", "assess", "--all", "--year", "2024-2025", "--cycle", "--as-of", "2027-10-31",
           "--chunk", str(args.chunk), "--timeout", "900"]
    timings: dict[int, list[float]] = {1: [], 2: []}
    reference = scratch / "scaling-in-process.json"
    _timed_command([*cmd, "--in-process"], env, reference)
    for _ in range(args.runs):
        for processes in (1, 2):
            worker = _start_worker(processes, env, scratch / f"worker-{processes}.log")
            try:
                out = scratch / f"scaling-{processes}.json"
                timings[processes].append(_timed_command(cmd, env, out))
                if out.read_bytes() != reference.read_bytes():
                    raise SystemExit(f"the output on {processes} worker(s) differs from the in-process one")
            finally:
                _stop_worker(worker)
    print(line("scaling: cycle on 2 workers", timings[2], timings[1], "1 worker",
               extra=f" | speed-up median {statistics.median(timings[1]) / statistics.median(timings[2]):.2f}×"
                     f", chunks of {args.chunk}, same bytes as in-process"), flush=True)


def figure_writer(args, scratch: Path) -> None:
    figures = run_json([PY, str(BENCH / "excel_bench.py"), "--summary-figure", str(args.runs),
                        "--studios", str(args.studios)],
                       env={"DATABASE_URL": f"sqlite:///{scratch}/writer.sqlite3", "MEDIA_ROOT": str(scratch / "media"),
                            "BENCH_SCRATCH": str(scratch / "writer")})
    print(line("writer: banner summary", figures["ours"], figures["raw"], "plain openpyxl",
               extra=f" | {figures['studios']} studios, peak traced {figures['peak_mb']:.1f} MB"), flush=True)


def figure_import(args, scratch: Path) -> None:
    figures = run_json([PY, str(BENCH / "import_bench.py"), "--rows", str(args.import_rows), "--runs", str(args.runs),
                        "--scratch", str(scratch / "import")])
    print(line("import: ledger", figures["ours"], figures["base"], "plain bulk_create",
               extra=f" | {figures['rows']:,} ledger rows, {figures['records']:,} records"), flush=True)


def figure_overview(args, scratch: Path) -> None:
    ensure_generated(args.banner_url, "generate_banner.py", 30)
    figures = run_json([PY, str(BENCH / "overview_bench.py"), "--runs", str(max(args.runs, 5) * 3), "--json",
                        "--baseline"], env={"DATABASE_URL": args.banner_url})
    for kind in ("annual", "cycle"):
        page = figures[kind]
        print(line(f"overview {kind}, 30 studios", page["seconds"], figures["baseline"]["seconds"], "studio list",
                   unit="ms", extra=f" | {page['queries']} queries, {page['kb']:.0f} KB"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default=",".join(FIGURES), help=f"comma-separated figures of {', '.join(FIGURES)}")
    parser.add_argument("--studios", type=int, default=1000, help="region size for the engine, scaling and writer")
    parser.add_argument("--chunk", type=int, default=100, help="studios per Celery task (scaling)")
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--region-url", default=os.environ.get(
        "BENCH_REGION_URL", "postgres://postgres@127.0.0.1:5432/mingshi_region"))
    parser.add_argument("--banner-url", default=os.environ.get(
        "BENCH_BANNER_URL", "postgres://postgres@127.0.0.1:5432/mingshi_bench_banner"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"))
    args = parser.parse_args()
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(wanted) - set(FIGURES)
    if unknown:
        raise SystemExit(f"unknown figures: {', '.join(sorted(unknown))}")
    print(f"bench: {', '.join(wanted)}; {args.runs} runs each; load average {load()} ({os.cpu_count()} cores)")
    scratch = Path(tempfile.mkdtemp(prefix="mingshi-bench-"))
    try:
        if {"engine", "scaling"} & set(wanted):
            ensure_generated(args.region_url, "generate_region.py", args.studios)
        for name in wanted:
            globals()[f"figure_{name}"](args, scratch)
            print(f"  load average {load()}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
