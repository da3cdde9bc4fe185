"""Stored results: computed ahead, stale on every change, refreshed, never shown fresh when stale."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from assessments import results, selectors
from assessments.models import AssessmentResult, AssessmentTally
from records.models import Work
from studios.models import Studio
from studios.tests.factories import make_studio, school_year

D = datetime.date


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
        counts.append(len(captured))
    assert counts[0] == counts[1]
