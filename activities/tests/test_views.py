import datetime

import pytest
from django.urls import reverse

from activities import services
from activities.models import Activity, Attendance, Filing
from activities.tests.conftest import DAY, plan_file
from core.models import AuditEntry
from records.models import StudioDocument
from studios.models import Membership, SchoolYear
from studios.tests.factories import TeacherFactory, UserFactory

ROLES = ["anonymous", "member_a", "host_a", "member_b", "host_b", "officer", "admin"]
# 三员分立: the administrators review nothing and see no studio (the system administrator stands for the three).


def detail_url(activity):
    return reverse("activities:detail", args=[activity.studio.code, activity.pk])


# --- permissions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("member_a", 200), ("host_a", 200), ("member_b", 404), ("host_b", 404),
    ("officer", 200), ("admin", 404),
])
def test_who_sees_an_activity(banner, client_for, make_activity, role, expected):
    response = client_for(banner.users[role]).get(detail_url(make_activity()))
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("member_a", 404), ("host_a", 200), ("member_b", 404), ("host_b", 404),
    ("officer", 200), ("admin", 404),
])
def test_who_may_create_an_activity(banner, client_for, role, expected):
    response = client_for(banner.users[role]).get(reverse("activities:create", args=["WS-A"]))
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("member_a", 403), ("host_a", 403), ("member_b", 403), ("host_b", 403),
    ("officer", 302), ("admin", 403), ("security_admin", 403), ("audit_admin", 403),
])
def test_only_the_office_approves(banner, client_for, submitted_filing, role, expected):
    activity = submitted_filing.activity
    url = reverse("activities:filing_action", args=[activity.studio.code, activity.pk, "approve"])
    response = client_for(banner.users[role]).post(url, {"comment": ""})
    assert response.status_code == expected
    approved = Filing.objects.get().status == Filing.Status.APPROVED
    assert approved == (role == "officer")


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("member_a", 403), ("host_a", 200), ("member_b", 403), ("host_b", 200),
    ("officer", 200), ("admin", 403),
])
def test_who_sees_the_review_queue(banner, client_for, role, expected):
    assert client_for(banner.users[role]).get(reverse("activities:queue")).status_code == expected


def test_an_unknown_filing_action_is_404(banner, client_for, submitted_filing):
    activity = submitted_filing.activity
    url = reverse("activities:filing_action", args=[activity.studio.code, activity.pk, "explode"])
    assert client_for(banner.officer).get(url).status_code == 404


# --- creating and filing through the pages -------------------------------------------------------------------


def test_host_creates_a_banner_activity_and_submits_its_filing(banner, client_for):
    client = client_for(banner.a.host.user)
    response = client.post(reverse("activities:create", args=["WS-A"]), {
        "title": "全旗初中语文专题研讨", "kind": "seminar", "scope": "banner", "date": "2026-12-08",
        "start_time": "14:30", "end_time": "17:00", "place": "第一中学报告厅", "attendance_required": "on",
        "plan_file": plan_file(),
    })
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(activity)
    assert activity.filing.status == Filing.Status.DRAFT
    url = reverse("activities:filing_action", args=["WS-A", activity.pk, "submit"])
    assert client.get(url).status_code == 200
    client.post(url, {})
    assert Filing.objects.get().status == Filing.Status.SUBMITTED
    page = client.get(detail_url(activity)).content.decode()
    assert "待审核" in page


def test_bad_input_shows_chinese_errors_and_saves_nothing(banner, client_for):
    response = client_for(banner.a.host.user).post(reverse("activities:create", args=["WS-A"]), {
        "title": "", "kind": "lecture", "scope": "banner", "date": "明天", "start_time": "15:00",
        "end_time": "14:00", "plan_file": plan_file("plan.exe", "MZ\x00\x00binary"),
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    assert "主讲人" in page
    assert "不接受此文件类型" in page or "文件" in page
    assert not Activity.objects.exists()


def test_the_organiser_must_belong_to_the_studio(banner, client_for):
    response = client_for(banner.a.host.user).post(reverse("activities:create", args=["WS-A"]), {
        "title": "讲座", "kind": "lecture", "scope": "studio", "date": "2026-12-08",
        "organiser": banner.b.members[0].pk,
    })
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_return_through_the_page_requires_a_comment(banner, client_for, submitted_filing):
    activity = submitted_filing.activity
    url = reverse("activities:filing_action", args=[activity.studio.code, activity.pk, "return"])
    response = client_for(banner.officer).post(url, {"comment": ""})
    assert response.status_code == 200
    assert "请填写退回理由" in response.content.decode()
    assert Filing.objects.get().status == Filing.Status.SUBMITTED


def test_the_filing_page_shows_the_trail_and_the_document_number(banner, client_for, submitted_filing):
    services.filing_return(actor=banner.officer, filing=submitted_filing, comment="请补充议程")
    services.filing_resubmit(actor=banner.a.host.user, filing=submitted_filing)
    services.filing_approve(actor=banner.officer, filing=submitted_filing)
    page = client_for(banner.a.member_a if hasattr(banner.a, "member_a") else banner.users["member_a"]).get(
        detail_url(submitted_filing.activity)).content.decode()
    assert "乌教研发〔2026〕1号" in page
    assert "请补充议程" in page
    assert "已退回" in page or "退回" in page
    assert "草稿 → 待审核" in page


def test_marking_held_unfiled_needs_the_checkbox(banner, client_for, make_activity):
    activity = make_activity(date=DAY - datetime.timedelta(days=1))
    client = client_for(banner.a.host.user)
    url = reverse("activities:held", args=["WS-A", activity.pk])
    response = client.post(url, {})
    assert response.status_code == 200
    assert Activity.objects.get().status == Activity.Status.PLANNED
    response = client.post(url, {"confirm_unfiled": "on"})
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.held_without_filing
    assert "未经备案" in client.get(detail_url(activity)).content.decode()


# --- attendance ----------------------------------------------------------------------------------------------


def test_twelve_members_one_page_one_submit(banner, client_for, make_activity, django_assert_max_num_queries):
    for _ in range(10):
        Membership.objects.create(studio=banner.a.studio, teacher=TeacherFactory(), joined_on=datetime.date(2024, 9, 1))
    activity = make_activity(scope=Activity.Scope.STUDIO, kind=Activity.Kind.WORK_SEMINAR,
                             date=DAY - datetime.timedelta(days=1))
    services.activity_mark_held(actor=banner.a.host.user, activity=activity)
    client = client_for(banner.a.host.user)
    url = reverse("activities:attendance", args=["WS-A", activity.pk])
    page = client.get(url).content.decode()
    assert page.count('value="present" checked') == 13  # the host and twelve members, all present by default
    absent, excused = banner.a.members
    form = {f"t{m.teacher_id}": "present" for m in services.attendance_roster(activity)}
    form[f"t{absent.pk}"] = "absent"
    form[f"t{excused.pk}"] = "excused"
    response = client.post(url, form)
    assert response.status_code == 302
    assert Attendance.objects.filter(activity=activity).count() == 13
    assert Attendance.objects.get(teacher=absent).status == "absent"
    assert Attendance.objects.get(teacher=excused).status == "excused"


def test_attendance_with_a_bad_status_changes_nothing(banner, client_for, make_activity):
    activity = make_activity(scope=Activity.Scope.STUDIO, date=DAY - datetime.timedelta(days=1))
    services.activity_mark_held(actor=banner.a.host.user, activity=activity)
    form = {f"t{m.teacher_id}": "present" for m in services.attendance_roster(activity)}
    form[f"t{banner.a.members[0].pk}"] = "sleeping"
    response = client_for(banner.a.host.user).post(reverse("activities:attendance", args=["WS-A", activity.pk]), form)
    assert response.status_code == 200
    assert "请选择出席、请假或缺席" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_member_cannot_record_attendance(banner, client_for, make_activity):
    activity = make_activity(scope=Activity.Scope.STUDIO, date=DAY - datetime.timedelta(days=1))
    url = reverse("activities:attendance", args=["WS-A", activity.pk])
    assert client_for(banner.users["member_a"]).get(url).status_code == 404


# --- calendar ------------------------------------------------------------------------------------------------


def _spread(banner, make_activity):
    for studio in (banner.a.studio, banner.b.studio):
        for offset in (1, 5, 9):
            make_activity(studio=studio, scope=Activity.Scope.STUDIO, kind=Activity.Kind.WORK_SEMINAR,
                          date=datetime.date(2026, 11, offset), title=f"{studio.code} 研讨 {offset}",
                          actor=banner.officer)


def test_the_banner_calendar_shows_a_teacher_only_their_studios(banner, client_for, make_activity):
    _spread(banner, make_activity)
    page = client_for(banner.users["host_a"]).get(reverse("activities:calendar"), {"month": "2026-11"})
    text = page.content.decode()
    assert "WS-A 研讨 5" in text
    assert "WS-B 研讨 5" not in text


def test_the_office_sees_every_studio_in_month_and_list_views(banner, client_for, make_activity,
                                                               django_assert_max_num_queries):
    _spread(banner, make_activity)
    client = client_for(banner.officer)
    with django_assert_max_num_queries(12):
        grid = client.get(reverse("activities:calendar"), {"month": "2026-11"}).content.decode()
    listing = client.get(reverse("activities:calendar"), {"month": "2026-11", "view": "list"}).content.decode()
    for text in (grid, listing):
        assert "WS-A 研讨 1" in text and "WS-B 研讨 9" in text
    assert 'data-testid="calendar-grid"' in grid
    assert 'data-testid="activity-list"' in listing
    october = client.get(reverse("activities:calendar"), {"month": "2026-10"}).content.decode()
    assert "研讨 1" not in october


def test_the_calendar_query_count_does_not_grow_with_activities(banner, client_for, make_activity,
                                                                django_assert_num_queries):
    client = client_for(banner.officer)
    client.get(reverse("activities:calendar"), {"month": "2026-11"})
    _spread(banner, make_activity)
    with django_assert_num_queries(6):
        client.get(reverse("activities:calendar"), {"month": "2026-11", "view": "list"})
    for offset in (2, 3, 4, 6):
        make_activity(date=datetime.date(2026, 11, offset), actor=banner.officer)
    with django_assert_num_queries(6):
        client.get(reverse("activities:calendar"), {"month": "2026-11", "view": "list"})


def test_a_studio_calendar_of_another_studio_is_404(banner, client_for):
    assert client_for(banner.users["host_a"]).get(reverse("activities:studio_calendar", args=["WS-B"])).status_code \
        == 404


def test_a_bad_month_falls_back_to_this_month(banner, client_for):
    response = client_for(banner.officer).get(reverse("activities:calendar"), {"month": "2026-13"})
    assert response.status_code == 200
    assert "2026年11月" in response.content.decode()


# --- the review queue ----------------------------------------------------------------------------------------


def _document(studio, *, status=StudioDocument.Status.SUBMITTED, due=None, kind=StudioDocument.Kind.WORK_PLAN):
    return StudioDocument.objects.create(studio=studio, kind=kind, school_year=SchoolYear.get_or_create_for(2026),
                                         title=f"{studio.code} 年度工作计划", status=status, due_on=due)


def test_the_queue_lists_filings_and_documents_by_urgency_with_overdue_marked(banner, client_for, make_activity):
    past = make_activity(date=DAY - datetime.timedelta(days=2), title="已过期的研讨")
    late = services.filing_submit(actor=banner.a.host.user, filing=past.filing)
    coming = make_activity(studio=banner.b.studio, actor=banner.b.host.user, date=DAY + datetime.timedelta(days=3),
                           title="下周研讨")
    soon = services.filing_submit(actor=banner.b.host.user, filing=coming.filing)
    _document(banner.a.studio, due=DAY + datetime.timedelta(days=1))
    _document(banner.b.studio, status=StudioDocument.Status.DRAFT)
    from activities.selectors import review_queue

    items = review_queue(user=banner.officer)
    assert [item.title for item in items] == ["已过期的研讨", "WS-A 年度工作计划", "下周研讨"]
    assert [item.overdue for item in items] == [True, False, False]
    assert late.pk == items[0].obj.pk and soon.pk == items[2].obj.pk
    page = client_for(banner.officer).get(reverse("activities:queue")).content.decode()
    assert page.count('data-testid="overdue"') == 1


def test_the_queue_filters_by_studio_kind_and_state(banner, make_activity):
    from activities.selectors import review_queue

    services.filing_submit(actor=banner.a.host.user, filing=make_activity().filing)
    _document(banner.a.studio)
    _document(banner.b.studio, status=StudioDocument.Status.RETURNED)
    assert len(review_queue(user=banner.officer)) == 2
    assert [i.kind for i in review_queue(user=banner.officer, kind="filing")] == ["filing"]
    assert [i.kind for i in review_queue(user=banner.officer, kind="work_plan")] == ["work_plan"]
    assert [i.studio.code for i in review_queue(user=banner.officer, state="returned")] == ["WS-B"]
    assert review_queue(user=banner.officer, studio_id=banner.b.studio.pk) == []


def test_the_queue_studio_box_finds_a_studio_by_code_or_name_and_suggests_a_bounded_list(banner, client_for,
                                                                                          make_activity):
    from activities import views
    from studios.tests.factories import make_studio

    services.filing_submit(actor=banner.a.host.user, filing=make_activity().filing)
    _document(banner.b.studio)
    client = client_for(banner.officer)
    url = reverse("activities:queue")
    by_code = client.get(url, {"studio": "ws-b"}).content.decode()
    assert by_code.count('data-testid="queue-row"') == 1
    by_name = client.get(url, {"studio": banner.a.studio.name}).content.decode()
    assert by_name.count('data-testid="queue-row"') == 1
    unknown = client.get(url, {"studio": "没有这个工作室"}).content.decode()
    assert "没有唯一匹配" in unknown
    for _index in range(3):
        make_studio()
    original = views.QUEUE_STUDIO_OPTIONS
    views.QUEUE_STUDIO_OPTIONS = 2
    try:
        page = client.get(url).content.decode()
    finally:
        views.QUEUE_STUDIO_OPTIONS = original
    datalist = page.split('<datalist id="queue-studios">', 1)[1].split("</datalist>", 1)[0]
    assert datalist.count("<option") == 2


def test_a_host_sees_their_own_items_awaiting_them(banner, make_activity):
    from activities.selectors import review_queue

    make_activity()  # a draft filing of studio A
    returned = services.filing_submit(actor=banner.a.host.user, filing=make_activity(title="被退回的").filing)
    services.filing_return(actor=banner.officer, filing=returned, comment="请修改")
    services.filing_submit(actor=banner.a.host.user, filing=make_activity(title="审核中").filing)
    make_activity(studio=banner.b.studio, actor=banner.b.host.user)
    _document(banner.a.studio, status=StudioDocument.Status.DRAFT)
    items = review_queue(user=banner.a.host.user)
    assert {item.studio.code for item in items} == {"WS-A"}
    assert sorted(item.state for item in items) == ["draft", "draft", "returned"]


def test_the_queue_page_query_count_is_flat(banner, client_for, make_activity, django_assert_num_queries):
    client = client_for(banner.officer)
    services.filing_submit(actor=banner.a.host.user, filing=make_activity().filing)
    _document(banner.a.studio)
    # 7, one each for the titles, typed counts and near-copies waiting for verification (clarification 10), and
    # one each for the page's filings and documents loaded whole
    with django_assert_num_queries(12):
        client.get(reverse("activities:queue"))
    for index in range(8):
        services.filing_submit(actor=banner.a.host.user, filing=make_activity(title=f"研讨{index}").filing)
        _document(banner.b.studio)
    with django_assert_num_queries(12):
        response = client.get(reverse("activities:queue"))
    assert response.content.decode().count('data-testid="queue-row"') == 18


def test_a_long_queue_comes_a_page_at_a_time_most_urgent_first_with_the_whole_count(
        banner, client_for, make_activity, monkeypatch, django_assert_max_num_queries):
    from activities.selectors import review_queue

    monkeypatch.setattr("activities.selectors.QUEUE_PER_PAGE", 5)
    for index in range(6):
        services.filing_submit(actor=banner.a.host.user, filing=make_activity(title=f"研讨{index}").filing)
        _document(banner.b.studio)
    client = client_for(banner.officer)
    everything = [item.key for item in review_queue(user=banner.officer)]
    assert len(everything) == 12
    with django_assert_max_num_queries(12):  # no query for the filings when the page holds none
        first = client.get(reverse("activities:queue"))
    page = first.content.decode()
    assert page.count('data-testid="queue-row"') == 5
    assert "12" in page.split('data-testid="queue-summary"', 1)[1].split("</div>", 1)[0]
    assert [item.key for item in first.context["items"]] == everything[:5]
    assert "page=2" in page and "1 / 3" in page
    last = client.get(reverse("activities:queue") + "?kind=&page=3")
    assert [item.key for item in last.context["items"]] == everything[10:]
    filtered = client.get(reverse("activities:queue") + "?kind=filing&page=2")
    assert [item.kind for item in filtered.context["items"]] == ["filing"]
    assert "?kind=filing&page=1" in filtered.content.decode()
    assert client.get(reverse("activities:queue") + "?page=abc").status_code == 200  # a bad page: the first


def test_an_officer_clears_twenty_items_from_the_queue_with_htmx(banner, client_for, make_activity):
    client = client_for(banner.officer)
    for index in range(10):
        services.filing_submit(actor=banner.a.host.user, filing=make_activity(title=f"研讨{index}").filing)
        _document(banner.b.studio)
    from activities.selectors import review_queue

    items = review_queue(user=banner.officer)
    assert len(items) == 20
    for index, item in enumerate(items):
        target = "filing" if item.is_filing else "document"
        action = "return" if index % 5 == 0 else "approve"
        response = client.post(reverse("activities:queue_decide", args=[target, item.obj.pk, action]),
                               {"comment": "请补充材料"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        row = response.content.decode()
        assert row.lstrip().startswith("<tr")
        assert 'data-testid="row-done"' in row
    assert review_queue(user=banner.officer) == []
    assert Filing.objects.filter(status="approved").count() + StudioDocument.objects.filter(status="approved").count() \
        == 16
    assert Filing.objects.exclude(doc_number=None).count() == Filing.objects.filter(status="approved").count()


def test_a_second_officer_is_told_in_the_row_that_it_was_already_decided(banner, client_for, submitted_filing):
    url = reverse("activities:queue_decide", args=["filing", submitted_filing.pk, "approve"])
    client_for(banner.officer).post(url, HTTP_HX_REQUEST="true")
    second = UserFactory(username="officer2", role="officer")
    response = client_for(second).post(reverse("activities:queue_decide",
                                               args=["filing", submitted_filing.pk, "return"]),
                                       {"comment": "退回"}, HTTP_HX_REQUEST="true")
    row = response.content.decode()
    assert "该备案已被其他人处理" in row
    assert Filing.objects.get().status == Filing.Status.APPROVED


def test_returning_from_the_queue_without_a_comment_changes_nothing(banner, client_for, submitted_filing):
    document = _document(banner.b.studio)
    client = client_for(banner.officer)
    for target, pk in (("filing", submitted_filing.pk), ("document", document.pk)):
        response = client.post(reverse("activities:queue_decide", args=[target, pk, "return"]), {"comment": " "},
                               HTTP_HX_REQUEST="true")
        assert 'data-testid="row-error"' in response.content.decode()
    assert Filing.objects.get().status == Filing.Status.SUBMITTED
    assert StudioDocument.objects.get().status == StudioDocument.Status.SUBMITTED


def test_without_javascript_the_queue_posts_and_comes_back(banner, client_for, submitted_filing):
    next_url = reverse("activities:queue") + "?kind=filing"
    response = client_for(banner.officer).post(
        reverse("activities:queue_decide", args=["filing", submitted_filing.pk, "approve"]), {"next": next_url})
    assert response.status_code == 302
    assert response.url == next_url
    evil = client_for(banner.officer).post(
        reverse("activities:queue_decide", args=["filing", submitted_filing.pk, "approve"]),
        {"next": "https://evil.example/"})
    assert evil.url == reverse("activities:queue")


def test_a_host_cannot_approve_from_the_queue_nor_touch_another_studio(banner, client_for, submitted_filing):
    host_a, host_b = client_for(banner.a.host.user), client_for(banner.b.host.user)
    assert host_a.post(reverse("activities:queue_decide", args=["filing", submitted_filing.pk, "approve"])) \
        .status_code == 403
    Filing.objects.filter(pk=submitted_filing.pk).update(status=Filing.Status.RETURNED)
    assert host_b.post(reverse("activities:queue_decide", args=["filing", submitted_filing.pk, "submit"])) \
        .status_code == 404
    response = host_a.post(reverse("activities:queue_decide", args=["filing", submitted_filing.pk, "submit"]),
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert Filing.objects.get().status == Filing.Status.SUBMITTED
    assert AuditEntry.objects.filter(action="filing.resubmit").count() == 1


def test_the_home_page_shows_officers_the_queue_and_hosts_their_upcoming_activities(banner, client_for,
                                                                                   submitted_filing):
    office = client_for(banner.officer).get(reverse("home")).content.decode()
    assert 'data-testid="queue-total">1<' in office
    host = client_for(banner.a.host.user).get(reverse("home")).content.decode()
    assert 'data-testid="panel-upcoming-activities"' in host
    assert submitted_filing.activity.title in host
    member = client_for(banner.users["member_a"]).get(reverse("home")).content.decode()
    assert 'data-testid="panel-upcoming-activities"' not in member
    assert "审核队列" in office and "审核队列" in host and "审核队列" not in member
