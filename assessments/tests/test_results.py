"""Stored results: computed ahead, stale on every change, refreshed, never shown fresh when stale."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from assessments import results, selectors
from assessments.models import AssessmentResult, AssessmentTally
from records.models import Work
from studios.models import Studio
from studios.tests.factories import make_studio, school_year

D = datetime.date
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="needs PostgreSQL (DATABASE_URL); CI runs on it")


def paper(teacher, studio, day, chars=2000, **kwargs):
    return Work.objects.create(teacher=teacher, studio=studio, kind="paper", title="论文", date=day,
                               char_count=chars, **kwargs)


@pytest.fixture
def committed_banner(db, django_capture_on_commit_callbacks):
    """The banner as if its own transaction had committed: its results computed, nothing pending."""
    from studios.tests.factories import make_banner

    with django_capture_on_commit_callbacks(execute=True):
        return make_banner()


def test_a_refresh_stores_the_annual_result_of_every_year_and_the_cycle(banner):
    written = results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    assert written == 8
    rows = AssessmentResult.objects.filter(studio=banner.a.studio).order_by("kind", "start_year")
    assert [(r.kind, r.start_year) for r in rows] == [("annual", 2024), ("annual", 2025), ("annual", 2026),
                                                     ("cycle", 2024)]
    row = rows[0]
    assert not row.stale and not row.error
    assert row.as_of == timezone.localdate()
    assert row.period_end == D(2025, 8, 31)
    assert len(row.evidence_fingerprint) == len(row.settings_fingerprint) == 64
    assert row.result["studio"] == "WS-A" and row.result["kind"] == "annual"
    assert row.verdict in ("pass", "fail", "pending")
    assert row.met + row.not_met + row.pending == row.applicable
    assert AssessmentTally.objects.filter(result=row, axis="rule").exists()


def test_the_stored_result_is_what_the_selectors_compute(banner):
    year = school_year(2024)
    results.results_refresh(studio_ids=[banner.a.studio.pk])
    live = selectors.studio_assessment(studio=banner.a.studio, school_year=year, kind="annual")
    stored = AssessmentResult.objects.get(studio=banner.a.studio, kind="annual", start_year=2024)
    assert stored.result == live


def test_the_same_evidence_gives_the_same_fingerprint_and_a_new_record_another(banner):
    results.results_refresh(studio_ids=[banner.a.studio.pk])
    first = AssessmentResult.objects.get(studio=banner.a.studio, kind="cycle").evidence_fingerprint
    results.results_refresh(studio_ids=[banner.a.studio.pk])
    assert AssessmentResult.objects.get(studio=banner.a.studio, kind="cycle").evidence_fingerprint == first
    paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
    results.results_refresh(studio_ids=[banner.a.studio.pk])
    assert AssessmentResult.objects.get(studio=banner.a.studio, kind="cycle").evidence_fingerprint != first


def test_a_change_marks_the_studio_stale_and_only_that_studio(banner):
    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
    assert set(AssessmentResult.objects.filter(stale=True).values_list("studio_id", flat=True)) == {
        banner.a.studio.pk}


def test_changes_in_one_transaction_queue_one_task_per_studio(db, django_capture_on_commit_callbacks):
    from studios.tests.factories import make_banner

    with django_capture_on_commit_callbacks(execute=True):  # the banner's own transaction, committed
        banner = make_banner()
    assert AssessmentResult.objects.filter(studio=banner.a.studio, stale=False).count() == 4
    with mock.patch("assessments.tasks.refresh_results.delay") as delay, \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        for day in (10, 11, 12):
            paper(banner.a.members[0], banner.a.studio, D(2024, 10, day))
        paper(banner.b.members[0], banner.b.studio, D(2024, 10, 13))
    assert len(callbacks) == 1
    delay.assert_called_once_with([banner.a.studio.pk, banner.b.studio.pk])


def test_on_commit_the_stale_results_are_recomputed_eagerly(committed_banner, django_capture_on_commit_callbacks):
    banner = committed_banner
    before = AssessmentResult.objects.get(studio=banner.a.studio, kind="annual", start_year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
    after = AssessmentResult.objects.get(pk=before.pk)
    assert not after.stale
    assert after.evidence_fingerprint != before.evidence_fingerprint


def test_a_failing_recomputation_keeps_the_last_good_result_marked(banner):
    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    good = AssessmentResult.objects.get(studio=banner.a.studio, kind="annual", start_year=2024)
    paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
    real_assess = results.assess

    def failing(evidence, *args, **kwargs):
        if evidence.studio == "WS-A":
            raise RuntimeError("坏数据")
        return real_assess(evidence, *args, **kwargs)

    with mock.patch("assessments.results.assess", side_effect=failing):
        results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    kept = AssessmentResult.objects.get(pk=good.pk)
    assert kept.result == good.result and kept.computed_at == good.computed_at
    assert kept.stale and "坏数据" in kept.error and kept.error_at is not None
    other = AssessmentResult.objects.get(studio=banner.b.studio, kind="annual", start_year=2024)
    assert not other.stale and not other.error
    results.results_refresh(studio_ids=[banner.a.studio.pk])
    healed = AssessmentResult.objects.get(pk=good.pk)
    assert not healed.stale and not healed.error


def test_a_recomputation_that_cannot_run_after_a_commit_never_fails_the_change(committed_banner,
                                                                            django_capture_on_commit_callbacks):
    from django.db import OperationalError

    banner = committed_banner
    with mock.patch("assessments.tasks.refresh_results.delay", side_effect=OperationalError("database is locked")), \
            django_capture_on_commit_callbacks(execute=True):
        paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
    assert AssessmentResult.objects.filter(studio=banner.a.studio, stale=True).count() == 4


def test_a_failing_load_marks_every_result_and_raises_for_the_retry(banner):
    results.results_refresh(studio_ids=[banner.a.studio.pk])
    with mock.patch("assessments.results.load_evidence", side_effect=RuntimeError("数据库断开")), \
            pytest.raises(RuntimeError):
        results.results_refresh(studio_ids=[banner.a.studio.pk])
    assert all(r.stale and "数据库断开" in r.error for r in AssessmentResult.objects.filter(studio=banner.a.studio))


def test_a_change_during_a_recomputation_keeps_the_result_stale(banner):
    results.results_refresh(studio_ids=[banner.a.studio.pk])
    real_load = results.load_evidence

    def load_then_change(**kwargs):
        loaded = real_load(**kwargs)
        paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))  # lands after the load read
        return loaded

    with mock.patch("assessments.results.load_evidence", side_effect=load_then_change):
        results.results_refresh(studio_ids=[banner.a.studio.pk])
    assert all(r.stale for r in AssessmentResult.objects.filter(studio=banner.a.studio))


def test_results_of_yesterday_for_a_running_period_are_outdated(banner):
    results.results_refresh(studio_ids=[banner.a.studio.pk], as_of=timezone.localdate() - datetime.timedelta(days=1))
    today = timezone.localdate()
    outdated = AssessmentResult.objects.filter(results.outdated_q(today))
    running = {(r.kind, r.start_year) for r in outdated}
    ended = {(r.kind, r.start_year) for r in AssessmentResult.objects.exclude(pk__in=outdated)}
    for kind, start_year in running:
        row = AssessmentResult.objects.get(studio=banner.a.studio, kind=kind, start_year=start_year)
        assert row.period_end >= today - datetime.timedelta(days=30)
    for kind, start_year in ended:
        row = AssessmentResult.objects.get(studio=banner.a.studio, kind=kind, start_year=start_year)
        assert row.period_end < today - datetime.timedelta(days=30)


def test_the_nightly_run_recomputes_what_is_running_and_what_is_missing(banner):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    results.results_refresh(studio_ids=[banner.a.studio.pk], as_of=yesterday)
    results.results_refresh_running()
    assert AssessmentResult.objects.filter(studio=banner.b.studio).count() == 4
    assert not AssessmentResult.objects.filter(results.outdated_q(timezone.localdate())).exists()


def test_the_nightly_task_spreads_the_running_studios_over_the_workers_in_chunks(banner):
    from assessments.tasks import refresh_running_results

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    results.results_refresh(studio_ids=[banner.a.studio.pk], as_of=yesterday)
    assert results.running_studio_ids(timezone.localdate()) == sorted([banner.a.studio.pk, banner.b.studio.pk])
    assert refresh_running_results(chunk=1) == 2  # one chunk task per studio (eager here: run before it returns)
    assert AssessmentResult.objects.filter(studio=banner.b.studio).count() == 4
    assert not AssessmentResult.objects.filter(results.outdated_q(timezone.localdate())).exists()
    assert refresh_running_results() == 0  # nothing left to do tonight


def test_the_nightly_task_is_in_the_beat_schedule():
    from mingshi.celery import app

    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "assessments.tasks.refresh_running_results" in names


def test_the_refresh_task_takes_ids(banner):
    from assessments.tasks import refresh_results

    assert refresh_results.delay([banner.a.studio.pk]).get(timeout=10) == 4
    assert AssessmentResult.objects.filter(studio=banner.a.studio).count() == 4


def test_a_refresh_reads_the_evidence_in_the_same_number_of_queries_for_3_and_12_studios(
        db, django_assert_num_queries):
    counts = []
    for size in (3, 12):
        Studio.objects.all().delete()
        studios = [make_studio(code=f"Q{size}-{n:02d}").studio for n in range(size)]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            results.results_refresh(studio_ids=[s.pk for s in studios])
        # Writes go in batches whose size the database decides (SQLite takes few parameters); reads are fixed.
        counts.append(sum(1 for query in captured if query["sql"].lstrip().upper().startswith("SELECT")))
    assert counts[0] == counts[1]


# --- every kind of evidence ---------------------------------------------------------------------------------------


def _activity(banner, **kwargs):
    from activities.models import Activity

    values = {"studio": banner.a.studio, "title": "研讨", "kind": "seminar", "scope": "banner",
              "date": D(2024, 10, 10), "status": "held", "organiser": banner.a.members[0]}
    return Activity.objects.create(**{**values, **kwargs})


def _setup_none(banner):
    return None


def _change_work(banner, _ctx):
    paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))


def _change_activity(banner, _ctx):
    _activity(banner)


def _setup_activity(banner):
    return _activity(banner)


def _change_filing(banner, activity):
    from activities.models import Filing

    Filing.objects.create(activity=activity, status="approved", approved_on=D(2024, 10, 1),
                          doc_number="乌教研发〔2024〕9号")


def _change_attendance(banner, activity):
    from activities.models import Attendance

    Attendance.objects.create(activity=activity, teacher=banner.a.members[0], status="present")


def _change_task(banner, _ctx):
    from records.models import Task, TaskAssignment

    task = Task.objects.create(studio=banner.a.studio, title="任务", due_on=D(2024, 12, 1))
    TaskAssignment.objects.create(task=task, teacher=banner.a.members[0], completed_on=D(2024, 11, 30))


def _setup_task(banner):
    from records.models import Task

    return Task.objects.create(studio=banner.a.studio, title="任务", due_on=D(2024, 12, 1))


def _change_assignment(banner, task):
    from records.models import TaskAssignment

    TaskAssignment.objects.create(task=task, teacher=banner.a.members[0], completed_on=D(2024, 11, 30))


def _change_evaluation(banner, _ctx):
    from records.models import HostEvaluation

    HostEvaluation.objects.create(studio=banner.a.studio, school_year=school_year(2024), teacher=banner.a.members[0],
                                  attitude=90, task_completion=80, research_ability=70, theory=60, teaching=50)


def _change_fund(banner, _ctx):
    from decimal import Decimal

    from records.models import FundEntry

    FundEntry.objects.create(studio=banner.a.studio, school_year=school_year(2024), kind="allocation",
                             amount=Decimal("5000"), date=D(2024, 9, 1))


def _change_document(banner, _ctx):
    from records.models import StudioDocument

    StudioDocument.objects.create(studio=banner.a.studio, kind="work_plan", school_year=school_year(2024),
                                  title="计划", status="approved", submitted_on=D(2024, 9, 10),
                                  decided_on=D(2024, 9, 20))


def _change_project(banner, _ctx):
    from members.models import Level
    from records.models import ResearchProject

    ResearchProject.objects.create(studio=banner.a.studio, title="课题", level=Level.REGION,
                                   approved_on=D(2024, 10, 1), leader=banner.a.host)


def _setup_project(banner):
    from members.models import Level
    from records.models import ResearchProject

    return ResearchProject.objects.create(studio=banner.a.studio, title="课题", level=Level.REGION,
                                          approved_on=D(2024, 10, 1), leader=banner.a.host)


def _change_participants(banner, project):
    project.participants.add(banner.a.members[0])


def _change_title(banner, _ctx):
    from members.models import Level, Title

    Title.objects.create(teacher=banner.a.members[0], kind=Title.Kind.BACKBONE, level=Level.CITY,
                         awarded_on=D(2024, 11, 1))


def _setup_title(banner):
    from members.models import Level, Title

    return Title.objects.create(teacher=banner.a.members[0], kind=Title.Kind.BACKBONE, level=Level.CITY,
                                awarded_on=D(2024, 11, 1), check_status=Title.Check.PENDING)


def _change_title_check(banner, title):
    title.check_status = title.Check.VERIFIED
    title.save()


def _change_pair(banner, _ctx):
    from records.models import MentoringPair

    MentoringPair.objects.create(teacher=banner.a.members[0], studio=None, mentee_name="乡村教师",
                                 mentee_school="某小学", started_on=D(2024, 10, 1))


def _change_membership(banner, _ctx):
    from studios.models import Membership
    from studios.tests.factories import TeacherFactory

    Membership.objects.create(studio=banner.a.studio, teacher=TeacherFactory(), role="member",
                              joined_on=D(2024, 10, 1))


def _change_settings(banner, _ctx):
    from assessments.models import RuleSettings

    RuleSettings.objects.update_or_create(pk=1, defaults={"paper_min_chars": 1500})


def _change_override(banner, _ctx):
    from assessments import services

    services.override_create(actor=banner.officer, studio=banner.a.studio, teacher=banner.a.members[0],
                             rule="I-PAPER", period="2024-2025-1", status="met", reason="纸本已核验")


def _change_signoff(banner, _ctx):
    from assessments import services

    services.signoff_create(actor=banner.officer, studio=banner.a.studio, school_year=school_year(2024),
                            kind="annual", grade="fail", comment="按结果", as_of=D(2025, 10, 1))


def _change_year_lock(banner, _ctx):
    from records.models import YearLock

    YearLock.objects.create(studio=banner.a.studio, school_year=school_year(2024), locked_by=banner.officer)


EVIDENCE = {
    "work": (_setup_none, _change_work),
    "activity": (_setup_none, _change_activity),
    "filing": (_setup_activity, _change_filing),
    "attendance": (_setup_activity, _change_attendance),
    "task": (_setup_none, _change_task),
    "task assignment": (_setup_task, _change_assignment),
    "evaluation": (_setup_none, _change_evaluation),
    "fund": (_setup_none, _change_fund),
    "document": (_setup_none, _change_document),
    "project": (_setup_none, _change_project),
    "project participants": (_setup_project, _change_participants),
    "title": (_setup_none, _change_title),
    "title verification": (_setup_title, _change_title_check),
    "mentoring pair": (_setup_none, _change_pair),
    "membership": (_setup_none, _change_membership),
    "settings": (_setup_none, _change_settings),
    "override": (_setup_none, _change_override),
    "sign-off": (_setup_none, _change_signoff),
    "year lock": (_setup_none, _change_year_lock),
}


@pytest.mark.parametrize("kind", list(EVIDENCE))
def test_a_change_to_each_kind_of_evidence_refreshes_the_stored_result(kind, committed_banner,
                                                                       django_capture_on_commit_callbacks):
    banner = committed_banner
    setup, change = EVIDENCE[kind]
    with django_capture_on_commit_callbacks(execute=True):
        context = setup(banner)
    before = {(r.kind, r.start_year): r for r in AssessmentResult.objects.filter(studio=banner.a.studio)}
    assert before and not any(r.stale for r in before.values())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        change(banner, context)
        assert AssessmentResult.objects.filter(studio=banner.a.studio, stale=True).count() == 4  # at once
    assert callbacks, "nothing was queued on commit"
    after = {(r.kind, r.start_year): r for r in AssessmentResult.objects.filter(studio=banner.a.studio)}
    assert not any(r.stale for r in after.values())
    assert all(after[key].computed_at > before[key].computed_at for key in before)
    changed = [key for key in before if (after[key].evidence_fingerprint, after[key].settings_fingerprint,
                                         after[key].result) != (before[key].evidence_fingerprint,
                                                                before[key].settings_fingerprint,
                                                                before[key].result)]
    if kind != "year lock":  # a lock changes no result; it is listed because it decides what may change
        assert changed, f"a new {kind} left every stored result as it was"


def test_the_registry_covers_every_record_the_loader_reads():
    from assessments import loader, signals

    watched = {model for model, _find in signals.registry()}
    read = {value for value in vars(loader).values() if isinstance(value, type) and hasattr(value, "_meta")
            and not value._meta.abstract}
    missing = {model.__name__ for model in read - watched} - {"Upload"}  # an upload's reading sends its own signal
    assert missing == set()


# --- pages never show a stale result as fresh -------------------------------------------------------------------

OVERVIEW_QUERY = {"kind": "annual", "year": "2024-2025"}


def _overview(client_for, banner, **params):
    from django.urls import reverse

    return client_for(banner.officer).get(reverse("assessments:overview"), {**OVERVIEW_QUERY, **params})


def test_without_a_worker_a_page_recomputes_a_stale_result_before_showing_it(banner, client_for):
    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
    assert AssessmentResult.objects.filter(stale=True).exists()
    page = _overview(client_for, banner).content.decode()
    assert not AssessmentResult.objects.filter(stale=True).exists()
    assert "正在更新" not in page and "结果计算于" in page


def test_with_a_worker_a_stale_result_is_shown_as_being_updated(banner, client_for):
    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    with mock.patch("assessments.results.worker_absent", return_value=False), \
            mock.patch("assessments.tasks.refresh_results.delay"):
        paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
        page = _overview(client_for, banner).content.decode()
        home = client_for(banner.officer).get("/").content.decode()
    assert "结果计算于" in page and "正在更新" in page
    row = page.split('data-studio="WS-A"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="row-updating"' in row
    other = page.split('data-studio="WS-B"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="row-updating"' not in other
    assert "正在更新" in home.split('data-testid="panel-behind"', 1)[1].split("</section>", 1)[0]


def test_with_a_worker_yesterdays_result_of_a_running_period_is_not_fresh(banner, client_for):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk], as_of=yesterday)
    year = school_year(timezone.localdate().year if timezone.localdate().month >= 9
                       else timezone.localdate().year - 1)
    with mock.patch("assessments.results.worker_absent", return_value=False), \
            mock.patch("assessments.tasks.refresh_results.delay"):
        found = results.overview_page(school_year=year, kind="annual")
    if found["rows"]:  # the current year is in the banner's cycles
        assert found["updating"] == len(found["rows"])
        assert all(row["stale"] for row in found["rows"])
        # marked stale, so that the worker recomputes them once this request commits
        assert AssessmentResult.objects.filter(kind="annual", start_year=year.start_year, stale=True).count() == 2


def test_a_failed_recomputation_is_said_on_the_page_beside_the_last_good_result(banner, client_for):
    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    good = AssessmentResult.objects.get(studio=banner.a.studio, kind="annual", start_year=2024)
    with mock.patch("assessments.results.worker_absent", return_value=False), \
            mock.patch("assessments.tasks.refresh_results.delay"):
        paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
        with mock.patch("assessments.results.assess", side_effect=RuntimeError("坏数据")):
            results.results_refresh(studio_ids=[banner.a.studio.pk])
        page = _overview(client_for, banner).content.decode()
    row = page.split('data-studio="WS-A"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="row-failed"' in row and 'data-testid="row-updating"' in row
    assert "显示的是上次成功的结果" in page
    assert AssessmentResult.objects.get(pk=good.pk).result == good.result


def test_the_overview_filters_and_pages_in_sql(banner, client_for):
    from studios.models import Studio as StudioModel

    for n in range(3):
        make_studio(code=f"WS-X{n}")
    StudioModel.objects.filter(code="WS-X0").update(subject="数学", stage="junior")
    paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
    page = _overview(client_for, banner, subject="数学").content.decode()
    assert 'data-studio="WS-X0"' in page and 'data-studio="WS-A"' not in page
    page = _overview(client_for, banner, stage="junior").content.decode()
    assert 'data-studio="WS-X0"' in page and 'data-studio="WS-X1"' not in page
    with mock.patch("assessments.results.PER_PAGE", 2):
        first = _overview(client_for, banner, sort="code").content.decode()
        second = _overview(client_for, banner, sort="code", page=2).content.decode()
    assert first.count("data-studio=") == 2 and 'data-studio="WS-A"' in first
    assert 'data-studio="WS-X0"' in second and 'data-studio="WS-A"' not in second
    assert "1 / 3" in first


def test_the_overview_totals_are_summed_over_every_studio_not_the_page(banner, client_for):
    for n in range(3):
        make_studio(code=f"WS-Y{n}")
    found = results.overview_page(school_year=school_year(2024), kind="annual", per_page=2)
    assert len(found["rows"]) == 2
    assert found["totals"]["studios"] == 5
    assert found["totals"]["fail"] + found["totals"]["pending"] + found["totals"]["pass"] == 5
    stored = AssessmentResult.objects.filter(kind="annual", start_year=2024)
    assert found["totals"]["met"] == sum(r.met for r in stored)
    by_rule = {r["rule"]: r for r in found["by_rule"]}
    assert sum(r["applicable"] + r["not_applicable"] for r in by_rule.values()) == sum(
        len(block["rules"]) for r in stored for block in [r.result["team"], *r.result["members"]])


def test_the_behind_filter_lists_only_studios_with_a_rule_not_met(banner, client_for):
    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    AssessmentResult.objects.filter(studio=banner.b.studio).update(not_met=0)
    page = _overview(client_for, banner, behind="1").content.decode()
    assert 'data-studio="WS-A"' in page and 'data-studio="WS-B"' not in page


# --- the real worker -------------------------------------------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not __import__("django.conf").conf.settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
@on_postgres  # on SQLite the worker thread's write waits for the test's ("table is locked") and retries
def test_a_real_worker_on_redis_refreshes_the_stored_result_after_a_change(settings):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import after_task_publish

    from mingshi.celery import app
    from studios.tests.factories import make_banner

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    banner = make_banner()
    published = []

    def remember(sender=None, headers=None, **kwargs):
        if sender == "assessments.tasks.refresh_results":
            published.append(headers["id"])

    after_task_publish.connect(remember, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo"):
            results.results_refresh(studio_ids=[banner.a.studio.pk])
            before = AssessmentResult.objects.get(studio=banner.a.studio, kind="annual", start_year=2024)
            from django.db import transaction

            with transaction.atomic():
                paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
                paper(banner.a.members[0], banner.a.studio, D(2024, 10, 11))
            assert len(published) == 1, "one task per transaction"
            assert app.AsyncResult(published[0]).get(timeout=30) == 4
    finally:
        after_task_publish.disconnect(remember)
    after = AssessmentResult.objects.get(pk=before.pk)
    assert not after.stale
    assert after.evidence_fingerprint != before.evidence_fingerprint


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_a_studio_without_results_at_the_same_moment_store_it_once():
    """The worker's task and a page's own refresh can both be first; neither may fail on the other's rows."""
    import threading

    from studios.tests.factories import make_banner

    banner = make_banner()
    studio_id = banner.a.studio.pk
    computed = threading.Barrier(2, timeout=30)
    real_round = results._compute_round
    outcomes = []

    def round_then_wait(*args, **kwargs):
        rows = real_round(*args, **kwargs)
        computed.wait()  # both computed, neither stored: both go to store at once
        return rows

    def refresh():
        try:
            outcomes.append(results.results_refresh(studio_ids=[studio_id]))
        except Exception as error:  # the failure under test, reported by the assertion below
            outcomes.append(error)
        finally:
            connection.close()

    with mock.patch("assessments.results._compute_round", round_then_wait):
        threads = [threading.Thread(target=refresh) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert outcomes == [4, 4]
    assert AssessmentResult.objects.filter(studio_id=studio_id).count() == 4
    tallies = AssessmentTally.objects.filter(result__studio_id=studio_id, result__kind="cycle", axis="rule")
    assert tallies.count() == tallies.values("key").distinct().count()  # each rule's tally written once


# --- exports, reminders and the person's own checklist ---------------------------------------------------------


def _in_cycle_today():
    """A school year of the banner's cycle (2024-2027) that contains today, or None when today is outside it."""
    today = timezone.localdate()
    start_year = today.year if today.month >= 9 else today.year - 1
    return start_year if 2024 <= start_year <= 2026 else None


def test_exports_read_the_stored_results_refreshed_first(banner):
    from excel.selectors import iter_assessment_results

    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    with mock.patch("assessments.results.worker_absent", return_value=False), \
            mock.patch("assessments.tasks.refresh_results.delay"):
        paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
        exported = list(iter_assessment_results(studios=Studio.objects.all(), school_year=school_year(2024),
                                                kind="annual", as_of=timezone.localdate()))
    assert [r["studio"] for r in exported] == ["WS-A", "WS-B"]
    assert not AssessmentResult.objects.filter(stale=True).exists()
    live = selectors.assessment_results(studios=Studio.objects.all(), school_year=school_year(2024), kind="annual")
    assert exported == live


def test_reminders_read_the_same_checklists_from_the_stored_results(banner):
    start_year = _in_cycle_today()
    if start_year is None:
        pytest.skip("today is outside the banner's cycle")
    today = timezone.localdate()
    stored = selectors.studio_checklists(studios=Studio.objects.all(), as_of=today)
    with mock.patch("assessments.selectors.timezone.localdate", return_value=today - datetime.timedelta(days=1)):
        live = selectors.studio_checklists(studios=Studio.objects.all(), as_of=today)
    assert stored == live and stored


def test_a_members_own_checklist_is_never_behind_their_own_last_change(banner):
    start_year = _in_cycle_today()
    if start_year is None:
        pytest.skip("today is outside the banner's cycle")
    member = banner.a.members[0]
    results.results_refresh(studio_ids=[banner.a.studio.pk])

    def paper_item():
        (group,) = selectors.person_checklist(teacher=member)
        return next(i for i in group["items"] if i["rule"] == "I-PAPER")

    assert paper_item()["status"] != "met"
    with mock.patch("assessments.results.worker_absent", return_value=False), \
            mock.patch("assessments.tasks.refresh_results.delay"):  # the worker is busy elsewhere
        paper(member, banner.a.studio, timezone.localdate(), chars=3000)
        assert paper_item()["status"] == "met"


def test_pages_that_read_the_rule_settings_never_create_them_nor_mark_every_studio_stale(banner, client_for):
    # Found by the load run: the first records page created the settings row with its defaults, which marked
    # every studio stale, and the next pages recomputed the whole banner in the request.
    from assessments.models import RuleSettings

    RuleSettings.objects.all().delete()
    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    member = banner.a.members[0]
    work = paper(member, banner.a.studio, D(2024, 10, 10))
    results.results_refresh(studio_ids=[banner.a.studio.pk])
    assert RuleSettings.current().paper_min_chars == RuleSettings().paper_min_chars
    for url in ("/records/mine/", "/records/works/new/", f"/records/works/{work.pk}/", "/"):
        assert client_for(member.user).get(url).status_code == 200
    assert not RuleSettings.objects.exists()
    assert not AssessmentResult.objects.filter(stale=True).exists()


def test_the_overview_charts_sums_are_cached_until_a_result_is_recomputed(banner):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    year = school_year(2024)
    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    first = results.overview_page(school_year=year, kind="annual")
    with CaptureQueriesContext(connection) as captured:
        again = results.overview_page(school_year=year, kind="annual")
    assert again["by_rule"] == first["by_rule"] and again["trend"] == first["trend"]
    assert not any("assessments_assessmenttally" in q["sql"] for q in captured.captured_queries)
    # A paper that counts: after the recomputation the charts' sums are new, not the cached ones.
    member = banner.a.members[0]
    for day in (D(2024, 10, 10), D(2025, 3, 10)):
        paper(member, banner.a.studio, day)
    results.results_refresh(studio_ids=[banner.a.studio.pk])
    after = results.overview_page(school_year=year, kind="annual")
    stored = AssessmentResult.objects.filter(kind="annual", start_year=2024)
    by_rule = {r["rule"]: r for r in after["by_rule"]}
    assert sum(r["met"] for r in by_rule.values()) == sum(
        t.met for t in AssessmentTally.objects.filter(result__in=stored, axis="rule"))
    assert after["by_rule"] != first["by_rule"]
    # Filtered lists are summed (and kept) apart.
    behind = results.overview_page(school_year=year, kind="annual", behind=True)
    assert behind["totals"]["studios"] <= after["totals"]["studios"]


def test_the_studio_assessment_page_reads_the_stored_result_and_never_a_stale_one(banner, client_for):
    from django.urls import reverse

    url = reverse("assessments:studio", args=["WS-A"]) + "?kind=annual&year=2024-2025"
    results.results_refresh(studio_ids=[banner.a.studio.pk, banner.b.studio.pk])
    with mock.patch("assessments.selectors.assess", side_effect=AssertionError("assessed live")), \
            mock.patch("assessments.results.assess", side_effect=AssertionError("recomputed")):
        page = client_for(banner.officer).get(url)
    assert page.status_code == 200 and 'data-testid="team-rules"' in page.content.decode()
    # A new paper makes it stale: without a worker the page recomputes it first and lists the paper.
    work = paper(banner.a.members[0], banner.a.studio, D(2024, 10, 10))
    assert f"/records/works/{work.pk}/" not in client_for(banner.officer).get(
        reverse("assessments:studio", args=["WS-B"]) + "?kind=annual&year=2024-2025").content.decode()
    page = client_for(banner.officer).get(url).content.decode()
    assert f"/records/works/{work.pk}/" in page  # listed among the records that counted
    assert not AssessmentResult.objects.filter(studio=banner.a.studio, stale=True).exists()
