"""Excel benchmark: assessment sheets at region scale beside raw openpyxl, and a 50,000-row ledger import.

    .venv/bin/python bench/excel_bench.py [--studios 1000] [--people 13] [--import-rows 50000] [--skip-import]

It makes its own data and its own throw-away SQLite database (or uses DATABASE_URL if you point it at an empty
scratch PostgreSQL database), and prints its figures. Goals (issue 6):
- banner summary and studio sheets within 1.3× of raw openpyxl write-only writing the same cells, in the same
  run, with peak memory ≤ 300 MB;
- a 50,000-row ledger import in ≤ 60 s with peak memory ≤ 500 MB.

The assessment sheets are fed results in the exact JSON shape of assessment-json.md (a full cycle assessment,
the largest kind: every semester and year instance of three years plus the cycle rules) for every studio of a
region (1,000 studios × 13 people, as bench/generate_region.py), so that the figures measure the export layer;
the assessment engine has its own benchmark.
"""

from __future__ import annotations

import argparse
import atexit
import datetime
import gc
import io
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingshi.settings")
os.environ.setdefault("DJANGO_ENV", "test")
SCRATCH = os.environ.get("BENCH_SCRATCH") or tempfile.mkdtemp(prefix="excel-bench-")
os.makedirs(SCRATCH, exist_ok=True)
atexit.register(shutil.rmtree, SCRATCH, True)  # the throw-away database and media go with the process
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SCRATCH}/bench.sqlite3")
os.environ.setdefault("MEDIA_ROOT", f"{SCRATCH}/media")

D = datetime.date
MB = 1024 * 1024
STATUSES = ("met", "met", "met", "not_met", "pending", "not_applicable")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


# --- synthetic assessment results -----------------------------------------------------------------------------------


def periods(kind: str) -> tuple[list[str], list[str]]:
    years = ["2024-2025", "2025-2026", "2026-2027"]
    semesters = [f"{y}-{n}" for y in years for n in (1, 2)]
    return semesters, years


def synthetic_results(studios: int, people: int, seed: int = 7) -> list[dict]:
    return list(iter_synthetic(studios, people, seed))


def iter_synthetic(studios: int, people: int, seed: int = 7):
    """The results one studio at a time, as assessments.selectors.iter_assessment_results yields them."""
    from assessments.rules import INDIVIDUAL_RULES, TEAM_RULES

    rng = random.Random(seed)
    semesters, years = periods("cycle")

    def instances(rules):
        found = []
        for rule in rules:
            labels = semesters if rule.period_kind == "semester" else years if rule.period_kind == "year" else ["cycle"]
            for label in labels:
                status = rng.choice(STATUSES)
                found.append({"rule": rule.id, "period": label, "status": status, "required": 2,
                              "actual": 2 if status == "met" else rng.randint(0, 1),
                              "evidence": [f"A-{rng.randint(1, 99999)}"], "title": rule.title, "clause": rule.clause,
                              "counts": True})
        return found

    def block(rules):
        found = instances(rules)
        statuses = [i["status"] for i in found if i["status"] != "not_applicable"]
        verdict = "fail" if "not_met" in statuses else "pending" if "pending" in statuses else "pass"
        return {"verdict": verdict, "compliance_rate": round(statuses.count("met") / len(statuses), 4),
                "rules": found}

    for number in range(1, studios + 1):
        members = [{"teacher": f"T-{number:04d}-{k:02d}", "name": f"教师{number}-{k}",
                    "role": "host" if k == 0 else "member", **block(INDIVIDUAL_RULES)} for k in range(people)]
        yield {"studio": f"WS-{number:04d}", "studio_name": f"第{number}名师工作室", "kind": "cycle",
               "period": {"label": "cycle", "start": "2024-09-01", "end": "2027-08-31"},
               "as_of": "2027-09-30", "settings": {}, "team": block(TEAM_RULES), "members": members,
               "signoff": None}


# --- the two writers ---------------------------------------------------------------------------------------------


def ours_summary(results, year):
    from excel import selectors
    from excel.exporters import BannerSummaryExporter
    from excel.services import export_render

    selectors.iter_assessment_results = lambda **kwargs: iter(results)
    buffer = io.BytesIO()
    export_render(BannerSummaryExporter(options={"school_year": year, "kind": "cycle",
                                                 "as_of": D(2027, 9, 30)}), buffer)
    return buffer.getbuffer().nbytes


def ours_studio_sheets(results, year, studio_objects):
    from excel import selectors
    from excel.exporters import StudioSheetExporter
    from excel.services import export_render

    size = 0
    for result, studio in zip(results, studio_objects, strict=True):
        selectors.iter_assessment_results = lambda result=result, **kwargs: iter([result])
        buffer = io.BytesIO()
        export_render(StudioSheetExporter(options={"school_year": year, "kind": "cycle", "as_of": D(2027, 9, 30)},
                                          studio=studio), buffer)
        size += buffer.getbuffer().nbytes
    return size


LABELS = {"met": "达标", "not_met": "未达标", "pending": "进行中", "not_applicable": "不适用"}


def _raw_cells(ws, instances, columns, fills):
    from openpyxl.cell import WriteOnlyCell

    by_key = {(i["rule"], i["period"]): i for i in instances}
    cells = []
    for key in columns:
        instance = by_key.get(key)
        if instance is None:
            cells.append(None)
            continue
        text = LABELS[instance["status"]]
        if instance["status"] != "not_applicable":
            text += f"（{instance['actual']}/{instance['required']}）"
        cell = WriteOnlyCell(ws, value=text)
        cell.fill = fills[instance["status"]]
        cells.append(cell)
    return cells


def _fills():
    from openpyxl.styles import PatternFill

    colours = {"met": "C6EFCE", "not_met": "FFC7CE", "pending": "FFEB9C", "not_applicable": "D9D9D9"}
    return {status: PatternFill("solid", start_color=c, end_color=c) for status, c in colours.items()}


def _raw_title(ws, title, headers):
    """The same title, subtitle and styled header cells as ours, written with plain openpyxl."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    bold, fill = Font(bold=True), PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
    cell = WriteOnlyCell(ws, value=title)
    cell.font = Font(bold=True, size=14)
    ws.append([cell])
    ws.append(["统计截至 2027-09-30"])
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = bold, fill
        header.append(cell)
    ws.append(header)


def _raw_legend(wb, columns, fills):
    from openpyxl.cell import WriteOnlyCell

    ws = wb.create_sheet("图例")
    ws.append(["标识", "说明"])
    for status, label in LABELS.items():
        cell = WriteOnlyCell(ws, value=label)
        cell.fill = fills[status]
        ws.append([cell, "说明文字"])
    for rule, period in columns:
        ws.append([rule, period])


def raw_summary(results):
    """Plain openpyxl write-only writing the same cells: title rows, header, data (status text with its fill),
    legend; none of our layout logic (escaping, widths, print setup)."""
    from openpyxl import Workbook

    fills = _fills()
    columns = sorted({(i["rule"], i["period"]) for r in results for i in r["team"]["rules"]})
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("考核汇总")
    _raw_title(ws, "乌审旗教育体育局 名师工作室考核汇总表", ["工作室编号", "工作室名称", "主持人",
                                                 *(f"{r} {p}" for r, p in columns), "团队结论", "达标率"])
    for result in results:
        host = next(m["name"] for m in result["members"] if m["role"] == "host")
        ws.append([result["studio"], result["studio_name"], host,
                   *_raw_cells(ws, result["team"]["rules"], columns, fills), result["team"]["verdict"],
                   result["team"]["compliance_rate"]])
    _raw_legend(wb, columns, fills)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getbuffer().nbytes


def raw_studio_sheets(results):
    from openpyxl import Workbook

    fills = _fills()
    size = 0
    for result in results:
        columns = sorted({(i["rule"], i["period"]) for m in result["members"] for i in m["rules"]})
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("成员考核")
        _raw_title(ws, "乌审旗教育体育局 成员考核表", ["教师编号", "姓名", "角色", *(f"{r} {p}" for r, p in columns),
                                             "结论", "达标率", "工作态度", "任务完成量", "研究能力", "理论提高",
                                             "教学能力", "终评等级"])
        for member in result["members"]:
            ws.append([member["teacher"], member["name"], member["role"],
                       *_raw_cells(ws, member["rules"], columns, fills), member["verdict"],
                       member["compliance_rate"], None, None, None, None, None, ""])
        team = wb.create_sheet("团队指标")
        _raw_title(team, "团队指标", ["指标", "名称", "条款", "考核期", "状态", "要求", "实际", "依据（编号）", "说明"])
        for instance in result["team"]["rules"]:
            team.append([instance["rule"], instance["title"], instance["clause"], instance["period"],
                         *_raw_cells(team, [instance], [(instance["rule"], instance["period"])], fills),
                         instance["required"], instance["actual"], "、".join(instance["evidence"]), ""])
        _raw_legend(wb, columns, fills)
        buffer = io.BytesIO()
        wb.save(buffer)
        size += buffer.getbuffer().nbytes
    return size


def timed_pair(ours, raw, repeat: int = 3) -> tuple[float, float]:
    """Best of `repeat` runs each, alternating ours and raw so that a busy machine slows both alike."""
    best = {"ours": None, "raw": None}
    for _ in range(repeat):
        for name, func in (("ours", ours), ("raw", raw)):
            gc.collect()
            start = time.perf_counter()
            func()
            elapsed = time.perf_counter() - start
            best[name] = elapsed if best[name] is None else min(best[name], elapsed)
    return best["ours"], best["raw"]


def peak(func, *args) -> float:
    gc.collect()
    tracemalloc.start()
    func(*args)
    _current, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / MB


def bench_sheets(studios: int, people: int) -> None:
    from studios.models import SchoolYear, Studio

    year = SchoolYear.get_or_create_for(2024)
    results = synthetic_results(studios, people)
    studio_objects = [Studio(code=r["studio"], name=r["studio_name"]) for r in results]
    cells = sum(len(r["team"]["rules"]) + sum(len(m["rules"]) for m in r["members"]) for r in results)
    print(f"\n== Assessment sheets: {studios} studios × {people} people, cycle kind, {cells:,} rule instances")
    rows = [
        ("banner summary", lambda: ours_summary(results, year), lambda: raw_summary(results),
         lambda: ours_summary(iter_synthetic(studios, people), year)),
        ("studio sheets (one file per studio)", lambda: ours_studio_sheets(results, year, studio_objects),
         lambda: raw_studio_sheets(results),
         lambda: ours_studio_sheets(iter_synthetic(studios, people), year, studio_objects)),
    ]
    for label, ours, raw, streamed in rows:
        ours_time, raw_time = timed_pair(ours, raw)
        # Memory: results streamed one studio at a time as the assessment selector yields them, so the peak
        # includes what the export keeps of them.
        ours_peak = peak(streamed)
        print(f"{label:38s} ours {ours_time:7.2f} s   raw openpyxl {raw_time:7.2f} s   "
              f"ratio {ours_time / raw_time:5.2f}×   peak traced memory {ours_peak:6.1f} MB")
    print(f"process peak RSS so far: {rss_mb():.0f} MB")


# --- the ledger import -----------------------------------------------------------------------------------------------


def ledger_workbook(total_rows: int, seed: int = 11) -> tuple[bytes, dict]:
    """A ledger with every sheet; the sizes are in the proportions of a real banner, summing to total_rows."""
    from openpyxl import Workbook

    from excel import ledger as L

    rng = random.Random(seed)
    scale = total_rows / 50_000
    n_studios = max(2, int(200 * scale))
    people = 15
    n_teachers = n_studios * people
    n_activities = int(3_000 * scale)
    n_attendance = int(9_000 * scale)
    n_works = int(21_000 * scale) - (n_teachers + n_studios + n_teachers)  # the rest after people, studios, members
    n_titles, n_projects, n_mentoring = int(1_000 * scale), int(400 * scale), int(600 * scale)
    n_tasks, n_documents, n_funds, n_evaluations = int(1_200 * scale), int(800 * scale), int(1_200 * scale), \
        int(2_800 * scale)
    used = (n_teachers + n_studios + n_teachers + n_titles + n_projects + n_activities + n_attendance + n_mentoring
            + n_tasks + n_documents + n_funds + n_evaluations)
    n_works = total_rows - used
    day0 = D(2024, 9, 1)

    def day(span=1000):
        return day0 + datetime.timedelta(days=rng.randrange(span))

    def teacher(studio, k):
        return f"T{studio:04d}{k:02d}"

    sheets: dict[str, list] = {spec.name: [] for spec in L.SHEETS}
    for s in range(n_studios):
        for k in range(people):
            sheets["教师"].append([teacher(s, k), f"教师{s}-{k}", rng.choice("男女"), D(1975 + k, 1 + k % 12, 1),
                                 f"乌审旗第{s % 40 + 1}学校", "语文", "初中", rng.choice("是否"), ""])
            sheets["成员"].append([f"WS{s:04d}", teacher(s, k), "主持人" if k == 0 else "成员", day0, None])
        sheets["工作室"].append([f"WS{s:04d}", f"第{s}名师工作室", "语文", "初中", "2024-2025", teacher(s, 0)])
    for n in range(n_titles):
        sheets["荣誉"].append([teacher(n % n_studios, n % people), "骨干教师", rng.choice(list(L.LEVELS)),
                             D(2010 + n // n_teachers, 1 + n % 12, 1 + n % 28)])
    for n in range(n_projects):
        s = n % n_studios
        sheets["课题"].append([f"P{n:05d}", f"WS{s:04d}", f"课题{n}", "旗级", day(), None, teacher(s, 0),
                             f"{teacher(s, 1)}、{teacher(s, 2)}"])
    for n in range(n_activities):
        s = n % n_studios
        banner_wide = n % 5 == 0
        sheets["活动"].append([f"A{n:06d}", f"WS{s:04d}", f"活动{n}", rng.choice(list(L.ACTIVITY_KINDS)),
                             "全旗" if banner_wide else "工作室", day(), teacher(s, n % people), "已举行",
                             "已批准" if banner_wide else "无需备案", day0 if banner_wide else None,
                             f"乌教研发〔2024〕{n}号" if banner_wide else "", "是"])
    seen = set()
    while len(sheets["考勤"]) < n_attendance:
        a = rng.randrange(n_activities)
        k = rng.randrange(people)
        if (a, k) in seen:
            continue
        seen.add((a, k))
        sheets["考勤"].append([f"A{a:06d}", teacher(a % n_studios, k), rng.choice(list(L.ATTENDANCE))])
    for n in range(n_works):
        s = n % n_studios
        sheets["成果"].append([f"W{n:06d}", teacher(s, n % people), f"WS{s:04d}", rng.choice(list(L.WORK_KINDS)),
                             f"成果标题{n}", day(), rng.randint(500, 5000)])
    for n in range(n_mentoring):
        s = n % n_studios
        sheets["帮扶"].append([f"M{n:05d}", teacher(s, n % people), f"乡村教师{n}", "乌审旗乡村学校", day(), None])
    for n in range(n_tasks):
        s = (n // 3) % n_studios
        sheets["任务"].append([f"K{n // 3:05d}", f"WS{s:04d}", f"任务{n // 3}", D(2025, 6, 30), teacher(s, 1 + n % 3),
                             rng.choice([None, D(2025, 6, 1)])])
    for n in range(n_documents):
        s = n % n_studios
        sheets["工作室材料"].append([f"D{n:05d}", f"WS{s:04d}", rng.choice(list(L.DOCUMENT_KINDS)),
                                  f"{2024 + n // n_studios % 3}-{2025 + n // n_studios % 3}", day(), "已通过"])
    for n in range(n_funds):
        s = n % n_studios
        sheets["经费"].append([f"F{n:05d}", f"WS{s:04d}", "2024-2025", rng.choice(["拨款", "支出"]),
                             rng.randint(100, 20000), rng.choice(list(L.FUND_CATEGORIES)), day(365), "用途说明"])
    for n in range(n_evaluations):
        s = n % n_studios
        k = 1 + (n // n_studios) % (people - 1)
        year = 2024 + n // (n_studios * (people - 1))
        sheets["主持人评价"].append([f"WS{s:04d}", f"{year}-{year + 1}", teacher(s, k),
                                  *(rng.randint(60, 100) for _ in range(5))])
    wb = Workbook(write_only=True)
    for spec in L.SHEETS:
        ws = wb.create_sheet(spec.name)
        ws.append(spec.headers)
        for row in sheets[spec.name]:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), {name: len(rows) for name, rows in sheets.items()}


def bench_import(total_rows: int) -> None:
    from excel.importer import ledger_import

    data, sizes = ledger_workbook(total_rows)
    rows = sum(sizes.values())
    print(f"\n== Ledger import: {rows:,} rows in {len(sizes)} sheets, {len(data) / MB:.1f} MB workbook")
    print("   " + ", ".join(f"{name} {count:,}" for name, count in sizes.items()))
    rss_before = rss_mb()
    gc.collect()
    start = time.perf_counter()
    result = ledger_import(data)
    elapsed = time.perf_counter() - start
    if not result.ok:
        print("errors:", *[str(e) for e in result.errors[:10]], sep="\n  ")
        raise SystemExit(1)
    created = sum(c.created for c in result.counts.values())
    print(f"first import                       {elapsed:6.1f} s   {created:,} records created   "
          f"process peak RSS {rss_mb():.0f} MB (before: {rss_before:.0f} MB)")
    gc.collect()
    start = time.perf_counter()
    again = ledger_import(data)
    elapsed = time.perf_counter() - start
    print(f"re-import, nothing changes         {elapsed:6.1f} s   changes: {again.changes}")
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    ledger_import(data, dry_run=True)
    elapsed = time.perf_counter() - start
    _current, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"dry run (preview), under tracemalloc {elapsed:4.1f} s   peak traced memory {top / MB:6.1f} MB")


def summary_figure(studios: int, people: int, runs: int) -> dict:
    """bench/run.py: the banner summary and plain openpyxl, ``runs`` times each alternating, and the summary's
    peak traced memory with the results streamed in."""
    from studios.models import SchoolYear

    year = SchoolYear.get_or_create_for(2024)
    results = synthetic_results(studios, people)
    ours, raw = [], []
    for _ in range(runs):
        for timings, func in ((ours, lambda: ours_summary(results, year)), (raw, lambda: raw_summary(results))):
            gc.collect()
            start = time.perf_counter()
            func()
            timings.append(time.perf_counter() - start)
    return {"ours": ours, "raw": raw, "studios": studios,
            "peak_mb": peak(lambda: ours_summary(iter_synthetic(studios, people), year))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary-figure", type=int, metavar="RUNS", help=argparse.SUPPRESS)
    parser.add_argument("--studios", type=int, default=1000)
    parser.add_argument("--people", type=int, default=13)
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-sheets", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} "
          f"{settings.DATABASES['default']['NAME']}", file=sys.stderr if args.summary_figure else sys.stdout)
    call_command("migrate", verbosity=0)
    if args.summary_figure:
        import json

        print(json.dumps(summary_figure(args.studios, args.people, args.summary_figure)))
        return
    if not args.skip_sheets:
        bench_sheets(args.studios, args.people)
    if not args.skip_import:
        bench_import(args.import_rows)


if __name__ == "__main__":
    main()
