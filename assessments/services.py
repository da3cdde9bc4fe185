"""Writes for the assessment: officer sign-off (五, 十四), rule-instance overrides, the rule settings.

Only these functions create or change sign-offs, overrides and settings; each runs in a transaction and
writes an audit entry (who, what, why). Access is the pages' job (``studios.access.require_office``); the
services still refuse an actor who is not the office, and any input that would leave a bad state.

Dynamic management after a cycle assessment is in studios.services: ``cycle_renew(actor=, cycle=,
reason=)``, ``cycle_dissolve(actor=, cycle=, reason=, on=)`` and ``membership_leave(actor=, membership=,
left_on=, reason=)``; a result carries "cycle_id" for them.

Choices where the regulation is silent:
- A sign-off is refused before the assessment's period has ended (the people still have time).
- The computed verdict is a recommendation. A grade that departs from it needs a comment: pass or
  excellent for a computed fail, fail for a computed pass, any grade while the computed verdict is still
  pending (a summary within its grace days, say). Excellent for a computed pass needs no comment: it is the
  officer's decision by definition; excellent is never computed.
- The studio's grade is judged against the team's verdict after overrides; each person's grade against
  that person's verdict after overrides. Persons left out of ``person_grades`` get no grade.
- Re-signing the same assessment replaces the sign-off; the audit entry keeps the previous grade,
  comment and person grades.
- A second override of the same rule instance replaces the first (audited as an update).

Clarification 10: an officer who is a host or member of the studio cannot sign off its assessment or override
its rules (another officer must); signing off freezes the period's records (records.services.frozen) until the
office reopens the year (records.services.locks.year_reopen), and signing again freezes them again.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import DomainError, audit_record
from records.services.duties import require_independent_officer
from studios.access import can_manage_settings
from studios.models import Cycle, Membership, SchoolYear, Studio

from .engine import ANNUAL, CYCLE
from .evidence import CYCLE_LABEL, STATUSES
from .models import AssessmentSignoff, RuleOverride, RuleSettings
from .periods import PENDING
from .rules import RULES_BY_ID
from .selectors import studio_assessment

FAIL = "fail"
Grade = AssessmentSignoff.Grade

# Bounds the office may set (regulation.md italics); outside them a threshold makes no sense.
SETTING_BOUNDS = {
    "paper_min_chars": (1, 100_000),
    "reflection_min_chars": (1, 100_000),
    "young_max_age": (18, 70),
    "summary_grace_days": (0, 365),
    "attendance_min_ratio": (Decimal(0), Decimal(1)),
    "cultivate_min": (0, 50),
}


def _require_office(actor) -> None:
    if actor is None or not getattr(actor, "is_office", False):
        raise DomainError(_("Only the research centre office can do this."))


def _departs(grade: str, computed: str) -> bool:
    """Whether a final grade departs from the computed verdict (and so needs a comment)."""
    if computed == PENDING:
        return True
    if computed == FAIL:
        return grade != Grade.FAIL
    return grade == Grade.FAIL


def _final(block: dict) -> str:
    return block.get("final_verdict", block["verdict"])


def _signoff_year(*, studio, school_year, kind: str) -> SchoolYear:
    """The school year a sign-off is filed under: the year itself, or the first year of its cycle."""
    if kind == ANNUAL:
        return school_year if school_year.pk else SchoolYear.get_or_create_for(school_year.start_year)
    cycle = (
        Cycle.objects.filter(studio=studio, start_year__start_year__gt=school_year.start_year - Cycle.YEARS,
                             start_year__start_year__lte=school_year.start_year)
        .select_related("start_year").order_by("-start_year__start_year").first()
    )
    if cycle is None:
        raise DomainError(_("The school year %(year)s is not in a cycle of this studio.") %
                          {"year": school_year.label})
    return cycle.start_year


@transaction.atomic
def signoff_create(*, actor, studio, school_year, kind: str, grade: str, comment: str = "",
                   person_grades: dict | None = None, as_of: datetime.date | None = None,
                   early_reason: str = "") -> AssessmentSignoff:
    """Sign off the annual or cycle assessment of a studio with a final grade, per-person grades and a comment.

    Stores the computed result (overrides applied) and the settings it used beside the grade. A period that has
    not ended is signed off only with a stated reason (`early_reason`), kept in the comment and the audit entry.
    """
    _require_office(actor)
    require_independent_officer(actor, studio)
    if kind not in (ANNUAL, CYCLE):
        raise DomainError(_("Unknown kind of assessment."))
    if grade not in Grade.values:
        raise DomainError(_("Choose a final grade: excellent, pass or fail."))
    comment = (comment or "").strip()
    person_grades = dict(person_grades or {})
    as_of = as_of or timezone.localdate()
    result = studio_assessment(studio=studio, school_year=school_year, kind=kind, as_of=as_of)
    if result is None:
        raise DomainError(_("The school year %(year)s is not in a cycle of this studio.") %
                          {"year": school_year.label})
    period_end = datetime.date.fromisoformat(result["period"]["end"])
    early_reason = (early_reason or "").strip()
    early = as_of < period_end
    if early and not early_reason:
        raise DomainError(_("The assessment period ends on %(day)s; to sign it off before then, state the reason.") %
                          {"day": period_end.isoformat()})
    if early:
        comment = (_("Signed off before the period ended: %(reason)s") % {"reason": early_reason}
                   + ("\n" + comment if comment else ""))
    members = {member["teacher"]: member for member in result["members"]}
    for code, person_grade in person_grades.items():
        if code not in members:
            raise DomainError(_("%(code)s is not assessed in this studio for this period.") % {"code": code})
        if person_grade not in Grade.values:
            raise DomainError(_("Choose a grade for %(name)s: excellent, pass or fail.") %
                              {"name": members[code]["name"]})
    if not comment:
        if _departs(grade, _final(result["team"])):
            raise DomainError(_("The final grade departs from the computed verdict; please write a comment "
                                "giving the reason."))
        for code, person_grade in person_grades.items():
            if _departs(person_grade, _final(members[code])):
                raise DomainError(_("The grade of %(name)s departs from the computed verdict; please write a "
                                    "comment giving the reason.") % {"name": members[code]["name"]})
    filed_under = _signoff_year(studio=studio, school_year=school_year, kind=kind)
    Studio.objects.select_for_update().get(pk=studio.pk)  # two officers signing at once: one after the other
    stored = {key: value for key, value in result.items() if key != "signoff"}
    existing = (
        AssessmentSignoff.objects.select_for_update()
        .filter(studio=studio, school_year=filed_under, kind=kind).first()
    )
    previous = None
    if existing is not None:
        previous = {"grade": existing.grade, "comment": existing.comment, "person_grades": existing.person_grades,
                    "signed_by": existing.signed_by_id,
                    "signed_at": existing.signed_at.isoformat() if existing.signed_at else None,
                    "team_verdict": _final(existing.result["team"])}
    signoff = existing or AssessmentSignoff(studio=studio, school_year=filed_under, kind=kind)
    signoff.result = stored
    signoff.settings_used = result["settings"]
    signoff.grade = grade
    signoff.comment = comment
    signoff.person_grades = person_grades
    signoff.signed_by = actor
    signoff.signed_at = timezone.now()
    signoff.save()
    audit_record(
        actor=actor, action="assessment.resign" if previous else "assessment.signoff", target=signoff,
        studio=studio, from_state=previous["grade"] if previous else "", to_state=grade, comment=comment,
        data={"kind": kind, "school_year": filed_under.label, "computed": _final(result["team"]),
              "as_of": as_of.isoformat(), "person_grades": person_grades,
              **({"early_reason": early_reason} if early else {}),
              **({"previous": previous} if previous else {})},
    )
    return signoff


# --- overrides ----------------------------------------------------------------------------------------------


def _period_start_year(rule, period: str) -> int | None:
    """Check the period label fits the rule; the school year it lies in (None for the cycle)."""
    label = (period or "").strip()
    if rule.period_kind == "cycle":
        if label != CYCLE_LABEL:
            raise DomainError(_("Rule %(rule)s is assessed over the cycle; its period is “cycle”.") %
                              {"rule": rule.id})
        return None
    parts = label.split("-")
    expected = 3 if rule.period_kind == "semester" else 2
    try:
        if len(parts) != expected:
            raise ValueError(label)
        start_year = SchoolYear.parse_label("-".join(parts[:2]))
        if expected == 3 and parts[2] not in ("1", "2"):
            raise ValueError(label)
    except ValueError:
        example = "2024-2025-1" if rule.period_kind == "semester" else "2024-2025"
        raise DomainError(_("“%(period)s” is not a period of rule %(rule)s (for example %(example)s).") %
                          {"period": label, "rule": rule.id, "example": example}) from None
    return start_year


@transaction.atomic
def override_create(*, actor, studio, teacher, rule: str, period: str, status: str, reason: str,
                    school_year=None, cycle=None) -> RuleOverride:
    """Override one rule instance of a studio (teacher None for a team rule) with a written reason.

    ``period`` is the instance's label ("2024-2025-1", "2024-2025" or "cycle"); the cycle is ``cycle`` when
    given (a result's "cycle_id"), else the one containing the period's year, or for "cycle" the one
    containing ``school_year`` (default: the studio's latest cycle). The computed status is kept;
    results show the override beside it. Replaces an earlier override of the same instance.
    """
    _require_office(actor)
    require_independent_officer(actor, studio)
    found = RULES_BY_ID.get(rule)
    if found is None:
        raise DomainError(_("Unknown rule %(rule)s.") % {"rule": rule})
    if status not in STATUSES:
        raise DomainError(_("Unknown status."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Please give the reason for the override."))
    if found.scope == "team" and teacher is not None:
        raise DomainError(_("Rule %(rule)s is a team rule; it is overridden for the studio, not a person.") %
                          {"rule": rule})
    if found.scope == "individual" and teacher is None:
        raise DomainError(_("Rule %(rule)s is an individual rule; choose the person.") % {"rule": rule})
    if teacher is not None and not Membership.objects.filter(studio=studio, teacher=teacher).exists():
        raise DomainError(_("%(name)s is not in this studio.") % {"name": teacher.name})
    period = period.strip()
    start_year = _period_start_year(found, period)
    if start_year is None and school_year is not None:
        start_year = school_year.start_year
    cycles = Cycle.objects.filter(studio=studio).select_related("start_year").order_by("-start_year__start_year")
    if cycle is not None:
        cycles = cycles.filter(pk=cycle.pk)
    if start_year is not None:
        cycles = cycles.filter(start_year__start_year__gt=start_year - Cycle.YEARS,
                               start_year__start_year__lte=start_year)
    cycle = cycles.first()
    if cycle is None:
        raise DomainError(_("This period is not in a cycle of this studio."))
    Studio.objects.select_for_update().get(pk=studio.pk)
    existing = (
        RuleOverride.objects.select_for_update()
        .filter(cycle=cycle, teacher=teacher, rule=rule, period=period).first()
    )
    previous = existing.status if existing else ""
    override = existing or RuleOverride(studio=studio, cycle=cycle, teacher=teacher, rule=rule, period=period)
    override.status = status
    override.reason = reason
    override.created_by = actor
    override.created_at = timezone.now()
    override.save()
    audit_record(actor=actor, action="assessment.override_update" if existing else "assessment.override",
                 target=override, studio=studio, from_state=previous, to_state=status, comment=reason,
                 data={"rule": rule, "period": period, "teacher": teacher.code if teacher else None,
                       "cycle": cycle.first_start_year})
    return override


@transaction.atomic
def override_delete(*, actor, override: RuleOverride, reason: str = "") -> None:
    """Withdraw an override; the computed status stands again."""
    _require_office(actor)
    override = (RuleOverride.objects.select_for_update(of=("self",)).select_related("teacher", "studio")
                .get(pk=override.pk))
    audit_record(actor=actor, action="assessment.override_delete", target=override, studio=override.studio,
                 from_state=override.status, comment=(reason or "").strip(),
                 data={"rule": override.rule, "period": override.period,
                       "teacher": override.teacher.code if override.teacher else None,
                       "reason_given": override.reason})
    override.delete()


# --- settings -------------------------------------------------------------------------------------------------


def _clean_setting(name: str, value):
    low, high = SETTING_BOUNDS[name]
    label = RuleSettings._meta.get_field(name).verbose_name
    try:
        if name == "attendance_min_ratio":
            cleaned = Decimal(str(value)).quantize(Decimal("0.01"))
        else:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            cleaned = int(value)
    except (TypeError, ValueError, InvalidOperation):
        raise DomainError(_("%(field)s must be a number.") % {"field": label}) from None
    if not low <= cleaned <= high:
        raise DomainError(_("%(field)s must be between %(low)s and %(high)s.") %
                          {"field": label, "low": low, "high": high})
    return cleaned


@transaction.atomic
def rule_settings_update(*, actor, reason: str = "", **values) -> RuleSettings:
    """The office or the system administrator changes the thresholds; each change is audited with the old and new
    values."""
    if not can_manage_settings(actor):
        raise DomainError(_("Only the research centre office or the system administrator may do this."))
    unknown = sorted(set(values) - set(RuleSettings.EDITABLE_FIELDS))
    if unknown:
        raise DomainError(_("Unknown settings: %(names)s.") % {"names": ", ".join(unknown)})
    cleaned = {name: _clean_setting(name, value) for name, value in values.items()}
    RuleSettings.objects.get_or_create(pk=1)
    row = RuleSettings.objects.select_for_update().get(pk=1)
    changes = {}
    for name, value in cleaned.items():
        old = getattr(row, name)
        if old != value:
            changes[name] = [float(old) if isinstance(old, Decimal) else old,
                             float(value) if isinstance(value, Decimal) else value]
            setattr(row, name, value)
    if not changes:
        return row
    row.updated_by = actor
    row.save()
    audit_record(actor=actor, action="rule_settings.update", target=row, comment=(reason or "").strip(),
                 data={"changes": changes})
    return row

