"""The assessment issues a fixed number of queries, whatever the number of studios, people and records."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import Activity, Attendance, Filing
from assessments import selectors
from assessments.loader import load_evidence
from members.models import Teacher, Title
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
from studios.models import Cycle, Membership, Studio
from studios.tests.factories import school_year

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = D(2025, 10, 31)
MAX_QUERIES = 25


def build(count: int, *, offset: int = 0) -> list[Studio]:
    """``count`` studios with 4 people each and records of every kind, in a handful of bulk inserts."""
    year = school_year(2024)
    studios = Studio.objects.bulk_create(
        [Studio(code=f"Q-{offset + n:03d}", name=f"工作室{offset + n}") for n in range(count)])
    Cycle.objects.bulk_create([Cycle(studio=s, start_year=year) for s in studios])
    teachers = Teacher.objects.bulk_create(
        [Teacher(code=f"QT-{offset + n:03d}-{k}", name=f"教师{n}{k}", birth_date=D(1992, 1, 1))
         for n in range(count) for k in range(4)])
    memberships, titles, activities, works, tasks, projects, pairs = [], [], [], [], [], [], []
    documents, evaluations, funds = [], [], []
    for n, studio in enumerate(studios):
        people = teachers[4 * n:4 * n + 4]
        for k, teacher in enumerate(people):
            memberships.append(Membership(studio=studio, teacher=teacher, role="host" if k == 0 else "member",
                                          joined_on=D(2024, 9, 1)))
            titles.append(Title(teacher=teacher, kind="backbone", level=1, awarded_on=D(2025, 1, 1)))
            works.append(Work(teacher=teacher, studio=studio, kind="paper", title="论文", date=D(2024, 10, 1),
                              char_count=1800))
            works.append(Work(teacher=teacher, studio=studio, kind="dev_plan", title="规划", date=D(2024, 9, 2)))
            pairs.append(MentoringPair(teacher=teacher, studio=studio, mentee_name="甲", mentee_school="乙",
                                       started_on=D(2024, 11, 1)))
        activities.append(Activity(studio=studio, title="研讨", kind="seminar", scope="banner",
                                   date=D(2024, 10, 10), status="held", organiser=people[1]))
        activities.append(Activity(studio=studio, title="部署会", kind="deployment_meeting", scope="studio",
                                   date=D(2024, 9, 10), status="held"))
        tasks.append(Task(studio=studio, title="任务", due_on=D(2024, 12, 1)))
        projects.append(ResearchProject(studio=studio, title="课题", level=2, approved_on=D(2024, 3, 1),
                                        leader=people[0]))
        documents.append(StudioDocument(studio=studio, kind="work_plan", school_year=year, title="计划",
                                        status="approved", submitted_on=D(2024, 9, 5), decided_on=D(2024, 9, 6)))
        evaluations.append(HostEvaluation(studio=studio, school_year=year, teacher=people[1], attitude=1,
                                          task_completion=1, research_ability=1, theory=1, teaching=1))
        funds.append(FundEntry(studio=studio, school_year=year, kind="allocation", amount=100, date=D(2024, 9, 1)))
    Membership.objects.bulk_create(memberships)
    Title.objects.bulk_create(titles)
    Work.objects.bulk_create(works)
    MentoringPair.objects.bulk_create(pairs)
    activities = Activity.objects.bulk_create(activities)
    Filing.objects.bulk_create([Filing(activity=a, status="approved", approved_on=D(2024, 10, 1),
                                       doc_number=f"文{a.pk}") for a in activities if a.scope == "banner"])
    Attendance.objects.bulk_create([Attendance(activity=a, teacher=m.teacher, status="present")
                                    for a in activities for m in memberships if m.studio_id == a.studio_id])
    tasks = Task.objects.bulk_create(tasks)
    TaskAssignment.objects.bulk_create([TaskAssignment(task=t, teacher=m.teacher, completed_on=D(2024, 11, 1))
                                        for t in tasks for m in memberships if m.studio_id == t.studio_id])
    projects = ResearchProject.objects.bulk_create(projects)
    through = ResearchProject.participants.through
    through.objects.bulk_create([through(researchproject=p, teacher=m.teacher)
                                 for p in projects for m in memberships if m.studio_id == p.studio_id])
    StudioDocument.objects.bulk_create(documents)
    HostEvaluation.objects.bulk_create(evaluations)
    FundEntry.objects.bulk_create(funds)
    return studios


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_the_loader_issues_the_same_queries_for_1_and_50_studios():
    one = build(1)
    many = build(50, offset=100)
    loaded = []
    small = count_queries(lambda: loaded.append(load_evidence(studios=one, year=2024)))
    large = count_queries(lambda: loaded.append(load_evidence(studios=many, year=2024)))
    assert small == large <= 15
    assert len(loaded[1]) == 50
    evidence = next(iter(loaded[1].values()))
    assert len(evidence.people) == 4 and evidence.works and evidence.attendances and evidence.tasks
    assert evidence.projects[0].participants and evidence.mentoring_pairs and evidence.funds


@pytest.mark.parametrize("kind", ["annual", "cycle"])
def test_assessment_of_1_and_of_50_studios_issue_the_same_number_of_queries(kind):
    one = build(1)
    many = build(50, offset=100)
    year = school_year(2024)
    results = []

    def assess(studios):
        return lambda: results.append(selectors.assessment_results(studios=studios, school_year=year, kind=kind,
                                                                    as_of=AS_OF))

    small = count_queries(assess(Studio.objects.filter(pk__in=[s.pk for s in one])))
    large = count_queries(assess(Studio.objects.filter(pk__in=[s.pk for s in many])))
    assert small == large <= MAX_QUERIES
    assert [len(r) for r in results] == [1, 50]
    member = results[1][0]["members"][1]
    paper = next(i for i in member["rules"] if i["rule"] == "I-PAPER")
    assert paper["status"] == "met"


def test_the_overview_issues_the_same_number_of_queries_for_1_and_50_studios():
    year = school_year(2024)
    build(1)
    small = count_queries(lambda: selectors.overview_matrix(school_year=year, kind="annual", as_of=AS_OF))
    build(49, offset=100)
    large = count_queries(lambda: selectors.overview_matrix(school_year=year, kind="annual", as_of=AS_OF))
    assert small == large <= MAX_QUERIES


def test_the_command_for_all_studios_issues_a_fixed_number_of_queries():
    build(1)
    small = count_queries(lambda: call_command("assess", "--all", "--year", "2024-2025", "--as-of", "2025-10-31",
                                               stdout=io.StringIO()))
    build(49, offset=100)
    large = count_queries(lambda: call_command("assess", "--all", "--year", "2024-2025", "--as-of", "2025-10-31",
                                               stdout=io.StringIO()))
    assert small == large <= MAX_QUERIES


def test_the_checklist_issues_a_fixed_number_of_queries_whatever_the_records():
    (studio,) = build(1)
    teacher = Membership.objects.filter(studio=studio, role="member").first().teacher
    few = count_queries(lambda: selectors.person_checklist(teacher=teacher, as_of=D(2024, 12, 9)))
    Work.objects.bulk_create([Work(teacher=teacher, studio=studio, kind="paper", title="论文", date=D(2024, 10, 2),
                                   char_count=10) for _ in range(30)])
    many = count_queries(lambda: selectors.person_checklist(teacher=teacher, as_of=D(2024, 12, 9)))
    assert few == many <= MAX_QUERIES


def test_checklists_of_every_person_issue_the_same_queries_for_1_and_50_studios():
    one = build(1)
    many = build(50, offset=100)
    results = []
    small = count_queries(lambda: results.append(selectors.studio_checklists(studios=one, as_of=D(2024, 12, 9))))
    large = count_queries(lambda: results.append(selectors.studio_checklists(studios=many, as_of=D(2024, 12, 9))))
    assert small == large <= MAX_QUERIES
    assert len(results[1]) == 50 and all(len(people) == 4 for people in results[1].values())
