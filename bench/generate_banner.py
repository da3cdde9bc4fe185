"""A banner-scale database for the load test: 30 studios, about 400 people, two school years and the current one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mingshi_load .venv/bin/python bench/generate_banner.py \
        [--studios 30] [--people 13] [--seed 11] [--password load-pass-2026]

The records come from `bench/generate_region.py` (one COPY per table): a cycle that began in the school year two
before today's, so two school years are complete — works, activities with their filings and attendance, tasks and
assignments, studio documents, host evaluations, funds, research projects, mentoring pairs, titles — and the
current year runs up to today. Whatever the region generator dated after today is then turned into what a real
banner holds on this day: future activities are planned (their 全旗 filings awaiting review or not yet filed),
nothing is recorded, completed, evaluated or spent in the future, and a few work plans wait in the review queue.

On top come the accounts the load test logs in with (all with the same password): every teacher under their
teacher code (a host is `T0001-00`, the members of studio 1 `T0001-01` …), officers `officer01`…`officer10` and
`admin`; plus a notification history, a few selection applications and two years of audit log.

Never point it at a database that matters: it empties the tables it fills, users included.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingshi.settings")

import generate_region  # noqa: E402  (bench/ is on the path above)

OFFICERS = 10
BATCH = 2000


def _truncate_people(connection) -> None:
    """Users go first: TRUNCATE … CASCADE empties every table that points at them (teachers, audit, sessions)."""
    from members.models import Application, User

    with connection.cursor() as cursor:
        tables = ", ".join(f'"{model._meta.db_table}"' for model in (User, Application))
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _settle_on_today(today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Turn the region generator's full cycle into the banner as it stands today."""
    from django.db.models import Q

    from activities.models import Activity, Attendance, Filing
    from members.models import Title
    from records.models import (
        FundEntry,
        HostEvaluation,
        MentoringPair,
        ResearchProject,
        StudioDocument,
        TaskAssignment,
        Work,
    )
    from studios.models import Membership, SchoolYear

    changed = {}
    current = SchoolYear.objects.filter(start__lte=today, end__gte=today).first()
    changed["works removed"] = Work.objects.filter(date__gt=today).delete()[0]
    changed["fund entries removed"] = FundEntry.objects.filter(date__gt=today).delete()[0]
    changed["titles removed"] = Title.objects.filter(awarded_on__gt=today).delete()[0]
    TaskAssignment.objects.filter(completed_on__gt=today).update(completed_on=None)
    MentoringPair.objects.filter(started_on__gt=today).update(started_on=today - datetime.timedelta(days=30))
    ResearchProject.objects.filter(concluded_on__gt=today).update(concluded_on=None)
    Membership.objects.filter(left_on__gt=today).update(left_on=None)
    Membership.objects.filter(joined_on__gt=today).update(joined_on=today - datetime.timedelta(days=60))
    StudioDocument.objects.filter(Q(submitted_on__gt=today) | Q(decided_on__gt=today)).delete()
    if current is not None:
        HostEvaluation.objects.filter(school_year=current).delete()
        # A few studios' work plans for this year still wait for the office (the review queue).
        plans = list(StudioDocument.objects.filter(school_year=current, kind=StudioDocument.Kind.WORK_PLAN)
                     .values_list("pk", flat=True))
        waiting = rng.sample(plans, min(6, len(plans)))
        StudioDocument.objects.filter(pk__in=waiting).update(
            status=StudioDocument.Status.SUBMITTED, decided_on=None, due_on=today + datetime.timedelta(days=7))
    future = Activity.objects.filter(date__gt=today)
    changed["attendance removed"] = Attendance.objects.filter(activity__in=future).delete()[0]
    changed["activities planned"] = future.update(status=Activity.Status.PLANNED)
    soon = today + datetime.timedelta(days=45)
    Filing.objects.filter(activity__date__gt=soon).delete()
    changed["filings awaiting review"] = Filing.objects.filter(activity__date__gt=today).update(
        status=Filing.Status.SUBMITTED, approved_on=None, doc_year=None, doc_seq=None, doc_number=None)
    return changed


def _accounts(password: str):
    from django.contrib.auth.hashers import make_password

    from members.models import Teacher, User

    hashed = make_password(password)  # once: every load account shares it
    office = [User(username=f"officer{n:02d}", role=User.Role.OFFICER, password=hashed, first_name=f"科员{n}")
              for n in range(1, OFFICERS + 1)]
    office.append(User(username="admin", role=User.Role.ADMIN, password=hashed, is_staff=True, is_superuser=True))
    User.objects.bulk_create(office)
    # Under the production profile the office logs in with a second factor: one authenticator each, with the key
    # bench/load/locustfile.py computes its codes from (LOAD_TOTP_KEY).
    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = os.environ.get("LOAD_TOTP_KEY", "6c6f61642d746f74702d6b65792d32303236")
    TOTPDevice.objects.bulk_create([TOTPDevice(user=user, name="load", key=key, confirmed=True)
                                    for user in User.objects.filter(username__in=[u.username for u in office])])
    teachers = list(Teacher.objects.order_by("pk"))
    User.objects.bulk_create(
        [User(username=t.code, role=User.Role.TEACHER, password=hashed, first_name=t.name) for t in teachers],
        batch_size=BATCH,
    )
    by_name = dict(User.objects.filter(role=User.Role.TEACHER).values_list("username", "pk"))
    for teacher in teachers:
        teacher.user_id = by_name[teacher.code]
    Teacher.objects.bulk_update(teachers, ["user"], batch_size=BATCH)
    return User.objects.filter(role__in=[User.Role.OFFICER, User.Role.ADMIN]).order_by("pk"), teachers


def _history(today: datetime.date, rng: random.Random, office, teachers) -> dict[str, int]:
    """Notifications, selection applications and an audit log of two years."""
    from django.utils import timezone

    from activities.models import Filing
    from core.models import AuditEntry, Notification
    from members.models import Application
    from records.models import Work
    from studios.models import Membership, Studio

    zone = timezone.get_current_timezone()
    first = today - datetime.timedelta(days=730)

    def moment(day=None):
        day = day or first + datetime.timedelta(days=rng.randrange((today - first).days))
        return datetime.datetime.combine(day, datetime.time(rng.randrange(8, 18), rng.randrange(60)), tzinfo=zone)

    users = [t.user_id for t in teachers]
    notes = []
    for user_id in users:
        for _n in range(rng.randrange(5, 25)):
            created = moment()
            notes.append(Notification(recipient_id=user_id, verb="reminder", message="请按时提交本学期的研究论文。",
                                      url="/records/mine/", created_at=created,
                                      read_at=None if rng.random() < 0.2 else created))
    Notification.objects.bulk_create(notes, batch_size=BATCH)

    studios = list(Studio.objects.order_by("pk"))
    members = set(Membership.objects.values_list("teacher_id", flat=True))
    outsiders = [t for t in teachers if t.pk not in members] or teachers
    applications = [Application(teacher=rng.choice(outsiders), studio=rng.choice(studios), statement="申请加入工作室。")
                    for _a in range(40)]
    Application.objects.bulk_create(applications)

    filings = list(Filing.objects.filter(status=Filing.Status.APPROVED).select_related("activity")[:3000])
    works = list(Work.objects.values_list("pk", "studio_id", "title", "teacher__user_id")[:8000])
    entries = []
    for filing in filings:
        entries.append(AuditEntry(created_at=moment(filing.approved_on), actor_id=rng.choice(office).pk,
                                  action="filing.approve", studio_id=filing.activity.studio_id,
                                  target_id=str(filing.pk), target_repr=filing.doc_number or "",
                                  from_state="submitted", to_state="approved"))
    for pk, studio_id, title, user_id in works:
        entries.append(AuditEntry(created_at=moment(), actor_id=user_id, action="work.create", studio_id=studio_id,
                                  target_id=str(pk), target_repr=title))
    for _login in range(6000):
        entries.append(AuditEntry(created_at=moment(), actor_id=rng.choice(users), action="auth.login",
                                  ip=f"10.0.0.{rng.randrange(2, 250)}"))
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
    return {"notifications": len(notes), "applications": len(applications), "audit entries": len(entries)}


def generate(*, studios: int, people: int, seed: int, password: str) -> dict[str, int]:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from studios.models import SchoolYear

    today = timezone.localdate()
    current_start = today.year if today.month >= 9 else today.year - 1
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _truncate_people(connection)
    counts.update(generate_region.generate(studios=studios, people=people, start_year=current_start - 2, seed=seed))
    with transaction.atomic():
        counts.update(_settle_on_today(today, rng))
        office, teachers = _accounts(password)
        counts["accounts"] = len(office) + len(teachers)
        counts.update(_history(today, rng, list(office), teachers))
        # The current school year exists even if the generator's cycle ended before it.
        SchoolYear.get_or_create_for(current_start)
    # The pages read stored results: compute them now, as seed_demo does, so that the first visitor of each
    # studio does not pay for it (and the load run measures the pages, not one recomputation per studio).
    from assessments.results import results_refresh_all

    counts["stored results (studios)"] = results_refresh_all()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--studios", type=int, default=30)
    parser.add_argument("--people", type=int, default=13, help="people per studio, the host included")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--password", default="load-pass-2026", help="the password of every generated account")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL=postgres://…/mingshi_load: the generator writes with PostgreSQL's COPY.")
    generate_region.ensure_database(url)
    started = time.perf_counter()
    counts = generate(studios=args.studios, people=args.people, seed=args.seed, password=args.password)
    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"{name:>24} {count:>10,}")
    print(f"generated in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
