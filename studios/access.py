"""Who may see and do what, in one place.

The office (officers) sees every studio; the three administrators (三员分立) see none — their work is the system.
A teacher sees the studios they belong or belonged to; the studio's current host manages it. Everything else
answers 404, so that nothing leaks another studio's existence. Office-only pages answer 403 to teachers: those
pages exist for everybody, only the right to use them differs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Membership, Studio


@dataclass
class StudioRoles:
    """A teacher's relation to studios, loaded once per request."""

    hosted: set[int] = field(default_factory=set)  # currently host
    member_of: set[int] = field(default_factory=set)  # currently member
    former: set[int] = field(default_factory=set)  # any past membership

    @property
    def visible(self) -> set[int]:
        return self.hosted | self.member_of | self.former


def today() -> datetime.date:
    return timezone.localdate()


def studio_roles(user) -> StudioRoles:
    cached = getattr(user, "_studio_roles", None)
    if cached is not None:
        return cached
    roles = StudioRoles()
    teacher = getattr(user, "teacher", None) if user.is_authenticated else None
    if teacher is not None:
        day = today()
        for membership in Membership.objects.filter(teacher=teacher).only("studio_id", "role", "joined_on", "left_on"):
            if membership.is_active_on(day) or membership.joined_on > day:
                target = roles.hosted if membership.role == Membership.Role.HOST else roles.member_of
                target.add(membership.studio_id)
            else:
                roles.former.add(membership.studio_id)
    user._studio_roles = roles
    return roles


def is_office(user) -> bool:
    return bool(user.is_authenticated and user.is_office)


def require_office(user) -> None:
    if not is_office(user):
        raise PermissionDenied


# 三员分立: what each administrator may do, besides the office's own work. Pages answer 403 to anyone else.

def can_manage_settings(user) -> bool:
    """The school-year calendar and the rule settings: the office, and the system administrator."""
    return bool(user.is_authenticated and (user.is_office or user.is_admin))


def can_release_lockouts(user) -> bool:
    """Unlocking a login: the office (who knows the teachers), and the security administrator."""
    return bool(user.is_authenticated and (user.is_office or user.is_security_admin))


def is_security_admin(user) -> bool:
    """Roles and second-factor resets."""
    return bool(user.is_authenticated and user.is_security_admin)


def is_audit_admin(user) -> bool:
    """The audit log: reading and exporting it."""
    return bool(user.is_authenticated and user.is_audit_admin)


def require(check, user) -> None:
    if not check(user):
        raise PermissionDenied


def visible_studios(user):
    if is_office(user):
        return Studio.objects.all()
    return Studio.objects.filter(pk__in=studio_roles(user).visible)


def get_studio_for_user(user, code: str) -> Studio:
    """The studio with this code, if the user may see it; 404 otherwise."""
    return get_object_or_404(visible_studios(user), code=code)


def can_manage_studio(user, studio: Studio) -> bool:
    """Office staff and the studio's current host manage a studio's records, activities and documents."""
    return is_office(user) or studio.pk in studio_roles(user).hosted


def get_managed_studio_for_user(user, code: str) -> Studio:
    """Like get_studio_for_user, but for actions only the host or the office may take; a member gets 404 too."""
    studio = get_studio_for_user(user, code)
    if not can_manage_studio(user, studio):
        raise Http404
    return studio


def is_studio_member(user, studio: Studio) -> bool:
    roles = studio_roles(user)
    return studio.pk in roles.hosted or studio.pk in roles.member_of


def officer_conflict(user, studio: Studio | None = None, *, teacher=None) -> bool:
    """Duties apart (clarification 10): an officer who is (or was) a host or member of the studio — or, for a
    person's own evidence such as a title, of any studio of that ``teacher``, or that teacher — may not approve
    its filings and documents, verify its evidence or sign off its assessment: another officer must."""
    own = getattr(user, "teacher", None) if user is not None and user.is_authenticated else None
    if own is None:
        return False
    if teacher is not None:
        if own.pk == teacher.pk:
            return True
        theirs = Membership.objects.filter(teacher=teacher).values("studio_id")
        return Membership.objects.filter(teacher=own, studio_id__in=theirs).exists()
    return Membership.objects.filter(teacher=own, studio=studio).exists()


def can_view_teacher(user, teacher) -> bool:
    """A teacher's profile: the teacher, office staff, and hosts and fellow members of their studios."""
    if is_office(user):
        return True
    own = getattr(user, "teacher", None)
    if own is not None and own.pk == teacher.pk:
        return True
    roles = studio_roles(user)
    return Membership.objects.filter(teacher=teacher, studio_id__in=roles.hosted | roles.member_of).exists()


def can_view_personal_data(user, teacher) -> bool:
    """A teacher's mobile number and date of birth: the teacher, the host of a studio they are in, and the office.
    Everyone else who may see the profile sees them masked (个人信息 kept to those who need it)."""
    if is_office(user):
        return True
    own = getattr(user, "teacher", None)
    if own is not None and own.pk == teacher.pk:
        return True
    hosted = studio_roles(user).hosted
    return bool(hosted) and Membership.objects.filter(teacher=teacher, studio_id__in=hosted).exists()


def can_view_personal_record(user, *, owner_id: int | None, studio_id: int | None) -> bool:
    """A person's own record: the owner, the studio's host, and the office."""
    if is_office(user):
        return True
    own = getattr(user, "teacher", None)
    if own is not None and owner_id is not None and own.pk == owner_id:
        return True
    return studio_id is not None and studio_id in studio_roles(user).hosted


def can_view_upload(user, upload) -> bool:
    if not user.is_authenticated:
        return False
    if can_view_personal_record(user, owner_id=upload.owner_id, studio_id=upload.studio_id):
        return True
    roles = studio_roles(user)
    if upload.visibility == upload.Visibility.STUDIO and upload.studio_id in roles.hosted | roles.member_of:
        return True
    if upload.studio_id is None and upload.owner_id is not None and roles.hosted:
        # A certificate belongs to a person, not a studio: the hosts of the person's studios may see it.
        return Membership.objects.filter(teacher_id=upload.owner_id, studio_id__in=roles.hosted).exists()
    return False
