import datetime

import pytest
from django.urls import reverse

from core.models import AuditEntry
from studios.models import Cycle, Membership, Studio

from .factories import TeacherFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member_a", "host_a", "member_b", "host_b", "officer", "admin"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("member_a", 200), ("host_a", 200), ("member_b", 404), ("host_b", 404),
     ("officer", 200), ("admin", 404), ("security_admin", 404), ("audit_admin", 404)],
)
def test_studio_detail_access_by_role(banner, client_for, role, expected):
    response = client_for(banner.users[role]).get(reverse("studios:detail", args=["WS-A"]))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "expected"),
    [("member_a", 403), ("host_a", 403), ("officer", 200), ("admin", 403), ("security_admin", 403),
     ("audit_admin", 403)],
)
def test_office_pages_refuse_teachers(banner, client_for, role, expected):
    client = client_for(banner.users[role])
    assert client.get(reverse("studios:create")).status_code == expected
    assert client.get(reverse("studios:membership_join", args=["WS-A"])).status_code == expected


def test_member_gets_404_on_other_studio_even_for_office_pages(banner, client_for):
    response = client_for(banner.users["member_a"]).get(reverse("studios:edit", args=["WS-B"]))
    assert response.status_code in (403, 404)
    # The studio is not named anywhere in the answer.
    assert banner.b.studio.name not in response.content.decode()


def test_studio_list_shows_teachers_only_their_studios(banner, client_for):
    page = client_for(banner.users["member_a"]).get(reverse("studios:list")).content.decode()
    assert banner.a.studio.name in page
    assert banner.b.studio.name not in page


def test_studio_list_search_and_filters(banner, client_for):
    banner.b.studio.name = "初中数学名师工作室"
    banner.b.studio.stage = "junior"
    banner.b.studio.save()
    client = client_for(banner.officer)
    page = client.get(reverse("studios:list"), {"q": "数学"}).content.decode()
    assert "初中数学名师工作室" in page and banner.a.studio.name not in page
    page = client.get(reverse("studios:list"), {"stage": "primary"}).content.decode()
    assert banner.a.studio.name in page and "初中数学名师工作室" not in page


def test_studio_list_query_count_does_not_grow_with_studios(banner, client_for, django_assert_max_num_queries):
    from .factories import make_studio

    client = client_for(banner.officer)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("studios:list"))
    for index in range(6):
        make_studio(code=f"WS-Q{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("studios:list"))


def test_studio_detail_lists_host_first_with_titles(banner, client_for):
    page = client_for(banner.users["member_a"]).get(reverse("studios:detail", args=["WS-A"])).content.decode()
    table = page[page.index("主持人和成员"):]
    assert table.index(banner.a.host.name) < table.index(banner.a.members[0].name)
    assert "主持人" in page


def test_officer_creates_a_studio_with_cycle_and_host(banner, client_for):
    host = TeacherFactory()
    response = client_for(banner.officer).post(reverse("studios:create"), {
        "code": "ws-09", "name": "初中英语名师工作室", "subject": "英语", "stage": "junior", "description": "",
        "cycle_start": "2025-2026", "host": host.pk,
    })
    studio = Studio.objects.get(code="WS-09")
    assert response.status_code == 302
    assert studio.cycles.get().start_year.label == "2025-2026"
    assert studio.memberships.get().role == Membership.Role.HOST
    assert AuditEntry.objects.filter(action="studio.create", studio=studio).exists()


def test_bad_school_year_is_refused_in_chinese_and_nothing_is_created(banner, client_for):
    response = client_for(banner.officer).post(reverse("studios:create"), {
        "code": "WS-10", "name": "x", "cycle_start": "2025/26", "host": banner.outsider.pk,
    })
    assert response.status_code == 200
    assert "学年请按 2024-2025 的格式填写" in response.content.decode()
    assert not Studio.objects.filter(code="WS-10").exists()


def test_renew_asks_for_confirmation_then_starts_a_new_cycle(banner, client_for):
    client = client_for(banner.officer)
    url = reverse("studios:cycle_renew", args=["WS-A", banner.a.cycle.pk])
    confirmation = client.get(url)
    assert confirmation.status_code == 200 and "确认" in confirmation.content.decode()
    assert Cycle.objects.filter(studio=banner.a.studio).count() == 1
    client.post(url, {"reason": "周期考核优秀，续期"})
    cycles = Cycle.objects.filter(studio=banner.a.studio).order_by("start_year__start_year")
    assert [cycle.status for cycle in cycles] == [Cycle.Status.RENEWED, Cycle.Status.ACTIVE]
    assert cycles[1].start_year.label == "2027-2028"
    entry = AuditEntry.objects.get(action="cycle.renew")
    assert (entry.from_state, entry.to_state, entry.comment) == ("active", "renewed", "周期考核优秀，续期")


def test_renew_without_reason_changes_nothing(banner, client_for):
    response = client_for(banner.officer).post(reverse("studios:cycle_renew", args=["WS-A", banner.a.cycle.pk]), {})
    assert response.status_code == 200
    assert Cycle.objects.get(pk=banner.a.cycle.pk).status == Cycle.Status.ACTIVE


def test_dissolve_closes_every_membership(banner, client_for):
    client_for(banner.officer).post(reverse("studios:cycle_dissolve", args=["WS-A", banner.a.cycle.pk]),
                                    {"reason": "考核不合格", "on": "2026-08-31"})
    assert Cycle.objects.get(pk=banner.a.cycle.pk).status == Cycle.Status.DISSOLVED
    assert not banner.a.studio.memberships.filter(left_on__isnull=True).exists()
    assert set(banner.a.studio.memberships.values_list("left_on", flat=True)) == {datetime.date(2026, 8, 31)}


def test_host_cannot_renew_or_dissolve(banner, client_for):
    client = client_for(banner.users["host_a"])
    url = reverse("studios:cycle_dissolve", args=["WS-A", banner.a.cycle.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert Cycle.objects.get(pk=banner.a.cycle.pk).status == Cycle.Status.ACTIVE


def test_officer_adds_and_removes_a_member_with_dates_and_reason(banner, client_for):
    client = client_for(banner.officer)
    teacher = banner.outsider
    client.post(reverse("studios:membership_join", args=["WS-A"]),
                {"teacher": teacher.pk, "role": "member", "joined_on": "2025-03-01"})
    membership = Membership.objects.get(studio=banner.a.studio, teacher=teacher)
    assert membership.joined_on == datetime.date(2025, 3, 1)
    client.post(reverse("studios:membership_leave", args=["WS-A", membership.pk]),
                {"left_on": "2026-01-15", "reason": "调动"})
    membership.refresh_from_db()
    assert (membership.left_on, membership.leave_reason) == (datetime.date(2026, 1, 15), "调动")


def test_second_host_is_refused(banner, client_for):
    response = client_for(banner.officer).post(reverse("studios:membership_join", args=["WS-A"]),
                                               {"teacher": banner.outsider.pk, "role": "host",
                                                "joined_on": "2025-03-01"})
    assert "该工作室已有主持人" in response.content.decode()
    assert not Membership.objects.filter(teacher=banner.outsider).exists()


def test_leave_before_join_is_refused(banner, client_for):
    membership = Membership.objects.get(teacher=banner.a.members[0])
    response = client_for(banner.officer).post(reverse("studios:membership_leave", args=["WS-A", membership.pk]),
                                               {"left_on": "2020-01-01", "reason": "x"})
    assert "退出日期不能早于加入日期" in response.content.decode()
    membership.refresh_from_db()
    assert membership.left_on is None


def test_membership_of_other_studio_answers_404(banner, client_for):
    membership = Membership.objects.get(teacher=banner.b.members[0])
    response = client_for(banner.officer).get(reverse("studios:membership_leave", args=["WS-A", membership.pk]))
    assert response.status_code == 404


def test_studio_list_counts_the_current_members_of_each_studio_also_when_searching_by_host(banner, client_for):
    from studios.selectors import studio_list

    gone = banner.a.members[0]
    Membership.objects.filter(studio=banner.a.studio, teacher=gone).update(left_on=datetime.date(2024, 12, 31))
    Membership.objects.create(studio=banner.a.studio, teacher=TeacherFactory(), role=Membership.Role.MEMBER,
                              joined_on=datetime.date(2099, 9, 1))  # not yet joined
    counts = {s.code: s.member_count for s in studio_list(user=banner.officer)}
    assert counts == {"WS-A": 1, "WS-B": 2}
    searched = studio_list(user=banner.officer, search=banner.a.host.name)
    assert [(s.code, s.member_count) for s in searched] == [("WS-A", 1)]
    Studio.objects.create(code="WS-C", name="新建工作室", subject="数学", stage="primary")
    assert {s.code: s.member_count for s in studio_list(user=banner.officer)}["WS-C"] == 0
