"""The frozen-year guard for the ledger import (regulation.md, clarification 10).

A ledger can no more add, change or remove a record dated in a signed-off or locked year of a studio than a page
can. Planning notes each record it would create or change, with the dates and school years it carried before
(``note_dated``); once every sheet is planned, ``guard_frozen_rows`` checks them all against the frozen years of
``records.services.frozen`` — the same spans every write service is refused by, read once — and reports each
refused row as an error of its sheet, row and date column. Rows that change nothing are never refused, so
importing the same workbook twice still changes nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from activities.models import Activity, Attendance, Filing
from members.models import Title
from records.models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    ResearchProject,
    StudioDocument,
    Task,
    TaskAssignment,
    Work,
)
from records.services.frozen import frozen_message, frozen_years
from studios.models import Membership, SchoolYear, Studio

from .. import ledger as L

# The column named in the error of a refused row, per sheet.
DATE_COLUMNS = {
    L.ACTIVITIES.name: "日期", L.ATTENDANCES.name: "活动编号", L.WORKS.name: "日期", L.PROJECTS.name: "立项日期",
    L.MENTORING.name: "开始日期", L.TASKS.name: "截止日期", L.DOCUMENTS.name: "学年", L.FUNDS.name: "学年",
    L.EVALUATIONS.name: "学年", L.TITLES.name: "授予日期",
}
DATED = (Activity, Attendance, Work, ResearchProject, MentoringPair, Task, TaskAssignment, StudioDocument, FundEntry,
         HostEvaluation, Title)


class FrozenRows:
    """Mixed into the sheet planner: ``note_dated`` while planning, ``guard_frozen_rows`` at the end."""

    def note_dated(self, spec, obj, before):
        if isinstance(obj, DATED):
            self.__dict__.setdefault("_dated", []).append((spec, obj, before))

    def dated_before(self, obj):
        """What an existing record carries before the workbook changes it (ids only, no query)."""
        if obj.pk is None or not isinstance(obj, DATED):
            return None
        return {name: getattr(obj, name, None) for name in (
            "studio_id", "teacher_id", "activity_id", "task_id", "school_year_id", "date", "approved_on",
            "concluded_on", "started_on", "due_on", "completed_on", "awarded_on")}

    def guard_frozen_rows(self):
        dated = self.__dict__.get("_dated", [])
        filings = [*self.plan_.create.get(Filing, []), *self.plan_.update.get(Filing, {}).values(),
                   *self.plan_.delete_filings]
        if not dated and not filings:
            return
        frozen = frozen_years()
        if not frozen.studio_ids:
            return
        year_of = dict(SchoolYear.objects.values_list("pk", "start_year"))
        activities = {a.pk: a for a in self.activities.values() if a.pk}
        task_ids = {obj.task_id for _s, obj, _b in dated if isinstance(obj, TaskAssignment) and obj.task_id}
        task_ids |= {b["task_id"] for _s, _o, b in dated if b and b.get("task_id")}
        tasks = {pk: (studio_id, due) for pk, studio_id, due in
                 Task.objects.filter(pk__in=task_ids).values_list("pk", "studio_id", "due_on")}
        teacher_ids = {obj.teacher_id for _s, obj, _b in dated if isinstance(obj, (Title, MentoringPair))}
        spans = defaultdict(list)
        for teacher_id, studio_id, joined, left in Membership.objects.filter(
                teacher_id__in=teacher_ids, studio_id__in=frozen.studio_ids).values_list(
                "teacher_id", "studio_id", "joined_on", "left_on"):
            spans[teacher_id].append((studio_id, joined, left))
        names = dict(Studio.objects.filter(pk__in=frozen.studio_ids).values_list("pk", "name"))

        def studios_of(teacher_id, day):
            return [sid for sid, joined, left in spans.get(teacher_id, ())
                    if joined <= day and (left is None or day <= left)]

        def touches(obj_or_values, kind):
            """(studio ids, days, school years) a record's values touch."""
            v = obj_or_values if isinstance(obj_or_values, dict) else self.dated_before_new(obj_or_values)
            days = [v.get(name) for name in ("date", "approved_on", "concluded_on", "started_on", "due_on",
                                              "completed_on", "awarded_on")]
            years = [year_of.get(v.get("school_year_id"), v.get("school_year_start"))]
            studio_id = v.get("studio_id")
            if kind is Attendance:
                activity = v.get("activity") or activities.get(v.get("activity_id"))
                if activity is None:
                    return []
                return [(activity.studio_id, [activity.date], [])]
            if kind is TaskAssignment:
                task = v.get("task")
                studio_id, due = (task.studio_id, task.due_on) if task is not None else tasks.get(
                    v.get("task_id"), (None, None))
                days.append(due)
            if studio_id is None and kind in (Title, MentoringPair):
                return [(sid, [day], []) for day in days if day for sid in studios_of(v.get("teacher_id"), day)]
            return [(studio_id, days, years)]

        refused = set()
        for spec, obj, before in dated:
            targets = touches(obj, type(obj)) + (touches(before, type(obj)) if before else [])
            for studio_id, days, years in targets:
                span = studio_id and frozen.problem(
                    studio_id, days=[d for d in days if isinstance(d, datetime.date)],
                    school_years=[SchoolYear(start_year=y) for y in years if y])
                if span and (spec.name, id(obj)) not in refused:
                    refused.add((spec.name, id(obj)))
                    self.error(spec.name, self.row_of(spec, obj), DATE_COLUMNS.get(spec.name, ""),
                               frozen_message(span, names.get(studio_id, "")))
        for filing in filings:
            activity = filing.activity if filing.activity_id is None else activities.get(filing.activity_id)
            if activity is None or activity.studio_id is None:
                continue
            span = frozen.problem(activity.studio_id, days=[activity.date])
            if span and (L.ACTIVITIES.name, id(activity)) not in refused:
                refused.add((L.ACTIVITIES.name, id(activity)))
                self.error(L.ACTIVITIES.name, self.row_of(L.ACTIVITIES, activity), "备案状态",
                           frozen_message(span, names.get(activity.studio_id, "")))

    def dated_before_new(self, obj) -> dict:
        """The values a planned record will carry (foreign keys by id, or by the object when it is new)."""
        values = {name: getattr(obj, name, None) for name in (
            "studio_id", "teacher_id", "activity_id", "task_id", "school_year_id", "date", "approved_on",
            "concluded_on", "started_on", "due_on", "completed_on", "awarded_on")}
        cache = obj._state.fields_cache
        if values["studio_id"] is None and "studio" in cache and cache["studio"] is not None:
            values["studio_id"] = cache["studio"].pk
        if "activity" in cache:
            values["activity"] = cache["activity"]
        if "task" in cache:
            values["task"] = cache["task"]
        if "school_year" in cache and cache["school_year"] is not None:
            values["school_year_start"] = cache["school_year"].start_year
        return values

    def row_of(self, spec, obj) -> int:
        """The row number of the sheet that planned this record (0 when it cannot be told)."""
        index = self.__dict__.setdefault("_row_index", {})
        if spec.name not in index:
            index[spec.name] = {_row_key(spec, row): row.number for row in self.rows(spec)}
        return index[spec.name].get(self._obj_key(spec, obj), 0)

    def _obj_key(self, spec, obj):
        codes = self.__dict__.get("_codes")
        if codes is None:
            codes = self._codes = {
                "teacher": {t.pk: code for code, t in self.teachers.items() if t.pk},
                "studio": {s.pk: code for code, s in self.studios.items() if s.pk},
                "activity": {a.pk: code for code, a in self.activities.items() if a.pk},
                "task": dict(Task.objects.filter(pk__in={o.task_id for _s, o, _b in self.__dict__.get("_dated", [])
                                                         if isinstance(o, TaskAssignment) and o.task_id})
                             .values_list("pk", "code")),
            }
        cache = obj._state.fields_cache

        def code(name, attribute="code"):
            related = cache.get(name)
            if related is not None:
                return related.ref if attribute == "ref" else getattr(related, attribute)
            return codes[name].get(getattr(obj, f"{name}_id"))

        if spec is L.ATTENDANCES:
            return (code("activity", "ref"), code("teacher"))
        if spec is L.TASKS:
            if isinstance(obj, TaskAssignment):
                return (code("task", "ref"), code("teacher"))
            return obj.ref
        if spec is L.EVALUATIONS:
            year = cache.get("school_year")
            return (code("studio"), year.start_year if year else None, code("teacher"))
        if spec is L.TITLES:
            return (code("teacher"), obj.kind, obj.level, obj.awarded_on)
        return obj.ref


def _row_key(spec, row):
    if spec is L.ATTENDANCES:
        return (row["活动编号"], row["教师编号"])
    if spec is L.TASKS:
        return (row["任务编号"], row["教师编号"])
    if spec is L.EVALUATIONS:
        return (row["工作室编号"], row["学年"], row["教师编号"])
    if spec is L.TITLES:
        return (row["教师编号"], row["称号"], row["级别"], row["授予日期"])
    return row[spec.columns[0].header]
