"""`manage.py count_chars FILE…` (README; regulation.md, 字数 and clarification 11): one line per file in the
order given, `COUNT<TAB>FILE` or `refused<TAB>FILE<TAB>原因`; exit status 0 only when every file was counted."""

import io

import pytest

from .conftest import manage

# 我们研究 4 · 《 1 · 双减 2 · 》 1 · 政策 2 · —— 2 · 课堂提质 4 · …… 2 · 2024 1 · 年 1 · 共有 2 · 3 1 · 个 1 ·
# English 1 · words 1 · ， 1 · 好 1 · 。 1  =  29; white space counts nothing
TEXT = "我们研究《双减》政策——课堂提质……\n2024年 共有3个English  words，好。\n"
TEXT_COUNT = 29


def lines(run):
    return [line.split("\t") for line in run.out.splitlines() if line.strip()]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_a_text_file_is_counted_as_word_processors_count_it(db, tmp_path, encoding):
    path = tmp_path / f"论文-{encoding}.txt"
    path.write_bytes(TEXT.encode(encoding))
    run = manage("count_chars", str(path))
    assert run.status == 0, run.err
    assert lines(run) == [[str(TEXT_COUNT), str(path)]]


def test_a_docx_counts_body_and_tables_but_not_headers_and_footers(db, tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("教学反思：课堂 2024")            # 教学反思 4 · ： 1 · 课堂 2 · 2024 1 = 8
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "甲乙"
    table.cell(0, 1).text = "丙"
    merged = table.cell(1, 0).merge(table.cell(1, 1))        # a merged cell counts once
    merged.text = "丁戊"                                    # table: 2 + 1 + 2 = 5
    section = document.sections[0]
    section.header.paragraphs[0].text = "乌审旗名师工作室页眉"
    section.footer.paragraphs[0].text = "第一页"
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "反思.docx"
    path.write_bytes(buffer.getvalue())
    run = manage("count_chars", str(path))
    assert run.status == 0, run.err
    assert lines(run) == [["13", str(path)]]


def test_files_are_listed_in_order_and_a_refused_one_says_why_with_status_1(db, tmp_path):
    good = tmp_path / "甲.txt"
    good.write_text("一二三", encoding="utf-8")
    program = tmp_path / "程序.exe"
    program.write_bytes(b"MZ\x90\x00" + bytes(200))
    missing = tmp_path / "没有.docx"
    other = tmp_path / "乙.txt"
    other.write_text("四五", encoding="utf-8")
    run = manage("count_chars", str(good), str(program), str(missing), str(other))
    assert run.status == 1
    got = lines(run)
    assert got[0] == ["3", str(good)]
    assert got[1][:2] == ["refused", str(program)] and len(got[1]) == 3
    assert got[2][:2] == ["refused", str(missing)] and len(got[2]) == 3
    assert got[3] == ["2", str(other)]
    for reason in (got[1][2], got[2][2]):
        assert any("\u4e00" <= char <= "\u9fff" for char in reason), reason


def test_a_file_pretending_to_be_a_document_is_refused(db, tmp_path):
    fake = tmp_path / "论文.docx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    run = manage("count_chars", str(fake))
    assert run.status == 1
    [line] = lines(run)
    assert line[:2] == ["refused", str(fake)] and line[2]
