"""The demo banner's people and studios (ORDER 10): later apps' demo modules add their records to ctx."""

import datetime
from types import SimpleNamespace

from members.models import Level, School, Stage, Teacher, Title, User

from .models import Cycle, Membership, SchoolYear, Studio

VERIFIED = Title.Check.VERIFIED

ORDER = 10
DEMO_PASSWORD = "mingshi-2024"
CYCLE_START = 2024

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏琳晶雪慧颖欣悦婷瑶佳宁"

SCHOOLS = [
    ("乌审旗第一中学", Stage.SENIOR, False), ("乌审旗第二中学", Stage.JUNIOR, False),
    ("乌审旗第三中学", Stage.JUNIOR, False), ("乌审旗民族中学", Stage.SENIOR, False),
    ("乌审旗第一小学", Stage.PRIMARY, False), ("乌审旗第二小学", Stage.PRIMARY, False),
    ("乌审旗第三小学", Stage.PRIMARY, False), ("乌审旗第四小学", Stage.PRIMARY, False),
    ("乌审旗第一幼儿园", Stage.KINDERGARTEN, False), ("乌审旗第二幼儿园", Stage.KINDERGARTEN, False),
    ("嘎鲁图镇中心小学", Stage.PRIMARY, False), ("无定河镇中心学校", Stage.JUNIOR, True),
    ("图克镇中心学校", Stage.PRIMARY, True), ("乌兰陶勒盖镇学校", Stage.PRIMARY, True),
    ("苏力德苏木学校", Stage.PRIMARY, True), ("乌审召镇中心学校", Stage.JUNIOR, True),
]

STUDIOS = [
    ("WS-01", "高中语文名师工作室", "语文", Stage.SENIOR, 10),
    ("WS-02", "初中数学名师工作室", "数学", Stage.JUNIOR, 9),
    ("WS-03", "小学英语名师工作室", "英语", Stage.PRIMARY, 8),
    ("WS-04", "学前教育名师工作室", "学前教育", Stage.KINDERGARTEN, 7),
    ("WS-05", "初中物理名师工作室", "物理", Stage.JUNIOR, 6),
    ("WS-06", "小学语文名师工作室", "语文", Stage.PRIMARY, 12),
    ("WS-07", "高中生物名师工作室", "生物", Stage.SENIOR, 8),
    ("WS-08", "蒙古语文名师工作室", "蒙古语文", Stage.PRIMARY, 7),
]


def demo_logins() -> list[tuple[str, str]]:
    """One login per role, as printed by `make run`."""
    first = Studio.objects.filter(code="WS-01").first()
    host = member = None
    if first is not None:
        memberships = first.memberships.filter(left_on__isnull=True).select_related("teacher__user")
        host = next((m.teacher for m in memberships if m.role == Membership.Role.HOST), None)
        member = next((m.teacher for m in memberships.order_by("teacher__code") if m.role == Membership.Role.MEMBER),
                      None)
    # README.md's table "Demo logins" lists these rows as they are (core/tests/test_demo.py).
    rows = [("系统管理员 system admin", "admin"), ("安全管理员 security admin", "security"),
            ("审计管理员 audit admin", "auditor"), ("教研中心办公室 officer", "office")]
    if host and host.user:
        rows.append(("主持人 host (WS-01)", host.user.username))
    if member and member.user:
        rows.append(("成员 member (WS-01)", member.user.username))
    return rows


def _user(username: str, role: str, **extra) -> User:
    user = User(username=username, role=role, email=f"{username}@example.edu.cn", **extra)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def seed(ctx):
    rng = ctx.rng
    years = {start: SchoolYear.get_or_create_for(start) for start in range(CYCLE_START, CYCLE_START + 3)}
    ctx.years = years
    schools = [School.objects.create(name=name, stage=stage, is_rural=rural) for name, stage, rural in SCHOOLS]
    urban = [school for school in schools if not school.is_rural]
    # 三员分立: one account per administrator role; the Django superuser is made at installation only.
    ctx.admin = _user("admin", User.Role.ADMIN, is_staff=True, first_name="系统管理员")
    ctx.security_admin = _user("security", User.Role.SECURITY, first_name="安全管理员")
    ctx.audit_admin = _user("auditor", User.Role.AUDITOR, first_name="审计管理员")
    ctx.officer = _user("office", User.Role.OFFICER, first_name="教研中心办公室")
    ctx.officer2 = _user("office2", User.Role.OFFICER, first_name="教研中心二")

    used_names: set[str] = set()
    counter = iter(range(1, 10_000))

    def new_teacher(subject: str, stage: str, *, young: bool) -> Teacher:
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            if name not in used_names:
                used_names.add(name)
                break
        number = next(counter)
        code = f"T-{number:03d}"
        birth_year = rng.randint(1991, 1996) if young else rng.randint(1970, 1988)
        teacher = Teacher.objects.create(
            code=code, name=name, gender=rng.choice("MF"), birth_date=datetime.date(birth_year, rng.randint(1, 12),
                                                                                    rng.randint(1, 28)),
            school=rng.choice(urban), subject=subject, stage=stage, phone=f"139{rng.randint(10_000_000, 99_999_999)}",
            user=_user(code.lower().replace("-", ""), User.Role.TEACHER),
        )
        return teacher

    ctx.studios = []
    cycle_start = years[CYCLE_START]
    for code, name, subject, stage, size in STUDIOS:
        studio = Studio.objects.create(code=code, name=name, subject=subject, stage=stage,
                                       description=f"乌审旗{subject}学科名师工作室，{CYCLE_START}年起第一个工作周期。")
        cycle = Cycle.objects.create(studio=studio, start_year=cycle_start)
        host = new_teacher(subject, stage, young=False)
        Membership.objects.create(studio=studio, teacher=host, role=Membership.Role.HOST, joined_on=cycle_start.start)
        # The demo's titles were checked by the office (clarification 10); records.demo adds a few still waiting.
        Title.objects.create(teacher=host, kind=Title.Kind.SUBJECT_LEADER, level=Level.CITY,
                             awarded_on=datetime.date(rng.randint(2012, 2018), 9, 10), check_status=VERIFIED)
        members = []
        for index in range(size):
            teacher = new_teacher(subject, stage, young=index % 2 == 0)
            joined = cycle_start.start
            left = None
            if index == size - 1 and code in ("WS-02", "WS-06"):
                joined = datetime.date(2025, 3, 1)  # joined in the second semester of the first year
            if index == size - 2 and code == "WS-03":
                left = datetime.date(2025, 12, 31)  # left during the second year
            Membership.objects.create(studio=studio, teacher=teacher, role=Membership.Role.MEMBER, joined_on=joined,
                                      left_on=left, leave_reason="调离本旗" if left else "")
            members.append(teacher)
            # Members come in with a banner-level title (六); some already hold a backbone title.
            kind = rng.choice([Title.Kind.TEACHING_EXPERT, Title.Kind.SKILLS_FIRST_PRIZE, Title.Kind.BACKBONE])
            Title.objects.create(teacher=teacher, kind=kind, level=Level.BANNER,
                                 awarded_on=datetime.date(rng.randint(2016, 2023), rng.randint(1, 12), 15),
                                 check_status=VERIFIED)
        # Young members newly titled backbone teachers inside the cycle (九, 二十.2): more in the first studios.
        for teacher in members[: max(0, 4 - len(ctx.studios) // 2) : 2]:
            Title.objects.create(teacher=teacher, kind=Title.Kind.BACKBONE, level=Level.BANNER,
                                 awarded_on=datetime.date(2025, 9, 10), check_status=VERIFIED)
        ctx.studios.append(SimpleNamespace(studio=studio, cycle=cycle, host=host, members=members))

    # A host of one studio is also a member of another (a person may hold both roles).
    Membership.objects.create(studio=ctx.studios[1].studio, teacher=ctx.studios[0].host, role=Membership.Role.MEMBER,
                              joined_on=cycle_start.start)
    ctx.teachers_without_studio = [new_teacher("语文", Stage.PRIMARY, young=True) for _ in range(3)]
