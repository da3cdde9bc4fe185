"""Planning the people sheets: 教师, 工作室, 成员, 称号."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from members.models import School, Teacher, Title, User
from studios.access import today
from studios.models import Cycle, Membership, Studio

from .. import ledger as L
from .planning import SheetPlanner, by_field, chunks


class PeopleSheets(SheetPlanner):
    """Sheets 教师, 工作室, 成员 and 称号."""

    def plan_teachers(self):
        spec = L.TEACHERS
        rows = self.unique(spec, self.rows(spec), lambda row: row["教师编号"], "教师编号")
        names = {row["学校"] for row in rows if row["学校"]}
        schools = by_field(School.objects.all(), "name", names)
        for name in sorted(names - set(schools)):
            schools[name] = School(name=name)
            self.plan_.add(schools[name])
            self.result.schools_created.append(name)
        new_codes = [row["教师编号"] for row in rows if row["教师编号"] not in self.teachers]
        wanted_usernames = {code: code.lower() for code in new_codes}
        taken = set()
        for chunk in chunks(wanted_usernames.values()):
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
        for chunk in chunks(studios):
            for membership in Membership.objects.filter(studio__in=chunk):
                existing[(membership.studio_id, membership.teacher_id, membership.joined_on)] = membership
        self.existing_memberships = existing
        rows = self.unique(spec, self.rows(spec), lambda row: (row["工作室编号"], row["教师编号"], row["加入日期"]),
                           "教师编号")
        self.sheet_hosts = set()
        host_rows, in_sheet = [], set()
        for row in rows:
            studio = self.studio(spec, row)
            teacher = self.teacher(spec, row, "教师编号")
            if row["角色"] == Membership.Role.HOST and row["加入日期"] is not None:
                host_rows.append(row)
            if studio is not None and teacher is not None and studio.pk and teacher.pk:
                in_sheet.add((studio.pk, teacher.pk, row["加入日期"]))
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
        self.plan_one_host_at_a_time(spec, host_rows, in_sheet)

    def plan_one_host_at_a_time(self, spec, host_rows, in_sheet):
        """A studio has one host at a time: a 主持人 row whose period overlaps another host's — in the sheet or
        already recorded, unless the sheet rewrites that membership — is refused."""
        periods = defaultdict(list)  # studio code → [(joined, left, teacher code, sheet row or None)]
        codes = {studio.pk: code for code, studio in self.studios.items() if studio.pk}
        for (studio_id, teacher_id, joined), membership in self.existing_memberships.items():
            if membership.role == Membership.Role.HOST and (studio_id, teacher_id, joined) not in in_sheet:
                periods[codes.get(studio_id)].append((joined, membership.left_on, membership.teacher_id, None))
        for row in host_rows:
            periods[row["工作室编号"]].append((row["加入日期"], row["退出日期"], row["教师编号"], row))
        for code, spans in periods.items():
            for row, other in overlapping_hosts(spans):
                self.error(spec.name, row, "角色", _(
                    "The studio %(studio)s already has a host from %(since)s; a studio has one host at a time, so "
                    "the other host must leave (退出日期) before this one joins.")
                    % {"studio": code, "since": other[0].isoformat()})

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
        """Titles the office imports are verified (ledger-workbook.md, clarifications): a new one is recorded as
        verified, and one already waiting for verification becomes verified."""
        spec = L.TITLES
        teachers = [t for t in self.teachers.values() if t.pk]
        existing = {}
        for chunk in chunks(teachers):
            for title in Title.objects.filter(teacher__in=chunk):
                existing[(title.teacher_id, title.kind, title.level, title.awarded_on)] = title
        rows = self.unique(spec, self.rows(spec),
                           lambda row: (row["教师编号"], row["称号"], row["级别"], row["授予日期"]), "称号")
        verified = {"check_status": Title.Check.VERIFIED, "check_comment": ""}
        now = today()
        for row in rows:
            teacher = self.teacher(spec, row, "教师编号")
            if teacher is None:
                continue
            if row["授予日期"] and row["授予日期"] > now:  # clarification 10, as for a title recorded in the app
                self.error(spec.name, row, "授予日期", _("A title awarded in the future cannot be recorded."))
                continue
            key = (teacher.pk, row["称号"], row["级别"], row["授予日期"])
            if teacher.pk and key in existing:
                self.settle(spec, existing[key], verified, is_new=False)
            else:
                self.settle(spec, Title(teacher=teacher), {"kind": row["称号"], "level": row["级别"],
                                                           "awarded_on": row["授予日期"], **verified}, is_new=True)


def overlapping_hosts(spans):
    """(row, other span) for each host row of the sheet whose period [joined, left] overlaps an earlier-listed or
    recorded host's period of the same studio (open-ended when left is None)."""
    found = []
    ordered = sorted(spans, key=lambda span: (span[0], span[3] is not None))
    for index, span in enumerate(ordered):
        if span[3] is None:
            continue
        for other in ordered[:index]:
            if other[1] is None or other[1] >= span[0]:
                found.append((span[3], other))
                break
    return found
