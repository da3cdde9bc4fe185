"""Assessment pages: the banner overview, a studio's assessment with sign-off and overrides, rule settings.

Who sees what on a studio's assessment (the spec leaves members open): the office and the studio's host see the
team table and every person's table; a member (current or former) sees the team table and only their own
table. Every other teacher gets 404, and the office-only actions (sign-off, overrides, settings, the overview)
answer 403 to teachers.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import AuditEntry
from core.services import DomainError
from members.models import Teacher
from studios.access import get_studio_for_user, is_office, require_office, studio_roles, today
from studios.models import Cycle, Membership, SchoolYear

from . import selectors, services
from .forms import AssessmentChoiceForm, OverrideDeleteForm, OverrideForm, RuleSettingsForm, SignoffForm
from .models import AssessmentSignoff, RuleOverride, RuleSettings
from .rules import REGISTRY, RULES_BY_ID

# --- labels -------------------------------------------------------------------------------------------------

STATUS_LABELS = {
    "met": gettext_lazy("Met"),
    "not_met": gettext_lazy("Not met"),
    "pending": gettext_lazy("In progress"),
    "not_applicable": gettext_lazy("Not applicable"),
}
VERDICT_LABELS = {"pass": gettext_lazy("Pass"), "fail": gettext_lazy("Fail"), "pending": gettext_lazy("Undecided")}
GRADE_LABELS = {"excellent": gettext_lazy("Excellent"), "pass": gettext_lazy("Pass"), "fail": gettext_lazy("Fail")}
KIND_LABELS = {"annual": gettext_lazy("Annual assessment"), "cycle": gettext_lazy("Cycle assessment")}
ROLE_LABELS = {"host": gettext_lazy("Host"), "member": gettext_lazy("Member")}
SETTING_LABELS = {
    "paper_min_chars": gettext_lazy("Minimum characters of a research paper"),
    "reflection_min_chars": gettext_lazy("Minimum characters of a reflective summary"),
    "young_max_age": gettext_lazy("Young member: maximum age on the cycle's first day"),
    "summary_grace_days": gettext_lazy("Days after the year's end to hand in the summary"),
    "attendance_min_ratio": gettext_lazy("Minimum attendance ratio"),
    "cultivate_min": gettext_lazy("Newly titled backbone teachers per cycle"),
    "public_lecture_min": gettext_lazy("Banner-wide lectures per semester"),
    "seminar_min": gettext_lazy("Banner-wide thematic seminars per semester"),
    "study_min": gettext_lazy("Seminars, report meetings or study trips per semester"),
    "outreach_min": gettext_lazy("Outreach trips per year"),
    "research_min": gettext_lazy("Concluded research projects per cycle"),
    "designs_min": gettext_lazy("Teaching designs or cases per year"),
    "lecture_min": gettext_lazy("Lectures or open classes per year"),
}


def period_label(label: str) -> str:
    """"2024-2025-1" → "2024-2025 第一学期"; a year label stays; "cycle" → "整个周期"."""
    if label == "cycle":
        return str(gettext_lazy("Whole cycle"))
    parts = label.split("-")
    if len(parts) == 3:
        semester = gettext_lazy("semester 1") if parts[2] == "1" else gettext_lazy("semester 2")
        return f"{parts[0]}-{parts[1]} {semester}"
    return label


def rate_percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def settings_rows(values: dict) -> list[dict]:
    """The settings a result was computed with, labelled, in the registry's order of meaning."""
    return [{"name": name, "label": SETTING_LABELS.get(name, name), "value": value}
            for name, value in (values or {}).items() if name in SETTING_LABELS]


# --- links to the records behind a result ---------------------------------------------------------------------


def _reverse(name: str, *args, query: dict | None = None) -> str | None:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


# Which page records what a rule still lacks: (url name, takes the studio code, query).
RECORD_TARGETS = {
    "I-PAPER": ("records:work_create", False, {"kind": "paper"}),
    "I-REFLECTION": ("records:work_create", False, {"kind": "reflection"}),
    "I-DESIGNS": ("records:work_create", False, {"kind": "design"}),
    "I-STAGE-SUMMARY": ("records:work_create", False, {"kind": "stage_summary"}),
    "I-DEV-PLAN": ("records:work_create", False, {"kind": "dev_plan"}),
    "I-MENTOR": ("records:pair_create", False, None),
    "I-RESEARCH": ("records:projects", True, None),
    "T-RESEARCH": ("records:projects", True, None),
    "T-YOUNG-BACKBONE": ("studios:detail", True, None),
    "T-CULTIVATE": ("studios:detail", True, None),
    "I-TASKS": ("records:mine", False, None),  # a member's own assignments; the studio's task list is the host's
    "T-PLAN": ("records:document_create", True, {"kind": "work_plan"}),
    "T-SUMMARY": ("records:document_create", True, {"kind": "annual_summary"}),
    "T-TRAINING-PLAN": ("records:document_create", True, {"kind": "training_plan"}),
    "T-REPORT": ("records:document_create", True, {"kind": "research_report"}),
    "T-EVALUATION": ("records:evaluations", True, None),
    "T-FUNDS": ("records:funds", True, None),
    "T-PUBLIC-LECTURE": ("activities:create", True, None),
    "T-SEMINAR": ("activities:create", True, None),
    "T-MEETINGS": ("activities:create", True, None),
    "T-STUDY": ("activities:create", True, None),
    "T-OUTREACH": ("activities:create", True, None),
    "I-SEMINAR": ("activities:studio_calendar", True, None),
    "I-LECTURE": ("activities:studio_calendar", True, None),
    "I-ATTENDANCE": ("activities:studio_calendar", True, None),
}


def record_url(rule_id: str, studio_code: str) -> str | None:
    """Where to record what a rule instance still lacks, or None when no page records it."""
    target = RECORD_TARGETS.get(rule_id)
    if target is None:
        return None
    name, with_code, query = target
    return _reverse(name, *([studio_code] if with_code else []), query=query)


def _ref_ids(refs: set[str], prefix: str) -> list[int]:
    """The pks named by app refs like "#W12" (CodedRecord.ref) with this prefix."""
    head = f"#{prefix}"
    return [int(ref[len(head):]) for ref in refs if ref.startswith(head) and ref[len(head):].isdigit()]


def evidence_links(studio, refs: set[str], *, member_id: int | None = None) -> dict[str, str]:
    """ref → URL of the page of the record it names, for the refs of this studio's records.

    A ref is a ledger code or the app's own id ("#W12", CodedRecord.ref), or a teacher's code for the rules
    that count people (T-YOUNG-BACKBONE, T-CULTIVATE, T-EVALUATION). One query per kind of record, whatever
    the number of refs; refs that resolve to nothing are shown as plain codes.

    ``member_id``: the teacher reading the page is a member, not the host or the office; they get links only to
    pages open to them (not the host's task list or funds, and of personal records only their own).
    """
    from activities.models import Activity
    from records.models import FundEntry, MentoringPair, ResearchProject, StudioDocument, Task, Work

    code = studio.code
    sources = [
        (Work, lambda pk: reverse("records:work", args=[pk])),
        (StudioDocument, lambda pk: reverse("records:document", args=[code, pk])),
        (Activity, lambda pk: reverse("activities:detail", args=[code, pk])),
        (MentoringPair, lambda pk: reverse("records:pair", args=[pk])),
        (ResearchProject, lambda pk: reverse("records:projects", args=[code])),
        (Task, lambda pk: reverse("records:tasks", args=[code])),
        (FundEntry, lambda pk: reverse("records:funds", args=[code])),
    ]
    links: dict[str, str] = {}
    if not refs:
        return links
    codes = [ref for ref in refs if not ref.startswith("#")]
    for model, url in sources:
        ids = _ref_ids(refs, model.REF_PREFIX)
        if not (ids or codes) or (member_id is not None and model in (Task, FundEntry)):
            continue
        found = model.objects.filter(Q(pk__in=ids) | Q(code__in=codes))
        found = found.filter(Q(studio=studio) | Q(studio__isnull=True)) if model is MentoringPair else found.filter(
            studio=studio)
        if member_id is not None and model in (Work, MentoringPair):
            found = found.filter(teacher_id=member_id)
        for pk, record_code in found.values_list("pk", "code"):
            for ref in (record_code, f"#{model.REF_PREFIX}{pk}"):
                if ref in refs and ref not in links:
                    links[ref] = url(pk)
    teacher_codes = [ref for ref in codes if ref not in links]
    if teacher_codes:
        for teacher_code in Teacher.objects.filter(code__in=teacher_codes).values_list("code", flat=True):
            links[teacher_code] = reverse("members:teacher", args=[teacher_code])
    return links


def _instances(result: dict):
    yield from result["team"]["rules"]
    for member in result["members"]:
        yield from member["rules"]


def decorate(result: dict, *, studio, office: bool, kind: str, year: str, member_id: int | None = None) -> dict:
    """Add labels, evidence links and action URLs to a result dict for the template (in place)."""
    links = evidence_links(studio, {ref for instance in _instances(result) for ref in instance["evidence"]},
                           member_id=member_id)
    override_base = reverse("assessments:override", args=[studio.code])

    def walk(block: dict, teacher: str | None):
        block["verdict_label"] = VERDICT_LABELS.get(block.get("verdict"), "")
        final = block.get("final_verdict", block.get("verdict"))
        block["final_verdict_label"] = VERDICT_LABELS.get(final, "")
        block["rate"] = rate_percent(block.get("compliance_rate"))
        block["counts"] = dict.fromkeys(STATUS_LABELS, 0)
        for instance in block["rules"]:
            rule = RULES_BY_ID.get(instance["rule"])
            instance.setdefault("title", rule.title if rule else instance["rule"])
            instance.setdefault("clause", rule.clause if rule else "")
            instance["status_label"] = STATUS_LABELS.get(instance["status"], instance["status"])
            instance["period_label"] = period_label(instance["period"])
            instance["evidence_links"] = [{"ref": ref, "url": links.get(ref)} for ref in instance["evidence"]]
            override = instance.get("override")
            if override:
                override["status_label"] = STATUS_LABELS.get(override["status"], override["status"])
            if instance.get("counts", True):
                block["counts"][instance["status"]] += 1
            if office:
                instance["override_url"] = override_base + "?" + urlencode({
                    "teacher": teacher or "", "rule": instance["rule"], "period": instance["period"],
                    "kind": kind, "year": year,
                })

    walk(result["team"], None)
    for member in result["members"]:
        member["role_label"] = ROLE_LABELS.get(member["role"], member["role"])
        walk(member, member["teacher"])
    return result


# --- choosing a year ------------------------------------------------------------------------------------------


def _start_year(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def studio_years(studio) -> list[str]:
    """The school years of the studio's cycles that have begun (any past year), latest first."""
    current = _start_year(today())
    labels = set()
    for cycle in Cycle.objects.filter(studio=studio).select_related("start_year"):
        for start_year in cycle.start_years():
            if start_year <= current or start_year == cycle.first_start_year:
                labels.add(f"{start_year}-{start_year + 1}")
    return sorted(labels, reverse=True)


def banner_years() -> list[str]:
    """Every school year some cycle covers, up to the current one, latest first."""
    current = _start_year(today())
    labels = {f"{year}-{year + 1}" for first in Cycle.objects.values_list("start_year__start_year", flat=True)
              for year in range(first, first + Cycle.YEARS) if year <= current or year == first}
    return sorted(labels, reverse=True) or [f"{current}-{current + 1}"]


def current_year_label(years: list[str]) -> str:
    start_year = _start_year(today())
    label = f"{start_year}-{start_year + 1}"
    return label if label in years else years[0]


def school_year(label: str) -> SchoolYear:
    """The office's school year with this label, or an unsaved one with the default calendar."""
    start_year = SchoolYear.parse_label(label)
    found = SchoolYear.objects.filter(start_year=start_year).first()
    return found or SchoolYear(start_year=start_year, **SchoolYear.default_dates(start_year))


def _choice(data, years: list[str]) -> tuple[AssessmentChoiceForm, str, str]:
    """The assessment asked for in ``data`` (GET or POST), or the current year's annual assessment."""
    initial = {"kind": "annual", "year": current_year_label(years)}
    bound = bool(data.get("year") or data.get("kind"))
    form = AssessmentChoiceForm(data if bound else None, years=years, initial=initial)
    if bound and form.is_valid():
        return form, form.cleaned_data["kind"], form.cleaned_data["year"]
    return form, initial["kind"], initial["year"]


# --- banner overview ------------------------------------------------------------------------------------------


SORTS = {
    "rate": gettext_lazy("Compliance rate, worst first"),
    "not_met": gettext_lazy("Most not met first"),
    "code": gettext_lazy("Studio code"),
}


@login_required
def overview(request):
    """Studios × rules for a year or cycle, worst first, with charts and the same numbers as tables."""
    require_office(request.user)
    years = banner_years()
    form, kind, year = _choice(request.GET, years)
    sort = request.GET.get("sort", "rate")
    if sort not in SORTS:
        sort = "rate"
    matrix = selectors.overview_matrix(school_year=school_year(year), kind=kind)
    query = urlencode({"kind": kind, "year": year})
    rows = sort_rows(decorate_rows(matrix, query), sort)
    for rule in matrix["by_rule"]:
        rule["rate_label"] = rate_percent(rule["rate"])
    for point in matrix["trend"]:
        point["label"] = period_label(point["period"])
        point["rate_label"] = rate_percent(point["rate"])
    matrix["totals"]["rate_label"] = rate_percent(matrix["totals"]["rate"])
    return render(request, "assessments/overview.html", {
        "form": form, "kind": kind, "year": year, "kind_label": KIND_LABELS[kind], "matrix": matrix,
        "rows": rows, "sort": sort, "sorts": SORTS, "query": query,
        "charts": chart_data(matrix, rows), "status_labels": STATUS_LABELS,
        "settings_used": settings_rows(matrix["settings"]),
    })


def decorate_rows(matrix: dict, query: str) -> list[dict]:
    """The matrix rows with what a page shows of them: link, rate, counts, labels, cells and the rules behind."""
    met_word = str(STATUS_LABELS["met"])
    rows = matrix["rows"]
    for row in rows:
        row["url"] = reverse("assessments:studio", args=[row["studio"]]) + "?" + query
        row["rate"] = rate_percent(row["compliance_rate"])
        row["not_met"] = sum(cell["not_met"] for cell in row["cells"].values())
        row["pending"] = sum(cell["pending"] for cell in row["cells"].values())
        row["verdict_label"] = VERDICT_LABELS.get(row["final_verdict"], "")
        row["grade_label"] = GRADE_LABELS.get(row["signoff_grade"], "")
        row["cell_list"] = [_cell(rule, row["cells"][rule["id"]], met_word) for rule in matrix["rules"]]
        behind = sorted((cell for cell in row["cell_list"] if cell["not_met"]), key=lambda cell: -cell["not_met"])
        row["behind"], row["behind_more"] = behind[:3], max(len(behind) - 3, 0)
    return rows


def behind_context(user) -> dict | None:
    """The office's home panel: the studios furthest behind this school year, and on which rules."""
    if not is_office(user):
        return None
    year = selectors.school_year_on(timezone.localdate())
    matrix = selectors.overview_matrix(school_year=year, kind="annual")
    query = urlencode({"kind": "annual", "year": year.label})
    rows = sort_rows(decorate_rows(matrix, query), "not_met")
    return {"year": year.label, "rows": rows[:5], "count": len(rows),
            "behind_count": sum(1 for row in rows if row["not_met"]),
            "overview_url": reverse("assessments:overview") + "?" + query}


def _cell(rule: dict, cell: dict, met_word: str) -> dict:
    """One matrix cell: its worst status, a short mark (✗n not met, … in progress, ✓ met) and a tooltip."""
    if cell["not_met"]:
        mark = f"✗{cell['not_met']}"
    elif cell["pending"]:
        mark = "…"
    else:
        mark = "✓" if cell["status"] == "met" else "—"
    label = STATUS_LABELS[cell["status"]]
    return {"rule": rule["id"], "title": rule["title"], "status": cell["status"], "not_met": cell["not_met"],
            "mark": mark, "tip": f"{rule['title']}：{label}（{met_word} {cell['met']}/{cell['applicable']}）"}


def sort_rows(rows: list[dict], sort: str) -> list[dict]:
    """Worst first by default: lowest compliance rate, then most not_met instances, then code."""
    def not_met(row):
        return sum(cell["not_met"] for cell in row["cells"].values())

    if sort == "code":
        return sorted(rows, key=lambda row: row["studio"])
    if sort == "not_met":
        return sorted(rows, key=lambda row: (-not_met(row), _rate_key(row), row["studio"]))
    return sorted(rows, key=lambda row: (_rate_key(row), -not_met(row), row["studio"]))


def _rate_key(row: dict) -> float:
    rate = row.get("compliance_rate")
    return 2.0 if rate is None else rate


def _percent(rate) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def chart_data(matrix: dict, rows: list[dict]) -> dict:
    """Numbers for the three charts (compliance by studio, by rule, by semester); the page shows them as tables."""
    return {
        "by_studio": {"labels": [row["studio_name"] for row in rows],
                      "values": [_percent(row["compliance_rate"]) for row in rows]},
        "by_rule": {"labels": [rule["title"] for rule in matrix["by_rule"]],
                    "values": [_percent(rule["rate"]) for rule in matrix["by_rule"]]},
        "trend": {"labels": [period_label(point["period"]) for point in matrix["trend"]],
                  "values": [_percent(point["rate"]) for point in matrix["trend"]]},
        "label": str(gettext_lazy("Compliance rate (%)")),
    }


# --- a studio's assessment ------------------------------------------------------------------------------------


def _viewer(user, studio) -> tuple[bool, bool, str | None]:
    """(office, sees everyone, own teacher code) for this studio's assessment page."""
    office = is_office(user)
    if office or studio.pk in studio_roles(user).hosted:
        return office, True, None
    teacher = getattr(user, "teacher", None)
    return False, False, teacher.code if teacher else None


def _load(studio, kind: str, year: str) -> dict:
    result = selectors.studio_assessment(studio=studio, school_year=school_year(year), kind=kind)
    if result is None:
        raise Http404
    return result


def _signoff_display(signoff: dict | None) -> dict | None:
    if not signoff:
        return None
    at = parse_datetime(signoff["at"]) if signoff.get("at") else None
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
    form, kind, year = _choice(request.GET, years)
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
        "query": urlencode({"kind": kind, "year": year}),
    })


def _office_studio(request, code):
    require_office(request.user)
    return get_studio_for_user(request.user, code)


INITIAL_GRADES = {"pass": "pass", "fail": "fail"}


@login_required
def signoff_create(request, code):
    """GET shows the sign-off form beside the computed result; POST signs the assessment off."""
    studio = _office_studio(request, code)
    years = studio_years(studio)
    if not years:
        raise Http404
    _form, kind, year = _choice(request.POST if request.method == "POST" else request.GET, years)
    result = _load(studio, kind, year)
    decorate(result, studio=studio, office=True, kind=kind, year=year)
    previous = result.get("signoff") or {}
    people = [{"teacher": member["teacher"], "name": member["name"],
               "initial": previous.get("person_grades", {}).get(member["teacher"])
               or INITIAL_GRADES.get(member.get("final_verdict", member["verdict"]))}
              for member in result["members"]]
    team_verdict = result["team"].get("final_verdict", result["team"]["verdict"])
    form = SignoffForm(request.POST or None, people=people, initial={
        "grade": previous.get("grade") or INITIAL_GRADES.get(team_verdict), "comment": previous.get("comment", ""),
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.signoff_create(
                actor=request.user, studio=studio, school_year=school_year(year), kind=kind,
                grade=form.cleaned_data["grade"], comment=form.cleaned_data["comment"],
                person_grades=form.person_grades(),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The assessment was signed off."))
            return redirect(_studio_url(studio, kind, year))
    return render(request, "assessments/signoff_form.html", {
        "studio": studio, "kind": kind, "year": year, "kind_label": KIND_LABELS[kind], "form": form,
        "result": result, "settings_used": settings_rows(result.get("settings")),
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
        "studio": studio, "form": form, "instance": instance, "block": block, "target": target,
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


# --- my assessment --------------------------------------------------------------------------------------------


def checklist_context(user, *, as_of=None) -> dict | None:
    """The home panel's and the "my assessment" page's content; None for someone in no studio now."""
    teacher = getattr(user, "teacher", None)
    if teacher is None:
        return None
    groups = selectors.person_checklist(teacher=teacher, as_of=as_of)
    if not groups:
        return None
    for group in groups:
        group["url"] = reverse("assessments:studio", args=[group["studio"]])
        for item in group["items"]:
            item["status_label"] = STATUS_LABELS.get(item["status"], item["status"])
            item["period_label"] = period_label(item["period"])
            item["record_url"] = (None if item["status"] in ("met", "not_applicable")
                                  else record_url(item["rule"], group["studio"]))
        team = [item for item in group["items"] if item["scope"] == "team"]
        mine = [item for item in group["items"] if item["scope"] != "team"]
        group["sections"] = [
            {"title": gettext_lazy("The studio's team rules"), "items": team, "testid": "checklist-team"},
            {"title": gettext_lazy("My rules"), "items": mine, "testid": "checklist-mine"},
        ]
    return {"groups": groups, "teacher": teacher}


@login_required
def my_assessment(request):
    context = checklist_context(request.user)
    if context is None:
        if is_office(request.user):
            return redirect("assessments:overview")
        raise Http404
    return render(request, "assessments/my_assessment.html", {"panel": context})


# --- rule settings --------------------------------------------------------------------------------------------


@login_required
def rule_settings(request):
    """The office's thresholds; every change is audited and listed with who, when, old and new values."""
    require_office(request.user)
    current = RuleSettings.current()
    form = RuleSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in RuleSettings.EDITABLE_FIELDS}
        if not changed:
            messages.info(request, _("Nothing was changed."))
            return redirect("assessments:settings")
        try:
            services.rule_settings_update(actor=request.user, reason=form.cleaned_data["reason"], **changed)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The rule settings were saved. Results computed from now on use them."))
            return redirect("assessments:settings")
    return render(request, "assessments/rule_settings.html", {
        "form": form, "current": current, "history": settings_history(current), "rules": REGISTRY,
    })


def settings_history(current: RuleSettings) -> list[dict]:
    """The audited changes of the settings, newest first, with labelled old and new values."""
    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(RuleSettings), target_id=str(current.pk),
    ).select_related("actor", "actor__teacher").order_by("-created_at", "-id")[:100]
    history = []
    for entry in entries:
        changes = [{"label": SETTING_LABELS.get(name, name), "old": old, "new": new}
                   for name, (old, new) in (entry.data or {}).get("changes", {}).items()]
        history.append({"at": entry.created_at, "by": entry.actor.display_name if entry.actor else "",
                        "comment": entry.comment, "changes": changes})
    return history
