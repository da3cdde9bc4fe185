"""Factories for people and studios, used by every app's tests."""

import datetime
from types import SimpleNamespace

import factory

from members.models import School, Teacher, User
from studios.models import Cycle, Membership, SchoolYear, Studio


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-1234-word")
    role = User.Role.TEACHER


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"乌审旗第{n}小学")


class TeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teacher

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    name = factory.Sequence(lambda n: f"教师{n}")
    birth_date = datetime.date(1985, 5, 1)
    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory, username=factory.SelfAttribute("..code"))


def school_year(start_year: int = 2024) -> SchoolYear:
    return SchoolYear.get_or_create_for(start_year)


class StudioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Studio

    code = factory.Sequence(lambda n: f"WS-{n:02d}")
    name = factory.Sequence(lambda n: f"第{n}名师工作室")
    subject = "语文"
    stage = "primary"


def make_studio(*, code=None, start_year=2024, members=2, joined_on=None):
    """A studio with its cycle, a host and some members, all joined on the cycle's first day."""
    studio = StudioFactory(**({"code": code} if code else {}))
    year = school_year(start_year)
    Cycle.objects.create(studio=studio, start_year=year)
    joined = joined_on or year.start
    host = TeacherFactory()
    Membership.objects.create(studio=studio, teacher=host, role=Membership.Role.HOST, joined_on=joined)
    people = []
    for _index in range(members):
        teacher = TeacherFactory()
        Membership.objects.create(studio=studio, teacher=teacher, role=Membership.Role.MEMBER, joined_on=joined)
        people.append(teacher)
    return SimpleNamespace(studio=studio, host=host, members=people, cycle=studio.cycles.get())


def make_banner():
    a = make_studio(code="WS-A")
    b = make_studio(code="WS-B")
    officer = UserFactory(username="officer", role=User.Role.OFFICER)
    # 三员分立: the system, security and audit administrators; none of them is the office.
    admin = UserFactory(username="admin", role=User.Role.ADMIN, is_staff=True)
    security_admin = UserFactory(username="security", role=User.Role.SECURITY)
    audit_admin = UserFactory(username="auditor", role=User.Role.AUDITOR)
    outsider = TeacherFactory()
    return SimpleNamespace(
        a=a, b=b, officer=officer, admin=admin, security_admin=security_admin, audit_admin=audit_admin,
        outsider=outsider,
        users={
            "anonymous": None,
            "member_a": a.members[0].user,
            "host_a": a.host.user,
            "member_b": b.members[0].user,
            "host_b": b.host.user,
            "officer": officer,
            "admin": admin,
            "security_admin": security_admin,
            "audit_admin": audit_admin,
        },
    )
