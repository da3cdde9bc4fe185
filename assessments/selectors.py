"""Reads for the assessment: results with overrides and sign-offs, checklists, the banner overview.

Every function here issues a fixed number of queries whatever the number of studios (loader.py), and
returns plain dicts in the JSON shape of assessment-json.md, so that pages, exports, reminders and
``manage.py assess`` show the same thing.

    assessment_results(studios=Studio.objects.all(), school_year=year, kind="annual")  # [result, …]
    studio_assessment(studio=studio, school_year=year, kind="cycle")                      # result
    person_checklist(teacher=teacher)                                                     # [{studio…, items}]
    signoff_diff(signoff, live_result)                                                    # [{change}, …]
    overview_matrix(school_year=year, kind="annual")                                      # matrix + charts

Keys added to the spec's shape (adding keys is allowed): "studio_name", "studio_id", "cycle_id",
"cycle_status", "signoff", and on each rule instance "title", "clause", "counts", "missing".
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone

from members.models import Teacher
from studios.models import Membership, SchoolYear, Studio

from .engine import ANNUAL, CYCLE, apply_overrides, assess, effective_status
from .evidence import CYCLE_LABEL, Settings, school_year_label
from .loader import StudioCycle, load_evidence, studio_cycles
from .models import AssessmentSignoff, RuleOverride, RuleSettings
from .periods import MET, NOT_APPLICABLE, NOT_MET, PENDING
from .rules import REGISTRY, RULES_BY_ID

KINDS = (ANNUAL, CYCLE)
PERIOD_WORDS = {"semester": "本学期", "year": "本学年", "cycle": "本周期"}


def current_settings() -> Settings:
    """The office's thresholds as the engine's Settings (one query; a read never creates the row)."""
    row = RuleSettings.objects.filter(pk=1).first() or RuleSettings()
    return Settings.from_dict(row.as_dict())


def school_year_on(day: datetime.date) -> SchoolYear:
    """The school year containing ``day``: the office's row, else an unsaved one with the default calendar."""
    found = SchoolYear.objects.filter(start__lte=day, end__gte=day).first()
    if found is not None:
        return found
    start_year = day.year if day.month >= 9 else day.year - 1
    return SchoolYear(start_year=start_year, **SchoolYear.default_dates(start_year))


def rule_settings_history(limit: int = 50) -> list:
    """The audit entries of the rule settings, newest first (who changed what, from and to, why)."""
    from core.services import audit_trail

    return list(audit_trail(RuleSettings.current()).order_by("-created_at", "-id")[:limit])


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown assessment kind {kind!r}")


def _period_labels(result: dict) -> set[str]:
    return {instance["period"] for block in [result["team"], *result["members"]] for instance in block["rules"]}


def _overrides(cycles: dict[int, StudioCycle]) -> dict[int, list[dict]]:
    """The overrides of these cycles, per studio id, in the engine's list form (one query)."""
    found: dict[int, list[dict]] = defaultdict(list)
    rows = (
        RuleOverride.objects.filter(cycle_id__in=[c.cycle_id for c in cycles.values()])
        .order_by("id")
        .values_list("id", "studio_id", "teacher__code", "rule", "period", "status", "reason", "created_by__username",
                     "created_by__first_name", "created_by__last_name", "created_by__teacher__name", "created_at")
    )
    for pk, sid, teacher, rule, period, status, reason, username, first, last, teacher_name, at in rows:
        by = teacher_name or f"{last}{first}".strip() or username or ""
        found[sid].append({"teacher": teacher, "rule": rule, "period": period, "status": status, "reason": reason,
                           "by": by, "at": at.isoformat() if at else None, "id": pk})
    return found


def _signoffs(cycles: dict[int, StudioCycle], school_year_start: int, kind: str) -> dict[int, dict]:
    """The sign-off of each studio's assessment, as a dict (one query)."""
    if kind == CYCLE:
        wanted = {sid: c.start_year for sid, c in cycles.items()}
    else:
        wanted = dict.fromkeys(cycles, school_year_start)
    rows = (
        AssessmentSignoff.objects.filter(studio_id__in=list(cycles), kind=kind,
                                         school_year__start_year__in=set(wanted.values()))
        .order_by()
        .values_list("id", "studio_id", "school_year__start_year", "grade", "comment", "person_grades",
                     "signed_by__username", "signed_by__first_name", "signed_by__last_name",
                     "signed_by__teacher__name", "signed_at", "reopened_at", "reopen_reason",
                     "reopened_by__username", "reopened_by__first_name", "reopened_by__last_name",
                     "reopened_by__teacher__name")
    )
    found = {}
    for (pk, sid, start_year, grade, comment, person_grades, username, first, last, teacher_name, at, reopened_at,
         reopen_reason, *reopener) in rows:
        if wanted.get(sid) != start_year:
            continue
        reopened = None
        if reopened_at is not None:
            r_username, r_first, r_last, r_teacher = reopener
            reopened = {"at": reopened_at.isoformat(), "reason": reopen_reason,
                        "by": r_teacher or f"{r_last}{r_first}".strip() or r_username or "",
                        "signed_again": at is not None and at > reopened_at}
        found[sid] = {"id": pk, "grade": grade, "comment": comment,
                      "by": teacher_name or f"{last}{first}".strip() or username or "",
                      "at": at.isoformat() if at else None, "person_grades": person_grades or {},
                      "reopened": reopened}
    return found


def _with_overrides(result: dict, overrides: list[dict] | None) -> dict:
    """``apply_overrides`` for the overrides of the result's periods. Without any, the final verdict and rate
    are the computed ones; that is set in place, sparing a deep copy per studio (a region has thousands)."""
    if overrides:
        labels = _period_labels(result)
        matching = [o for o in overrides if o["period"] in labels]
        if matching:
            return apply_overrides(result, matching)
    for block in [result["team"], *result["members"]]:
        block["final_verdict"] = block["verdict"]
        block["final_compliance_rate"] = block["compliance_rate"]
    return result


def _assess_all(cycles: dict[int, StudioCycle], *, start_year: int, kind: str, as_of: datetime.date,
                settings: Settings, signoffs: bool = True):
    """Yield one result per studio in studio-code order; fixed number of queries for all of them."""
    evidence = load_evidence(cycles=cycles, annual_year=start_year if kind == ANNUAL else None, as_of=as_of)
    overrides = _overrides(cycles)
    signed = _signoffs(cycles, start_year, kind) if signoffs else {}
    year_label = school_year_label(start_year)
    for sid, cycle in cycles.items():
        if sid not in evidence:
            continue
        result = _with_overrides(assess(evidence[sid], kind, as_of, settings, year=year_label), overrides.get(sid))
        result.update(studio_name=cycle.name, studio_id=sid, cycle_id=cycle.cycle_id,
                      cycle_status=cycle.cycle_status, signoff=signed.get(sid))
        yield result


def iter_assessment_results(*, studios, school_year, kind: str, as_of: datetime.date | None = None):
    """Like ``assessment_results`` but yields the results one by one (for large exports and the command)."""
    _check_kind(kind)
    as_of = as_of or timezone.localdate()
    settings = current_settings()
    cycles = studio_cycles(studios=studios, year=school_year.start_year)
    if not cycles:
        return
    yield from _assess_all(cycles, start_year=school_year.start_year, kind=kind, as_of=as_of, settings=settings)


def assessment_results(*, studios, school_year, kind: str, as_of: datetime.date | None = None) -> list[dict]:
    """The assessment of each studio whose cycle contains ``school_year``, in studio-code order.

    kind "annual" assesses that school year; "cycle" the whole cycle containing it. Each result has the
    shape of assessment-json.md with officer overrides laid over it ("override", "final_verdict"), the
    settings used, "studio_name" and "signoff" (None or {grade, comment, by, at, person_grades}).
    Studios without a cycle containing the year are left out.
    """
    return list(iter_assessment_results(studios=studios, school_year=school_year, kind=kind, as_of=as_of))


def studio_assessment(*, studio, school_year, kind: str, as_of: datetime.date | None = None) -> dict | None:
    """One studio's result as in ``assessment_results``; None when its cycles do not contain the year."""
    results = assessment_results(studios=[studio], school_year=school_year, kind=kind, as_of=as_of)
    return results[0] if results else None


# --- the checklist ----------------------------------------------------------------------------------------


def _missing_text(instance: dict, period_kind: str, as_of: datetime.date) -> str:
    """'还差 1 篇论文（≥1800字），本学期剩 23 天' — what is lacking and the days left in the period."""
    missing = instance.get("missing") or ""
    status = effective_status(instance)
    if status == MET or not missing:
        return ""
    if status == PENDING:
        end = datetime.date.fromisoformat(instance["period_end"])
        days = (end - as_of).days
        return f"{missing}，{PERIOD_WORDS[period_kind]}剩 {days} 天" if days >= 0 else missing
    return missing


def _checklist_items(instances, periods, *, scope: str, as_of: datetime.date) -> list[dict]:
    items = []
    for instance in instances:
        rule = RULES_BY_ID[instance["rule"]]
        period = periods.get(instance["period"])
        if period is None:
            continue  # another semester of the year
        status = effective_status(instance)
        if status == NOT_APPLICABLE:
            continue
        item = {
            **instance,
            "scope": scope,
            "title": rule.title,
            "clause": rule.clause,
            "period_kind": rule.period_kind,
            "period_start": period["start"],
            "period_end": period["end"],
            "status": status,
            "computed_status": instance["status"],
            "days_left": (datetime.date.fromisoformat(period["end"]) - as_of).days,
        }
        item["missing"] = _missing_text(item, rule.period_kind, as_of)
        items.append(item)
    return items


def person_checklist(*, teacher: Teacher, as_of: datetime.date | None = None) -> list[dict]:
    """For each studio the teacher is in on ``as_of`` (default today): the rule instances of the current
    semester, school year and cycle that apply to them, and for a host the studio's team rules too.

    Each entry: {studio, studio_id, studio_name, role, school_year, semester, cycle, items}; each item is a
    rule instance with "title", "scope" (team/individual), "period_kind", "status" (after any override),
    "missing" ("还差 1 篇论文（≥1800字），本学期剩 23 天"; "" once met) and "days_left".
    Studios without a cycle containing the current school year are left out.
    """
    as_of = as_of or timezone.localdate()
    memberships = list(
        Membership.objects.active_on(as_of).filter(teacher=teacher).order_by("studio__code")
        .values_list("studio_id", "role")
    )
    if not memberships:
        return []
    roles = dict(memberships)
    school_year = school_year_on(as_of)
    settings = current_settings()
    cycles = studio_cycles(studios=list(roles), year=school_year.start_year)
    if not cycles:
        return []
    checklists = []
    if as_of == timezone.localdate():
        # The stored results of their studios, recomputed here first if a change (theirs, say) made one stale:
        # a person's own checklist is never behind their own last change.
        from .results import iter_stored_results

        source = iter_stored_results(studios=list(cycles), school_year=school_year, kind=ANNUAL)
    else:
        source = _assess_all(cycles, start_year=school_year.start_year, kind=ANNUAL, as_of=as_of,
                             settings=settings, signoffs=False)
    for result in source:
        checklists.append(_checklist(result, school_year, as_of, teacher.code, roles[result["studio_id"]]))
    return checklists


def _checklist(result: dict, school_year, as_of: datetime.date, code: str, role: str) -> dict:
    bounds = _semester(school_year, school_year.semester_of(as_of))
    cycle = {"label": CYCLE_LABEL, "start": result["cycle"]["start"], "end": result["cycle"]["end"]}
    periods = {bounds["label"]: bounds, result["period"]["label"]: result["period"], CYCLE_LABEL: cycle}
    me = next((m for m in result["members"] if m["teacher"] == code), None)
    items = _checklist_items(me["rules"], periods, scope="individual", as_of=as_of) if me else []
    if role == Membership.Role.HOST:
        items = _checklist_items(result["team"]["rules"], periods, scope="team", as_of=as_of) + items
    return {
        "studio": result["studio"],
        "studio_id": result["studio_id"],
        "studio_name": result["studio_name"],
        "teacher": code,
        "role": role,
        "as_of": as_of.isoformat(),
        "school_year": result["period"],
        "semester": bounds,
        "cycle": cycle,
        "items": items,
    }


def studio_checklists(*, studios, as_of: datetime.date | None = None) -> dict[int, list[dict]]:
    """The checklist of everyone active on ``as_of`` in each of these studios, in a fixed number of queries
    (for reminders): {studio_id: [checklist as in person_checklist, with "teacher", host first]}. As of today
    they are read from the stored results; another day is assessed live."""
    as_of = as_of or timezone.localdate()
    school_year = school_year_on(as_of)
    settings = current_settings()
    cycles = studio_cycles(studios=studios, year=school_year.start_year)
    if not cycles:
        return {}
    roles = defaultdict(dict)
    for sid, code, role in (
        Membership.objects.active_on(as_of).filter(studio_id__in=list(cycles)).order_by("joined_on")
        .values_list("studio_id", "teacher__code", "role")
    ):
        roles[sid][code] = role
    found = {}
    if as_of == timezone.localdate():  # today: the stored results (results.py), refreshed first where outdated
        from .results import iter_stored_results

        source = iter_stored_results(studios=list(cycles), school_year=school_year, kind=ANNUAL)
    else:
        source = _assess_all(cycles, start_year=school_year.start_year, kind=ANNUAL, as_of=as_of,
                             settings=settings, signoffs=False)
    for result in source:
        people = sorted(roles[result["studio_id"]].items(), key=lambda item: (item[1] != Membership.Role.HOST,
                                                                               item[0]))
        found[result["studio_id"]] = [_checklist(result, school_year, as_of, code, role) for code, role in people]
    return found


def _semester(school_year: SchoolYear, number: int) -> dict:
    start, end = school_year.semester_bounds(number)
    return {"label": f"{school_year.label}-{number}", "start": start.isoformat(), "end": end.isoformat(),
            "number": number}


# --- sign-off against the live result ---------------------------------------------------------------------


def _instances_by_key(result: dict) -> dict[tuple, dict]:
    found = {}
    for instance in result["team"]["rules"]:
        found[(None, instance["rule"], instance["period"])] = instance
    for member in result["members"]:
        for instance in member["rules"]:
            found[(member["teacher"], instance["rule"], instance["period"])] = instance
    return found


def _final(block: dict) -> str:
    return block.get("final_verdict", block["verdict"])


def signoff_diff(signoff, live_result: dict) -> list[dict]:
    """What changed between the result stored with a sign-off and the live one.

    ``signoff`` is an AssessmentSignoff or its stored result dict. Each change is a dict with "change"
    one of: "team_verdict", "member_verdict", "member_added", "member_removed", "status",
    "instance_added", "instance_removed"; plus "teacher" (None for the team), "name", "rule", "title",
    "period", "before", "after". Statuses compared are the effective ones (after overrides). Empty when
    nothing changed.
    """
    stored = signoff.result if isinstance(signoff, AssessmentSignoff) else signoff
    changes: list[dict] = []

    def change(kind, *, teacher=None, name="", rule="", period="", before=None, after=None):
        changes.append({"change": kind, "teacher": teacher, "name": name, "rule": rule,
                        "title": RULES_BY_ID[rule].title if rule in RULES_BY_ID else "",
                        "period": period, "before": before, "after": after})

    if _final(stored["team"]) != _final(live_result["team"]):
        change("team_verdict", before=_final(stored["team"]), after=_final(live_result["team"]))
    before_members = {m["teacher"]: m for m in stored["members"]}
    after_members = {m["teacher"]: m for m in live_result["members"]}
    for code, member in after_members.items():
        if code not in before_members:
            change("member_added", teacher=code, name=member["name"], after=_final(member))
        elif _final(before_members[code]) != _final(member):
            change("member_verdict", teacher=code, name=member["name"], before=_final(before_members[code]),
                   after=_final(member))
    for code, member in before_members.items():
        if code not in after_members:
            change("member_removed", teacher=code, name=member["name"], before=_final(member))
    names = {**{c: m["name"] for c, m in before_members.items()}, **{c: m["name"] for c, m in after_members.items()}}
    before_instances, after_instances = _instances_by_key(stored), _instances_by_key(live_result)
    for key, instance in after_instances.items():
        teacher, rule, period = key
        if teacher is not None and (teacher not in before_members or teacher not in after_members):
            continue  # said once above
        old = before_instances.get(key)
        if old is None:
            change("instance_added", teacher=teacher, name=names.get(teacher, ""), rule=rule, period=period,
                   after=effective_status(instance))
        elif effective_status(old) != effective_status(instance):
            change("status", teacher=teacher, name=names.get(teacher, ""), rule=rule, period=period,
                   before=effective_status(old), after=effective_status(instance))
    for key, instance in before_instances.items():
        teacher, rule, period = key
        if key in after_instances or (teacher is not None and teacher not in after_members):
            continue
        change("instance_removed", teacher=teacher, name=names.get(teacher, ""), rule=rule, period=period,
               before=effective_status(instance))
    return changes


# --- the banner overview ----------------------------------------------------------------------------------

STATUS_ORDER = (NOT_MET, PENDING, MET, NOT_APPLICABLE)  # the worst first: a cell shows its worst instance


def _worst(statuses) -> str:
    statuses = set(statuses)
    return next((s for s in STATUS_ORDER if s in statuses), NOT_APPLICABLE)


def _rate(met: int, applicable: int) -> float | None:
    return round(met / applicable, 4) if applicable else None


class _Tally:
    __slots__ = ("met", "applicable", "not_met", "pending", "not_applicable")

    def __init__(self):
        self.met = self.applicable = self.not_met = self.pending = self.not_applicable = 0

    def add(self, status: str) -> None:
        if status == NOT_APPLICABLE:
            self.not_applicable += 1
            return
        self.applicable += 1
        if status == MET:
            self.met += 1
        elif status == NOT_MET:
            self.not_met += 1
        else:
            self.pending += 1

    def as_dict(self) -> dict:
        return {"met": self.met, "not_met": self.not_met, "pending": self.pending,
                "not_applicable": self.not_applicable, "applicable": self.applicable,
                "rate": _rate(self.met, self.applicable)}


def overview_matrix_recent(*, school_year, kind: str) -> dict:
    """The banner's matrix as of today, at most ASSESSMENT_PANEL_CACHE_SECONDS old: for summaries on busy pages
    (the office's home) that may lag a minute behind the records; the overview page itself stays live."""
    seconds = django_settings.ASSESSMENT_PANEL_CACHE_SECONDS
    if not seconds:
        return overview_matrix(school_year=school_year, kind=kind)
    key = f"assessments:overview:{kind}:{school_year.start_year}:{timezone.localdate().isoformat()}"
    matrix = cache.get(key)
    if matrix is None:
        matrix = overview_matrix(school_year=school_year, kind=kind)
        cache.set(key, matrix, seconds)
    return matrix


def overview_matrix(*, school_year, kind: str, as_of: datetime.date | None = None, studios=None) -> dict:
    """The banner overview: every studio (whose cycle contains the year) × every rule of the registry.

    Returns {
      "kind", "school_year", "as_of", "settings",
      "rules": [{id, title, clause, scope, period_kind, counts}],          # columns, registry order
      "periods": [labels of semesters / years in the assessment, in order],
      "rows": [{studio, studio_id, studio_name, verdict, final_verdict, compliance_rate, signoff_grade,
                cells: {rule_id: {status, met, not_met, pending, not_applicable, applicable, rate,
                                  instances: [{period, status, teacher}]}}}],  # sorted by rate, best first
      "by_studio": [{studio, studio_name, rate}], "by_rule": [{rule, title, rate, met, applicable, counts}],
      "trend": [{period, rate, met, applicable}],   # semester instances of every studio, by semester
      "totals": {studios, rate, met, applicable, pass, fail, pending},
    }
    A cell's status is its worst instance (not_met, then pending, then met); a team rule cell holds the
    studio's instances, an individual rule cell those of every person. Rates use effective statuses (after
    overrides) of the instances that count for this kind of assessment, as the verdicts do; the
    studio's rate is met ÷ applicable over the team and all people.
    """
    _check_kind(kind)
    as_of = as_of or timezone.localdate()
    settings = current_settings()
    cycles = studio_cycles(studios=studios if studios is not None else Studio.objects.all(),
                           year=school_year.start_year)
    rows = []
    by_rule = {rule.id: _Tally() for rule in REGISTRY}
    trend: dict[str, _Tally] = defaultdict(_Tally)
    periods: list[str] = []
    totals = _Tally()
    verdicts = {"pass": 0, "fail": 0, "pending": 0}
    for result in (_assess_all(cycles, start_year=school_year.start_year, kind=kind, as_of=as_of,
                               settings=settings) if cycles else ()):
        cells: dict[str, dict] = {}
        studio_tally = _Tally()
        blocks = [(None, result["team"])] + [(m["teacher"], m) for m in result["members"]]
        cell_instances: dict[str, list] = defaultdict(list)
        for teacher, block in blocks:
            for instance in block["rules"]:
                status = effective_status(instance)
                cell_instances[instance["rule"]].append(
                    {"period": instance["period"], "status": status, "teacher": teacher,
                     "counts": instance.get("counts", True)})
                if instance["period"] not in periods and instance["period"] != CYCLE_LABEL:
                    periods.append(instance["period"])
                if instance.get("counts", True):
                    studio_tally.add(status)
                    totals.add(status)
                by_rule[instance["rule"]].add(status)
                if RULES_BY_ID[instance["rule"]].period_kind == "semester" and instance.get("counts", True):
                    trend[instance["period"]].add(status)
        for rule in REGISTRY:
            instances = cell_instances.get(rule.id, [])
            tally = _Tally()
            for instance in instances:
                tally.add(instance["status"])
            cells[rule.id] = {"status": _worst(i["status"] for i in instances), **tally.as_dict(),
                              "instances": instances}
        final = result["team"].get("final_verdict", result["team"]["verdict"])
        overall = _overall_verdict(result)
        verdicts[overall] += 1
        rows.append({
            "studio": result["studio"],
            "studio_id": result["studio_id"],
            "studio_name": result["studio_name"],
            "team_verdict": result["team"]["verdict"],
            "team_final_verdict": final,
            "final_verdict": overall,
            "compliance_rate": studio_tally.as_dict()["rate"],
            "signoff_grade": result["signoff"]["grade"] if result["signoff"] else None,
            "cells": cells,
        })
    rows.sort(key=lambda row: (-(row["compliance_rate"] if row["compliance_rate"] is not None else -1),
                               row["studio"]))
    periods.sort(key=_period_sort_key)
    return {
        "kind": kind,
        "school_year": school_year.label,
        "as_of": as_of.isoformat(),
        "settings": settings.as_dict(),
        "rules": [{"id": r.id, "title": r.title, "short": r.short, "clause": r.clause, "scope": r.scope,
                   "period_kind": r.period_kind, "counts": kind == CYCLE or r.period_kind != "cycle"}
                  for r in REGISTRY],
        "periods": periods,
        "rows": rows,
        "by_studio": [{"studio": r["studio"], "studio_name": r["studio_name"], "rate": r["compliance_rate"]}
                      for r in rows],
        "by_rule": [{"rule": r.id, "title": r.title, **by_rule[r.id].as_dict(),
                     "counts": kind == CYCLE or r.period_kind != "cycle"} for r in REGISTRY],
        "trend": [{"period": label, **trend[label].as_dict()} for label in sorted(trend, key=_period_sort_key)],
        "totals": {"studios": len(rows), **totals.as_dict(), **verdicts},
    }


def _overall_verdict(result: dict) -> str:
    """The studio's verdict after overrides over the team and every person: fail, else pending, else pass."""
    finals = [_final(result["team"])] + [_final(m) for m in result["members"]]
    if "fail" in finals:
        return "fail"
    if "pending" in finals:
        return "pending"
    return "pass"


def _period_sort_key(label: str):
    # "2024-2025-1" < "2024-2025-2" < "2024-2025" sorts by year then semester, the year after its semesters.
    parts = label.split("-")
    return (int(parts[0]), int(parts[2]) if len(parts) == 3 else 9)
