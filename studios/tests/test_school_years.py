import datetime

import pytest
from django.urls import reverse

from core.models import AuditEntry
from studios.models import SchoolYear

pytestmark = pytest.mark.django_db


def test_office_moves_the_second_semester_and_it_is_recorded(banner, client_for):
    year = SchoolYear.get_or_create_for(2025)
    response = client_for(banner.officer).post(reverse("studios:school_year_edit", args=[year.pk]), {
        "start": "2025-09-01", "semester2_start": "2026-02-23", "end": "2026-08-31"})
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.semester2_start == datetime.date(2026, 2, 23)
    assert year.semester_of(datetime.date(2026, 2, 20)) == 1
    entry = AuditEntry.objects.get(action="school_year.update")
    assert entry.data["before"]["semester2_start"] == "2026-02-01"


def test_overlapping_or_disordered_dates_are_refused_in_chinese(banner, client_for):
    SchoolYear.get_or_create_for(2024)
    year = SchoolYear.get_or_create_for(2025)
    client = client_for(banner.officer)
    url = reverse("studios:school_year_edit", args=[year.pk])
    page = client.post(url, {"start": "2025-09-01", "semester2_start": "2025-08-01", "end": "2026-08-31"})
    assert "第二学期" in page.content.decode()
    page = client.post(url, {"start": "2025-08-15", "semester2_start": "2026-02-01", "end": "2026-08-31"})
    assert "2024-2025" in page.content.decode()
    year.refresh_from_db()
    assert (year.start, year.semester2_start) == (datetime.date(2025, 9, 1), datetime.date(2026, 2, 1))


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 302), ("member_a", 403), ("host_a", 403),
                                                ("officer", 200), ("admin", 200)])
def test_calendar_pages_are_for_the_office(banner, client_for, role, expected):
    year = SchoolYear.get_or_create_for(2025)
    client = client_for(banner.users[role])
    assert client.get(reverse("studios:school_years")).status_code == expected
    assert client.get(reverse("studios:school_year_edit", args=[year.pk])).status_code == expected
