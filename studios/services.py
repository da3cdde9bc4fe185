"""Writes for studios, cycles and memberships. Only these functions change a cycle's status."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.services import DomainError, audit_record

from .models import Cycle, Membership, SchoolYear, Studio


@transaction.atomic
def studio_create(*, actor, code: str, name: str, subject: str = "", stage: str = "", description: str = "",
                  cycle_start_year: int, host, host_joined_on: datetime.date | None = None) -> Studio:
    if Studio.objects.filter(code=code).exists():
        raise DomainError(_("A studio with code %(code)s already exists.") % {"code": code})
    studio = Studio.objects.create(code=code, name=name, subject=subject, stage=stage, description=description)
    year = SchoolYear.get_or_create_for(cycle_start_year)
    Cycle.objects.create(studio=studio, start_year=year)
    audit_record(actor=actor, action="studio.create", target=studio, studio=studio)
    membership_join(actor=actor, studio=studio, teacher=host, role=Membership.Role.HOST,
                    joined_on=host_joined_on or year.start)
    return studio


@transaction.atomic
def studio_update(*, actor, studio: Studio, **fields) -> Studio:
    for name, value in fields.items():
        setattr(studio, name, value)
    studio.save()
    audit_record(actor=actor, action="studio.update", target=studio, studio=studio, data={"fields": sorted(fields)})
    return studio


def current_cycle(studio: Studio) -> Cycle | None:
    return studio.cycles.select_related("start_year").order_by("-start_year__start_year").first()


def _set_cycle_status(*, actor, cycle: Cycle, to: str, reason: str, action: str) -> Cycle:
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != Cycle.Status.ACTIVE:
        raise DomainError(_("This cycle has already been %(status)s.") % {"status": cycle.get_status_display()})
    if not reason.strip():
        raise DomainError(_("Please give a reason."))
    previous = cycle.status
    cycle.status = to
    cycle.status_reason = reason
    cycle.save(update_fields=["status", "status_reason"])
    audit_record(actor=actor, action=action, target=cycle, studio=cycle.studio, from_state=previous, to_state=to,
                 comment=reason)
    return cycle


@transaction.atomic
def cycle_renew(*, actor, cycle: Cycle, reason: str) -> Cycle:
    """动态管理 (三): the studio continues for another three school years, starting the year after this cycle."""
    _set_cycle_status(actor=actor, cycle=cycle, to=Cycle.Status.RENEWED, reason=reason, action="cycle.renew")
    next_year = SchoolYear.get_or_create_for(cycle.first_start_year + Cycle.YEARS)
    new_cycle, created = Cycle.objects.get_or_create(studio=cycle.studio, start_year=next_year)
    if not created:
        raise DomainError(_("The studio already has a cycle starting in %(year)s.") % {"year": next_year.label})
    audit_record(actor=actor, action="cycle.create", target=new_cycle, studio=cycle.studio, comment=reason)
    return new_cycle


@transaction.atomic
def cycle_dissolve(*, actor, cycle: Cycle, reason: str, on: datetime.date) -> Cycle:
    """The studio ends: every open membership closes on the given day."""
    _set_cycle_status(actor=actor, cycle=cycle, to=Cycle.Status.DISSOLVED, reason=reason, action="cycle.dissolve")
    for membership in cycle.studio.memberships.filter(left_on__isnull=True):
        membership_leave(actor=actor, membership=membership, left_on=max(on, membership.joined_on),
                         reason=_("Studio dissolved: %(reason)s") % {"reason": reason})
    return cycle


@transaction.atomic
def cycle_create(*, actor, studio: Studio, start_year: int) -> Cycle:
    year = SchoolYear.get_or_create_for(start_year)
    if studio.cycles.filter(start_year__start_year__gt=start_year - Cycle.YEARS,
                            start_year__start_year__lt=start_year + Cycle.YEARS).exists():
        raise DomainError(_("This cycle would overlap an existing cycle of the studio."))
    cycle = Cycle.objects.create(studio=studio, start_year=year)
    audit_record(actor=actor, action="cycle.create", target=cycle, studio=studio)
    return cycle


@transaction.atomic
def membership_join(*, actor, studio: Studio, teacher, role: str, joined_on: datetime.date) -> Membership:
    open_spans = Membership.objects.filter(studio=studio, teacher=teacher, left_on__isnull=True)
    if open_spans.exists():
        raise DomainError(_("%(name)s is already in this studio.") % {"name": teacher.name})
    if role == Membership.Role.HOST:
        current_host = Membership.objects.filter(studio=studio, role=Membership.Role.HOST, left_on__isnull=True)
        if current_host.exists():
            raise DomainError(_("The studio already has a host; the current host must leave first."))
    membership = Membership.objects.create(studio=studio, teacher=teacher, role=role, joined_on=joined_on)
    audit_record(actor=actor, action="membership.join", target=membership, studio=studio, to_state=role)
    return membership


@transaction.atomic
def membership_leave(*, actor, membership: Membership, left_on: datetime.date, reason: str) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise DomainError(_("This membership has already ended."))
    if left_on < membership.joined_on:
        raise DomainError(_("The leaving date cannot be before the joining date."))
    membership.left_on = left_on
    membership.leave_reason = reason
    membership.save(update_fields=["left_on", "leave_reason"])
    audit_record(actor=actor, action="membership.leave", target=membership, studio=membership.studio,
                 from_state="active", to_state="left", comment=reason)
    return membership


@transaction.atomic
def school_year_update(*, actor, school_year: SchoolYear, start: datetime.date, semester2_start: datetime.date,
                       end: datetime.date) -> SchoolYear:
    """The office moves a school year's dates (calendar): every day must still fall in exactly one semester."""
    if not start < semester2_start <= end:
        raise DomainError(_("The second semester must start after the year's first day and on or before its last."))
    neighbours = SchoolYear.objects.filter(start_year__in=(school_year.start_year - 1, school_year.start_year + 1))
    for other in neighbours:
        if other.start_year < school_year.start_year and other.end >= start:
            raise DomainError(_("The year would begin before %(year)s ends.") % {"year": other.label})
        if other.start_year > school_year.start_year and other.start <= end:
            raise DomainError(_("The year would end after %(year)s begins.") % {"year": other.label})
    school_year = SchoolYear.objects.select_for_update().get(pk=school_year.pk)
    before = {"start": str(school_year.start), "semester2_start": str(school_year.semester2_start),
              "end": str(school_year.end)}
    school_year.start, school_year.semester2_start, school_year.end = start, semester2_start, end
    school_year.save(update_fields=["start", "semester2_start", "end"])
    after = {"start": str(start), "semester2_start": str(semester2_start), "end": str(end)}
    audit_record(actor=actor, action="school_year.update", target=school_year, data={"before": before, "after": after})
    return school_year
