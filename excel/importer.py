"""Import a ledger workbook (../shared/spec/ledger-workbook.md): read, check everything, then write everything.

    result = ledger_import(data, actor=user, dry_run=True)   # nothing written; result.counts, result.errors
    result = ledger_import(data, actor=user)                 # all or nothing, in one transaction

Three passes:
1. read: every sheet that is present, header row 1 mapped by Chinese name, each cell parsed by its column's kind
   (text, code, date, school year, 是/否, number, vocabulary word). A bad cell is an error, not a crash.
2. plan: with one bulk lookup per table (codes are the keys), each row becomes a record to create, a record to
   update with the fields that differ, or nothing (unchanged). References (teacher, studio, activity codes) must
   exist in the workbook or in the database.
3. write: only when there is no error at all and this is no dry run, inside one transaction.atomic(), with
   bulk_create / bulk_update per table, and one audit entry "ledger.import" with the counts.

The import is a bulk load, not a workflow: it writes the models directly and sends no notifications.
"""

from __future__ import annotations

import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from activities.models import Activity, Attendance, Filing
from core.services import audit_record
from members.models import School, Teacher, Title, User
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
from studios.models import Cycle, Membership, SchoolYear, Studio

from . import ledger as L

CHUNK = 900  # below SQLite's and PostgreSQL's limits on query parameters
BATCH = 500
_DATE_TEXT = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")


# --- results ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        where = _("sheet %(sheet)s, row %(row)d") % {"sheet": self.sheet, "row": self.row}
        if self.column:
            where += _(", column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    errors: list[LedgerError] = field(default_factory=list)
    school_years_created: list[str] = field(default_factory=list)
    schools_created: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    dry_run: bool = True
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def as_dict(self) -> dict:
        return {
            "counts": {name: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
                       for name, c in self.counts.items()},
            "school_years_created": self.school_years_created,
            "schools_created": self.schools_created,
            "users_created": len(self.users_created),
            "errors": len(self.errors),
        }

    def summary_lines(self) -> list[str]:
        lines = [
            _("%(sheet)s: %(created)d to create, %(updated)d to update, %(unchanged)d unchanged")
            % {"sheet": name, "created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            for name, c in self.counts.items()
        ]
        if self.school_years_created:
            lines.append(_("New school years (default calendar): %(years)s")
                         % {"years": "、".join(self.school_years_created)})
        if self.schools_created:
            lines.append(_("New schools: %(count)d") % {"count": len(self.schools_created)})
        if self.users_created:
            lines.append(_("New logins for teachers (no password yet; an administrator sets it): %(count)d")
                         % {"count": len(self.users_created)})
        return lines


class LedgerFileError(Exception):
    """The file as a whole cannot be read (not a workbook, damaged). The message is for the person."""


# --- reading ------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    values: dict
    present: frozenset  # headers that are columns of the sheet

    def __getitem__(self, header):
        return self.values.get(header)

    def has(self, header) -> bool:
        return header in self.present


class Reader:
    def __init__(self, errors: list[LedgerError]):
        self.errors = errors

    def error(self, sheet, row, column, message):
        self.errors.append(LedgerError(sheet, row, column, message))

    def read(self, data: bytes) -> dict[str, list[Row]]:
        from openpyxl import load_workbook

        damaged = _("The file is not an Excel workbook (.xlsx) or it is damaged.")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl, zlib and the XML parsers raise many kinds on a broken file
            raise LedgerFileError(damaged) from None
        sheets = {}
        try:
            names = set(workbook.sheetnames)
            for spec in L.SHEETS:
                if spec.name in names:
                    sheets[spec.name] = self._read_sheet(spec, workbook[spec.name])
        except Exception:  # read-only sheets are parsed row by row: the damage may show only now
            raise LedgerFileError(damaged) from None
        finally:
            workbook.close()
        if not sheets:
            raise LedgerFileError(
                _("The workbook has none of the ledger's sheets (%(names)s).")
                % {"names": "、".join(spec.name for spec in L.SHEETS)})
        return sheets

    def _read_sheet(self, spec: L.SheetSpec, ws) -> list[Row]:
        rows = ws.iter_rows(values_only=True)
        header_cells = next(rows, None) or ()
        positions = {}
        for index, value in enumerate(header_cells):
            header = _text(value)
            if header in (column.header for column in spec.columns) and header not in positions:
                positions[header] = index
        missing = [column.header for column in spec.columns if column.required and column.header not in positions]
        for header in missing:
            self.error(spec.name, 1, header, _("The required column %(column)s is missing.") % {"column": header})
        if missing:
            return []
        present = frozenset(positions)
        result = []
        for number, cells in enumerate(rows, start=2):
            if all(_text(cell) == "" for cell in cells):
                continue
            values = {}
            for header, index in positions.items():
                raw = cells[index] if index < len(cells) else None
                values[header] = self._cell(spec, spec.column(header), number, raw)
            result.append(Row(number=number, values=values, present=present))
        return result

    def _cell(self, spec, column: L.Column, number: int, raw):
        text = _text(raw)
        if text == "":
            if column.required:
                self.error(spec.name, number, column.header,
                           _("%(column)s must not be empty.") % {"column": column.header})
            return [] if column.kind == L.CODES else None
        try:
            return self._parse(column, raw, text)
        except ValueError as error:
            self.error(spec.name, number, column.header, str(error))
            return [] if column.kind == L.CODES else None

    def _parse(self, column: L.Column, raw, text: str):
        kind = column.kind
        if column.vocabulary is not None:
            if text not in column.vocabulary:
                raise ValueError(_("%(value)s is not a valid value for %(column)s; use one of: %(choices)s.") % {
                    "value": text, "column": column.header, "choices": "、".join(column.vocabulary)})
            return column.vocabulary[text]
        if kind in (L.TEXT, L.CODE):
            if column.max_length and len(text) > column.max_length:
                raise ValueError(_("%(column)s is longer than %(max)d characters.")
                                 % {"column": column.header, "max": column.max_length})
            return text
        if kind == L.DATE:
            return _date(raw, text, column.header)
        if kind == L.YEAR:
            try:
                return SchoolYear.parse_label(text)
            except ValueError:
                raise ValueError(_("%(value)s is not a school year; write it like 2024-2025.")
                                 % {"value": text}) from None
        if kind == L.CODES:
            codes = [part.strip() for part in re.split("[、,，]", text)]
            return list(dict.fromkeys(code for code in codes if code))
        if kind in (L.INT, L.SCORE):
            number = _number(raw, text)
            if number is None or number != int(number) or number < 0:
                raise ValueError(_("%(column)s must be a whole number, not %(value)s.")
                                 % {"column": column.header, "value": text})
            if kind == L.SCORE and number > 100:
                raise ValueError(_("%(column)s must be between 0 and 100, not %(value)s.")
                                 % {"column": column.header, "value": text})
            return int(number)
        if kind == L.DECIMAL:
            number = _number(raw, text.replace(",", ""))
            if number is None or number <= 0 or number >= Decimal("1e10"):
                raise ValueError(_("%(column)s must be a positive amount, not %(value)s.")
                                 % {"column": column.header, "value": text})
            return number.quantize(Decimal("0.01"))
        raise AssertionError(kind)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value).strip().strip("\u3000")


def _number(raw, text) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return Decimal(str(raw))
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _date(raw, text: str, header: str) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    match = _DATE_TEXT.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(_("%(value)s in %(column)s is not a date; use an Excel date or text like 2024-09-01.")
                     % {"value": text, "column": header})


# --- planning and writing -----------------------------------------------------------------------------------------


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _by(queryset, field_name: str, values) -> dict:
    """One bulk lookup (chunked): {value of field: object}."""
    found = {}
    for chunk in _chunks(set(values)):
        for obj in queryset.filter(**{f"{field_name}__in": chunk}):
            found[getattr(obj, field_name)] = obj
    return found


_REF = re.compile(r"^#([A-Z])(\d+)$")


def _by_code(model, codes) -> dict:
    """Coded records by code; a code like #W12 is the app's own id of a record typed in the browser (no code),
    as exports write it, so that an exported ledger imports back onto the same records."""
    refs, plain = {}, []
    for code in set(codes):
        match = _REF.match(code)
        if match and match.group(1) == model.REF_PREFIX:
            refs[int(match.group(2))] = code
        else:
            plain.append(code)
    found = _by(model.objects.all(), "code", plain)
    for chunk in _chunks(refs):
        for obj in model.objects.filter(pk__in=chunk, code__isnull=True):
            found[refs[obj.pk]] = obj
    return found


def _diff(obj, wanted: dict) -> list[str]:
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


class LedgerImport:
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
        else:
            changed = _diff(obj, wanted)
            if changed:
                self.plan_.change(obj, changed)
                state = "updated"
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
            if _REF.match(code) and code not in found:
                self.error(spec.name, row, header, _(
                    "%(code)s is the system's number of a record typed in the browser, but there is no such "
                    "record.") % {"code": code})
                continue
            kept.append(row)
        return kept

    # --- lookups ---------------------------------------------------------------------------------------------

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
        self.teachers = _by(Teacher.objects.select_related("school"), "code", teacher_codes)
        self.studios = _by(Studio.objects.all(), "code", studio_codes)
        self.activities = _by_code(Activity, activity_codes)
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

    # --- sheets ----------------------------------------------------------------------------------------------

    def plan(self):
        self.load()
        self.plan_teachers()
        self.plan_studios()
        self.plan_memberships()
        self.plan_studio_hosts()
        self.plan_titles()
        self.plan_projects()
        self.plan_activities()
        self.plan_attendance()
        self.plan_works()
        self.plan_mentoring()
        self.plan_tasks()
        self.plan_documents()
        self.plan_funds()
        self.plan_evaluations()

    def plan_teachers(self):
        spec = L.TEACHERS
        rows = self.unique(spec, self.rows(spec), lambda row: row["教师编号"], "教师编号")
        names = {row["学校"] for row in rows if row["学校"]}
        schools = _by(School.objects.all(), "name", names)
        for name in sorted(names - set(schools)):
            schools[name] = School(name=name)
            self.plan_.add(schools[name])
            self.result.schools_created.append(name)
        new_codes = [row["教师编号"] for row in rows if row["教师编号"] not in self.teachers]
        wanted_usernames = {code: code.lower() for code in new_codes}
        taken = set()
        for chunk in _chunks(wanted_usernames.values()):
            taken.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
        password = make_password(None)  # unusable: an administrator sets a password before the first login
        for row in rows:
            code = row["教师编号"]
            wanted = self.managed(row, {
                "姓名": ("name", row["姓名"]),
                "性别": ("gender", row["性别"] or ""),
                "出生日期": ("birth_date", row["出生日期"]),
                "学校": ("school", schools.get(row["学校"]) if row["学校"] else None),
                "学科": ("subject", row["学科"] or ""),
                "学段": ("stage", row["学段"] or ""),
                "是否乡村教师": ("is_rural", bool(row["是否乡村教师"])),
                "手机": ("phone", row["手机"] or ""),
            })
            teacher = self.teachers.get(code)
            if teacher is None:
                teacher = Teacher(code=code)
                username = wanted_usernames[code]
                suffix = 2
                while username in taken:
                    username = f"{wanted_usernames[code]}-{suffix}"
                    suffix += 1
                taken.add(username)
                user = User(username=username, password=password, role=User.Role.TEACHER)
                self.plan_.add(user)
                self.result.users_created.append(username)
                teacher.user = user
                self.teachers[code] = teacher
                self.settle(spec, teacher, wanted, is_new=True)
            else:
                self.settle(spec, teacher, wanted, is_new=False)

    def plan_studios(self):
        spec = L.STUDIOS
        rows = self.unique(spec, self.rows(spec), lambda row: row["工作室编号"], "工作室编号")
        existing_cycles = defaultdict(list)
        for cycle in Cycle.objects.filter(studio__in=list(self.studios.values())).select_related("start_year"):
            existing_cycles[cycle.studio_id].append(cycle.first_start_year)
        self.studio_hosts = []
        for row in rows:
            code = row["工作室编号"]
            host = self.teacher(spec, row, "主持人教师编号")
            self.studio_hosts.append((row, code, host))
            wanted = self.managed(row, {
                "名称": ("name", row["名称"]),
                "学科": ("subject", row["学科"] or ""),
                "学段": ("stage", row["学段"] or ""),
            })
            studio = self.studios.get(code)
            is_new = studio is None
            if is_new:
                studio = Studio(code=code)
                self.studios[code] = studio
            start_year = row["周期开始学年"]
            needs_cycle = start_year is not None and start_year not in existing_cycles.get(studio.pk, [])
            if needs_cycle and not is_new:
                overlapping = [year for year in existing_cycles.get(studio.pk, [])
                               if abs(year - start_year) < Cycle.YEARS]
                if overlapping:
                    self.error(spec.name, row, "周期开始学年", _(
                        "The studio already has a cycle starting in %(year)d-%(next)d that overlaps this one.")
                        % {"year": overlapping[0], "next": overlapping[0] + 1})
                    continue
            state = self.settle(spec, studio, wanted, is_new=is_new)
            if needs_cycle and start_year in self.years:
                self.plan_.add(Cycle(studio=studio, start_year=self.years[start_year]))
                if state == "unchanged":
                    counts = self.result.counts[spec.name]
                    counts.unchanged -= 1
                    counts.updated += 1

    def plan_memberships(self):
        spec = L.MEMBERS
        studios = [studio for studio in self.studios.values() if studio.pk]
        existing = {}
        for chunk in _chunks(studios):
            for membership in Membership.objects.filter(studio__in=chunk):
                existing[(membership.studio_id, membership.teacher_id, membership.joined_on)] = membership
        self.existing_memberships = existing
        rows = self.unique(spec, self.rows(spec), lambda row: (row["工作室编号"], row["教师编号"], row["加入日期"]),
                           "教师编号")
        self.sheet_hosts = set()
        for row in rows:
            studio = self.studio(spec, row)
            teacher = self.teacher(spec, row, "教师编号")
            self.order(spec, row, row["加入日期"], row["退出日期"], "加入日期", "退出日期")
            if row["角色"] == Membership.Role.HOST:
                self.sheet_hosts.add((row["工作室编号"], row["教师编号"]))
            if studio is None or teacher is None:
                continue
            wanted = {"role": row["角色"], **self.managed(row, {"退出日期": ("left_on", row["退出日期"])})}
            membership = existing.get((studio.pk, teacher.pk, row["加入日期"])) if studio.pk and teacher.pk else None
            if membership is None:
                membership = Membership(studio=studio, teacher=teacher, joined_on=row["加入日期"])
                self.settle(spec, membership, wanted, is_new=True)
            else:
                self.settle(spec, membership, wanted, is_new=False)

    def plan_studio_hosts(self):
        """The host named in sheet 工作室 must have a 成员 row with 角色 主持人 (or such a membership already)."""
        db_hosts = {(m.studio_id, m.teacher_id) for m in self.existing_memberships.values()
                    if m.role == Membership.Role.HOST}
        for row, code, host in self.studio_hosts:
            host_code = row["主持人教师编号"]
            if not host_code or (host is None and host_code not in self.sheet_teachers):
                continue
            studio = self.studios.get(code)
            in_db = studio is not None and studio.pk and host is not None and (studio.pk, host.pk) in db_hosts
            if (code, host_code) not in self.sheet_hosts and not in_db:
                self.error(L.STUDIOS.name, row, "主持人教师编号", _(
                    "The host %(code)s has no row in sheet 成员 with 角色 主持人 for this studio.")
                    % {"code": host_code})

    def plan_titles(self):
        spec = L.TITLES
        teachers = [t for t in self.teachers.values() if t.pk]
        existing = set()
        for chunk in _chunks(teachers):
            existing.update(Title.objects.filter(teacher__in=chunk).values_list(
                "teacher_id", "kind", "level", "awarded_on"))
        rows = self.unique(spec, self.rows(spec),
                           lambda row: (row["教师编号"], row["称号"], row["级别"], row["授予日期"]), "称号")
        for row in rows:
            teacher = self.teacher(spec, row, "教师编号")
            if teacher is None:
                continue
            key = (teacher.pk, row["称号"], row["级别"], row["授予日期"])
            if teacher.pk and key in existing:
                self.count(spec, "unchanged")
            else:
                self.settle(spec, Title(teacher=teacher), {"kind": row["称号"], "level": row["级别"],
                                                           "awarded_on": row["授予日期"]}, is_new=True)

    def plan_projects(self):
        spec = L.PROJECTS
        rows = self.unique(spec, self.rows(spec), lambda row: row["课题编号"], "课题编号")
        existing = _by_code(ResearchProject, [row["课题编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "课题编号")
        members = defaultdict(set)
        through = ResearchProject.participants.through
        for chunk in _chunks([p.pk for p in existing.values()]):
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

    def plan_activities(self):
        spec = L.ACTIVITIES
        rows = self.unique(spec, self.rows(spec), lambda row: row["活动编号"], "活动编号")
        rows = self.known_refs(spec, rows, self.activities, "活动编号")
        filings = {}
        for chunk in _chunks([a.pk for a in self.activities.values()]):
            for filing in Filing.objects.filter(activity_id__in=chunk):
                filings[filing.activity_id] = filing
        numbers = [row["备案文号"] for row in rows if row["备案文号"]]
        taken_numbers = {}
        for chunk in _chunks(set(numbers)):
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
                wanted_filing = {"status": filing_status, "approved_on": approved_on if approved else None,
                                 "doc_number": number if approved else None}
                if filing is None:
                    filing = Filing(activity=activity, **wanted_filing)
                    self.plan_.add(filing)
                    filing_changed = True
                else:
                    changed = _diff(filing, wanted_filing)
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
        for chunk in _chunks([a.pk for a in self.activities.values() if a.pk]):
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

    def plan_works(self):
        spec = L.WORKS
        rows = self.unique(spec, self.rows(spec), lambda row: row["成果编号"], "成果编号")
        existing = _by_code(Work, [row["成果编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "成果编号")
        for row in rows:
            teacher = self.teacher(spec, row, "教师编号")
            studio = self.studio(spec, row)
            if teacher is None or studio is None:
                continue
            work = existing.get(row["成果编号"])
            wanted = {"teacher": teacher, "studio": studio, "kind": row["类型"], "title": row["标题"],
                      "date": row["日期"]}
            count = row["字数"]
            if row.has("字数") and (work is None or work.upload_id is None and work.char_count != count):
                # 字数 for rows with no file, as the ledger records it; a file's own count is never replaced.
                wanted["char_count"] = count
                wanted["char_count_source"] = Work.CountSource.LEDGER if count is not None else ""
            self.settle(spec, work or Work(code=row["成果编号"], status=Work.Status.SUBMITTED), wanted,
                        is_new=work is None)

    def plan_mentoring(self):
        spec = L.MENTORING
        rows = self.unique(spec, self.rows(spec), lambda row: row["帮扶编号"], "帮扶编号")
        existing = _by_code(MentoringPair, [row["帮扶编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "帮扶编号")
        for row in rows:
            teacher = self.teacher(spec, row, "教师编号")
            self.order(spec, row, row["开始日期"], row["结束日期"], "开始日期", "结束日期")
            if teacher is None:
                continue
            pair = existing.get(row["帮扶编号"])
            wanted = {"teacher": teacher, "mentee_name": row["帮扶对象姓名"], "mentee_school": row["帮扶对象学校"],
                      "started_on": row["开始日期"], **self.managed(row, {"结束日期": ("ended_on", row["结束日期"])})}
            self.settle(spec, pair or MentoringPair(code=row["帮扶编号"]), wanted, is_new=pair is None)

    def plan_tasks(self):
        spec = L.TASKS
        rows = self.unique(spec, self.rows(spec), lambda row: (row["任务编号"], row["教师编号"]), "教师编号")
        existing = _by_code(Task, [row["任务编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "任务编号")
        assignments = {}
        for chunk in _chunks([task.pk for task in existing.values()]):
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
                    changed = _diff(task, task_values)
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
        existing = _by_code(StudioDocument, [row["材料编号"] for row in rows])
        rows = self.known_refs(spec, rows, existing, "材料编号")
        for row in rows:
            studio = self.studio(spec, row)
            year = self.years.get(row["学年"])
            if studio is None or year is None:
                continue
            document = existing.get(row["材料编号"])
            wanted = {"studio": studio, "kind": row["类型"], "school_year": year, "submitted_on": row["提交日期"],
                      "status": row["审核状态"]}
            if document is None:
                document = StudioDocument(code=row["材料编号"],
                                          title=f"{year.label}{L.label_for(L.DOCUMENT_KINDS, row['类型'])}")
            self.settle(spec, document, wanted, is_new=document.pk is None)

    def plan_funds(self):
        spec = L.FUNDS
        rows = self.unique(spec, self.rows(spec), lambda row: row["经费编号"], "经费编号")
        existing = _by_code(FundEntry, [row["经费编号"] for row in rows])
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
        for chunk in _chunks([s.pk for s in self.studios.values() if s.pk]):
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

    # --- writing ---------------------------------------------------------------------------------------------

    WRITE_ORDER = (SchoolYear, School, User, Teacher, Studio, Cycle, Membership, Title, ResearchProject, Activity,
                   Filing, Attendance, Work, MentoringPair, Task, TaskAssignment, StudioDocument, FundEntry,
                   HostEvaluation)

    def write(self):
        plan = self.plan_
        for filing in plan.delete_filings:
            filing.delete()
        for model in self.WRITE_ORDER:
            objects = plan.create.get(model, [])
            if objects:
                for obj in objects:
                    # Parents were created just before: copy their new ids onto the foreign keys.
                    obj._prepare_related_fields_for_save(operation_name="bulk_create")
                model.objects.bulk_create(objects, batch_size=BATCH)
            updates = list(plan.update.get(model, {}).values())
            if updates:
                for obj in updates:
                    obj._prepare_related_fields_for_save(operation_name="bulk_update")
                model.objects.bulk_update(updates, sorted(plan.update_fields[model]), batch_size=BATCH)
        through = ResearchProject.participants.through
        if plan.participants:
            through.objects.filter(researchproject_id__in=[p.pk for p, _people in plan.participants]).delete()
            through.objects.bulk_create([
                through(researchproject_id=project.pk, teacher_id=teacher.pk)
                for project, people in plan.participants for teacher in people
            ], batch_size=BATCH)


def ledger_import(data: bytes, *, actor=None, dry_run: bool = False, file_name: str = "",
                  request=None) -> ImportResult:
    """Read, check and (unless dry_run or on any error) write a ledger workbook. See the module docstring.

    Raises LedgerFileError when the file is not a readable workbook at all."""
    result = ImportResult(dry_run=dry_run)
    errors: list[LedgerError] = []
    sheets = Reader(errors).read(data)
    for spec in L.SHEETS:
        if spec.name in sheets:
            result.counts[spec.name] = SheetCounts()
    job = LedgerImport(sheets, errors, result)
    job.plan()
    result.errors = sorted(errors, key=lambda e: (_sheet_order(e.sheet), e.row, e.column))
    if errors or dry_run:
        return result
    with transaction.atomic():
        job.write()
        audit_record(actor=actor, action="ledger.import", data={"file": file_name, **result.as_dict()},
                     request=request)
    result.written = True
    return result


def _sheet_order(name: str) -> int:
    return next((index for index, spec in enumerate(L.SHEETS) if spec.name == name), len(L.SHEETS))


def check_workbook_upload(uploaded):
    """Guard an uploaded ledger before any XML is parsed: size, the content really is .xlsx, no zip bomb.

    openpyxl parses through defusedxml when it is installed (it is: requirements.txt), so entity expansion is off.
    Returns core.uploads.CheckedFile; raises ValidationError with a Chinese message."""
    from core.uploads import SPREADSHEET, check_upload

    return check_upload(uploaded, SPREADSHEET)

