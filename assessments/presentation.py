"""One truth for every figure and word an assessment shows, on a page and on paper.

The pages (assessments.views) and the Excel sheets (excel.exporters) both call these functions, so that a
studio's 达标率 is the same number under the same heading wherever an officer reads it:

- 达标率 (`figures`): met ÷ applicable over the rule instances that count for this kind of assessment
  (an annual assessment leaves the cycle rules out, as its verdict does), each taken with the office's
  override if it has one (the final status), not_applicable left out. One block (the team, or one person) or
  several (the team and every person: the studio's overall rate of the overview). The counts of met, pending
  and not_met stand beside it, so that a rate read in December — when most instances are still pending —
  does not read as failure.
- `ratio_text`: 实际/要求 (actual first), everywhere.
- the words for statuses, verdicts, grades, roles, periods (translated; the sheets render them in Chinese);
- `local_time_text`: times in the bureau's time zone (Asia/Shanghai), never UTC.
- `legend_rows`: what the colours and the rate mean.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy

from .engine import effective_status
from .periods import MET, NOT_APPLICABLE, NOT_MET, PENDING

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

RATE_DEFINITION = gettext_lazy(
    "Compliance rate = rules met ÷ rules that apply (not applicable left out), counting the rules of this kind of "
    "assessment with the office's overrides; beside it the counts met, in progress and not met.")
RATIO_HEADING = gettext_lazy("Actual / required")
OVERRIDE_MARK = "※"


@dataclass(frozen=True)
class Figures:
    """The counts and the rate of one or more blocks (team, person) of a result."""

    met: int = 0
    pending: int = 0
    not_met: int = 0
    not_applicable: int = 0

    @property
    def applicable(self) -> int:
        return self.met + self.pending + self.not_met

    @property
    def rate(self) -> float | None:
        """met ÷ applicable, 4 decimals (as the engine's compliance_rate); None when nothing applies."""
        return round(self.met / self.applicable, 4) if self.applicable else None

    @property
    def rate_text(self) -> str:
        return rate_text(self.rate)

    def as_dict(self) -> dict:
        return {"met": self.met, "pending": self.pending, "not_met": self.not_met,
                "not_applicable": self.not_applicable, "applicable": self.applicable, "rate": self.rate,
                "rate_text": self.rate_text, "counts_text": counts_text(self)}


def figures(*blocks: dict) -> Figures:
    """The figures of these blocks: the final status of every instance that counts for the assessment."""
    tally = {MET: 0, PENDING: 0, NOT_MET: 0, NOT_APPLICABLE: 0}
    for block in blocks:
        for instance in block["rules"]:
            if instance.get("counts", True):
                tally[effective_status(instance)] += 1
    return Figures(met=tally[MET], pending=tally[PENDING], not_met=tally[NOT_MET],
                   not_applicable=tally[NOT_APPLICABLE])


def result_figures(result: dict) -> Figures:
    """A studio's overall figures: the team and every person (the overview's rate of a studio)."""
    return figures(result["team"], *result["members"])


def rate_text(rate) -> str:
    """0.2308 → "23.1%"; None → "—". Half up, as Excel's 0.0% format rounds the same number."""
    if rate is None:
        return "—"
    value = (Decimal(str(rate)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def counts_text(numbers: Figures) -> str:
    """'达标 3 · 进行中 8 · 未达标 2' (translated)."""
    return str(gettext_lazy("%(met)s met · %(pending)s in progress · %(not_met)s not met")) % {
        "met": numbers.met, "pending": numbers.pending, "not_met": numbers.not_met}


def number(value):
    """2.0 → 2; other values unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def ratio_text(actual, required) -> str:
    """实际/要求: '1/2'; empty when either is unknown."""
    if actual is None or required is None:
        return ""
    return f"{number(actual)}/{number(required)}"


def status_text(instance: dict) -> str:
    """'未达标（1/2）※': the final status, 实际/要求 when both are known and the rule applies, ※ when overridden."""
    shown = effective_status(instance)
    text = str(STATUS_LABELS.get(shown, shown))
    ratio = ratio_text(instance.get("actual"), instance.get("required"))
    if shown != NOT_APPLICABLE and ratio:
        text += f"（{ratio}）"
    if instance.get("override"):
        text += OVERRIDE_MARK
    return text


def final_verdict(block: dict) -> str:
    return block.get("final_verdict", block["verdict"])


def verdict_text(verdict: str) -> str:
    return str(VERDICT_LABELS.get(verdict, verdict))


def overall_verdict(result: dict) -> str:
    """The studio's verdict over the team and every person, after overrides: fail, else pending, else pass."""
    finals = [final_verdict(result["team"])] + [final_verdict(m) for m in result["members"]]
    return "fail" if "fail" in finals else "pending" if "pending" in finals else "pass"


def period_label(label: str) -> str:
    """"2024-2025-1" → "2024-2025 第一学期"; a year label → "2024-2025 学年"; "cycle" → "整个周期"."""
    if label == "cycle":
        return str(gettext_lazy("Whole cycle"))
    parts = label.split("-")
    if len(parts) == 3:
        semester = gettext_lazy("semester 1") if parts[2] == "1" else gettext_lazy("semester 2")
        return f"{parts[0]}-{parts[1]} {semester}"
    return str(gettext_lazy("%(year)s school year")) % {"year": label}


def local_time_text(value) -> str:
    """An aware time (or its ISO text) as the bureau reads it: Asia/Shanghai, 'YYYY-MM-DD HH:MM'."""
    if not value:
        return ""
    if isinstance(value, str):
        value = parse_datetime(value)
        if value is None:
            return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


def legend_rows() -> list[tuple[str, str, str]]:
    """(word, status, meaning) of each status and verdict, and the rate's definition."""
    return [
        (str(STATUS_LABELS["met"]), "met", str(gettext_lazy("The requirement is met (by the period's records)."))),
        (str(STATUS_LABELS["not_met"]), "not_met",
         str(gettext_lazy("The period has ended and the requirement is not met."))),
        (str(STATUS_LABELS["pending"]), "pending",
         str(gettext_lazy("The period has not ended yet and the requirement is not met so far."))),
        (str(STATUS_LABELS["not_applicable"]), "not_applicable",
         str(gettext_lazy("In post for less than half of the period."))),
        (str(VERDICT_LABELS["pass"]), "", str(gettext_lazy("(verdict) every rule that applies is met"))),
        (str(VERDICT_LABELS["fail"]), "", str(gettext_lazy("(verdict) a rule is not met"))),
        (str(VERDICT_LABELS["pending"]), "", str(gettext_lazy("(verdict) a rule is still in progress"))),
        (str(gettext_lazy("Compliance rate")), "", str(RATE_DEFINITION)),
        (f"{OVERRIDE_MARK} / {RATIO_HEADING}", "",
         str(gettext_lazy("※ the office overrode the computed status; in brackets actual/required."))),
    ]
