"""Planning the activity sheets: 活动 (and their filings), 出勤."""

from __future__ import annotations

from django.utils.translation import gettext as _

from activities.models import Activity, Attendance, Filing
from activities.services import parse_document_number

from .. import ledger as L
from .planning import SheetPlanner, chunks, diff


class ActivitySheets(SheetPlanner):
    """Sheets 活动 (with their filings) and 出勤."""

    def plan_activities(self):
        spec = L.ACTIVITIES
        rows = self.unique(spec, self.rows(spec), lambda row: row["活动编号"], "活动编号")
        rows = self.known_refs(spec, rows, self.activities, "活动编号")
        filings = {}
        for chunk in chunks([a.pk for a in self.activities.values()]):
            for filing in Filing.objects.filter(activity_id__in=chunk):
                filings[filing.activity_id] = filing
        numbers = [row["备案文号"] for row in rows if row["备案文号"]]
        taken_numbers = {}
        for chunk in chunks(set(numbers)):
            taken_numbers.update(Filing.objects.filter(doc_number__in=chunk).values_list("doc_number", "activity_id"))
        seen_numbers = {}
        for row in rows:
            studio = self.studio(spec, row)
            organiser = self.teacher(spec, row, "组织者教师编号")
            if row["组织者教师编号"] and organiser is None:
                continue
            filing_status = row["备案状态"]
            approved_on, number = row["备案批准日期"], row["备案文号"]
            if row.has("备案状态") and filing_status == Filing.Status.APPROVED:
                for header, value in (("备案批准日期", approved_on), ("备案文号", number)):
                    if not value:
                        self.error(spec.name, row, header, _("An approved filing needs %(column)s.")
                                   % {"column": header})
            if number:
                if number in seen_numbers:
                    self.error(spec.name, row, "备案文号", _(
                        "Document number %(number)s appears twice in this sheet (first on row %(row)d).")
                        % {"number": number, "row": seen_numbers[number]})
                seen_numbers.setdefault(number, row.number)
                activity = self.activities.get(row["活动编号"])
                owner = taken_numbers.get(number)
                if owner is not None and (activity is None or owner != activity.pk):
                    self.error(spec.name, row, "备案文号", _(
                        "Document number %(number)s already belongs to another activity.") % {"number": number})
            if studio is None:
                continue
            wanted = {"studio": studio, "title": row["名称"], "kind": row["类型"], "scope": row["范围"],
                      "date": row["日期"],
                      **self.managed(row, {
                          "组织者教师编号": ("organiser", organiser),
                          "状态": ("status", row["状态"] or Activity.Status.HELD),
                          "必须参加": ("attendance_required", True if row["必须参加"] is None else row["必须参加"]),
                      })}
            activity = self.activities.get(row["活动编号"])
            is_new = activity is None
            if is_new:
                activity = Activity(code=row["活动编号"], status=Activity.Status.HELD)
                self.activities[row["活动编号"]] = activity
            state = self.settle(spec, activity, wanted, is_new=is_new)
            if not row.has("备案状态") or filing_status is None:
                continue  # a blank 备案状态 leaves the activity's filing as it is
            filing = filings.get(activity.pk) if activity.pk else None
            filing_changed = False
            if filing_status == L.NO_FILING_VALUE:
                if filing is not None:
                    self.plan_.delete_filings.append(filing)
                    filing_changed = True
            else:
                approved = filing_status == Filing.Status.APPROVED
                # A number in the app's own form (乌教研发〔2025〕12号) takes its place in the year's sequence, so
                # that the approvals after the import move past it (clarification 9).
                year_seq = parse_document_number(number) if approved else None
                wanted_filing = {"status": filing_status, "approved_on": approved_on if approved else None,
                                 "doc_number": number if approved else None,
                                 "doc_year": year_seq[0] if year_seq else None,
                                 "doc_seq": year_seq[1] if year_seq else None}
                if filing is None:
                    filing = Filing(activity=activity, **wanted_filing)
                    self.plan_.add(filing)
                    filing_changed = True
                else:
                    changed = diff(filing, wanted_filing)
                    if changed:
                        self.plan_.change(filing, changed)
                        filing_changed = True
            if filing_changed and state == "unchanged":
                counts = self.result.counts[spec.name]
                counts.unchanged -= 1
                counts.updated += 1

    def plan_attendance(self):
        spec = L.ATTENDANCES
        rows = self.unique(spec, self.rows(spec), lambda row: (row["活动编号"], row["教师编号"]), "教师编号")
        existing = {}
        for chunk in chunks([a.pk for a in self.activities.values() if a.pk]):
            for attendance in Attendance.objects.filter(activity_id__in=chunk):
                existing[(attendance.activity_id, attendance.teacher_id)] = attendance
        for row in rows:
            activity = self.activity(spec, row)
            teacher = self.teacher(spec, row, "教师编号")
            if activity is None or teacher is None:
                continue
            attendance = existing.get((activity.pk, teacher.pk)) if activity.pk and teacher.pk else None
            is_new = attendance is None
            self.settle(spec, attendance or Attendance(activity=activity, teacher=teacher),
                        {"status": row["出勤"]}, is_new=is_new)
