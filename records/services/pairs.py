"""Mentoring pairs (互助帮扶对子) and their visits."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.services import DomainError, audit_record
from studios.access import today

from ..models import MentoringPair, MentoringVisit
from .common import check_member
from .duties import require_active_in
from .frozen import guard_frozen


def _check_pair(*, mentee_name, mentee_school, started_on, ended_on) -> None:
    if not (mentee_name or "").strip() or not (mentee_school or "").strip():
        raise DomainError(_("Give the rural teacher's name and school."))
    if ended_on is not None and ended_on < started_on:
        raise DomainError(_("The end date cannot be before the start date."))


def _guard_pair(actor, pair: MentoringPair, *days) -> None:
    """A pair counts from its start (I-MENTOR): frozen with the year it started in, for its studio or, recorded
    without one, for the person's studios."""
    if pair.studio is not None:
        require_active_in(actor, pair.studio)
    guard_frozen(studio=pair.studio, teacher=pair.teacher, days=[pair.started_on, *days])


@transaction.atomic
def pair_create(*, actor, teacher, studio, mentee_name: str, mentee_school: str, started_on, ended_on=None,
                notes: str = "") -> MentoringPair:
    _check_pair(mentee_name=mentee_name, mentee_school=mentee_school, started_on=started_on, ended_on=ended_on)
    check_member(teacher, studio)
    require_active_in(actor, studio)
    guard_frozen(studio=studio, teacher=teacher, days=[started_on])
    pair = MentoringPair.objects.create(teacher=teacher, studio=studio, mentee_name=mentee_name.strip(),
                                        mentee_school=mentee_school.strip(), started_on=started_on,
                                        ended_on=ended_on, notes=notes)
    audit_record(actor=actor, action="pair.create", target=pair, studio=studio)
    return pair


@transaction.atomic
def pair_update(*, actor, pair: MentoringPair, mentee_name: str, mentee_school: str, started_on, ended_on=None,
                notes: str = "") -> MentoringPair:
    _check_pair(mentee_name=mentee_name, mentee_school=mentee_school, started_on=started_on, ended_on=ended_on)
    pair = MentoringPair.objects.select_for_update(of=("self",)).select_related("studio", "teacher").get(pk=pair.pk)
    _guard_pair(actor, pair, started_on)
    pair.mentee_name, pair.mentee_school = mentee_name.strip(), mentee_school.strip()
    pair.started_on, pair.ended_on, pair.notes = started_on, ended_on, notes
    pair.save()
    audit_record(actor=actor, action="pair.update", target=pair, studio=pair.studio)
    return pair


@transaction.atomic
def pair_delete(*, actor, pair: MentoringPair) -> None:
    _guard_pair(actor, pair)
    audit_record(actor=actor, action="pair.delete", target=pair, studio=pair.studio)
    pair.delete()


@transaction.atomic
def visit_add(*, actor, pair: MentoringPair, visited_on, note: str) -> MentoringVisit:
    if not (note or "").strip():
        raise DomainError(_("Please write a note of the visit."))
    if visited_on < pair.started_on:
        raise DomainError(_("The visit cannot be before the pair started."))
    if visited_on > today():
        raise DomainError(_("The date cannot be in the future."))
    _guard_pair(actor, pair, visited_on)
    visit = MentoringVisit.objects.create(pair=pair, visited_on=visited_on, note=note.strip())
    audit_record(actor=actor, action="pair.visit", target=pair, studio=pair.studio,
                 data={"visited_on": visited_on.isoformat()})
    return visit
