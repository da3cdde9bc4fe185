"""Links from a result to the records behind it, and to the pages that record what a rule lacks."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from members.models import Teacher

from ..presentation import figures, ratio_text
from ..rules import RULES_BY_ID
from .labels import ROLE_LABELS, STATUS_LABELS, VERDICT_LABELS, period_label


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


def evidence_targets(studio, refs: set[str], *, member_id: int | None = None) -> dict[str, tuple[str, str]]:
    """ref → (URL of the page of the record it names, its title or name), for the refs of this studio's records.

    A ref is a ledger code or the app's own id ("#W12", CodedRecord.ref), or a teacher's code for the rules
    that count people (T-YOUNG-BACKBONE, T-CULTIVATE, T-EVALUATION). One query per kind of record, whatever
    the number of refs; refs that resolve to nothing are shown as plain codes.

    ``member_id``: the teacher reading the page is a member, not the host or the office; they get links only to
    pages open to them (not the host's task list or funds, and of personal records only their own).
    """
    from activities.models import Activity
    from records.models import FundEntry, MentoringPair, ResearchProject, StudioDocument, Task, Work

    code = studio.code
    # A person reads a title or a name, not a code (the code stays beside it, for the ledger).
    sources = [
        (Work, "title", lambda pk: reverse("records:work", args=[pk])),
        (StudioDocument, "title", lambda pk: reverse("records:document", args=[code, pk])),
        (Activity, "title", lambda pk: reverse("activities:detail", args=[code, pk])),
        (MentoringPair, "mentee_name", lambda pk: reverse("records:pair", args=[pk])),
        (ResearchProject, "title", lambda pk: reverse("records:projects", args=[code])),
        (Task, "title", lambda pk: reverse("records:tasks", args=[code])),
        (FundEntry, "description", lambda pk: reverse("records:funds", args=[code])),
    ]
    links: dict[str, tuple[str, str]] = {}
    if not refs:
        return links
    codes = [ref for ref in refs if not ref.startswith("#")]
    for model, label_field, url in sources:
        ids = _ref_ids(refs, model.REF_PREFIX)
        if not (ids or codes) or (member_id is not None and model in (Task, FundEntry)):
            continue
        found = model.objects.filter(Q(pk__in=ids) | Q(code__in=codes))
        found = found.filter(Q(studio=studio) | Q(studio__isnull=True)) if model is MentoringPair else found.filter(
            studio=studio)
        if member_id is not None and model in (Work, MentoringPair):
            found = found.filter(teacher_id=member_id)
        for pk, record_code, label in found.values_list("pk", "code", label_field):
            for ref in (record_code, f"#{model.REF_PREFIX}{pk}"):
                if ref in refs and ref not in links:
                    links[ref] = (url(pk), label or ref)
    teacher_codes = [ref for ref in codes if ref not in links]
    if teacher_codes:
        for teacher_code, name in Teacher.objects.filter(code__in=teacher_codes).values_list("code", "name"):
            links[teacher_code] = (reverse("members:teacher", args=[teacher_code]), name)
    return links


def evidence_links(studio, refs: set[str], *, member_id: int | None = None) -> dict[str, str]:
    """ref → URL of the page of the record it names (see evidence_targets)."""
    return {ref: url for ref, (url, _label) in evidence_targets(studio, refs, member_id=member_id).items()}


def _instances(result: dict):
    yield from result["team"]["rules"]
    for member in result["members"]:
        yield from member["rules"]


def decorate(result: dict, *, studio, office: bool, kind: str, year: str, member_id: int | None = None) -> dict:
    """Add labels, evidence links and action URLs to a result dict for the template (in place)."""
    links = evidence_targets(studio, {ref for instance in _instances(result) for ref in instance["evidence"]},
                             member_id=member_id)
    override_base = reverse("assessments:override", args=[studio.code])

    def walk(block: dict, teacher: str | None):
        block["verdict_label"] = VERDICT_LABELS.get(block.get("verdict"), "")
        final = block.get("final_verdict", block.get("verdict"))
        block["final_verdict_label"] = VERDICT_LABELS.get(final, "")
        # The rate and counts as the Excel sheets show them (assessments.presentation): final statuses.
        block["figures"] = figures(block).as_dict()
        block["rate"] = block["figures"]["rate_text"]
        block["counts"] = block["figures"]
        for instance in block["rules"]:
            rule = RULES_BY_ID.get(instance["rule"])
            instance.setdefault("title", rule.title if rule else instance["rule"])
            instance.setdefault("clause", rule.clause if rule else "")
            instance["status_label"] = STATUS_LABELS.get(instance["status"], instance["status"])
            instance["period_label"] = period_label(instance["period"])
            instance["ratio"] = ratio_text(instance.get("actual"), instance.get("required"))
            instance["evidence_links"] = [
                {"ref": ref, "url": links[ref][0] if ref in links else None,
                 "label": links[ref][1] if ref in links else ref} for ref in instance["evidence"]]
            override = instance.get("override")
            if override:
                override["status_label"] = STATUS_LABELS.get(override["status"], override["status"])
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
