import random
from types import SimpleNamespace

import pytest

from activities import demo
from activities.models import Activity, Attendance, Filing
from activities.selectors import review_queue
from activities.tests.conftest import DAY
from core.models import Notification


@pytest.fixture
def seeded(db):
    from studios import demo as studios_demo

    ctx = SimpleNamespace(rng=random.Random(2024), today=DAY, stdout=None)
    studios_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


def test_the_demo_has_filings_in_every_state_and_a_queue_for_the_office(seeded):
    states = set(Filing.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "approved", "returned"} <= states
    assert len([item for item in review_queue(user=seeded.officer) if item.is_filing]) >= 12
    assert any(item.overdue for item in review_queue(user=seeded.officer))


def test_the_demo_numbers_are_unique_and_sequential_per_year(seeded):
    numbers = list(Filing.objects.exclude(doc_number=None).values_list("doc_year", "doc_seq"))
    assert len(numbers) == len(set(numbers))
    for year in {year for year, _seq in numbers}:
        seqs = sorted(seq for y, seq in numbers if y == year)
        assert seqs == list(range(1, len(seqs) + 1))


def test_the_demo_shows_unfiled_and_late_activities(seeded):
    unfiled = [activity for activity in Activity.objects.filter(scope="banner", status="held")
               .select_related("filing") if activity.unfiled]
    assert len(unfiled) == 2
    late = [filing for filing in Filing.objects.filter(status="approved").select_related("activity")
            if not filing.counts_for]
    assert len(late) == 1


def test_the_demo_has_attendance_presenters_and_notifications(seeded):
    assert Attendance.objects.filter(status="excused").exists()
    assert Attendance.objects.filter(status="absent").exists()
    assert Attendance.objects.filter(status="present").count() > 1000
    lectures = Activity.objects.filter(kind__in=Activity.PRESENTER_KINDS)
    assert lectures.exists() and not lectures.filter(organiser=None).exists()
    assert Notification.objects.filter(recipient=seeded.officer).exists()
    assert Notification.objects.filter(read_at=None).exists()
