"""Reads for people: how a teacher's personal data is shown to someone who may not see it in full."""

from __future__ import annotations

import datetime
import io

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from excel.writer import Sheet, write_workbook

from .models import School


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits of a mobile number, the rest hidden."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def birth_year(day: datetime.date | None) -> str:
    """Only the year of a date of birth (1988年)."""
    return f"{day.year}年" if day else ""


def schools_with_accounts():
    """Every school with its number of teachers and of those still without a usable account."""
    no_account = Q(teachers__user__isnull=True) | Q(teachers__user__password__startswith="!")
    return School.objects.annotate(
        teacher_count=Count("teachers", distinct=True),
        without_account=Count("teachers", filter=no_account, distinct=True),
    ).order_by("name")


def accounts_sheet_response(issued, *, school, login_url: str):
    """The one-time passwords as an .xlsx download, every cell written as text (no formula, ever)."""
    rows = ([account.teacher.code, account.teacher.name, school.name, account.username, account.password, login_url]
            for account in issued)
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet(
        name="初始密码", headers=["教师编号", "姓名", "学校", "用户名", "初始密码", "登录网址"], rows=rows,
        widths=[12, 12, 24, 14, 14, 40], title=f"{school.name} 账号与初始密码",
        subtitle="初始密码仅可使用一次：首次登录后须立即设置新密码。请妥善保管，发放后销毁本表。", printable=True,
    )])
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"{school.name}-初始密码.xlsx")
    return response
