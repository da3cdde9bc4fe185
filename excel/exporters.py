"""Exports as classes, in the manner of pretix's exporters: each has an identifier, a Chinese name and
description (translated), its options as form fields, a row estimate and a generator of sheets. They all write
through excel.writer, so every text cell is text and every printable sheet looks the same.

Two families:
- assessment sheets (banner summary, studio sheet): printable, a title row, coloured statuses, a legend;
- ledger-layout exports (rosters, activities, works, funds, the whole ledger): the sheets of the ledger
  workbook with its Chinese headers in row 1, so that the file can be imported again unchanged.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Iterator

from django import forms
from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Attendance
from assessments.engine import effective_status
from assessments.presentation import (
    GRADE_LABELS,
    ROLE_LABELS,
    Figures,
    figures,
    final_verdict,
    local_time_text,
    number,
    overall_verdict,
    period_label,
    result_figures,
    status_text,
    verdict_text,
)
from members.models import Teacher, Title
from records.models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    ResearchProject,
    StudioDocument,
    TaskAssignment,
    Work,
)
from studios.models import Cycle, Membership, SchoolYear, Studio

from . import ledger as L
from . import selectors
from .writer import PERCENT_FORMAT, Sheet, Styled, column_width, fits_on_page, legend_sheet, text_width

ITERATOR_CHUNK = 2000
KIND_LABELS = {"annual": "年度考核", "cycle": "周期考核"}
SCORE_HEADERS = ("工作态度", "任务完成量", "研究能力", "理论提高", "教学能力")


# --- the base classes -----------------------------------------------------------------------------------------


class Exporter:
    identifier = ""
    verbose_name = ""
    description = ""
    scope = "banner"  # "banner": office only; "studio": the studio's host or the office, for one studio
    printable = False

    def __init__(self, *, options: dict | None = None, studio: Studio | None = None, user=None):
        self.options = options or {}
        self.studio = studio
        self.user = user

    @classmethod
    def form_fields(cls) -> dict[str, forms.Field]:
        return {}

    def estimate_rows(self) -> int:
        return 0

    def sheets(self) -> Iterable[Sheet]:
        raise AssertionError("an exporter lists its sheets")

    def filename(self) -> str:
        stem = str(self.verbose_name)
        if self.studio is not None:
            stem = f"{self.studio.name}-{stem}"
        return f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"

    def audit_data(self) -> dict:
        data = {key: (value.label if isinstance(value, SchoolYear) else
                      value.isoformat() if isinstance(value, datetime.date) else value)
                for key, value in self.options.items()}
        return {"exporter": self.identifier, "studio": self.studio.code if self.studio else None, **data}


def _year_field():
    return forms.ModelChoiceField(label=_("School year"), queryset=SchoolYear.objects.all(), to_field_name="start_year",
                                  empty_label=None)


def _kind_field():
    return forms.ChoiceField(label=_("Assessment"), choices=[("annual", _("Annual assessment")),
                                                             ("cycle", _("Cycle assessment"))])


def _as_of_field():
    return forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           help_text=_("Leave empty for today."))


class AssessmentExporter(Exporter):
    printable = True

    @classmethod
    def form_fields(cls):
        return {"school_year": _year_field(), "kind": _kind_field(), "as_of": _as_of_field()}

    @property
    def school_year(self) -> SchoolYear:
        return self.options["school_year"]

    @property
    def kind(self) -> str:
        return self.options.get("kind") or "annual"

    @property
    def as_of(self) -> datetime.date:
        return self.options.get("as_of") or timezone.localdate()

    def studios(self):
        return [self.studio] if self.studio is not None else Studio.objects.all()

    def results(self) -> Iterator[dict]:
        return selectors.iter_assessment_results(studios=self.studios(), school_year=self.school_year,
                                                 kind=self.kind, as_of=self.as_of)

    def period_text(self) -> str:
        if self.kind == "cycle":
            return f"{self.school_year.label}学年所在周期 · {KIND_LABELS['cycle']}"
        return f"{self.school_year.label}学年 · {KIND_LABELS['annual']}"

    def unit(self) -> str:
        if self.studio is not None:
            return f"{settings.BUREAU_NAME} · {self.studio.name}（{self.studio.code}）"
        return settings.BUREAU_NAME

    def subtitle(self) -> str:
        return export_subtitle(self.unit(), self.as_of)

    def filename(self) -> str:
        stem = f"{self.school_year.label}-{KIND_LABELS[self.kind]}-{self.verbose_name}"
        if self.studio is not None:
            stem = f"{self.studio.name}-{stem}"
        return f"{stem}.xlsx"

    def sheet(self, **kwargs) -> Sheet:
        """A printed assessment sheet: title and unit on top, the block to sign at the end."""
        return Sheet(printable=True, subtitle=self.subtitle(), unit=self.unit(), signature=True, **kwargs)

    def rule_parts(self, *, prefix: str, title: str, keys: list[tuple[str, list]], blocks: list[dict]):
        """The rule columns of these blocks (one per rule and period) in parts that each print across one A4
        page at a readable scale (writer.SPLIT_SCALE), by school year (then the cycle), a year split further
        only when it alone is too wide; every part repeats the key columns (code, name)."""
        columns = _columns(blocks)
        cells = {column: [] for column in columns}
        for block in blocks:
            by_key = {(i["rule"], i["period"]): i for i in block["rules"]}
            for column in columns:
                instance = by_key.get(column[:2])
                cells[column].append(_instance_cell(instance) if instance else "")
        key_widths = [column_width(header, values) for header, values in keys]
        # A part holds one school year (its title says which), so a header names the semester only (第一学期);
        # a period is never broken over two lines (with a character to spare: an office suite's glyphs are a
        # little wider than two units a Chinese character).
        widths = {column: column_width(_rule_header(column, short=True), cells[column],
                                       minimum=text_width(_short_period(column[1])) + 1) for column in columns}
        parts = _pack(columns, key_widths, widths)
        for index, part in enumerate(parts, start=1):
            groups = list(dict.fromkeys(_group_label(column) for column in part))
            short = len([group for group in groups if group != period_label("cycle")]) <= 1
            headers = [header for header, _values in keys] + [_rule_header(column, short=short) for column in part]
            minimums = [widths[column] - 2 if short else text_width(period_label(column[1])) + 1
                        for column in part]
            rows = [[values[row] for _header, values in keys] + [cells[column][row] for column in part]
                    for row in range(len(blocks))]
            suffix = f"（{index}/{len(parts)}）" if len(parts) > 1 else ""
            yield self.sheet(name=f"{prefix}{index}" if len(parts) > 1 else prefix, headers=headers, rows=rows,
                             title=f"{title}{suffix} · {'、'.join(groups)}", freeze_columns=len(keys),
                             min_widths=[0.0] * len(keys) + minimums)


def export_subtitle(unit: str, as_of: datetime.date | None = None) -> str:
    """单位、统计截至 and the export time, in the bureau's time zone (Asia/Shanghai)."""
    parts = [f"单位：{unit}"]
    if as_of is not None:
        parts.append(f"统计截至 {as_of:%Y-%m-%d}")
    parts.append(f"导出于 {local_time_text(timezone.now())}（北京时间）")
    return "　".join(parts)


def _rule_header(column, *, short: bool = False) -> str:
    _rule, period, title = column
    return f"{title}\n{_short_period(period) if short else period_label(period)}"


def _short_period(period: str) -> str:
    """'2024-2025-1' → '第一学期', '2024-2025' → '全学年', 'cycle' → '整个周期': the period within its year."""
    parts = period.split("-")
    if len(parts) == 3:
        return "第一学期" if parts[2] == "1" else "第二学期"
    return "全学年" if len(parts) == 2 else period_label(period)


def _group_label(column) -> str:
    period = column[1]
    return period_label(period) if period == "cycle" else period_label(period[:9])


def _pack(columns, key_widths, widths) -> list[list]:
    """Columns in parts: whole school years (and the cycle) while they fit one page together, a year that is
    alone too wide for one page split into as few parts as it needs, of about equal width."""
    def fits(part):
        return fits_on_page(key_widths + [widths[c] for c in part])

    groups: dict[str, list] = {}
    for column in columns:
        groups.setdefault(_group_label(column), []).append(column)
    parts: list[list] = []
    current: list = []
    for group in groups.values():
        if fits(current + group):
            current += group
            continue
        if current:
            parts.append(current)
            current = []
        if fits(group):
            current = list(group)
            continue
        count = 2
        while True:
            size = math.ceil(len(group) / count)
            chunks = [group[start:start + size] for start in range(0, len(group), size)]
            if all(fits(chunk) for chunk in chunks) or size == 1:
                break
            count += 1
        parts += chunks
    if current:
        parts.append(current)
    return parts


def _instance_cell(instance: dict) -> Styled:
    return Styled(status_text(instance), status=effective_status(instance))


def _number(value):
    return number(value)


def _columns(blocks: Iterable[dict]) -> list[tuple[str, str, str]]:
    """The (rule, period, title) columns that occur in these blocks: period order (by school year, the cycle
    last), then rule order — so that a part of a wide sheet holds one school year."""
    from assessments.rules import REGISTRY

    order = {rule.id: index for index, rule in enumerate(REGISTRY)}
    seen = {}
    for block in blocks:
        for instance in block["rules"]:
            seen.setdefault((instance["rule"], instance["period"]), instance.get("title", instance["rule"]))
    return sorted(((rule, period, title) for (rule, period), title in seen.items()),
                  key=lambda column: (_period_key(column[1])[0], order.get(column[0], 99), _period_key(column[1])))


def _period_key(period: str):
    if period == "cycle":
        return (9999, 9)
    parts = period.split("-")
    return (int(parts[0]), int(parts[2]) if len(parts) == 3 else 8)


def _verdict_cell(block: dict) -> Styled:
    verdict = final_verdict(block)
    return Styled(verdict_text(verdict), status=verdict)


def _rate_cell(numbers: Figures) -> Styled:
    return Styled(numbers.rate, number_format=PERCENT_FORMAT)


def _figure_cells(numbers: Figures) -> list:
    """达标率 and beside it 达标 / 进行中 / 未达标, so that a rate read mid-year does not read as failure."""
    return [_rate_cell(numbers), numbers.met, numbers.pending, numbers.not_met]


FIGURE_HEADERS = ["达标率", "达标", "进行中", "未达标"]


def _legend(columns, *, title: str, unit: str) -> Sheet:
    """The legend, then each rule of the sheets once: its identifier (as the JSON and the pages name it) and name."""
    rules = dict.fromkeys((rule, name) for rule, _period, name in columns)
    return legend_sheet([["", ""], *([rule, name] for rule, name in rules)], title=title, unit=unit)


class BannerSummaryExporter(AssessmentExporter):
    identifier = "banner_summary"
    verbose_name = _("Banner summary of the assessment")
    description = _("One row per studio: the team rules per period, the verdict, the compliance rate and the "
                    "sign-off. Printable on A4.")

    def estimate_rows(self) -> int:
        # A row per studio, but each row reads the studio's whole result (every member's rules): the people
        # assessed measure the work, so a region's summary goes to the background where a banner's does not.
        return Membership.objects.count()

    def sheets(self):
        with translation.override("zh-hans"):
            yield from self._sheets()

    def _sheets(self):
        # Keep only what a row needs: a region's full results (every member's rules) would not fit in memory.
        results = [_summary(result) for result in self.results()]
        headers = ["工作室编号", "工作室名称", "主持人", "团队结论", *(f"团队{h}" if h == "达标率" else h
                                                          for h in FIGURE_HEADERS),
                   "综合达标率\n（团队与成员）", "考核结论\n（含成员）", "终评等级", "签署人", "签署时间"]

        def rows():
            for result in results:
                signoff = result["signoff"] or {}
                overall = result["overall"]
                grade = GRADE_LABELS.get(signoff.get("grade"), "") if signoff else ""
                yield [result["studio"], result["studio_name"], result["host"], _verdict_cell(result["team"]),
                       *_figure_cells(result["team_figures"]), _rate_cell(result["figures"]),
                       Styled(verdict_text(overall), status=overall),
                       str(grade) or f"未签署（建议：{verdict_text(overall)}）", signoff.get("by", ""),
                       local_time_text(signoff.get("at"))]

        title = f"{settings.BUREAU_NAME} 名师工作室考核汇总表（{self.period_text()}）"
        yield self.sheet(name="考核汇总", headers=headers, rows=list(rows()), title=title, freeze_columns=2)
        keys = [("工作室编号", [r["studio"] for r in results]), ("工作室名称", [r["studio_name"] for r in results])]
        teams = [result["team"] for result in results]
        yield from self.rule_parts(prefix="团队指标", keys=keys, blocks=teams,
                                   title=f"{settings.BUREAU_NAME} 名师工作室团队指标（{self.period_text()}）")
        yield _legend(_columns(teams), title=f"{settings.BUREAU_NAME} 考核表图例与说明", unit=self.unit())


def _summary(result: dict) -> dict:
    team = {"rules": result["team"]["rules"], "verdict": result["team"]["verdict"],
            "final_verdict": final_verdict(result["team"])}
    return {"studio": result["studio"], "studio_name": result.get("studio_name", ""),
            "host": next((m["name"] for m in result["members"] if m["role"] == "host"), ""),
            "team": team, "team_figures": figures(result["team"]), "figures": result_figures(result),
            "signoff": result.get("signoff"), "overall": overall_verdict(result)}


class StudioSheetExporter(AssessmentExporter):
    identifier = "studio_sheet"
    verbose_name = _("Studio assessment sheet")
    description = _("One row per person: every individual rule, the verdict, the host's evaluation scores and the "
                    "final grade; the team rules on a second sheet. Printable on A4.")
    scope = "studio"

    def estimate_rows(self) -> int:
        return 40

    def _scores(self, studio_id) -> dict[str, list]:
        years = [self.school_year.start_year]
        if self.kind == "cycle":
            cycle = (Cycle.objects.filter(studio_id=studio_id, start_year__start_year__lte=self.school_year.start_year,
                                          start_year__start_year__gt=self.school_year.start_year - Cycle.YEARS)
                     .select_related("start_year").first())
            years = cycle.start_years() if cycle else years
        scores: dict[str, list] = {}
        for row in HostEvaluation.objects.filter(studio_id=studio_id, school_year__start_year__in=years).values_list(
                "teacher__code", *HostEvaluation.SCORE_FIELDS):
            scores.setdefault(row[0], []).append(row[1:])
        return {code: [round(sum(values) / len(values), 1) for values in zip(*rows, strict=True)]
                for code, rows in scores.items()}

    def sheets(self):
        with translation.override("zh-hans"):
            yield from self._sheets()

    def _sheets(self):
        results = list(self.results())
        result = results[0] if results else None
        members = result["members"] if result else []
        scores = self._scores(self.studio.pk) if result else {}
        score_note = "\n（周期平均）" if self.kind == "cycle" else ""
        headers = ["教师编号", "姓名", "角色", "结论", *FIGURE_HEADERS,
                   *(f"{name}{score_note}" for name in SCORE_HEADERS), "终评等级"]
        person_grades = ((result or {}).get("signoff") or {}).get("person_grades") or {}

        def rows():
            for member in members:
                verdict = final_verdict(member)
                grade = GRADE_LABELS.get(person_grades.get(member["teacher"]), "")
                yield [member["teacher"], member["name"], str(ROLE_LABELS.get(member["role"], member["role"])),
                       _verdict_cell(member), *_figure_cells(figures(member)),
                       *(scores.get(member["teacher"]) or [None] * len(SCORE_HEADERS)),
                       str(grade) or f"未签署（建议：{verdict_text(verdict)}）"]

        studio_title = f"{settings.BUREAU_NAME} {self.studio.name}（{self.studio.code}）"
        yield self.sheet(name="成员考核", headers=headers, rows=list(rows()), freeze_columns=2,
                         title=f"{studio_title}成员考核表（{self.period_text()}）")
        keys = [("教师编号", [m["teacher"] for m in members]), ("姓名", [m["name"] for m in members])]
        yield from self.rule_parts(prefix="成员指标", title=f"{studio_title}成员指标（{self.period_text()}）",
                                   keys=keys, blocks=members)
        team = result["team"]["rules"] if result else []
        yield self.sheet(
            name="团队指标", headers=["指标", "名称", "条款", "考核期", "状态", "实际", "要求", "依据（编号）", "说明"],
            rows=[[i["rule"], i.get("title", ""), i.get("clause", ""), period_label(i["period"]),
                   _instance_cell(i), _number(i.get("actual")), _number(i.get("required")),
                   "、".join(i.get("evidence") or []), i.get("note", "")] for i in team],
            title=f"{studio_title}团队指标（{self.period_text()}）", freeze_columns=2)
        yield _legend(_columns(members), title=f"{studio_title}考核表图例与说明", unit=self.unit())


# --- ledger-layout exports ------------------------------------------------------------------------------------


def _d(value):
    return value if value else None


class LedgerRows:
    """Row generators in the ledger's column order, for all studios or one studio. Each is a fixed number of
    queries whatever the number of rows (select_related, and prefetches per chunk of the iterator)."""

    def __init__(self, studio: Studio | None = None):
        self.studio = studio

    def _studio_filter(self, path="studio"):
        return Q(**{path: self.studio}) if self.studio is not None else Q()

    def teachers(self):
        queryset = Teacher.objects.select_related("school").order_by("code")
        if self.studio is not None:
            queryset = queryset.filter(memberships__studio=self.studio).distinct()
        return queryset

    def count(self, spec: L.SheetSpec) -> int:
        return self.queryset(spec).count()

    def queryset(self, spec: L.SheetSpec):
        studio = self._studio_filter
        if spec is L.TEACHERS:
            return self.teachers()
        if spec is L.STUDIOS:
            queryset = Studio.objects.order_by("code")
            return queryset.filter(pk=self.studio.pk) if self.studio else queryset
        if spec is L.MEMBERS:
            return Membership.objects.filter(studio()).select_related("studio", "teacher").order_by(
                "studio__code", "joined_on", "teacher__code")
        if spec is L.TITLES:
            # Only titles the office has verified: whatever a ledger holds is verified when it is imported
            # (ledger-workbook.md, clarifications), so a title still waiting (待核实) must not pass through one.
            return Title.objects.filter(teacher__in=self.teachers().values("pk"), check_status=Title.Check.VERIFIED) \
                .select_related("teacher").order_by("teacher__code", "awarded_on", "kind")
        if spec is L.PROJECTS:
            return ResearchProject.objects.filter(studio()).select_related("studio", "leader").order_by("approved_on",
                                                                                                        "id")
        if spec is L.ACTIVITIES:
            return Activity.objects.filter(studio()).select_related("studio", "organiser", "filing").order_by(
                "date", "id")
        if spec is L.ATTENDANCES:
            return Attendance.objects.filter(studio("activity__studio")).select_related("activity", "teacher").order_by(
                "activity__date", "activity_id", "teacher__code")
        if spec is L.WORKS:
            return Work.objects.filter(studio()).select_related("teacher", "studio").order_by("date", "id")
        if spec is L.MENTORING:
            # Scoped like the studio's pages (records.selectors.person_records): the pairs recorded in this studio,
            # not every pair its members keep in other studios.
            return MentoringPair.objects.filter(studio()).select_related("teacher", "studio").order_by(
                "started_on", "id")
        if spec is L.TASKS:
            return TaskAssignment.objects.filter(studio("task__studio")).select_related(
                "task", "task__studio", "teacher").order_by("task__due_on", "task_id", "teacher__code")
        if spec is L.DOCUMENTS:
            return StudioDocument.objects.filter(studio()).select_related("studio", "school_year").order_by(
                "school_year__start_year", "kind", "id")
        if spec is L.FUNDS:
            return FundEntry.objects.filter(studio()).select_related("studio", "school_year").order_by("date", "id")
        if spec is L.EVALUATIONS:
            return HostEvaluation.objects.filter(studio()).select_related("studio", "school_year", "teacher").order_by(
                "school_year__start_year", "studio__code", "teacher__code")
        raise AssertionError(spec.name)

    def rows(self, spec: L.SheetSpec) -> Iterator[list]:
        queryset = self.queryset(spec)
        if spec is L.STUDIOS:
            queryset = queryset.prefetch_related(
                Prefetch("cycles", queryset=Cycle.objects.select_related("start_year").order_by(
                    "-start_year__start_year")),
                Prefetch("memberships", queryset=Membership.objects.filter(role=Membership.Role.HOST).select_related(
                    "teacher").order_by("-joined_on")))
        if spec is L.PROJECTS:
            queryset = queryset.prefetch_related(Prefetch("participants", queryset=Teacher.objects.order_by("code")))
        return (getattr(self, f"_row_{spec.name}")(obj) for obj in queryset.iterator(chunk_size=ITERATOR_CHUNK))

    # One method per sheet, named after it; the values follow the spec's column order.
    def _row_教师(self, t: Teacher):
        return [t.code, t.name, L.label_for(L.GENDERS, t.gender), t.birth_date, t.school.name if t.school else "",
                t.subject, L.label_for(L.STAGES, t.stage), L.YES if t.is_rural else L.NO, t.phone]

    def _row_工作室(self, s: Studio):
        cycles = list(s.cycles.all())
        hosts = list(s.memberships.all())
        return [s.code, s.name, s.subject, L.label_for(L.STAGES, s.stage),
                cycles[0].start_year.label if cycles else "", hosts[0].teacher.code if hosts else ""]

    def _row_成员(self, m: Membership):
        return [m.studio.code, m.teacher.code, L.label_for(L.ROLES, m.role), m.joined_on, _d(m.left_on)]

    def _row_荣誉(self, t: Title):
        return [t.teacher.code, L.label_for(L.TITLE_KINDS, t.kind), L.label_for(L.LEVELS, t.level), t.awarded_on]

    def _row_课题(self, p: ResearchProject):
        return [p.ref, p.studio.code, p.title, L.label_for(L.LEVELS, p.level), p.approved_on, _d(p.concluded_on),
                p.leader.code, "、".join(t.code for t in p.participants.all())]

    def _row_活动(self, a: Activity):
        filing = getattr(a, "filing", None)
        if filing is None or filing.status not in L.FILING_STATUSES.values():
            filing_word, approved_on, number = L.NO_FILING if filing is None else "", None, ""
        else:
            filing_word = L.label_for(L.FILING_STATUSES, filing.status)
            approved_on, number = filing.approved_on, filing.doc_number or ""
        return [a.ref, a.studio.code, a.title, L.label_for(L.ACTIVITY_KINDS, a.kind), L.label_for(L.SCOPES, a.scope),
                a.date, a.organiser.code if a.organiser else "", L.label_for(L.ACTIVITY_STATUSES, a.status),
                filing_word, _d(approved_on), number, L.YES if a.attendance_required else L.NO]

    def _row_考勤(self, a: Attendance):
        return [a.activity.ref, a.teacher.code, L.label_for(L.ATTENDANCE, a.status)]

    def _row_成果(self, w: Work):
        # A count typed by hand that the office has not verified is left out, for the same reason as titles: a
        # ledger's 字数 is verified on import. A work declined as a near-copy says so (查重未通过).
        count = w.char_count if w.char_count_verified else None
        status = L.DECLINED_WORK if w.declined else w.status
        return [w.ref, w.teacher.code, w.studio.code, L.label_for(L.WORK_KINDS, w.kind), w.title, w.date,
                count, L.label_for(L.WORK_STATUSES, status)]

    def _row_帮扶(self, p: MentoringPair):
        return [p.ref, p.teacher.code, p.mentee_name, p.mentee_school, p.started_on, _d(p.ended_on),
                p.studio.code if p.studio else ""]

    def _row_任务(self, a: TaskAssignment):
        return [a.task.ref, a.task.studio.code, a.task.title, a.task.due_on, a.teacher.code, _d(a.completed_on)]

    def _row_工作室材料(self, d: StudioDocument):
        return [d.ref, d.studio.code, L.label_for(L.DOCUMENT_KINDS, d.kind), d.school_year.label, _d(d.submitted_on),
                L.label_for(L.REVIEW_STATUSES, d.status), d.title]

    def _row_经费(self, f: FundEntry):
        return [f.ref, f.studio.code, f.school_year.label, L.label_for(L.FUND_KINDS, f.kind), f.amount,
                L.label_for(L.FUND_CATEGORIES, f.category), f.date, f.description]

    def _row_主持人评价(self, e: HostEvaluation):
        return [e.studio.code, e.school_year.label, e.teacher.code,
                *(getattr(e, name) for name in HostEvaluation.SCORE_FIELDS)]


def ledger_sheet(spec: L.SheetSpec, rows, *, title: str | None = None, subtitle: str | None = None,
                 unit: str | None = None) -> Sheet:
    """A sheet in the ledger's layout. Row 1 stays the header, so that the file imports again as it is; the
    title, unit and times print in the page header instead."""
    return Sheet(name=spec.name, headers=spec.headers, rows=rows, widths=[c.width for c in spec.columns],
                 freeze_columns=1, title=title, subtitle=subtitle, unit=unit, title_in_cells=False)


class LedgerExporter(Exporter):
    """Sheets of the ledger workbook, filled from the database; importable again as they are."""

    specs: tuple[L.SheetSpec, ...] = ()

    @classmethod
    def form_fields(cls):
        return {}

    def ledger_rows(self) -> LedgerRows:
        return LedgerRows(self.studio)

    def estimate_rows(self) -> int:
        source = self.ledger_rows()
        return sum(source.count(spec) for spec in self.specs)

    def unit(self) -> str:
        if self.studio is not None:
            return f"{settings.BUREAU_NAME} · {self.studio.name}（{self.studio.code}）"
        return settings.BUREAU_NAME

    def sheets(self):
        source = self.ledger_rows()
        unit = self.unit()
        who = (f"{settings.BUREAU_NAME} {self.studio.name}" if self.studio is not None
               else f"{settings.BUREAU_NAME} 名师工作室")
        # The ledger holds the records as they are when it is written: 统计截至 is the export time.
        subtitle = f"统计截至导出时 {local_time_text(timezone.now())}（北京时间）"
        for spec in self.specs:
            yield ledger_sheet(spec, source.rows(spec), title=f"{who}台账 · {spec.name}",
                               subtitle=subtitle, unit=unit)


class RosterExporter(LedgerExporter):
    identifier = "rosters"
    verbose_name = _("Rosters")
    description = _("Teachers, studios, memberships and titles, in the ledger's layout.")
    specs = (L.TEACHERS, L.STUDIOS, L.MEMBERS, L.TITLES)


class ActivityExporter(LedgerExporter):
    identifier = "activities"
    verbose_name = _("Activities, filings and attendance")
    description = _("Every activity with its filing (备案) and the attendance, in the ledger's layout.")
    specs = (L.ACTIVITIES, L.ATTENDANCES)


class WorkExporter(LedgerExporter):
    identifier = "works"
    verbose_name = _("Works")
    description = _("Papers, reflections, designs, cases, summaries and plans, in the ledger's layout.")
    specs = (L.WORKS,)


class FundExporter(LedgerExporter):
    identifier = "funds"
    verbose_name = _("Funds")
    description = _("Allocations and expenses, in the ledger's layout.")
    specs = (L.FUNDS,)


class FullLedgerExporter(LedgerExporter):
    identifier = "ledger"
    verbose_name = _("Whole ledger")
    description = _("Every sheet of the ledger workbook; it can be imported again as it is.")
    specs = L.SHEETS


EXPORTERS: dict[str, type[Exporter]] = {
    cls.identifier: cls
    for cls in (BannerSummaryExporter, StudioSheetExporter, RosterExporter, ActivityExporter, WorkExporter,
                FundExporter, FullLedgerExporter)
}
BANNER_EXPORTERS = [cls for cls in EXPORTERS.values() if cls.scope == "banner"]
STUDIO_EXPORTERS = [cls for cls in EXPORTERS.values() if cls.scope == "studio"] + [
    cls for cls in EXPORTERS.values() if issubclass(cls, LedgerExporter)]


def exporter_for(identifier: str) -> type[Exporter] | None:
    return EXPORTERS.get(identifier)
