"""A studio's assessment, its sign-off and the office's overrides.

Who sees what on a studio's assessment (the spec leaves members open): the office and the studio's host see the
team table and every person's table; a member (current or former) sees the team table and only their own
table. Every other teacher gets 404, and the office-only actions (sign-off, overrides) answer 403 to teachers.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.services import DomainError
from members.models import Teacher
from studios.access import get_studio_for_user, is_office, require_office, studio_roles, today
from studios.models import Cycle, Membership

from .. import results, selectors, services
from ..forms import OverrideDeleteForm, OverrideForm, SignoffForm
from ..models import AssessmentSignoff, RuleOverride
from ..rules import RULES_BY_ID
from .labels import GRADE_LABELS, KIND_LABELS, STATUS_LABELS, VERDICT_LABELS, period_label, settings_rows
from .links import decorate
from .years import choose_assessment, current_year_label, school_year, studio_years


def _viewer(user, studio) -> tuple[bool, bool, str | None]:
    """(office, sees everyone, own teacher code) for this studio's assessment page."""
    office = is_office(user)
    if office or studio.pk in studio_roles(user).hosted:
        return office, True, None
    teacher = getattr(user, "teacher", None)
    return False, False, teacher.code if teacher else None


def _load(studio, kind: str, year: str) -> dict:
    result = results.studio_result(studio=studio, school_year=school_year(year), kind=kind)
    if result is None:
        raise Http404
    return result


def _signoff_display(signoff: dict | None) -> dict | None:
    if not signoff:
        return None
    at = parse_datetime(signoff["at"]) if signoff.get("at") else None
    if signoff.get("reopened"):
        reopened_at = parse_datetime(signoff["reopened"]["at"])
        signoff = {**signoff, "reopened": {**signoff["reopened"],
                                           "at": timezone.localtime(reopened_at).strftime("%Y-%m-%d %H:%M")}}
    return {**signoff, "grade_label": GRADE_LABELS.get(signoff["grade"], signoff["grade"]),
            "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""}


def diff_lines(changes: list[dict]) -> list[str]:
    """signoff_diff's changes as sentences for the banner."""
    lines = []
    for change in changes:
        who = change["name"] or _("the studio")
        before = STATUS_LABELS.get(change["before"]) or VERDICT_LABELS.get(change["before"], "")
        after = STATUS_LABELS.get(change["after"]) or VERDICT_LABELS.get(change["after"], "")
        what = f"{change['title']}（{period_label(change['period'])}）" if change["rule"] else ""
        kind = change["change"]
        if kind == "team_verdict":
            lines.append(_("Team verdict: %(before)s → %(after)s") % {
                "before": VERDICT_LABELS.get(change["before"], ""), "after": VERDICT_LABELS.get(change["after"], "")})
        elif kind == "member_verdict":
            lines.append(_("%(who)s's verdict: %(before)s → %(after)s") % {
                "who": who, "before": VERDICT_LABELS.get(change["before"], ""),
                "after": VERDICT_LABELS.get(change["after"], "")})
        elif kind == "member_added":
            lines.append(_("%(who)s is now assessed too (%(after)s)") % {
                "who": who, "after": VERDICT_LABELS.get(change["after"], "")})
        elif kind == "member_removed":
            lines.append(_("%(who)s is no longer assessed") % {"who": who})
        elif kind == "instance_added":
            lines.append(_("%(who)s · %(what)s: new, %(after)s") % {"who": who, "what": what, "after": after})
        elif kind == "instance_removed":
            lines.append(_("%(who)s · %(what)s: no longer assessed") % {"who": who, "what": what})
        else:
            lines.append(_("%(who)s · %(what)s: %(before)s → %(after)s") % {
                "who": who, "what": what, "before": before, "after": after})
    return lines


@login_required
def studio_assessment(request, code):
    """A studio's annual or cycle assessment for any year of its cycles; office actions beside each row."""
    studio = get_studio_for_user(request.user, code)
    years = studio_years(studio)
    if not years:
        raise Http404
    form, kind, year = choose_assessment(request.GET, years)
    office, sees_everyone, own_code = _viewer(request.user, studio)
    result = _load(studio, kind, year)
    signoff = _signoff_display(result.get("signoff"))
    diff = []
    if signoff and sees_everyone:
        stored = AssessmentSignoff.objects.filter(pk=signoff["id"]).only("result").first()
        if stored is not None:
            diff = diff_lines(selectors.signoff_diff(stored, result))
    if not sees_everyone:
        result["members"] = [m for m in result["members"] if m["teacher"] == own_code]
    member_id = None if sees_everyone else getattr(getattr(request.user, "teacher", None), "pk", 0)
    decorate(result, studio=studio, office=office, kind=kind, year=year, member_id=member_id)
    grades = (signoff or {}).get("person_grades", {})
    for member in result["members"]:
        member["grade_label"] = GRADE_LABELS.get(grades.get(member["teacher"]), "")
    cycle = None
    if office and kind == "cycle":
        current = {m.teacher.code: m.pk for m in Membership.objects.filter(
            studio=studio, left_on__isnull=True).select_related("teacher")}
        for member in result["members"]:
            member["membership_pk"] = current.get(member["teacher"])
        cycle = Cycle.objects.filter(pk=result.get("cycle_id"), studio=studio).first()
    return render(request, "assessments/studio_assessment.html", {
        "studio": studio, "form": form, "kind": kind, "year": year, "kind_label": KIND_LABELS[kind],
        "result": result, "office": office, "sees_everyone": sees_everyone, "signoff": signoff, "diff": diff,
        "settings_used": settings_rows(result.get("settings")), "cycle": cycle,
        "query": urlencode({"kind": kind, "year": year}), "period_not_ended": _period_not_ended(result),
        "reopen_year": school_year(year) if office and signoff else None,
    })


def _office_studio(request, code):
    require_office(request.user)
    return get_studio_for_user(request.user, code)


def _period_not_ended(result: dict) -> bool:
    return today() < datetime.date.fromisoformat(result["period"]["end"])


@login_required
def signoff_create(request, code):
    """GET shows the sign-off form beside the computed result; POST signs the assessment off."""
    studio = _office_studio(request, code)
    years = studio_years(studio)
    if not years:
        raise Http404
    _form, kind, year = choose_assessment(request.POST if request.method == "POST" else request.GET, years)
    result = _load(studio, kind, year)
    decorate(result, studio=studio, office=True, kind=kind, year=year)
    previous = result.get("signoff") or {}
    # Signing again shows the grades given before; a first sign-off preselects nothing.
    people = [{"teacher": member["teacher"], "name": member["name"],
               "initial": previous.get("person_grades", {}).get(member["teacher"])}
              for member in result["members"]]
    early = _period_not_ended(result)
    form = SignoffForm(request.POST or None, people=people, early=early, initial={
        "grade": previous.get("grade"), "comment": previous.get("comment", ""),
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.signoff_create(
                actor=request.user, studio=studio, school_year=school_year(year), kind=kind,
                grade=form.cleaned_data["grade"], comment=form.cleaned_data["comment"],
                person_grades=form.person_grades(), early_reason=form.cleaned_data.get("early_reason", ""),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The assessment was signed off."))
            return redirect(_studio_url(studio, kind, year))
    return render(request, "assessments/signoff_form.html", {
        "studio": studio, "kind": kind, "year": year, "kind_label": KIND_LABELS[kind], "form": form,
        "result": result, "settings_used": settings_rows(result.get("settings")), "early": early,
        "period_end": result["period"]["end"],
        "person_rows": [{"member": member, "field": form[form.person_field(member["teacher"])]}
                        for member in result["members"]],
    })


def _studio_url(studio, kind: str, year: str) -> str:
    return reverse("assessments:studio", args=[studio.code]) + "?" + urlencode({"kind": kind, "year": year})


def _find_instance(result: dict, teacher: str, rule: str, period: str):
    blocks = [(None, result["team"])] + [(m["teacher"], m) for m in result["members"]]
    for code, block in blocks:
        if (code or "") != teacher:
            continue
        for instance in block["rules"]:
            if instance["rule"] == rule and instance["period"] == period:
                return block, instance
    raise Http404


@login_required
def override_create(request, code):
    """GET shows one rule instance and asks for the new status and a reason; POST records the override."""
    studio = _office_studio(request, code)
    years = studio_years(studio)
    data = request.POST if request.method == "POST" else request.GET
    target = {key: data.get(key, "") for key in ("teacher", "rule", "period", "kind", "year")}
    if target["rule"] not in RULES_BY_ID or target["kind"] not in KIND_LABELS or target["year"] not in years:
        raise Http404
    result = _load(studio, target["kind"], target["year"])
    decorate(result, studio=studio, office=True, kind=target["kind"], year=target["year"])
    block, instance = _find_instance(result, target["teacher"], target["rule"], target["period"])
    form = OverrideForm(request.POST or None, initial={
        **target, "status": (instance.get("override") or instance)["status"],
    })
    if request.method == "POST" and form.is_valid():
        teacher = Teacher.objects.get(code=target["teacher"]) if target["teacher"] else None
        try:
            services.override_create(
                actor=request.user, studio=studio, teacher=teacher, rule=target["rule"], period=target["period"],
                status=form.cleaned_data["status"], reason=form.cleaned_data["reason"],
                school_year=school_year(target["year"]), cycle=Cycle.objects.get(pk=result["cycle_id"]),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The override was recorded."))
            return redirect(_studio_url(studio, target["kind"], target["year"]))
    return render(request, "assessments/override_form.html", {
        # Not "block": inside a template that name is Django's own {% block %} (it rendered as 「content（）」).
        "studio": studio, "form": form, "instance": instance, "person": block, "target": target,
        "kind_label": KIND_LABELS[target["kind"]], "back": _studio_url(studio, target["kind"], target["year"]),
    })


@login_required
def override_delete(request, code, pk):
    """GET asks for confirmation and a reason; POST withdraws the override."""
    studio = _office_studio(request, code)
    override = RuleOverride.objects.filter(pk=pk, studio=studio).select_related("teacher").first()
    if override is None:
        raise Http404
    years = studio_years(studio) or [""]
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind") if data.get("kind") in KIND_LABELS else "annual"
    year = data.get("year") if data.get("year") in years else current_year_label(years)
    form = OverrideDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.override_delete(actor=request.user, override=override, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The override was withdrawn."))
            return redirect(_studio_url(studio, kind, year))
    return render(request, "assessments/override_delete.html", {
        "studio": studio, "override": override, "form": form, "kind": kind, "year": year,
        "status_label": STATUS_LABELS.get(override.status, override.status),
        "period_label": period_label(override.period), "title": getattr(RULES_BY_ID.get(override.rule), "title", ""),
        "back": _studio_url(studio, kind, year),
    })
