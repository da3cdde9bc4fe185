"""End to end: records entered through the services the pages call produce the expected JSON of manage.py assess."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from activities import services as activity_services
from activities.models import Activity
from records import services as record_services

D = datetime.date
AS_OF = "2025-09-30"


def assess(code="WS-A", year="2024-2025", as_of=AS_OF) -> dict:
    out = io.StringIO()
    call_command("assess", "--studio", code, "--year", year, "--as-of", as_of, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def instance(result, rule, period, teacher=None):
    block = result["team"] if teacher is None else next(m for m in result["members"] if m["teacher"] == teacher)
    return next(i for i in block["rules"] if i["rule"] == rule and i["period"] == period)


def text_file(chars: int, name="论文.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("研" * chars).encode("utf-8"), content_type="text/plain")


def test_a_paper_of_1800_characters_counts_and_one_of_1799_does_not(banner):
    short_author, long_author = banner.a.members
    short = record_services.work_create(actor=short_author.user, teacher=short_author, studio=banner.a.studio,
                                        kind="paper", title="短论文", date=D(2024, 11, 1), file=text_file(1799),
                                        submit=True)
    long = record_services.work_create(actor=long_author.user, teacher=long_author, studio=banner.a.studio,
                                       kind="paper", title="长论文", date=D(2024, 11, 1), file=text_file(1800),
                                       submit=True)
    result = assess()
    missed = instance(result, "I-PAPER", "2024-2025-1", short_author.code)
    assert missed["status"] == "not_met" and missed["actual"] == 0 and missed["evidence"] == []
    assert missed["note"] == f"{short.ref} 字数不足（1799/1800）"
    counted = instance(result, "I-PAPER", "2024-2025-1", long_author.code)
    assert counted["status"] == "met" and counted["evidence"] == [long.ref] and counted["required"] == 1


def test_a_draft_paper_does_not_count_until_submitted(banner):
    author = banner.a.members[0]
    draft = record_services.work_create(actor=author.user, teacher=author, studio=banner.a.studio, kind="paper",
                                        title="草稿", date=D(2024, 11, 1), file=text_file(2000))
    assert instance(assess(), "I-PAPER", "2024-2025-1", author.code)["status"] == "not_met"
    record_services.work_update(actor=author.user, work=draft, kind="paper", title="草稿", date=D(2024, 11, 1),
                                submit=True)
    assert instance(assess(), "I-PAPER", "2024-2025-1", author.code)["evidence"] == [draft.ref]


def _banner_seminar(banner, day, approve_on):
    activity = activity_services.activity_create(
        actor=banner.a.host.user, studio=banner.a.studio, title="全旗专题研讨", kind="seminar", scope="banner",
        date=day, organiser=banner.a.members[0], plan_file=text_file(300, "方案.txt"))
    activity_services.filing_submit(actor=banner.a.host.user, filing=activity.filing)
    activity_services.filing_approve(actor=banner.officer, filing=activity.filing, on=approve_on)
    activity.refresh_from_db()
    activity_services.activity_mark_held(actor=banner.a.host.user, activity=activity,
                                         confirm_unfiled=approve_on > day)
    return Activity.objects.select_related("filing").get(pk=activity.pk)


def test_a_seminar_whose_filing_was_approved_the_day_after_does_not_count(banner):
    on_time = _banner_seminar(banner, D(2024, 10, 10), approve_on=D(2024, 10, 10))
    late = _banner_seminar(banner, D(2024, 11, 10), approve_on=D(2024, 11, 11))
    seminar = instance(assess(), "T-SEMINAR", "2024-2025-1")
    assert seminar["status"] == "not_met"
    assert seminar["required"] == 2 and seminar["actual"] == 1
    assert seminar["evidence"] == [on_time.ref]
    assert seminar["note"] == (f"{late.ref} 全旗活动备案批准晚于活动日期（批准 2024-11-11，活动 2024-11-10）")
    organiser = instance(assess(), "I-SEMINAR", "2024-2025", banner.a.members[0].code)
    # Any scope counts for the organiser, but a 全旗 one only with its filing approved in time (clarification 7).
    assert organiser["status"] == "met" and organiser["evidence"] == [on_time.ref]
    assert organiser["note"] == seminar["note"]


def test_a_task_completed_a_day_late_fails_the_year(banner):
    late_member, prompt_member = banner.a.members
    task = record_services.task_create(actor=banner.a.host.user, studio=banner.a.studio, title="撰写教学反思",
                                       due_on=D(2024, 12, 1), teachers=[late_member, prompt_member])
    for assignment in task.assignments.all():
        done = D(2024, 12, 2) if assignment.teacher == late_member else D(2024, 12, 1)
        # Recorded afterwards by the host, who alone may give an earlier day (clarification 10).
        record_services.task_complete(actor=banner.a.host.user, assignment=assignment, completed_on=done,
                                      reason="纸质记录补录")
    result = assess()
    late = instance(result, "I-TASKS", "2024-2025", late_member.code)
    assert late["status"] == "not_met" and late["required"] == 1 and late["actual"] == 0
    assert late["note"] == f"{task.ref} 逾期完成"
    prompt = instance(result, "I-TASKS", "2024-2025", prompt_member.code)
    assert prompt["status"] == "met" and prompt["evidence"] == [task.ref]


def test_an_excused_absence_does_not_count_against_attendance(banner):
    excused, absent = banner.a.members
    activity = activity_services.activity_create(
        actor=banner.a.host.user, studio=banner.a.studio, title="工作研讨", kind="work_seminar", scope="studio",
        date=D(2024, 10, 15))
    activity_services.activity_mark_held(actor=banner.a.host.user, activity=activity)
    activity_services.attendance_record(actor=banner.a.host.user, activity=activity,
                                        exceptions={excused.pk: "excused", absent.pk: "absent"})
    activity.refresh_from_db()
    result = assess()
    ok = instance(result, "I-ATTENDANCE", "2024-2025", excused.code)
    assert ok["status"] == "met" and ok["required"] == 0 and ok["actual"] == 0
    assert ok["note"] == f"请假不计：{activity.ref}"
    missing = instance(result, "I-ATTENDANCE", "2024-2025", absent.code)
    assert missing["status"] == "not_met" and missing["required"] == 1
    assert missing["note"] == f"{activity.ref} 缺席"
    host = instance(result, "I-ATTENDANCE", "2024-2025", banner.a.host.code)
    assert host["status"] == "not_applicable"


@pytest.mark.parametrize("as_of, status", [("2025-09-29", "pending"), ("2025-09-30", "not_met")])
def test_the_annual_summary_is_pending_during_its_grace_days(banner, as_of, status):
    # The deadline is 31 August + 30 days; per the status table a period has ended once as-of ≥ its last day.
    assert instance(assess(as_of=as_of), "T-SUMMARY", "2024-2025")["status"] == status
