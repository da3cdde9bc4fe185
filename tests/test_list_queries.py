"""Every page that lists rows runs the same number of queries for N rows as for 3N, for every role that sees it.

Each case grows the rows behind one page and checks two things: the page really shows the extra rows (each row
carries a marker such as 批量007号 and the markers are counted on the page), and the number of SQL queries did
not change. A query per row (an N+1) fails here with the queries of both requests side by side.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Attendance, Filing
from assessments.models import RuleSettings
from core.models import AuditEntry, Notification
from core.services import audit_record
from excel.models import ExportJob
from members.models import Application, Title
from records.models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    MentoringVisit,
    ResearchProject,
    StudioDocument,
    Task,
    TaskAssignment,
    Work,
)
from studios.models import Membership, SchoolYear, Studio
from studios.tests.factories import TeacherFactory, make_studio, school_year

N = 3
MARKER = re.compile(r"批量(\d{3})号")
OFFICE = ["officer"]
# The calendar and the rule settings: the office and the system administrator (三员分立).
SETTINGS = ["officer", "admin"]


def mark(index: int) -> str:
    return f"批量{index:03d}号"


def today() -> datetime.date:
    return timezone.localdate()


def current_year() -> SchoolYear:
    day = today()
    return school_year(day.year if day.month >= 9 else day.year - 1)


def shown(page: str) -> set[str]:
    return set(MARKER.findall(page))


@dataclass
class Measured:
    queries: list[str]
    page: str


def measure(client, url: str) -> Measured:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return Measured([query["sql"] for query in context.captured_queries], response.content.decode())


def settle() -> None:
    """What the worker does after a commit: the stored results of the studios just changed are computed again.
    (In a test the commit never comes, so without this a page would recompute them itself, and that is the
    refresh's queries, not the page's.)"""
    from assessments.results import results_refresh_all

    results_refresh_all()


def assert_flat(client, url: str, grow: Callable[[int, int], None], *, n: int = N, per_row: int = 1):
    """grow(first, count) adds rows first … first+count-1, each shown on the page with its marker."""
    grow(0, n)
    settle()
    client.get(url)  # warm what is cached once per process (content types, the rule settings row, the session)
    few = measure(client, url)
    assert len(shown(few.page)) == n * per_row, f"{url} shows {sorted(shown(few.page))} of {n * per_row} rows"
    grow(n, 2 * n)
    settle()
    client.get(url)  # warm again: the overview's chart sums are cached until a result changes (results.tallies)
    many = measure(client, url)
    assert len(shown(many.page)) == len(shown(few.page)) * 3, (
        f"{url} shows {len(shown(many.page))} rows after growing from {len(shown(few.page))}"
    )
    assert len(many.queries) == len(few.queries), (
        f"{url}: {len(few.queries)} queries for {n} rows, {len(many.queries)} for {3 * n}:\n"
        + "\n".join(query for query in many.queries if query not in few.queries)
    )


def new_member(studio, name: str, role=Membership.Role.MEMBER):
    teacher = TeacherFactory(name=name)
    Membership.objects.create(studio=studio, teacher=teacher, role=role, joined_on=studio.cycles.get().start_year.start)
    return teacher


# --- studios, people, notifications -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "member_a", "host_a"])
def test_studio_list(banner, client_for, role):
    user = banner.users[role]

    def grow(first, count):
        for index in range(first, first + count):
            made = make_studio(members=2)
            Studio.objects.filter(pk=made.studio.pk).update(name=f"工作室{mark(index)}")
            if not user.is_office:
                Membership.objects.create(studio=made.studio, teacher=user.teacher, role=Membership.Role.MEMBER,
                                          joined_on=made.cycle.start_year.start)

    assert_flat(client_for(user), reverse("studios:list"), grow)


@pytest.mark.parametrize("role", ["member_a", "host_a", "officer"])
def test_studio_detail_members(banner, client_for, role):
    studio = banner.a.studio

    def grow(first, count):
        for index in range(first, first + count):
            teacher = new_member(studio, mark(index))
            Title.objects.create(teacher=teacher, kind=Title.Kind.choices[0][0], level=1,
                                 awarded_on=datetime.date(2020, 1, 1))

    assert_flat(client_for(banner.users[role]), reverse("studios:detail", args=[studio.code]), grow)


@pytest.mark.parametrize("role", OFFICE)
def test_applications_for_the_office(banner, client_for, role):
    def grow(first, count):
        for index in range(first, first + count):
            Application.objects.create(teacher=TeacherFactory(name=mark(index)), studio=banner.a.studio,
                                       statement="申请加入")

    assert_flat(client_for(banner.users[role]), reverse("members:applications"), grow)


def test_own_applications(banner, client_for):
    teacher = banner.outsider

    def grow(first, count):
        for index in range(first, first + count):
            made = make_studio(members=0)
            Studio.objects.filter(pk=made.studio.pk).update(name=f"工作室{mark(index)}")
            Application.objects.create(teacher=teacher, studio=made.studio, statement="申请加入")

    assert_flat(client_for(teacher.user), reverse("members:applications"), grow)


@pytest.mark.parametrize("role", ["member_a", "host_a", "officer"])
def test_teacher_titles_and_studios(banner, client_for, role):
    teacher = banner.a.members[0]

    def grow(first, count):
        for index in range(first, first + count):
            made = make_studio(members=0)
            Studio.objects.filter(pk=made.studio.pk).update(name=f"工作室{mark(index)}")
            Membership.objects.create(studio=made.studio, teacher=teacher, role=Membership.Role.MEMBER,
                                      joined_on=made.cycle.start_year.start)
            Title.objects.create(teacher=teacher, kind=Title.Kind.choices[index % len(Title.Kind.choices)][0],
                                 level=index % 4 + 1, awarded_on=datetime.date(2010 + index, 1, 1))

    assert_flat(client_for(banner.users[role]), reverse("members:teacher", args=[teacher.code]), grow)


@pytest.mark.parametrize("role", ["member_a", "host_a", "member_b", "host_b", "officer"])
def test_notifications(banner, client_for, role):
    user = banner.users[role]

    def grow(first, count):
        for index in range(first, first + count):
            Notification.objects.create(recipient=user, verb="reminder", message=f"请提交{mark(index)}",
                                        url="/records/mine/")

    assert_flat(client_for(user), reverse("core:notifications"), grow)


@pytest.mark.parametrize("role", ["member_a", "host_a"])
def test_home_panels(banner, client_for, role):
    """The home page's panels (upcoming activities, checklist, tasks) as records pile up in the studio."""
    studio = banner.a.studio
    user = banner.users[role]

    def grow(first, count):
        for index in range(first, first + count):
            Activity.objects.create(studio=studio, title=f"研讨{mark(index)}", kind=Activity.Kind.WORK_SEMINAR,
                                    date=today() + datetime.timedelta(days=index + 1), organiser=banner.a.host)
            Work.objects.create(teacher=user.teacher, studio=studio, kind=Work.Kind.PAPER, title="论文",
                                date=today(), char_count=2000, char_count_source=Work.CountSource.FILE)
            task = Task.objects.create(studio=studio, title=f"任务{mark(index + 100)}",
                                       due_on=today() + datetime.timedelta(days=3))
            TaskAssignment.objects.create(task=task, teacher=user.teacher)

    # The host's panel lists the studio's upcoming activities and the host's open tasks; a member's, the tasks.
    assert_flat(client_for(user), reverse("home"), grow, n=2, per_row=2 if role == "host_a" else 1)


@pytest.mark.parametrize("role", OFFICE)
def test_office_home_panels(banner, client_for, role):
    """The office's home lists every studio and counts what waits on the office."""
    def grow(first, count):
        for index in range(first, first + count):
            made = make_studio(members=2)
            Studio.objects.filter(pk=made.studio.pk).update(name=f"工作室{mark(index)}")
            _activities(made.studio, [made.host])(index + 100, 1)

    assert_flat(client_for(banner.users[role]), reverse("home"), grow)


# --- records ---------------------------------------------------------------------------------------------------


def _personal_rows(teacher, studio):
    """Works, task assignments and mentoring pairs of one person, each with a marker."""
    day = today()

    def grow(first, count):
        for index in range(first, first + count):
            Work.objects.create(teacher=teacher, studio=studio, kind=Work.Kind.PAPER, title=f"论文{mark(index)}",
                                date=day, char_count=2000, char_count_source=Work.CountSource.FILE)
    return grow


@pytest.mark.parametrize("role", ["member_a", "host_a"])
def test_my_records(banner, client_for, role):
    user = banner.users[role]
    day = today()
    works = _personal_rows(user.teacher, banner.a.studio)

    def grow(first, count):
        works(first, count)
        for index in range(first, first + count):
            task = Task.objects.create(studio=banner.a.studio, title=f"任务{mark(index + 100)}", due_on=day)
            TaskAssignment.objects.create(task=task, teacher=user.teacher)
            MentoringPair.objects.create(teacher=user.teacher, studio=banner.a.studio,
                                         mentee_name=f"乡村教师{mark(index + 200)}", mentee_school="某小学",
                                         started_on=day)

    assert_flat(client_for(user), reverse("records:mine"), grow, per_row=3)


@pytest.mark.parametrize("role", ["host_a", "officer"])
def test_person_records(banner, client_for, role):
    member = banner.a.members[0]
    url = reverse("records:person", args=[banner.a.studio.code, member.code])
    assert_flat(client_for(banner.users[role]), url, _personal_rows(member, banner.a.studio))


@pytest.mark.parametrize("role", ["member_a", "host_a", "officer"])
def test_mentoring_visits(banner, client_for, role):
    member = banner.a.members[0]
    pair = MentoringPair.objects.create(teacher=member, studio=banner.a.studio, mentee_name="乡村教师",
                                        mentee_school="某小学", started_on=datetime.date(2024, 9, 10))

    def grow(first, count):
        for index in range(first, first + count):
            MentoringVisit.objects.create(pair=pair, visited_on=datetime.date(2024, 10, 1 + index),
                                          note=f"听课{mark(index)}")

    assert_flat(client_for(banner.users[role]), reverse("records:pair", args=[pair.pk]), grow)


@pytest.mark.parametrize("role", ["host_a", "officer"])
def test_studio_records(banner, client_for, role):
    studio = banner.a.studio

    def grow(first, count):
        for index in range(first, first + count):
            teacher = new_member(studio, f"成员{index}")
            Work.objects.create(teacher=teacher, studio=studio, kind=Work.Kind.PAPER, title=f"论文{mark(index)}",
                                date=today(), char_count=2000, char_count_source=Work.CountSource.FILE)

    assert_flat(client_for(banner.users[role]), reverse("records:studio", args=[studio.code]), grow)


@pytest.mark.parametrize("role", ["member_a", "host_a", "officer"])
def test_studio_documents(banner, client_for, role):
    studio = banner.a.studio

    def grow(first, count):
        for index in range(first, first + count):
            StudioDocument.objects.create(studio=studio, kind=StudioDocument.Kind.RESEARCH_REPORT,
                                          school_year=current_year(), title=f"报告{mark(index)}")

    assert_flat(client_for(banner.users[role]), reverse("records:documents", args=[studio.code]), grow)


@pytest.mark.parametrize("role", ["member_a", "host_a", "officer"])
def test_research_projects(banner, client_for, role):
    studio = banner.a.studio

    def grow(first, count):
        for index in range(first, first + count):
            project = ResearchProject.objects.create(studio=studio, title=f"课题{mark(index)}", level=1,
                                                     approved_on=datetime.date(2024, 10, 1), leader=banner.a.host)
            project.participants.add(new_member(studio, f"参与者{index}"), *banner.a.members)

    assert_flat(client_for(banner.users[role]), reverse("records:projects", args=[studio.code]), grow)


@pytest.mark.parametrize("role", ["host_a", "officer"])
def test_tasks(banner, client_for, role):
    studio = banner.a.studio

    def grow(first, count):
        for index in range(first, first + count):
            task = Task.objects.create(studio=studio, title=f"任务{mark(index)}", due_on=today())
            for teacher in [*banner.a.members, new_member(studio, f"成员{index}")]:
                TaskAssignment.objects.create(task=task, teacher=teacher, completed_on=today())

    assert_flat(client_for(banner.users[role]), reverse("records:tasks", args=[studio.code]), grow)


@pytest.mark.parametrize("role", ["host_a", "officer"])
def test_host_evaluations(banner, client_for, role):
    studio = banner.a.studio
    year = current_year()

    def grow(first, count):
        for index in range(first, first + count):
            teacher = new_member(studio, mark(index))
            HostEvaluation.objects.create(studio=studio, school_year=year, teacher=teacher, attitude=90,
                                          task_completion=90, research_ability=90, theory=90, teaching=90)

    assert_flat(client_for(banner.users[role]), reverse("records:evaluations", args=[studio.code]), grow)


@pytest.mark.parametrize("role", ["host_a", "officer"])
def test_fund_usage(banner, client_for, role):
    studio = banner.a.studio
    year = current_year()

    def grow(first, count):
        for index in range(first, first + count):
            FundEntry.objects.create(studio=studio, school_year=year, kind=FundEntry.Kind.EXPENSE, amount="120.00",
                                     category=FundEntry.Category.choices[0][0], date=today(),
                                     description=f"图书{mark(index)}")

    assert_flat(client_for(banner.users[role]), reverse("records:funds", args=[studio.code]), grow)


# --- activities ------------------------------------------------------------------------------------------------


def _activities(studio, organisers):
    def grow(first, count):
        for index in range(first, first + count):
            activity = Activity.objects.create(studio=studio, title=f"研讨{mark(index)}",
                                               kind=Activity.Kind.SEMINAR, scope=Activity.Scope.BANNER, date=today(),
                                               organiser=organisers[index % len(organisers)])
            Filing.objects.create(activity=activity, status=Filing.Status.SUBMITTED, submitted_at=timezone.now())
    return grow


@pytest.mark.parametrize("view", ["month", "list"])
@pytest.mark.parametrize("role", ["member_a", "host_a", "officer"])
def test_activities_calendar(banner, client_for, role, view):
    grow = _activities(banner.a.studio, [banner.a.host, *banner.a.members])
    assert_flat(client_for(banner.users[role]), reverse("activities:calendar") + f"?view={view}", grow)


@pytest.mark.parametrize("view", ["month", "list"])
@pytest.mark.parametrize("role", ["member_a", "host_a", "officer"])
def test_studio_activities_calendar(banner, client_for, role, view):
    studio = banner.a.studio
    url = reverse("activities:studio_calendar", args=[studio.code]) + f"?view={view}"
    assert_flat(client_for(banner.users[role]), url, _activities(studio, [banner.a.host, *banner.a.members]))


@pytest.mark.parametrize("role", ["member_a", "host_a", "officer"])
def test_activity_attendance(banner, client_for, role):
    studio = banner.a.studio
    activity = Activity.objects.create(studio=studio, title="研讨", kind=Activity.Kind.WORK_SEMINAR,
                                       date=today() - datetime.timedelta(days=1), status=Activity.Status.HELD,
                                       organiser=banner.a.host)
    for teacher in [banner.a.host, *banner.a.members]:
        Attendance.objects.create(activity=activity, teacher=teacher, status=Attendance.Status.PRESENT)

    def grow(first, count):
        for index in range(first, first + count):
            teacher = new_member(studio, mark(index))
            Attendance.objects.create(activity=activity, teacher=teacher, status=Attendance.Status.PRESENT)

    url = reverse("activities:detail", args=[studio.code, activity.pk])
    assert_flat(client_for(banner.users[role]), url, grow)


@pytest.mark.parametrize("role", ["host_a", "officer"])
def test_attendance_form(banner, client_for, role):
    studio = banner.a.studio
    activity = Activity.objects.create(studio=studio, title="研讨", kind=Activity.Kind.WORK_SEMINAR,
                                       date=today() - datetime.timedelta(days=1), status=Activity.Status.HELD,
                                       organiser=banner.a.host)

    def grow(first, count):
        for index in range(first, first + count):
            teacher = new_member(studio, mark(index))
            Attendance.objects.create(activity=activity, teacher=teacher, status=Attendance.Status.EXCUSED)

    url = reverse("activities:attendance", args=[studio.code, activity.pk])
    assert_flat(client_for(banner.users[role]), url, grow)


@pytest.mark.parametrize("role", OFFICE)
def test_review_queue_for_the_office(banner, client_for, role):
    studios = [banner.a, banner.b]

    def grow(first, count):
        for index in range(first, first + count):
            made = studios[index % 2]
            _activities(made.studio, [made.host])(index, 1)
            StudioDocument.objects.create(studio=made.studio, kind=StudioDocument.Kind.WORK_PLAN,
                                          school_year=current_year(), title=f"计划{mark(index + 100)}",
                                          status=StudioDocument.Status.SUBMITTED, submitted_on=today())

    assert_flat(client_for(banner.users[role]), reverse("activities:queue"), grow, per_row=2)


def test_review_queue_for_a_host(banner, client_for):
    studio = banner.a.studio

    def grow(first, count):
        for index in range(first, first + count):
            activity = Activity.objects.create(studio=studio, title=f"研讨{mark(index)}", kind=Activity.Kind.SEMINAR,
                                               scope=Activity.Scope.BANNER, date=today() + datetime.timedelta(days=9),
                                               organiser=banner.a.host)
            Filing.objects.create(activity=activity, status=Filing.Status.RETURNED, return_comment="请补充方案")
            StudioDocument.objects.create(studio=studio, kind=StudioDocument.Kind.WORK_PLAN,
                                          school_year=current_year(), title=f"计划{mark(index + 100)}",
                                          status=StudioDocument.Status.RETURNED)

    assert_flat(client_for(banner.users["host_a"]), reverse("activities:queue"), grow, per_row=2)


# --- assessments -----------------------------------------------------------------------------------------------

ASSESSMENT_QUERY = "?kind=annual&year=2024-2025"


@pytest.mark.parametrize("role", OFFICE)
def test_assessment_overview(banner, client_for, role):
    def grow(first, count):
        for index in range(first, first + count):
            made = make_studio(members=3)
            Studio.objects.filter(pk=made.studio.pk).update(name=f"工作室{mark(index)}")
            Work.objects.create(teacher=made.members[0], studio=made.studio, kind=Work.Kind.PAPER, title="论文",
                                date=datetime.date(2024, 10, 10), char_count=2000,
                                char_count_source=Work.CountSource.FILE)

    assert_flat(client_for(banner.users[role]), reverse("assessments:overview") + ASSESSMENT_QUERY, grow)


@pytest.mark.parametrize("kind", ["annual", "cycle"])
@pytest.mark.parametrize("role", ["host_a", "officer"])
def test_studio_assessment(banner, client_for, role, kind):
    studio = banner.a.studio

    def grow(first, count):
        for index in range(first, first + count):
            teacher = new_member(studio, mark(index))
            Work.objects.create(teacher=teacher, studio=studio, kind=Work.Kind.PAPER, title="论文",
                                date=datetime.date(2024, 10, 10), char_count=2000,
                                char_count_source=Work.CountSource.FILE)
            Title.objects.create(teacher=teacher, kind=Title.Kind.choices[0][0], level=1,
                                 awarded_on=datetime.date(2020, 1, 1))

    url = reverse("assessments:studio", args=[studio.code]) + f"?kind={kind}&year=2024-2025"
    assert_flat(client_for(banner.users[role]), url, grow)


@pytest.mark.parametrize("role", SETTINGS)
def test_rule_settings_history(banner, client_for, role):
    current = RuleSettings.current()
    actors = [banner.officer, banner.admin]

    def grow(first, count):
        for index in range(first, first + count):
            audit_record(actor=actors[index % 2], action="rules.update", target=current,
                         comment=f"按新文件{mark(index)}", data={"changes": {"paper_min_chars": [1800, 2000 + index]}})

    assert_flat(client_for(banner.users[role]), reverse("assessments:settings"), grow)


# --- excel and security ----------------------------------------------------------------------------------------


def _jobs(user, studio=None):
    def grow(first, count):
        for index in range(first, first + count):
            ExportJob.objects.create(id=uuid.uuid4(), user=user, kind=ExportJob.Kind.choices[0][0],
                                     label=f"导出{mark(index)}", studio=studio,
                                     status=ExportJob.Status.choices[0][0],
                                     expires_at=timezone.now() + datetime.timedelta(days=1))
    return grow


@pytest.mark.parametrize("role", OFFICE)
def test_excel_jobs(banner, client_for, role):
    user = banner.users[role]
    assert_flat(client_for(user), reverse("excel:index"), _jobs(user))


@pytest.mark.parametrize("role", ["host_a", "officer"])
def test_studio_export_jobs(banner, client_for, role):
    user = banner.users[role]
    url = reverse("excel:studio", args=[banner.a.studio.code])
    assert_flat(client_for(user), url, _jobs(user, banner.a.studio))


@pytest.mark.parametrize("role", ["audit_admin"])
def test_audit_log(banner, client_for, role):
    actors = [banner.officer, banner.a.host.user, *[m.user for m in banner.a.members]]
    studios = [banner.a.studio, banner.b.studio, None]

    def grow(first, count):
        for index in range(first, first + count):
            AuditEntry.objects.create(actor=actors[index % len(actors)], action="filing.approve",
                                      studio=studios[index % len(studios)], target_repr=f"备案{mark(index)}",
                                      from_state="submitted", to_state="approved", comment=mark(index))

    assert_flat(client_for(banner.users[role]), reverse("security:audit_log"), grow)


@pytest.mark.parametrize("role", ["officer", "security_admin"])
def test_lockouts(banner, client_for, role):
    def grow(first, count):
        for index in range(first, first + count):
            AccessAttempt.objects.create(username=f"教师{mark(index)}", ip_address=f"10.0.0.{index + 2}",
                                         user_agent="test", failures_since_start=5, get_data="", post_data="",
                                         http_accept="", path_info="/accounts/login/")

    assert_flat(client_for(banner.users[role]), reverse("security:lockouts"), grow)


def test_audit_log_filter_reads_each_action_once_not_every_entry(banner, client_for):
    """The action filter's DISTINCT must be over the actions alone: with the model's ordering left on, it is over
    (action, created_at) and brings back the whole log on every page view."""
    for index in range(30):
        AuditEntry.objects.create(actor=banner.officer, action="filing.approve", target_repr=mark(index))
    with CaptureQueriesContext(connection) as context:
        assert client_for(banner.audit_admin).get(reverse("security:audit_log")).status_code == 200
    distinct = [query["sql"] for query in context.captured_queries
                if "DISTINCT" in query["sql"] and "core_auditentry" in query["sql"]]
    assert distinct, "the audit log page no longer reads the action families"
    actions = AuditEntry.objects.order_by().values("action").distinct().count()
    with connection.cursor() as cursor:
        for sql in distinct:
            cursor.execute(sql)
            assert len(cursor.fetchall()) <= actions, sql


def test_accounts_and_roles(banner, client_for):
    def grow(first, count):
        for index in range(first, first + count):
            TeacherFactory(name=f"教师{mark(index)}")

    assert_flat(client_for(banner.security_admin), reverse("security:accounts"), grow)
