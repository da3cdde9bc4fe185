"""Host evaluations of members (十六.4)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.services import DomainError, audit_record
from studios.models import Membership

from ..models import HostEvaluation
from .duties import require_active_in
from .frozen import guard_frozen


@transaction.atomic
def evaluation_save(*, actor, studio, school_year, teacher, scores: dict, comment: str = "") -> HostEvaluation:
    """Once a school year the host scores a member on the five dimensions, 0–100 each; saving again corrects."""
    require_active_in(actor, studio)
    guard_frozen(studio=studio, school_years=[school_year])
    for name in HostEvaluation.SCORE_FIELDS:
        value = scores.get(name)
        if value is None or not 0 <= int(value) <= 100:
            raise DomainError(_("Every score must be between 0 and 100."))
    if not Membership.objects.filter(studio=studio, teacher=teacher, role=Membership.Role.MEMBER,
                                     joined_on__lte=school_year.end).exists():
        raise DomainError(_("%(name)s is not a member of this studio in %(year)s.")
                          % {"name": teacher.name, "year": school_year.label})
    evaluation, created = HostEvaluation.objects.select_for_update().get_or_create(
        studio=studio, school_year=school_year, teacher=teacher,
        defaults={**{name: int(scores[name]) for name in HostEvaluation.SCORE_FIELDS}, "comment": comment,
                  "evaluated_by": actor},
    )
    if not created:
        for name in HostEvaluation.SCORE_FIELDS:
            setattr(evaluation, name, int(scores[name]))
        evaluation.comment = comment
        evaluation.evaluated_by = actor
        evaluation.save()
    audit_record(actor=actor, action="evaluation.save", target=evaluation, studio=studio,
                 data={"school_year": school_year.label, "teacher": teacher.code,
                       **{name: int(scores[name]) for name in HostEvaluation.SCORE_FIELDS}})
    return evaluation
