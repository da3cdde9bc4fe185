import datetime

import pytest
from django.urls import reverse

from core.models import AuditEntry
from members.models import Application
from studios.models import Membership

pytestmark = pytest.mark.django_db


def _apply(client, studio):
    return client.post(reverse("members:apply"), {"studio": studio.pk, "statement": "希望加入工作室，提升教研能力。"})


def test_selection_runs_application_recommendation_acceptance(banner, client_for):
    teacher = banner.outsider
    _apply(client_for(teacher.user), banner.a.studio)
    application = Application.objects.get(teacher=teacher)
    assert application.status == Application.Status.SUBMITTED

    office = client_for(banner.officer)
    office.post(reverse("members:application_recommend", args=[application.pk]),
                {"recommended_by": "乌审旗第一小学 校长", "recommended_on": "2025-02-20", "recommendation": "同意推荐"})
    office.post(reverse("members:application_decide", args=[application.pk]),
                {"decision": "accept", "joined_on": "2025-03-01", "comment": ""})

    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert application.membership.role == Membership.Role.MEMBER
    assert application.membership.joined_on == datetime.date(2025, 3, 1)
    actions = list(AuditEntry.objects.filter(target_id=str(application.pk)).order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["application.submit", "application.recommend", "application.accept"]


def test_acceptance_needs_the_school_recommendation_first(banner, client_for):
    _apply(client_for(banner.outsider.user), banner.a.studio)
    application = Application.objects.get()
    response = client_for(banner.officer).post(
        reverse("members:application_decide", args=[application.pk]),
        {"decision": "accept", "joined_on": "2025-03-01"}, follow=True)
    assert "不能再办理此操作" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not Membership.objects.filter(teacher=banner.outsider).exists()


def test_decline_needs_a_reason(banner, client_for):
    _apply(client_for(banner.outsider.user), banner.a.studio)
    application = Application.objects.get()
    response = client_for(banner.officer).post(reverse("members:application_decide", args=[application.pk]),
                                               {"decision": "decline", "comment": " "})
    assert "请说明不同意的理由" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_second_open_application_is_refused(banner, client_for):
    client = client_for(banner.outsider.user)
    _apply(client, banner.a.studio)
    response = _apply(client, banner.a.studio)
    assert "正在处理中" in response.content.decode()
    assert Application.objects.count() == 1


def test_teachers_see_only_their_own_applications(banner, client_for):
    _apply(client_for(banner.outsider.user), banner.a.studio)
    application = Application.objects.get()
    assert client_for(banner.users["member_a"]).get(
        reverse("members:application", args=[application.pk])).status_code == 404
    assert client_for(banner.outsider.user).get(
        reverse("members:application", args=[application.pk])).status_code == 200
    assert client_for(banner.users["host_a"]).post(
        reverse("members:application_recommend", args=[application.pk]), {}).status_code == 403
