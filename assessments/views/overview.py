"""The banner overview (studios × rules) and the office home panel of the studios furthest behind."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from studios.access import is_office, require_office

from .. import selectors
from .labels import GRADE_LABELS, KIND_LABELS, STATUS_LABELS, VERDICT_LABELS, period_label, rate_percent, settings_rows
from .years import banner_years, choose_assessment, school_year

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
    form, kind, year = choose_assessment(request.GET, years)
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
    matrix = selectors.overview_matrix_recent(school_year=year, kind="annual")
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
