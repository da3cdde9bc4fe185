"""Planning the record sheets: 课题, 成果, 帮扶, 任务, 材料, 经费, 考核."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

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

from .. import ledger as L
from .planning import SheetPlanner, by_code, chunks, diff


class RecordSheets(SheetPlanner):
    """Sheets 课题, 成果, 帮扶, 任务, 材料, 经费 and 考核."""

    def plan_projects(self):
        spec = L.PROJECTS
        rows = self.unique(spec, self.rows(spec), lambda row: row["课题编号"], "课题编号")
        existing = by_code(ResearchProject, [row["课题编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "课题编号")
        members = defaultdict(set)
        through = ResearchProject.participants.through
        for chunk in chunks([p.pk for p in existing.values()]):
            for project_id, teacher_id in through.objects.filter(researchproject_id__in=chunk).values_list(
                    "researchproject_id", "teacher_id"):
                members[project_id].add(teacher_id)
        for row in rows:
            studio = self.studio(spec, row)
            leader = self.teacher(spec, row, "主持人教师编号")
            participants = []
            for code in row["参与人教师编号"] or []:
                teacher = self.teachers.get(code)
                if teacher is None and code not in self.sheet_teachers:
                    self.error(spec.name, row, "参与人教师编号", _(
                        "Teacher code %(code)s is neither in sheet 教师 nor in the system.") % {"code": code})
                participants.append(teacher)
            self.order(spec, row, row["立项日期"], row["结题日期"], "立项日期", "结题日期")
            if studio is None or leader is None or None in participants:
                continue
            wanted = {"studio": studio, "title": row["名称"], "level": row["级别"], "approved_on": row["立项日期"],
                      "leader": leader, **self.managed(row, {"结题日期": ("concluded_on", row["结题日期"])})}
            project = existing.get(row["课题编号"])
            is_new = project is None
            project = project or ResearchProject(code=row["课题编号"])
            state = self.settle(spec, project, wanted, is_new=is_new)
            if row.has("参与人教师编号"):
                now = {t.pk for t in participants}
                if is_new or None in now or now != members.get(project.pk, set()):
                    self.plan_.participants.append((project, participants))
                    if state == "unchanged":
                        counts = self.result.counts[spec.name]
                        counts.unchanged -= 1
                        counts.updated += 1

    def plan_works(self):
        spec = L.WORKS
        rows = self.unique(spec, self.rows(spec), lambda row: row["成果编号"], "成果编号")
        existing = by_code(Work, [row["成果编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "成果编号")
        for row in rows:
            teacher = self.teacher(spec, row, "教师编号")
            studio = self.studio(spec, row)
            if teacher is None or studio is None:
                continue
            work = existing.get(row["成果编号"])
            wanted = {"teacher": teacher, "studio": studio, "kind": row["类型"], "title": row["标题"],
                      "date": row["日期"],
                      **self.managed(row, {"状态": ("status", row["状态"] or Work.Status.SUBMITTED)})}
            if wanted.get("status") == L.DECLINED_WORK:
                wanted.update(status=Work.Status.SUBMITTED, copy_check=Work.Check.DECLINED)
            elif "status" in wanted and work is not None and work.copy_check == Work.Check.DECLINED:
                wanted["copy_check"] = Work.Check.NONE  # the office's ledger admits it again
            count = row["字数"]
            # A blank 字数 leaves a count typed by hand alone: the ledger export leaves out the counts still
            # waiting for the office, so that they are not verified by passing through a ledger.
            typed = work is not None and work.char_count_source == Work.CountSource.MANUAL
            if row.has("字数") and (work is None or work.upload_id is None and work.char_count != count) \
                    and not (count is None and typed):
                # 字数 for rows with no file, as the ledger records it — the office's, so verified by definition
                # (ledger-workbook.md, clarifications); a file's own count is never replaced.
                wanted["char_count"] = count
                wanted["char_count_source"] = Work.CountSource.LEDGER if count is not None else ""
                wanted["count_check"] = Work.Check.NONE
            self.settle(spec, work or Work(code=row["成果编号"], status=Work.Status.SUBMITTED), wanted,
                        is_new=work is None)

    def plan_mentoring(self):
        spec = L.MENTORING
        rows = self.unique(spec, self.rows(spec), lambda row: row["帮扶编号"], "帮扶编号")
        existing = by_code(MentoringPair, [row["帮扶编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "帮扶编号")
        for row in rows:
            teacher = self.teacher(spec, row, "教师编号")
            studio = self.studio(spec, row)
            self.order(spec, row, row["开始日期"], row["结束日期"], "开始日期", "结束日期")
            if teacher is None or row["工作室编号"] and studio is None:
                continue
            pair = existing.get(row["帮扶编号"])
            wanted = {"teacher": teacher, "mentee_name": row["帮扶对象姓名"], "mentee_school": row["帮扶对象学校"],
                      "started_on": row["开始日期"], **self.managed(row, {"结束日期": ("ended_on", row["结束日期"]),
                                                                       "工作室编号": ("studio", studio)})}
            self.settle(spec, pair or MentoringPair(code=row["帮扶编号"]), wanted, is_new=pair is None)

    def plan_tasks(self):
        spec = L.TASKS
        rows = self.unique(spec, self.rows(spec), lambda row: (row["任务编号"], row["教师编号"]), "教师编号")
        existing = by_code(Task, [row["任务编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "任务编号")
        assignments = {}
        for chunk in chunks([task.pk for task in existing.values()]):
            for assignment in TaskAssignment.objects.filter(task_id__in=chunk):
                assignments[(assignment.task_id, assignment.teacher_id)] = assignment
        tasks = {}  # code → (task, first row, state)
        for row in rows:
            studio = self.studio(spec, row)
            teacher = self.teacher(spec, row, "教师编号")
            code = row["任务编号"]
            task_values = {"studio": studio, "title": row["名称"], "due_on": row["截止日期"]}
            if code in tasks:
                task, first, task_state = tasks[code]
                if (first["工作室编号"], first["名称"], first["截止日期"]) != (
                        row["工作室编号"], row["名称"], row["截止日期"]):
                    self.error(spec.name, row, "任务编号", _(
                        "Rows of task %(code)s must have the same studio, name and due date (see row %(row)d).")
                        % {"code": code, "row": first.number})
                    continue
            else:
                if studio is None:
                    continue
                task = existing.get(code)
                task_state = "created"
                if task is None:
                    task = Task(code=code, **task_values)
                    self.plan_.add(task)
                else:
                    changed = diff(task, task_values)
                    task_state = "updated" if changed else "unchanged"
                    if changed:
                        self.plan_.change(task, changed)
                tasks[code] = (task, row, task_state)
            if teacher is None:
                continue
            assignment = assignments.get((task.pk, teacher.pk)) if task.pk and teacher.pk else None
            wanted = self.managed(row, {"完成日期": ("completed_on", row["完成日期"])})
            if assignment is None:
                self.settle(spec, TaskAssignment(task=task, teacher=teacher), wanted, is_new=True)
            else:
                state = self.settle(spec, assignment, wanted, is_new=False)
                if state == "unchanged" and task_state == "updated":
                    counts = self.result.counts[spec.name]
                    counts.unchanged -= 1
                    counts.updated += 1

    def plan_documents(self):
        spec = L.DOCUMENTS
        rows = self.unique(spec, self.rows(spec), lambda row: row["材料编号"], "材料编号")
        existing = by_code(StudioDocument, [row["材料编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "材料编号")
        for row in rows:
            studio = self.studio(spec, row)
            year = self.years.get(row["学年"])
            if studio is None or year is None:
                continue
            if row["提交日期"] is None and row["审核状态"] not in (None, StudioDocument.Status.DRAFT):
                self.error(spec.name, row, "提交日期", _("%(column)s must not be empty unless the status is %(draft)s.")
                           % {"column": "提交日期", "draft": L.DRAFT})
                continue
            document = existing.get(row["材料编号"])
            wanted = {"studio": studio, "kind": row["类型"], "school_year": year, "submitted_on": row["提交日期"],
                      "status": row["审核状态"], **self.managed(row, {"标题": ("title", row["标题"])})}
            if not wanted.get("title"):
                wanted.pop("title", None)
            if document is None:
                document = StudioDocument(code=row["材料编号"],
                                          title=f"{year.label}{L.label_for(L.DOCUMENT_KINDS, row['类型'])}")
            self.settle(spec, document, wanted, is_new=document.pk is None)

    def plan_funds(self):
        spec = L.FUNDS
        rows = self.unique(spec, self.rows(spec), lambda row: row["经费编号"], "经费编号")
        existing = by_code(FundEntry, [row["经费编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "经费编号")
        for row in rows:
            studio = self.studio(spec, row)
            year = self.years.get(row["学年"])
            if studio is None or year is None:
                continue
            entry = existing.get(row["经费编号"])
            wanted = {"studio": studio, "school_year": year, "kind": row["类型"], "amount": row["金额"],
                      "date": row["日期"],
                      **self.managed(row, {"类别": ("category", row["类别"] or ""),
                                           "说明": ("description", row["说明"] or "")})}
            self.settle(spec, entry or FundEntry(code=row["经费编号"]), wanted, is_new=entry is None)

    def plan_evaluations(self):
        spec = L.EVALUATIONS
        rows = self.unique(spec, self.rows(spec), lambda row: (row["工作室编号"], row["学年"], row["教师编号"]),
                           "教师编号")
        existing = {}
        for chunk in chunks([s.pk for s in self.studios.values() if s.pk]):
            for evaluation in HostEvaluation.objects.filter(studio_id__in=chunk):
                existing[(evaluation.studio_id, evaluation.school_year_id, evaluation.teacher_id)] = evaluation
        headers = dict(zip(("工作态度", "任务完成量", "研究能力", "理论提高", "教学能力"), HostEvaluation.SCORE_FIELDS,
                           strict=True))
        for row in rows:
            studio = self.studio(spec, row)
            teacher = self.teacher(spec, row, "教师编号")
            year = self.years.get(row["学年"])
            if studio is None or teacher is None or year is None:
                continue
            evaluation = existing.get((studio.pk, year.pk, teacher.pk)) if studio.pk and teacher.pk else None
            wanted = {name: row[header] for header, name in headers.items()}
            self.settle(spec, evaluation or HostEvaluation(studio=studio, school_year=year, teacher=teacher),
                        wanted, is_new=evaluation is None)
