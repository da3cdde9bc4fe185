"""Region-scale data for the assessment benchmark, written straight into PostgreSQL with COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mingshi_bench .venv/bin/python bench/generate_region.py \
        [--studios 1000] [--people 13] [--start-year 2024] [--seed 7]

Creates the database if it does not exist, migrates it, empties the tables it fills and writes one full
cycle (three school years) for every studio: 1,000 studios × 13 people (a host and 12 members, a few who
join or leave mid-cycle), about one million records — activities with their filings, attendance, works,
tasks and their assignments, titles, research projects, mentoring pairs, studio documents, host
evaluations and fund entries — with realistic gaps so that every status occurs. Rows get explicit ids and
go in with one COPY per table; the identity sequences are moved past them at the end.

Never point it at a database that matters: it empties the tables it fills.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingshi.settings")

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def ensure_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432,
                             user=parsed.username or "postgres", password=parsed.password or None, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _escape(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if any(ch in text for ch in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class Table:
    """Rows for one model, written with COPY; columns not given take the field's default."""

    def __init__(self, model, columns: list[str]):
        from django.utils import timezone

        self.model = model
        self.columns = columns
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.db_columns = [fields[name].column for name in columns]
        self.fixed: dict[str, object] = {}
        now = timezone.now()
        for name, field in fields.items():
            if name in columns:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif field.get_internal_type() in ("CharField", "TextField"):
                value = ""
            else:
                raise SystemExit(f"{model.__name__}.{name} needs a value: the generator does not know it.")
            self.fixed[field.column] = value
        # The columns not given are the same on every row: appended to each line as it is written.
        self.suffix = "".join("\t" + _escape(v) for v in self.fixed.values()) + "\n"
        self.buffer = io.StringIO()
        self.count = 0

    def add(self, *values) -> None:
        self.buffer.write("\t".join(map(_escape, values)) + self.suffix)
        self.count += 1

    def copy(self, cursor) -> None:
        columns = self.db_columns + list(self.fixed)
        table = self.model._meta.db_table
        quoted = ", ".join(f'"{c}"' for c in columns)
        self.buffer.seek(0)
        cursor.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', self.buffer)
        self.buffer = io.StringIO()


def generate(*, studios: int, people: int, start_year: int, seed: int) -> Counter:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from activities.models import Activity, Attendance, Filing
    from assessments.models import AssessmentSignoff, RuleOverride
    from core.models import AuditEntry
    from members.models import School, Teacher, Title
    from records.models import (
        FundEntry,
        HostEvaluation,
        MentoringPair,
        ResearchProject,
        StudioDocument,
        Task,
        TaskAssignment,
        Work,
    )
    from studios.models import Cycle, Membership, SchoolYear, Studio

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(seed)

    t = {
        "school": Table(School, ["id", "name", "is_rural"]),
        "teacher": Table(Teacher, ["id", "code", "name", "birth_date", "school_id", "is_rural"]),
        "title": Table(Title, ["id", "teacher_id", "kind", "level", "awarded_on", "check_status"]),
        "year": Table(SchoolYear, ["id", "start_year", "start", "end", "semester2_start"]),
        "studio": Table(Studio, ["id", "code", "name", "subject"]),
        "cycle": Table(Cycle, ["id", "studio_id", "start_year_id", "status"]),
        "membership": Table(Membership, ["id", "studio_id", "teacher_id", "role", "joined_on", "left_on"]),
        "activity": Table(Activity, ["id", "code", "studio_id", "title", "kind", "scope", "date", "organiser_id",
                                     "attendance_required", "status", "held_without_filing"]),
        "filing": Table(Filing, ["id", "activity_id", "status", "approved_on", "doc_year", "doc_seq",
                                 "doc_number"]),
        "attendance": Table(Attendance, ["id", "activity_id", "teacher_id", "status"]),
        "work": Table(Work, ["id", "code", "teacher_id", "studio_id", "kind", "title", "date", "char_count",
                             "char_count_source", "status"]),
        "task": Table(Task, ["id", "code", "studio_id", "title", "due_on"]),
        "assignment": Table(TaskAssignment, ["id", "task_id", "teacher_id", "completed_on"]),
        "project": Table(ResearchProject, ["id", "code", "studio_id", "title", "level", "approved_on",
                                           "concluded_on", "leader_id"]),
        "participant": Table(ResearchProject.participants.through, ["id", "researchproject_id", "teacher_id"]),
        "pair": Table(MentoringPair, ["id", "code", "teacher_id", "studio_id", "mentee_name", "mentee_school",
                                      "started_on"]),
        "document": Table(StudioDocument, ["id", "code", "studio_id", "kind", "school_year_id", "title", "status",
                                           "submitted_on", "decided_on"]),
        "evaluation": Table(HostEvaluation, ["id", "studio_id", "school_year_id", "teacher_id", "attitude",
                                             "task_completion", "research_ability", "theory", "teaching"]),
        "fund": Table(FundEntry, ["id", "code", "studio_id", "school_year_id", "kind", "amount", "category", "date",
                                  "exception_approved"]),
    }
    ids = Counter()

    def next_id(name):
        ids[name] += 1
        return ids[name]

    years = []
    for offset in range(3):
        first = start_year + offset
        year_id = next_id("year")
        dates = (D(first, 9, 1), D(first + 1, 8, 31), D(first + 1, 2, 1))
        t["year"].add(year_id, first, *dates)
        years.append((year_id, first, *dates))
    for n in range(100):
        t["school"].add(next_id("school"), f"乌审旗第{n + 1}学校", n % 3 == 0)

    cycle_start, cycle_end = years[0][2], years[-1][3]

    def day_in(start, end):
        return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))

    kinds_per_semester = [  # (kind, scope, attendance required, count)
        ("deployment_meeting", "studio", True, 1), ("summary_meeting", "studio", True, 1),
        ("work_seminar", "studio", True, 2), ("seminar", "banner", True, 2), ("lecture", "banner", False, 1),
        ("open_class", "school", False, 1), ("observation", "studio", True, 1),
    ]
    doc_seq = Counter()
    for s in range(studios):
        studio_id = next_id("studio")
        t["studio"].add(studio_id, f"WS-{s + 1:04d}", f"乌审旗第{s + 1}名师工作室",
                        rng.choice(["语文", "数学", "英语"]))
        t["cycle"].add(next_id("cycle"), studio_id, years[0][0], "active")
        team = []
        for k in range(people):
            teacher_id = next_id("teacher")
            born = D(rng.randrange(1970, 1998), rng.randrange(1, 13), rng.randrange(1, 29))
            t["teacher"].add(teacher_id, f"T{s + 1:04d}-{k:02d}", f"教师{s + 1}-{k}", born,
                             rng.randrange(1, 101), rng.random() < 0.2)
            joined, left = cycle_start, None
            roll = rng.random()
            if k and roll < 0.04:
                joined = day_in(cycle_start, D(start_year + 1, 8, 31))
            elif k and roll < 0.08:
                left = day_in(D(start_year + 1, 9, 1), cycle_end)
            t["membership"].add(next_id("membership"), studio_id, teacher_id, "host" if k == 0 else "member",
                                joined, left)
            team.append(teacher_id)
            awards = {(rng.choice(["teaching_expert", "backbone", "subject_leader", "master"]), rng.randrange(1, 5),
                       day_in(D(2010, 1, 1), cycle_end)) for _title in range(rng.choice((0, 1, 1, 2, 2, 3)))}
            for kind, level, awarded in sorted(awards):
                t["title"].add(next_id("title"), teacher_id, kind, level, awarded, "verified")  # a ledger's: verified
            if rng.random() < 0.85:
                t["pair"].add(next_id("pair"), None, teacher_id, studio_id, "乡村教师", "某乡村小学",
                              day_in(cycle_start, cycle_end))
        members = team[1:]
        for _p in range(rng.choice((1, 2))):
            project_id = next_id("project")
            approved = day_in(D(start_year - 1, 1, 1), D(start_year + 1, 6, 1))
            concluded = day_in(D(start_year + 1, 9, 1), cycle_end) if rng.random() < 0.7 else None
            t["project"].add(project_id, None, studio_id, "课题研究", rng.randrange(1, 4), approved, concluded, team[0])
            for teacher_id in rng.sample(members, 5):
                t["participant"].add(next_id("participant"), project_id, teacher_id)
        for teacher_id in members:  # development plan once a cycle
            if rng.random() < 0.9:
                t["work"].add(next_id("work"), None, teacher_id, studio_id, "dev_plan", "个人发展规划",
                              day_in(cycle_start, D(start_year, 12, 31)), None, "", "submitted")
        for year_id, first, y_start, y_end, sem2 in years:
            for kind in ("work_plan", "annual_summary"):
                if rng.random() < 0.9:
                    submitted = (y_start + 10 * ONE_DAY) if kind == "work_plan" else (y_end + 20 * ONE_DAY)
                    t["document"].add(next_id("document"), None, studio_id, kind, year_id, "材料", "approved",
                                      submitted, submitted + 3 * ONE_DAY)
            if first == start_year:
                t["document"].add(next_id("document"), None, studio_id, "training_plan", year_id, "培养计划",
                                  "approved", y_start + 15 * ONE_DAY, y_start + 20 * ONE_DAY)
            for teacher_id in members:
                if rng.random() < 0.9:
                    t["evaluation"].add(next_id("evaluation"), studio_id, year_id, teacher_id,
                                        *(rng.randrange(60, 101) for _ in range(5)))
            t["fund"].add(next_id("fund"), None, studio_id, year_id, "allocation", "20000.00", "", y_start, False)
            for _e in range(rng.randrange(8, 20)):
                category = rng.choice(["books_equipment", "research", "experts", "member_travel"]) \
                    if rng.random() < 0.97 else "other"
                t["fund"].add(next_id("fund"), None, studio_id, year_id, "expense",
                              f"{rng.randrange(100, 1500)}.00", category, day_in(y_start, y_end), False)
            for teacher_id in members:
                for kind, chars, count in (("reflection", 1200, 1), ("design", None, 2), ("case", None, 1)):
                    for _w in range(count if rng.random() < 0.9 else count - 1):
                        t["work"].add(next_id("work"), None, teacher_id, studio_id, kind, "成果",
                                      day_in(y_start, y_end), chars and rng.randrange(700, 3000),
                                      "file", "submitted" if rng.random() < 0.97 else "draft")
            for sem_start, sem_end in ((y_start, sem2 - ONE_DAY), (sem2, y_end)):
                for teacher_id in members:
                    if rng.random() < 0.92:
                        t["work"].add(next_id("work"), None, teacher_id, studio_id, "paper", "研究论文",
                                      day_in(sem_start, sem_end), rng.randrange(1500, 4000), "file", "submitted")
                    if rng.random() < 0.9:
                        t["work"].add(next_id("work"), None, teacher_id, studio_id, "stage_summary", "阶段总结",
                                      day_in(sem_start, sem_end), rng.randrange(500, 2000), "file", "submitted")
                for kind, scope, required, count in kinds_per_semester:
                    for _a in range(count if rng.random() < 0.9 else count - 1):
                        activity_id = next_id("activity")
                        day = day_in(sem_start, sem_end)
                        organiser = rng.choice(team)
                        t["activity"].add(activity_id, None, studio_id, "活动", kind, scope, day, organiser,
                                          required, "held", False)
                        if scope == "banner":
                            doc_seq[day.year] += 1
                            approved = day - rng.randrange(-1, 20) * ONE_DAY
                            t["filing"].add(next_id("filing"), activity_id, "approved", approved, day.year,
                                            doc_seq[day.year], f"乌教研发〔{day.year}〕{doc_seq[day.year]}号")
                        if required:
                            for teacher_id in team:
                                roll = rng.random()
                                status = "present" if roll < 0.93 else ("excused" if roll < 0.98 else "absent")
                                t["attendance"].add(next_id("attendance"), activity_id, teacher_id, status)
                if rng.random() < 0.5:
                    activity_id = next_id("activity")
                    t["activity"].add(activity_id, None, studio_id, "送教下乡", "outreach", "school",
                                      day_in(sem_start, sem_end), team[0], False, "held", False)
                for _k in range(2):
                    task_id = next_id("task")
                    due = day_in(sem_start, sem_end)
                    t["task"].add(task_id, None, studio_id, "工作室任务", due)
                    for teacher_id in members:
                        roll = rng.random()
                        done = due - rng.randrange(0, 10) * ONE_DAY if roll < 0.95 else (
                            due + ONE_DAY if roll < 0.98 else None)
                        t["assignment"].add(next_id("assignment"), task_id, teacher_id, done)

    with connection.cursor() as cursor:
        tables = [AuditEntry, AssessmentSignoff, RuleOverride] + [table.model for table in t.values()]
        names = ", ".join(f'"{model._meta.db_table}"' for model in tables)
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        for table in t.values():  # dict order is dependency order
            table.copy(cursor)
        for table in t.values():
            db_table = table.model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{db_table}\"', 'id'), "
                           f"GREATEST((SELECT MAX(id) FROM \"{db_table}\"), 1))")
        cursor.execute("ANALYZE")
    return Counter({name: table.count for name, table in t.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--studios", type=int, default=1000)
    parser.add_argument("--people", type=int, default=13, help="people per studio, the host included")
    parser.add_argument("--start-year", type=int, default=2024, help="first school year of the cycle")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL=postgres://…/mingshi_bench: the generator writes with PostgreSQL's COPY.")
    ensure_database(url)
    started = time.perf_counter()
    counts = generate(studios=args.studios, people=args.people, start_year=args.start_year, seed=args.seed)
    elapsed = time.perf_counter() - started
    for name, count in counts.most_common():
        print(f"{name:>12} {count:>10,}")
    records = sum(count for name, count in counts.items() if name not in ("year", "school", "studio", "cycle"))
    print(f"{'records':>12} {records:>10,}  (everything but calendars, schools, studios and cycles)")
    print(f"generated in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
