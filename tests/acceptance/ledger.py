"""Ledger workbooks built the way /shared/spec/ledger-workbook.md describes them, and nothing else.

The acceptance suite knows the product only through its command contracts, so it writes its data as an office
would: an .xlsx with the Chinese sheet names, the Chinese headers in row 1, dates as Excel dates or as text,
是/否 and lists separated by 、 or ,. Each row is given by header, e.g.::

    ledger = Ledger()
    ledger.add("教师", 教师编号="T-001", 姓名="王一", 出生日期=date(1980, 5, 1))
    path = ledger.save(tmp_path / "ledger.xlsx")
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

# Every sheet with its headers, in the order of the specification's table.
SHEETS = {
    "教师": ["教师编号", "姓名", "性别", "出生日期", "学校", "学科", "学段", "是否乡村教师", "手机"],
    "工作室": ["工作室编号", "名称", "学科", "学段", "周期开始学年", "主持人教师编号"],
    "成员": ["工作室编号", "教师编号", "角色", "加入日期", "退出日期"],
    "荣誉": ["教师编号", "称号", "级别", "授予日期"],
    "课题": ["课题编号", "工作室编号", "名称", "级别", "立项日期", "结题日期", "主持人教师编号", "参与人教师编号"],
    "活动": ["活动编号", "工作室编号", "名称", "类型", "范围", "日期", "组织者教师编号", "状态", "备案状态",
             "备案批准日期", "备案文号", "必须参加"],
    "考勤": ["活动编号", "教师编号", "出勤"],
    "成果": ["成果编号", "教师编号", "工作室编号", "类型", "标题", "日期", "字数"],
    "帮扶": ["帮扶编号", "教师编号", "帮扶对象姓名", "帮扶对象学校", "开始日期", "结束日期"],
    "任务": ["任务编号", "工作室编号", "名称", "截止日期", "教师编号", "完成日期"],
    "工作室材料": ["材料编号", "工作室编号", "类型", "学年", "提交日期", "审核状态"],
    "经费": ["经费编号", "工作室编号", "学年", "类型", "金额", "类别", "日期", "说明"],
    "主持人评价": ["工作室编号", "学年", "教师编号", "工作态度", "任务完成量", "研究能力", "理论提高", "教学能力"],
}


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class Ledger:
    """Rows by sheet; `save` writes only the sheets that have rows (an absent sheet is skipped by the import)."""

    def __init__(self):
        self.rows: dict[str, list[dict]] = {}
        self.extra_sheets: dict[str, list[list]] = {}
        self._counter = 0

    def add(self, sheet: str, **cells) -> dict:
        unknown = set(cells) - set(SHEETS[sheet])
        assert not unknown, f"{sheet}: not a header of the specification: {unknown}"
        self.rows.setdefault(sheet, []).append(cells)
        return cells

    def next_code(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter:03d}"

    # -- shorthands for the sheets the scenarios use most; every argument is a ledger cell -----------------------
    def teacher(self, code, name, born="1980-05-01", *, rural=False, **more):
        return self.add("教师", 教师编号=code, 姓名=name, 出生日期=d(born), 是否乡村教师="是" if rural else "否",
                        **more)

    def studio(self, code, name, start_year, host, **more):
        return self.add("工作室", 工作室编号=code, 名称=name, 周期开始学年=start_year, 主持人教师编号=host, **more)

    def member(self, studio, teacher, joined, left=None, *, role="成员"):
        cells = {"工作室编号": studio, "教师编号": teacher, "角色": role, "加入日期": d(joined)}
        if left:
            cells["退出日期"] = d(left)
        return self.add("成员", **cells)

    def activity(self, code, studio, kind, day, *, scope="工作室", organiser=None, name=None, status=None,
                 filing=None, approved=None, number=None, required=None):
        cells = {"活动编号": code, "工作室编号": studio, "名称": name or f"{kind}{code}", "类型": kind, "范围": scope,
                 "日期": d(day)}
        if organiser:
            cells["组织者教师编号"] = organiser
        if status:
            cells["状态"] = status
        if filing:
            cells["备案状态"] = filing
        if approved:
            cells["备案批准日期"] = d(approved)
        if number:
            cells["备案文号"] = number
        if required is not None:
            cells["必须参加"] = "是" if required else "否"
        return self.add("活动", **cells)

    def filed(self, code, studio, kind, day, *, approved, number=None, organiser=None, **more):
        """A 全旗 activity held with an approved filing (approved on `approved`, with a document number)."""
        number = number or f"乌教研发〔{approved[:4]}〕{self.next_code('')}号"
        return self.activity(code, studio, kind, day, scope="全旗", filing="已批准", approved=approved, number=number,
                             organiser=organiser, **more)

    def work(self, code, teacher, studio, kind, day, chars=None, *, title=None):
        cells = {"成果编号": code, "教师编号": teacher, "工作室编号": studio, "类型": kind,
                 "标题": title or f"{kind}{code}", "日期": d(day)}
        if chars is not None:
            cells["字数"] = chars
        return self.add("成果", **cells)

    def document(self, code, studio, kind, year, submitted=None, state="已通过"):
        cells = {"材料编号": code, "工作室编号": studio, "类型": kind, "学年": year, "审核状态": state}
        if submitted:
            cells["提交日期"] = d(submitted)
        return self.add("工作室材料", **cells)

    def task(self, code, studio, teacher, due, done=None, name=None):
        cells = {"任务编号": code, "工作室编号": studio, "名称": name or f"任务{code}", "截止日期": d(due),
                 "教师编号": teacher}
        if done:
            cells["完成日期"] = d(done)
        return self.add("任务", **cells)

    def evaluation(self, studio, year, teacher, score=90):
        return self.add("主持人评价", 工作室编号=studio, 学年=year, 教师编号=teacher, 工作态度=score, 任务完成量=score,
                        研究能力=score, 理论提高=score, 教学能力=score)

    def title(self, teacher, name, level, day):
        return self.add("荣誉", 教师编号=teacher, 称号=name, 级别=level, 授予日期=d(day))

    def project(self, code, studio, level, approved, host, concluded=None, members=None, name=None):
        cells = {"课题编号": code, "工作室编号": studio, "名称": name or f"课题{code}", "级别": level,
                 "立项日期": d(approved), "主持人教师编号": host}
        if concluded:
            cells["结题日期"] = d(concluded)
        if members:
            cells["参与人教师编号"] = members
        return self.add("课题", **cells)

    def attendance(self, activity, teacher, presence="出席"):
        return self.add("考勤", 活动编号=activity, 教师编号=teacher, 出勤=presence)

    def mentoring(self, code, teacher, started, *, partner="乡村教师甲", school="乌审旗某乡村小学", ended=None):
        cells = {"帮扶编号": code, "教师编号": teacher, "帮扶对象姓名": partner, "帮扶对象学校": school,
                 "开始日期": d(started)}
        if ended:
            cells["结束日期"] = d(ended)
        return self.add("帮扶", **cells)

    def fund(self, code, studio, year, kind, amount, day, category=None, note=None):
        cells = {"经费编号": code, "工作室编号": studio, "学年": year, "类型": kind, "金额": amount, "日期": d(day)}
        if category:
            cells["类别"] = category
        if note:
            cells["说明"] = note
        return self.add("经费", **cells)

    # -- writing ------------------------------------------------------------------------------------------------
    def workbook_bytes(self, *, text_dates: bool = False, headers: dict[str, list[str]] | None = None) -> bytes:
        """The workbook as bytes. `text_dates` writes every date as text YYYY-MM-DD instead of an Excel date;
        `headers` may give a sheet's columns in another order."""
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for sheet, rows in self.rows.items():
            columns = (headers or {}).get(sheet) or [h for h in SHEETS[sheet] if any(h in row for row in rows)]
            ws = book.create_sheet(sheet)
            ws.append(columns)
            for row in rows:
                values = []
                for header in columns:
                    value = row.get(header)
                    if isinstance(value, datetime.date) and text_dates:
                        value = value.isoformat()
                    values.append(value)
                ws.append(values)
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, datetime.date):
                        cell.number_format = "yyyy-mm-dd"
        for sheet, rows in self.extra_sheets.items():
            ws = book.create_sheet(sheet)
            for row in rows:
                ws.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def save(self, path: Path, **options) -> Path:
        path.write_bytes(self.workbook_bytes(**options))
        return path
