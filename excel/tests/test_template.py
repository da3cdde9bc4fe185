"""The empty ledger workbook: every sheet, headers, drop-downs for every vocabulary, dates, instructions."""

import io

from django.core.management import call_command
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from excel import ledger as L
from excel.importer import ledger_import
from excel.ledger_template import build_template


def template():
    buffer = io.BytesIO()
    build_template(buffer)
    return buffer.getvalue()


def test_every_sheet_has_its_headers_in_row_one():
    wb = load_workbook(io.BytesIO(template()))
    assert wb.sheetnames == [L.INSTRUCTIONS_SHEET] + [spec.name for spec in L.SHEETS]
    for spec in L.SHEETS:
        assert [cell.value for cell in wb[spec.name][1]] == spec.headers


def test_every_vocabulary_column_has_a_drop_down_with_its_words():
    wb = load_workbook(io.BytesIO(template()))
    for spec in L.SHEETS:
        validations = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
                       for dv in wb[spec.name].data_validations.dataValidation}
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            if column.vocabulary is not None:
                validation = validations[letter]
                assert validation.type == "list", (spec.name, column.header)
                assert validation.formula1 == '"' + ",".join(column.vocabulary) + '"'
                assert validation.showErrorMessage
            elif column.kind == L.DATE:
                assert validations[letter].type == "date", (spec.name, column.header)
                assert wb[spec.name].column_dimensions[letter].number_format == "yyyy-mm-dd"


def test_activity_sheet_lists_the_filing_states_and_types_of_the_spec():
    wb = load_workbook(io.BytesIO(template()))
    formulas = [dv.formula1 for dv in wb["活动"].data_validations.dataValidation]
    assert '"无需备案,待审核,已批准,退回,草稿,已撤回"' in formulas
    assert any("专题讲座" in formula and "送教下乡" in formula for formula in formulas)


def test_the_instructions_sheet_explains_every_column_in_chinese():
    ws = load_workbook(io.BytesIO(template()))[L.INSTRUCTIONS_SHEET]
    described = {(row[0], row[1]) for row in ws.iter_rows(min_row=3, values_only=True)}
    for spec in L.SHEETS:
        for column in spec.columns:
            assert (spec.name, column.header) in described
    text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "全部成功或全部不导入" in text and "9月1日" in text


def test_the_empty_template_imports_without_errors_or_changes(db):
    result = ledger_import(template(), dry_run=True)
    assert result.ok and result.changes == 0


def test_the_command_writes_the_template(tmp_path):
    target = tmp_path / "模板.xlsx"
    call_command("ledger_template", "--output", str(target))
    assert load_workbook(target).sheetnames[0] == L.INSTRUCTIONS_SHEET
