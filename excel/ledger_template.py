"""The empty ledger workbook (台账导入模板): every sheet with its headers, drop-down lists for every vocabulary,
date formats, and an instructions sheet in Chinese (填写说明). Written through excel.writer."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from . import ledger as L
from .writer import DATE_FORMAT, Sheet, write_workbook

YEAR_HINT = "2024-2025"


def _validations(spec: L.SheetSpec) -> list[tuple[str, list[str] | str]]:
    rules = []
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        if column.vocabulary is not None:
            rules.append((letter, list(column.vocabulary)))
        elif column.kind == L.DATE:
            rules.append((letter, "date"))
    return rules


def _kind_text(column: L.Column) -> str:
    if column.vocabulary is not None:
        return "从下拉列表选择：" + "、".join(column.vocabulary)
    return {
        L.DATE: "日期（Excel 日期，或文本 YYYY-MM-DD）",
        L.YEAR: f"学年，文本，如 {YEAR_HINT}",
        L.INT: "整数",
        L.SCORE: "0–100 的整数",
        L.DECIMAL: "金额（元），正数",
        L.CODES: "多个教师编号，用「、」或「,」分隔",
        L.CODE: "编号（文本）",
    }.get(column.kind, "文本")


GENERAL = (
    "每张表第 1 行是表头（表头上方可以有标题行），列的顺序可以调整；不需要的表可以删除；空行会被跳过。"
    "系统不认识的表和列不会导入，导入预览会把它们列为「未读取」并给出最接近的名称，确认后才导入。",
    "编号是记录的唯一键：同一份台账重复导入不会产生重复记录，编号已存在的行会更新该记录。",
    "全部成功或全部不导入：任何一行有错，系统都不写入任何数据，并逐条列出错误所在的表、行、列。",
    "日期填 Excel 日期或文本 YYYY-MM-DD；学年填文本，如 2024-2025；是/否 填「是」或「否」；"
    "多个编号用「、」或「,」分隔。",
    "系统中还没有的学年（如周期开始学年、学年列）会按默认校历自动建立："
    "9月1日至次年8月31日，第二学期从2月1日开始。",
    "每条记录都有编号：在系统内录入的记录也有（如 A00046），导出的台账用它指明记录，请勿修改。"
    "旧版导出中以 # 开头的编号（如 #W12）仍可导回原系统。",
)


def instruction_rows():
    for text in GENERAL:
        yield ["总则", "", "", text]
    for spec in L.SHEETS:
        if spec.note:
            yield [spec.name, "", "", spec.note]
        for column in spec.columns:
            note = column.note
            yield [spec.name, column.header, "是" if column.required else "否",
                   _kind_text(column) + (f"；{note}" if note else "")]


def template_sheets():
    yield Sheet(name=L.INSTRUCTIONS_SHEET, headers=["表", "列", "必填", "填写要求"], rows=instruction_rows(),
                widths=[12, 18, 6, 100], title="乌审旗名师工作室台账导入模板 · 填写说明", printable=True)
    for spec in L.SHEETS:
        yield Sheet(name=spec.name, headers=spec.headers, rows=(), widths=[c.width for c in spec.columns],
                    validations=_validations(spec), freeze_columns=1,
                    date_columns=[i for i, c in enumerate(spec.columns) if c.kind == L.DATE],
                    text_columns=[i for i, c in enumerate(spec.columns)
                                  if c.kind in (L.CODE, L.CODES, L.YEAR) or c.header == "手机"])


def build_template(target) -> None:
    write_workbook(target, template_sheets())


__all__ = ["DATE_FORMAT", "build_template"]
