"""Pure evaluation of a studio's evidence into the result dict of assessment-json.md.

    result = assess(evidence, "annual", as_of, settings, year="2024-2025")
    result = assess(evidence, "cycle", as_of, settings)
    final = apply_overrides(result, overrides)

Annual assessment: the semester rules of both semesters of the year and the year
rules of the year decide the verdict. Cycle rules are listed as progress with
``"counts": false``; like the verdict, the compliance rate leaves them out, so an
annual rate only measures what the annual verdict measures. Their status is still
judged against the cycle's end (pending until then, unless met).

Cycle assessment: every semester and year instance of the three years plus the
cycle rules, all with ``"counts": true``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import date

from .evidence import PERIOD_KINDS, STATUSES, Period, Person, Settings, StudioEvidence
from .periods import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    PENDING,
    active_days,
    cycle_period,
    has_active_day,
    periods_of_kind,
    year_period,
)
from .rules import INDIVIDUAL_RULES, TEAM_RULES, Rule, evaluate, evaluate_for

ANNUAL, CYCLE = "annual", "cycle"
PASS, FAIL = "pass", "fail"

OverrideKey = tuple[
    str | None, str, str
]  # (teacher code or None for the team, rule id, period label)


# --- verdicts ---------------------------------------------------------------


def verdict(statuses: Iterable[str]) -> str:
    """fail if any not_met; else pending if any pending; else pass (not_applicable left out)."""
    statuses = list(statuses)
    if NOT_MET in statuses:
        return FAIL
    if PENDING in statuses:
        return PENDING
    return PASS


def compliance_rate(statuses: Iterable[str]) -> float | None:
    """met ÷ (all − not_applicable), 4 decimals; None when nothing applies."""
    applicable = [s for s in statuses if s != NOT_APPLICABLE]
    if not applicable:
        return None
    return round(sum(1 for s in applicable if s == MET) / len(applicable), 4)


def _counted_statuses(instances: Iterable[dict], *, final: bool = False) -> list[str]:
    return [
        effective_status(i) if final else i["status"]
        for i in instances
        if i.get("counts", True)
    ]


def effective_status(instance: dict) -> str:
    override = instance.get("override")
    return override["status"] if override else instance["status"]


# --- periods ----------------------------------------------------------------


def assessment_period(evidence: StudioEvidence, kind: str, year: str | None) -> Period:
    if kind == CYCLE:
        return cycle_period(evidence.school_years)
    if kind == ANNUAL:
        if year is None:
            raise ValueError("an annual assessment needs a school year")
        return year_period(evidence.year(year))
    raise ValueError(f"unknown assessment kind {kind!r}")


def _instance_periods(
    evidence: StudioEvidence, kind: str, year: str | None
) -> dict[str, list[Period]]:
    """The instances' periods of each period kind (semester, year, cycle)."""
    years = evidence.school_years if kind == CYCLE else (evidence.year(year),)
    return {
        period_kind: periods_of_kind(period_kind, years, evidence.school_years)
        for period_kind in PERIOD_KINDS
    }


def _counts(rule: Rule, kind: str) -> bool:
    """Cycle rules are progress only in an annual assessment."""
    return kind == CYCLE or rule.period_kind != "cycle"


# --- people -----------------------------------------------------------------


def listed_people(evidence: StudioEvidence, period: Period) -> list[Person]:
    """Everyone with an active day in the period: hosts first, then by teacher code."""
    people = [p for p in evidence.people if has_active_day(p.memberships, period)]
    return sorted(people, key=lambda p: (not p.is_host, p.teacher))


# --- assessment -------------------------------------------------------------


def _instances(
    rules: Iterable[Rule],
    evidence: StudioEvidence,
    kind: str,
    periods: dict[str, list[Period]],
    as_of: date,
    settings: Settings,
    person: Person | None = None,
) -> list[dict]:
    if person is not None:
        days_active = {
            period.label: active_days(person.memberships, period)
            for kind_periods in periods.values()
            for period in kind_periods
        }
    instances = []
    append = instances.append
    for rule in rules:
        # Built once per rule (the keys in the order every instance has them), laid over each period's dict.
        extra = {"title": rule.title, "clause": rule.clause, "counts": _counts(rule, kind)}
        for period in periods[rule.period_kind]:
            if person is None:
                result = evaluate(rule, evidence, period, as_of, settings)
            else:
                result = evaluate_for(
                    rule,
                    evidence,
                    period,
                    as_of,
                    settings,
                    person,
                    days_active[period.label],
                )
            instance = result.as_dict()
            instance.update(extra)
            append(instance)
    return instances


def _block(instances: list[dict]) -> dict:
    statuses = _counted_statuses(instances)
    return {
        "verdict": verdict(statuses),
        "compliance_rate": compliance_rate(statuses),
        "rules": instances,
    }


def assess(
    evidence: StudioEvidence,
    kind: str,
    as_of: date,
    settings: Settings | None = None,
    year: str | None = None,
) -> dict:
    """The assessment of one studio, shaped exactly as assessment-json.md.

    kind "annual" needs ``year`` (a school-year label of the studio's cycle);
    kind "cycle" assesses the whole cycle of ``evidence`` (``year`` is ignored).
    Raises KeyError for a year outside the cycle, ValueError for a bad kind.
    """
    try:
        return _assess(evidence, kind, as_of, settings or Settings(), year)
    finally:
        evidence.drop_index()


def _assess(
    evidence: StudioEvidence,
    kind: str,
    as_of: date,
    settings: Settings,
    year: str | None,
) -> dict:
    period = assessment_period(evidence, kind, year)
    periods = _instance_periods(evidence, kind, year)
    members = []
    for person in listed_people(evidence, period):
        block = _block(
            _instances(
                INDIVIDUAL_RULES, evidence, kind, periods, as_of, settings, person
            )
        )
        members.append(
            {
                "teacher": person.teacher,
                "name": person.name,
                "role": person.role,
                **block,
            }
        )
    return {
        "studio": evidence.studio,
        "kind": kind,
        "period": period.as_dict(),
        "as_of": as_of.isoformat(),
        "settings": settings.as_dict(),
        "cycle": {
            "start_year": evidence.cycle_start,
            "years": [y.label for y in evidence.school_years],
            **cycle_period(evidence.school_years).as_dict(),
        },
        "team": _block(
            _instances(TEAM_RULES, evidence, kind, periods, as_of, settings)
        ),
        "members": members,
    }


# --- overrides --------------------------------------------------------------


def _override_map(overrides) -> dict[OverrideKey, dict]:
    """Accept {(teacher|None, rule, period): {status, reason, by}} or a list of dicts with
    keys teacher (None for the team), rule, period, status, reason, by."""
    if isinstance(overrides, Mapping):
        items = overrides.items()
    else:
        items = (((o.get("teacher"), o["rule"], o["period"]), o) for o in overrides)
    result = {}
    for key, value in items:
        if value["status"] not in STATUSES:
            raise ValueError(f"override {key}: unknown status {value['status']!r}")
        result[tuple(key)] = {
            "status": value["status"],
            "reason": value.get("reason", ""),
            "by": value.get("by", ""),
            **{
                k: v
                for k, v in value.items()
                if k not in ("teacher", "rule", "period", "status", "reason", "by")
            },
        }
    return result


def _apply_to_block(
    block: dict, teacher: str | None, overrides: dict[OverrideKey, dict], used: set
) -> None:
    for instance in block["rules"]:
        key = (teacher, instance["rule"], instance["period"])
        if key in overrides:
            instance["override"] = dict(overrides[key])
            used.add(key)
    statuses = _counted_statuses(block["rules"], final=True)
    block["final_verdict"] = verdict(statuses)
    block["final_compliance_rate"] = compliance_rate(statuses)


def apply_overrides(result: dict, overrides) -> dict:
    """A copy of ``result`` with officer overrides laid over it.

    Overrides never change "status": each matched instance gains "override", and the
    team and every member gain "final_verdict" (and "final_compliance_rate") beside
    "verdict". Overrides that match no instance are listed under "unmatched_overrides".
    """
    overrides = _override_map(overrides)
    result = copy.deepcopy(result)
    used: set = set()
    _apply_to_block(result["team"], None, overrides, used)
    for member in result["members"]:
        _apply_to_block(member, member["teacher"], overrides, used)
    unmatched = [
        {"teacher": key[0], "rule": key[1], "period": key[2], **value}
        for key, value in overrides.items()
        if key not in used
    ]
    if unmatched:
        result["unmatched_overrides"] = unmatched
    return result
