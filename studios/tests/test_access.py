import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from studios.access import (
    can_manage_studio,
    can_view_teacher,
    get_managed_studio_for_user,
    get_studio_for_user,
    require_office,
    studio_roles,
    visible_studios,
)
from studios.models import Membership

from .factories import TeacherFactory, make_studio

pytestmark = pytest.mark.django_db


def test_office_sees_every_studio(banner):
    assert set(visible_studios(banner.officer)) == {banner.a.studio, banner.b.studio}



def test_no_administrator_sees_a_studio(banner):
    """三员分立: the system, security and audit administrators keep the system, not the studios."""
    for admin in (banner.admin, banner.security_admin, banner.audit_admin):
        assert not visible_studios(admin).exists()
        with pytest.raises(Http404):
            get_studio_for_user(admin, "WS-A")


def test_member_sees_only_own_studio(banner):
    user = banner.users["member_a"]
    assert list(visible_studios(user)) == [banner.a.studio]
    assert get_studio_for_user(user, "WS-A") == banner.a.studio
    with pytest.raises(Http404):
        get_studio_for_user(user, "WS-B")


def test_teacher_without_studio_sees_nothing(banner):
    assert not visible_studios(banner.outsider.user).exists()


def test_host_manages_own_studio_but_not_another(banner):
    host = banner.users["host_a"]
    assert can_manage_studio(host, banner.a.studio)
    assert not can_manage_studio(host, banner.b.studio)
    with pytest.raises(Http404):
        get_managed_studio_for_user(host, "WS-B")


def test_member_cannot_manage_own_studio(banner):
    with pytest.raises(Http404):
        get_managed_studio_for_user(banner.users["member_a"], "WS-A")


def test_a_person_can_host_one_studio_and_be_member_of_another(banner):
    Membership.objects.create(studio=banner.b.studio, teacher=banner.a.host, role=Membership.Role.MEMBER,
                              joined_on=datetime.date(2024, 9, 1))
    user = banner.users["host_a"]
    roles = studio_roles(user)
    assert roles.hosted == {banner.a.studio.pk}
    assert roles.member_of == {banner.b.studio.pk}
    assert can_manage_studio(user, banner.a.studio)
    assert not can_manage_studio(user, banner.b.studio)


def test_former_member_still_sees_the_studio_but_cannot_manage_it(db):
    setup = make_studio(code="WS-X")
    membership = Membership.objects.get(teacher=setup.host)
    membership.left_on = datetime.date(2025, 1, 31)
    membership.save()
    user = setup.host.user
    assert get_studio_for_user(user, "WS-X") == setup.studio
    assert not can_manage_studio(user, setup.studio)


def test_only_office_passes_require_office(banner):
    require_office(banner.officer)
    for role in ("member_a", "host_a", "admin", "security_admin", "audit_admin"):
        with pytest.raises(PermissionDenied):
            require_office(banner.users[role])


def test_teacher_profiles_are_visible_within_the_studio_only(banner):
    member_b = banner.b.members[0]
    assert can_view_teacher(banner.users["host_b"], member_b)
    assert can_view_teacher(banner.users["member_b"], banner.b.members[1])
    assert not can_view_teacher(banner.users["member_a"], member_b)
    assert can_view_teacher(banner.officer, member_b)
    assert can_view_teacher(member_b.user, member_b)
    assert not can_view_teacher(banner.users["host_a"], TeacherFactory())
