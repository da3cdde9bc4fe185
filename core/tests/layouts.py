"""The layouts of issue 11, each as a document and the count Word and WPS show for it (字数统计 with
「包括文本框、脚注和尾注」 ticked), and the same documents saved by LibreOffice as .doc, .wps and .odt — converted
once and kept in var/cache/office-fixtures, so the suite pays for LibreOffice only when a layout changes."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import office as o

CACHE = Path(__file__).resolve().parents[2] / "var" / "cache" / "office-fixtures"

PROSE = ("整本书阅读不是简单地读完一本书——它要求教师设计贯穿始终的任务……学生在任务中学会提问、"
         "梳理与表达。")  # 50: 46 ideographs and full-width marks, "——" two, "……" two


def _python_docx_design_table() -> bytes:
    """A lesson-design table as teachers build it in Word: a title row merged across, a column merged down."""
    import docx

    document = docx.Document()
    document.add_paragraph("教学设计")  # 4
    grid = document.add_table(rows=3, cols=3)
    grid.cell(0, 0).text = "课题：春"  # 4 (the colon is full-width)
    grid.cell(0, 0).merge(grid.cell(0, 2))
    grid.cell(1, 0).text = "教学目标"  # 4
    grid.cell(1, 0).merge(grid.cell(2, 0))
    grid.cell(1, 1).text = "朗读课文"  # 4
    grid.cell(1, 2).text = "5分钟"  # 3: "5", 分, 钟
    grid.cell(2, 1).text = "品味语言"  # 4
    grid.cell(2, 2).text = "10分钟"  # 3
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _python_docx_nested_table() -> bytes:
    import docx

    document = docx.Document()
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "外层"  # 2
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    for (row, column), text in {(0, 0): "内", (0, 1): "层", (1, 0): "表格", (1, 1): "A1"}.items():
        inner.cell(row, column).text = text  # 1 + 1 + 2 + 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _python_docx_prose() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(PROSE)
    document.add_paragraph("我用Python 3.11写了3个程序，“真的”很有用。")  # 19: Python, 3.11 and 3 one each
    section = document.sections[0]
    section.header.paragraphs[0].text = "乌审旗名师工作室"  # a header is not counted
    section.footer.paragraphs[0].text = "第 1 页"  # nor a footer
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# name → (a .docx, the count)
LAYOUTS: dict[str, tuple[bytes, int]] = {
    "merged-table": (_python_docx_design_table(), 4 + 4 + 4 + 4 + 3 + 4 + 3),
    "merged-table-xml": (o.make_docx(o.table([
        [o.cell("课题", span=2), o.cell("分数")],
        [o.cell("目标", vmerge="restart"), o.cell("甲"), o.cell("乙")],
        [o.cell(vmerge="continue"), o.cell("丙"), o.cell("丁")],
    ], 3)), 10),
    "footnotes": (o.make_docx(o.para("教学设计要以学生为中心。", o.footnote_reference(1)),
                              o.para("课堂评价要及时", o.footnote_reference(2), "。"),
                              footnotes=["参见《义务教育语文课程标准》。", "王老师的课例。"]),
                  # body 12 + 8, each note's number once (2), the notes 15 + 7
                  12 + 8 + 2 + 15 + 7),
    "endnote": (o.make_docx(o.para("研究方法", o.endnote_reference(1)), endnotes=["问卷调查"]), 4 + 1 + 4),
    "text-box": (o.make_docx(o.para("学生活动：", o.text_box("小组合作，完成学习单。")), "全班交流。"),
                 5 + 11 + 5),  # the box once although it is also in mc:Fallback
    "tracked-changes": (o.make_docx(o.para("我们要", o.inserted("认真地"), o.deleted("马马虎虎地"), "学习。")),
                        3 + 3 + 3),
    "content-control": (o.make_docx(o.content_control("乌审旗第一中学", placeholder="单击或点击此处输入文字。"),
                                    "教学反思"), 7 + 4),
    "nested-table": (_python_docx_nested_table(), 2 + 1 + 1 + 2 + 1),
    "dashes-and-ellipses": (_python_docx_prose(), 50 + 19),
    "field": (o.make_docx(o.para("见第", o.field("PAGEREF _Toc1 \\h", "3"), "页")), 4),
    "headers-footers": (o.make_docx("正文只有六字", header="页眉不计", footer="页脚不计"), 6),
}


def _key(data: bytes) -> str:
    """The layout's identity for the cache: its parts, less docProps (python-docx stamps the time there)."""
    import zipfile

    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(archive.namelist()):
            if not name.startswith("docProps/"):
                digest.update(name.encode() + archive.read(name))
    return digest.hexdigest()[:16]


def soffice() -> str | None:
    return shutil.which("soffice")


def converted(name: str, extension: str) -> bytes:
    """The layout saved by LibreOffice as .doc or .odt (a .wps is the .doc format under WPS's name)."""
    source, _count = LAYOUTS[name]
    target = "doc" if extension == "wps" else extension
    cached = CACHE / f"{name}-{_key(source)}.{target}"
    if not cached.exists():
        convert_all(target)
    return cached.read_bytes()


def convert_all(target: str) -> None:
    """One LibreOffice run for every layout not yet in the cache."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sources = []
        for name, (data, _count) in LAYOUTS.items():
            key = _key(data)
            if not (CACHE / f"{name}-{key}.{target}").exists():
                path = work / f"{name}-{key}.docx"
                path.write_bytes(data)
                sources.append(str(path))
        if not sources:
            return
        filters = {"doc": "doc:MS Word 97", "odt": "odt"}
        subprocess.run([soffice(), f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
                        "--convert-to", filters[target], "--outdir", str(CACHE), *sources],
                       check=True, capture_output=True, timeout=300)


REFLECTION = ("教学反思：本学期我在初中语文课堂上尝试了以读促写的教学方式。学生先朗读课文，再讨论作者的写作手法，"
              "最后完成一篇小练笔。实践下来，学生的表达更有条理了，但也暴露出一些问题：部分学生只是模仿句式，"
              "缺少自己的思考。今后我要在阅读环节多设计开放性的问题，引导学生说出真实的感受。")


def scan(kind: str) -> bytes:
    """REFLECTION printed and scanned at 150 dpi: a page photo (.png) or a scanner's image-only PDF (.pdf)."""
    from .hostile import image_pdf

    key = hashlib.sha256(REFLECTION.encode()).hexdigest()[:16]
    page = CACHE / f"scan-{key}.jpg"
    photo = CACHE / f"scan-{key}.png"
    if not (page.exists() and photo.exists()):
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            (work / "reflection.txt").write_text(REFLECTION, encoding="utf-8")
            subprocess.run([soffice(), f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
                            "--convert-to", "pdf", "--outdir", str(work), str(work / "reflection.txt")],
                           check=True, capture_output=True, timeout=120)
            for option, target in (("-jpeg", page), ("-png", photo)):
                subprocess.run(["pdftoppm", option, "-singlefile", "-scale-to-x", "1240", "-scale-to-y", "1754",
                                str(work / "reflection.pdf"), str(work / "page")], check=True, timeout=60)
                shutil.move(str(work / f"page.{target.suffix[1:]}"), target)
    if kind == "png":
        return photo.read_bytes()
    return image_pdf(page.read_bytes(), 1240, 1754)
