"""Accounts for thousands: the office gives out a school's accounts with one-time passwords (slips or a sheet),
resets a teacher's password; every one-time password forces a new one at the first login; all audited."""

import io
from io import StringIO

import openpyxl
import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from members import services
from members.accounts import one_time_password
from members.models import School, Teacher, User
from studios.tests.factories import SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def _imported(school, n, *, first=0):
    """Teachers as the ledger import leaves them: an account without a usable password."""
    teachers = [TeacherFactory(school=school, code=f"T-9{first + i:03d}") for i in range(n)]
    User.objects.filter(teacher__in=teachers).update(password=make_password(None))
    for teacher in teachers:
        teacher.user.refresh_from_db()
    return teachers


def _first_login_is_forced_to_change(username, password):
    client = Client()
    logged_in = client.post(reverse("login"), {"username": username, "password": password})
    assert logged_in.status_code == 302, username
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("password_change"), username
    return client


def test_one_time_passwords_satisfy_the_policy_and_never_contain_the_username():
    user = User(username="t9001")
    for _ in range(200):
        password = one_time_password(user.username)
        password_validation.validate_password(password, user)
        assert len(password) >= 8 and "t9001" not in password.lower()
        assert any(c.islower() for c in password) and any(c.isupper() for c in password)
        assert any(c.isdigit() for c in password)
        assert not set(password) & set("0O1lI")


def test_a_school_run_gives_imported_teachers_one_time_passwords_and_leaves_others_alone(banner):
    school = SchoolFactory(name="乌审旗第九小学")
    imported = _imported(school, 3)
    without_user = TeacherFactory(school=school, code="T-9100", user=None)
    has_password = TeacherFactory(school=school, code="T-9200")
    other_school = _imported(SchoolFactory(name="乌审旗第十小学"), 1, first=50)[0]

    issued = services.accounts_issue(actor=banner.officer, school=school)

    assert sorted(a.teacher.code for a in issued) == ["T-9000", "T-9001", "T-9002", "T-9100"]
    without_user.refresh_from_db()
    assert without_user.user.username == "t9100" and without_user.user.role == User.Role.TEACHER
    for account in issued:
        user = User.objects.get(username=account.username)
        assert user.must_change_password and user.check_password(account.password)
        assert account.password not in user.password
        _first_login_is_forced_to_change(account.username, account.password)
    has_password.user.refresh_from_db()
    assert not has_password.user.must_change_password and has_password.user.check_password("pass-1234-word")
    other_school.user.refresh_from_db()
    assert not other_school.user.has_usable_password()
    entry = AuditEntry.objects.get(action="account.issue")
    assert entry.actor == banner.officer and entry.data["count"] == 4
    assert sorted(entry.data["usernames"]) == sorted(a.username for a in issued)
    assert all(a.password not in str(entry.data) for a in issued)
    assert len(imported) == 3


def test_giving_out_a_school_again_issues_nothing_new_unless_asked_to_reissue(banner):
    school = SchoolFactory(name="乌审旗第九小学")
    _imported(school, 2)
    first = services.accounts_issue(actor=banner.officer, school=school)
    assert services.accounts_issue(actor=banner.officer, school=school) == []
    again = services.accounts_issue(actor=banner.officer, school=school, reissue=True)
    assert {a.username for a in again} == {a.username for a in first}
    for old, new in zip(sorted(first, key=lambda a: a.username), sorted(again, key=lambda a: a.username),
                        strict=True):
        assert not User.objects.get(username=old.username).check_password(old.password)
        assert User.objects.get(username=new.username).check_password(new.password)


def test_only_the_office_gives_out_accounts_or_resets_passwords(banner, client_for):
    school = SchoolFactory(name="乌审旗第九小学")
    teacher = _imported(school, 1)[0]
    before = teacher.user.password
    for role in ("member_a", "host_a"):
        client = client_for(banner.users[role])
        assert client.get(reverse("members:accounts")).status_code == 403
        assert client.post(reverse("members:accounts"), {"school": school.pk, "output": "slips"}).status_code == 403
        assert client.post(reverse("members:password_reset", args=[teacher.code])).status_code == 403
    teacher.user.refresh_from_db()
    assert teacher.user.password == before and not AuditEntry.objects.filter(action__startswith="account.").exists()
    with pytest.raises(services.DomainError):
        services.accounts_issue(actor=banner.users["host_a"], school=school)


def test_the_slips_show_each_one_time_password_once_and_are_never_cached(banner, client_for):
    school = SchoolFactory(name="乌审旗第九小学")
    _imported(school, 2)
    client = client_for(banner.officer)
    page = client.get(reverse("members:accounts")).content.decode()
    assert "乌审旗第九小学" in page
    response = client.post(reverse("members:accounts"), {"school": school.pk, "output": "slips"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert text.count('data-testid="account-slip"') == 2
    for teacher in Teacher.objects.filter(school=school).select_related("user"):
        assert teacher.user.username in text and teacher.user.must_change_password
    again = client.post(reverse("members:accounts"), {"school": school.pk, "output": "slips"}, follow=True)
    assert "已有账号" in again.content.decode()


def test_the_sheet_writes_every_cell_as_text_even_a_name_that_looks_like_a_formula(banner, client_for):
    school = SchoolFactory(name="=HYPERLINK(\"http://x\",\"学校\")")
    TeacherFactory(school=school, code="T-9300", name="=1+1", user=None)
    response = client_for(banner.officer).post(reverse("members:accounts"), {"school": school.pk, "output": "sheet"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(min_row=3)]
    header = [cell.value for cell in rows[0]]
    assert header == ["教师编号", "姓名", "学校", "用户名", "初始密码", "登录网址"]
    data = rows[1]
    assert data[1].value == "=1+1" and data[1].data_type == "s"
    assert data[2].value.startswith("=HYPERLINK") and data[2].data_type == "s"
    user = User.objects.get(username=data[3].value)
    assert user.check_password(data[4].value) and user.must_change_password


def test_an_officer_resets_a_teachers_password_shown_once_and_audited(banner, client_for):
    member = banner.a.members[0]
    client = client_for(banner.officer)
    assert "重置密码" in client.get(reverse("members:teacher", args=[member.code])).content.decode()
    response = client.post(reverse("members:password_reset", args=[member.code]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    text = response.content.decode()
    password = text.split('data-testid="slip-password">', 1)[1].split("<", 1)[0]
    member.user.refresh_from_db()
    assert member.user.check_password(password) and not member.user.check_password("pass-1234-word")
    _first_login_is_forced_to_change(member.user.username, password)
    entry = AuditEntry.objects.get(action="account.password_reset")
    assert entry.actor == banner.officer and password not in str(entry.data)


def test_a_bulk_run_for_the_demos_schools_gives_every_teacher_a_first_login_password_change():
    call_command("seed_demo", stdout=StringIO())
    officer = User.objects.get(username="office")
    issued = []
    for school in School.objects.all():
        issued += services.accounts_issue(actor=officer, school=school, reissue=True)
    teachers = Teacher.objects.filter(user__isnull=False)
    assert len(issued) == teachers.count() == Teacher.objects.count() > 50
    assert not teachers.filter(user__must_change_password=False).exists()
    for account in issued:
        _first_login_is_forced_to_change(account.username, account.password)

