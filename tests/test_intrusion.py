"""入侵防范: the holes an attacker found, each closed (等保 2.0 level 3, docs/security/dengbao.md)."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from core.models import Notification
from core.services import notification_emails_deliver
from excel.exporters import FullLedgerExporter
from excel.importer import ledger_import, reading
from excel.tests.helpers import D, ledger_bytes, sample, workbook_bytes
from excel.tests.test_exporters import opened, render
from records.models import MentoringPair
from studios.models import Membership

# --- the calendar's month --------------------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1899-12", "3000-01"])
def test_a_month_out_of_bounds_is_refused_with_a_message_not_a_500(banner, client_for, month):
    response = client_for(banner.officer).get(reverse("activities:calendar"), {"month": month})
    assert response.status_code == 200
    assert "请选择 1900 年至 2999 年之间的月份" in response.content.decode()


def test_the_last_month_in_bounds_pages_both_ways(banner, client_for):
    page = client_for(banner.officer).get(reverse("activities:calendar"), {"month": "2999-12"})
    assert page.status_code == 200 and "3000-01" in page.content.decode()


# --- header injection in notification e-mails --------------------------------------------------------------------


def test_a_newline_in_a_title_neither_injects_a_header_nor_loses_the_batch(banner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    people = [banner.a.host.user, banner.b.host.user]
    for index, person in enumerate(people):
        person.email = f"host{index}@example.org"
        person.save(update_fields=["email"])
    forged = Notification.objects.create(recipient=people[0], verb="filing.approve",
                                         message="活动已批准\r\nBcc: victim@example.org\r\n\r\n伪造正文")
    plain = Notification.objects.create(recipient=people[1], verb="filing.approve", message="另一份通知")
    assert notification_emails_deliver(ids=[forged.pk, plain.pk]) == 2
    assert len(mail.outbox) == 2
    subject = mail.outbox[0].message()["Subject"]
    assert "\n" not in mail.outbox[0].subject and mail.outbox[0].bcc == []
    assert "Bcc" not in mail.outbox[0].message() and subject
    assert {message.to[0] for message in mail.outbox} == {"host0@example.org", "host1@example.org"}


# --- the import bounded by real rows ------------------------------------------------------------------------------


def _with_huge_dimension(data: bytes, extra_cell: str = "") -> bytes:
    """The same workbook, each sheet claiming A1:XFD1048576 (and optionally a real cell far away)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>',
                              content.decode())
                if extra_cell:
                    text = text.replace("</sheetData>", extra_cell + "</sheetData>")
                content = text.encode()
            out.writestr(item, content)
    return target.getvalue()


@pytest.fixture
def counted_cells(monkeypatch):
    """How many cells the reader is handed, whatever the sheet declares."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    seen = {"cells": 0}
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            seen["cells"] += len(row)
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    return seen


def test_a_small_workbook_claiming_a_huge_size_is_read_by_its_real_rows(db, counted_cells):
    data = _with_huge_dimension(workbook_bytes({"教师": [["教师编号", "姓名", "出生日期"],
                                                         ["T-1", "张三", "1980-01-01"]]}))
    assert len(data) < 10_000
    result = ledger_import(data, dry_run=True)
    assert result.errors == [] and result.counts["教师"].created == 1
    assert counted_cells["cells"] <= 2 * reading.MAX_COLUMNS


def test_a_cell_a_million_rows_down_is_refused_and_reading_stops_there(db, counted_cells):
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    data = _with_huge_dimension(workbook_bytes({"教师": [["教师编号", "姓名", "出生日期"],
                                                         ["T-1", "张三", "1980-01-01"]]}), extra_cell=far)
    result = ledger_import(data, dry_run=True)
    assert counted_cells["cells"] <= (reading.MAX_ROWS + 2) * reading.MAX_COLUMNS
    assert [error.message for error in result.errors] == []  # the far cell lies beyond the read rows: never seen
    assert result.counts["教师"].created == 1


def test_a_sheet_with_too_many_real_rows_is_refused_in_chinese(db, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    rows = [["教师编号", "姓名", "出生日期"]] + [[f"T-{n}", f"教师{n}", "1980-01-01"] for n in range(5)]
    result = ledger_import(workbook_bytes({"教师": rows}), dry_run=True)
    assert any("工作表超过 3 行" in error.message for error in result.errors)


# --- one host per studio in the import ---------------------------------------------------------------------------


def test_the_import_refuses_a_second_host_at_the_same_time(db):
    data = sample()
    data["成员"].append({"工作室编号": "WS-10", "教师编号": "T-104", "角色": "主持人", "加入日期": D(2025, 3, 1)})
    data["成员"] = [row for row in data["成员"] if not (row["教师编号"] == "T-104" and row["角色"] == "成员")]
    result = ledger_import(ledger_bytes(data))
    messages = [error.message for error in result.errors]
    assert any("一个工作室同一时间只能有一位主持人" in message for message in messages), messages
    assert not Membership.objects.exists()


def test_the_import_allows_a_host_who_follows_one_who_left(db):
    data = sample()
    data["成员"][0]["退出日期"] = D(2025, 2, 28)
    data["成员"] = [row for row in data["成员"] if row["教师编号"] != "T-104"]
    data["成员"].append({"工作室编号": "WS-10", "教师编号": "T-104", "角色": "主持人", "加入日期": D(2025, 3, 1)})
    result = ledger_import(ledger_bytes(data))
    assert not [error for error in result.errors if "主持人" in error.message], result.errors


def test_the_import_refuses_a_host_overlapping_one_already_recorded(banner):
    data = {"成员": [{"工作室编号": "WS-A", "教师编号": banner.outsider.code, "角色": "主持人",
                    "加入日期": D(2025, 1, 1)}]}
    result = ledger_import(_members_only(data))
    assert any("一个工作室同一时间只能有一位主持人" in error.message for error in result.errors)
    assert Membership.objects.filter(studio=banner.a.studio, role=Membership.Role.HOST).count() == 1


def _members_only(data):
    from excel import ledger as L
    from excel.tests.helpers import rows_of

    return workbook_bytes({L.MEMBERS.name: rows_of(L.MEMBERS, data["成员"])})


# --- exports scoped like pages -----------------------------------------------------------------------------------


def test_a_studio_export_holds_only_the_mentoring_pairs_recorded_in_that_studio(banner):
    teacher = banner.a.members[0]
    Membership.objects.create(studio=banner.b.studio, teacher=teacher, role=Membership.Role.MEMBER,
                              joined_on=datetime.date(2024, 9, 1))
    MentoringPair.objects.create(teacher=teacher, studio=banner.a.studio, mentee_name="甲组对子",
                                 mentee_school="乡村一小", started_on=D(2024, 10, 1))
    MentoringPair.objects.create(teacher=teacher, studio=banner.b.studio, mentee_name="乙组对子",
                                 mentee_school="乡村二小", started_on=D(2024, 10, 1))
    sheet = opened(render(FullLedgerExporter(studio=banner.a.studio)))["帮扶"]
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["甲组对子"]
    everything = opened(render(FullLedgerExporter()))["帮扶"]
    assert sorted(row[2] for row in everything.iter_rows(min_row=2, values_only=True)) == ["乙组对子", "甲组对子"]
