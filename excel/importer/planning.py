"""Planning: bulk lookups by code, the plan of creates and updates, and what every sheet's planning shares."""

from __future__ import annotations

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from activities.models import Activity, Filing
from members.models import Teacher
from records.models import ResearchProject
from studios.models import SchoolYear, Studio

from .. import ledger as L
from .frozen import FrozenRows
from .reading import Row
from .results import ImportResult, LedgerError, SheetCounts

CHUNK = 900  # below SQLite's and PostgreSQL's limits on query parameters


def chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def by_field(queryset, field_name: str, values) -> dict:
    """One bulk lookup (chunked): {value of field: object}."""
    found = {}
    for chunk in chunks(set(values)):
        for obj in queryset.filter(**{f"{field_name}__in": chunk}):
            found[getattr(obj, field_name)] = obj
    return found


APP_REF = re.compile(r"^#([A-Z])(\d+)$")


def by_code(model, codes) -> dict:
    """Coded records by code; a code like #W12 is the app's own id of a record typed in the browser (no code),
    as exports write it, so that an exported ledger imports back onto the same records."""
    refs, plain = {}, []
    for code in set(codes):
        match = APP_REF.match(code)
        if match and match.group(1) == model.REF_PREFIX:
            refs[int(match.group(2))] = code
        else:
            plain.append(code)
    found = by_field(model.objects.all(), "code", plain)
    for chunk in chunks(refs):
        for obj in model.objects.filter(pk__in=chunk, code__isnull=True):
            found[refs[obj.pk]] = obj
    return found


def diff(obj, wanted: dict) -> list[str]:
    """Set the wanted values on obj and return the names of fields that changed.

    Foreign keys are compared by id (never by loading the related row: no query per row)."""
    changed = []
    meta = obj._meta
    for name, value in wanted.items():
        model_field = meta.get_field(name)
        if model_field.is_relation:
            current_id = getattr(obj, model_field.attname)
            same = (value is None and current_id is None) or (
                value is not None and value.pk is not None and value.pk == current_id)
        else:
            same = getattr(obj, name) == value
        if not same:
            setattr(obj, name, value)
            changed.append(name)
    return changed


class Plan:
    """What the workbook would do to the database; filled by LedgerImport.plan(), applied by write()."""

    def __init__(self):
        self.create: dict[type, list] = defaultdict(list)
        self.update: dict[type, dict] = defaultdict(dict)  # model → {id(obj): obj}
        self.update_fields: dict[type, set] = defaultdict(set)
        self.delete_filings: list[Filing] = []
        self.participants: list[tuple[ResearchProject, list[Teacher]]] = []

    def add(self, obj):
        self.create[type(obj)].append(obj)

    def change(self, obj, fields):
        self.update[type(obj)][id(obj)] = obj
        self.update_fields[type(obj)].update(fields)


class SheetPlanner(FrozenRows):
    """What every sheet's planning shares: errors, counts, settling a row onto a record (and noting it for the
    frozen-year guard), the bulk lookups of the codes the workbook names."""

    def __init__(self, sheets: dict[str, list[Row]], errors: list[LedgerError], result: ImportResult):
        self.sheets = sheets
        self.errors = errors
        self.result = result
        self.plan_ = Plan()

    def error(self, sheet, row: Row | int, column, message):
        number = row.number if isinstance(row, Row) else row
        self.errors.append(LedgerError(sheet, number, column, message))

    def rows(self, spec) -> list[Row]:
        return self.sheets.get(spec.name, [])

    def count(self, spec, row_state: str):
        counts = self.result.counts.setdefault(spec.name, SheetCounts())
        setattr(counts, row_state, getattr(counts, row_state) + 1)

    def settle(self, spec, obj, wanted: dict, *, is_new: bool) -> str:
        """Create or update obj with the wanted values, and count the row."""
        if is_new:
            for name, value in wanted.items():
                setattr(obj, name, value)
            self.plan_.add(obj)
            state = "created"
            self.note_dated(spec, obj, None)
        else:
            before = self.dated_before(obj)
            changed = diff(obj, wanted)
            if changed:
                self.plan_.change(obj, changed)
                state = "updated"
                self.note_dated(spec, obj, before)
            else:
                state = "unchanged"
        self.count(spec, state)
        return state

    def unique(self, spec, rows, key_of, column) -> list[Row]:
        """Rows whose key is not repeated inside the sheet; a repeat is an error naming the first row."""
        seen = {}
        kept = []
        for row in rows:
            key = key_of(row)
            if key is None or any(part is None for part in (key if isinstance(key, tuple) else (key,))):
                continue
            if key in seen:
                shown = key if isinstance(key, str) else " / ".join(str(part) for part in key)
                self.error(spec.name, row, column, _("%(key)s appears twice in this sheet (first on row %(row)d).")
                           % {"key": shown, "row": seen[key]})
                continue
            seen[key] = row.number
            kept.append(row)
        return kept

    def known_refs(self, spec, rows, found: dict, header: str) -> list[Row]:
        """Rows keyed by an app id (#W12) must name an existing record: such a code is never created."""
        kept = []
        for row in rows:
            code = row[header]
            if APP_REF.match(code) and code not in found:
                self.error(spec.name, row, header, _(
                    "%(code)s is the system's number of a record typed in the browser, but there is no such "
                    "record.") % {"code": code})
                continue
            kept.append(row)
        return kept

    def load(self):
        teacher_codes, studio_codes, activity_codes = set(), set(), set()
        for spec in L.SHEETS:
            for row in self.rows(spec):
                for column in spec.columns:
                    value = row[column.header]
                    if column.header in ("教师编号", "主持人教师编号", "组织者教师编号") and value:
                        teacher_codes.add(value)
                    elif column.header == "参与人教师编号":
                        teacher_codes.update(value or ())
                    elif column.header == "工作室编号" and value:
                        studio_codes.add(value)
                    elif column.header == "活动编号" and value:
                        activity_codes.add(value)
        self.teachers = by_field(Teacher.objects.select_related("school"), "code", teacher_codes)
        self.studios = by_field(Studio.objects.all(), "code", studio_codes)
        self.activities = by_code(Activity, activity_codes)
        self.sheet_teachers = {row["教师编号"] for row in self.rows(L.TEACHERS) if row["教师编号"]}
        self.sheet_studios = {row["工作室编号"] for row in self.rows(L.STUDIOS) if row["工作室编号"]}
        self.sheet_activities = {row["活动编号"] for row in self.rows(L.ACTIVITIES) if row["活动编号"]}
        years = set()
        for spec, header in ((L.STUDIOS, "周期开始学年"), (L.DOCUMENTS, "学年"), (L.FUNDS, "学年"),
                             (L.EVALUATIONS, "学年")):
            years.update(row[header] for row in self.rows(spec) if row[header] is not None)
        self.years = {year.start_year: year for year in SchoolYear.objects.filter(start_year__in=years)}
        for start_year in sorted(years - set(self.years)):
            year = SchoolYear(start_year=start_year, **SchoolYear.default_dates(start_year))
            self.years[start_year] = year
            self.plan_.add(year)
            self.result.school_years_created.append(year.label)

    def teacher(self, spec, row, header) -> Teacher | None:
        code = row[header]
        if not code:
            return None
        teacher = self.teachers.get(code)
        if teacher is None:
            if code not in self.sheet_teachers:
                self.error(spec.name, row, header,
                           _("Teacher code %(code)s is neither in sheet 教师 nor in the system.") % {"code": code})
            return None
        return teacher

    def studio(self, spec, row, header="工作室编号") -> Studio | None:
        code = row[header]
        if not code:
            return None
        studio = self.studios.get(code)
        if studio is None and code not in self.sheet_studios:
            self.error(spec.name, row, header,
                       _("Studio code %(code)s is neither in sheet 工作室 nor in the system.") % {"code": code})
        return studio

    def activity(self, spec, row, header="活动编号") -> Activity | None:
        code = row[header]
        activity = self.activities.get(code) if code else None
        if code and activity is None and code not in self.sheet_activities:
            self.error(spec.name, row, header,
                       _("Activity code %(code)s is neither in sheet 活动 nor in the system.") % {"code": code})
        return activity

    def order(self, spec, row, first, second, first_header, second_header):
        if first and second and second < first:
            self.error(spec.name, row, second_header, _("%(second)s is before %(first)s.")
                       % {"second": second_header, "first": first_header})

    @staticmethod
    def managed(row: Row, mapping: dict) -> dict:
        """The fields of the columns this sheet has: a column that is absent leaves its field alone."""
        return {name: value for header, (name, value) in mapping.items() if row.has(header)}
