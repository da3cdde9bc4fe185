"""The ledger workbook (台账) as a contract: sheet names, Chinese headers and vocabularies.

Kept word for word from ../shared/spec/ledger-workbook.md. These Chinese strings are data of the file format, not
interface text, so they are not translated. The importer, the template and the ledger-layout exports all read
their sheets and columns from here, which is what lets an export be imported again unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from activities.models import Activity, Attendance, Filing
from members.models import Level, Stage, Teacher, Title
from records.models import FundEntry, StudioDocument, Work
from studios.models import Membership

YES, NO = "是", "否"
YES_NO = {YES: True, NO: False}
LIST_SEPARATORS = ("、", ",", "，")

GENDERS = {"男": Teacher.Gender.MALE, "女": Teacher.Gender.FEMALE}
STAGES = {"幼儿园": Stage.KINDERGARTEN, "小学": Stage.PRIMARY, "初中": Stage.JUNIOR, "高中": Stage.SENIOR}
ROLES = {"主持人": Membership.Role.HOST, "成员": Membership.Role.MEMBER}
TITLE_KINDS = {
    "教学能手": Title.Kind.TEACHING_EXPERT,
    "骨干教师": Title.Kind.BACKBONE,
    "学科带头人": Title.Kind.SUBJECT_LEADER,
    "名师": Title.Kind.MASTER,
    "特级教师": Title.Kind.SPECIAL_GRADE,
    "基本功大赛一等奖": Title.Kind.SKILLS_FIRST_PRIZE,
    "德育类竞赛一等奖": Title.Kind.MORAL_FIRST_PRIZE,
}
LEVELS = {"旗级": Level.BANNER, "市级": Level.CITY, "自治区级": Level.REGION, "国家级": Level.NATIONAL}
ACTIVITY_KINDS = {
    "工作部署会": Activity.Kind.DEPLOYMENT_MEETING,
    "阶段性总结会": Activity.Kind.SUMMARY_MEETING,
    "工作研讨": Activity.Kind.WORK_SEMINAR,
    "汇报会": Activity.Kind.REPORT_MEETING,
    "外出学习": Activity.Kind.STUDY_TRIP,
    "专题讲座": Activity.Kind.LECTURE,
    "报告会": Activity.Kind.REPORT,
    "专题研讨": Activity.Kind.SEMINAR,
    "公开课": Activity.Kind.OPEN_CLASS,
    "听课磨课": Activity.Kind.OBSERVATION,
    "送教下乡": Activity.Kind.OUTREACH,
    "支教": Activity.Kind.TEACHING_SUPPORT,
    "读书交流": Activity.Kind.READING,
    "其他": Activity.Kind.OTHER,
}
SCOPES = {"工作室": Activity.Scope.STUDIO, "学校": Activity.Scope.SCHOOL, "全旗": Activity.Scope.BANNER}
ACTIVITY_STATUSES = {"计划": Activity.Status.PLANNED, "已举行": Activity.Status.HELD,
                     "已取消": Activity.Status.CANCELLED}
NO_FILING = "无需备案"
NO_FILING_VALUE = "none"  # no Filing row at all
# Every state the app knows is a ledger word, so that an exported ledger gives back the same records: the spec's
# four, and 草稿 (a plan not yet sent) and 已撤回 (withdrawn by the host), which the app also records.
FILING_STATUSES = {NO_FILING: NO_FILING_VALUE, "待审核": Filing.Status.SUBMITTED, "已批准": Filing.Status.APPROVED,
                   "退回": Filing.Status.RETURNED, "草稿": Filing.Status.DRAFT, "已撤回": Filing.Status.WITHDRAWN}
ATTENDANCE = {"出席": Attendance.Status.PRESENT, "请假": Attendance.Status.EXCUSED, "缺席": Attendance.Status.ABSENT}
WORK_KINDS = {
    "论文": Work.Kind.PAPER,
    "反思总结": Work.Kind.REFLECTION,
    "教学设计": Work.Kind.DESIGN,
    "教学案例": Work.Kind.CASE,
    "阶段总结": Work.Kind.STAGE_SUMMARY,
    "发展规划": Work.Kind.DEV_PLAN,
}
DOCUMENT_KINDS = {
    "年度工作计划": StudioDocument.Kind.WORK_PLAN,
    "年度总结": StudioDocument.Kind.ANNUAL_SUMMARY,
    "培养计划": StudioDocument.Kind.TRAINING_PLAN,
    "研究报告": StudioDocument.Kind.RESEARCH_REPORT,
    "调研报告": StudioDocument.Kind.SURVEY_REPORT,
}
DRAFT = "草稿"
REVIEW_STATUSES = {DRAFT: StudioDocument.Status.DRAFT, "待审核": StudioDocument.Status.SUBMITTED,
                   "已通过": StudioDocument.Status.APPROVED, "退回": StudioDocument.Status.RETURNED}
# "查重未通过": the office declined the work as a near-copy (clarification 10); it is kept and counts for nothing.
DECLINED_WORK = "declined"
WORK_STATUSES = {"已提交": Work.Status.SUBMITTED, DRAFT: Work.Status.DRAFT, "查重未通过": DECLINED_WORK}
FUND_KINDS = {"拨款": FundEntry.Kind.ALLOCATION, "支出": FundEntry.Kind.EXPENSE}
FUND_CATEGORIES = {
    "图书设备": FundEntry.Category.BOOKS_EQUIPMENT,
    "课题研究": FundEntry.Category.RESEARCH,
    "专家费用": FundEntry.Category.EXPERTS,
    "成员考察差旅劳务": FundEntry.Category.MEMBER_TRAVEL,
    "其他": FundEntry.Category.OTHER,
}


def label_for(vocabulary: dict, value) -> str:
    """The Chinese word for a stored value ('' for none); the reverse of a vocabulary lookup."""
    for word, stored in vocabulary.items():
        if stored == value:
            return word
    return ""


# Cell kinds the importer knows how to read.
TEXT, CODE, DATE, YEAR, BOOL, INT, DECIMAL, CODES, SCORE = (
    "text", "code", "date", "year", "bool", "int", "decimal", "codes", "score")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    required: bool = False
    vocabulary: dict | None = None
    width: int = 14
    note: str = ""
    max_length: int = 0  # 0: no limit (dates, numbers, vocabularies)


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    note: str = ""

    def column(self, header: str) -> Column:
        return next(column for column in self.columns if column.header == header)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


_DEFAULT_LENGTHS = {CODE: 40, TEXT: 200}


def _c(header, kind=TEXT, required=False, vocabulary=None, width=14, note="", max_length=None):
    if max_length is None:
        max_length = 0 if vocabulary else _DEFAULT_LENGTHS.get(kind, 0)
    return Column(header=header, kind=kind, required=required, vocabulary=vocabulary, width=width, note=note,
                  max_length=max_length)


TEACHERS = SheetSpec("教师", (
    _c("教师编号", CODE, True, max_length=30),
    _c("姓名", TEXT, True, width=10, max_length=50),
    _c("性别", vocabulary=GENDERS, width=6),
    _c("出生日期", DATE, True, width=12),
    _c("学校", width=24, max_length=100),
    _c("学科", width=8, max_length=30),
    _c("学段", vocabulary=STAGES, width=8),
    _c("是否乡村教师", BOOL, vocabulary=YES_NO, width=12), _c("手机", width=14, max_length=20),
), "每位教师一行；教师编号是唯一的键。新教师会得到一个登录账号（用户名为教师编号的小写），由管理员设置密码后即可登录。")
STUDIOS = SheetSpec("工作室", (
    _c("工作室编号", CODE, True, max_length=30), _c("名称", TEXT, True, width=24, max_length=100),
    _c("学科", width=8, max_length=30), _c("学段", vocabulary=STAGES, width=8),
    _c("周期开始学年", YEAR, True, width=14), _c("主持人教师编号", CODE, True, width=14),
), "主持人还必须在「成员」表中有一行角色为「主持人」的记录。")
MEMBERS = SheetSpec("成员", (
    _c("工作室编号", CODE, True), _c("教师编号", CODE, True), _c("角色", TEXT, True, ROLES, width=8),
    _c("加入日期", DATE, True, width=12), _c("退出日期", DATE, width=12),
), "同一位教师在同一工作室的同一加入日期只写一行。")
TITLES = SheetSpec("荣誉", (
    _c("教师编号", CODE, True),
    _c("称号", TEXT, True, TITLE_KINDS, width=18),
    _c("级别", TEXT, True, LEVELS, width=10),
    _c("授予日期", DATE, True, width=12),
))
PROJECTS = SheetSpec("课题", (
    _c("课题编号", CODE, True), _c("工作室编号", CODE, True), _c("名称", TEXT, True, width=30),
    _c("级别", TEXT, True, LEVELS, width=10), _c("立项日期", DATE, True, width=12), _c("结题日期", DATE, width=12),
    _c("主持人教师编号", CODE, True, width=14),
    _c("参与人教师编号", CODES, width=30, note="多个编号用「、」或「,」分隔"),
))
ACTIVITIES = SheetSpec("活动", (
    _c("活动编号", CODE, True), _c("工作室编号", CODE, True), _c("名称", TEXT, True, width=30),
    _c("类型", TEXT, True, ACTIVITY_KINDS, width=12), _c("范围", TEXT, True, SCOPES, width=8),
    _c("日期", DATE, True, width=12), _c("组织者教师编号", CODE, width=14),
    _c("状态", TEXT, vocabulary=ACTIVITY_STATUSES, width=8, note="默认「已举行」"),
    _c("备案状态", TEXT, vocabulary=FILING_STATUSES, width=10), _c("备案批准日期", DATE, width=12),
    _c("备案文号", width=22, max_length=50), _c("必须参加", BOOL, vocabulary=YES_NO, width=8, note="默认「是」"),
), "专题讲座、公开课的组织者即主讲人。面向全旗的活动须备案；「已批准」须填写备案批准日期和备案文号。")
ATTENDANCES = SheetSpec("考勤", (
    _c("活动编号", CODE, True), _c("教师编号", CODE, True), _c("出勤", TEXT, True, ATTENDANCE, width=8),
))
WORKS = SheetSpec("成果", (
    _c("成果编号", CODE, True), _c("教师编号", CODE, True), _c("工作室编号", CODE, True),
    _c("类型", TEXT, True, WORK_KINDS, width=10),
    _c("标题", TEXT, True, width=30),
    _c("日期", DATE, True, width=12),
    _c("字数", INT, width=8, note="没有上传文件的成果，按台账记载的字数"),
    _c("状态", vocabulary=WORK_STATUSES, width=8, note="默认「已提交」；「草稿」不计入考核"),
))
MENTORING = SheetSpec("帮扶", (
    _c("帮扶编号", CODE, True), _c("教师编号", CODE, True), _c("帮扶对象姓名", TEXT, True, width=12, max_length=50),
    _c("帮扶对象学校", TEXT, True, width=24, max_length=100),
    _c("开始日期", DATE, True, width=12),
    _c("结束日期", DATE, width=12),
    _c("工作室编号", CODE, note="不填时，该帮扶对子属于教师本人，计入其所在的每个工作室"),
))
TASKS = SheetSpec("任务", (
    _c("任务编号", CODE, True), _c("工作室编号", CODE, True), _c("名称", TEXT, True, width=30),
    _c("截止日期", DATE, True, width=12), _c("教师编号", CODE, True), _c("完成日期", DATE, width=12),
), "每位承担人一行；任务编号相同的多行是同一个任务。")
DOCUMENTS = SheetSpec("工作室材料", (
    _c("材料编号", CODE, True), _c("工作室编号", CODE, True), _c("类型", TEXT, True, DOCUMENT_KINDS, width=14),
    _c("学年", YEAR, True, width=12), _c("提交日期", DATE, width=12, note="除「草稿」外必填"),
    _c("审核状态", TEXT, True, REVIEW_STATUSES, width=10),
    _c("标题", width=30, note="不填时按学年和类型命名，如「2024-2025年度工作计划」"),
))
FUNDS = SheetSpec("经费", (
    _c("经费编号", CODE, True), _c("工作室编号", CODE, True), _c("学年", YEAR, True, width=12),
    _c("类型", TEXT, True, FUND_KINDS, width=8), _c("金额", DECIMAL, True, width=12),
    _c("类别", TEXT, vocabulary=FUND_CATEGORIES, width=18),
    _c("日期", DATE, True, width=12),
    _c("说明", width=30, max_length=300),
), "「拨款」是本学年拨给工作室的经费，「支出」是开支。")
EVALUATIONS = SheetSpec("主持人评价", (
    _c("工作室编号", CODE, True), _c("学年", YEAR, True, width=12), _c("教师编号", CODE, True),
    _c("工作态度", SCORE, True, width=10), _c("任务完成量", SCORE, True, width=10),
    _c("研究能力", SCORE, True, width=10),
    _c("理论提高", SCORE, True, width=10), _c("教学能力", SCORE, True, width=10),
), "各项为 0–100 的整数。")

SHEETS: tuple[SheetSpec, ...] = (
    TEACHERS, STUDIOS, MEMBERS, TITLES, PROJECTS, ACTIVITIES, ATTENDANCES, WORKS, MENTORING, TASKS, DOCUMENTS,
    FUNDS, EVALUATIONS,
)
SHEETS_BY_NAME = {sheet.name: sheet for sheet in SHEETS}
INSTRUCTIONS_SHEET = "填写说明"
